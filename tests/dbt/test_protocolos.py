"""Survey protocols on the demo data: every dispatch gets one, with each origin present and the
matching equal to the rule written here in plain SQL; the backfill is one dbt run, and running it
again, over all history or over overlapping ranges, leaves the mart equal; a dispatch the mart
lost (as a late file for an old month would be) is linked by the next daily run."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import Settings
from orchestration.definitions import defs  # first: it writes the dbt manifest the assets read
from orchestration.defs.dbt.assets import PROTOCOLS_KEY
from orchestration.lib.environment import prepare_environment
from orchestration.lib.load_date import today_in_sao_paulo
from orchestration.lib.pipeline_run import PROTOCOLS_STEP, month_of, run_protocols
from orchestration.lib.protocol_coverage import protocol_coverage
from orchestration.lib.publish import current_publication
from tests.dbt.test_engine_parity import mart_fingerprints

ORIGENS = {"gatilho", "correspondencia", "servico", "pesquisa"}

# The matching rule, said differently from the model: per dispatch without idorigem, the latest
# event instant among the client's events of the trigger's type within the window, then the
# highest id at that instant.
CORRESPONDENCIAS = """
with envios as (
    select e.idenvio, e.idpessoa, e.enviado_em, g.tipo_registro, g.evento, g.janela_dias
    from staging.stg_pesquisas__envios as e
    join staging.stg_pesquisas__gatilhos as g using (gatilho)
    where e.idorigem is null
),
no_prazo as (
    select envios.idenvio, ev.idregistro, ev.ocorrido_em
    from envios join intermediate.int_pesquisas__eventos_registro as ev
        on ev.tipo_registro = envios.tipo_registro and ev.evento = envios.evento
        and ev.idpessoa = envios.idpessoa
        and ev.ocorrido_em between envios.enviado_em - envios.janela_dias * interval 1 day
                               and envios.enviado_em
),
ultimo as (
    select idenvio, max(ocorrido_em) as ocorrido_em from no_prazo group by idenvio
)
select idenvio, cast(max(idregistro) as varchar)
from no_prazo join ultimo using (idenvio, ocorrido_em)
group by idenvio
"""


def _protocolos(publication: Path) -> list[tuple]:
    with duckdb.connect(str(publication), read_only=True) as con:
        return con.execute(
            "select idenvio, protocolo, origem_protocolo, tipo_registro "
            "from marts.protocolos_pesquisa order by idenvio"
        ).fetchall()


def test_todo_envio_da_demo_tem_protocolo_e_cada_origem_aparece(publications):
    linhas = _protocolos(publications["incremental_duckdb"])
    envios_glob = str(publications["data_dir"] / "lake/raw/pesquisas/envios/*/*.parquet")
    [(no_lago,)] = duckdb.sql(
        f"select count(distinct idenvio) from read_parquet('{envios_glob}') "
        "where idenvio is not null"
    ).fetchall()
    assert no_lago > 100, "too few dispatches on the demo data to prove anything"
    assert len(linhas) == no_lago
    assert all(protocolo and protocolo.strip() for _, protocolo, _, _ in linhas)
    por_origem = {origem: sum(1 for *_, o, _ in linhas if o == origem) for origem in ORIGENS}
    assert all(por_origem.values()), por_origem
    # The CRM records its own id from release 24.12 only: most old dispatches need matching.
    assert por_origem["correspondencia"] > por_origem["pesquisa"]


def test_a_correspondencia_e_a_regra_em_sql(publications):
    linhas = _protocolos(publications["incremental_duckdb"])
    with duckdb.connect(str(publications["warehouse"]), read_only=True) as con:
        esperadas = dict(con.execute(CORRESPONDENCIAS).fetchall())
    obtidas = {
        envio: protocolo for envio, protocolo, origem, _ in linhas if origem == "correspondencia"
    }
    assert obtidas == esperadas
    # Without a match, the dispatch falls back to its service, else to its survey.
    sem_correspondencia = {
        envio for envio, _, origem, _ in linhas if origem in ("servico", "pesquisa")
    }
    assert sem_correspondencia and not sem_correspondencia & set(esperadas)


@pytest.fixture(scope="module")
def copia(publications, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo data folder (DuckDB engine): backfills here leave the shared one alone."""
    data_dir = tmp_path_factory.mktemp("protocolos") / "data"
    shutil.copytree(publications["data_dir"], data_dir)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALICERCE_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        patch.setenv("ALICERCE_ENGINE", "duckdb")
        settings = Settings()
        prepare_environment(settings)
        yield settings


def _impressao(settings: Settings):
    return mart_fingerprints(current_publication(settings.published_dir))["protocolos_pesquisa"]


def _backfill(settings: Settings, first: str, last: str):
    outcome = run_protocols(settings, first, last)
    assert outcome.success, outcome.failures
    # One dbt run over the whole range, not one per month.
    assert [step.step for step in outcome.steps].count(PROTOCOLS_STEP) == 1
    assert outcome.summary["checks_failed"] == 0
    return outcome


def test_o_backfill_e_um_so_dbt_e_repeti_lo_nao_muda_nada(copia: Settings):
    assert defs.get_assets_def(PROTOCOLS_KEY).backfill_policy.max_partitions_per_run is None
    antes = _impressao(copia)
    assert antes[1] > 100
    este_mes = month_of(today_in_sao_paulo().isoformat())
    _backfill(copia, "2015-01-01", este_mes)
    assert _impressao(copia) == antes
    _backfill(copia, "2015-01-01", este_mes)
    assert _impressao(copia) == antes
    _backfill(copia, "2019-01-01", "2023-06-01")
    _backfill(copia, "2022-01-01", este_mes)
    assert _impressao(copia) == antes
    coverage = protocol_coverage(copia)
    assert coverage.complete and sum(coverage.by_origin.values()) == coverage.dispatches


def test_um_envio_que_falta_no_mart_volta_na_execucao_do_mes_atual(copia: Settings):
    antes = _impressao(copia)
    with duckdb.connect(str(copia.warehouse)) as con:
        (mes,) = con.execute(
            "select min(mes_envio) from marts.protocolos_pesquisa "
            "where origem_protocolo = 'correspondencia'"
        ).fetchone()
        con.execute("delete from marts.protocolos_pesquisa where mes_envio = ?", [mes])
    assert not protocol_coverage(copia).complete
    este_mes = month_of(today_in_sao_paulo().isoformat())
    _backfill(copia, este_mes, este_mes)  # what the daily schedule runs
    assert _impressao(copia) == antes
