"""Re-engagement segments on the demo data: each bundled segment against its own definition
written here in plain SQL over the marts it reads; a segment added only in the YAML appears after
the next run; and the "Reengajamento" page on that publication, as an analyst drives it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import data_access, exportacao, sessao
from dashboards.paginas.reengajamento import tabela_da_lista
from dashboards.politica import Pagina
from ingestion.settings import Settings
from orchestration.lib.environment import prepare_environment
from orchestration.lib.pipeline_run import run_pipeline
from orchestration.lib.publish import current_publication
from tests.conftest import LOAD_DATE
from tests.dashboards.conftest import USUARIOS, escrever_usuarios

BUNDLED = Path(__file__).resolve().parents[2] / "ingestion" / "reengajamento" / "segmentos.yml"

NOVO_SEGMENTO = {
    "nome": "devidos_que_nunca_entraram",
    "descricao": "Devem a atualização e não entraram no portal desde a ativação",
    "todas": [
        {"atributo": "devida", "operador": "=", "valor": True},
        {"atributo": "sem_login_desde_ativacao", "operador": "=", "valor": True},
    ],
}

# Each bundled segment as plain SQL over the marts (a person the CRM deleted is never listed).
ATIVOS = (
    "idpessoa not in (select idpessoa from intermediate.int_crm__pessoas_atual "
    "where upper(trim(ativo)) in ('N', 'NAO', 'NÃO'))"
)
ESPERADOS = {
    "recusa_recorrente": "select idpessoa from marts.atualizacao_cadastral_status "
    "where devida and recusas_desde_devida >= 3",
    "devidos_sem_login": "select idpessoa from marts.atualizacao_cadastral_status "
    "where devida "
    "and date_diff('day', coalesce(ultimo_login, data_cadastro), data_referencia) >= 60",
    "contato_alterado": "select idpessoa from marts.alteracoes_cadastrais "
    "where campo in ('email', 'celular') "
    f"and data_local > date '{LOAD_DATE}' - 30 and data_local <= date '{LOAD_DATE}'",
    NOVO_SEGMENTO["nome"]: "select idpessoa from marts.atualizacao_cadastral_status "
    "where devida and sem_login_desde_ativacao",
}


def membros(con: duckdb.DuckDBPyConnection, segmento: str) -> set[int]:
    return {
        linha[0]
        for linha in con.execute(
            "select idpessoa from marts.segmentos_reengajamento where segmento = ?", [segmento]
        ).fetchall()
    }


def esperados(warehouse: Path, segmento: str) -> set[int]:
    """The segment by its own SQL, on the warehouse (which still has the intermediate models)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql = f"select distinct idpessoa from ({ESPERADOS[segmento]}) where {ATIVOS}"
        return {linha[0] for linha in con.execute(sql).fetchall()}


