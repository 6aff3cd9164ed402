"""The page "Qualidade dos dados" as a user drives it, through Streamlit's AppTest, on real
publications and state databases.

The page is a callable `st.Page`, which `AppTest.switch_page` cannot reach (it only switches to
page files), so these tests run the page's `render()` as the script; `test_navegacao` checks that
the app lists it for the right roles.
"""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import sessao
from ingestion import quality
from ingestion.crm.objects import OBJECTS

from .conftest import CONTEUDO_COM_CPF, FALHAS_RUN_2, QUARENTENA, USUARIOS, Quarentenado, app_como

PAGINA = """
from dashboards.paginas import qualidade_dados

qualidade_dados.render()
"""

NAVEGACAO = """
import streamlit as st

from dashboards.navegacao import secoes

for secao, paginas in secoes(st.session_state["alicerce_usuario"]).items():
    for pagina in paginas:
        st.text(f"{secao} | {pagina.title} | /{pagina.url_path}")
"""


def abrir_pagina(login: str = "gestora") -> AppTest:
    """The page alone, in a session where `login` is logged in."""
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    return at


def tabela(at: AppTest, coluna: str) -> pd.DataFrame:
    """The one table on screen with this column."""
    tabelas = [df.value for df in at.dataframe if coluna in df.value.columns]
    assert len(tabelas) == 1, f"expected exactly one table with {coluna!r}"
    return tabelas[0]


