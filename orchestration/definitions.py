"""Dagster definitions: `dagster dev -m orchestration.definitions` and `alicerce run` load these."""

import dagster as dg

from ingestion.settings import get_settings
from orchestration.lib.environment import ensure_dbt_manifest, prepare_environment

prepare_environment(get_settings())
ensure_dbt_manifest()

# The modules below need the manifest.
from orchestration.defs.alcadas.assets import (  # noqa: E402
    alcadas_regras,
    escopos_conhecidos,
    series_conhecidas,
)
from orchestration.defs.crm.assets import (  # noqa: E402
    crm_assets,
    crm_freshness_checks,
    crm_varreduras,
)
from orchestration.defs.crm.schedules import varredura_semanal  # noqa: E402
from orchestration.defs.dbt.assets import (  # noqa: E402
    alicerce_dbt_models,
    dbt_resource,
    protocolos_pesquisa_por_mes,
)
from orchestration.defs.pipeline.jobs import (  # noqa: E402
    PIPELINE_JOB,
    PROTOCOLS_JOB,
    pipeline,
    protocolos,
    verificar_frescor,
)
from orchestration.defs.pipeline.schedules import (  # noqa: E402
    diario,
    frescor_de_hora_em_hora,
    protocolos_diario,
)
from orchestration.defs.pipeline.sensors import arquivos_novos  # noqa: E402
from orchestration.defs.portal.assets import (  # noqa: E402
    portal_campanha,
    portal_eventos,
    portal_eventos_frescor,
)
from orchestration.defs.publish.assets import publicacao, publicacao_frescor  # noqa: E402
from orchestration.defs.reengajamento.assets import reengajamento_segmentos  # noqa: E402
from orchestration.defs.serasa.assets import (  # noqa: E402
    campos_desconhecidos,
    consultas_desconhecidas,
    serasa_configuracao,
    serasa_consultas,
    serasa_solicitacoes,
    serasa_solicitacoes_frescor,
)
from orchestration.defs.surveys.assets import (  # noqa: E402
    pesquisas_envios,
    pesquisas_envios_frescor,
    pesquisas_gatilhos,
    todo_envio_tem_protocolo,
)

__all__ = ["PIPELINE_JOB", "PROTOCOLS_JOB", "defs"]

defs = dg.Definitions(
    assets=[
        portal_eventos,
        portal_campanha,
        reengajamento_segmentos,
        pesquisas_envios,
        pesquisas_gatilhos,
        alcadas_regras,
        serasa_solicitacoes,
        serasa_configuracao,
        serasa_consultas,
        *crm_assets,
        crm_varreduras,
        alicerce_dbt_models,
        protocolos_pesquisa_por_mes,
        publicacao,
    ],
    asset_checks=[
        portal_eventos_frescor,
        pesquisas_envios_frescor,
        todo_envio_tem_protocolo,
        escopos_conhecidos,
        series_conhecidas,
        serasa_solicitacoes_frescor,
        consultas_desconhecidas,
        campos_desconhecidos,
        *crm_freshness_checks,
        publicacao_frescor,
    ],
    jobs=[pipeline, protocolos, verificar_frescor],
    schedules=[diario, protocolos_diario, frescor_de_hora_em_hora, varredura_semanal],
    sensors=[arquivos_novos],
    resources={"dbt": dbt_resource},
)
