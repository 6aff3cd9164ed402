import dagster as dg

from ingestion.crm.pessoas import ingest_pessoas_pages
from ingestion.settings import get_settings
from orchestration.lib.freshness import freshness_check
from orchestration.lib.ingest_asset import ingestion_check_specs, materialize_report
from orchestration.lib.load_date import LOAD_DATES

KEY = dg.AssetKey(["crm", "pessoas"])


@dg.asset(
    key=KEY,
    group_name="crm",
    description="CRM people (CVDW `pessoas` pages in data/landing/crm/pessoas) into the raw lake.",
    kinds={"python", "parquet"},
    partitions_def=LOAD_DATES,
    check_specs=ingestion_check_specs(KEY),
)
def crm_pessoas(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    report = ingest_pessoas_pages(get_settings(), context.partition_key, context.log.info)
    return materialize_report(context, report)


crm_pessoas_frescor = freshness_check(KEY, "crm/pessoas")
