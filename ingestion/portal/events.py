"""Portal events: landing JSON Lines -> validated raw Parquet + quarantine, counts reconciled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.jsonl import ingest_jsonl_files
from ingestion.portal.contract import load_contract
from ingestion.portal.validation import validation_sql
from ingestion.settings import Settings

SOURCE, TABLE = "portal", "eventos"

RAW_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("event_type", pa.string()),
        ("idpessoa", pa.int64()),
        ("occurred_at", pa.string()),
        ("occurred_at_utc", pa.timestamp("us")),
        ("channel", pa.string()),
        ("changes", pa.string()),
        ("content_hash", pa.string()),
        ("source_file", pa.string()),
        ("line_no", pa.int64()),
        ("ingested_at", pa.timestamp("us")),
    ]
)


def judge(con: duckdb.DuckDBPyConnection, settings: Settings, lines_relation: str) -> None:
    """Judge lines (file_no, line_no, raw) under the current contract, into temp tables `judged`
    (every non-blank line, with its reason or none) and `classified` (the valid ones, with their
    outcome against the lake: loaded, duplicate or conflict)."""
    contract = load_contract(settings.portal_contract_file)
    con.execute(
        f"create or replace temp table judged as {validation_sql(lines_relation, contract)}"
    )
    dedup.classify(
        con,
        "(select * from judged where reason is null)",
        ["event_id"],
        lake.table_glob(settings.raw_dir, SOURCE, TABLE),
    )


# After `judge`: the rows to load (with file_no), and the rejected ones (file_no, line_no, reason).
def loaded_sql(ingested_at: datetime) -> str:
    return f"""
        select file_no, event_id, event_type, idpessoa, occurred_at, occurred_at_utc,
               channel, changes, content_hash, line_no,
               '{ingested_at.isoformat()}'::timestamp as ingested_at
        from classified where outcome = 'loaded'"""


REJECTED_SQL = """
    select file_no, line_no, reason from judged where reason is not null
    union all
    select file_no, line_no, 'conflict:event_id' from classified where outcome = 'conflict'"""


def ingest_portal_events(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    """Ingest every new *.jsonl file under landing/portal into the raw lake."""
    return ingest_jsonl_files(
        settings, SOURCE, TABLE, RAW_SCHEMA, judge, loaded_sql, REJECTED_SQL, load_date, progress
    )
