import dagster as dg

from ingestion.portal.events import ingest_portal_events
from ingestion.settings import get_settings
from orchestration.lib.ingest_asset import materialize_report
from orchestration.lib.load_date import IngestConfig


@dg.asset(
    key=["portal", "eventos"],
    group_name="portal",
    description="Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
    kinds={"python", "parquet"},
)
def portal_eventos(context: dg.AssetExecutionContext, config: IngestConfig) -> dg.MaterializeResult:
    report = ingest_portal_events(get_settings(), config.resolved_load_date(), context.log.info)
    return materialize_report(context, report)
