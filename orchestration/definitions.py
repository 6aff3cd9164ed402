"""Dagster definitions: `dagster dev -m orchestration.definitions` and `alicerce run` load these."""

import dagster as dg

from ingestion.settings import get_settings
from orchestration.lib.environment import ensure_dbt_manifest, prepare_environment

prepare_environment(get_settings())
ensure_dbt_manifest()

# The modules below need the manifest.
from orchestration.defs.crm.assets import (  # noqa: E402
    crm_assets,
    crm_freshness_checks,
    crm_varreduras,
)
from orchestration.defs.crm.schedules import varredura_semanal  # noqa: E402
from orchestration.defs.dbt.assets import alicerce_dbt_models, dbt_resource  # noqa: E402
from orchestration.defs.pipeline.jobs import PIPELINE_JOB, pipeline, verificar_frescor  # noqa: E402
from orchestration.defs.pipeline.schedules import diario, frescor_de_hora_em_hora  # noqa: E402
from orchestration.defs.pipeline.sensors import arquivos_novos  # noqa: E402
from orchestration.defs.portal.assets import (  # noqa: E402
    portal_campanha,
    portal_eventos,
    portal_eventos_frescor,
)
from orchestration.defs.publish.assets import publicacao, publicacao_frescor  # noqa: E402
from orchestration.defs.reengajamento.assets import reengajamento_segmentos  # noqa: E402

__all__ = ["PIPELINE_JOB", "defs"]

defs = dg.Definitions(
    assets=[
        portal_eventos,
        portal_campanha,
        reengajamento_segmentos,
        *crm_assets,
        crm_varreduras,
        alicerce_dbt_models,
        publicacao,
    ],
    asset_checks=[portal_eventos_frescor, *crm_freshness_checks, publicacao_frescor],
    jobs=[pipeline, verificar_frescor],
    schedules=[diario, frescor_de_hora_em_hora, varredura_semanal],
    sensors=[arquivos_novos],
    resources={"dbt": dbt_resource},
)
