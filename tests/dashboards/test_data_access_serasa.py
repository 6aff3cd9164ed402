"""The data-access functions of the page "Serasa" against real publications: conftest's standard
publication plus the Serasa marts written here (CONSULTAS, RESUMOS), laid out around conftest's
reference date and brokers (CARTEIRA). test_pagina_serasa.py reads the same publication.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from dashboards import data_access
from dashboards.data_access import TotaisSerasa

from .conftest import GESTOR, USUARIOS, Publicador

MES_ATUAL = (date(2026, 11, 1), date(2026, 11, 20))
MES_ANTERIOR = (date(2026, 10, 1), date(2026, 10, 31))
TUDO = (date(2000, 1, 1), date(2030, 12, 31))

_SAO_PAULO = ZoneInfo("America/Sao_Paulo")

AVANCADO = {"relatorios": "Anotação negativa, Escore de crédito",
            "report_name": "RELATORIO_AVANCADO_PF"}  # fmt: skip
BASICO = {"relatorios": "Escore de crédito", "report_name": "RELATORIO_BASICO_PF"}


@dataclass(frozen=True)
class ConsultaSerasa:
    """One row of marts.serasa_consultas; timestamps naive UTC, data_consulta derived (São
    Paulo date of the answer, else of the request)."""

    id_consulta: str
    painel: str | None
    usuario: str | None
    idusuario: int | None
    chave: str | None
    idpessoa: int | None
    relatorios: str
    report_name: str | None
    resultado: str
    solicitado_em: datetime
    http_status: int | None = 200
    cobrada: bool | None = False
    custo: Decimal | None = None
    preco_conhecido: bool | None = True
    renovacoes_token: int = 0
    motivo: str | None = None
    formato: str = "json"
    tipo_pessoa: str = "PF"
    optional_features: str | None = None
    latencia_ms: int | None = 850
    score: int | None = None
    faixa_score: str | None = None
    campos_desconhecidos: int = 0

    @property
    def consultado_em(self) -> datetime | None:
        return None if self.http_status is None else self.solicitado_em

    @property
    def data_consulta(self) -> date:
        momento = self.consultado_em or self.solicitado_em
        return momento.replace(tzinfo=UTC).astimezone(_SAO_PAULO).date()

    def linha(self) -> dict:
        valores = {
            campo.name: valor for campo, valor in zip(fields(self), astuple(self), strict=True)
        }
        valores["id_solicitacao"] = f"sol-{self.id_consulta}"
        valores["consultado_em"] = self.consultado_em
        valores["data_consulta"] = self.data_consulta
        return valores


def _gestor(**kw) -> dict:
    return {"painel": "gestor", "usuario": "gestora", "idusuario": None, **kw}


def _corretor(idcorretor: int, **kw) -> dict:
    return {"painel": "corretor", "usuario": f"corretor{idcorretor}", "idusuario": idcorretor, **kw}


def _imobiliaria(idimobiliaria: int, **kw) -> dict:
    return {"painel": "imobiliaria", "usuario": f"imob{idimobiliaria}",
            "idusuario": idimobiliaria, **kw}  # fmt: skip


def _cobrada(custo: str, preco_conhecido: bool = True) -> dict:
    """A billed call; `preco_conhecido` false: some item has no price, `custo` is a lower bound
    (serasa_consultas.yml)."""
    return {"cobrada": True, "custo": Decimal(custo), "preco_conhecido": preco_conhecido}


# Calls (reference date 20/11/2026; brokers 101 and 102 belong to brokerage 1, 201 to 2, 301 to
# none, per CARTEIRA), so that:
# - mês atual: s-001..s-013, 13 calls; billed s-001, 002, 003, 005, 008, 012, 013 (7), costing
#   12,50 + 4,35 + 12,50 + 1,10 + 7,10 + 3,00 + 4,35 = R$ 44,90 (s-005's report has no configured
#   price: its 1,10 is the optional feature's alone, a lower bound); reused s-004; refused s-009
#   (no key); unknown s-006; failures s-007 (falha 403), s-010 (nao_encontrado 404), s-011
#   (invalido 412); token renewals 1 + 1 + 2 = 4.
#   s-013 is answered on 21/11 01:30 UTC, 20/11 22:30 in São Paulo: in.
#   s-012 is made in the panel of a brokerage whose CRM id (101) is also broker 101's: not his.
# - mês anterior: s-020 (gestor, billed 12,50), s-021 (broker 101, desconhecido).
# - after the reference date: s-030. A legacy archive of 2018: s-040.
# Per broker this month: 101 s-003, s-004; 102 s-005, s-006, s-013; 201 s-007; 301 s-010.
# Brokerage 1: its own s-008 and its brokers' 5 (6 calls, R$ 25,05); brokerage 2: s-009, s-007.
# fmt: off
CONSULTAS = [
    ConsultaSerasa("s-001", **_gestor(), chave="incorporadora", idpessoa=1001, **AVANCADO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 3, 13, 0),
                   **_cobrada("12.50"), renovacoes_token=1, score=720, faixa_score="B"),
    ConsultaSerasa("s-002", **_gestor(), chave="incorporadora", idpessoa=1002, **BASICO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 4, 14, 0),
                   **_cobrada("4.35"), score=455, faixa_score="D"),
    ConsultaSerasa("s-003", **_corretor(101), chave="incorporadora", idpessoa=1001, **AVANCADO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 5, 12, 0),
                   **_cobrada("12.50")),
    ConsultaSerasa("s-004", **_corretor(101), chave="incorporadora", idpessoa=1001, **AVANCADO,
                   resultado="reutilizado", solicitado_em=datetime(2026, 11, 6, 12, 0),
                   http_status=None, latencia_ms=None),
    ConsultaSerasa("s-005", **_corretor(102), chave="corretor-102", idpessoa=1002, **BASICO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 7, 15, 0),
                   optional_features="CONSULTAS_A_SERASA", **_cobrada("1.10", False)),
    ConsultaSerasa("s-006", **_corretor(102), chave="corretor-102", idpessoa=1001, **AVANCADO,
                   resultado="desconhecido", solicitado_em=datetime(2026, 11, 8, 16, 0),
                   http_status=504, cobrada=None, renovacoes_token=1,
                   motivo="tempo esgotado depois do envio"),
    ConsultaSerasa("s-007", **_corretor(201), chave="incorporadora", idpessoa=1003, **BASICO,
                   resultado="falha", solicitado_em=datetime(2026, 11, 9, 17, 0),
                   http_status=403, motivo="acesso negado pelo Serasa"),
    ConsultaSerasa("s-008", **_imobiliaria(1), chave="imobiliaria-1", idpessoa=1002, **AVANCADO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 10, 18, 0),
                   **_cobrada("7.10"), renovacoes_token=2),
    ConsultaSerasa("s-009", **_imobiliaria(2), chave=None, idpessoa=1003,
                   relatorios="Participações societárias", report_name=None,
                   resultado="recusado", solicitado_em=datetime(2026, 11, 11, 19, 0),
                   http_status=None, latencia_ms=None,
                   motivo="sem chave: o painel de imobiliária não tem chave própria nem "
                          "compartilhada"),
    ConsultaSerasa("s-010", **_corretor(301), chave="corretor-301", idpessoa=1004, **BASICO,
                   resultado="nao_encontrado", solicitado_em=datetime(2026, 11, 12, 12, 0),
                   http_status=404, motivo="documento não encontrado"),
    ConsultaSerasa("s-011", **_gestor(), chave="incorporadora", idpessoa=1005, **AVANCADO,
                   resultado="invalido", solicitado_em=datetime(2026, 11, 13, 12, 0),
                   http_status=412, motivo="documento rejeitado pelo Serasa"),
    ConsultaSerasa("s-012", **_imobiliaria(101), chave="imobiliaria-101", idpessoa=1001, **BASICO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 14, 12, 0),
                   **_cobrada("3.00")),
    ConsultaSerasa("s-013", **_corretor(102), chave="incorporadora", idpessoa=1002, **BASICO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 21, 1, 30),
                   **_cobrada("4.35")),
    # mês anterior
    ConsultaSerasa("s-020", **_gestor(), chave="incorporadora", idpessoa=1001, **AVANCADO,
                   resultado="ok", solicitado_em=datetime(2026, 10, 15, 12, 0),
                   **_cobrada("12.50")),
    ConsultaSerasa("s-021", **_corretor(101), chave="incorporadora", idpessoa=1001, **AVANCADO,
                   resultado="desconhecido", solicitado_em=datetime(2026, 10, 20, 12, 0),
                   http_status=502, cobrada=None, motivo="502 do gateway"),
    # after the reference date
    ConsultaSerasa("s-030", **_gestor(), chave="incorporadora", idpessoa=1002, **BASICO,
                   resultado="ok", solicitado_em=datetime(2026, 11, 25, 12, 0),
                   **_cobrada("4.35")),
    # a legacy archive: no panel, user or key
    ConsultaSerasa("s-040", painel=None, usuario=None, idusuario=None, chave=None, idpessoa=1003,
                   relatorios="Anotação negativa", report_name="RELATORIO_BASICO_PF",
                   resultado="ok", solicitado_em=datetime(2018, 12, 1, 15, 0),
                   **_cobrada("12.50"), formato="legado", latencia_ms=None),
]
# fmt: on

# One row per client (marts.serasa_resumo_cliente). 1006 is nobody's client and not in the CRM
# (no name, no CPF).
# fmt: off
RESUMOS = [
    {"idpessoa": 1001, "nome": "João Conceição", "documento": "12345678901",
     "score": 720, "faixa_score": "B", "modelo_score": "HSPN",
     "fonte_score": "json", "score_em": datetime(2026, 11, 5, 12, 0),
     "pefin_quantidade": 2, "pefin_valor": Decimal("1500.30"),
     "refin_quantidade": 1, "refin_valor": Decimal("250.00"),
     "protestos_quantidade": 0, "protestos_valor": Decimal("0.00"), "cheques_quantidade": 1,
     "dividas_vencidas_quantidade": 1, "dividas_vencidas_valor": Decimal("980.45"),
     "anotacoes_quantidade": 5, "ultima_consulta_em": datetime(2026, 11, 8, 16, 0),
     "ultima_consulta_formato": "json", "consultas": 5},
    {"idpessoa": 1002, "nome": "Maria Gonçalves", "documento": "98765432100",
     "score": 455, "faixa_score": "D", "modelo_score": "HSPN",
     "fonte_score": "json", "score_em": datetime(2026, 11, 21, 1, 30),
     "pefin_quantidade": 0, "pefin_valor": Decimal("0.00"),
     "refin_quantidade": 0, "refin_valor": Decimal("0.00"),
     "protestos_quantidade": 3, "protestos_valor": Decimal("12345.67"), "cheques_quantidade": 0,
     "dividas_vencidas_quantidade": 0, "dividas_vencidas_valor": Decimal("0.00"),
     "anotacoes_quantidade": 3, "ultima_consulta_em": datetime(2026, 11, 21, 1, 30),
     "ultima_consulta_formato": "json", "consultas": 4},
    {"idpessoa": 1003, "nome": "Pedro Álvares", "documento": None,
     "score": 610, "faixa_score": "C", "modelo_score": "N500",
     "fonte_score": "legado_n500", "score_em": datetime(2018, 12, 1, 15, 0),
     "pefin_quantidade": 1, "pefin_valor": Decimal("99.90"),
     "refin_quantidade": 0, "refin_valor": None,
     "protestos_quantidade": 0, "protestos_valor": None, "cheques_quantidade": 2,
     "dividas_vencidas_quantidade": 0, "dividas_vencidas_valor": None,
     "anotacoes_quantidade": 3, "ultima_consulta_em": datetime(2026, 11, 9, 17, 0),
     "ultima_consulta_formato": "legado", "consultas": 3},
    {"idpessoa": 1006, "nome": None, "documento": None,
     "score": 800, "faixa_score": "A", "modelo_score": "HSPN",
     "fonte_score": "json", "score_em": datetime(2026, 9, 1, 12, 0),
     "pefin_quantidade": 0, "pefin_valor": Decimal("0.00"),
     "refin_quantidade": 0, "refin_valor": Decimal("0.00"),
     "protestos_quantidade": 0, "protestos_valor": Decimal("0.00"), "cheques_quantidade": 0,
     "dividas_vencidas_quantidade": 0, "dividas_vencidas_valor": Decimal("0.00"),
     "anotacoes_quantidade": 0, "ultima_consulta_em": datetime(2026, 9, 1, 12, 0),
     "ultima_consulta_formato": "json", "consultas": 1},
]
# fmt: on


def escrever_serasa(
    arquivo: Path,
    consultas: list[ConsultaSerasa] | None = CONSULTAS,
    resumos: list[dict] | None = RESUMOS,
) -> Path:
    """Add the Serasa marts to a publication file (None: leave that mart out)."""
    with duckdb.connect(str(arquivo)) as conexao:
        if consultas is not None:
            conexao.execute(
                """
                create table marts.serasa_consultas (
                    id_consulta varchar, id_solicitacao varchar, formato varchar,
                    painel varchar, usuario varchar, idusuario bigint, chave varchar,
                    idpessoa bigint, tipo_pessoa varchar, relatorios varchar,
                    report_name varchar, optional_features varchar, resultado varchar,
                    http_status integer, cobrada boolean, latencia_ms integer,
                    renovacoes_token integer, motivo varchar, solicitado_em timestamp,
                    consultado_em timestamp, data_consulta date, score integer,
                    faixa_score varchar, custo decimal(18, 2), preco_conhecido boolean,
                    campos_desconhecidos integer
                )
                """
            )
            _inserir(conexao, "serasa_consultas", [consulta.linha() for consulta in consultas])
        if resumos is not None:
            conexao.execute(
                """
                create table marts.serasa_resumo_cliente (
                    idpessoa bigint, nome varchar, documento varchar, score integer,
                    faixa_score varchar, modelo_score varchar,
                    fonte_score varchar, score_em timestamp, pefin_quantidade integer,
                    pefin_valor decimal(18, 2), refin_quantidade integer,
                    refin_valor decimal(18, 2), protestos_quantidade integer,
                    protestos_valor decimal(18, 2), cheques_quantidade integer,
                    dividas_vencidas_quantidade integer, dividas_vencidas_valor decimal(18, 2),
                    anotacoes_quantidade integer, ultima_consulta_em timestamp,
                    ultima_consulta_formato varchar, consultas integer
                )
                """
            )
            _inserir(conexao, "serasa_resumo_cliente", resumos)
    return arquivo


def _inserir(conexao, tabela: str, linhas: list[dict]) -> None:
    if linhas:
        colunas = list(linhas[0])
        conexao.executemany(
            f"insert into marts.{tabela} ({', '.join(colunas)}) "
            f"values ({', '.join('?' for _ in colunas)})",
            [[linha[coluna] for coluna in colunas] for linha in linhas],
        )


@pytest.fixture
def publicacao_serasa(publicador: Publicador) -> Path:
    """The standard publication with the Serasa marts (CONSULTAS, RESUMOS), current."""
    return escrever_serasa(publicador.publicar())


def ids(linhas: pd.DataFrame) -> list[str]:
    return list(linhas["id_consulta"])


# --- usage and cost -------------------------------------------------------------------------------


def test_totais_do_mes(publicacao_serasa):
    totais = data_access.totais_serasa(GESTOR, *MES_ATUAL)
    assert totais == TotaisSerasa(
        consultas=13, cobradas=7, custo=Decimal("44.90"), cobradas_sem_preco=1, reutilizadas=1,
        recusadas=1, desconhecidas=1, falhas=3, renovacoes_token=4,
    )  # fmt: skip
    # Exact: as floats 12.5 + 4.35 + 12.5 + 1.1 + 7.1 + 3.0 + 4.35 is 44.900000000000006.
    assert isinstance(totais.custo, Decimal) and str(totais.custo) == "44.90"
    anterior = data_access.totais_serasa(GESTOR, *MES_ANTERIOR)
    assert (anterior.consultas, anterior.custo, anterior.desconhecidas) == (
        2,
        Decimal("12.50"),
        1,
    )
    assert data_access.totais_serasa(GESTOR, *TUDO).consultas == len(CONSULTAS)


def test_totais_de_nada(publicacao_serasa):
    totais = data_access.totais_serasa(GESTOR, date(2026, 1, 1), date(2026, 1, 31))
    assert totais == TotaisSerasa(0, 0, Decimal("0.00"), 0, 0, 0, 0, 0, 0)


def test_uso_por_painel(publicacao_serasa):
    linhas = data_access.uso_serasa(GESTOR, *MES_ATUAL, "painel")
    assert linhas.to_dict("records") == [
        {"painel": "corretor", "consultas": 7, "cobradas": 3, "cobradas_sem_preco": 1,
         "custo": Decimal("17.95")},
        {"painel": "gestor", "consultas": 3, "cobradas": 2, "cobradas_sem_preco": 0,
         "custo": Decimal("16.85")},
        {"painel": "imobiliaria", "consultas": 3, "cobradas": 2, "cobradas_sem_preco": 0,
         "custo": Decimal("10.10")},
    ]  # fmt: skip
    assert linhas["consultas"].dtype == "int64"
    assert sum(linhas["custo"]) == Decimal("44.90")
    todas = data_access.uso_serasa(GESTOR, *TUDO, "painel")
    assert todas["painel"].isna().sum() == 1  # the legacy archive: no panel
    assert todas.loc[todas["painel"].isna(), "consultas"].tolist() == [1]


def test_uso_por_chave(publicacao_serasa):
    linhas = data_access.uso_serasa(GESTOR, *MES_ATUAL, "chave")
    assert [tuple(linha.values()) for linha in linhas.to_dict("records")] == [
        ("incorporadora", 7, 4, 0, Decimal("33.70")),
        ("imobiliaria-1", 1, 1, 0, Decimal("7.10")),
        ("imobiliaria-101", 1, 1, 0, Decimal("3.00")),
        ("corretor-102", 2, 1, 1, Decimal("1.10")),  # a lower bound: a price is missing
        ("corretor-301", 1, 0, 0, Decimal("0.00")),  # nothing billed: cost NULL, shown as 0
        (None, 1, 0, 0, Decimal("0.00")),  # refused for lack of a key
    ]


def test_uso_por_relatorio(publicacao_serasa):
    linhas = data_access.uso_serasa(GESTOR, *MES_ATUAL, "relatorio")
    assert list(linhas.columns) == [
        "relatorios", "report_name", "consultas", "cobradas", "cobradas_sem_preco", "custo",
    ]  # fmt: skip
    assert [tuple(linha.values()) for linha in linhas.to_dict("records")] == [
        ("Anotação negativa, Escore de crédito", "RELATORIO_AVANCADO_PF", 6, 3, 0,
         Decimal("32.10")),
        ("Escore de crédito", "RELATORIO_BASICO_PF", 6, 4, 1, Decimal("12.80")),
        ("Participações societárias", None, 1, 0, 0, Decimal("0.00")),
    ]  # fmt: skip


def test_uso_agrupamento_desconhecido(publicacao_serasa):
    with pytest.raises(ValueError, match="unknown grouping"):
        data_access.uso_serasa(GESTOR, *MES_ATUAL, "painel; drop table x")


def test_consultas_por_resultado(publicacao_serasa):
    falhas = data_access.consultas_serasa(GESTOR, *MES_ATUAL, data_access.RESULTADOS_FALHA)
    assert ids(falhas) == ["s-011", "s-010", "s-007"]  # newest first
    assert list(falhas["motivo"]) == [
        "documento rejeitado pelo Serasa",
        "documento não encontrado",
        "acesso negado pelo Serasa",
    ]
    assert list(falhas["http_status"]) == [412, 404, 403]
    (desconhecida,) = data_access.consultas_serasa(GESTOR, *MES_ATUAL, ["desconhecido"]).to_dict(
        "records"
    )
    assert desconhecida["id_consulta"] == "s-006"
    assert desconhecida["cobrada"] is None
    assert desconhecida["custo"] is None
    assert desconhecida["renovacoes_token"] == 1
    assert desconhecida["data_consulta"] == date(2026, 11, 8)
    (recusada,) = data_access.consultas_serasa(GESTOR, *MES_ATUAL, ["recusado"]).to_dict("records")
    assert recusada["motivo"].startswith("sem chave")
    assert pd.isna(recusada["http_status"]) and pd.isna(recusada["consultado_em"])


def test_consultas_dinheiro_e_limite(publicacao_serasa):
    todas = data_access.consultas_serasa(GESTOR, *MES_ATUAL)
    assert len(todas) == 13
    assert ids(todas)[0] == "s-013"  # 20/11 22:30 in São Paulo
    por_id = todas.set_index("id_consulta")
    assert por_id.loc["s-008", "custo"] == Decimal("7.10")
    assert isinstance(por_id.loc["s-008", "custo"], Decimal)
    assert por_id.loc["s-005", "custo"] == Decimal("1.10")
    assert por_id.loc["s-005", "preco_conhecido"] is False
    assert por_id.loc["s-004", "custo"] is None  # reused: not billed
    assert por_id.loc["s-005", "cobrada"] is True
    assert ids(data_access.consultas_serasa(GESTOR, *TUDO, limite=2)) == ["s-030", "s-013"]


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "esperadas", "custo"),
    [
        ("corretor101", ["s-003", "s-004"], "12.50"),
        ("corretor102", ["s-005", "s-006", "s-013"], "5.45"),
        ("corretor999", [], "0.00"),
        ("imob1", ["s-003", "s-004", "s-005", "s-006", "s-008", "s-013"], "25.05"),
        ("imob2", ["s-007", "s-009"], "0.00"),
    ],
)
def test_escopo_das_consultas(publicacao_serasa, login, esperadas, custo):
    usuario = USUARIOS[login]
    assert sorted(ids(data_access.consultas_serasa(usuario, *MES_ATUAL))) == esperadas
    totais = data_access.totais_serasa(usuario, *MES_ATUAL)
    assert (totais.consultas, totais.custo) == (len(esperadas), Decimal(custo))
    for por in data_access.AGRUPAMENTOS_SERASA:
        uso = data_access.uso_serasa(usuario, *MES_ATUAL, por)
        assert uso["consultas"].sum() == len(esperadas)
        assert sum(uso["custo"], Decimal(0)) == Decimal(custo)


def test_corretor_nunca_ve_consultas_de_outro(publicacao_serasa):
    """Not another broker's calls, not a brokerage's panel whose CRM id equals his (s-012), not
    the gestor's of his own client (s-001), not the legacy archives."""
    for usuario in (USUARIOS["corretor101"], USUARIOS["corretor102"]):
        for consulta in data_access.consultas_serasa(usuario, *TUDO).itertuples():
            assert consulta.painel == "corretor"
            assert consulta.idusuario == usuario.idcorretor
    assert ids(data_access.consultas_serasa(USUARIOS["corretor101"], *TUDO)) == [
        "s-004", "s-003", "s-021",
    ]  # fmt: skip


