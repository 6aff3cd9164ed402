"""The page "Pesquisas" as a user drives it, through Streamlit's AppTest, on real publications.

Like the other pages built with a callable `st.Page`, the page's `render()` runs as the script;
`test_pagina_qualidade_dados.test_navegacao` checks which roles get it in the menu, at which
URL. The expected rows are computed from conftest's PROTOCOLOS (and CARTEIRA for the brokers),
apart from the app's SQL; the coverage figures are written out by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data_access, exportacao, sessao
from dashboards.paginas import auditoria, pesquisas
from dashboards.politica import Pagina

from .conftest import PROTOCOLOS, USUARIOS, Protocolo, clientes_de

REFERENCIA = date(2026, 11, 20)  # the reference date the conftest rows are laid out around

PAGINA = """
from dashboards.paginas import pesquisas

pesquisas.render()
"""


def abrir_pagina(login: str = "gestora") -> AppTest:
    """The page alone, in a session where `login` is logged in, at the reference date."""
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.run()
    assert not at.exception, at.exception
    if at.date_input:
        at.date_input(key="data_referencia").set_value(REFERENCIA).run()
        assert not at.exception, at.exception
    return at


def todo_o_periodo(at: AppTest) -> AppTest:
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2000, 1, 1))
    at.date_input(key="fim").set_value(date(2030, 12, 31))
    return at.run()


def tabela(at: AppTest, coluna: str):
    """The one table on screen with this column (its element)."""
    tabelas = [df for df in at.dataframe if coluna in df.value.columns]
    assert len(tabelas) == 1, f"expected exactly one table with {coluna!r}"
    return tabelas[0]


def envios(at: AppTest) -> pd.DataFrame:
    return tabela(at, "Envio").value


def ids(at: AppTest) -> list[int]:
    """The dispatches listed, in the order shown."""
    return [int(idenvio) for idenvio in envios(at)["Envio"]]


def por_origem(at: AppTest) -> list[tuple]:
    return list(tabela(at, "% dos envios").value.itertuples(index=False, name=None))


def por_gatilho(at: AppTest) -> list[tuple]:
    return list(tabela(at, "% do gatilho").value.itertuples(index=False, name=None))


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def mais_recentes_primeiro(protocolos: list[Protocolo]) -> list[int]:
    return [p.idenvio for p in sorted(protocolos, key=lambda p: (p.enviado_em, p.idenvio))][::-1]


# --- period, filters and coverage -----------------------------------------------------------------


def test_mes_atual_por_padrao(publicacao):
    at = abrir_pagina()
    assert at.title[0].value == "Pesquisas"
    assert at.radio(key="periodo").value == "Mês atual"
    assert "Período: 01/11/2026 a 20/11/2026 (data do envio em São Paulo)" in [
        legenda.value for legenda in at.caption
    ]
    assert metricas(at) == {"Envios": "7", "Envios sem protocolo": "0"}
    assert not at.error
    # 9004 was sent on 21/11 01:30 UTC, 20/11 22:30 in São Paulo: it belongs to this month,
    # and is the newest; 9008 (25/11) is after the reference date.
    assert ids(at) == [9004, 9007, 9006, 9005, 9003, 9002, 9001]
    primeira = envios(at).iloc[0]
    assert primeira["Enviado em"] == pd.Timestamp("2026-11-20 22:30")
    assert primeira["Gatilho"] == "Assistência técnica"
    assert primeira["Tipo do registro"] == "Serviço"
    assert primeira["Origem do protocolo"] == "Serviço"
    assert primeira["Protocolo"] == "88"


def test_cobertura_do_mes_atual(publicacao):
    at = abrir_pagina()
    assert por_origem(at) == [
        ("Gatilho", 3, "42,86%"),
        ("Correspondência", 2, "28,57%"),
        ("Serviço", 1, "14,29%"),
        ("Pesquisa", 1, "14,29%"),
    ]
    assert por_gatilho(at) == [
        ("Assistência técnica", "Serviço", 1, "100,00%"),
        ("Atendimento", "Correspondência", 1, "100,00%"),
        ("indicacao", "Pesquisa", 1, "100,00%"),  # a trigger with no label: as it comes
        ("Pré-cadastro", "Gatilho", 1, "100,00%"),
        ("Reserva", "Gatilho", 2, "66,67%"),
        ("Reserva", "Correspondência", 1, "33,33%"),
    ]


def test_mes_anterior(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Mês anterior").run()
    assert metricas(at)["Envios"] == "3"
    # 9010 was sent on 01/11 02:00 UTC, 31/10 23:00 in São Paulo: October.
    assert ids(at) == [9010, 9012, 9009]
    assert envios(at).iloc[0]["Enviado em"] == pd.Timestamp("2026-10-31 23:00")
    assert por_origem(at) == [
        ("Gatilho", 1, "33,33%"),
        ("Correspondência", 1, "33,33%"),
        ("Serviço", 1, "33,33%"),
        ("Pesquisa", 0, "0,00%"),
    ]


def test_dia_de_sao_paulo_nas_bordas(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2026, 11, 20))
    at.date_input(key="fim").set_value(date(2026, 11, 20)).run()
    assert ids(at) == [9004]
    at.date_input(key="inicio").set_value(date(2026, 11, 21))
    at.date_input(key="fim").set_value(date(2026, 11, 21)).run()
    assert metricas(at)["Envios"] == "0"
    assert "Nenhum envio de pesquisa encontrado para os filtros escolhidos." in [
        info.value for info in at.info
    ]
    assert not at.dataframe


def test_horario_de_verao(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2018, 12, 1))
    at.date_input(key="fim").set_value(date(2018, 12, 1)).run()
    assert ids(at) == [9011]
    # 15:00 UTC in the summer of 2018, UTC-2: 13:00 in São Paulo (a fixed -03:00 says 12:00).
    assert envios(at).iloc[0]["Enviado em"] == pd.Timestamp("2018-12-01 13:00")
    formato = json.loads(tabela(at, "Envio").proto.columns)["Enviado em"]["type_config"]
    assert formato == {"type": "datetime", "format": "DD/MM/YYYY HH:mm"}


def test_filtro_de_gatilho(publicacao):
    at = abrir_pagina()
    assert at.multiselect(key="gatilhos").options == [
        "Assistência técnica",
        "Atendimento",
        "indicacao",
        "Pré-cadastro",
        "Repasse",
        "Reserva",
        "Venda",
    ]
    at.multiselect(key="gatilhos").set_value(["reserva"]).run()
    assert metricas(at)["Envios"] == "3"
    assert ids(at) == [9007, 9006, 9001]
    assert por_origem(at) == [
        ("Gatilho", 2, "66,67%"),
        ("Correspondência", 1, "33,33%"),
        ("Serviço", 0, "0,00%"),
        ("Pesquisa", 0, "0,00%"),
    ]
    at.multiselect(key="gatilhos").set_value(["reserva", "precadastro"]).run()
    assert ids(at) == [9007, 9006, 9003, 9001]


def test_filtro_de_origem(publicacao):
    at = abrir_pagina()
    at.multiselect(key="origens").set_value(["correspondencia"]).run()
    assert ids(at) == [9006, 9002]
    assert por_origem(at) == [("Correspondência", 2, "100,00%")]
    assert por_gatilho(at) == [
        ("Atendimento", "Correspondência", 1, "100,00%"),
        ("Reserva", "Correspondência", 1, "100,00%"),
    ]
    at.multiselect(key="gatilhos").set_value(["reserva"]).run()
    assert ids(at) == [9006]
    at.multiselect(key="origens").set_value(["servico", "pesquisa"])
    at.multiselect(key="gatilhos").set_value([]).run()
    assert ids(at) == [9004, 9005]
    assert set(envios(at)["Origem do protocolo"]) == {"Serviço", "Pesquisa"}


def test_todo_o_periodo(publicacao):
    at = todo_o_periodo(abrir_pagina())
    assert metricas(at)["Envios"] == str(len(PROTOCOLOS))
    assert ids(at) == mais_recentes_primeiro(PROTOCOLOS)


def test_periodo_invertido_mostra_erro(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2026, 11, 10))
    at.date_input(key="fim").set_value(date(2026, 11, 1)).run()
    assert not at.exception
    assert at.error[0].value == "A data inicial (10/11/2026) é posterior à data final (01/11/2026)."
    assert not at.dataframe


# --- the protocol and its link --------------------------------------------------------------------


def test_link_para_o_registro(publicacao):
    at = todo_o_periodo(abrir_pagina())
    linhas = envios(at).set_index("Envio")
    links = {int(idenvio): link for idenvio, link in linhas["Registro"].items()}
    assert links == {
        9001: "registro?tipo=reserva&id=5001",
        9002: "registro?tipo=atendimento&id=7001",
        9003: "registro?tipo=precadastro&id=6001",
        9004: None,  # a service's ID: no record to open
        9005: None,  # the survey's own ID
        9006: "registro?tipo=reserva&id=5003",
        9007: None,  # a reserva, but not in the CRM copy (registro_encontrado false)
        9008: "registro?tipo=venda&id=8001",
        9009: "registro?tipo=repasse&id=9101",
        9010: "registro?tipo=atendimento&id=7002",
        9011: "registro?tipo=reserva&id=5001",
        9012: None,
    }
    configuracao = json.loads(tabela(at, "Envio").proto.columns)["Registro"]["type_config"]
    assert configuracao == {"type": "link", "display_text": "Abrir registro"}
    # Relative to the page, and the path is the record page's own.
    assert pesquisas.url_do_registro("reserva", "5001").split("?")[0] == Pagina.REGISTRO


def test_protocolo_e_protocolo_do_atendimento(publicacao):
    at = todo_o_periodo(abrir_pagina())
    linhas = envios(at).set_index("Envio")
    assert linhas.loc[9002, "Protocolo"] == "7001"  # the atendimento's ID...
    assert linhas.loc[9002, "Protocolo do atendimento"] == "ATD-2026-000123"  # ...and its number
    assert linhas.loc[9010, "Protocolo do atendimento"] == "ATD-2026-000200"
    assert linhas["Protocolo do atendimento"].isna().sum() == len(PROTOCOLOS) - 2
    assert linhas.loc[9005, "Protocolo"] == "305"
    assert pd.isna(linhas.loc[9005, "Pesquisa"])  # a survey without a title
    assert linhas.loc[9005, "ID da pesquisa"] == 305


def test_envios_sem_protocolo_em_destaque(publicador):
    sem = [
        Protocolo(9901, 301, "Satisfação com a reserva", "reserva", "", "reserva", "gatilho",
                  False, 1001, datetime(2026, 11, 6, 12, 0)),
        Protocolo(9902, 301, "Satisfação com a reserva", "reserva", None, "reserva", "gatilho",
                  False, 1002, datetime(2026, 11, 7, 12, 0)),
    ]  # fmt: skip
    publicador.publicar(protocolos=[*PROTOCOLOS, *sem])
    at = abrir_pagina()
    assert metricas(at) == {"Envios": "9", "Envios sem protocolo": "2"}
    assert [erro.value for erro in at.error] == [
        "2 envios estão sem protocolo: todo envio deveria ter um (o do registro, do serviço ou da "
        "pesquisa). Avise a equipe de dados."
    ]
    linhas = envios(at).set_index("Envio")
    assert linhas.loc[[9901, 9902], "Registro"].isna().all()
    at.multiselect(key="gatilhos").set_value(["atendimento"]).run()
    assert metricas(at)["Envios sem protocolo"] == "0"
    assert not at.error


def test_limite_de_envios_mostrados(publicador):
    muitos = [
        Protocolo(100000 + indice, 301, "Satisfação com a reserva", "reserva", str(indice),
                  "reserva", "gatilho", False, 1001, datetime(2026, 11, 2, 12, 0))
        for indice in range(1005)
    ]  # fmt: skip
    publicador.publicar(protocolos=muitos)
    at = abrir_pagina()
    assert metricas(at)["Envios"] == "1.005"
    assert "Mostrando os 1.000 envios mais recentes de 1.005; a exportação leva todos." in [
        legenda.value for legenda in at.caption
    ]
    assert len(envios(at)) == 1000
    assert envios(at)["Envio"].iloc[0] == 101004  # same time: the highest dispatch first


# --- exports --------------------------------------------------------------------------------------


def test_botoes_de_exportacao(publicacao):
    at = abrir_pagina()
    assert [botao.label for botao in at.get("download_button")] == [
        "Exportar CSV (Excel)",
        "Exportar XLSX",
    ]


def test_exportacao_sem_link_e_auditada(publicacao):
    usuario = USUARIOS["gestora"]
    inicio, fim = date(2018, 12, 1), date(2018, 12, 31)
    filtros = data_access.filtros_pesquisas(inicio, fim, ["reserva"], ["correspondencia"])

    def tabela_exportada() -> pd.DataFrame:
        return pesquisas.tabela_de_envios(
            data_access.envios_pesquisa(usuario, inicio, fim, ["reserva"], ["correspondencia"])
        )

    ate_amanha = datetime.now(UTC) + timedelta(days=1)  # a session still valid
    arquivo = data_access.exportacao_auditada(
        usuario, ate_amanha, Pagina.PESQUISAS, filtros, tabela_exportada, "csv",
        exportacao.csv_excel,
    )  # fmt: skip
    texto = arquivo().decode("utf-8-sig")
    linhas = texto.split("\r\n")
    assert linhas[0] == (
        "Enviado em;Envio;Pesquisa;ID da pesquisa;Gatilho;Cliente (ID);Protocolo;"
        "Tipo do registro;Origem do protocolo;Protocolo do atendimento"
    )
    assert linhas[1] == (
        "01/12/2018 13:00;9011;Satisfação com a reserva;301;Reserva;1001;5001;Reserva;"
        "Correspondência;"
    )
    assert linhas[2:] == [""]
    (registro,) = data_access.auditoria(usuario).to_dict("records")
    assert registro["pagina"] == "pesquisas"
    assert (registro["acao"], registro["linhas"], registro["detalhe"]) == ("exportacao", 1, "csv")
    # The audit keeps the filters' keys sorted.
    assert auditoria.filtros_legiveis(registro["filtros"]) == (
        "até 31/12/2018; gatilhos reserva; de 01/12/2018; origens do protocolo correspondencia"
    )


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["corretor101", "corretor102", "imob1", "imob2"])
def test_corretor_e_imobiliaria_veem_so_os_seus_clientes(publicacao, login):
    usuario = USUARIOS[login]
    seus = [p for p in PROTOCOLOS if p.idpessoa in clientes_de(usuario)]
    assert seus and len(seus) < len(PROTOCOLOS), "each user here sees some dispatches, not all"
    at = todo_o_periodo(abrir_pagina(login))
    assert ids(at) == mais_recentes_primeiro(seus)
    assert metricas(at)["Envios"] == str(len(seus))
    assert sum(linha[1] for linha in por_origem(at)) == len(seus)
    assert f"Somente os clientes de {usuario.descricao()}." in [c.value for c in at.caption]
    assert set(at.multiselect(key="gatilhos").options) == {
        pesquisas.rotulo_gatilho(p.gatilho) for p in seus
    }


def test_os_envios_de_um_corretor(publicacao):
    # Broker 101's one client is 1001 (João).
    at = todo_o_periodo(abrir_pagina("corretor101"))
    assert ids(at) == [9007, 9002, 9001, 9012, 9011]
    assert at.multiselect(key="gatilhos").options == [
        "Assistência técnica",
        "Atendimento",
        "Reserva",
    ]


def test_corretor_sem_clientes_nao_ve_envios(publicacao):
    at = todo_o_periodo(abrir_pagina("corretor999"))
    assert metricas(at) == {"Envios": "0", "Envios sem protocolo": "0"}
    assert not at.dataframe


@pytest.mark.parametrize("login", ["analista", "compliance"])
def test_papel_sem_acesso_e_recusado(publicacao, login):
    at = abrir_pagina(login)
    assert [erro.value for erro in at.error] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe and not at.metric
    with pytest.raises(data_access.AcessoNegado):
        data_access.envios_pesquisa(USUARIOS[login], REFERENCIA, REFERENCIA)


# --- nothing there yet ----------------------------------------------------------------------------


def test_publicacao_sem_protocolos(publicador):
    publicador.publicar(protocolos=None)
    at = abrir_pagina()
    assert [info.value for info in at.info] == [
        "A publicação atual não traz os protocolos das pesquisas: eles aparecem a partir da "
        "próxima execução do pipeline (`alicerce run`)."
    ]
    assert not at.metric and not at.dataframe


def test_sem_publicacao(publicador):
    at = abrir_pagina()
    assert [info.value for info in at.info] == [
        "Nenhuma publicação disponível ainda: rode `alicerce run`."
    ]
    assert not at.dataframe
