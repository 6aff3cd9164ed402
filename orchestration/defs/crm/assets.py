import dagster as dg

from ingestion.crm.pessoas import ingest_pessoas_pages
from ingestion.settings import get_settings
from orchestration.lib.ingest_asset import materialize_report
from orchestration.lib.load_date import IngestConfig


@dg.asset(
    key=["crm", "pessoas"],
    group_name="crm",
    description="CRM people (CVDW `pessoas` pages in data/landing/crm/pessoas) into the raw lake.",
    kinds={"python", "parquet"},
)
def crm_pessoas(context: dg.AssetExecutionContext, config: IngestConfig) -> dg.MaterializeResult:
    report = ingest_pessoas_pages(get_settings(), config.resolved_load_date(), context.log.info)
    return materialize_report(context, report)