def test_imobiliaria_sem_carteira_ve_so_o_seu_painel(publicador):
    from .conftest import ALTERACOES, escrever_publicacao

    arquivo = escrever_publicacao(
        publicador.pasta, ALTERACOES, datetime(2026, 11, 27, 18, 30), "run-x", carteira=None
    )
    escrever_serasa(arquivo)
    assert ids(data_access.consultas_serasa(USUARIOS["imob1"], *MES_ATUAL)) == ["s-008"]
    assert data_access.consultas_serasa(USUARIOS["corretor101"], *MES_ATUAL).shape[0] == 2
    resumos, encontrados = data_access.resumos_credito(USUARIOS["corretor101"])
    assert (resumos.empty, encontrados) == (True, 0)


@pytest.mark.parametrize("login", ["analista", "compliance"])
def test_papel_sem_acesso(publicacao_serasa, login):
    usuario = USUARIOS[login]
    for consulta in (
        lambda: data_access.consultas_serasa_publicadas(usuario),
        lambda: data_access.resumos_serasa_publicados(usuario),
        lambda: data_access.totais_serasa(usuario, *MES_ATUAL),
        lambda: data_access.uso_serasa(usuario, *MES_ATUAL, "painel"),
        lambda: data_access.consultas_serasa(usuario, *MES_ATUAL),
        lambda: data_access.resumos_credito(usuario),
    ):
        with pytest.raises(data_access.AcessoNegado):
            consulta()


