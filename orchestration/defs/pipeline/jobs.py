import dagster as dg

from orchestration.defs.crm.assets import crm_freshness_checks
from orchestration.defs.portal.assets import portal_eventos_frescor
from orchestration.defs.publish.assets import publicacao_frescor

PIPELINE_JOB = "pipeline"
FRESHNESS_JOB = "verificar_frescor"

pipeline = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest a load date's new landing files, build and test the dbt project "
        "(incremental), publish the marts; then the freshness checks."
    ),
    executor_def=dg.in_process_executor,  # one DuckDB writer at a time
)

verificar_frescor = dg.define_asset_job(
    FRESHNESS_JOB,
    selection=dg.AssetSelection.checks(
        portal_eventos_frescor, *crm_freshness_checks, publicacao_frescor
    ),
    description="Freshness of every source and of the publication, without running anything.",
)
