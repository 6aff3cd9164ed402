"""The only module that opens the published warehouse and the state database.

Pages call the functions below and never open DuckDB, SQLite or build file paths themselves, so the
rules that protect the data live here once:

- every function that reads personal data takes the logged-in user (`sessao.usuario()`) and
  applies the rules of `dashboards/politica.py`: the pages the role may open (AcessoNegado
  otherwise), the row scope (a corretor reads only their clients, an imobiliária its brokers'
  clients, from `marts.carteira_clientes`) and the masking of personal data;
- a reveal of masked data and every export write an audit row to the state database (the only
  write the dashboards make), which the gestor reads on the "Auditoria" page;
- every query opens the current publication read-only and closes it afterwards, so the pipeline
  can publish at any time and the dashboards never hold a lock;
- the `CURRENT` pointer is re-read on every call, so a new publication shows up without a restart;
- results are cached per (publication file, SQL, parameters); a publication never changes once
  `CURRENT` points at it, so a cached answer can only go stale by the pointer moving on;
- SQL is parameterised, never built from user input;
- the state database (ingested files, replays, runs, publications, audit) is opened read-only per
  call and never cached: the pipeline writes it while the dashboards read it, and its tables are
  small. A state database or a table that does not exist yet reads as empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards import politica, usuarios
from dashboards.formatacao import FUSO_SAO_PAULO, mascarar_campo, mascarar_cpf
from dashboards.politica import Dado, Pagina
from dashboards.usuarios import Papel, Usuario
from ingestion import quality, state
from ingestion.alcadas.flow import Evaluation, FlowError, Proposal, evaluate, load_proposal
from ingestion.alcadas.rules import load_rules
from ingestion.settings import PROJECT_ROOT, get_settings
from orchestration.lib.publish import current_publication

SEM_PUBLICACAO = "Nenhuma publicação disponível ainda: rode `alicerce run`."

# The quarantine rows a page gets at most (newest first); the totals always count every row.
LIMITE_REGISTROS_QUARENTENA = 1000

# The audit rows the "Auditoria" page gets at most (newest first).
LIMITE_REGISTROS_AUDITORIA = 5000


class Acao(StrEnum):
    """What an audit row records."""

    EXPORTACAO = "exportacao"
    REVELACAO = "revelacao"


class SemPublicacao(RuntimeError):
    """No publication exists yet (the pipeline has never published)."""

    def __init__(self) -> None:
        super().__init__(SEM_PUBLICACAO)


class AcessoNegado(PermissionError):
    """The user's role may not read this data."""

    def __init__(self, usuario: Usuario) -> None:
        super().__init__(f"O perfil “{usuario.papel}” não tem acesso a estes dados.")


class SessaoEncerrada(PermissionError):
    """The session that offered an export is over, or its user lost access since."""

    def __init__(self) -> None:
        super().__init__("A sessão terminou ou o acesso mudou: entre novamente para exportar.")


@dataclass(frozen=True)
class Publicacao:
    arquivo: str
    publicado_em: datetime  # aware, UTC
    run_id: str


@dataclass(frozen=True)
class Indicadores:
    total_alteracoes: int
    clientes: int


def pode_abrir(usuario: Usuario, pagina: Pagina) -> bool:
    """Whether the user's role may open the page (the menu shows only those)."""
    return politica.pode_abrir(usuario, pagina)


def pode_revelar(usuario: Usuario) -> bool:
    """Whether the user's role may reveal some masked personal data."""
    return politica.pode_revelar(usuario)


def pode_ver_conteudo_da_quarentena(usuario: Usuario) -> bool:
    """Whether the user may read quarantined records as received (personal data)."""
    return usuario.papel in politica.LEEM_CONTEUDO_DA_QUARENTENA


def publicacao_atual() -> Publicacao | None:
    """The publication `CURRENT` points at, or None when nothing was published yet."""
    try:
        arquivo, linhas = _executar("select publicado_em, run_id from main.publicacao limit 1")
    except SemPublicacao:
        return None
    if linhas.empty:
        return None
    publicado_em = pd.Timestamp(linhas.at[0, "publicado_em"]).to_pydatetime()
    return Publicacao(
        arquivo=arquivo.name,
        publicado_em=publicado_em.replace(tzinfo=UTC),
        run_id=str(linhas.at[0, "run_id"]),
    )


def alteracoes(
    usuario: Usuario,
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
    revelar: bool = False,
) -> pd.DataFrame:
    """One row per changed field in the period, newest first, for the user's clients, masked.

    Columns: id_evento, idpessoa, nome, documento, campo, valor_anterior, valor_atual, alterado_em
    (naive UTC), data_local (São Paulo date), origem. `campos` empty or None means every field;
    `busca` matches the client's name ignoring accents and case, or is an exact idpessoa when it is
    all digits. CPF and the values of masked kinds of data come masked; `revelar` unmasks what the
    role may reveal and records the reveal in the audit (AcessoNegado if the role may reveal
    nothing).
    """
    onde, params = _filtro(usuario, inicio, fim, campos, busca)
    linhas = _consultar(
        f"""
        select id_evento, idpessoa, nome, documento, campo, valor_anterior, valor_atual,
               alterado_em, data_local, origem
        from marts.alteracoes_cadastrais
        where {onde}
        order by alterado_em desc, idpessoa, campo, id_evento
        """,
        params,
    )
    linhas["data_local"] = pd.to_datetime(linhas["data_local"]).dt.date
    if revelar:
        if not politica.pode_revelar(usuario):
            raise AcessoNegado(usuario)
        filtros = filtros_auditados(inicio, fim, campos, busca, sem_mascara=True)
        _auditar_revelacao(usuario, Pagina.ALTERACOES_CADASTRAIS, filtros, len(linhas))
    return _mascarado(linhas, politica.visiveis(usuario, revelar))


