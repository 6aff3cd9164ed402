import dagster as dg

from orchestration.defs.crm.assets import crm_freshness_checks
from orchestration.defs.dbt.assets import PROTOCOLS_KEY
from orchestration.defs.portal.assets import portal_eventos_frescor
from orchestration.defs.publish.assets import publicacao_frescor
from orchestration.defs.serasa.assets import serasa_solicitacoes_frescor
from orchestration.defs.surveys.assets import pesquisas_envios_frescor

PIPELINE_JOB = "pipeline"
PROTOCOLS_JOB = "protocolos"
FRESHNESS_JOB = "verificar_frescor"

pipeline = dg.define_asset_job(
    PIPELINE_JOB,
    # Survey protocols are partitioned by dispatch month, not load date: their own job.
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(PROTOCOLS_KEY),
    description=(
        "Ingest a load date's new landing files, build and test the dbt project "
        "(incremental), publish the marts; then the freshness checks."
    ),
    executor_def=dg.in_process_executor,  # one DuckDB writer at a time
)

protocolos = dg.define_asset_job(
    PROTOCOLS_JOB,
    selection=dg.AssetSelection.assets(PROTOCOLS_KEY, ["publicacao"]),
    description=(
        "Link survey dispatches to their protocols for a range of dispatch months (one dbt run "
        "over the range; a backfill of all history is one run), then publish."
    ),
    executor_def=dg.in_process_executor,
)

verificar_frescor = dg.define_asset_job(
    FRESHNESS_JOB,
    selection=dg.AssetSelection.checks(
        portal_eventos_frescor,
        pesquisas_envios_frescor,
        serasa_solicitacoes_frescor,
        *crm_freshness_checks,
        publicacao_frescor,
    ),
    description="Freshness of every source and of the publication, without running anything.",
)
