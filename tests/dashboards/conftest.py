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
`marts.registros_crm` (REGISTROS_CRM), laid out around the same reference date (see PROTOCOLOS).
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
    ) -> Path:
        """Write a publication file, then point CURRENT at it atomically. Returns the file.

        `quarentena=None` (or `protocolos`, `registros`) writes an older publication, without
        marts.quarentena (or marts.protocolos_pesquisa, marts.registros_crm).
        """
        return escrever_publicacao(
            self.pasta,
            ALTERACOES if alteracoes is None else alteracoes,
            publicado_em,
            run_id,
            quarentena=quarentena,
            protocolos=protocolos,
            registros=registros,
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
) -> Path:
    """A publication per the contract in `pasta` (usually <data_dir>/published).

    With `quarentena` (or `carteira`, `protocolos`, `registros`) None the publication has no
    marts.quarentena (or marts.carteira_clientes, marts.protocolos_pesquisa, marts.registros_crm),
    like those made before it.
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
