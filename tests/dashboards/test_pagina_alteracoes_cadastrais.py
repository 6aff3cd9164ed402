"""The app as a user drives it, through Streamlit's AppTest, on real publications.

`AppTest.from_file` gets the entry point (`dashboards/app.py`): it runs `st.navigation` and renders
the default page, "Alterações cadastrais", just like `streamlit run`.
"""

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.paginas.alteracoes_cadastrais import grafico_por_dia
from dashboards.periodos import Periodo

from .conftest import app_como

REFERENCIA = date(2026, 11, 20)  # the reference date the conftest rows are laid out around


def abrir_app(login: str = "gestora") -> AppTest:
    """The app on the default page after `login` logged in, the reference date at REFERENCIA."""
    at = app_como(login)
    at.date_input(key="data_referencia").set_value(REFERENCIA).run()
    assert not at.exception, at.exception
    return at


def tabela(at: AppTest) -> pd.DataFrame:
    """The before/after table."""
    tabelas = [df.value for df in at.dataframe if "Valor anterior" in df.value.columns]
    assert len(tabelas) == 1, "expected exactly one before/after table"
    return tabelas[0]


def clientes_e_campos(at: AppTest) -> list[tuple[int, str]]:
    return sorted(zip(tabela(at)["ID"], tabela(at)["Campo"], strict=True))


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def test_mes_atual_por_padrao(publicacao):
    at = abrir_app()
    assert at.title[0].value == "Alterações cadastrais"
    assert at.radio(key="periodo").value == "Mês atual"
    assert "Período: 01/11/2026 a 20/11/2026 (datas de São Paulo)" in [c.value for c in at.caption]
    assert metricas(at) == {"Alterações": "4", "Clientes": "2"}
    # ev-004 happened on 21/11 in UTC, 20/11 22:00 in São Paulo: it belongs to this month.
    assert clientes_e_campos(at) == [
        (1001, "Celular"),
        (1001, "E-mail"),
        (1002, "Nome"),
        (1002, "Renda familiar"),
    ]
    assert len(at.get("vega_lite_chart")) == 1
    totais = next(df.value for df in at.dataframe if "Alterações" in df.value.columns)
    assert dict(zip(totais["Campo"], totais["Alterações"], strict=True)) == {
        "Celular": 1,
        "E-mail": 1,
        "Nome": 1,
        "Renda familiar": 1,
    }


def test_tabela_antes_e_depois(publicacao):
    at = abrir_app()
    primeira = tabela(at).iloc[0].to_dict()
    assert primeira == {
        "Cliente": "Maria Gonçalves",
        "ID": 1002,
        "CPF": "***.654.321-**",
        "Campo": "Nome",
        "Valor anterior": "Maria Goncalves",
        "Valor atual": "Maria Gonçalves",
        "Data": pd.Timestamp("2026-11-20 22:00"),
        "Origem": "Portal do cliente",
    }


def test_cpf_mascarado_em_toda_a_tela(publicacao):
    at = abrir_app()
    assert set(tabela(at)["CPF"]) == {"***.456.789-**", "***.654.321-**"}
    tudo = str([df.value.to_dict() for df in at.dataframe]) + str(at.main)
    for cpf in ("12345678901", "98765432100"):
        assert cpf not in tudo


def test_mes_anterior(publicacao):
    at = abrir_app()
    at.radio(key="periodo").set_value("Mês anterior").run()
    assert metricas(at) == {"Alterações": "3", "Clientes": "3"}
    # ev-008 happened on 01/11 in UTC, 31/10 23:30 in São Paulo: it belongs to October.
    assert clientes_e_campos(at) == [(1001, "CEP"), (1002, "RG"), (1003, "Endereço")]


def test_data_de_referencia_muda_o_mes(publicacao):
    at = abrir_app()
    at.date_input(key="data_referencia").set_value(date(2026, 11, 30)).run()
    assert metricas(at)["Alterações"] == "5"  # ev-005 of 25/11 is now inside
    at.date_input(key="data_referencia").set_value(date(2026, 11, 2)).run()
    assert metricas(at)["Alterações"] == "0"
    assert "Nenhuma alteração cadastral encontrada" in at.info[0].value


