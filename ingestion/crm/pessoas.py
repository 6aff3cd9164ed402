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

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.landing import FileOutcome, PendingFile, ingest_new_files, write_file_outputs
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


def judge_row(row: object, file_no: int, line_no: int, hash_key: str) -> tuple[dict, bool]:
    """A CVDW row as (text row ready to load, True), or (rejected row with its reason, False)."""
    content = json.dumps(row, ensure_ascii=False, sort_keys=True)
    reason = _row_reason(row)
    if reason:
        return {"file_no": file_no, "line_no": line_no, "reason": reason, "content": content}, False
    text_row = {k: _as_text(v) for k, v in row.items() if k != "idpessoa"}
    text_row["idpessoa"] = row["idpessoa"]
    text_row["cpf_hash"] = cpf_keyed_hash(text_row.get("documento"), hash_key)
    text_row["content_hash"] = hashlib.md5(content.encode()).hexdigest()
    text_row["file_no"] = file_no
    text_row["line_no"] = line_no
    text_row["_content"] = content
    return text_row, True


def _page_rows(page_bytes: bytes) -> list | None:
    """The page's rows, or None when the page is not a CVDW envelope."""
    try:
        page = json.loads(page_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(page, dict) or not page.keys() >= ENVELOPE_KEYS:
        return None
    if not isinstance(page["dados"], list):
        return None
    return page["dados"]


def _text_table(rows: list[dict]) -> pa.Table:
    """Rows with differing keys -> one table: the union of keys, text but for the integer ids."""
    if not rows:
        names = [n for n in RAW_SCHEMA.names if n not in ("source_file", "ingested_at")]
        return pa.schema(
            [RAW_SCHEMA.field(n) for n in names]
            + [pa.field("file_no", pa.int64()), pa.field("_content", pa.string())]
        ).empty_table()
    columns = dict.fromkeys(key for row in rows for key in row)
    return pa.table(
        {
            name: pa.array(
                [row.get(name) for row in rows],
                pa.int64() if name in ("idpessoa", "line_no", "file_no") else pa.string(),
            )
            for name in columns
        }
    )


REJECTED_SCHEMA = pa.schema(
    [("file_no", pa.int64()), ("line_no", pa.int64()), ("reason", pa.string()),
     ("content", pa.string())]
)  # fmt: skip


def judge(
    con: duckdb.DuckDBPyConnection, settings: Settings, valid: list[dict], rejected: list[dict]
) -> None:
    """Register the judged rows as `valid` and `rejected`, and classify the valid ones against
    the lake into temp table `classified` (loaded, duplicate or conflict)."""
    con.register("valid", _text_table(valid))
    con.register("rejected", pa.Table.from_pylist(rejected, schema=REJECTED_SCHEMA))
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
    valid: list[dict] = []
    rejected: list[dict] = []
    for pending in batch:
        page_bytes = pending.path.read_bytes()
        rows = _page_rows(page_bytes)
        if rows is None:
            content = page_bytes.decode("utf-8", errors="replace")
            rejected.append(
                {"file_no": pending.file_no, "line_no": None, "reason": "invalid_page",
                 "content": content}
            )  # fmt: skip
            continue
        for line_no, row in enumerate(rows, start=1):
            judged, ok = judge_row(row, pending.file_no, line_no, settings.cpf_hash_key)
            (valid if ok else rejected).append(judged)
    judge(con, settings, valid, rejected)
    outcomes = write_file_outputs(
        con,
        settings,
        SOURCE,
        TABLE,
        load_date,
        batch,
        loaded_sql=loaded_sql(datetime.now(UTC).replace(tzinfo=None)),
        quarantine_sql=REJECTED_SQL,
        counts_sql="""
            select file_no, sum(records_in), sum(loaded), sum(duplicates) from (
                select file_no, count(*) as records_in,
                       count(*) filter (where outcome = 'loaded') as loaded,
                       count(*) filter (where outcome = 'duplicate') as duplicates
                from classified group by file_no
                union all
                select file_no, count(*), 0, 0 from rejected group by file_no
            ) group by file_no""",
    )
    con.unregister("valid")
    con.unregister("rejected")
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
    )
