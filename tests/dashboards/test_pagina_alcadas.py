"""The page "Alçadas" as a user drives it, through Streamlit's AppTest, on real publications.

The page's `render()` runs as the script (like the other pages built with a callable `st.Page`);
`test_pagina_qualidade_dados.test_navegacao` checks which roles get it in the menu. The figures
expected here are written out by hand from conftest's ALCADAS (see the comment above it), apart
from the app's SQL; the what-if runs ingestion/alcadas/flow.py on the default rules file
(ingestion/alcadas/regras.yml), whose worked example is docs/alcadas/fluxo_exemplo.yml.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data_access, sessao
from dashboards.paginas import alcadas
from dashboards.politica import Pagina

from .conftest import ALCADAS, APP, USUARIOS, entrar

REFERENCIA = date(2026, 11, 20)  # the reference date the conftest rows are laid out around

PAGINA = """
from dashboards.paginas import alcadas

alcadas.render()
"""

COLUNAS_CICLOS = [
    "Ciclo", "Nome", "Prazo", "Fim", "% exigido", "% atingido", "Valor exigido",
    "Valor atingido", "Falta", "Atendido",
]  # fmt: skip

# The worked example's cycles (docs/alcadas/fluxo_exemplo.yml under "Empreendimento 1 (2014)"):
# R$ 300.000,00 of contract; by 02/2025 the Ato and one Mensal (31.250,00), by 01/2026 twelve
# Mensais and the Anual (55.000,00), by 12/2026 twenty-three Mensais, the Anual and the Chaves
# (83.750,00); the Financiamento (bank-paid) counts in the flow's total only.
CICLOS_DO_EXEMPLO = [
    (1, "Entrada", "1 mês após a venda", "02/2025", "10,00%", "10,42%",
     "R$ 30.000,00", "R$ 31.250,00", "R$ 0,00", "sim"),
    (2, "Primeiro ano", "12 meses após a venda", "01/2026", "20,00%", "18,33%",
     "R$ 60.000,00", "R$ 55.000,00", "R$ 5.000,00", "não"),
    (3, "Chaves", "no mês das chaves", "12/2026", "30,00%", "27,92%",
     "R$ 90.000,00", "R$ 83.750,00", "R$ 6.250,00", "não"),
]  # fmt: skip
RESUMO_DO_EXEMPLO = {
    "Status": "Requer alçada superior",
    "Motivo": None,
    "Regra": "Empreendimento 1 (2014) (vigente desde 01/01/2014)",
    "Ciclos atendidos": "1 de 3",
    "1º ciclo não atendido": "2 – Primeiro ano",
    "Falta no 1º ciclo não atendido": "R$ 5.000,00",
    "Maior falta": "R$ 6.250,00",
    "Valor do contrato": "R$ 300.000,00",
    "Total do fluxo": "R$ 280.000,00",
    "Fluxo difere do contrato": "sim",
    "Séries desconhecidas": None,
}
AVISOS_DO_EXEMPLO = [
    "Requer alçada superior: o ciclo 2 (Primeiro ano) não foi atendido; faltam R$ 5.000,00.",
    "O total do fluxo (R$ 280.000,00) difere do valor do contrato (R$ 300.000,00); o "
    "julgamento vale assim mesmo.",
]


def abrir_pagina(login: str = "gestora", **query_params: str) -> AppTest:
    """The page alone, in a session where `login` is logged in, at the reference date (as if
    opened at alcadas?<query_params>)."""
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.query_params.update(query_params)
    at.run()
    assert not at.exception, at.exception
    if any(widget.key == "data_referencia" for widget in at.date_input):
        at.date_input(key="data_referencia").set_value(REFERENCIA).run()
        assert not at.exception, at.exception
    return at


def periodo(at: AppTest, inicio: date, fim: date) -> AppTest:
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(inicio)
    at.date_input(key="fim").set_value(fim)
    at.run()
    assert not at.exception, at.exception
    return at


def todo_o_periodo(at: AppTest) -> AppTest:
    return periodo(at, date(2000, 1, 1), date(2030, 12, 31))


def aba(at: AppTest, titulo: str):
    (encontrada,) = [tab for tab in at.tabs if tab.label == titulo]
    return encontrada


def aba_aberta(at: AppTest) -> int:
    """The index of the tab the page opens on."""
    (abas,) = at.get("tab_container")
    return abas.proto.tab_container.default_tab_index


def tabela(elementos, coluna: str) -> pd.DataFrame:
    """The one table among `elementos` (an AppTest, a tab) with this column."""
    tabelas = [df.value for df in elementos.dataframe if coluna in df.value.columns]
    assert len(tabelas) == 1, f"expected exactly one table with {coluna!r}"
    return tabelas[0]


def linhas(tabela_: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if not isinstance(v, str | list) and pd.isna(v) else v for v in linha)
        for linha in tabela_.itertuples(index=False, name=None)
    ]


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def requer(at: AppTest) -> list[int]:
    """The reservations listed as needing the next alçada, in the order shown."""
    return [int(i) for i in tabela(at, "1º ciclo não atendido")["Reserva"]]


def campos(elementos) -> dict[str, str | None]:
    tabela_ = tabela(elementos, "Campo")
    return {
        campo: None if pd.isna(valor) else valor
        for campo, valor in zip(tabela_["Campo"], tabela_["Valor"], strict=True)
    }


def mensagens(elementos) -> dict[str, list[str]]:
    return {
        "success": [s.value for s in elementos.success],
        "warning": [w.value for w in elementos.warning],
        "info": [i.value for i in elementos.info],
        "error": [e.value for e in elementos.error],
    }


def abrir_reserva(at: AppTest, idreserva: str) -> AppTest:
    at.text_input(key=alcadas.CHAVE_RESERVA).input(idreserva).run()
    assert not at.exception, at.exception
    return at


def simular(at: AppTest) -> AppTest:
    (botao,) = [b for b in at.button if b.label == "Simular"]
    botao.click().run()
    assert not at.exception, at.exception
    return at


# --- approval in the period -----------------------------------------------------------------------


def test_mes_atual_por_padrao(publicacao):
    at = abrir_pagina()
    assert at.title[0].value == "Alçadas"
    assert [tab.label for tab in at.tabs] == [
        "Aprovação no período",
        "Reserva",
        "Simular fluxo",
    ]
    assert aba_aberta(at) == 0
    assert at.radio(key="periodo").value == "Mês atual"
    assert "Período: 01/11/2026 a 20/11/2026 (data da venda)" in [c.value for c in at.caption]
    # 9 sold from 01/11 to 20/11 (4110 on the reference date itself; 4301 on 25/11 is out):
    # 7 judged, 4 approved; 4107 (sem regra) and 4105 (regra inaplicável) outside the rate.
    assert metricas(at) == {
        "Reservas": "9",
        "Julgadas": "7",
        "Aprovadas": "4",
        "Taxa de aprovação": "57,14%",
        "Requer alçada superior": "3",
        "Sem regra": "1",
        "Regra inaplicável": "1",
    }
    assert not at.error


def test_taxa_por_empreendimento_e_tabela(publicacao):
    at = abrir_pagina()
    por_tabela = tabela(at, "Taxa de aprovação")
    assert list(por_tabela.columns) == [
        "Empreendimento", "Tabela", "Reservas", "Julgadas", "Aprovadas",
        "Requer alçada superior", "Taxa de aprovação", "Sem regra", "Regra inaplicável",
    ]  # fmt: skip
    assert linhas(por_tabela) == [
        # 4107 has no rule (sold before "Tabela 501" came in force): 1 of 2 judged, not 1 of 3.
        ("Parque das Águas", "Tabela 501", 3, 2, 1, 1, "50,00%", 1, 0),
        # Only 4105, whose rule does not apply: nothing judged, no rate.
        ("Residencial Aurora", "Tabela 103", 1, 0, 0, 0, None, 0, 1),
        ("Residencial Aurora", "Tabela padrão 2026", 5, 5, 3, 2, "60,00%", 0, 0),
    ]
    explicacao = alcadas.EXPLICACAO_TAXA
    assert explicacao in [c.value for c in at.caption]
    assert "aprovadas ÷ julgadas" in explicacao


def test_mes_anterior(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Mês anterior").run()
    assert metricas(at)["Reservas"] == "2"
    assert metricas(at)["Taxa de aprovação"] == "50,00%"
    assert linhas(tabela(at, "Taxa de aprovação")) == [
        ("Residencial Aurora", "Tabela padrão 2026", 2, 2, 1, 1, "50,00%", 0, 0),
    ]
    assert requer(at) == [4201]
    assert tabela(at, "1º ciclo não atendido").iloc[0]["1º ciclo não atendido"] == (
        "3 – Primeiro ano"
    )
    assert not [t for t in at.dataframe if "Motivo" in t.value.columns], "all of them judged"


def test_bordas_do_periodo(publicacao):
    at = periodo(abrir_pagina(), REFERENCIA, REFERENCIA)
    assert metricas(at)["Reservas"] == "1"  # 4110, approved
    assert "Nenhuma reserva do período requer alçada superior." in [i.value for i in at.info]
    at = periodo(at, date(2026, 11, 21), date(2026, 11, 24))
    assert metricas(at)["Reservas"] == "0"
    assert metricas(at)["Taxa de aprovação"] == "—"
    assert "Nenhuma reserva vendida no período." in [i.value for i in at.info]
    assert not [t for t in at.dataframe if t.editing_mode == "read_only"]


def test_periodo_invertido_mostra_erro(publicacao):
    at = abrir_pagina()
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(date(2026, 11, 10))
    at.date_input(key="fim").set_value(date(2026, 11, 1)).run()
    assert not at.exception
    assert at.error[0].value == "A data inicial (10/11/2026) é posterior à data final (01/11/2026)."
    assert not at.metric


# --- the reservations that need the next alçada ---------------------------------------------------


def test_requer_alcada_superior_no_periodo(publicacao):
    at = abrir_pagina()
    lista = tabela(at, "1º ciclo não atendido")
    assert list(lista.columns) == [
        "Reserva", "Cliente", "Empreendimento", "Tabela", "Regra", "Data da venda",
        "Valor do contrato", "1º ciclo não atendido", "Falta no 1º ciclo", "Maior falta",
        "Fluxo difere do contrato", "Séries desconhecidas", "Séries ilegíveis", "Ciclos",
    ]  # fmt: skip
    # Newest sale first; only requer_alcada_superior (4101, 4104, 4108, 4110 are approved),
    # only in the period (4201 in October, 4301 after the reference date, 4401 in 2025).
    assert linhas(lista) == [
        (4109, "Ana Lúcia", "Parque das Águas", "Tabela 501", "Tabela 501", date(2026, 11, 19),
         "R$ 200.000,00", "2 – Chaves", "R$ 2.000,00", "R$ 2.000,00", "não", None, 1,
         "alcadas?idreserva=4109"),
        (4103, "Pedro Álvares", "Residencial Aurora", "Tabela padrão 2026",
         "Empreendimento 1 (2026)", date(2026, 11, 15), "R$ 350.000,00", "1 – Entrada",
         "R$ 1.200,00", "R$ 3.000,00", "não", None, 0, "alcadas?idreserva=4103"),
        (4102, "Maria Gonçalves", "Residencial Aurora", "Tabela padrão 2026",
         "Empreendimento 1 (2026)", date(2026, 11, 10), "R$ 500.000,00", "2 – Seis meses",
         "R$ 4.500,00", "R$ 9.000,00", "sim", "Permuta", 0, "alcadas?idreserva=4102"),
    ]  # fmt: skip
    configuracao = json.loads(
        next(t for t in at.dataframe if "1º ciclo não atendido" in t.value.columns).proto.columns
    )
    assert configuracao["Ciclos"]["type_config"] == {"type": "link", "display_text": "Ver ciclos"}
    assert configuracao["Data da venda"]["type_config"] == {
        "type": "date",
        "format": "DD/MM/YYYY",
    }
    assert alcadas.url_da_reserva(4102).split("?")[0] == Pagina.ALCADAS


def test_todo_o_periodo(publicacao):
    at = todo_o_periodo(abrir_pagina())
    esperadas = sorted(
        (r for r in ALCADAS if r.status == "requer_alcada_superior"),
        key=lambda r: (r.data_venda, r.idreserva),
        reverse=True,
    )
    assert requer(at) == [r.idreserva for r in esperadas] == [4301, 4109, 4103, 4102, 4201, 4401]
    assert metricas(at)["Reservas"] == str(len(ALCADAS))


def test_reservas_nao_julgadas(publicacao):
    at = abrir_pagina()
    assert linhas(tabela(at, "Motivo")) == [
        (4105, "João Conceição", "Residencial Aurora", "Tabela 103", date(2026, 11, 12),
         "Regra inaplicável", "Tabela 103", "sem data de entrega das chaves",
         "alcadas?idreserva=4105"),
        (4107, "Ana Lúcia", "Parque das Águas", "Tabela 501", date(2026, 11, 4), "Sem regra",
         None, None, "alcadas?idreserva=4107"),
    ]  # fmt: skip


def test_limite_da_lista(publicador, monkeypatch):
    monkeypatch.setattr(data_access, "LIMITE_RESERVAS_ALCADA", 2)
    publicador.publicar()
    at = abrir_pagina()
    assert requer(at) == [4109, 4103]
    assert "Mostrando as 2 reservas vendidas mais recentemente de 3." in [
        c.value for c in at.caption
    ]


# --- one reservation's cycles ---------------------------------------------------------------------


def test_detalhe_de_uma_reserva(publicacao):
    at = abrir_reserva(abrir_pagina(), "4401")
    reserva = aba(at, "Reserva")
    assert [s.value for s in reserva.subheader] == ["Reserva 4401"]
    assert campos(reserva) == {
        "Reserva": "4401",
        "Cliente": "João Conceição",
        "Cliente (ID)": "1001",
        "Empreendimento": "Residencial Aurora (1)",
        "Tabela": "Tabela padrão 2026 (101)",
        "Situação": "Vendida",
        "Corretor (ID)": "101",
        "Imobiliária (ID)": "1",
        "Data da venda": "15/01/2025",
        "Entrega das chaves": "15/12/2026",
        **RESUMO_DO_EXEMPLO,
        "Séries ilegíveis": "0",
    }
    ciclos = tabela(reserva, "% atingido")
    assert list(ciclos.columns) == COLUNAS_CICLOS
    assert linhas(ciclos) == CICLOS_DO_EXEMPLO
    assert mensagens(reserva)["warning"] == AVISOS_DO_EXEMPLO
    assert at.query_params["idreserva"] == "4401"  # the URL follows, to be shared


def test_detalhe_pela_url(publicacao):
    at = abrir_pagina(idreserva="4102")
    assert aba_aberta(at) == 1  # the tab "Reserva" opens first
    assert at.text_input(key=alcadas.CHAVE_RESERVA).value == "4102"
    reserva = aba(at, "Reserva")
    assert campos(reserva)["Séries desconhecidas"] == "Permuta"
    assert [linha[:2] + linha[4:6] + linha[8:] for linha in linhas(tabela(reserva, "Falta"))] == [
        (1, "Entrada", "12,00%", "12,00%", "R$ 0,00", "sim"),  # exactly the minimum: met
        (2, "Seis meses", "15,00%", "14,10%", "R$ 4.500,00", "não"),
        (3, "Primeiro ano", "22,50%", "20,70%", "R$ 9.000,00", "não"),
        (4, "Chaves", "32,00%", "31,00%", "R$ 5.000,00", "não"),
    ]
    assert mensagens(reserva)["warning"] == [
        "Requer alçada superior: o ciclo 2 (Seis meses) não foi atendido; faltam R$ 4.500,00.",
        "O total do fluxo (R$ 480.000,00) difere do valor do contrato (R$ 500.000,00); o "
        "julgamento vale assim mesmo.",
        "Séries desconhecidas, fora das somas dos ciclos: Permuta. Cadastre-as nas regras de "
        "alçada.",
    ]


@pytest.mark.parametrize(
    ("idreserva", "esperado"),
    [
        ("4101", {"success": ["Aprovado: todos os ciclos foram atendidos."]}),
        ("4105", {"warning": ["Regra inaplicável: sem data de entrega das chaves."]}),
        (
            "4107",
            {
                "info": [
                    "Sem regra: nenhuma regra de alçada em vigor na data da venda para este "
                    "empreendimento ou tabela."
                ]
            },
        ),
        ("4109", {"warning": [
            "Requer alçada superior: o ciclo 2 (Chaves) não foi atendido; faltam R$ 2.000,00.",
            "1 série do fluxo não pôde ser lida; confira a reserva no CRM.",
        ]}),
    ],
)  # fmt: skip
def test_status_da_reserva(publicacao, idreserva, esperado):
    reserva = aba(abrir_pagina(idreserva=idreserva), "Reserva")
    assert mensagens(reserva) == {"success": [], "warning": [], "info": [], "error": []} | esperado
    julgada = idreserva in ("4101", "4109")
    assert bool([t for t in reserva.dataframe if "% atingido" in t.value.columns]) == julgada


def test_reserva_nao_julgada_mostra_motivo_sem_ciclos(publicacao):
    reserva = aba(abrir_pagina(idreserva="4105"), "Reserva")
    assert campos(reserva)["Status"] == "Regra inaplicável"
    assert campos(reserva)["Motivo"] == "sem data de entrega das chaves"
    assert campos(reserva)["Regra"] == "Tabela 103 (vigente desde 01/01/2014)"
    assert campos(reserva)["Ciclos atendidos"] is None
    assert campos(reserva)["Maior falta"] is None


ID_INVALIDO = "ID inválido: o ID de uma reserva é um número inteiro (por exemplo, 4102)."


@pytest.mark.parametrize(
    ("texto", "mensagem"),
    [
        ("abc", ("error", ID_INVALIDO)),
        ("99999999999999999999", ("error", ID_INVALIDO)),  # beyond BIGINT
        ("4999", ("warning", "Reserva não encontrada: 4999.")),
        ("", ("info", "Informe o ID de uma reserva para ver os seus ciclos.")),
    ],
)  # fmt: skip
def test_reserva_invalida_ou_ausente(publicacao, texto, mensagem):
    at = abrir_reserva(abrir_pagina(), texto)
    reserva = aba(at, "Reserva")
    tipo, texto_esperado = mensagem
    assert mensagens(reserva)[tipo] == [texto_esperado]
    assert not reserva.dataframe


# --- what-if --------------------------------------------------------------------------------------


def test_formulario_comeca_com_o_exemplo(publicacao):
    simulacao = aba(abrir_pagina(), "Simular fluxo")
    assert simulacao.number_input(key="alcadas_simulacao_empreendimento").value == 1
    assert simulacao.number_input(key="alcadas_simulacao_tabela").value is None
    assert simulacao.date_input(key="alcadas_simulacao_data_venda").value == date(2025, 1, 15)
    assert simulacao.text_input(key="alcadas_simulacao_valor_contrato").value == "300.000,00"
    assert simulacao.date_input(key="alcadas_simulacao_data_entrega_chaves").value == date(
        2026, 12, 15
    )
    (series,) = simulacao.data_editor
    assert series.editing_mode == "dynamic"
    assert linhas(series.value) == [
        ("Ato", 1, "30.000,00", date(2025, 1, 15)),
        ("Mensal", 24, "1.250,00", date(2025, 2, 15)),
        ("Anual", 1, "10.000,00", date(2025, 12, 15)),
        ("Chaves", 1, "15.000,00", date(2026, 12, 15)),
        ("Financiamento", 1, "195.000,00", date(2027, 1, 15)),
    ]
    assert not [s for s in simulacao.subheader if s.value == "Resultado da simulação"]


def test_simulacao_do_exemplo(publicacao):
    at = simular(abrir_pagina())
    simulacao = aba(at, "Simular fluxo")
    assert [s.value for s in simulacao.subheader] == ["Resultado da simulação"]
    assert campos(simulacao) == RESUMO_DO_EXEMPLO
    ciclos = tabela(simulacao, "% atingido")
    assert list(ciclos.columns) == COLUNAS_CICLOS
    assert linhas(ciclos) == CICLOS_DO_EXEMPLO
    assert mensagens(simulacao) == {
        "success": [],
        "warning": AVISOS_DO_EXEMPLO,
        "info": [],
        "error": [],
    }
    # The result stays while the rest of the page is used.
    at.radio(key="periodo").set_value("Mês anterior").run()
    assert linhas(tabela(aba(at, "Simular fluxo"), "% atingido")) == CICLOS_DO_EXEMPLO


def test_simulacao_igual_ao_detalhe_da_reserva(publicacao):
    """4401 is the worked example judged by the pipeline: the what-if shows it the same way."""
    at = simular(abrir_reserva(abrir_pagina(), "4401"))
    assert linhas(tabela(aba(at, "Simular fluxo"), "% atingido")) == linhas(
        tabela(aba(at, "Reserva"), "% atingido")
    )


def test_simulacao_em_2026_usa_a_regra_nova(publicacao):
    at = abrir_pagina()
    # Sold in 2026, the example falls under "Empreendimento 1 (2026)": its cycle "Primeiro ano"
    # ends in 01/2027, after the keys month (12/2026), so the ends do not increase.
    at.date_input(key="alcadas_simulacao_data_venda").set_value(date(2026, 1, 15))
    simulacao = aba(simular(at), "Simular fluxo")
    assert campos(simulacao)["Regra"] == "Empreendimento 1 (2026) (vigente desde 01/01/2026)"
    assert campos(simulacao)["Status"] == "Regra inaplicável"
    motivo = "ciclo 4 termina em 2026-12, não depois do ciclo 3 (2027-01)"
    assert campos(simulacao)["Motivo"] == motivo
    assert f"Regra inaplicável: {motivo}." in mensagens(simulacao)["warning"]
    assert not [t for t in simulacao.dataframe if "% atingido" in t.value.columns]
    # With the keys in 2028 the rule applies: its four cycles.
    at.date_input(key="alcadas_simulacao_data_entrega_chaves").set_value(date(2028, 6, 15))
    simulacao = aba(simular(at), "Simular fluxo")
    assert campos(simulacao)["Status"] == "Requer alçada superior"
    assert [linha[:4] for linha in linhas(tabela(simulacao, "% atingido"))] == [
        (1, "Entrada", "1 mês após a venda", "02/2026"),
        (2, "Seis meses", "6 meses após a venda", "07/2026"),
        (3, "Primeiro ano", "12 meses após a venda", "01/2027"),
        (4, "Chaves", "no mês das chaves", "06/2028"),
    ]


def test_simulacao_com_series_editadas(publicacao):
    at = abrir_pagina()
    # A bigger Ato, and a series the rules do not know: every cycle met; the flow now adds up
    # to the contract (290.000,00 + 10.000,00), the unknown series out of the cycles' sums.
    at.session_state[alcadas.CHAVE_SERIES] = {
        "edited_rows": {0: {"valor": "40.000,00"}},
        "added_rows": [
            {"serie": "Permuta", "parcelas": 1, "valor": "10.000,00", "vencimento": "2025-01-15"},
            {},  # a row added and left blank
        ],
        "deleted_rows": [],
    }
    simulacao = aba(simular(at), "Simular fluxo")
    resumo = campos(simulacao)
    assert resumo["Status"] == "Aprovado"
    assert resumo["Total do fluxo"] == "R$ 300.000,00"
    assert resumo["Fluxo difere do contrato"] == "não"
    assert resumo["Séries desconhecidas"] == "Permuta"
    assert resumo["Maior falta"] == "R$ 0,00"
    assert [linha[5] for linha in linhas(tabela(simulacao, "% atingido"))] == [
        "13,75%",  # 40.000 + 1.250
        "21,67%",  # 40.000 + 12 × 1.250 + 10.000
        "31,25%",  # 40.000 + 23 × 1.250 + 10.000 + 15.000
    ]
    assert mensagens(simulacao) == {
        "success": ["Aprovado: todos os ciclos foram atendidos."],
        "warning": [
            "Séries desconhecidas, fora das somas dos ciclos: Permuta. Cadastre-as nas regras "
            "de alçada."
        ],
        "info": [],
        "error": [],
    }


def test_simulacao_sem_regra_e_regra_inaplicavel(publicacao):
    at = abrir_pagina()
    at.number_input(key="alcadas_simulacao_empreendimento").set_value(99)
    simulacao = aba(simular(at), "Simular fluxo")
    assert campos(simulacao)["Status"] == "Sem regra"
    assert campos(simulacao)["Regra"] is None
    assert not [t for t in simulacao.dataframe if "% atingido" in t.value.columns]
    at.number_input(key="alcadas_simulacao_empreendimento").set_value(1)
    at.date_input(key="alcadas_simulacao_data_entrega_chaves").set_value(None)
    simulacao = aba(simular(at), "Simular fluxo")
    assert campos(simulacao)["Status"] == "Regra inaplicável"
    assert campos(simulacao)["Motivo"] == "sem data de entrega das chaves"
    assert "Regra inaplicável: sem data de entrega das chaves." in mensagens(simulacao)["warning"]


def test_simulacao_com_entrada_invalida(publicacao):
    at = abrir_pagina()
    at.text_input(key="alcadas_simulacao_valor_contrato").input("300.000,005")
    at.session_state[alcadas.CHAVE_SERIES] = {
        "edited_rows": {1: {"parcelas": -1}, 2: {"valor": "dez mil"}},
        "added_rows": [{"serie": "Sinal", "parcelas": 1}],
        "deleted_rows": [],
    }
    simulacao = aba(simular(at), "Simular fluxo")
    assert not at.exception
    assert mensagens(simulacao)["error"] == [
        "A proposta tem problemas:\n\n"
        "- Valor do contrato: no máximo 2 casas decimais.\n"
        "- Série da linha 2, parcelas: deve ser no mínimo 0.\n"
        "- Série da linha 3, valor: não é um valor em reais (por exemplo, 1.250,00).\n"
        "- Série da linha 6, valor: obrigatório.\n"
        "- Série da linha 6, vencimento: obrigatório."
    ]
    assert not [t for t in simulacao.dataframe if "% atingido" in t.value.columns]
    assert "Campo" not in [c for t in simulacao.dataframe for c in t.value.columns]


def test_simulacao_com_regras_invalidas(publicacao, tmp_path, monkeypatch):
    regras = tmp_path / "regras.yml"
    regras.write_text(
        "series: {Ato: {periodicidade: unica}}\n"
        "regras:\n"
        "  - nome: Quebrada\n"
        "    empreendimento: 1\n"
        "    vigencia: 2014-01-01\n"
        "    ciclos:\n"
        "      - {nome: A, fim: {meses: 12, apos: venda}, percentual: 20}\n"
        "      - {nome: B, fim: {meses: 1, apos: venda}, percentual: 10}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ALICERCE_ALCADA_RULES_FILE", str(regras))
    simulacao = aba(simular(abrir_pagina()), "Simular fluxo")
    (erro,) = mensagens(simulacao)["error"]
    assert erro.startswith("Não foi possível ler as regras de alçada; avise a equipe de dados. ")
    assert "rule 'Quebrada', cycle 2 ('B')" in erro
    assert not [t for t in simulacao.dataframe if "Campo" in t.value.columns]


# --- who sees what --------------------------------------------------------------------------------


def _seus(login: str) -> list:
    usuario = USUARIOS[login]
    if usuario.idcorretor is not None:
        return [r for r in ALCADAS if r.idcorretor == usuario.idcorretor]
    return [r for r in ALCADAS if r.idimobiliaria == usuario.idimobiliaria]


@pytest.mark.parametrize("login", ["corretor101", "corretor102", "imob1", "imob2"])
def test_corretor_e_imobiliaria_veem_so_as_suas_reservas(publicacao, login):
    usuario = USUARIOS[login]
    seus = _seus(login)
    assert seus and len(seus) < len(ALCADAS), "each user here sees some reservations, not all"
    at = todo_o_periodo(abrir_pagina(login))
    assert f"Somente as reservas de {usuario.descricao()}." in [c.value for c in at.caption]
    assert metricas(at)["Reservas"] == str(len(seus))
    assert sum(linha[2] for linha in linhas(tabela(at, "Taxa de aprovação"))) == len(seus)
    esperadas = sorted(
        (r for r in seus if r.status == "requer_alcada_superior"),
        key=lambda r: (r.data_venda, r.idreserva),
        reverse=True,
    )
    assert requer(at) == [r.idreserva for r in esperadas]


def test_as_reservas_de_um_corretor(publicacao):
    # Broker 101's reservations: 4101 (approved), 4201 and 4401. João (1001) is also broker
    # 102's client, but 4105 is 102's reservation: 101 does not see it.
    at = todo_o_periodo(abrir_pagina("corretor101"))
    assert requer(at) == [4201, 4401]
    assert metricas(at)["Reservas"] == "3"
    assert metricas(at)["Taxa de aprovação"] == "33,33%"
    reserva = aba(abrir_reserva(at, "4105"), "Reserva")
    assert mensagens(reserva)["warning"] == ["Reserva não encontrada: 4105."]
    reserva = aba(abrir_reserva(at, "4401"), "Reserva")
    assert linhas(tabela(reserva, "% atingido")) == CICLOS_DO_EXEMPLO


def test_imobiliaria_ve_as_reservas_dos_seus_corretores(publicacao):
    at = abrir_pagina("imob2")  # broker 201: 4103, 4107 and 4108 this month
    assert linhas(tabela(at, "Taxa de aprovação")) == [
        ("Parque das Águas", "Tabela 501", 2, 1, 1, 0, "100,00%", 1, 0),
        ("Residencial Aurora", "Tabela padrão 2026", 1, 1, 0, 1, "0,00%", 0, 0),
    ]
    assert requer(at) == [4103]
    reserva = aba(abrir_reserva(at, "4102"), "Reserva")
    assert mensagens(reserva)["warning"] == ["Reserva não encontrada: 4102."]


def test_corretor_sem_reservas(publicacao):
    at = todo_o_periodo(abrir_pagina("corretor999"))
    assert metricas(at)["Reservas"] == "0"
    assert "Nenhuma reserva vendida no período." in [i.value for i in at.info]
    # The what-if needs no reservation: it is there for whoever sees the page.
    simulacao = aba(simular(at), "Simular fluxo")
    assert campos(simulacao)["Status"] == "Requer alçada superior"


@pytest.mark.parametrize("login", ["analista", "compliance"])
def test_papel_sem_acesso_e_recusado(publicacao, login):
    at = abrir_pagina(login)
    assert [erro.value for erro in at.error] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe and not at.metric and not at.tabs and not at.button
    usuario = USUARIOS[login]
    for consulta in (
        lambda: data_access.aprovacao_alcadas(usuario, REFERENCIA, REFERENCIA),
        lambda: data_access.reservas_alcada(usuario, REFERENCIA, REFERENCIA),
        lambda: data_access.reserva_alcada(usuario, 4401),
        lambda: data_access.ciclos_alcada(usuario, 4401),
        lambda: data_access.simular_alcada(usuario, data_access.proposta_exemplo()),
    ):
        with pytest.raises(data_access.AcessoNegado):
            consulta()


# --- nothing there yet ----------------------------------------------------------------------------


def test_publicacao_sem_alcadas(publicador):
    publicador.publicar(alcadas=None)
    at = abrir_pagina()
    assert [info.value for info in at.info] == [alcadas.SEM_ALCADAS]
    assert not at.metric and not at.tabs
    assert not [t for t in at.dataframe if t.editing_mode == "read_only"]
    at = simular(at)  # the what-if works all the same
    assert campos(at)["Status"] == "Requer alçada superior"
    assert linhas(tabela(at, "% atingido")) == CICLOS_DO_EXEMPLO


def test_sem_publicacao(publicador):
    at = abrir_pagina()
    assert [info.value for info in at.info] == [
        "Nenhuma publicação disponível ainda: rode `alicerce run`."
    ]
    assert not at.metric and not at.tabs
    at = simular(at)
    assert campos(at)["Total do fluxo"] == "R$ 280.000,00"


# --- by URL, through the whole app ----------------------------------------------------------------


def test_link_abre_a_reserva_depois_do_login(publicacao):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context["url"] = "http://localhost:8501/alcadas"
    at.query_params["idreserva"] = "4401"
    at.run()
    at = entrar(at, "corretor101")
    assert not at.exception, at.exception
    assert [titulo.value for titulo in at.title] == ["Alçadas"]
    assert linhas(tabela(aba(at, "Reserva"), "% atingido")) == CICLOS_DO_EXEMPLO