def test_periodo_personalizado(publicacao):
    at = abrir_app()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2018, 12, 1))
    at.date_input(key="fim").set_value(date(2018, 12, 31)).run()
    assert metricas(at) == {"Alterações": "1", "Clientes": "1"}
    linha = tabela(at).iloc[0]
    assert linha["ID"] == 1004
    assert linha["Data"] == pd.Timestamp("2018-12-01 13:00")  # UTC-2: daylight saving time

    at.date_input(key="inicio").set_value(date(2026, 8, 1))
    at.date_input(key="fim").set_value(date(2026, 11, 20)).run()
    assert metricas(at)["Alterações"] == "8"


def test_periodo_personalizado_invertido_mostra_erro(publicacao):
    at = abrir_app()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2026, 11, 10))
    at.date_input(key="fim").set_value(date(2026, 11, 1)).run()
    assert not at.exception
    assert at.error[0].value == "A data inicial (10/11/2026) é posterior à data final (01/11/2026)."
    assert not at.dataframe


def test_filtro_de_campos(publicacao):
    at = abrir_app()
    at.multiselect(key="campos").set_value(["email"]).run()
    assert clientes_e_campos(at) == [(1001, "E-mail")]
    at.multiselect(key="campos").set_value(["email", "nome"]).run()
    assert clientes_e_campos(at) == [(1001, "E-mail"), (1002, "Nome")]
    at.multiselect(key="campos").set_value([]).run()
    assert metricas(at)["Alterações"] == "4"


@pytest.mark.parametrize(
    ("busca", "esperado"),
    [
        ("joao", [(1001, "Celular"), (1001, "E-mail")]),
        ("CONCEIÇÃO", [(1001, "Celular"), (1001, "E-mail")]),
        ("goncalves", [(1002, "Nome"), (1002, "Renda familiar")]),
        ("1002", [(1002, "Nome"), (1002, "Renda familiar")]),
    ],
)
def test_busca_de_cliente(publicacao, busca, esperado):
    at = abrir_app()
    at.text_input(key="busca").input(busca).run()
    assert clientes_e_campos(at) == esperado


def test_busca_sem_resultado_mostra_mensagem(publicacao):
    at = abrir_app()
    at.text_input(key="busca").input("ninguém com este nome").run()
    assert not at.exception
    assert metricas(at) == {"Alterações": "0", "Clientes": "0"}
    assert at.info[0].value == "Nenhuma alteração cadastral encontrada para os filtros escolhidos."
    assert not at.dataframe


def test_dados_atualizados_em(publicacao):
    at = abrir_app()
    # Published at 18:30 UTC: 15:30 in São Paulo.
    assert [c.value for c in at.sidebar.caption] == [
        "Conectado como Gestora (gestor)",
        "dados atualizados em 27/11/2026 15:30",
    ]


def test_nova_publicacao_e_vista_sem_reiniciar(publicacao, publicador):
    at = abrir_app()
    assert metricas(at)["Clientes"] == "2"
    publicador.publicar_segunda()
    at.run()
    assert at.sidebar.caption[-1].value == "dados atualizados em 28/11/2026 06:05"
    assert metricas(at) == {"Alterações": "5", "Clientes": "3"}
    assert "Ana Lúcia" in set(tabela(at)["Cliente"])


def test_sem_publicacao(publicador):
    at = app_como("gestora")
    mensagem = "Nenhuma publicação disponível ainda: rode `alicerce run`."
    assert [i.value for i in at.sidebar.info] == [mensagem]
    assert [i.value for i in at.main.info] == [mensagem]
    assert not at.dataframe


def test_botoes_de_exportacao(publicacao):
    at = abrir_app()
    botoes = at.get("download_button")
    assert [botao.label for botao in botoes] == ["Exportar CSV (Excel)", "Exportar XLSX"]


def test_grafico_mostra_cada_dia_do_periodo():
    totais = pd.DataFrame({"data_local": [date(2026, 11, 3), date(2026, 11, 3 + 7)],
                           "alteracoes": [2, 1]})  # fmt: skip
    dados = grafico_por_dia(totais, Periodo(date(2026, 11, 1), date(2026, 11, 20))).data
    assert len(dados) == 20
    assert dados.loc[dados["Dia"] == "03/11/2026", "Alterações"].item() == 2
    assert dados["Alterações"].sum() == 3