# --- credit summaries -----------------------------------------------------------------------------


def test_resumos_do_gestor(publicacao_serasa):
    resumos, encontrados = data_access.resumos_credito(GESTOR)
    assert encontrados == 4
    assert list(resumos["idpessoa"]) == [1002, 1003, 1001, 1006]  # latest query first
    assert list(resumos.columns) == [
        "idpessoa", "nome", "documento", "score", "faixa_score", "modelo_score", "fonte_score",
        "score_em", "pefin_quantidade", "pefin_valor", "refin_quantidade", "refin_valor",
        "protestos_quantidade", "protestos_valor", "cheques_quantidade",
        "dividas_vencidas_quantidade", "dividas_vencidas_valor", "anotacoes_quantidade",
        "ultima_consulta_em", "ultima_consulta_formato", "consultas",
    ]  # fmt: skip
    joao = resumos.set_index("idpessoa").loc[1001]
    assert joao["nome"] == "João Conceição"
    assert joao["documento"] == "***.456.789-**"  # the gestor reveals CPFs, never sees them
    assert (joao["score"], joao["faixa_score"], joao["fonte_score"]) == (720, "B", "json")
    assert joao["pefin_valor"] == Decimal("1500.30") and isinstance(joao["pefin_valor"], Decimal)
    assert joao["dividas_vencidas_valor"] == Decimal("980.45")
    assert joao["ultima_consulta_em"] == pd.Timestamp(2026, 11, 8, 16, 0)
    pedro = resumos.set_index("idpessoa").loc[1003]
    assert pedro["documento"] is None  # no CPF on file
    assert pedro["refin_valor"] is None and pedro["fonte_score"] == "legado_n500"
    sem_nome = resumos.set_index("idpessoa").loc[1006]
    assert sem_nome["nome"] is None or pd.isna(sem_nome["nome"])


