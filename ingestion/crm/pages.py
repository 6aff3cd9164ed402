"""CRM pages (CVDW envelopes, saved as received in landing/crm/<table>/) -> raw Parquet.

Rows are versions keyed by (referencia, referencia_data) and their content (DESIGN.md, "Input
accounting"). Every
value is kept as text, as the API sends most of them, except the object's id; staging parses.
A row that is not an object, or lacks its key or id, goes to quarantine with the reason. Pages and
rows are judged in DuckDB, a batch of pages per statement. The CPF keyed hash is computed by a
Python function that DuckDB calls, so its key never appears in SQL, compiled files or logs.
"""

from __future__ import annotations

import contextlib
import functools
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
from ingestion.crm.objects import CrmObject, by_table, raw_schema
from ingestion.landing import FileOutcome, PendingFile, ingest_new_files, write_file_outputs
from ingestion.settings import Settings

SOURCE = "crm"
# A version is the row's key and its content: a row that changes without its referencia_data
# moving (child objects keep their creation date; a sweep brings such changes) is a new version,
# never a conflict. An exact repeat is a duplicate.
VERSION_KEY = ["referencia", "referencia_data", "content_hash"]
# A row field becomes a lake column when its name is a plain identifier (every CVDW field is).
_COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_GENERATED = {"cpf_hash", "content_hash", "source_file", "line_no", "ingested_at", "file_no",
              "_content"}  # fmt: skip


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


def _row_reason(id_field: str) -> str:
    missing = "coalesce(json_type(k[{i}]), 'NULL') = 'NULL' or k[{i}] ->> '$' = ''"
    return f"""case
    when json_type(row) <> 'OBJECT' then 'bad_type:row'
    when {missing.format(i=1)} then 'missing_field:referencia'
    when {missing.format(i=2)} then 'missing_field:referencia_data'
    when {missing.format(i=3)} then 'missing_field:{id_field}'
    when try_cast(k[3] ->> '$' as bigint) is null then 'bad_type:{id_field}'
end"""


def judge_rows(
    con: duckdb.DuckDBPyConnection, settings: Settings, obj: CrmObject, rows_relation: str
) -> None:
    """Judge rows (file_no, line_no, row JSON text) into temp table `rejected` (file_no, line_no,
    reason, content) and `classified` (the valid rows as lake columns, with their outcome against
    the lake: loaded, duplicate or conflict). Each row is parsed once per step: its fields come
    out together as a list of small JSON values."""
    id_field = obj.id_field
    con.execute(
        f"""create or replace temp table judged_rows as
            select file_no, line_no, row, {_row_reason(id_field)} as reason
            from (
                select *, case when json_type(row) = 'OBJECT' then json_extract(
                    row, ['$.referencia', '$.referencia_data', '$.{id_field}']) end as k
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
        ({key for (key,) in found if _COLUMN_NAME.match(key)} | set(obj.columns))
        - _GENERATED
        - {id_field}
    )
    # One pass per row: every field as text (a string as is, null as NULL, anything else as its
    # JSON text); the id as an integer (checked above: a number, or a string of one).
    structure = json.dumps(dict.fromkeys(keys, "VARCHAR"))
    columns = ", ".join(f"t.{_quoted(key)} as {_quoted(key)}" for key in keys)
    cpf_hash = "null::varchar"
    if obj.cpf_field:
        _register_cpf_hash(con, settings.cpf_hash_key.get_secret_value())
        cpf_hash = f"cpf_hash(t.{obj.cpf_field})"
    con.execute(
        f"""create or replace temp table valid as
            select file_no, line_no, {columns},
                   cast(json_extract_string(row, '$.{id_field}') as bigint) as {id_field},
                   {cpf_hash} as cpf_hash,
                   md5(row) as content_hash,
                   row::varchar as _content
            from (
                select *, json_transform(row, {lake.sql_string(structure)}) as t
                from judged_rows where reason is null
            )"""
    )
    if not obj.cpf_field:
        con.execute("alter table valid drop column cpf_hash")
    dedup.classify(con, "valid", VERSION_KEY, lake.table_glob(settings.raw_dir, SOURCE, obj.table))


def _quoted(name: str) -> str:
    return f'"{name}"'


def loaded_sql(ingested_at: datetime) -> str:
    return f"""
        select * exclude (outcome, _content), '{ingested_at.isoformat()}'::timestamp as ingested_at
        from classified where outcome = 'loaded'"""


# Versions never conflict (VERSION_KEY holds the content): only rejected rows go to quarantine.
REJECTED_SQL = "select file_no, line_no, reason, content from rejected"


def ingest_batch(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    batch: list[PendingFile],
    load_date: str,
    obj: CrmObject,
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
    judge_rows(con, settings, obj, "page_rows")
    # A page that is not an envelope is kept whole, as text people can read (bad bytes replaced).
    for (file_no,) in con.execute("select file_no from envelopes where not is_envelope").fetchall():
        readable = pages[file_no].decode("utf-8", errors="replace")
        con.execute("insert into rejected values (?, null, 'invalid_page', ?)", [file_no, readable])
    outcomes = write_file_outputs(
        con,
        settings,
        SOURCE,
        obj.table,
        load_date,
        batch,
        loaded_sql=loaded_sql(datetime.now(UTC).replace(tzinfo=None)),
        quarantine_sql=REJECTED_SQL,
        records_sql="select file_no from valid union all select file_no from rejected",
    )
    con.unregister("pages")
    return outcomes


def ingest_pages(
    settings: Settings,
    table: str,
    load_date: str,
    progress: Callable[[str], None] = lambda _: None,
) -> IngestReport:
    """Ingest every new page file under landing/crm/<table> into the raw lake."""
    obj = by_table(table)
    return ingest_new_files(
        settings,
        SOURCE,
        obj.table,
        settings.landing_dir / SOURCE / obj.table,
        "pagina-*.json",
        raw_schema(obj),
        functools.partial(ingest_batch, obj=obj),
        load_date,
        progress,
        # A page is one large JSON value that every check parses whole: a small batch keeps the
        # parsing of a batch's pages well inside DuckDB's memory limit.
        batch_bytes=16 << 20,
    )