def indicadores(
    usuario: Usuario,
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> Indicadores:
    """Total changes and distinct clients for the same filters as `alteracoes`."""
    onde, params = _filtro(usuario, inicio, fim, campos, busca)
    linha = _consultar(
        f"""
        select count(*) as total_alteracoes, count(distinct idpessoa) as clientes
        from marts.alteracoes_cadastrais
        where {onde}
        """,
        params,
    ).iloc[0]
    return Indicadores(int(linha["total_alteracoes"]), int(linha["clientes"]))


def totais_por_campo(
    usuario: Usuario,
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> pd.DataFrame:
    """Columns campo, alteracoes: changes per field, most changed first."""
    onde, params = _filtro(usuario, inicio, fim, campos, busca)
    return _consultar(
        f"""
        select campo, count(*) as alteracoes
        from marts.alteracoes_cadastrais
        where {onde}
        group by campo
        order by alteracoes desc, campo
        """,
        params,
    )


def por_dia(
    usuario: Usuario,
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> pd.DataFrame:
    """Columns data_local (São Paulo date), alteracoes: changes per day that had any."""
    onde, params = _filtro(usuario, inicio, fim, campos, busca)
    linhas = _consultar(
        f"""
        select data_local, count(*) as alteracoes
        from marts.alteracoes_cadastrais
        where {onde}
        group by data_local
        order by data_local
        """,
        params,
    )
    linhas["data_local"] = pd.to_datetime(linhas["data_local"]).dt.date
    return linhas


# --- Exports and the audit ------------------------------------------------------------------------


def filtros_auditados(
    inicio: date,
    fim: date,
    campos: Sequence[str] | None,
    busca: str | None,
    sem_mascara: bool,
) -> dict[str, Any]:
    """The filters an audit row records, in one canonical form (sorted fields, trimmed search)."""
    return {
        "inicio": inicio.isoformat(),
        "fim": fim.isoformat(),
        "campos": sorted(set(campos or ())),
        "busca": " ".join((busca or "").split()),
        "sem_mascara": sem_mascara,
    }


def exportacao_auditada(
    usuario: Usuario,
    valida_ate: datetime,
    pagina: Pagina,
    filtros: dict[str, Any],
    tabela: pd.DataFrame | Callable[[], pd.DataFrame],
    formato: str,
    gerar: Callable[[pd.DataFrame], bytes],
) -> Callable[[], bytes]:
    """The file of an export button: when the user downloads it, the audit gets a row first.

    `tabela` is the table as the screen shows it (masked as shown), or a function that reads it
    when the file is downloaded (a list too long to read on every run of the page); `gerar`
    turns it into the file's bytes.
    The download runs without a rerun of the page, so the login is checked again then: after
    `valida_ate` (the session's end), or once the user's role or scope in the users file changed
    or the user went, SessaoEncerrada and no file.
    """

    def arquivo() -> bytes:
        atual = usuarios.por_login(usuarios.carregar(get_settings().usuarios_file), usuario.login)
        if datetime.now(UTC) >= valida_ate or atual is None or atual.acesso() != usuario.acesso():
            raise SessaoEncerrada()
        linhas = tabela() if callable(tabela) else tabela
        state.record_audit(
            get_settings().state_db, usuario.login, str(usuario.papel), Acao.EXPORTACAO,
            pagina, filtros, len(linhas), detail=formato,
        )  # fmt: skip
        return gerar(linhas)

    return arquivo


def auditoria(
    usuario: Usuario,
    inicio: date | None = None,
    fim: date | None = None,
    limite: int = LIMITE_REGISTROS_AUDITORIA,
) -> pd.DataFrame:
    """Audit rows, newest first, at most `limite`; `inicio`..`fim` are São Paulo dates.

    Columns em (naive UTC), login, papel, acao, pagina, filtros (JSON text), linhas, detalhe.
    """
    _exigir(usuario, Pagina.AUDITORIA)
    condicoes, params = ["true"], []
    if inicio is not None:
        condicoes.append("at >= ?")
        params.append(_inicio_do_dia_utc(inicio))
    if fim is not None:
        condicoes.append("at < ?")
        params.append(_inicio_do_dia_utc(fim + timedelta(days=1)))
    linhas = _ler_estado(
        f"""
        select at, login, role, action, page, filters_json, row_count, detail
        from audit_log
        where {" and ".join(condicoes)}
        order by at desc
        limit ?
        """,
        ["em", "login", "papel", "acao", "pagina", "filtros", "linhas", "detalhe"],
        (*params, max(int(limite), 0)),
    )
    linhas["em"] = _utc_ingenuo(linhas["em"])
    linhas["linhas"] = pd.to_numeric(linhas["linhas"]).astype("int64")
    return linhas


def _inicio_do_dia_utc(dia: date) -> str:
    """Midnight of a São Paulo day as the audit's ISO 8601 UTC text (which sorts by time)."""
    return _inicio_do_dia_em_utc(dia).isoformat()


def _inicio_do_dia_em_utc(dia: date) -> datetime:
    """The first instant of a São Paulo day, in UTC (aware).

    On the days daylight saving time began (until 2019) midnight did not exist, the clocks
    jumping to 01:00: the time-zone database then gives midnight the offset of before the jump,
    which is that same first instant.
    """
    meia_noite = datetime.combine(dia, datetime.min.time(), tzinfo=FUSO_SAO_PAULO)
    return meia_noite.astimezone(UTC)


def _auditar_revelacao(
    usuario: Usuario, pagina: Pagina, filtros: dict[str, Any], linhas: int
) -> None:
    """One audit row per reveal: the same user, page and filters again in one session (a rerun)
    are not a new one."""
    chave = json.dumps([usuario.login, pagina, filtros], sort_keys=True)
    ja_auditadas = st.session_state.setdefault("alicerce_revelacoes_auditadas", set())
    if chave in ja_auditadas:
        return
    state.record_audit(
        get_settings().state_db, usuario.login, str(usuario.papel), Acao.REVELACAO, pagina,
        filtros, linhas,
    )  # fmt: skip
    ja_auditadas.add(chave)


# --- Reengajamento -------------------------------------------------------------------------------

# The list rows the page previews at most; counts and exports always cover the whole list.
LIMITE_PREVIA_SEGMENTO = 1000


@dataclass(frozen=True)
class Segmento:
    """A re-engagement segment as the latest run computed it."""

    nome: str
    descricao: str
    data_referencia: date
    pessoas: int
    contataveis: int  # consent S, with a channel
    consentimento_desconhecido: int
    sem_consentimento: int


def segmentos(usuario: Usuario) -> list[Segmento]:
    """The segments of the latest reference date, by name; empty before the first run with them."""
    _exigir(usuario, Pagina.REENGAJAMENTO)
    if not _tabela_publicada("segmentos_reengajamento_contagens"):
        return []
    linhas = _consultar(
        """
        select segmento, descricao, data_referencia, pessoas, contataveis,
               consentimento_desconhecido, sem_consentimento
        from marts.segmentos_reengajamento_contagens
        where data_referencia = (
            select max(data_referencia) from marts.segmentos_reengajamento_contagens
        )
        order by segmento
        """
    )
    return [
        Segmento(
            nome=linha.segmento,
            descricao=linha.descricao,
            data_referencia=pd.Timestamp(linha.data_referencia).date(),
            pessoas=int(linha.pessoas),
            contataveis=int(linha.contataveis),
            consentimento_desconhecido=int(linha.consentimento_desconhecido),
            sem_consentimento=int(linha.sem_consentimento),
        )
        for linha in linhas.itertuples()
    ]


def tendencia_segmento(usuario: Usuario, segmento: str, inicio: date, fim: date) -> pd.DataFrame:
    """Columns data_referencia, pessoas, contataveis: the segment's size on each run's date."""
    _exigir(usuario, Pagina.REENGAJAMENTO)
    linhas = _consultar(
        """
        select data_referencia, pessoas, contataveis
        from marts.segmentos_reengajamento_contagens
        where segmento = ? and data_referencia between ? and ?
        order by data_referencia
        """,
        [segmento, inicio, fim],
    )
    linhas["data_referencia"] = pd.to_datetime(linhas["data_referencia"]).dt.date
    return linhas


def lista_segmento(
    usuario: Usuario,
    segmento: str,
    revelar: bool = False,
    para_exportar: bool = False,
    incluir_consentimento_desconhecido: bool = False,
    limite: int | None = None,
) -> pd.DataFrame:
    """The people of a segment, by ID, with the reason and the contacts consent allows, masked.

    Columns idpessoa, nome, motivo, consentimento, canais, email, celular. `para_exportar` keeps
    only the people who may be contacted: consent S with a channel, and those with unknown
    consent when `incluir_consentimento_desconhecido` (the export's audit row records it); never
    consent N. Contacts come masked unless the role sees them; `revelar` unmasks what the role
    may reveal (AcessoNegado if the role may reveal nothing) and records it in the audit, except
    for an export's list, whose download is audited with its filters.
    """
    onde, params = _filtro_segmento(
        usuario, segmento, para_exportar, incluir_consentimento_desconhecido
    )
    sql = f"""
        select idpessoa, nome, motivo, consentimento, canais, email, celular
        from marts.segmentos_reengajamento
        where {onde}
        order by idpessoa
    """
    if limite is not None:
        sql += " limit ?"
        params.append(max(int(limite), 0))
    linhas = _consultar(sql, params)
    if revelar and not politica.pode_revelar(usuario):
        raise AcessoNegado(usuario)
    if revelar and not para_exportar:  # an export's own audit row records it when downloaded
        filtros = filtros_reengajamento(segmento, sem_mascara=True)
        _auditar_revelacao(usuario, Pagina.REENGAJAMENTO, filtros, len(linhas))
    if Dado.CONTATO not in politica.visiveis(usuario, revelar):
        for campo in ("email", "celular"):
            linhas[campo] = [
                None if pd.isna(valor) else mascarar_campo(campo, valor) for valor in linhas[campo]
            ]
    return linhas


def tamanho_exportacao(
    usuario: Usuario, segmento: str, incluir_consentimento_desconhecido: bool
) -> int:
    """How many people `lista_segmento(..., para_exportar=True)` gives, without reading them."""
    onde, params = _filtro_segmento(usuario, segmento, True, incluir_consentimento_desconhecido)
    linhas = _consultar(
        f"select count(*) as pessoas from marts.segmentos_reengajamento where {onde}", params
    )
    return int(linhas.at[0, "pessoas"])


def _filtro_segmento(
    usuario: Usuario, segmento: str, para_exportar: bool, incluir_consentimento_desconhecido: bool
) -> tuple[str, list[Any]]:
    """The WHERE clause of a segment's list (row scope first) and its parameters."""
    _exigir(usuario, Pagina.REENGAJAMENTO)
    escopo, params = _escopo(usuario)
    condicoes = [escopo, "segmento = ?"]
    params.append(segmento)
    if para_exportar:
        aceitos = ["sim", "desconhecido"] if incluir_consentimento_desconhecido else ["sim"]
        condicoes += ["list_contains(?::varchar[], consentimento)", "canais <> ''"]
        params.append(aceitos)
    return " and ".join(f"({condicao})" for condicao in condicoes), params


def filtros_reengajamento(
    segmento: str, sem_mascara: bool, incluir_consentimento_desconhecido: bool | None = None
) -> dict[str, Any]:
    """The filters an audit row of the "Reengajamento" page records; an export's also say
    whether it included the people whose consent is unknown."""
    filtros: dict[str, Any] = {"segmento": segmento, "sem_mascara": sem_mascara}
    if incluir_consentimento_desconhecido is not None:
        filtros["incluir_consentimento_desconhecido"] = incluir_consentimento_desconhecido
    return filtros


def funil_campanha(usuario: Usuario, inicio: date, fim: date) -> pd.DataFrame:
    """The update campaign's funnel per month (marts.atualizacao_cadastral_funil), for the months
    that meet inicio..fim, oldest first; every column of the mart."""
    _exigir(usuario, Pagina.REENGAJAMENTO)
    if not _tabela_publicada("atualizacao_cadastral_funil"):
        return pd.DataFrame()
    linhas = _consultar(
        """
        select *
        from marts.atualizacao_cadastral_funil
        where mes between date_trunc('month', ?::date) and ?
        order by mes
        """,
        [inicio, fim],
    )
    for coluna in ("mes", "data_referencia"):
        linhas[coluna] = pd.to_datetime(linhas[coluna]).dt.date
    return linhas


# --- Pesquisas and the CRM records ---------------------------------------------------------------

# The record types of marts.registros_crm, which the "Registro" page shows; a dispatch's protocol
# may also be a service's ID ('servico') or the survey's own ('pesquisa'), which have no page.
TIPOS_REGISTRO_CRM = ("precadastro", "reserva", "venda", "repasse", "atendimento", "assistencia")

# Where a dispatch's protocol came from (marts.protocolos_pesquisa.origem_protocolo), best first.
ORIGENS_PROTOCOLO = ("gatilho", "correspondencia", "servico", "pesquisa")

# The dispatches the "Pesquisas" page lists at most (newest first); counts and exports cover all.
LIMITE_ENVIOS = 1000

_COLUNAS_ENVIOS = [
    "idenvio", "idpesquisa", "pesquisa", "gatilho", "protocolo", "tipo_registro",
    "origem_protocolo", "protocolo_atendimento", "registro_encontrado", "idpessoa", "enviado_em",
]  # fmt: skip
_MAIOR_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class RegistroCrm:
    """One CRM record of marts.registros_crm."""

    tipo_registro: str
    idregistro: int
    idpessoa: int | None
    cliente: str | None
    situacao: str | None
    criado_em: datetime | None  # naive UTC
    protocolo_atendimento: str | None  # atendimentos only
    idempreendimento: int | None
    detalhe: str | None
    excluido: bool | None


def protocolos_publicados(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.protocolos_pesquisa` (older ones do not)."""
    _exigir(usuario, Pagina.PESQUISAS)
    return _tabela_publicada("protocolos_pesquisa")


def gatilhos_de_pesquisa(usuario: Usuario) -> tuple[str, ...]:
    """The triggers of the dispatches the user may see, sorted (the filter's options)."""
    _exigir(usuario, Pagina.PESQUISAS)
    if not _tabela_publicada("protocolos_pesquisa"):
        return ()
    escopo, params = _escopo(usuario)
    linha = _consultar(
        f"""
        select list_sort(list(distinct gatilho) filter (where gatilho is not null)) as gatilhos
        from marts.protocolos_pesquisa
        where {escopo}
        """,
        params,
    ).iloc[0]
    return _tupla(linha["gatilhos"])


def envios_pesquisa(
    usuario: Usuario,
    inicio: date,
    fim: date,
    gatilhos: Sequence[str] | None = None,
    origens: Sequence[str] | None = None,
    limite: int | None = None,
) -> pd.DataFrame:
    """The survey dispatches of the user's clients sent in `inicio`..`fim` (São Paulo dates,
    inclusive), newest first, at most `limite`; `gatilhos` and `origens` (origem_protocolo) empty
    or None mean no filter.

    Columns idenvio, idpesquisa, pesquisa, gatilho, protocolo, tipo_registro, origem_protocolo,
    protocolo_atendimento, registro_encontrado (False when NULL), idpessoa (nullable), enviado_em
    (naive UTC).
    """
    onde, params = _filtro_envios(usuario, inicio, fim, gatilhos, origens)
    sql = f"""
        select {", ".join(_COLUNAS_ENVIOS)}
        from marts.protocolos_pesquisa
        where {onde}
        order by enviado_em desc, idenvio desc
    """
    if limite is not None:
        sql += " limit ?"
        params.append(max(int(limite), 0))
    return _envios(_consultar(sql, params))


def cobertura_protocolos(
    usuario: Usuario,
    inicio: date,
    fim: date,
    gatilhos: Sequence[str] | None = None,
    origens: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Columns gatilho, origem_protocolo, envios, sem_protocolo: the dispatches of the same
    filters as `envios_pesquisa` per trigger and origin of the protocol, and how many of them
    have no protocol (NULL or blank: there should be none), by gatilho (NULL last) and origin."""
    onde, params = _filtro_envios(usuario, inicio, fim, gatilhos, origens)
    linhas = _consultar(
        f"""
        select gatilho, origem_protocolo, count(*) as envios,
               count(*) filter (where protocolo is null or trim(protocolo) = '') as sem_protocolo
        from marts.protocolos_pesquisa
        where {onde}
        group by gatilho, origem_protocolo
        order by gatilho nulls last, origem_protocolo nulls last
        """,
        params,
    )
    for coluna in ("envios", "sem_protocolo"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("int64")
    return linhas


def filtros_pesquisas(
    inicio: date, fim: date, gatilhos: Sequence[str] | None, origens: Sequence[str] | None
) -> dict[str, Any]:
    """The filters an audit row of the "Pesquisas" page records, in one canonical form."""
    return {
        "inicio": inicio.isoformat(),
        "fim": fim.isoformat(),
        "gatilhos": sorted(set(gatilhos or ())),
        "origens": sorted(set(origens or ())),
    }


def registros_publicados(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.registros_crm` (older ones do not)."""
    _exigir(usuario, Pagina.REGISTRO)
    return _tabela_publicada("registros_crm")


def registro_crm(usuario: Usuario, tipo_registro: str, idregistro: int) -> RegistroCrm | None:
    """The CRM record of this type and ID, or None when there is none among the user's clients
    (or the publication has no `marts.registros_crm`)."""
    _exigir(usuario, Pagina.REGISTRO)
    if not 0 <= idregistro <= _MAIOR_BIGINT or not _tabela_publicada("registros_crm"):
        return None
    escopo, params = _escopo(usuario)
    linhas = _consultar(
        f"""
        select tipo_registro, idregistro, idpessoa, cliente, situacao, criado_em,
               protocolo_atendimento, idempreendimento, detalhe, excluido
        from marts.registros_crm
        where ({escopo}) and tipo_registro = ? and idregistro = ?
        """,
        [*params, tipo_registro, idregistro],
    )
    if linhas.empty:
        return None
    linha = linhas.iloc[0]
    return RegistroCrm(
        tipo_registro=str(linha["tipo_registro"]),
        idregistro=int(linha["idregistro"]),
        idpessoa=_inteiro_ou_nulo(linha["idpessoa"]),
        cliente=_texto_ou_nulo(linha["cliente"]),
        situacao=_texto_ou_nulo(linha["situacao"]),
        criado_em=None
        if pd.isna(linha["criado_em"])
        else pd.Timestamp(linha["criado_em"]).to_pydatetime(),
        protocolo_atendimento=_texto_ou_nulo(linha["protocolo_atendimento"]),
        idempreendimento=_inteiro_ou_nulo(linha["idempreendimento"]),
        detalhe=_texto_ou_nulo(linha["detalhe"]),
        excluido=None if pd.isna(linha["excluido"]) else bool(linha["excluido"]),
    )


def envios_do_registro(usuario: Usuario, tipo_registro: str, idregistro: int) -> pd.DataFrame:
    """The dispatches of the user's clients whose protocol points to this record (the same
    tipo_registro, protocolo = the ID as text), newest first; the columns of `envios_pesquisa`.
    Empty when the publication has no `marts.protocolos_pesquisa`."""
    _exigir(usuario, Pagina.REGISTRO)
    if not 0 <= idregistro <= _MAIOR_BIGINT or not _tabela_publicada("protocolos_pesquisa"):
        return _envios(pd.DataFrame(columns=_COLUNAS_ENVIOS))
    escopo, params = _escopo(usuario)
    linhas = _consultar(
        f"""
        select {", ".join(_COLUNAS_ENVIOS)}
        from marts.protocolos_pesquisa
        where ({escopo}) and tipo_registro = ? and protocolo = ?
        order by enviado_em desc, idenvio desc
        """,
        [*params, tipo_registro, str(idregistro)],
    )
    return _envios(linhas)


def _filtro_envios(
    usuario: Usuario,
    inicio: date,
    fim: date,
    gatilhos: Sequence[str] | None,
    origens: Sequence[str] | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause over marts.protocolos_pesquisa (row scope first) and its parameters.

    The period is turned into UTC bounds here (the first instant of `inicio` and of the day after
    `fim` in São Paulo), so the naive UTC `enviado_em` is compared as stored.
    """
    _exigir(usuario, Pagina.PESQUISAS)
    escopo, params = _escopo(usuario)
    condicoes = [escopo, "enviado_em >= ?", "enviado_em < ?"]
    params += [
        _inicio_do_dia_em_utc(inicio).replace(tzinfo=None),
        _inicio_do_dia_em_utc(fim + timedelta(days=1)).replace(tzinfo=None),
    ]
    if gatilhos:
        condicoes.append("list_contains(?::varchar[], gatilho)")
        params.append(sorted(set(gatilhos)))
    if origens:
        condicoes.append("list_contains(?::varchar[], origem_protocolo)")
        params.append(sorted(set(origens)))
    return " and ".join(f"({condicao})" for condicao in condicoes), params


def _envios(linhas: pd.DataFrame) -> pd.DataFrame:
    """The dispatch columns typed: nullable IDs, registro_encontrado False when NULL."""
    linhas["registro_encontrado"] = pd.Series(
        [False if pd.isna(valor) else bool(valor) for valor in linhas["registro_encontrado"]],
        index=linhas.index,
        dtype=bool,
    )
    for coluna in ("idenvio", "idpesquisa", "idpessoa"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    linhas["enviado_em"] = pd.to_datetime(linhas["enviado_em"])
    return linhas


def _inteiro_ou_nulo(valor: Any) -> int | None:
    return None if valor is None or pd.isna(valor) else int(valor)


def _texto_ou_nulo(valor: Any) -> str | None:
    return None if valor is None or pd.isna(valor) else str(valor)


# --- Alçadas ------------------------------------------------------------------------------------

# The statuses of marts.alcadas_aprovacao that judge a reservation by its cycles (the others:
# 'sem_regra', 'regra_inaplicavel').
STATUS_JULGADOS = ("aprovado", "requer_alcada_superior")

# The reservations a list of the "Alçadas" page shows at most (newest sale first).
LIMITE_RESERVAS_ALCADA = 1000

# The worked example the what-if form starts from (docs/alcadas).
EXEMPLO_DE_FLUXO = PROJECT_ROOT / "docs" / "alcadas" / "fluxo_exemplo.yml"

_COLUNAS_ALCADAS = [
    "idreserva", "idempreendimento", "empreendimento", "idtabela", "nometabela", "idcliente",
    "cliente", "idcorretor", "idimobiliaria", "situacao", "data_venda", "data_entrega_chaves",
    "valor_contrato", "regra", "regra_vigencia", "status", "motivo", "ciclos_total",
    "ciclos_atendidos", "primeiro_ciclo_falho", "primeiro_ciclo_falho_nome",
    "falta_primeiro_ciclo", "maior_falta", "total_fluxo", "fluxo_difere_do_contrato",
    "series_desconhecidas", "series_ilegiveis",
]  # fmt: skip
_DINHEIRO_ALCADAS = ("valor_contrato", "falta_primeiro_ciclo", "maior_falta", "total_fluxo")
_INTEIROS_ALCADAS = (
    "idreserva", "idempreendimento", "idtabela", "idcliente", "idcorretor", "idimobiliaria",
    "ciclos_total", "ciclos_atendidos", "primeiro_ciclo_falho", "series_ilegiveis",
)  # fmt: skip
_COLUNAS_CICLOS = [
    "ciclo", "ciclo_nome", "ancora", "meses", "fim_mes", "percentual_exigido_bp",
    "percentual_atingido_bp", "valor_exigido", "valor_atingido", "falta", "atendido",
]  # fmt: skip
_DINHEIRO_CICLOS = ("valor_exigido", "valor_atingido", "falta")


@dataclass(frozen=True)
class Simulacao:
    """A what-if proposal judged by the alçada rules (ingestion/alcadas/flow.py)."""

    avaliacao: Evaluation
    ciclos: pd.DataFrame  # the columns of `ciclos_alcada`


def alcadas_publicadas(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.alcadas_aprovacao` and `marts.alcadas_ciclos`
    (older ones do not)."""
    _exigir(usuario, Pagina.ALCADAS)
    return _tabela_publicada("alcadas_aprovacao") and _tabela_publicada("alcadas_ciclos")


def aprovacao_alcadas(usuario: Usuario, inicio: date, fim: date) -> pd.DataFrame:
    """The user's reservations sold in `inicio`..`fim` (data_venda, inclusive) per empreendimento
    and price table, by their names.

    Columns idempreendimento, empreendimento, idtabela, nometabela, reservas (all of them),
    julgadas (aprovado + requer_alcada_superior), aprovadas, requer_alcada_superior, sem_regra,
    regra_inaplicavel; the counts are integers.
    """
    onde, params = _filtro_alcadas(usuario, inicio, fim)
    linhas = _consultar(
        f"""
        select idempreendimento, max(empreendimento) as empreendimento,
               idtabela, max(nometabela) as nometabela,
               count(*) as reservas,
               count(*) filter (where status in ('aprovado', 'requer_alcada_superior'))
                   as julgadas,
               count(*) filter (where status = 'aprovado') as aprovadas,
               count(*) filter (where status = 'requer_alcada_superior')
                   as requer_alcada_superior,
               count(*) filter (where status = 'sem_regra') as sem_regra,
               count(*) filter (where status = 'regra_inaplicavel') as regra_inaplicavel
        from marts.alcadas_aprovacao
        where {onde}
        group by idempreendimento, idtabela
        order by max(empreendimento) nulls last, idempreendimento nulls last,
                 max(nometabela) nulls last, idtabela nulls last
        """,
        params,
    )
    for coluna in ("idempreendimento", "idtabela"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    for coluna in (
        "reservas", "julgadas", "aprovadas", "requer_alcada_superior", "sem_regra",
        "regra_inaplicavel",
    ):  # fmt: skip
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("int64")
    return linhas


def reservas_alcada(
    usuario: Usuario,
    inicio: date,
    fim: date,
    status: Sequence[str] | None = None,
    limite: int | None = None,
) -> pd.DataFrame:
    """The user's reservations sold in `inicio`..`fim` (data_venda, inclusive) whose status is
    one of `status` (empty or None: any), newest sale first, at most `limite`.

    Every column of marts.alcadas_aprovacao: money as Decimal (None when NULL), IDs and counts
    as nullable integers, dates as `date` (None when NULL).
    """
    onde, params = _filtro_alcadas(usuario, inicio, fim, status)
    sql = f"""
        select {_SELECAO_ALCADAS}
        from marts.alcadas_aprovacao
        where {onde}
        order by data_venda desc, idreserva desc
    """
    if limite is not None:
        sql += " limit ?"
        params.append(max(int(limite), 0))
    return _reservas_alcada(_consultar(sql, params))


def reserva_alcada(usuario: Usuario, idreserva: int) -> dict[str, Any] | None:
    """One reservation of marts.alcadas_aprovacao (its columns, typed as in `reservas_alcada`),
    or None when it is not among the user's reservations."""
    _exigir(usuario, Pagina.ALCADAS)
    if not 0 <= idreserva <= _MAIOR_BIGINT or not alcadas_publicadas(usuario):
        return None
    escopo, params = _escopo_reservas(usuario)
    linhas = _reservas_alcada(
        _consultar(
            f"""
            select {_SELECAO_ALCADAS}
            from marts.alcadas_aprovacao
            where ({escopo}) and idreserva = ?
            """,
            [*params, idreserva],
        )
    )
    if linhas.empty:
        return None
    return {coluna: _valor_python(valor) for coluna, valor in linhas.iloc[0].items()}


def ciclos_alcada(usuario: Usuario, idreserva: int) -> pd.DataFrame:
    """The cycles of one of the user's reservations (marts.alcadas_ciclos), by number; empty
    when it was not judged or is not theirs.

    Columns ciclo, ciclo_nome, ancora, meses, fim_mes (date), percentual_exigido_bp,
    percentual_atingido_bp, valor_exigido, valor_atingido, falta (Decimal), atendido (bool).
    """
    _exigir(usuario, Pagina.ALCADAS)
    if not 0 <= idreserva <= _MAIOR_BIGINT or not alcadas_publicadas(usuario):
        return pd.DataFrame(columns=_COLUNAS_CICLOS)
    escopo, params = _escopo_reservas(usuario)
    selecao = ", ".join(
        f"{coluna}::varchar as {coluna}" if coluna in _DINHEIRO_CICLOS else coluna
        for coluna in _COLUNAS_CICLOS
    )
    linhas = _consultar(
        f"""
        select {selecao}
        from marts.alcadas_ciclos
        where idreserva = ?
          and idreserva in (select idreserva from marts.alcadas_aprovacao where {escopo})
        order by ciclo
        """,
        [idreserva, *params],
    )
    for coluna in ("ciclo", "meses", "percentual_exigido_bp", "percentual_atingido_bp"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    linhas["fim_mes"] = [_dia_ou_none(valor) for valor in linhas["fim_mes"]]
    for coluna in _DINHEIRO_CICLOS:
        linhas[coluna] = [_decimal_ou_none(valor) for valor in linhas[coluna]]
    linhas["atendido"] = [None if _nulo(valor) else bool(valor) for valor in linhas["atendido"]]
    return linhas


def proposta_exemplo() -> Proposal | None:
    """The worked example of docs/alcadas/fluxo_exemplo.yml; None when it cannot be read."""
    try:
        return load_proposal(EXEMPLO_DE_FLUXO)
    except FlowError:
        return None


def simular_alcada(usuario: Usuario, proposta: Proposal) -> Simulacao:
    """Judge one proposal by the alçada rules in force (ALICERCE_ALCADA_RULES_FILE), with the
    one implementation the command line uses (ingestion/alcadas/flow.py).

    The cycles come in the columns of `ciclos_alcada`. Raises RulesError when the rules file is
    invalid.
    """
    _exigir(usuario, Pagina.ALCADAS)
    avaliacao = evaluate(load_rules(get_settings().alcada_rules_file), proposta)
    ciclos = pd.DataFrame(
        [
            {
                "ciclo": resultado.ciclo,
                "ciclo_nome": resultado.nome,
                "ancora": resultado.ancora,
                "meses": resultado.meses,
                "fim_mes": resultado.fim_mes,
                "percentual_exigido_bp": resultado.percentual_exigido_bp,
                "percentual_atingido_bp": resultado.percentual_atingido_bp,
                "valor_exigido": resultado.valor_exigido,
                "valor_atingido": resultado.valor_atingido,
                "falta": resultado.falta,
                "atendido": resultado.atendido,
            }
            for resultado in avaliacao.ciclos
        ],
        columns=_COLUNAS_CICLOS,
    )
    return Simulacao(avaliacao=avaliacao, ciclos=ciclos)


# Money is read as text and turned into Decimal: DuckDB gives DECIMAL columns to pandas as floats.
_SELECAO_ALCADAS = ", ".join(
    f"{coluna}::varchar as {coluna}" if coluna in _DINHEIRO_ALCADAS else coluna
    for coluna in _COLUNAS_ALCADAS
)


def _filtro_alcadas(
    usuario: Usuario, inicio: date, fim: date, status: Sequence[str] | None = None
) -> tuple[str, list[Any]]:
    """The WHERE clause over marts.alcadas_aprovacao (row scope first) and its parameters."""
    _exigir(usuario, Pagina.ALCADAS)
    escopo, params = _escopo_reservas(usuario)
    condicoes = [escopo, "data_venda between ? and ?"]
    params += [inicio, fim]
    if status:
        condicoes.append("list_contains(?::varchar[], status)")
        params.append(sorted(set(status)))
    return " and ".join(f"({condicao})" for condicao in condicoes), params


def _escopo_reservas(usuario: Usuario) -> tuple[str, list[Any]]:
    """The user's row scope over a table of reservations with `idcorretor` and `idimobiliaria`:
    a corretor sees the reservations they are the broker of, an imobiliária those of its
    brokerage; the gestor every one; anyone else none."""
    if usuario.papel == Papel.GESTOR:
        return "true", []
    if usuario.papel == Papel.CORRETOR and usuario.idcorretor is not None:
        return "idcorretor = ?", [usuario.idcorretor]
    if usuario.papel == Papel.IMOBILIARIA and usuario.idimobiliaria is not None:
        return "idimobiliaria = ?", [usuario.idimobiliaria]
    return "false", []


def _reservas_alcada(linhas: pd.DataFrame) -> pd.DataFrame:
    """The columns of marts.alcadas_aprovacao typed for the page (see `reservas_alcada`)."""
    for coluna in _INTEIROS_ALCADAS:
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    for coluna in ("data_venda", "data_entrega_chaves", "regra_vigencia"):
        linhas[coluna] = pd.Series(
            [_dia_ou_none(valor) for valor in linhas[coluna]], index=linhas.index, dtype=object
        )
    for coluna in _DINHEIRO_ALCADAS:
        linhas[coluna] = pd.Series(
            [_decimal_ou_none(valor) for valor in linhas[coluna]], index=linhas.index, dtype=object
        )
    linhas["fluxo_difere_do_contrato"] = pd.Series(
        [None if _nulo(valor) else bool(valor) for valor in linhas["fluxo_difere_do_contrato"]],
        index=linhas.index,
        dtype=object,
    )
    return linhas


def _valor_python(valor: Any) -> Any:
    """A cell as a plain Python value: None for NULL, int for integers (numpy's included)."""
    if _nulo(valor):
        return None
    if isinstance(valor, bool | str | Decimal | date):
        return valor
    if pd.api.types.is_integer(valor):
        return int(valor)
    if pd.api.types.is_bool(valor):
        return bool(valor)
    return valor


def _decimal_ou_none(valor: Any) -> Decimal | None:
    return None if _nulo(valor) else Decimal(str(valor))


def _nulo(valor: Any) -> bool:
    return valor is None or (not isinstance(valor, str | Decimal) and bool(pd.isna(valor)))


# --- Qualidade dos dados -------------------------------------------------------------------------


class SituacaoFrescor(StrEnum):
    """Freshness of a source or of the publication; the values are the on-screen labels."""

    EM_DIA = "em dia"
    ATRASADO = "atrasado"
    NUNCA = "nunca"


@dataclass(frozen=True)
class OpcoesQuarentena:
    """What the published quarantine holds, for the filters: every source, reason and load day."""

    fontes: tuple[str, ...]
    motivos: tuple[str, ...]
    primeira_carga: date | None
    ultima_carga: date | None
    registros: int


@dataclass(frozen=True)
class Frescor:
    nome: str  # "portal/eventos", "crm/<table>" or "publicacao"
    ultima_em: datetime | None  # aware, UTC; None when it never happened
    idade: timedelta | None
    limite: timedelta
    situacao: SituacaoFrescor


@dataclass(frozen=True)
class Execucao:
    """One pipeline run as recorded in the state database; figures are None when not recorded."""

    run_id: str
    iniciada_em: datetime  # aware, UTC
    terminada_em: datetime | None  # aware, UTC
    status: str  # as recorded: "success", "failure" or "running"
    duracao: timedelta | None
    modelos: int | None
    testes_ok: int | None
    testes_com_falha: int | None
    testes_que_falharam: tuple[str, ...]
    carga_completa: bool | None  # the summary's full_refresh; None in older summaries


_COLUNAS_RESUMO_QUARENTENA = ["fonte", "motivo", "data_carga", "registros"]
_COLUNAS_REGISTROS_QUARENTENA = ["fonte", "data_carga", "motivo", "arquivo", "linha"]
_COLUNAS_RECONCILIACAO = [
    "fonte", "data_carga", "arquivos", "entrada", "carregados", "quarentena", "duplicados",
    "arquivos_divergentes",
]  # fmt: skip
_COLUNAS_REPROCESSAMENTOS = [
    "replay_id", "fonte", "data_carga", "reprocessado_em", "examinados", "carregados",
    "duplicados", "ainda_em_quarentena",
]  # fmt: skip


def quarentena_publicada(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.quarentena` (older ones do not).

    Raises SemPublicacao when nothing was published yet.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    return _tabela_publicada("quarentena")


def opcoes_quarentena(usuario: Usuario) -> OpcoesQuarentena:
    """Sources, reasons and the range of load days in the published quarantine."""
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    if not quarentena_publicada(usuario):
        return OpcoesQuarentena((), (), None, None, 0)
    linha = _consultar(
        """
        select list_sort(list(distinct fonte) filter (where fonte is not null)) as fontes,
               list_sort(list(distinct motivo) filter (where motivo is not null)) as motivos,
               min(data_carga) as primeira_carga, max(data_carga) as ultima_carga,
               count(*) as registros
        from marts.quarentena
        """
    ).iloc[0]
    return OpcoesQuarentena(
        fontes=_tupla(linha["fontes"]),
        motivos=_tupla(linha["motivos"]),
        primeira_carga=_dia_ou_none(linha["primeira_carga"]),
        ultima_carga=_dia_ou_none(linha["ultima_carga"]),
        registros=int(linha["registros"]),
    )


def quarentena_por_dia(
    usuario: Usuario,
    inicio: date | None = None,
    fim: date | None = None,
    fontes: Sequence[str] | None = None,
    motivos: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Columns fonte, motivo, data_carga, registros: quarantined records per source, reason and
    load day (inclusive `inicio`..`fim`; None, or empty lists, mean no filter), newest day first.

    Empty when the publication has no `marts.quarentena`.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    if not quarentena_publicada(usuario):
        return pd.DataFrame(columns=_COLUNAS_RESUMO_QUARENTENA)
    onde, params = _filtro_quarentena(inicio, fim, fontes, motivos)
    linhas = _consultar(
        f"""
        select fonte, motivo, data_carga, count(*) as registros
        from marts.quarentena
        where {onde}
        group by fonte, motivo, data_carga
        order by data_carga desc, fonte, motivo
        """,
        params,
    )
    linhas["data_carga"] = pd.to_datetime(linhas["data_carga"]).dt.date
    return linhas


def quarentena_registros(
    usuario: Usuario,
    inicio: date | None = None,
    fim: date | None = None,
    fontes: Sequence[str] | None = None,
    motivos: Sequence[str] | None = None,
    limite: int = LIMITE_REGISTROS_QUARENTENA,
) -> pd.DataFrame:
    """The quarantined records themselves, newest load day first, at most `limite` of them.

    Columns fonte, data_carga, motivo, arquivo, linha (nullable), and conteudo (the record as
    received) only for the roles that may see it: for the others it is never read at all.
    Empty when the publication has no `marts.quarentena`.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    colunas = list(_COLUNAS_REGISTROS_QUARENTENA)
    if pode_ver_conteudo_da_quarentena(usuario):
        colunas.append("conteudo")
    if not quarentena_publicada(usuario):
        return pd.DataFrame(columns=colunas)
    onde, params = _filtro_quarentena(inicio, fim, fontes, motivos)
    linhas = _consultar(
        f"""
        select {", ".join(colunas)}
        from marts.quarentena
        where {onde}
        order by data_carga desc, fonte, arquivo, linha nulls first, motivo
        limit ?
        """,
        [*params, max(int(limite), 0)],
    )
    linhas["data_carga"] = pd.to_datetime(linhas["data_carga"]).dt.date
    linhas["linha"] = linhas["linha"].astype("Int64")
    return linhas


def reconciliacao(usuario: Usuario) -> pd.DataFrame:
    """Input accounting per source and load day, from the state database's ingested files.

    Columns fonte ("portal/eventos"), data_carga (date), arquivos, entrada, carregados,
    quarentena, duplicados, arquivos_divergentes (files whose own counts do not add up) and
    confere (entrada = carregados + quarentena + duplicados, and every file adds up too); newest
    day first.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    linhas = _ler_estado(
        """
        select source || '/' || table_name as fonte, load_date as data_carga,
               count(*) as arquivos, sum(records_in) as entrada, sum(loaded) as carregados,
               sum(quarantined) as quarentena, sum(duplicates) as duplicados,
               sum(records_in <> loaded + quarantined + duplicates) as arquivos_divergentes
        from ingested_files
        group by 1, 2
        order by data_carga desc, fonte
        """,
        _COLUNAS_RECONCILIACAO,
    )
    linhas["data_carga"] = pd.to_datetime(linhas["data_carga"], format="ISO8601").dt.date
    return _com_conferencia(linhas)


def reconciliacao_por_fonte(usuario: Usuario) -> pd.DataFrame:
    """Input accounting per source over every load day, and what is left in quarantine.

    Columns fonte, arquivos, entrada, carregados, quarentena, duplicados, arquivos_divergentes,
    confere, reprocessados_carregados and reprocessados_duplicados (records that quarantine
    replays moved to the lake or found already there), and quarentena_atual (= quarentena −
    reprocessados_carregados − reprocessados_duplicados).
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    ingestao = _ler_estado(
        """
        select source || '/' || table_name as fonte, count(*) as arquivos,
               sum(records_in) as entrada, sum(loaded) as carregados,
               sum(quarantined) as quarentena, sum(duplicates) as duplicados,
               sum(records_in <> loaded + quarantined + duplicates) as arquivos_divergentes
        from ingested_files
        group by 1
        """,
        [coluna for coluna in _COLUNAS_RECONCILIACAO if coluna != "data_carga"],
    )
    reprocessamentos = _ler_estado(
        """
        select source || '/' || table_name as fonte,
               sum(loaded) as reprocessados_carregados,
               sum(duplicates) as reprocessados_duplicados
        from replays
        group by 1
        """,
        ["fonte", "reprocessados_carregados", "reprocessados_duplicados"],
    )
    linhas = ingestao.merge(reprocessamentos, on="fonte", how="outer")
    numeros = [coluna for coluna in linhas.columns if coluna != "fonte"]
    for coluna in numeros:
        linhas[coluna] = pd.to_numeric(linhas[coluna]).fillna(0).astype("int64")
    linhas = _com_conferencia(linhas)
    linhas["quarentena_atual"] = (
        linhas["quarentena"]
        - linhas["reprocessados_carregados"]
        - linhas["reprocessados_duplicados"]
    )
    return linhas.sort_values("fonte", ignore_index=True)


def reprocessamentos(usuario: Usuario) -> pd.DataFrame:
    """Quarantine replays, newest first, from the state database.

    Columns replay_id, fonte, data_carga (the replay's load date), reprocessado_em (naive UTC),
    examinados, carregados, duplicados, ainda_em_quarentena.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    linhas = _ler_estado(
        """
        select replay_id, source || '/' || table_name as fonte, load_date as data_carga,
               replayed_at as reprocessado_em, examined as examinados, loaded as carregados,
               duplicates as duplicados, still_quarantined as ainda_em_quarentena
        from replays
        """,
        _COLUNAS_REPROCESSAMENTOS,
    )
    linhas["data_carga"] = pd.to_datetime(linhas["data_carga"], format="ISO8601").dt.date
    linhas["reprocessado_em"] = _utc_ingenuo(linhas["reprocessado_em"])
    return linhas.sort_values(
        ["reprocessado_em", "fonte"], ascending=[False, True], ignore_index=True
    )


def frescor(usuario: Usuario, agora: datetime | None = None) -> list[Frescor]:
    """When each source last brought data and when the last publication was made, judged at
    `agora` (aware; default now) against the limits in settings (`max_age_hours`).

    Order: portal/eventos, the CRM objects (ingestion/crm/objects.py), publicacao.
    """
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    agora = agora or datetime.now(UTC)
    medidas = quality.freshness(get_settings())
    resultado = []
    for medida in medidas:
        if medida.last_at is None:
            situacao = SituacaoFrescor.NUNCA
        elif medida.is_fresh(agora):
            situacao = SituacaoFrescor.EM_DIA
        else:
            situacao = SituacaoFrescor.ATRASADO
        resultado.append(
            Frescor(medida.name, medida.last_at, medida.age(agora), medida.max_age, situacao)
        )
    return resultado


def ultimas_execucoes(usuario: Usuario, limite: int = 20) -> list[Execucao]:
    """The last `limite` pipeline runs, newest first, from the state database."""
    _exigir(usuario, Pagina.QUALIDADE_DOS_DADOS)
    linhas = _ler_estado(
        """
        select run_id, started_at, finished_at, status, summary_json
        from runs
        order by started_at desc
        limit ?
        """,
        ["run_id", "started_at", "finished_at", "status", "summary_json"],
        (max(int(limite), 0),),
    )
    return [_execucao(linha) for linha in linhas.itertuples(index=False)]


def _execucao(linha: Any) -> Execucao:
    try:
        resumo = json.loads(linha.summary_json) if linha.summary_json else {}
    except ValueError:
        resumo = {}
    if not isinstance(resumo, dict):
        resumo = {}
    iniciada_em = _momento_utc(linha.started_at)
    terminada_em = _momento_utc(linha.finished_at) if linha.finished_at else None
    # The run's own measure of its time when it recorded one; else the recorded timestamps.
    segundos = resumo.get("seconds")
    if isinstance(segundos, int | float) and not isinstance(segundos, bool):
        duracao = timedelta(seconds=segundos)
    elif terminada_em is not None:
        duracao = terminada_em - iniciada_em
    else:
        duracao = None
    falhas = resumo.get("failed_checks") or ()
    carga_completa = resumo.get("full_refresh")
    return Execucao(
        run_id=str(linha.run_id),
        iniciada_em=iniciada_em,
        terminada_em=terminada_em,
        status=str(linha.status),
        duracao=duracao,
        modelos=_inteiro_ou_none(resumo.get("models_built")),
        testes_ok=_inteiro_ou_none(resumo.get("checks_passed")),
        testes_com_falha=_inteiro_ou_none(resumo.get("checks_failed")),
        testes_que_falharam=tuple(str(falha) for falha in falhas)
        if isinstance(falhas, list | tuple)
        else (),
        carga_completa=carga_completa if isinstance(carga_completa, bool) else None,
    )


def _filtro_quarentena(
    inicio: date | None,
    fim: date | None,
    fontes: Sequence[str] | None,
    motivos: Sequence[str] | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (fixed text with `?` placeholders) and its parameters."""
    condicoes = ["true"]
    params: list[Any] = []
    if inicio is not None:
        condicoes.append("data_carga >= ?")
        params.append(inicio)
    if fim is not None:
        condicoes.append("data_carga <= ?")
        params.append(fim)
    if fontes:
        condicoes.append("list_contains(?::varchar[], fonte)")
        params.append(sorted(set(fontes)))
    if motivos:
        condicoes.append("list_contains(?::varchar[], motivo)")
        params.append(sorted(set(motivos)))
    return " and ".join(f"({condicao})" for condicao in condicoes), params


def _com_conferencia(linhas: pd.DataFrame) -> pd.DataFrame:
    soma = linhas["carregados"] + linhas["quarentena"] + linhas["duplicados"]
    linhas["confere"] = (linhas["entrada"] == soma) & (linhas["arquivos_divergentes"] == 0)
    return linhas


def _ler_estado(sql: str, colunas: list[str], params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a query on the state database, opened read-only for this call only.

    A database that does not exist yet, or lacks the table (older than it), reads as empty.
    """
    registros = state.read_only_rows(get_settings().state_db, sql, tuple(params))
    if not registros:
        return pd.DataFrame(columns=colunas)
    return pd.DataFrame.from_records(registros, columns=colunas)


def _momento_utc(texto: str) -> datetime:
    momento = datetime.fromisoformat(texto)
    if momento.tzinfo is None:
        return momento.replace(tzinfo=UTC)
    return momento.astimezone(UTC)


def _utc_ingenuo(textos: pd.Series) -> pd.Series:
    """ISO 8601 texts with offsets -> naive UTC timestamps, like the marts' timestamps."""
    return pd.to_datetime(textos, utc=True, format="ISO8601").dt.tz_localize(None)


def _inteiro_ou_none(valor: Any) -> int | None:
    if isinstance(valor, bool) or not isinstance(valor, int | float):
        return None
    return int(valor)


def _tupla(lista: Any) -> tuple[str, ...]:
    """A DuckDB list from a result frame (NULL over no rows) as a tuple of strings."""
    if not pd.api.types.is_list_like(lista):
        return ()
    return tuple(str(valor) for valor in lista)


def _dia_ou_none(valor: Any) -> date | None:
    if valor is None or pd.isna(valor):
        return None
    return pd.Timestamp(valor).date()


def _filtro(
    usuario: Usuario,
    inicio: date,
    fim: date,
    campos: Sequence[str] | None,
    busca: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (fixed text with `?` placeholders) and its parameters, row scope first."""
    _exigir(usuario, Pagina.ALTERACOES_CADASTRAIS)
    escopo, params = _escopo(usuario)
    condicoes = [escopo, "data_local between ? and ?"]
    params += [inicio, fim]
    if campos:
        condicoes.append("list_contains(?::varchar[], campo)")
        params.append(sorted(set(campos)))
    busca = " ".join((busca or "").split())
    if busca.isascii() and busca.isdigit():
        # try_cast: a number too long for BIGINT simply matches nobody.
        condicoes.append("idpessoa = try_cast(? as bigint)")
        params.append(busca)
    elif busca:
        condicoes.append("contains(strip_accents(lower(nome)), strip_accents(lower(?)))")
        params.append(busca)
    return " and ".join(f"({condicao})" for condicao in condicoes), params


def _exigir(usuario: Usuario, pagina: Pagina) -> None:
    if not politica.pode_abrir(usuario, pagina):
        raise AcessoNegado(usuario)


def _escopo(usuario: Usuario) -> tuple[str, list[Any]]:
    """The user's row scope over a table with `idpessoa`, as SQL with its parameters.

    A corretor sees the people of `marts.carteira_clientes` linked to them, an imobiliária those
    of its brokers; a publication without that mart (older than it) shows them nobody.
    """
    if usuario.papel in (Papel.GESTOR, Papel.COMPLIANCE, Papel.ANALISTA):
        return "true", []
    if usuario.papel == Papel.CORRETOR:
        coluna, valor = "idcorretor", usuario.idcorretor
    elif usuario.papel == Papel.IMOBILIARIA:
        coluna, valor = "idimobiliaria", usuario.idimobiliaria
    else:
        return "false", []
    if valor is None or not _tabela_publicada("carteira_clientes"):
        return "false", []
    return f"idpessoa in (select idpessoa from marts.carteira_clientes where {coluna} = ?)", [valor]


def _tabela_publicada(tabela: str) -> bool:
    linhas = _consultar(
        """
        select count(*) as tabelas
        from information_schema.tables
        where table_schema = 'marts' and table_name = ?
        """,
        [tabela],
    )
    return int(linhas.at[0, "tabelas"]) > 0


def _mascarado(linhas: pd.DataFrame, visiveis: frozenset[Dado]) -> pd.DataFrame:
    """The change rows with CPF and each value masked unless its kind is visible."""
    if Dado.DOCUMENTO not in visiveis:
        linhas["documento"] = linhas["documento"].map(
            lambda documento: None if pd.isna(documento) else mascarar_cpf(documento)
        )
    ocultos = linhas["campo"].map(
        lambda campo: politica.dado_do_campo(campo) not in (None, *visiveis)
    )
    for coluna in ("valor_anterior", "valor_atual"):
        linhas[coluna] = [
            mascarar_campo(campo, None if pd.isna(valor) else valor) if oculto else valor
            for campo, valor, oculto in zip(linhas["campo"], linhas[coluna], ocultos, strict=True)
        ]
    return linhas


def _arquivo_atual() -> Path:
    """The publication `CURRENT` names, read afresh on every call."""
    arquivo = current_publication(get_settings().published_dir)
    if arquivo is None:
        raise SemPublicacao()
    return arquivo


def _consultar(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a query on the current publication (cached per publication file)."""
    return _executar(sql, params)[1]


def _executar(sql: str, params: Sequence[Any] = ()) -> tuple[Path, pd.DataFrame]:
    """Run a query on the current publication; also say which publication answered."""
    arquivo = _arquivo_atual()
    try:
        return arquivo, _consultar_publicacao(str(arquivo), sql, tuple(params))
    except duckdb.IOException:
        # The publisher may have replaced and removed this file between reading CURRENT and
        # opening it: try once more on whatever CURRENT names now.
        novo_arquivo = _arquivo_atual()
        if novo_arquivo == arquivo:
            raise
        return novo_arquivo, _consultar_publicacao(str(novo_arquivo), sql, tuple(params))


@st.cache_data(max_entries=512, show_spinner=False)
def _consultar_publicacao(arquivo: str, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    # The publication's full path is part of the cache key, so a new publication (or another data
    # folder) never gets an old answer.
    with duckdb.connect(arquivo, read_only=True) as conexao:
        return conexao.execute(sql, list(params)).df()


# --- Serasa ---------------------------------------------------------------------------------------

# The results of marts.serasa_consultas the page lists apart (docs/serasa.md, raw lake's table).
RESULTADOS_FALHA = ("falha", "invalido", "nao_encontrado")
RESULTADO_DESCONHECIDO = "desconhecido"
RESULTADO_RECUSADO = "recusado"

# How `uso_serasa` may group the calls: name -> the mart's columns (never user input).
AGRUPAMENTOS_SERASA = {
    "painel": ("painel",),
    "chave": ("chave",),
    "relatorio": ("relatorios", "report_name"),
}

# The calls a list of the "Serasa" page shows at most (newest first); the counts cover them all.
LIMITE_CONSULTAS_SERASA = 1000
# The credit summaries a search shows at most (latest query first).
LIMITE_RESUMOS_SERASA = 200

_COLUNAS_CONSULTAS_SERASA = [
    "id_consulta", "id_solicitacao", "formato", "painel", "usuario", "idusuario", "chave",
    "idpessoa", "tipo_pessoa", "relatorios", "report_name", "optional_features", "resultado",
    "http_status", "cobrada", "latencia_ms", "renovacoes_token", "motivo", "solicitado_em",
    "consultado_em", "data_consulta", "custo", "preco_conhecido",
]  # fmt: skip
_COLUNAS_RESUMO_SERASA = [
    "idpessoa", "nome", "documento", "score", "faixa_score", "modelo_score", "fonte_score",
    "score_em", "pefin_quantidade", "pefin_valor", "refin_quantidade", "refin_valor",
    "protestos_quantidade", "protestos_valor", "cheques_quantidade",
    "dividas_vencidas_quantidade", "dividas_vencidas_valor", "anotacoes_quantidade",
    "ultima_consulta_em", "ultima_consulta_formato", "consultas",
]  # fmt: skip
_DINHEIRO_RESUMO_SERASA = (
    "pefin_valor",
    "refin_valor",
    "protestos_valor",
    "dividas_vencidas_valor",
)
_INTEIROS_RESUMO_SERASA = (
    "idpessoa", "score", "pefin_quantidade", "refin_quantidade", "protestos_quantidade",
    "cheques_quantidade", "dividas_vencidas_quantidade", "anotacoes_quantidade", "consultas",
)  # fmt: skip


@dataclass(frozen=True)
class TotaisSerasa:
    """The Serasa calls the user may see in a period, counted."""

    consultas: int  # every row of marts.serasa_consultas (refused and reused included)
    cobradas: int  # cobrada true
    custo: Decimal  # the sum of `custo` (billed calls; the priced items of each)
    cobradas_sem_preco: int  # billed with an item that has no price: `custo` is a lower bound
    reutilizadas: int
    recusadas: int
    desconhecidas: int  # billing unknown: resent only by a user's decision
    falhas: int  # falha, invalido, nao_encontrado
    renovacoes_token: int


def consultas_serasa_publicadas(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.serasa_consultas` (older ones do not)."""
    _exigir(usuario, Pagina.SERASA)
    return _tabela_publicada("serasa_consultas")


def resumos_serasa_publicados(usuario: Usuario) -> bool:
    """Whether the current publication has `marts.serasa_resumo_cliente` (older ones do not)."""
    _exigir(usuario, Pagina.SERASA)
    return _tabela_publicada("serasa_resumo_cliente")


def totais_serasa(usuario: Usuario, inicio: date, fim: date) -> TotaisSerasa:
    """The user's Serasa calls of `inicio`..`fim` (data_consulta, São Paulo, inclusive),
    counted; all zero when the publication has no `marts.serasa_consultas`."""
    onde, params = _filtro_consultas_serasa(usuario, inicio, fim)
    if not _tabela_publicada("serasa_consultas"):
        return TotaisSerasa(0, 0, Decimal("0.00"), 0, 0, 0, 0, 0, 0)
    linha = _consultar(
        f"""
        select count(*) as consultas,
               count(*) filter (where cobrada) as cobradas,
               coalesce(sum(custo), 0)::decimal(18, 2)::varchar as custo,
               count(*) filter (where cobrada and preco_conhecido = false) as cobradas_sem_preco,
               count(*) filter (where resultado = 'reutilizado') as reutilizadas,
               count(*) filter (where resultado = 'recusado') as recusadas,
               count(*) filter (where resultado = 'desconhecido') as desconhecidas,
               count(*) filter (where list_contains(?::varchar[], resultado)) as falhas,
               coalesce(sum(renovacoes_token), 0) as renovacoes_token
        from marts.serasa_consultas
        where {onde}
        """,
        [list(RESULTADOS_FALHA), *params],
    ).iloc[0]
    return TotaisSerasa(
        consultas=int(linha["consultas"]),
        cobradas=int(linha["cobradas"]),
        custo=Decimal(str(linha["custo"])),
        cobradas_sem_preco=int(linha["cobradas_sem_preco"]),
        reutilizadas=int(linha["reutilizadas"]),
        recusadas=int(linha["recusadas"]),
        desconhecidas=int(linha["desconhecidas"]),
        falhas=int(linha["falhas"]),
        renovacoes_token=int(linha["renovacoes_token"]),
    )


def uso_serasa(usuario: Usuario, inicio: date, fim: date, por: str) -> pd.DataFrame:
    """The user's Serasa calls of `inicio`..`fim` grouped `por` one of AGRUPAMENTOS_SERASA
    ("painel", "chave", "relatorio": relatorios and report_name), most expensive first.

    Columns: the group's (NULL for legacy archives, which have no panel or key), consultas,
    cobradas, cobradas_sem_preco (billed with an item that has no configured price: custo is
    then a lower bound), as integers, and custo (Decimal; 0.00 when nothing was billed).
    Empty when the publication has no `marts.serasa_consultas`.
    """
    if por not in AGRUPAMENTOS_SERASA:
        raise ValueError(f"unknown grouping {por!r}; one of {sorted(AGRUPAMENTOS_SERASA)}")
    grupo = AGRUPAMENTOS_SERASA[por]
    colunas = [*grupo, "consultas", "cobradas", "cobradas_sem_preco", "custo"]
    onde, params = _filtro_consultas_serasa(usuario, inicio, fim)
    if not _tabela_publicada("serasa_consultas"):
        return pd.DataFrame(columns=colunas)
    chaves = ", ".join(grupo)
    linhas = _consultar(
        f"""
        select {chaves}, count(*) as consultas,
               count(*) filter (where cobrada) as cobradas,
               count(*) filter (where cobrada and preco_conhecido = false) as cobradas_sem_preco,
               coalesce(sum(custo), 0)::decimal(18, 2)::varchar as custo
        from marts.serasa_consultas
        where {onde}
        group by {chaves}
        order by sum(custo) desc nulls last, count(*) desc,
                 {", ".join(f"{coluna} nulls last" for coluna in grupo)}
        """,
        params,
    )
    for coluna in ("consultas", "cobradas", "cobradas_sem_preco"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("int64")
    linhas["custo"] = pd.Series(
        [Decimal(str(valor)) for valor in linhas["custo"]], index=linhas.index, dtype=object
    )
    return linhas[colunas]


def consultas_serasa(
    usuario: Usuario,
    inicio: date,
    fim: date,
    resultados: Sequence[str] | None = None,
    limite: int | None = None,
) -> pd.DataFrame:
    """The user's Serasa calls of `inicio`..`fim` whose resultado is one of `resultados` (empty
    or None: any), newest first, at most `limite`.

    Columns id_consulta, id_solicitacao, formato, painel, usuario, idusuario, chave, idpessoa,
    tipo_pessoa, relatorios, report_name, optional_features, resultado, http_status, cobrada
    (None when unknown), latencia_ms, renovacoes_token, motivo, solicitado_em, consultado_em
    (naive UTC), data_consulta (date), custo (Decimal or None), preco_conhecido. No personal data
    but the client's ID. Empty when the publication has no `marts.serasa_consultas`.
    """
    onde, params = _filtro_consultas_serasa(usuario, inicio, fim)
    if not _tabela_publicada("serasa_consultas"):
        return pd.DataFrame(columns=_COLUNAS_CONSULTAS_SERASA)
    if resultados:
        onde += " and list_contains(?::varchar[], resultado)"
        params.append(sorted(set(resultados)))
    selecao = ", ".join(
        "custo::varchar as custo" if coluna == "custo" else coluna
        for coluna in _COLUNAS_CONSULTAS_SERASA
    )
    sql = f"""
        select {selecao}
        from marts.serasa_consultas
        where {onde}
        order by coalesce(solicitado_em, consultado_em) desc nulls last, id_consulta desc
    """
    if limite is not None:
        sql += " limit ?"
        params.append(max(int(limite), 0))
    linhas = _consultar(sql, params)
    for coluna in ("idusuario", "idpessoa", "http_status", "latencia_ms", "renovacoes_token"):
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    for coluna in ("solicitado_em", "consultado_em"):
        linhas[coluna] = pd.to_datetime(linhas[coluna])
    linhas["data_consulta"] = pd.Series(
        [_dia_ou_none(valor) for valor in linhas["data_consulta"]], index=linhas.index, dtype=object
    )
    linhas["custo"] = pd.Series(
        [_decimal_ou_none(valor) for valor in linhas["custo"]], index=linhas.index, dtype=object
    )
    for coluna in ("cobrada", "preco_conhecido"):
        linhas[coluna] = pd.Series(
            [None if _nulo(valor) else bool(valor) for valor in linhas[coluna]],
            index=linhas.index,
            dtype=object,
        )
    return linhas


def resumos_credito(
    usuario: Usuario,
    busca: str | None = None,
    revelar: bool = False,
    limite: int = LIMITE_RESUMOS_SERASA,
) -> tuple[pd.DataFrame, int]:
    """The credit summaries (marts.serasa_resumo_cliente) of the user's clients, latest query
    first, at most `limite`; and how many match in all.

    `busca` is an exact idpessoa when it is all digits, else part of the client's name ignoring
    accents and case; empty lists every client. Columns idpessoa, nome, documento (the CPF,
    masked unless the role sees it), score, faixa_score, modelo_score, fonte_score, score_em,
    the quantity and total value per kind (pefin, refin, protestos, dividas_vencidas; cheques
    has a quantity only), anotacoes_quantidade, ultima_consulta_em, ultima_consulta_formato,
    consultas; money as Decimal, timestamps naive UTC. `revelar` unmasks what the role may
    reveal and records it in the audit (AcessoNegado if the role may reveal nothing).
    Empty when the publication has no `marts.serasa_resumo_cliente`.
    """
    _exigir(usuario, Pagina.SERASA)
    if revelar and not politica.pode_revelar(usuario):
        raise AcessoNegado(usuario)
    if not _tabela_publicada("serasa_resumo_cliente"):
        return pd.DataFrame(columns=_COLUNAS_RESUMO_SERASA), 0
    # The row scope applies to the mart itself, before the people are joined.
    escopo, params = _escopo(usuario)
    condicoes = ["true"]
    busca = " ".join((busca or "").split())
    if busca.isascii() and busca.isdigit():
        condicoes.append("resumo.idpessoa = try_cast(? as bigint)")
        params.append(busca)
    elif busca:
        condicoes.append("contains(strip_accents(lower(resumo.nome)), strip_accents(lower(?)))")
        params.append(busca)
    selecao = ", ".join(
        f"resumo.{coluna}::varchar as {coluna}" if coluna in _DINHEIRO_RESUMO_SERASA
        else f"resumo.{coluna} as {coluna}"
        for coluna in _COLUNAS_RESUMO_SERASA
    )  # fmt: skip
    linhas = _consultar(
        f"""
        select {selecao}, count(*) over () as encontrados
        from (select * from marts.serasa_resumo_cliente where {escopo}) as resumo
        where {" and ".join(f"({condicao})" for condicao in condicoes)}
        order by resumo.ultima_consulta_em desc nulls last, resumo.idpessoa
        limit ?
        """,
        [*params, max(int(limite), 0)],
    )
    encontrados = int(linhas.at[0, "encontrados"]) if not linhas.empty else 0
    linhas = linhas.drop(columns="encontrados")
    for coluna in _INTEIROS_RESUMO_SERASA:
        linhas[coluna] = pd.to_numeric(linhas[coluna]).astype("Int64")
    for coluna in _DINHEIRO_RESUMO_SERASA:
        linhas[coluna] = pd.Series(
            [_decimal_ou_none(valor) for valor in linhas[coluna]], index=linhas.index, dtype=object
        )
    for coluna in ("score_em", "ultima_consulta_em"):
        linhas[coluna] = pd.to_datetime(linhas[coluna])
    if revelar:
        _auditar_revelacao(
            usuario, Pagina.SERASA, filtros_serasa(busca, sem_mascara=True), len(linhas)
        )
    if Dado.DOCUMENTO not in politica.visiveis(usuario, revelar):
        linhas["documento"] = linhas["documento"].map(
            lambda documento: None if pd.isna(documento) else mascarar_cpf(documento)
        )
    return linhas, encontrados


def filtros_serasa(busca: str | None, sem_mascara: bool) -> dict[str, Any]:
    """The filters an audit row of the "Serasa" page records (the search, trimmed)."""
    return {"busca": " ".join((busca or "").split()), "sem_mascara": sem_mascara}


def _filtro_consultas_serasa(usuario: Usuario, inicio: date, fim: date) -> tuple[str, list[Any]]:
    """The WHERE clause over marts.serasa_consultas (row scope first) and its parameters."""
    _exigir(usuario, Pagina.SERASA)
    escopo, params = _escopo_consultas_serasa(usuario)
    return f"({escopo}) and (data_consulta between ? and ?)", [*params, inicio, fim]


def _escopo_consultas_serasa(usuario: Usuario) -> tuple[str, list[Any]]:
    """The user's row scope over marts.serasa_consultas, by who asked, not by client.

    A corretor sees the calls made in their own corretor panel (idusuario = their CRM id); an
    imobiliária those of its own panel and of the corretor panels of its brokers (the brokers
    `marts.carteira_clientes` gives it, as for its clients: a publication without that mart
    shows it its own panel's only); the gestor every one (legacy archives included); anyone
    else none.
    """
    if usuario.papel == Papel.GESTOR:
        return "true", []
    if usuario.papel == Papel.CORRETOR and usuario.idcorretor is not None:
        return "painel = 'corretor' and idusuario = ?", [usuario.idcorretor]
    if usuario.papel == Papel.IMOBILIARIA and usuario.idimobiliaria is not None:
        proprio = "painel = 'imobiliaria' and idusuario = ?"
        if not _tabela_publicada("carteira_clientes"):
            return proprio, [usuario.idimobiliaria]
        corretores = (
            "painel = 'corretor' and idusuario in "
            "(select idcorretor from marts.carteira_clientes where idimobiliaria = ?)"
        )
        return f"({proprio}) or ({corretores})", [usuario.idimobiliaria, usuario.idimobiliaria]
    return "false", []