@pytest.fixture(scope="module")
def com_novo_segmento(publications, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A copy of the demo data folder, run once more on DuckDB with one segment added to a copy
    of the bundled file, and nothing else changed."""
    data_dir = tmp_path_factory.mktemp("novo-segmento") / "data"
    shutil.copytree(publications["data_dir"], data_dir)
    arquivo = data_dir.parent / "segmentos.yml"
    conteudo = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    conteudo["segmentos"].append(NOVO_SEGMENTO)
    arquivo.write_text(yaml.safe_dump(conteudo, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALICERCE_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        patch.setenv("ALICERCE_ENGINE", "duckdb")
        patch.setenv("ALICERCE_SEGMENTS_FILE", str(arquivo))
        settings = Settings()
        prepare_environment(settings)
        outcome = run_pipeline(settings, LOAD_DATE)
        assert outcome.success, outcome.failures
    return {
        "data_dir": data_dir,
        "warehouse": settings.warehouse,
        "publicacao": current_publication(settings.published_dir),
    }


def test_cada_segmento_confere_com_a_sua_definicao(publications):
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        for segmento in ("recusa_recorrente", "devidos_sem_login", "contato_alterado"):
            obtidos = membros(con, segmento)
            assert obtidos, f"{segmento}: empty on the demo data, proves nothing"
            assert obtidos == esperados(publications["warehouse"], segmento), segmento
        nao_devidos = con.execute(
            """
            select count(*) from marts.segmentos_reengajamento as s
            join marts.atualizacao_cadastral_status as a using (idpessoa)
            where s.segmento = 'recusa_recorrente' and not a.devida
            """
        ).fetchone()[0]
        assert nao_devidos == 0


def test_consentimento_decide_os_canais(publications):
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        por_consentimento = dict(
            con.execute(
                """
                select consentimento, count(*) filter (where email is not null
                                                       or celular is not null or canais <> '')
                from marts.segmentos_reengajamento group by consentimento
                """
            ).fetchall()
        )
    # Refused marketing: listed (they count) but never with a contact or a channel.
    assert por_consentimento["nao"] == 0
    assert por_consentimento["sim"] > 0 and por_consentimento["desconhecido"] > 0


def test_um_segmento_novo_so_no_yaml_aparece_na_execucao_seguinte(publications, com_novo_segmento):
    nome = NOVO_SEGMENTO["nome"]
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        assert membros(con, nome) == set()
    with duckdb.connect(str(com_novo_segmento["publicacao"]), read_only=True) as con:
        novos = membros(con, nome)
        contagem = con.execute(
            "select pessoas from marts.segmentos_reengajamento_contagens "
            "where segmento = ? and data_referencia = ?",
            [nome, LOAD_DATE],
        ).fetchone()
        antigos = membros(con, "recusa_recorrente")
    assert novos, "the new segment is empty on the demo data"
    assert novos == esperados(com_novo_segmento["warehouse"], nome)
    assert contagem == (len(novos),)
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        assert antigos == membros(con, "recusa_recorrente")  # the others are untouched


# --- the page -------------------------------------------------------------------------------------

PAGINA = """
from dashboards.paginas import reengajamento

reengajamento.render()
"""


@pytest.fixture
def na_publicacao(com_novo_segmento, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dashboards read the publication with the new segment, the test users logged in."""
    monkeypatch.setenv("ALICERCE_DATA_DIR", str(com_novo_segmento["data_dir"]))
    monkeypatch.setenv("ALICERCE_USUARIOS_FILE", str(escrever_usuarios(tmp_path / "u.yaml")))
    st.cache_data.clear()
    return com_novo_segmento["data_dir"]


def abrir_pagina(login: str) -> AppTest:
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    at.date_input(key="data_referencia").set_value(date.fromisoformat(LOAD_DATE)).run()
    at.selectbox(key="segmento").set_value(NOVO_SEGMENTO["nome"]).run()
    assert not at.exception, at.exception
    return at


def legendas(at: AppTest) -> str:
    return " | ".join(caption.value for caption in at.caption)


def lista(at: AppTest):
    (tabela,) = [df.value for df in at.dataframe if "Motivo" in df.value.columns]
    return tabela


def test_pagina_para_a_analista(na_publicacao):
    at = abrir_pagina("analista")
    assert at.title[0].value == "Reengajamento"
    esperado = esperados(Settings().warehouse, NOVO_SEGMENTO["nome"])
    metricas = {metrica.label: metrica.value for metrica in at.metric}
    assert metricas["Pessoas"] == f"{len(esperado):,}".replace(",", ".")
    tabela = lista(at)
    assert set(tabela["ID"]) == esperado
    assert (tabela["Motivo"] == "devida: sim; sem_login_desde_ativacao: sim").all()
    # The analyst sees contacts masked until she reveals them.
    emails = tabela["E-mail"].dropna()
    assert len(emails) and emails.str.contains(r"\*\*\*@").all()
    assert len(at.get("vega_lite_chart")) == 1

    usuario = USUARIOS["analista"]
    so_sim = data_access.lista_segmento(usuario, NOVO_SEGMENTO["nome"], para_exportar=True)
    com_desconhecido = data_access.lista_segmento(
        usuario, NOVO_SEGMENTO["nome"], para_exportar=True, incluir_consentimento_desconhecido=True
    )
    assert set(so_sim["consentimento"]) == {"sim"}
    assert set(com_desconhecido["consentimento"]) == {"sim", "desconhecido"}
    assert f"{len(so_sim)} pessoas na exportação" in legendas(at)
    at.checkbox(key="incluir_desconhecido").check().run()
    assert f"{len(com_desconhecido)} pessoas na exportação" in legendas(at)
    assert [botao.label for botao in at.get("download_button")] == [
        "Exportar CSV (Excel)",
        "Exportar XLSX",
    ]

    at.toggle(key="revelar").set_value(True).run()
    assert not lista(at)["E-mail"].dropna().str.contains(r"\*\*\*").any()
    revelacoes = data_access.auditoria(USUARIOS["gestora"])
    revelacao = revelacoes[revelacoes["pagina"] == "reengajamento"]
    assert list(revelacao["acao"]) == ["revelacao"]  # the preview; the export's list is not shown
    assert json.loads(revelacao["filtros"].iloc[0]) == {
        "segmento": NOVO_SEGMENTO["nome"],
        "sem_mascara": True,
    }
    assert list(revelacao["linhas"]) == [len(esperado)]

    # An export's audit row, written when the file is downloaded, records the consent choice;
    # the list is read then, as the page asks.
    def exportaveis():
        return tabela_da_lista(
            data_access.lista_segmento(
                usuario, NOVO_SEGMENTO["nome"], revelar=True, para_exportar=True,
                incluir_consentimento_desconhecido=True,
            )
        )  # fmt: skip

    filtros = data_access.filtros_reengajamento(
        NOVO_SEGMENTO["nome"], sem_mascara=True, incluir_consentimento_desconhecido=True
    )
    arquivo = data_access.exportacao_auditada(
        usuario, datetime.now(UTC) + timedelta(hours=1), Pagina.REENGAJAMENTO, filtros,
        exportaveis, "csv", exportacao.csv_excel,
    )  # fmt: skip
    conteudo = arquivo().decode("utf-8-sig")
    assert conteudo.count("\n") == len(com_desconhecido) + 1
    exportacoes = data_access.auditoria(USUARIOS["gestora"])
    exportacao_ = exportacoes[exportacoes["acao"] == "exportacao"]
    assert json.loads(exportacao_["filtros"].iloc[0])["incluir_consentimento_desconhecido"]
    assert list(exportacao_["linhas"]) == [len(com_desconhecido)]


def test_funil_e_verificacoes(na_publicacao):
    at = abrir_pagina("gestora")
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2000, 1, 1)).run()
    at.date_input(key="fim").set_value(date.fromisoformat(LOAD_DATE)).run()
    (funil,) = [df.value for df in at.dataframe if "Pedidos exibidos" in df.value.columns]
    with duckdb.connect(str(current_publication(Settings().published_dir)), read_only=True) as con:
        prompts = con.execute(
            "select sum(prompts) from marts.atualizacao_cadastral_funil"
        ).fetchone()[0]
    assert funil["Pedidos exibidos"].sum() == prompts > 0
    assert "Nenhuma falha do portal no período." in [s.value for s in at.success]


def test_so_gestor_e_analista_abrem_a_pagina(na_publicacao):
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS["corretor101"]
    at.run()
    assert [e.value for e in at.error] == ["O perfil “corretor” não tem acesso a esta página."]
    assert not at.dataframe
    with pytest.raises(data_access.AcessoNegado):
        data_access.lista_segmento(USUARIOS["corretor101"], NOVO_SEGMENTO["nome"])
