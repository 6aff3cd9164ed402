"""The page "Serasa" as a user drives it, through Streamlit's AppTest, on real publications
(conftest's standard one plus test_data_access_serasa's CONSULTAS and RESUMOS; the figures below
are written out by hand from the comment above CONSULTAS)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import sessao
from dashboards.paginas import serasa

from .conftest import USUARIOS, Publicador
from .test_acesso import auditoria_no_banco
from .test_data_access_serasa import CONSULTAS, escrever_serasa

REFERENCIA = date(2026, 11, 20)  # the reference date the rows are laid out around

PAGINA = """
from dashboards.paginas import serasa

serasa.render()
"""

NAVEGACAO = """
import streamlit as st

from dashboards.navegacao import secoes

for secao, paginas in secoes(st.session_state["alicerce_usuario"]).items():
    for pagina in paginas:
        st.text(f"{secao} | {pagina.title} | /{pagina.url_path}")
"""

METRICAS_DO_GESTOR = {
    "Consultas": "13",
    "Cobradas": "7",
    "Custo": "R$ 44,90",
    "Reutilizadas": "1",
    "Renovações de token": "4",
    "Desconhecidas": "1",
    "Falhas": "3",
    "Recusadas": "1",
}
AVISO_SEM_PRECO = (
    "Preço não configurado: 1 consulta cobrada tem relatório ou recurso opcional sem preço na "
    "configuração do Serasa; o custo mostrado não o inclui (é um mínimo)."
)


@pytest.fixture
def publicacao_serasa(publicador: Publicador) -> Path:
    """The standard publication with the Serasa marts (CONSULTAS, RESUMOS), current."""
    return escrever_serasa(publicador.publicar())


def abrir_pagina(login: str = "gestora") -> AppTest:
    """The page alone, in a session where `login` is logged in, at the reference date."""
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    if any(widget.key == "data_referencia" for widget in at.date_input):
        at.date_input(key="data_referencia").set_value(REFERENCIA).run()
        assert not at.exception, at.exception
    return at


def aba(at: AppTest, titulo: str):
    (encontrada,) = [tab for tab in at.tabs if tab.label == titulo]
    return encontrada


def tabelas(elementos, coluna: str) -> list[pd.DataFrame]:
    """The tables among `elementos` (an AppTest, a tab) with this column, in screen order."""
    return [df.value for df in elementos.dataframe if coluna in df.value.columns]


def linhas(tabela: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if not isinstance(v, str) and pd.isna(v) else v for v in linha)
        for linha in tabela.itertuples(index=False, name=None)
    ]


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def textos(elementos) -> list[str]:
    """Everything written on screen as text (for "is it absent" checks)."""
    resultado = [str(e.value) for tipo in ("caption", "info", "warning", "error", "markdown")
                 for e in getattr(elementos, tipo)]  # fmt: skip
    for tabela in elementos.dataframe:
        resultado += [str(valor) for valor in tabela.value.to_numpy().ravel()]
    return resultado


def listas(at: AppTest) -> list[list[str]]:
    """The calls each list of "Uso e custo" shows, in screen order (falhas, desconhecidas,
    recusadas; an empty list shows a message instead of a table)."""
    return [list(t["Consulta"]) for t in tabelas(aba(at, "Uso e custo"), "Consulta")]


# --- gestor ---------------------------------------------------------------------------------------


def test_uso_e_custo_do_gestor(publicacao_serasa):
    at = abrir_pagina()
    assert [titulo.value for titulo in at.title] == ["Serasa"]
    assert [tab.label for tab in at.tabs] == ["Uso e custo", "Resumo de crédito"]
    uso = aba(at, "Uso e custo")
    assert "Período: 01/11/2026 a 20/11/2026 (data da consulta, em São Paulo)" in [
        c.value for c in uso.caption
    ]
    assert metricas(at) == METRICAS_DO_GESTOR
    assert [w.value for w in uso.warning] == [AVISO_SEM_PRECO]

    (por_painel,) = tabelas(uso, "Painel")[:1]
    assert list(por_painel.columns) == [
        "Painel", "Consultas", "Cobradas", "Custo", "Cobradas sem preço",
    ]  # fmt: skip
    assert linhas(por_painel) == [
        ("Corretor", 7, 3, "R$ 17,95", 1),
        ("Gestor", 3, 2, "R$ 16,85", 0),
        ("Imobiliária", 3, 2, "R$ 10,10", 0),
    ]
    (por_chave,) = [t for t in tabelas(uso, "Chave") if "Consultas" in t.columns]
    assert linhas(por_chave)[0] == ("incorporadora", 7, 4, "R$ 33,70", 0)
    assert linhas(por_chave)[-1] == (None, 1, 0, "R$ 0,00", 0)  # refused for lack of a key
    (por_relatorio,) = tabelas(uso, "Report name")
    assert linhas(por_relatorio) == [
        ("Anotação negativa, Escore de crédito", "RELATORIO_AVANCADO_PF", 6, 3, "R$ 32,10", 0),
        ("Escore de crédito", "RELATORIO_BASICO_PF", 6, 4, "R$ 12,80", 1),
        ("Participações societárias", None, 1, 0, "R$ 0,00", 0),
    ]

    assert listas(at) == [["s-011", "s-010", "s-007"], ["s-006"], ["s-009"]]
    falhas, desconhecidas, recusadas = tabelas(uso, "Consulta")
    assert list(falhas["Resultado"]) == ["Inválida", "Não encontrado", "Falha"]
    assert list(falhas["HTTP"]) == [412, 404, 403]
    assert falhas["Data"].iloc[0] == pd.Timestamp(2026, 11, 13, 9, 0)  # São Paulo time
    assert list(desconhecidas["Painel"]) == ["Corretor"]
    assert list(desconhecidas["Motivo"]) == ["tempo esgotado depois do envio"]
    assert serasa.EXPLICACAO_DESCONHECIDAS in [c.value for c in uso.caption]
    assert "`alicerce serasa reenviar ID`" in serasa.EXPLICACAO_DESCONHECIDAS
    assert list(recusadas["Motivo"])[0].startswith("sem chave")


def test_outro_periodo(publicacao_serasa):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Mês anterior").run()
    assert metricas(at)["Consultas"] == "2"
    assert metricas(at)["Custo"] == "R$ 12,50"
    assert not aba(at, "Uso e custo").warning  # no billed call without a price
    assert listas(at) == [["s-021"]]
    assert [i.value for i in aba(at, "Uso e custo").info] == [
        "Nenhuma falha.",
        "Nenhuma consulta recusada.",
    ]
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2026, 1, 1))
    at.date_input(key="fim").set_value(date(2026, 1, 31))
    at.run()
    assert metricas(at)["Consultas"] == "0"
    assert "Nenhuma consulta ao Serasa no período." in [i.value for i in at.info]
    assert not tabelas(aba(at, "Uso e custo"), "Consultas")


def test_resumo_de_credito_do_gestor(publicacao_serasa):
    at = abrir_pagina()
    resumo = aba(at, "Resumo de crédito")
    (tabela,) = tabelas(resumo, "Score")
    assert list(tabela["ID"]) == [1002, 1003, 1001, 1006]
    joao = tabela.set_index("ID").loc[1001]
    assert joao["Cliente"] == "João Conceição"
    assert joao["CPF"] == "***.456.789-**"
    assert (joao["Score"], joao["Faixa"], joao["Fonte do score"]) == (720, "B", "API JSON")
    assert (joao["Pefin"], joao["Pefin (valor)"]) == (2, "R$ 1.500,30")
    assert joao["Dívidas vencidas (valor)"] == "R$ 980,45"
    assert joao["Última consulta"] == pd.Timestamp(2026, 11, 8, 13, 0)  # São Paulo time
    maria = tabela.set_index("ID").loc[1002]
    assert maria["Protestos (valor)"] == "R$ 12.345,67"
    pedro = tabela.set_index("ID").loc[1003]
    assert (pedro["Fonte do score"], pedro["Formato"]) == ("Legado (N500)", "Legado")
    assert pd.isna(pedro["Refin (valor)"]) and pd.isna(pedro["CPF"])

    resumo.text_input(key=serasa.CHAVE_BUSCA).input("joao").run()
    (tabela,) = tabelas(aba(at, "Resumo de crédito"), "Score")
    assert list(tabela["ID"]) == [1001]
    aba(at, "Resumo de crédito").text_input(key=serasa.CHAVE_BUSCA).input("ninguém").run()
    assert "Nenhum resumo de crédito encontrado para a busca." in [i.value for i in at.info]


def test_gestor_revela_o_cpf_e_fica_auditado(publicacao_serasa):
    at = abrir_pagina()
    assert auditoria_no_banco() == []
    at.toggle(key=serasa.CHAVE_REVELAR).set_value(True).run()
    (tabela,) = tabelas(aba(at, "Resumo de crédito"), "Score")
    assert tabela.set_index("ID").loc[1001, "CPF"] == "12345678901"
    (registro,) = auditoria_no_banco()
    assert (registro["login"], registro["action"], registro["page"], registro["row_count"]) == (
        "gestora",
        "revelacao",
        "serasa",
        4,
    )
    assert json.loads(registro["filters_json"]) == {"busca": "", "sem_mascara": True}
    at.run()  # the same reveal again in this session is not a new one
    assert len(auditoria_no_banco()) == 1


# --- corretor and imobiliária ---------------------------------------------------------------------


def test_corretor_ve_so_as_suas_consultas_e_os_seus_clientes(publicacao_serasa):
    at = abrir_pagina("corretor101")
    uso = aba(at, "Uso e custo")
    assert "Somente as consultas feitas no painel de Corretor 101 (corretor, corretor 101)." in [
        c.value for c in uso.caption
    ]
    assert metricas(at) == {
        "Consultas": "2", "Cobradas": "1", "Custo": "R$ 12,50", "Reutilizadas": "1",
        "Renovações de token": "0", "Desconhecidas": "0", "Falhas": "0", "Recusadas": "0",
    }  # fmt: skip
    assert linhas(tabelas(uso, "Painel")[0]) == [("Corretor", 2, 1, "R$ 12,50", 0)]
    assert not tabelas(uso, "Consulta")  # no failure, unknown or refused call of his
    na_tela = textos(at)
    for outra in (c.id_consulta for c in CONSULTAS if c.id_consulta not in ("s-003", "s-004")):
        assert outra not in na_tela
    for chave in ("corretor-102", "imobiliaria-1", "imobiliaria-101", "corretor-301"):
        assert chave not in na_tela

    resumo = aba(at, "Resumo de crédito")
    assert "Somente os clientes de Corretor 101 (corretor, corretor 101)." in [
        c.value for c in resumo.caption
    ]
    (tabela,) = tabelas(resumo, "Score")
    assert linhas(tabela[["Cliente", "ID", "CPF", "Score"]]) == [
        ("João Conceição", 1001, "***.456.789-**", 720)
    ]
    resumo.text_input(key=serasa.CHAVE_BUSCA).input("1002").run()  # 102's client, not his
    assert "Nenhum resumo de crédito encontrado para a busca." in [i.value for i in at.info]


def test_corretor_revela_o_cpf_dos_seus_clientes(publicacao_serasa):
    at = abrir_pagina("corretor102")
    at.toggle(key=serasa.CHAVE_REVELAR).set_value(True).run()
    (tabela,) = tabelas(aba(at, "Resumo de crédito"), "Score")
    assert list(tabela["CPF"]) == ["98765432100", "12345678901"]
    assert [r["login"] for r in auditoria_no_banco()] == ["corretor102"]


def test_imobiliaria_ve_o_seu_painel_e_os_dos_seus_corretores(publicacao_serasa):
    at = abrir_pagina("imob1")
    assert metricas(at)["Consultas"] == "6"
    assert metricas(at)["Custo"] == "R$ 25,05"
    assert linhas(tabelas(aba(at, "Uso e custo"), "Painel")[0]) == [
        ("Corretor", 5, 3, "R$ 17,95", 1),
        ("Imobiliária", 1, 1, "R$ 7,10", 0),
    ]
    assert listas(at) == [["s-006"]]
    assert "s-012" not in textos(at)  # brokerage 101's panel, not this one's
    (tabela,) = tabelas(aba(at, "Resumo de crédito"), "Score")
    assert list(tabela["ID"]) == [1002, 1001]


def test_corretor_sem_consultas(publicacao_serasa):
    at = abrir_pagina("corretor999")
    assert metricas(at)["Consultas"] == "0"
    assert "Nenhuma consulta ao Serasa no período." in [i.value for i in at.info]
    assert "Nenhum cliente consultado no Serasa." in [i.value for i in at.info]


@pytest.mark.parametrize("login", ["analista", "compliance"])
def test_papel_sem_acesso_e_recusado(publicacao_serasa, login):
    at = abrir_pagina(login)
    assert [erro.value for erro in at.error] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe and not at.metric and not at.tabs and not at.text_input


@pytest.mark.parametrize(
    ("login", "no_menu"),
    [
        ("gestora", True),
        ("corretor101", True),
        ("imob1", True),
        ("analista", False),
        ("compliance", False),
    ],
)
def test_menu(publicacao_serasa, login, no_menu):
    at = AppTest.from_string(NAVEGACAO, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    assert ("Vendas | Serasa | /serasa" in [texto.value for texto in at.text]) == no_menu


# --- nothing there yet ----------------------------------------------------------------------------


def test_publicacao_sem_serasa(publicacao):
    at = abrir_pagina()
    assert [info.value for info in at.info] == [serasa.SEM_SERASA]
    assert not at.tabs and not at.metric and not at.dataframe


def test_publicacao_so_com_as_consultas(publicador):
    escrever_serasa(publicador.publicar(), resumos=None)
    at = abrir_pagina()
    assert metricas(at) == METRICAS_DO_GESTOR
    assert [i.value for i in aba(at, "Resumo de crédito").info] == [serasa.SEM_RESUMOS]


def test_publicacao_so_com_os_resumos(publicador):
    escrever_serasa(publicador.publicar(), consultas=None)
    at = abrir_pagina()
    assert [i.value for i in aba(at, "Uso e custo").info] == [serasa.SEM_CONSULTAS]
    assert not at.metric
    assert len(tabelas(aba(at, "Resumo de crédito"), "Score")[0]) == 4


def test_sem_publicacao(publicador):
    at = abrir_pagina()
    assert [info.value for info in at.info] == [
        "Nenhuma publicação disponível ainda: rode `alicerce run`."
    ]
    assert not at.tabs and not at.metric
