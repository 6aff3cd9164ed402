"""The data-access functions of the page "Alçadas" against real publications (conftest's
ALCADAS), and the what-if through the default rules file (ingestion/alcadas/regras.yml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from dashboards import data_access
from ingestion.alcadas.flow import Proposal
from ingestion.alcadas.rules import RulesError

from .conftest import ALCADAS, GESTOR, USUARIOS

MES_ATUAL = (date(2026, 11, 1), date(2026, 11, 20))
TUDO = (date(2000, 1, 1), date(2030, 12, 31))


def ids(linhas: pd.DataFrame) -> list[int]:
    return [int(idreserva) for idreserva in linhas["idreserva"]]


def test_aprovacao_por_empreendimento_e_tabela(publicacao):
    linhas = data_access.aprovacao_alcadas(GESTOR, *MES_ATUAL)
    assert linhas.to_dict("records") == [
        {"idempreendimento": 5, "empreendimento": "Parque das Águas", "idtabela": 501,
         "nometabela": "Tabela 501", "reservas": 3, "julgadas": 2, "aprovadas": 1,
         "requer_alcada_superior": 1, "sem_regra": 1, "regra_inaplicavel": 0},
        {"idempreendimento": 1, "empreendimento": "Residencial Aurora", "idtabela": 103,
         "nometabela": "Tabela 103", "reservas": 1, "julgadas": 0, "aprovadas": 0,
         "requer_alcada_superior": 0, "sem_regra": 0, "regra_inaplicavel": 1},
        {"idempreendimento": 1, "empreendimento": "Residencial Aurora", "idtabela": 101,
         "nometabela": "Tabela padrão 2026", "reservas": 5, "julgadas": 5, "aprovadas": 3,
         "requer_alcada_superior": 2, "sem_regra": 0, "regra_inaplicavel": 0},
    ]  # fmt: skip
    assert linhas["reservas"].dtype == "int64"
    todas = data_access.aprovacao_alcadas(GESTOR, *TUDO)
    assert todas["reservas"].sum() == len(ALCADAS)


def test_reservas_com_as_colunas_do_contrato(publicacao):
    linhas = data_access.reservas_alcada(GESTOR, *MES_ATUAL, ["requer_alcada_superior"])
    assert list(linhas.columns) == [
        "idreserva", "idempreendimento", "empreendimento", "idtabela", "nometabela",
        "idcliente", "cliente", "idcorretor", "idimobiliaria", "situacao", "data_venda",
        "data_entrega_chaves", "valor_contrato", "regra", "regra_vigencia", "status", "motivo",
        "ciclos_total", "ciclos_atendidos", "primeiro_ciclo_falho", "primeiro_ciclo_falho_nome",
        "falta_primeiro_ciclo", "maior_falta", "total_fluxo", "fluxo_difere_do_contrato",
        "series_desconhecidas", "series_ilegiveis",
    ]  # fmt: skip
    assert ids(linhas) == [4109, 4103, 4102]
    maria = linhas.set_index("idreserva").loc[4102]
    # Money comes exact, as Decimal (DuckDB would hand DECIMAL to pandas as a float).
    assert maria["valor_contrato"] == Decimal("500000.00")
    assert isinstance(maria["valor_contrato"], Decimal)
    assert (maria["falta_primeiro_ciclo"], maria["maior_falta"]) == (
        Decimal("4500.00"),
        Decimal("9000.00"),
    )
    assert maria["total_fluxo"] == Decimal("480000.00")
    assert maria["fluxo_difere_do_contrato"] is True
    assert maria["data_venda"] == date(2026, 11, 10)
    assert (maria["primeiro_ciclo_falho"], maria["primeiro_ciclo_falho_nome"]) == (2, "Seis meses")
    assert linhas["idimobiliaria"].dtype == "Int64"


def test_reservas_por_status_e_limite(publicacao):
    assert ids(data_access.reservas_alcada(GESTOR, *MES_ATUAL, ["sem_regra"])) == [4107]
    nao_julgadas = data_access.reservas_alcada(
        GESTOR, *MES_ATUAL, ["sem_regra", "regra_inaplicavel"]
    )
    assert ids(nao_julgadas) == [4105, 4107]
    sem_regra = nao_julgadas.set_index("idreserva").loc[4107]
    assert sem_regra["regra"] is None or pd.isna(sem_regra["regra"])
    assert sem_regra["maior_falta"] is None
    assert sem_regra["ciclos_atendidos"] is pd.NA
    assert ids(data_access.reservas_alcada(GESTOR, *TUDO, limite=2)) == [4301, 4110]
    assert len(data_access.reservas_alcada(GESTOR, *TUDO)) == len(ALCADAS)


def test_uma_reserva(publicacao):
    reserva = data_access.reserva_alcada(GESTOR, 4401)
    assert reserva is not None
    assert reserva["idreserva"] == 4401 and type(reserva["idreserva"]) is int
    assert reserva["status"] == "requer_alcada_superior"
    assert reserva["regra"] == "Empreendimento 1 (2014)"
    assert reserva["regra_vigencia"] == date(2014, 1, 1)
    assert reserva["data_entrega_chaves"] == date(2026, 12, 15)
    assert (reserva["ciclos_total"], reserva["ciclos_atendidos"]) == (3, 1)
    assert reserva["maior_falta"] == Decimal("6250.00")
    assert reserva["motivo"] is None and reserva["series_desconhecidas"] is None
    assert data_access.reserva_alcada(GESTOR, 4999) is None
    assert data_access.reserva_alcada(GESTOR, 2**63) is None  # beyond BIGINT: nobody


def test_ciclos_de_uma_reserva(publicacao):
    ciclos = data_access.ciclos_alcada(GESTOR, 4401)
    assert ciclos.to_dict("records") == [
        {"ciclo": 1, "ciclo_nome": "Entrada", "ancora": "venda", "meses": 1,
         "fim_mes": date(2025, 2, 1), "percentual_exigido_bp": 1000,
         "percentual_atingido_bp": 1042, "valor_exigido": Decimal("30000.00"),
         "valor_atingido": Decimal("31250.00"), "falta": Decimal("0.00"), "atendido": True},
        {"ciclo": 2, "ciclo_nome": "Primeiro ano", "ancora": "venda", "meses": 12,
         "fim_mes": date(2026, 1, 1), "percentual_exigido_bp": 2000,
         "percentual_atingido_bp": 1833, "valor_exigido": Decimal("60000.00"),
         "valor_atingido": Decimal("55000.00"), "falta": Decimal("5000.00"), "atendido": False},
        {"ciclo": 3, "ciclo_nome": "Chaves", "ancora": "chaves", "meses": 0,
         "fim_mes": date(2026, 12, 1), "percentual_exigido_bp": 3000,
         "percentual_atingido_bp": 2792, "valor_exigido": Decimal("90000.00"),
         "valor_atingido": Decimal("83750.00"), "falta": Decimal("6250.00"), "atendido": False},
    ]  # fmt: skip
    assert data_access.ciclos_alcada(GESTOR, 4105).empty  # not judged: no cycles


@pytest.mark.parametrize(
    ("login", "esperadas"),
    [
        ("corretor101", [4101, 4201, 4401]),
        ("corretor102", [4102, 4105, 4109, 4110, 4301]),
        ("corretor999", []),
        ("imob1", [4101, 4102, 4105, 4109, 4110, 4201, 4301, 4401]),
        ("imob2", [4103, 4107, 4108, 4202]),
    ],
)
def test_escopo_pelo_corretor_e_pela_imobiliaria_da_reserva(publicacao, login, esperadas):
    usuario = USUARIOS[login]
    assert sorted(ids(data_access.reservas_alcada(usuario, *TUDO))) == esperadas
    assert data_access.aprovacao_alcadas(usuario, *TUDO)["reservas"].sum() == len(esperadas)
    for reserva in ALCADAS:
        visivel = reserva.idreserva in esperadas
        assert (data_access.reserva_alcada(usuario, reserva.idreserva) is not None) == visivel
        if reserva.status in data_access.STATUS_JULGADOS:
            assert (not data_access.ciclos_alcada(usuario, reserva.idreserva).empty) == visivel


def test_publicacao_sem_alcadas(publicador):
    publicador.publicar(alcadas=None)
    assert not data_access.alcadas_publicadas(GESTOR)
    assert data_access.reserva_alcada(GESTOR, 4401) is None
    assert data_access.ciclos_alcada(GESTOR, 4401).empty


def test_publicacao_com_alcadas(publicacao):
    assert data_access.alcadas_publicadas(GESTOR)


# --- what-if --------------------------------------------------------------------------------------


def test_proposta_exemplo():
    proposta = data_access.proposta_exemplo()
    assert proposta is not None
    assert (proposta.empreendimento, proposta.data_venda) == (1, date(2025, 1, 15))
    assert proposta.valor_contrato == Decimal("300000.00")
    assert [serie.serie for serie in proposta.series] == [
        "Ato", "Mensal", "Anual", "Chaves", "Financiamento",
    ]  # fmt: skip


def test_simulacao_do_exemplo_igual_ao_mart(publicacao):
    simulacao = data_access.simular_alcada(GESTOR, data_access.proposta_exemplo())
    assert simulacao.avaliacao.status == "requer_alcada_superior"
    assert simulacao.avaliacao.regra == "Empreendimento 1 (2014)"
    assert simulacao.avaliacao.total_fluxo == Decimal("280000.00")
    # The same columns and values as the pipeline's cycles of the same flow (4401).
    assert simulacao.ciclos.to_dict("records") == data_access.ciclos_alcada(GESTOR, 4401).to_dict(
        "records"
    )


def test_simulacao_sem_regra_nao_tem_ciclos():
    proposta = Proposal(
        data_venda=date(2026, 3, 1), valor_contrato=Decimal("100000.00"), empreendimento=99,
        series=[],
    )  # fmt: skip
    simulacao = data_access.simular_alcada(GESTOR, proposta)
    assert simulacao.avaliacao.status == "sem_regra"
    assert simulacao.ciclos.empty
    assert list(simulacao.ciclos.columns) == [
        "ciclo", "ciclo_nome", "ancora", "meses", "fim_mes", "percentual_exigido_bp",
        "percentual_atingido_bp", "valor_exigido", "valor_atingido", "falta", "atendido",
    ]  # fmt: skip


def test_simulacao_le_o_arquivo_de_regras_configurado(tmp_path, monkeypatch):
    arquivo = tmp_path / "regras.yml"
    monkeypatch.setenv("ALICERCE_ALCADA_RULES_FILE", str(arquivo))
    with pytest.raises(RulesError, match="cannot read"):
        data_access.simular_alcada(GESTOR, data_access.proposta_exemplo())
    arquivo.write_text(
        "series: {Ato: {periodicidade: unica}}\n"
        "regras:\n"
        "  - {nome: Só o ato, empreendimento: 1, vigencia: 2014-01-01,\n"
        "     ciclos: [{nome: Ato, fim: {meses: 0, apos: venda}, percentual: 10}]}\n",
        encoding="utf-8",
    )
    simulacao = data_access.simular_alcada(GESTOR, data_access.proposta_exemplo())
    assert simulacao.avaliacao.status == "aprovado"  # the Ato alone is 10%
    assert simulacao.avaliacao.series_desconhecidas == [
        "Anual", "Chaves", "Financiamento", "Mensal",
    ]  # fmt: skip
    assert simulacao.ciclos[["ciclo", "ancora", "meses"]].to_dict("records") == [
        {"ciclo": 1, "ancora": "venda", "meses": 0}
    ]
