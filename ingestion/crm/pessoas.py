"""CRM people: CVDW `pessoas` pages (saved as received) -> raw Parquet, versions kept.

Rows are versions keyed by (referencia, referencia_data) (DESIGN.md, "Input accounting"). Every
value is kept as text, as the API sends most of them; staging parses. Pages and rows are judged in
DuckDB, a batch of pages per statement. The CPF keyed hash is computed by a Python function that
DuckDB calls, so its key never appears in SQL, compiled files or logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.landing import FileOutcome, PendingFile, ingest_new_files, write_file_outputs
from ingestion.settings import Settings

SOURCE, TABLE = "crm", "pessoas"
KEY = ["referencia", "referencia_data"]

# Columns staging reads: present in the lake's schema file even before the first page arrives.
TEXT_COLUMNS = (
    "referencia", "referencia_data", "ativo", "data_cad", "ativo_login", "situacao",
    "documento_tipo", "documento", "cpf_hash", "nome", "rg", "renda_familiar", "cep",
    "logradouro", "endereco", "numero", "complemento", "bairro", "cidade", "estado",
    "content_hash", "source_file",
)  # fmt: skip
RAW_SCHEMA = pa.schema(
    [(name, pa.string()) for name in TEXT_COLUMNS]
    + [("idpessoa", pa.int64()), ("line_no", pa.int64()), ("ingested_at", pa.timestamp("us"))]
)
# A row field becomes a lake column when its name is a plain identifier (every CVDW field is).
_COLUMN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_GENERATED = {"idpessoa", "cpf_hash", "content_hash", "source_file", "line_no", "ingested_at",
              "file_no", "_content"}  # fmt: skip


def cpf_keyed_hash(documento: str | None, key: str) -> str | None:
    digits = "".join(ch for ch in documento or "" if ch.isdigit())
    if len(digits) != 11:
        return None
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _register_cpf_hash(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """SQL function cpf_hash(documento): the key stays in this closure, never in SQL text."""

    def cpf_hash(documentos: pa.Array) -> pa.Array:
        return pa.array([cpf_keyed_hash(d, key) for d in documentos.to_pylist()], pa.string())

    with contextlib.suppress(duckdb.InvalidInputException):  # registered by an earlier batch
        con.remove_function("cpf_hash")
    con.create_function(
        "cpf_hash", cpf_hash, ["VARCHAR"], "VARCHAR", type="arrow", null_handling="special"
    )


_ROW_REASON = """case
    when json_type(row) <> 'OBJECT' then 'bad_type:row'
    when coalesce(json_type(k[1]), 'NULL') = 'NULL' or k[1] ->> '$' = ''
        then 'missing_field:referencia'
    when coalesce(json_type(k[2]), 'NULL') = 'NULL' or k[2] ->> '$' = ''
        then 'missing_field:referencia_data'
    when coalesce(json_type(k[3]), 'NULL') = 'NULL' or k[3] ->> '$' = ''
        then 'missing_field:idpessoa'
    when json_type(k[3]) not in ('BIGINT', 'UBIGINT') then 'bad_type:idpessoa'
