"""CRM people: CVDW `pessoas` pages (saved as received) -> raw Parquet, versions kept.

Rows are versions keyed by (referencia, referencia_data) (DESIGN.md, "Input accounting"). Every
value is kept as text, as the API sends most of them; staging parses. The CPF keyed hash is
computed here, never in SQL, so its key stays out of compiled SQL and logs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import dedup, lake, state
from ingestion.accounting import IngestReport
from ingestion.lake import sql_string
from ingestion.landing import ingest_new_files
from ingestion.quarantine import write_quarantine
from ingestion.settings import Settings

SOURCE, TABLE = "crm", "pessoas"
KEY = ["referencia", "referencia_data"]
ENVELOPE_KEYS = {"pagina", "total_de_paginas", "dados"}

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


def cpf_keyed_hash(documento: str | None, key: str) -> str | None:
    digits = "".join(ch for ch in documento or "" if ch.isdigit())
    if len(digits) != 11:
        return None
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _row_reason(row: object) -> str | None:
    if not isinstance(row, dict):
        return "bad_type:row"
    for key in ("referencia", "referencia_data", "idpessoa"):
        if row.get(key) in (None, ""):
            return f"missing_field:{key}"
    if not isinstance(row["idpessoa"], int) or isinstance(row["idpessoa"], bool):
        return "bad_type:idpessoa"
    return None


def _page_rows(page_bytes: bytes, hash_key: str) -> tuple[list[dict], list[dict]] | None:
    """(valid rows as text, rejected rows) or None when the page is not a CVDW envelope."""
    try:
        page = json.loads(page_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(page, dict) or not page.keys() >= ENVELOPE_KEYS:
        return None
    if not isinstance(page["dados"], list):
        return None
    valid, rejected = [], []
    for line_no, row in enumerate(page["dados"], start=1):
        content = json.dumps(row, ensure_ascii=False, sort_keys=True)
        reason = _row_reason(row)
        if reason:
            rejected.append({"line_no": line_no, "reason": reason, "content": content})
            continue
        text_row = {k: _as_text(v) for k, v in row.items() if k != "idpessoa"}
        text_row["idpessoa"] = row["idpessoa"]
        text_row["cpf_hash"] = cpf_keyed_hash(text_row.get("documento"), hash_key)
        text_row["content_hash"] = hashlib.md5(content.encode()).hexdigest()
        text_row["line_no"] = line_no
        text_row["_content"] = content
        valid.append(text_row)
    return valid, rejected


def _text_table(rows: list[dict]) -> pa.Table:
    """Rows with differing keys -> one table: the union of keys, text but for the integer ids."""
    if not rows:
        return RAW_SCHEMA.empty_table()
    columns = dict.fromkeys(key for row in rows for key in row)
    return pa.table(
        {
            name: pa.array(
                [row.get(name) for row in rows],
                pa.int64() if name in ("idpessoa", "line_no") else pa.string(),
            )
            for name in columns
        }
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    path: Path,
    sha256: str,
    load_date: str,
    stem: str,
) -> tuple[state.FileCounts, dict[str, int]]:
    source_file = sql_string(str(path.relative_to(settings.landing_dir)))
    page_bytes = path.read_bytes()
    parsed = _page_rows(page_bytes, settings.cpf_hash_key)
    if parsed is None:
        con.register("page", pa.table({"content": [page_bytes.decode("utf-8", errors="replace")]}))
        rows_query = f"select {source_file} as source_file, null::bigint as line_no, "
        rows_query += "'invalid_page' as reason, content from page"
        write_quarantine(con, settings.quarantine_dir, SOURCE, TABLE, load_date, stem, rows_query)
        return state.FileCounts(str(path), sha256, 1, 0, 1, 0), {"invalid_page": 1}

    valid_rows, rejected_rows = parsed
    con.register("valid", _text_table(valid_rows))
    rejected = pa.Table.from_pylist(
        rejected_rows,
        schema=pa.schema(
            [("line_no", pa.int64()), ("reason", pa.string()), ("content", pa.string())]
        ),
    )
    con.register("rejected", rejected)
    dedup.classify(con, "valid", KEY)
    ingested_at = datetime.now(UTC).replace(tzinfo=None).isoformat()
    lake.copy_query_to_parquet(
        con,
        f"""select * exclude (outcome, _content), {source_file} as source_file,
                   '{ingested_at}'::timestamp as ingested_at
            from classified where outcome = 'loaded' order by line_no""",
        lake.partition_dir(settings.raw_dir, SOURCE, TABLE, load_date) / f"{stem}.parquet",
    )
    quarantine_rows = f"""
        select {source_file} as source_file, line_no, reason, content from rejected
        union all
        select {source_file}, line_no, 'conflict:referencia', _content
        from classified where outcome = 'conflict'
        order by line_no"""
    reasons = dict(
        con.execute(f"select reason, count(*) from ({quarantine_rows}) group by 1").fetchall()
    )
    if reasons:
        write_quarantine(
            con, settings.quarantine_dir, SOURCE, TABLE, load_date, stem, quarantine_rows
        )
    loaded, duplicates = con.execute(
        "select count(*) filter (where outcome = 'loaded'), "
        "count(*) filter (where outcome = 'duplicate') from classified"
    ).fetchall()[0]
    quarantined = sum(reasons.values())
    records_in = len(valid_rows) + len(rejected_rows)
    return state.FileCounts(str(path), sha256, records_in, loaded, quarantined, duplicates), reasons


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
        KEY,
        ingest_file,
        load_date,
        progress,
    )