def tabelas_com(at: AppTest, *colunas: str) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if set(colunas) <= set(df.value.columns)]


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def legendas(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def tudo_na_tela(at: AppTest) -> str:
    return str([df.value.to_dict() for df in at.dataframe]) + str(at.main)


# --- the page with data ---------------------------------------------------------------------------


def test_pagina_com_dados(publicacao, estado_padrao):
    at = abrir_pagina()
    assert at.title[0].value == "Qualidade dos dados"
    assert [aba.label for aba in at.tabs] == [
        "Quarentena",
        "Reconciliação",
        "Frescor",
        "Últimas execuções",
    ]
    assert metricas(at) == {"Registros em quarentena": "7", "Fontes": "2", "Motivos": "5"}
    assert len(at.get("vega_lite_chart")) == 1

    por_motivo = tabela(at, "Primeira carga")
    assert por_motivo.iloc[0].to_dict() == {
        "Fonte": "Portal (eventos)",
        "Motivo": "invalid_json",
        "Registros": 3,
        "Primeira carga": date(2026, 11, 19),
        "Última carga": date(2026, 11, 20),
    }
    (por_dia,) = tabelas_com(at, "Dia de carga", "Registros")
    por_dia = por_dia.query("Motivo == 'invalid_json'")
    assert list(zip(por_dia["Dia de carga"], por_dia["Registros"], strict=True)) == [
        (date(2026, 11, 20), 2),
        (date(2026, 11, 19), 1),
    ]

    registros = tabela(at, "Arquivo")
    assert list(registros.columns) == [
        "Fonte",
        "Dia de carga",
        "Motivo",
        "Arquivo",
        "Linha",
        "Conteúdo",
    ]
    assert len(registros) == 7
    assert "7 registros." in legendas(at)
    linha = registros[registros["Linha"] == 7].iloc[0]
    assert linha["Motivo"] == "unknown_event_type:foo"
    assert linha["Arquivo"] == "portal/eventos/eventos-0001.jsonl"
    assert linha["Conteúdo"] == CONTEUDO_COM_CPF  # the gestor sees the record as received


def test_filtros_da_quarentena(publicacao, estado_padrao):
    at = abrir_pagina()
    assert at.date_input(key="quarentena_inicio").value == date(2026, 11, 18)
    assert at.date_input(key="quarentena_fim").value == date(2026, 11, 20)
    assert at.multiselect(key="quarentena_fontes").options == ["CRM (pessoas)", "Portal (eventos)"]

    at.multiselect(key="quarentena_fontes").set_value(["crm/pessoas"]).run()
    assert metricas(at)["Registros em quarentena"] == "2"
    assert set(tabela(at, "Arquivo")["Fonte"]) == {"CRM (pessoas)"}

    at.multiselect(key="quarentena_fontes").set_value([])
    at.multiselect(key="quarentena_motivos").set_value(["invalid_json"]).run()
    assert metricas(at) == {"Registros em quarentena": "3", "Fontes": "1", "Motivos": "1"}
    assert sorted(tabela(at, "Arquivo")["Linha"]) == [1, 3, 5]

    at.multiselect(key="quarentena_motivos").set_value([])
    at.date_input(key="quarentena_inicio").set_value(date(2026, 11, 19))
    at.date_input(key="quarentena_fim").set_value(date(2026, 11, 19)).run()
    assert metricas(at)["Registros em quarentena"] == "2"
    assert set(tabela(at, "Arquivo")["Dia de carga"]) == {date(2026, 11, 19)}


def test_filtros_sem_resultado(publicacao, estado_padrao):
    at = abrir_pagina()
    at.multiselect(key="quarentena_fontes").set_value(["crm/pessoas"])
    at.multiselect(key="quarentena_motivos").set_value(["invalid_json"]).run()
    assert not at.exception
    assert metricas(at)["Registros em quarentena"] == "0"
    assert "Nenhum registro em quarentena para os filtros escolhidos." in [
        info.value for info in at.info
    ]
    assert not [df for df in at.dataframe if "Arquivo" in df.value.columns]


def test_periodo_de_carga_invertido_mostra_erro(publicacao, estado_padrao):
    at = abrir_pagina()
    at.date_input(key="quarentena_inicio").set_value(date(2026, 11, 20))
    at.date_input(key="quarentena_fim").set_value(date(2026, 11, 18)).run()
    assert not at.exception
    assert "A data inicial (20/11/2026) é posterior à data final (18/11/2026)." in [
        erro.value for erro in at.error
    ]
    assert not [df for df in at.dataframe if "Arquivo" in df.value.columns]
    # The other sections still show.
    assert not tabela(at, "Situação").empty


def test_limite_de_registros_mostrados(publicador, estado_padrao):
    muitos = [
        Quarentenado(
            "portal/eventos",
            date(2026, 11, 1) + timedelta(days=indice % 20),
            "invalid_json",
            f"portal/eventos/eventos-{indice % 20:04d}.jsonl",
            indice,
            "{",
        )
        for indice in range(1205)
    ]
    publicador.publicar(quarentena=muitos)
    at = abrir_pagina()
    assert metricas(at)["Registros em quarentena"] == "1.205"
    assert "Mostrando os 1.000 registros mais recentes de 1.205." in legendas(at)
    registros = tabela(at, "Arquivo")
    assert len(registros) == 1000
    assert registros["Dia de carga"].iloc[0] == date(2026, 11, 20)


# --- who sees what --------------------------------------------------------------------------------


def test_conteudo_oculto_para_analista(publicacao, estado_padrao, monkeypatch):
    at = abrir_pagina("analista")
    registros = tabela(at, "Arquivo")
    assert "Conteúdo" not in registros.columns
    assert len(registros) == 7
    assert "Conteúdo dos registros oculto para o seu papel (pode conter dados pessoais)." in (
        legendas(at)
    )
    tela = tudo_na_tela(at)
    for pedaco in ("12345678901", "joao@novo.com.br", "Pedro Álvares"):
        assert pedaco not in tela
    # Everything else is there.
    assert metricas(at)["Registros em quarentena"] == "7"
    assert not tabela(at, "Situação").empty


@pytest.mark.parametrize("login", ["corretor101", "compliance", "imob1"])
def test_papel_sem_acesso_e_recusado(publicacao, estado_padrao, login):
    at = abrir_pagina(login)
    assert [erro.value for erro in at.error] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe
    assert not at.tabs
    assert not at.metric


@pytest.mark.parametrize(
    ("login", "esperado"),
    [
        (
            "gestora",
            [
                "Cadastro | Alterações cadastrais | /",  # the default page has no path of its own
                "Campanhas | Reengajamento | /reengajamento",
                "Relacionamento | Pesquisas | /pesquisas",
                "Relacionamento | Registro do CRM | /registro",
                "Vendas | Alçadas | /alcadas",
                "Vendas | Serasa | /serasa",
                "Operação | Qualidade dos dados | /qualidade-dos-dados",
                "Operação | Auditoria | /auditoria",
            ],
        ),
        (
            "analista",
            [
                "Cadastro | Alterações cadastrais | /",
                "Campanhas | Reengajamento | /reengajamento",
                "Operação | Qualidade dos dados | /qualidade-dos-dados",
            ],
        ),
        (
            "corretor101",
            [
                "Cadastro | Alterações cadastrais | /",
                "Relacionamento | Pesquisas | /pesquisas",
                "Relacionamento | Registro do CRM | /registro",
                "Vendas | Alçadas | /alcadas",
                "Vendas | Serasa | /serasa",
            ],
        ),
        (
            "imob1",
            [
                "Cadastro | Alterações cadastrais | /",
                "Relacionamento | Pesquisas | /pesquisas",
                "Relacionamento | Registro do CRM | /registro",
                "Vendas | Alçadas | /alcadas",
                "Vendas | Serasa | /serasa",
            ],
        ),
        ("compliance", ["Cadastro | Alterações cadastrais | /"]),
    ],
)
def test_navegacao(publicador, login, esperado):
    at = AppTest.from_string(NAVEGACAO, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    assert [texto.value for texto in at.text] == esperado


def test_app_abre_para_analista(publicacao, estado_padrao):
    app = app_como("analista")
    assert app.title[0].value == "Alterações cadastrais"


# --- reconciliation -------------------------------------------------------------------------------


def test_reconciliacao(publicacao, estado_padrao):
    at = abrir_pagina()
    assert "A conta não fecha: Portal (eventos) em 20/11/2026." in [e.value for e in at.error]

    (por_dia,) = tabelas_com(at, "Confere", "Dia de carga")
    assert por_dia.to_dict("records") == [
        {"Dia de carga": date(2026, 11, 20), "Fonte": "CRM (pessoas)", "Arquivos": 1,
         "Entrada": 0, "Carregados": 0, "Quarentena": 0, "Duplicados": 0, "Confere": "sim"},
        {"Dia de carga": date(2026, 11, 20), "Fonte": "Portal (eventos)", "Arquivos": 2,
         "Entrada": 1510, "Carregados": 1497, "Quarentena": 8, "Duplicados": 4, "Confere": "NÃO"},
        {"Dia de carga": date(2026, 11, 19), "Fonte": "Portal (eventos)", "Arquivos": 1,
         "Entrada": 100, "Carregados": 95, "Quarentena": 3, "Duplicados": 2, "Confere": "sim"},
    ]  # fmt: skip

    por_fonte = tabela(at, "Em quarentena agora").set_index("Fonte")
    portal = por_fonte.loc["Portal (eventos)"]
    assert portal["Entrada"] == 1610
    assert portal["Quarentena"] == 11
    assert portal["Confere"] == "NÃO"
    assert portal["Reprocessados: carregados"] == 3
    assert portal["Reprocessados: duplicados"] == 1
    assert portal["Em quarentena agora"] == 7
    assert por_fonte.loc["CRM (pessoas)", "Confere"] == "sim"


def test_reprocessamentos(publicacao, estado_padrao):
    at = abrir_pagina()
    reprocessamentos = tabela(at, "Ainda em quarentena")
    assert len(reprocessamentos) == 1
    linha = reprocessamentos.iloc[0]
    assert (linha["Fonte"], linha["Dia de carga"]) == ("Portal (eventos)", date(2026, 11, 21))
    assert (linha["Examinados"], linha["Carregados"]) == (5, 3)
    assert (linha["Duplicados"], linha["Ainda em quarentena"]) == (1, 1)
    explicacao = next(texto for texto in legendas(at) if texto.startswith("Um reprocessamento"))
    assert "saem da quarentena" in explicacao
    assert (
        "em quarentena agora = quarentena na ingestão − carregados no reprocessamento − "
        "duplicados no reprocessamento" in explicacao
    )


# --- freshness ------------------------------------------------------------------------------------


def test_frescor(publicacao, estado_padrao):
    at = abrir_pagina()
    frescor = tabela(at, "Situação").set_index("Fonte")
    assert dict(frescor["Situação"]) == {
        "Portal (eventos)": "em dia",
        "Pesquisas (envios)": "nunca",
        "Serasa (solicitações)": "nunca",
        **{f"CRM ({obj.path.removeprefix('cvdw/')})": "nunca" for obj in OBJECTS},
        "Publicação": "atrasado",
    }
    assert len(frescor) == len(quality.SOURCES) + 1  # every source has a label
    assert frescor.loc["Publicação", "Última atualização"] == "20/11/2026 03:30"  # São Paulo
    assert frescor.loc["Portal (eventos)", "Idade (h)"] == "0,0"
    assert frescor.loc["Serasa (solicitações)", "Limite (h)"] == "168,0"  # users ask when they need
    assert set(frescor.drop(index="Serasa (solicitações)")["Limite (h)"]) == {"26,0"}
    assert pd.isna(frescor.loc["CRM (pessoas)", "Última atualização"])
    alerta = at.warning[0].value
    assert "CRM (pessoas): nunca atualizado." in alerta
    assert "Publicação: atrasado, última atualização em 20/11/2026 03:30." in alerta
    assert "Reconciliação: 1 dia de carga não fecha." in alerta
    assert "A última execução terminada (20/11/2026 03:00) falhou." in alerta


def test_tudo_em_dia(publicacao, estado):
    estado.arquivo("portal/eventos", "2026-11-27", 10, 8, 1, 1)
    for fonte in quality.SOURCES:  # the CRM objects, survey dispatches, ...
        if fonte != "portal/eventos":
            estado.arquivo(fonte, "2026-11-27", 5, 5, 0, 0, nome=f"{fonte}.json")
    estado.publicacao("alicerce-agora.duckdb", datetime.now(UTC), "run-1")
    estado.execucao("run-1", datetime.now(UTC) - timedelta(minutes=2), "success", {"seconds": 90})
    at = abrir_pagina()
    assert not at.warning
    assert [s.value for s in at.success] == [
        "Fontes e publicação em dia, contas fechando e última execução sem falha."
    ]
    assert set(tabela(at, "Situação")["Situação"]) == {"em dia"}


# --- runs -----------------------------------------------------------------------------------------


def test_ultimas_execucoes(publicacao, estado_padrao):
    at = abrir_pagina()
    execucoes = tabela(at, "ID da execução")
    assert list(execucoes["ID da execução"]) == ["run-3", "run-2", "run-1", "run-0"]
    assert list(execucoes["Status"]) == ["em andamento", "falha", "sucesso", "sucesso"]
    assert list(execucoes["Início"]) == [
        pd.Timestamp(f"2026-11-{dia} 03:00") for dia in (21, 20, 19, 18)
    ]  # 06:00 UTC is 03:00 in São Paulo
    assert list(execucoes["Duração"].fillna("")) == ["", "1 min 16 s", "12,3 s", "1 h 02 min"]
    falha = execucoes.iloc[1]
    assert (falha["Modelos"], falha["Testes ok"], falha["Testes com falha"]) == (5, 29, 2)
    assert falha["Recarga completa"] == "sim"
    assert pd.isna(execucoes.iloc[0]["Modelos"])  # still running: nothing to tell yet
    assert pd.isna(execucoes.iloc[3]["Recarga completa"])  # older summary

    rotulo = "Testes com falha na execução de 20/11/2026 03:00 (2)"
    assert [expander.label for expander in at.expander] == [rotulo]
    assert at.expander[0].code[0].value == "\n".join(FALHAS_RUN_2)


def test_ultimas_20_execucoes(publicacao, estado):
    inicio = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    for dia in range(25):
        estado.execucao(f"run-{dia:02d}", inicio + timedelta(days=dia), "success", {"seconds": 1})
    at = abrir_pagina()
    execucoes = tabela(at, "ID da execução")
    assert len(execucoes) == 20
    assert execucoes["ID da execução"].iloc[0] == "run-24"


# --- nothing there yet ----------------------------------------------------------------------------


def test_publicacao_sem_quarentena(publicador, estado_padrao):
    publicador.publicar(quarentena=None)
    at = abrir_pagina()
    assert (
        "A publicação atual não traz a quarentena: ela aparece a partir da próxima execução do "
        "pipeline (`alicerce run`)."
    ) in [info.value for info in at.info]
    assert not at.metric
    # The sections read from the state database still show.
    assert not tabela(at, "Em quarentena agora").empty
    assert not tabela(at, "Situação").empty
    assert not tabela(at, "ID da execução").empty


def test_quarentena_vazia(publicador, estado_padrao):
    publicador.publicar(quarentena=[])
    at = abrir_pagina()
    assert "Nenhum registro em quarentena." in [s.value for s in at.success]
    assert not at.metric


def test_nada_publicado_nem_executado(publicador):
    at = abrir_pagina()
    infos = [info.value for info in at.info]
    assert "Nenhuma publicação disponível ainda: rode `alicerce run`." in infos
    assert "Nenhum arquivo ingerido ainda." in infos
    assert "Nenhum reprocessamento registrado." in infos
    assert "Nenhuma execução registrada ainda." in infos
    assert set(tabela(at, "Situação")["Situação"]) == {"nunca"}


def test_quarentena_com_registro_novo_apos_publicar(publicador, estado_padrao):
    publicador.publicar()
    at = abrir_pagina()
    assert metricas(at)["Registros em quarentena"] == "7"
    mais_um = Quarentenado(
        "portal/eventos", date(2026, 11, 21), "invalid_utf8", "portal/eventos/x.jsonl", 2, None
    )
    publicador.publicar(
        publicado_em=datetime(2026, 11, 28, 9, 5), quarentena=[*QUARENTENA, mais_um]
    )
    at.run()
    assert not at.exception
    # The default period follows the data; the new day is chosen explicitly here.
    at.date_input(key="quarentena_fim").set_value(date(2026, 11, 21)).run()
    assert metricas(at)["Registros em quarentena"] == "8"