@pytest.mark.parametrize(
    ("busca", "esperados"),
    [
        ("joao", [1001]),  # accents and case ignored
        ("GONÇ", [1002]),
        (" 1003 ", [1003]),
        ("1006", [1006]),
        ("99999999999999999999", []),  # beyond BIGINT: nobody
        ("ninguém", []),
    ],
)
def test_busca_por_nome_ou_id(publicacao_serasa, busca, esperados):
    resumos, encontrados = data_access.resumos_credito(GESTOR, busca)
    assert list(resumos["idpessoa"]) == esperados
    assert encontrados == len(esperados)


def test_limite_dos_resumos(publicacao_serasa):
    resumos, encontrados = data_access.resumos_credito(GESTOR, limite=2)
    assert (list(resumos["idpessoa"]), encontrados) == ([1002, 1003], 4)


@pytest.mark.parametrize(
    ("login", "esperados"),
    [
        ("corretor101", [1001]),
        ("corretor102", [1002, 1001]),
        ("corretor999", []),
        ("imob1", [1002, 1001]),
        ("imob2", [1003]),
    ],
)
def test_escopo_dos_resumos(publicacao_serasa, login, esperados):
    usuario = USUARIOS[login]
    resumos, encontrados = data_access.resumos_credito(usuario)
    assert list(resumos["idpessoa"]) == esperados
    assert encontrados == len(esperados)
    # Another's client is not found by ID either.
    assert data_access.resumos_credito(usuario, "1006")[1] == 0


