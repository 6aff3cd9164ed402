import dagster as dg

from ingestion.portal.events import ingest_portal_events
from ingestion.settings import get_settings
from orchestration.lib.freshness import freshness_check
from orchestration.lib.ingest_asset import ingestion_check_specs, materialize_report
from orchestration.lib.load_date import LOAD_DATES

KEY = dg.AssetKey(["portal", "eventos"])


@dg.asset(
    key=KEY,
    group_name="portal",
    description="Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
    kinds={"python", "parquet"},
    partitions_def=LOAD_DATES,
    check_specs=ingestion_check_specs(KEY),
)
def portal_eventos(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    report = ingest_portal_events(get_settings(), context.partition_key, context.log.info)
    return materialize_report(context, report)


portal_eventos_frescor = freshness_check(KEY, "portal/eventos")
