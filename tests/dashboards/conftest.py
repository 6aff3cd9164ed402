"""Publications written to the dashboards' contract, in real DuckDB files under tmp_path.

The rows are chosen so that every filter has something to tell apart (reference date 20/11/2026):

- mês atual (01/11 to 20/11/2026): ev-001..ev-004, clients 1001 and 1002. ev-004 happens on
  21/11 in UTC but on 20/11 in São Paulo, so it is in; ev-005 (25/11) is after the reference date.
- mês anterior (October 2026): ev-006..ev-008, clients 1001, 1002, 1003. ev-008 happens on 01/11
  in UTC but on 31/10 in São Paulo.
- older: ev-009 (August 2026) and ev-010 (December 2018, daylight saving time: UTC-2).

The standard publication also carries `marts.quarentena` (QUARENTENA), `publicar(quarentena=None)`
writes an older publication without it, `marts.carteira_clientes` (CARTEIRA): which broker
and brokerage see which client, and the survey marts `marts.protocolos_pesquisa` (PROTOCOLOS) and
`marts.registros_crm` (REGISTROS_CRM), laid out around the same reference date (see PROTOCOLOS),
and the alçada marts `marts.alcadas_aprovacao` and `marts.alcadas_ciclos` (ALCADAS, see there).
USUARIOS are the test users, one per role and scope, written to a users file (bcrypt hashes of
SENHA) that every test's app reads. `EstadoDeTeste` writes the state database (ingested files,
replays, runs, publications) through ingestion.state, as the pipeline does; `estado_padrao`
holds the standard content the "Qualidade dos dados" tests read (see its docstring).

Tests use the fixtures; the e2e test loads this file by path for `escrever_publicacao`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import bcrypt
import duckdb
import pytest
import streamlit as st
import yaml

from dashboards.usuarios import Papel, Usuario
from ingestion import state
from ingestion.settings import get_settings

DATA_REFERENCIA = date(2026, 11, 20)
PUBLICADO_EM = datetime(2026, 11, 27, 18, 30, 0, 123456)  # UTC: 27/11/2026 15:30 in São Paulo
SEGUNDA_PUBLICADA_EM = datetime(2026, 11, 28, 9, 5)  # UTC: 28/11/2026 06:05 in São Paulo

_SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class Alteracao:
    """One row of marts.alteracoes_cadastrais; `alterado_em` is naive UTC."""

    id_evento: str
    idpessoa: int
    nome: str | None
    documento: str | None
    campo: str
    valor_anterior: str | None
    valor_atual: str | None
    alterado_em: datetime
    origem: str = "portal"

    @property
    def data_local(self) -> date:
        return self.alterado_em.replace(tzinfo=UTC).astimezone(_SAO_PAULO).date()


JOAO = {"idpessoa": 1001, "nome": "João Conceição", "documento": "12345678901"}
MARIA = {"idpessoa": 1002, "nome": "Maria Gonçalves", "documento": "98765432100"}
PEDRO = {"idpessoa": 1003, "nome": "Pedro Álvares", "documento": None}
SEM_NOME = {"idpessoa": 1004, "nome": None, "documento": "11122233344"}

# fmt: off
ALTERACOES = [
    # mês atual
    Alteracao("ev-001", **JOAO, campo="email", valor_anterior="joao@antigo.com",
              valor_atual="joao@novo.com.br", alterado_em=datetime(2026, 11, 3, 12, 15)),
    Alteracao("ev-002", **JOAO, campo="celular", valor_anterior="(81) 99876-5432",
              valor_atual="+55 81 98765-1234", alterado_em=datetime(2026, 11, 10, 23, 50)),
    Alteracao("ev-003", **MARIA, campo="renda_familiar", valor_anterior="3500.00",
              valor_atual="4200.50", alterado_em=datetime(2026, 11, 15, 14, 0), origem="painel"),
    Alteracao("ev-004", **MARIA, campo="nome", valor_anterior="Maria Goncalves",
              valor_atual="Maria Gonçalves", alterado_em=datetime(2026, 11, 21, 1, 0)),
    # after the reference date
    Alteracao("ev-005", **PEDRO, campo="cep", valor_anterior="50050-000",
              valor_atual="51020-010", alterado_em=datetime(2026, 11, 25, 15, 0)),
    # mês anterior
    Alteracao("ev-006", **MARIA, campo="rg", valor_anterior="12.345.678-x",
              valor_atual="12345678X", alterado_em=datetime(2026, 10, 5, 13, 0)),
    Alteracao("ev-007", **PEDRO, campo="endereco",
              valor_anterior="Rua da Aurora, 120, Apto 301, Boa Vista, Recife/PE",
              valor_atual="Av. Boa Viagem, 4500, Boa Viagem, Recife/PE",
              alterado_em=datetime(2026, 10, 20, 18, 0), origem="painel"),
    Alteracao("ev-008", **JOAO, campo="cep", valor_anterior="50050000",
              valor_atual="51020010", alterado_em=datetime(2026, 11, 1, 2, 30)),
    # older months
    Alteracao("ev-009", **JOAO, campo="nome", valor_anterior="Joao Conceicao",
              valor_atual="João Conceição", alterado_em=datetime(2026, 8, 12, 17, 0)),
    Alteracao("ev-010", **SEM_NOME, campo="email", valor_anterior=None,
              valor_atual="cliente@exemplo.com", alterado_em=datetime(2018, 12, 1, 15, 0)),
]
# fmt: on

# For the second publication: one more change in the reference month, by a new client.
ANA = {"idpessoa": 1005, "nome": "Ana Lúcia", "documento": "55566677788"}
ALTERACAO_NOVA = Alteracao(
    "ev-011",
    **ANA,
    campo="celular",
    valor_anterior="(11) 91234-5678",
    valor_atual="(11) 98765-4321",
    alterado_em=datetime(2026, 11, 18, 16, 45),
)


# Which broker sees which client (idpessoa, idcorretor, idimobiliaria, origem, idregistro):
# 1001 is shared by brokers 101 and 102 (both of brokerage 1), 1002 is 102's, 1003 is 201's
# (brokerage 2), 1004 an autonomous broker's (301, no brokerage); 1005 (Ana) is nobody's.
# fmt: off
CARTEIRA = [
    (1001, 101, 1, "reserva", 5001),
    (1001, 101, 1, "associado", 5002),  # the same client twice for one broker: seen once
    (1001, 102, 1, "atendimento", 7001),
    (1002, 102, 1, "precadastro", 6001),
    (1003, 201, 2, "reserva", 5003),
    (1004, 301, None, "atendimento", 7002),
]
# fmt: on


@dataclass(frozen=True)
class Protocolo:
    """One row of marts.protocolos_pesquisa (one survey dispatch); `enviado_em` is naive UTC."""

    idenvio: int
    idpesquisa: int
    pesquisa: str | None
    gatilho: str | None
    protocolo: str | None
    tipo_registro: str
    origem_protocolo: str
    registro_encontrado: bool
    idpessoa: int | None
    enviado_em: datetime
    protocolo_atendimento: str | None = None

    @property
    def data_local(self) -> date:
        return self.enviado_em.replace(tzinfo=UTC).astimezone(_SAO_PAULO).date()

    @property
    def mes_envio(self) -> date:
        return self.data_local.replace(day=1)


# Dispatches (reference date 20/11/2026), so that each filter and origin tells something apart:
# - mês atual (01/11 to 20/11/2026): 9001..9007. 9004 is sent on 21/11 in UTC but on 20/11 22:30
#   in São Paulo, so it is in. By trigger × origin: reserva 2 gatilho (9001, 9007) + 1
#   correspondencia (9006); atendimento 1 correspondencia; precadastro 1 gatilho;
#   assistencia_tecnica 1 servico; "indicacao" (a trigger of no CRM type) 1 pesquisa. 9007 points
#   to a reserva the CRM copy does not have (registro_encontrado false: no link).
# - after the reference date: 9008 (25/11).
# - mês anterior (October 2026): 9009, 9012 and 9010, sent on 01/11 in UTC but 31/10 in São Paulo.
#   9012's protocol is the text "5001" too, but of a service: it is not reserva 5001's.
# - 9011 (01/12/2018 15:00 UTC, 13:00 in São Paulo under daylight saving time), reserva 5001's
#   earlier dispatch.
# Clients: 1001 9001, 9002, 9007, 9011, 9012; 1002 9003, 9004, 9009; 1003 9005, 9006;
# 1004 9008, 9010.
# fmt: off
PROTOCOLOS = [
    Protocolo(9001, 301, "Satisfação com a reserva", "reserva", "5001", "reserva", "gatilho",
              True, 1001, datetime(2026, 11, 5, 13, 0)),
    Protocolo(9002, 302, "Avaliação do atendimento", "atendimento", "7001", "atendimento",
              "correspondencia", True, 1001, datetime(2026, 11, 10, 15, 30),
              protocolo_atendimento="ATD-2026-000123"),
    Protocolo(9003, 303, "Boas-vindas", "precadastro", "6001", "precadastro", "gatilho",
              True, 1002, datetime(2026, 11, 12, 12, 0)),
    Protocolo(9004, 304, "Assistência técnica", "assistencia_tecnica", "88", "servico", "servico",
              False, 1002, datetime(2026, 11, 21, 1, 30)),
    Protocolo(9005, 305, None, "indicacao", "305", "pesquisa", "pesquisa",
              False, 1003, datetime(2026, 11, 15, 18, 0)),
    Protocolo(9006, 301, "Satisfação com a reserva", "reserva", "5003", "reserva",
              "correspondencia", True, 1003, datetime(2026, 11, 18, 14, 0)),
    Protocolo(9007, 301, "Satisfação com a reserva", "reserva", "5999", "reserva", "gatilho",
              False, 1001, datetime(2026, 11, 19, 11, 0)),
    # after the reference date
    Protocolo(9008, 306, "Pós-venda", "venda", "8001", "venda", "gatilho",
              True, 1004, datetime(2026, 11, 25, 12, 0)),
    # mês anterior
    Protocolo(9009, 307, "Repasse", "repasse", "9101", "repasse", "correspondencia",
              True, 1002, datetime(2026, 10, 10, 17, 0)),
    Protocolo(9010, 302, "Avaliação do atendimento", "atendimento", "7002", "atendimento",
              "gatilho", True, 1004, datetime(2026, 11, 1, 2, 0),
              protocolo_atendimento="ATD-2026-000200"),
    Protocolo(9012, 304, "Assistência técnica", "assistencia_tecnica", "5001", "servico",
              "servico", False, 1001, datetime(2026, 10, 20, 12, 0)),
    # daylight saving time
    Protocolo(9011, 301, "Satisfação com a reserva", "reserva", "5001", "reserva",
              "correspondencia", True, 1001, datetime(2018, 12, 1, 15, 0)),
]
# fmt: on


@dataclass(frozen=True)
class RegistroCrm:
    """One row of marts.registros_crm; `criado_em` is naive UTC."""

    tipo_registro: str
    idregistro: int
    idpessoa: int | None
    cliente: str | None
    situacao: str | None
    criado_em: datetime | None
    idempreendimento: int | None
    detalhe: str | None = None
    protocolo_atendimento: str | None = None
    excluido: bool = False


# The records the dispatches point to, plus a pré-cadastro 5001 (Ana's: the same ID as reserva
# 5001, another type) that no dispatch points to. Atendimento 7002 was deleted in the CRM.
# fmt: off
REGISTROS_CRM = [
    RegistroCrm("reserva", 5001, 1001, "João Conceição", "Vendida", datetime(2018, 11, 20, 12, 0),
                10, "Residencial Aurora, bloco A, apto 301"),
    RegistroCrm("reserva", 5003, 1003, "Pedro Álvares", "Ativa", datetime(2026, 11, 1, 13, 0), 11),
    RegistroCrm("atendimento", 7001, 1001, "João Conceição", "Encerrado",
                datetime(2026, 11, 9, 13, 0), 10, "Dúvida sobre boleto",
                protocolo_atendimento="ATD-2026-000123"),
    RegistroCrm("atendimento", 7002, 1004, None, "Aberto", datetime(2026, 10, 30, 12, 0), 10,
                protocolo_atendimento="ATD-2026-000200", excluido=True),
    RegistroCrm("precadastro", 6001, 1002, "Maria Gonçalves", "Em análise",
                datetime(2026, 11, 11, 12, 0), 11),
    RegistroCrm("precadastro", 5001, 1005, "Ana Lúcia", "Novo", datetime(2026, 11, 2, 12, 0), 11),
    RegistroCrm("venda", 8001, 1004, None, "Contrato assinado", datetime(2026, 11, 24, 12, 0), 10),
    RegistroCrm("repasse", 9101, 1002, "Maria Gonçalves", "Em andamento",
                datetime(2026, 10, 1, 12, 0), 11),
]
# fmt: on


@dataclass(frozen=True)
class CicloAlcada:
    """One cycle of a rule: its name, its end (`meses` after the sale or keys month) and the
    minimum percentage of the contract value, in basis points."""

    nome: str
    ancora: str  # 'venda' | 'chaves'
    meses: int
    percentual_bp: int


@dataclass(frozen=True)
class ReservaAlcada:
    """One row of marts.alcadas_aprovacao, with its rows of marts.alcadas_ciclos.

    A judged reservation (aprovado, requer_alcada_superior) gives `ciclos` (the rule's) and
    `atingidos` (the amount due by each cycle's end); the rest of both marts' columns is
    derived here the way the contract defines it: the required amount rounded up to the
    centavo, achieved percentages rounded half up, the first cycle not met and the largest
    shortfall.
    """

    idreserva: int
    idempreendimento: int
    empreendimento: str
    idtabela: int
    nometabela: str
    idcliente: int
    cliente: str | None
    idcorretor: int
    idimobiliaria: int | None
    data_venda: date
    valor_contrato: Decimal
    status: str
    regra: str | None = None
    regra_vigencia: date | None = None
    ciclos: tuple[CicloAlcada, ...] = ()
    atingidos: tuple[str, ...] = ()
    data_entrega_chaves: date | None = None
    motivo: str | None = None
    situacao: str = "Vendida"
    total_fluxo: Decimal | None = None  # default: the contract value
    series_desconhecidas: str | None = None
    series_ilegiveis: int = 0

    def __post_init__(self) -> None:
        julgada = self.status in ("aprovado", "requer_alcada_superior")
        assert julgada == bool(self.atingidos), self.idreserva
        assert len(self.atingidos) == (len(self.ciclos) if julgada else 0), self.idreserva
        if julgada:
            atendidos = all(linha["atendido"] for linha in self.linhas_ciclos())
            assert atendidos == (self.status == "aprovado"), self.idreserva

    def linhas_ciclos(self) -> list[dict]:
        """Its rows of marts.alcadas_ciclos (none unless judged)."""
        linhas = []
        for numero, (ciclo, atingido) in enumerate(
            zip(self.ciclos, self.atingidos, strict=False), start=1
        ):
            base = self.data_venda if ciclo.ancora == "venda" else self.data_entrega_chaves
            indice = base.year * 12 + base.month - 1 + ciclo.meses
            exigido = (self.valor_contrato * ciclo.percentual_bp / 10000).quantize(
                Decimal("0.01"), rounding=ROUND_CEILING
            )
            atingido = Decimal(atingido)
            linhas.append(
                {
                    "idreserva": self.idreserva,
                    "regra": self.regra,
                    "ciclo": numero,
                    "ciclo_nome": ciclo.nome,
                    "ancora": ciclo.ancora,
                    "meses": ciclo.meses,
                    "fim_mes": date(indice // 12, indice % 12 + 1, 1),
                    "percentual_exigido_bp": ciclo.percentual_bp,
                    "percentual_atingido_bp": int(
                        (atingido * 10000 / self.valor_contrato).quantize(
                            Decimal(1), rounding=ROUND_HALF_UP
                        )
                    ),
                    "valor_exigido": exigido,
                    "valor_atingido": atingido,
                    "falta": max(exigido - atingido, Decimal("0.00")),
                    "atendido": atingido >= exigido,
                }
            )
        return linhas

    def linha_aprovacao(self) -> dict:
        """Its row of marts.alcadas_aprovacao."""
        ciclos = self.linhas_ciclos()
        falho = next((c for c in ciclos if not c["atendido"]), None)
        total = self.valor_contrato if self.total_fluxo is None else self.total_fluxo
        return {
            "idreserva": self.idreserva,
            "idempreendimento": self.idempreendimento,
            "empreendimento": self.empreendimento,
            "idtabela": self.idtabela,
            "nometabela": self.nometabela,
            "idcliente": self.idcliente,
            "cliente": self.cliente,
            "idcorretor": self.idcorretor,
            "idimobiliaria": self.idimobiliaria,
            "situacao": self.situacao,
            "data_venda": self.data_venda,
            "data_entrega_chaves": self.data_entrega_chaves,
            "valor_contrato": self.valor_contrato,
            "regra": self.regra,
            "regra_vigencia": self.regra_vigencia,
            "status": self.status,
            "motivo": self.motivo,
            "ciclos_total": len(self.ciclos) if self.regra is not None else None,
            "ciclos_atendidos": sum(c["atendido"] for c in ciclos) if ciclos else None,
            "primeiro_ciclo_falho": falho["ciclo"] if falho else None,
            "primeiro_ciclo_falho_nome": falho["ciclo_nome"] if falho else None,
            "falta_primeiro_ciclo": falho["falta"] if falho else None,
            "maior_falta": max(c["falta"] for c in ciclos) if ciclos else None,
            "total_fluxo": total,
            "fluxo_difere_do_contrato": total != self.valor_contrato,
            "series_desconhecidas": self.series_desconhecidas,
            "series_ilegiveis": self.series_ilegiveis,
        }


# The rules the reservations below were judged by (as in ingestion/alcadas/regras.yml, plus a
# price table "Tabela 501" in force from 10/11/2026).
REGRA_E1_2014 = (
    CicloAlcada("Entrada", "venda", 1, 1000),
    CicloAlcada("Primeiro ano", "venda", 12, 2000),
    CicloAlcada("Chaves", "chaves", 0, 3000),
)
REGRA_E1_2026 = (
    CicloAlcada("Entrada", "venda", 1, 1200),
    CicloAlcada("Seis meses", "venda", 6, 1500),
    CicloAlcada("Primeiro ano", "venda", 12, 2250),
    CicloAlcada("Chaves", "chaves", 0, 3200),
)
REGRA_T501 = (CicloAlcada("Entrada", "venda", 1, 800), CicloAlcada("Chaves", "chaves", 0, 2000))

_AURORA = {"idempreendimento": 1, "empreendimento": "Residencial Aurora"}
_TABELA_101 = {"idtabela": 101, "nometabela": "Tabela padrão 2026"}
_TABELA_103 = {"idtabela": 103, "nometabela": "Tabela 103"}
_AGUAS = {
    "idempreendimento": 5, "empreendimento": "Parque das Águas",
    "idtabela": 501, "nometabela": "Tabela 501",
}  # fmt: skip
_E1_2026 = {
    "regra": "Empreendimento 1 (2026)", "regra_vigencia": date(2026, 1, 1),
    "ciclos": REGRA_E1_2026, "data_entrega_chaves": date(2028, 6, 15),
}  # fmt: skip
_T501 = {
    "regra": "Tabela 501", "regra_vigencia": date(2026, 11, 10), "ciclos": REGRA_T501,
    "data_entrega_chaves": date(2027, 12, 10),
}  # fmt: skip
_CORRETOR = {101: 1, 102: 1, 201: 2, 301: None}  # broker -> brokerage (CARTEIRA's)


def _de(idcorretor: int) -> dict:
    return {"idcorretor": idcorretor, "idimobiliaria": _CORRETOR[idcorretor]}


# Reservations (reference date 20/11/2026; the brokers and clients of CARTEIRA), so that:
# - mês atual (01/11 to 20/11/2026), per empreendimento and price table:
#   Residencial Aurora / Tabela padrão 2026: 4101 A, 4102 R, 4103 R, 4104 A, 4110 A (sold on the
#   reference date): 5 judged, 3 approved, 60,00%;
#   Residencial Aurora / Tabela 103: 4105 regra_inaplicavel (no keys date): none judged;
#   Parque das Águas / Tabela 501: 4107 sem_regra (sold before the rule), 4108 A, 4109 R:
#   2 judged, 1 approved, 50,00% (33,33% if sem_regra counted).
#   Requer alçada superior: 4109 (19/11, cycle 2 "Chaves", R$ 2.000,00), 4103 (15/11, cycle 1
#   "Entrada", R$ 1.200,00; largest R$ 3.000,00), 4102 (10/11, cycle 2 "Seis meses",
#   R$ 4.500,00; largest R$ 9.000,00; flow R$ 480.000,00 of R$ 500.000,00, series "Permuta").
# - mês anterior (October 2026): 4201 R (cycle 3), 4202 A (31/10).
# - after the reference date: 4301 R (25/11).
# - 4401 (15/01/2025): docs/alcadas/fluxo_exemplo.yml, judged by "Empreendimento 1 (2014)".
# Brokers: 101 4101, 4201, 4401; 102 4102, 4105, 4109, 4110, 4301; 201 4103, 4107, 4108, 4202;
# 301 4104. Brokerages: 1 = 101 + 102; 2 = 201. João (1001) is broker 101's and 102's client in
# CARTEIRA, but 4105 is 102's reservation: broker 101 does not see it.
# fmt: off
ALCADAS = [
    ReservaAlcada(4101, **_AURORA, **_TABELA_101, idcliente=1001, cliente="João Conceição",
                  **_de(101), data_venda=date(2026, 11, 5), valor_contrato=Decimal("400000.00"),
                  status="aprovado", **_E1_2026,
                  atingidos=("50000.00", "62000.00", "95000.00", "130000.00")),
    ReservaAlcada(4102, **_AURORA, **_TABELA_101, idcliente=1002, cliente="Maria Gonçalves",
                  **_de(102), data_venda=date(2026, 11, 10), valor_contrato=Decimal("500000.00"),
                  status="requer_alcada_superior", **_E1_2026,
                  atingidos=("60000.00", "70500.00", "103500.00", "155000.00"),
                  total_fluxo=Decimal("480000.00"), series_desconhecidas="Permuta"),
    ReservaAlcada(4103, **_AURORA, **_TABELA_101, idcliente=1003, cliente="Pedro Álvares",
                  **_de(201), data_venda=date(2026, 11, 15), valor_contrato=Decimal("350000.00"),
                  status="requer_alcada_superior", **_E1_2026,
                  atingidos=("40800.00", "52500.00", "75750.00", "112000.00")),
    ReservaAlcada(4104, **_AURORA, **_TABELA_101, idcliente=1004, cliente=None, **_de(301),
                  data_venda=date(2026, 11, 18), valor_contrato=Decimal("250000.00"),
                  status="aprovado", **_E1_2026,
                  atingidos=("30000.00", "37500.00", "56250.00", "80000.00")),
    ReservaAlcada(4110, **_AURORA, **_TABELA_101, idcliente=1002, cliente="Maria Gonçalves",
                  **_de(102), data_venda=date(2026, 11, 20), valor_contrato=Decimal("300000.00"),
                  status="aprovado", **_E1_2026,
                  atingidos=("40000.00", "50000.00", "70000.00", "100000.00")),
    ReservaAlcada(4105, **_AURORA, **_TABELA_103, idcliente=1001, cliente="João Conceição",
                  **_de(102), data_venda=date(2026, 11, 12), valor_contrato=Decimal("280000.00"),
                  status="regra_inaplicavel", regra="Tabela 103",
                  regra_vigencia=date(2014, 1, 1),
                  ciclos=(CicloAlcada("Entrada", "venda", 0, 500),
                          CicloAlcada("Chaves", "chaves", 0, 2500)),
                  motivo="sem data de entrega das chaves", situacao="Reservada"),
    ReservaAlcada(4107, **_AGUAS, idcliente=1005, cliente="Ana Lúcia", **_de(201),
                  data_venda=date(2026, 11, 4), valor_contrato=Decimal("200000.00"),
                  status="sem_regra", data_entrega_chaves=date(2027, 12, 10)),
    ReservaAlcada(4108, **_AGUAS, idcliente=1003, cliente="Pedro Álvares", **_de(201),
                  data_venda=date(2026, 11, 12), valor_contrato=Decimal("200000.00"),
                  status="aprovado", **_T501, atingidos=("20000.00", "40000.00")),
    ReservaAlcada(4109, **_AGUAS, idcliente=1005, cliente="Ana Lúcia", **_de(102),
                  data_venda=date(2026, 11, 19), valor_contrato=Decimal("200000.00"),
                  status="requer_alcada_superior", **_T501, atingidos=("16000.00", "38000.00"),
                  series_ilegiveis=1),
    # mês anterior
    ReservaAlcada(4201, **_AURORA, **_TABELA_101, idcliente=1001, cliente="João Conceição",
                  **_de(101), data_venda=date(2026, 10, 20), valor_contrato=Decimal("300000.00"),
                  status="requer_alcada_superior", **_E1_2026,
                  atingidos=("36000.00", "45000.00", "60000.00", "96000.00")),
    ReservaAlcada(4202, **_AURORA, **_TABELA_101, idcliente=1003, cliente="Pedro Álvares",
                  **_de(201), data_venda=date(2026, 10, 31), valor_contrato=Decimal("200000.00"),
                  status="aprovado", **_E1_2026,
                  atingidos=("24000.00", "30000.00", "45000.00", "64000.00")),
    # after the reference date
    ReservaAlcada(4301, **_AURORA, **_TABELA_101, idcliente=1002, cliente="Maria Gonçalves",
                  **_de(102), data_venda=date(2026, 11, 25), valor_contrato=Decimal("300000.00"),
                  status="requer_alcada_superior", **_E1_2026,
                  atingidos=("30000.00", "45000.00", "67500.00", "96000.00")),
    # the worked example of docs/alcadas/fluxo_exemplo.yml
    ReservaAlcada(4401, **_AURORA, **_TABELA_101, idcliente=1001, cliente="João Conceição",
                  **_de(101), data_venda=date(2025, 1, 15), valor_contrato=Decimal("300000.00"),
                  status="requer_alcada_superior", regra="Empreendimento 1 (2014)",
                  regra_vigencia=date(2014, 1, 1), ciclos=REGRA_E1_2014,
                  data_entrega_chaves=date(2026, 12, 15),
                  atingidos=("31250.00", "55000.00", "83750.00"),
                  total_fluxo=Decimal("280000.00")),
]
# fmt: on

SENHA = "senha-de-teste"
USUARIOS = {
    usuario.login: usuario
    for usuario in (
        Usuario(login="gestora", nome="Gestora", papel=Papel.GESTOR, email="gestora@teste"),
        Usuario(login="compliance", nome="Compliance", papel=Papel.COMPLIANCE),
        Usuario(login="analista", nome="Analista", papel=Papel.ANALISTA),
        Usuario(login="imob1", nome="Imobiliária Um", papel=Papel.IMOBILIARIA, idimobiliaria=1),
        Usuario(login="imob2", nome="Imobiliária Dois", papel=Papel.IMOBILIARIA, idimobiliaria=2),
        Usuario(login="corretor101", nome="Corretor 101", papel=Papel.CORRETOR, idcorretor=101),
        Usuario(login="corretor102", nome="Corretor 102", papel=Papel.CORRETOR, idcorretor=102),
        Usuario(login="corretor999", nome="Sem clientes", papel=Papel.CORRETOR, idcorretor=999),
    )
}
GESTOR = USUARIOS["gestora"]
# A low bcrypt cost keeps the tests fast; the check is the same.
_SENHA_HASH = bcrypt.hashpw(SENHA.encode(), bcrypt.gensalt(rounds=4)).decode()


def escrever_usuarios(
    caminho: Path, usuarios: Sequence[Usuario] = tuple(USUARIOS.values())
) -> Path:
    """A users file with these users, each with password SENHA."""
    caminho.parent.mkdir(parents=True, exist_ok=True)
    registros = [
        {**usuario.model_dump(exclude_none=True, mode="json"), "senha_hash": _SENHA_HASH}
        for usuario in usuarios
    ]
    caminho.write_text(yaml.safe_dump({"usuarios": registros}, allow_unicode=True), "utf-8")
    return caminho


def clientes_de(usuario: Usuario) -> set[int]:
    """The clients CARTEIRA gives a broker or brokerage (computed here, apart from the app)."""
    if usuario.papel == Papel.CORRETOR:
        return {linha[0] for linha in CARTEIRA if linha[1] == usuario.idcorretor}
    if usuario.papel == Papel.IMOBILIARIA:
        return {linha[0] for linha in CARTEIRA if linha[2] == usuario.idimobiliaria}
    return {alteracao.idpessoa for alteracao in ALTERACOES}


@dataclass(frozen=True)
class Quarentenado:
    """One row of marts.quarentena."""

    fonte: str
    data_carga: date
    motivo: str
    arquivo: str
    linha: int | None
    conteudo: str | None


CONTEUDO_COM_CPF = (
    '{"event_id": "ev-900", "event_type": "foo", "idpessoa": 1001, "cpf": "12345678901", '
    '"email": "joao@novo.com.br"}'
)

# 7 records: portal/eventos 5, crm/pessoas 2; load days 18/11 (1), 19/11 (2), 20/11 (4).
# fmt: off
QUARENTENA = [
    Quarentenado("portal/eventos", date(2026, 11, 19), "invalid_json",
                 "portal/eventos/eventos-0001.jsonl", 3, '{"event_id": "ev-901", '),
    Quarentenado("portal/eventos", date(2026, 11, 19), "unknown_event_type:foo",
                 "portal/eventos/eventos-0001.jsonl", 7, CONTEUDO_COM_CPF),
    Quarentenado("portal/eventos", date(2026, 11, 20), "invalid_json",
                 "portal/eventos/eventos-0002.jsonl", 1, "not json"),
    Quarentenado("portal/eventos", date(2026, 11, 20), "invalid_json",
                 "portal/eventos/eventos-0002.jsonl", 5, "{]"),
    Quarentenado("portal/eventos", date(2026, 11, 20), "conflict:event_id",
                 "portal/eventos/eventos-0002.jsonl", 9,
                 '{"event_id": "ev-001", "event_type": "login", "idpessoa": 1001}'),
    Quarentenado("crm/pessoas", date(2026, 11, 20), "invalid_page",
                 "crm/pessoas/20261120/pagina-00002.json", None, '{"pagina": 2, "dados": '),
    Quarentenado("crm/pessoas", date(2026, 11, 18), "missing_field:referencia",
                 "crm/pessoas/20261118/pagina-00001.json", 12,
                 '{"idpessoa": 1003, "nome": "Pedro Álvares", "referencia": null}'),
]
# fmt: on


class EstadoDeTeste:
    """Writes the state database of the data folder through ingestion.state, like the pipeline."""

    def __init__(self) -> None:
        self.caminho = get_settings().state_db

    def arquivo(
        self,
        fonte: str,
        dia: str,
        entrada: int,
        carregados: int,
        quarentena: int,
        duplicados: int,
        nome: str | None = None,
    ) -> None:
        """One ingested landing file of `fonte` ("portal/eventos") on load day `dia`."""
        origem, tabela = fonte.split("/")
        nome = nome or f"{fonte}/{dia}-{entrada}-{carregados}-{quarentena}-{duplicados}"
        contagens = state.FileCounts(
            nome, f"sha-{nome}", entrada, carregados, quarentena, duplicados
        )
        state.record_files(self.caminho, origem, tabela, dia, [contagens])

    def reprocessamento(
        self,
        replay_id: str,
        fonte: str,
        dia: str,
        examinados: int,
        carregados: int,
        duplicados: int,
        ainda_em_quarentena: int,
    ) -> None:
        origem, tabela = fonte.split("/")
        contagens = state.ReplayCounts(
            origem, tabela, examinados, carregados, duplicados, ainda_em_quarentena
        )
        state.record_replay(self.caminho, replay_id, dia, contagens, superseded_files=[])

    def execucao(
        self, run_id: str, iniciada_em: datetime, status: str, resumo: dict | None
    ) -> None:
        state.record_run(self.caminho, run_id, iniciada_em, status, resumo)

    def publicacao(self, nome: str, publicado_em: datetime, run_id: str) -> None:
        state.record_publication(self.caminho, nome, publicado_em, run_id)


FALHAS_RUN_2 = [
    "marts/alteracoes_cadastrais: not_null_alteracoes_cadastrais_campo",
    "marts/quarentena: accepted_values_quarentena_fonte",
]
PUBLICACAO_NO_ESTADO_EM = datetime(2026, 11, 20, 6, 30)  # UTC; long before any test runs


def escrever_estado_padrao(estado: EstadoDeTeste) -> None:
    """The standard state database (see the `estado_padrao` fixture)."""
    estado.arquivo("portal/eventos", "2026-11-19", 100, 95, 3, 2, nome="eventos-0001.jsonl")
    estado.arquivo("portal/eventos", "2026-11-20", 1500, 1490, 6, 4, nome="eventos-0002.jsonl")
    estado.arquivo("portal/eventos", "2026-11-20", 10, 7, 2, 0, nome="eventos-0003.jsonl")
    estado.arquivo("crm/pessoas", "2026-11-20", 0, 0, 0, 0, nome="pagina-00001.json")
    estado.reprocessamento("replay-1", "portal/eventos", "2026-11-21", 5, 3, 1, 1)
    fontes = {
        "portal/eventos": {
            "records_in": 1510, "loaded": 1497, "quarantined": 8, "duplicates": 4,
            "files_ingested": 2, "files_skipped": 0, "reconciles": False,
        },
    }  # fmt: skip
    # An older summary: no failed_checks, no full_refresh.
    estado.execucao(
        "run-0",
        datetime(2026, 11, 18, 6, 0, tzinfo=UTC),
        "success",
        {"sources": {}, "models_built": 4, "checks_passed": 28, "checks_failed": 0,
         "seconds": 3725},
    )  # fmt: skip
    estado.execucao(
        "run-1",
        datetime(2026, 11, 19, 6, 0, tzinfo=UTC),
        "success",
        {"sources": fontes, "models_built": 5, "checks_passed": 30, "checks_failed": 0,
         "failed_checks": [], "seconds": 12.3, "full_refresh": False},
    )  # fmt: skip
    estado.execucao(
        "run-2",
        datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
        "failure",
        {"sources": fontes, "models_built": 5, "checks_passed": 29, "checks_failed": 2,
         "failed_checks": FALHAS_RUN_2, "seconds": 75.5, "full_refresh": True},
    )  # fmt: skip
    estado.execucao("run-3", datetime(2026, 11, 21, 6, 0, tzinfo=UTC), "running", None)
    estado.publicacao("alicerce-20261120T063000000000Z.duckdb", PUBLICACAO_NO_ESTADO_EM, "run-2")


class Publicador:
    """Writes publications the way the pipeline's publisher does, into one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.pasta = data_dir / "published"

    def publicar(
        self,
        alteracoes: list[Alteracao] | None = None,
        publicado_em: datetime = PUBLICADO_EM,
        run_id: str = "run-teste-1",
        quarentena: Sequence[Quarentenado] | None = tuple(QUARENTENA),
        protocolos: Sequence[Protocolo] | None = tuple(PROTOCOLOS),
        registros: Sequence[RegistroCrm] | None = tuple(REGISTROS_CRM),
        alcadas: Sequence[ReservaAlcada] | None = tuple(ALCADAS),
    ) -> Path:
        """Write a publication file, then point CURRENT at it atomically. Returns the file.

        `quarentena=None` (or `protocolos`, `registros`, `alcadas`) writes an older publication,
        without marts.quarentena (or marts.protocolos_pesquisa, marts.registros_crm, the alçada
        marts).
        """
        return escrever_publicacao(
            self.pasta,
            ALTERACOES if alteracoes is None else alteracoes,
            publicado_em,
            run_id,
            quarentena=quarentena,
            protocolos=protocolos,
            registros=registros,
            alcadas=alcadas,
        )

    def publicar_segunda(self) -> Path:
        """A newer publication with one more change (ev-011, Ana Lúcia, 18/11/2026)."""
        return self.publicar(
            [*ALTERACOES, ALTERACAO_NOVA], SEGUNDA_PUBLICADA_EM, run_id="run-teste-2"
        )


def escrever_publicacao(
    pasta: Path,
    alteracoes: list[Alteracao],
    publicado_em: datetime,
    run_id: str,
    quarentena: Sequence[Quarentenado] | None = None,
    carteira: Sequence[tuple] | None = tuple(CARTEIRA),
    protocolos: Sequence[Protocolo] | None = None,
    registros: Sequence[RegistroCrm] | None = None,
    alcadas: Sequence[ReservaAlcada] | None = None,
) -> Path:
    """A publication per the contract in `pasta` (usually <data_dir>/published).

    With `quarentena` (or `carteira`, `protocolos`, `registros`, `alcadas`) None the publication
    has no marts.quarentena (or marts.carteira_clientes, marts.protocolos_pesquisa,
    marts.registros_crm, marts.alcadas_aprovacao and marts.alcadas_ciclos), like those made
    before it.
    """
    pasta.mkdir(parents=True, exist_ok=True)
    arquivo = pasta / f"alicerce-{publicado_em:%Y%m%dT%H%M%S%f}Z.duckdb"
    with duckdb.connect(str(arquivo)) as conexao:
        conexao.execute("create table main.publicacao (publicado_em timestamp, run_id varchar)")
        conexao.execute("insert into main.publicacao values (?, ?)", [publicado_em, run_id])
        conexao.execute("create schema marts")
        conexao.execute(
            """
            create table marts.alteracoes_cadastrais (
                id_evento varchar, idpessoa bigint, nome varchar, documento varchar,
                campo varchar, valor_anterior varchar, valor_atual varchar,
                alterado_em timestamp, data_local date, origem varchar
            )
            """
        )
        if alteracoes:
            conexao.executemany(
                "insert into marts.alteracoes_cadastrais values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_valores(alteracao) for alteracao in alteracoes],
            )
        if quarentena is not None:
            conexao.execute(
                """
                create table marts.quarentena (
                    fonte varchar, data_carga date, motivo varchar, arquivo varchar,
                    linha bigint, conteudo varchar
                )
                """
            )
            if quarentena:
                conexao.executemany(
                    "insert into marts.quarentena values (?, ?, ?, ?, ?, ?)",
                    [
                        [q.fonte, q.data_carga, q.motivo, q.arquivo, q.linha, q.conteudo]
                        for q in quarentena
                    ],
                )
        if carteira is not None:
            conexao.execute(
                """
                create table marts.carteira_clientes (
                    idpessoa bigint, idcorretor bigint, idimobiliaria bigint, origem varchar,
                    idregistro bigint
                )
                """
            )
            if carteira:
                conexao.executemany(
                    "insert into marts.carteira_clientes values (?, ?, ?, ?, ?)", list(carteira)
                )
        if protocolos is not None:
            _escrever_protocolos(conexao, protocolos)
        if registros is not None:
            _escrever_registros(conexao, registros)
        if alcadas is not None:
            _escrever_alcadas(conexao, alcadas)
    temporario = pasta / "CURRENT.tmp"
    temporario.write_text(arquivo.name, encoding="utf-8")
    os.replace(temporario, pasta / "CURRENT")
    return arquivo


def _escrever_protocolos(conexao, protocolos: Sequence[Protocolo]) -> None:
    conexao.execute(
        """
        create table marts.protocolos_pesquisa (
            idenvio bigint, idpesquisa bigint, pesquisa varchar, gatilho varchar,
            protocolo varchar, tipo_registro varchar, origem_protocolo varchar,
            protocolo_atendimento varchar, registro_encontrado boolean, idpessoa bigint,
            enviado_em timestamp, mes_envio date
        )
        """
    )
    if protocolos:
        colunas = ", ".join(campo.name for campo in fields(Protocolo))
        conexao.executemany(
            f"insert into marts.protocolos_pesquisa ({colunas}, mes_envio) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[*astuple(protocolo), protocolo.mes_envio] for protocolo in protocolos],
        )


def _escrever_registros(conexao, registros: Sequence[RegistroCrm]) -> None:
    conexao.execute(
        """
        create table marts.registros_crm (
            tipo_registro varchar, idregistro bigint, idpessoa bigint, cliente varchar,
            situacao varchar, criado_em timestamp, protocolo_atendimento varchar,
            idempreendimento bigint, detalhe varchar, excluido boolean
        )
        """
    )
    if registros:
        colunas = ", ".join(campo.name for campo in fields(RegistroCrm))
        conexao.executemany(
            f"insert into marts.registros_crm ({colunas}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [astuple(registro) for registro in registros],
        )


def _escrever_alcadas(conexao, reservas: Sequence[ReservaAlcada]) -> None:
    conexao.execute(
        """
        create table marts.alcadas_aprovacao (
            idreserva bigint, idempreendimento bigint, empreendimento varchar, idtabela bigint,
            nometabela varchar, idcliente bigint, cliente varchar, idcorretor bigint,
            idimobiliaria bigint, situacao varchar, data_venda date, data_entrega_chaves date,
            valor_contrato decimal(18, 2), regra varchar, regra_vigencia date, status varchar,
            motivo varchar, ciclos_total int, ciclos_atendidos int, primeiro_ciclo_falho int,
            primeiro_ciclo_falho_nome varchar, falta_primeiro_ciclo decimal(18, 2),
            maior_falta decimal(18, 2), total_fluxo decimal(18, 2),
            fluxo_difere_do_contrato boolean, series_desconhecidas varchar, series_ilegiveis int
        )
        """
    )
    conexao.execute(
        """
        create table marts.alcadas_ciclos (
            idreserva bigint, regra varchar, ciclo int, ciclo_nome varchar, ancora varchar,
            meses int, fim_mes date, percentual_exigido_bp int, percentual_atingido_bp int,
            valor_exigido decimal(18, 2), valor_atingido decimal(18, 2), falta decimal(18, 2),
            atendido boolean
        )
        """
    )
    for tabela, linhas in (
        ("alcadas_aprovacao", [reserva.linha_aprovacao() for reserva in reservas]),
        ("alcadas_ciclos", [linha for reserva in reservas for linha in reserva.linhas_ciclos()]),
    ):
        if linhas:
            colunas = list(linhas[0])
            conexao.executemany(
                f"insert into marts.{tabela} ({', '.join(colunas)}) "
                f"values ({', '.join('?' for _ in colunas)})",
                [list(linha.values()) for linha in linhas],
            )


def _valores(a: Alteracao) -> list[object]:
    return [
        a.id_evento, a.idpessoa, a.nome, a.documento, a.campo,
        a.valor_anterior, a.valor_atual, a.alterado_em, a.data_local, a.origem,
    ]  # fmt: skip


@pytest.fixture
def publicador(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Publicador:
    """An empty data folder (nothing published yet) that the dashboards read."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("ALICERCE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ALICERCE_USUARIOS_FILE", str(escrever_usuarios(tmp_path / "usuarios.yaml")))
    monkeypatch.delenv("ALICERCE_LOGIN", raising=False)
    monkeypatch.delenv("ALICERCE_SESSAO_HORAS", raising=False)
    st.cache_data.clear()
    return Publicador(data_dir)


@pytest.fixture
def publicacao(publicador: Publicador) -> Path:
    """The standard publication (ALTERACOES), current."""
    return publicador.publicar()


@pytest.fixture
def estado(publicador: Publicador) -> EstadoDeTeste:
    """The data folder's state database, not created yet (nothing ever ran)."""
    return EstadoDeTeste()


@pytest.fixture
def estado_padrao(estado: EstadoDeTeste) -> EstadoDeTeste:
    """The standard state database:

    - portal/eventos: 19/11/2026 one file 100 = 95 + 3 + 2; 20/11/2026 two files,
      1500 = 1490 + 6 + 4 and 10 ≠ 7 + 2 + 0 (that day does not reconcile);
    - crm/pessoas: 20/11/2026 one empty page (0 records: the source still counts as never fresh);
    - replay-1 (load day 21/11/2026) of portal/eventos: 5 examined, 3 loaded, 1 duplicate,
      1 still quarantined, so 11 − 3 − 1 = 7 left in quarantine;
    - runs run-0 (18/11, success, older summary), run-1 (19/11, success), run-2 (20/11, failure,
      FALHAS_RUN_2) and run-3 (21/11, running), all at 06:00 UTC (03:00 in São Paulo);
    - one publication recorded at PUBLICACAO_NO_ESTADO_EM (late by now).

    Files are recorded now, so portal/eventos is fresh.
    """
    escrever_estado_padrao(estado)
    return estado


APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def entrar(at, login: str, senha: str = SENHA):
    """Fill in and submit the login form of an AppTest of the app; returns it after the run."""
    usuario, campo_senha = at.text_input[0], at.text_input[1]
    assert [usuario.label, campo_senha.label] == ["Usuário", "Senha"]
    usuario.input(login)
    campo_senha.input(senha)
    next(botao for botao in at.button if botao.label == "Entrar").click()
    return at.run()


def app_como(login: str):
    """The whole app (dashboards/app.py) after `login` logged in with the form."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    at = entrar(at, login)
    assert not at.exception, at.exception
    return at