def test_corretor_revela_o_cpf_e_a_revelacao_fica_auditada(publicacao_serasa):
    from .test_acesso import auditoria_no_banco

    corretor = USUARIOS["corretor102"]
    mascarados, _ = data_access.resumos_credito(corretor)
    assert list(mascarados["documento"]) == ["***.654.321-**", "***.456.789-**"]
    assert auditoria_no_banco() == []
    revelados, _ = data_access.resumos_credito(corretor, "  ", revelar=True)
    assert list(revelados["documento"]) == ["98765432100", "12345678901"]
    (registro,) = auditoria_no_banco()
    assert (registro["login"], registro["action"], registro["page"], registro["row_count"]) == (
        "corretor102",
        "revelacao",
        "serasa",
        2,
    )


def test_publicacao_sem_serasa(publicacao):
    assert not data_access.consultas_serasa_publicadas(GESTOR)
    assert not data_access.resumos_serasa_publicados(GESTOR)
    assert data_access.totais_serasa(GESTOR, *TUDO).consultas == 0
    assert data_access.uso_serasa(GESTOR, *TUDO, "chave").empty
    assert data_access.consultas_serasa(GESTOR, *TUDO).empty
    resumos, encontrados = data_access.resumos_credito(GESTOR)
    assert resumos.empty and encontrados == 0


def test_publicacao_com_serasa(publicacao_serasa):
    assert data_access.consultas_serasa_publicadas(GESTOR)
    assert data_access.resumos_serasa_publicados(GESTOR)
