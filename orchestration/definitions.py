"""Dagster definitions: `dagster dev -m orchestration.definitions` and `alicerce run` load these."""

import dagster as dg

from ingestion.settings import get_settings
from orchestration.lib.environment import ensure_dbt_manifest, prepare_environment

prepare_environment(get_settings())
ensure_dbt_manifest()

from orchestration.defs.crm.assets import crm_pessoas  # noqa: E402  (needs the manifest)
from orchestration.defs.dbt.assets import alicerce_dbt_models, dbt_resource  # noqa: E402
from orchestration.defs.portal.assets import portal_eventos  # noqa: E402
from orchestration.defs.publish.assets import publicacao  # noqa: E402

PIPELINE_JOB = "pipeline"

pipeline = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build and test the dbt project, publish the marts.",
    executor_def=dg.in_process_executor,  # one DuckDB writer at a time
)

defs = dg.Definitions(
    assets=[portal_eventos, crm_pessoas, alicerce_dbt_models, publicacao],
    jobs=[pipeline],
    resources={"dbt": dbt_resource},
)
