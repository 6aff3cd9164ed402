"""The only module that opens the published warehouse.

Pages call the functions below and never open DuckDB or build file paths themselves, so the rules
that protect the data live here once:

- every query opens the current publication read-only and closes it afterwards, so the pipeline
  can publish at any time and the dashboards never hold a lock;
- the `CURRENT` pointer is re-read on every call, so a new publication shows up without a restart;
- results are cached per (publication file, SQL, parameters); a publication never changes once
  `CURRENT` points at it, so a cached answer can only go stale by the pointer moving on;
- SQL is parameterised, never built from user input;
- row scope and CPF masking follow the viewer's role (from configuration until login exists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.formatacao import mascarar_cpf
from ingestion.settings import get_settings
from orchestration.lib.publish import current_publication

SEM_PUBLICACAO = "Nenhuma publicação disponível ainda: rode `alicerce run`."


class Papel(StrEnum):
    GESTOR = "gestor"
    COMPLIANCE = "compliance"
    ANALISTA = "analista"
    IMOBILIARIA = "imobiliaria"
    CORRETOR = "corretor"


# Row scope of the change report per role, as a fixed SQL predicate (never user input). Brokers and
# brokerages may only see their own clients; the broker-client link is not published yet, so they
# see nothing rather than everything until the access issue brings it.
_ESCOPO_ALTERACOES: dict[Papel, str] = {
    Papel.GESTOR: "true",
    Papel.COMPLIANCE: "true",
    Papel.ANALISTA: "true",
}

# Roles allowed to see a full CPF. Empty until the access issue defines who may.
_PAPEIS_QUE_VEEM_CPF: frozenset[Papel] = frozenset()


class SemPublicacao(RuntimeError):
    """No publication exists yet (the pipeline has never published)."""

    def __init__(self) -> None:
        super().__init__(SEM_PUBLICACAO)


@dataclass(frozen=True)
class Publicacao:
    arquivo: str
    publicado_em: datetime  # aware, UTC
    run_id: str


@dataclass(frozen=True)
class Indicadores:
    total_alteracoes: int
    clientes: int


def papel_atual() -> str:
    """The viewer's role: setting ALICERCE_PAPEL (default "gestor") until login exists."""
    return get_settings().papel.strip().lower()


def pode_ver_alteracoes_cadastrais() -> bool:
    """Whether the viewer's role may open the registration-change report."""
    return _escopo_alteracoes() != "false"


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
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> pd.DataFrame:
    """One row per changed field in the period, newest first, with the CPF masked.

    Columns: id_evento, idpessoa, nome, documento, campo, valor_anterior, valor_atual, alterado_em
    (naive UTC), data_local (São Paulo date), origem. `campos` empty or None means every field;
    `busca` matches the client's name ignoring accents and case, or is an exact idpessoa when it is
    all digits.
    """
    onde, params = _filtro(inicio, fim, campos, busca)
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
    linhas["documento"] = _documentos_para_o_papel(linhas["documento"])
    return linhas


def indicadores(
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> Indicadores:
    """Total changes and distinct clients for the same filters as `alteracoes`."""
    onde, params = _filtro(inicio, fim, campos, busca)
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
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> pd.DataFrame:
    """Columns campo, alteracoes: changes per field, most changed first."""
    onde, params = _filtro(inicio, fim, campos, busca)
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
    inicio: date,
    fim: date,
    campos: Sequence[str] | None = None,
    busca: str | None = None,
) -> pd.DataFrame:
    """Columns data_local (São Paulo date), alteracoes: changes per day that had any."""
    onde, params = _filtro(inicio, fim, campos, busca)
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


def _filtro(
    inicio: date,
    fim: date,
    campos: Sequence[str] | None,
    busca: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (fixed text with `?` placeholders) and its parameters."""
    condicoes = [_escopo_alteracoes(), "data_local between ? and ?"]
    params: list[Any] = [inicio, fim]
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


def _escopo_alteracoes() -> str:
    try:
        papel = Papel(papel_atual())
    except ValueError:
        return "false"  # an unknown role sees nothing
    return _ESCOPO_ALTERACOES.get(papel, "false")


def _documentos_para_o_papel(documentos: pd.Series) -> pd.Series:
    try:
        papel = Papel(papel_atual())
    except ValueError:
        papel = None
    if papel in _PAPEIS_QUE_VEEM_CPF:
        return documentos
    return documentos.map(lambda documento: None if pd.isna(documento) else mascarar_cpf(documento))


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