end"""


def judge_rows(con: duckdb.DuckDBPyConnection, settings: Settings, rows_relation: str) -> None:
    """Judge rows (file_no, line_no, row JSON text) into temp table `rejected` (file_no, line_no,
    reason, content) and `classified` (the valid rows as lake columns, with their outcome against
    the lake: loaded, duplicate or conflict). Each row is parsed once per step: its fields come
    out together as a list of small JSON values."""
    con.execute(
        f"""create or replace temp table judged_rows as
            select file_no, line_no, row, {_ROW_REASON} as reason
            from (
                select *, case when json_type(row) = 'OBJECT' then
                    json_extract(row, ['$.referencia', '$.referencia_data', '$.idpessoa']) end as k
                from {rows_relation}
            )"""
    )
    con.execute(
        """create or replace temp table rejected as
           select file_no, line_no, reason, row::varchar as content from judged_rows
           where reason is not null"""
    )
    found = con.execute(
        "select distinct unnest(json_keys(row)) from judged_rows where reason is null"
    ).fetchall()
    keys = sorted(
        {key for (key,) in found if _COLUMN_NAME.match(key)} - _GENERATED
        | {c for c in TEXT_COLUMNS if c not in _GENERATED}
    )
    # One pass per row: every field as text (a string as is, null as NULL, anything else as its
    # JSON), idpessoa as an integer (its type was checked above).
    structure = json.dumps({**dict.fromkeys(keys, "VARCHAR"), "idpessoa": "BIGINT"})
    columns = ", ".join(f"t.{key} as {key}" for key in keys)
    _register_cpf_hash(con, settings.cpf_hash_key)
    con.execute(
        f"""create or replace temp table valid as
            select file_no, line_no, {columns}, t.idpessoa as idpessoa,
                   cpf_hash(t.documento) as cpf_hash,
                   md5(row) as content_hash,
                   row::varchar as _content
            from (
                select *, json_transform(row, {lake.sql_string(structure)}) as t
                from judged_rows where reason is null
            )"""
    )
    dedup.classify(con, "valid", KEY, lake.table_glob(settings.raw_dir, SOURCE, TABLE))


def loaded_sql(ingested_at: datetime) -> str:
    return f"""
        select * exclude (outcome, _content), '{ingested_at.isoformat()}'::timestamp as ingested_at
        from classified where outcome = 'loaded'"""


REJECTED_SQL = """
    select file_no, line_no, reason, content from rejected
    union all
    select file_no, line_no, 'conflict:referencia', _content from classified
    where outcome = 'conflict'"""


def ingest_batch(
    con: duckdb.DuckDBPyConnection, settings: Settings, batch: list[PendingFile], load_date: str
) -> list[FileOutcome]:
    pages = [pending.path.read_bytes() for pending in batch]
    con.register(
        "pages",
        pa.table(
            {
                "file_no": pa.array([pending.file_no for pending in batch], pa.int64()),
                "raw": pa.array(pages, pa.binary()),
            }
        ),
    )
    # Each page is parsed once for its envelope; its `dados` array once more for its rows.
    con.execute(
        """create or replace temp table envelopes as
           select file_no,
                  coalesce(e[1] is not null and e[2] is not null and json_type(e[3]) = 'ARRAY',
                           false) as is_envelope,
                  e[3] as dados
           from (
               select file_no,
                      case when json_valid(text) and starts_with(ltrim(text), '{') then
                          json_extract(text, ['$.pagina', '$.total_de_paginas', '$.dados'])
                      end as e
               from (select file_no, try(decode(raw)) as text from pages)
           )"""
    )
    con.execute(
        """create or replace temp table page_rows as
           select file_no,
                  unnest(range(1, json_array_length(dados)::bigint + 1)) as line_no,
                  unnest(json_extract(dados, '$[*]')) as row
           from envelopes where is_envelope"""
    )
    judge_rows(con, settings, "page_rows")
    # A page that is not an envelope is kept whole, as text people can read (bad bytes replaced).
    for (file_no,) in con.execute("select file_no from envelopes where not is_envelope").fetchall():
        readable = pages[file_no].decode("utf-8", errors="replace")
        con.execute("insert into rejected values (?, null, 'invalid_page', ?)", [file_no, readable])
    outcomes = write_file_outputs(
        con,
        settings,
        SOURCE,
        TABLE,
        load_date,
        batch,
        loaded_sql=loaded_sql(datetime.now(UTC).replace(tzinfo=None)),
        quarantine_sql=REJECTED_SQL,
        records_sql="select file_no from valid union all select file_no from rejected",
    )
    con.unregister("pages")
    return outcomes


def ingest_pessoas_pages(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    """Ingest every new page file under landing/crm/pessoas into the raw lake."""
    return ingest_new_files(
        settings,
        SOURCE,
        TABLE,
        settings.landing_dir / SOURCE / TABLE,
        "*.json",
        RAW_SCHEMA,
        ingest_batch,
        load_date,
        progress,
        # A page is one large JSON value that every check parses whole: a small batch keeps the
        # parsing of a batch's pages well inside DuckDB's memory limit.
        batch_bytes=16 << 20,
    )
