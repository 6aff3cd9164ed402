"""Portal events: landing JSON Lines -> validated raw Parquet + quarantine, counts reconciled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import dedup, lake, state
from ingestion.accounting import IngestReport
from ingestion.lake import sql_string
from ingestion.landing import ingest_new_files
from ingestion.portal.validation import validation_sql
from ingestion.quarantine import write_quarantine
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


def _lines_table(path: Path) -> pa.Table:
    raw_lines = path.read_bytes().split(b"\n")
    return pa.table(
        {
            "line_no": pa.array(range(1, len(raw_lines) + 1), pa.int64()),
            "raw": pa.array(raw_lines, pa.binary()),
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
    con.register("lines", _lines_table(path))
    con.execute(f"create or replace temp table judged as {validation_sql('lines')}")
    dedup.classify(con, "(select * from judged where reason is null)", ["event_id"])
    source_file = sql_string(str(path.relative_to(settings.landing_dir)))
    ingested_at = datetime.now(UTC).replace(tzinfo=None)

    lake.copy_query_to_parquet(
        con,
        f"""select event_id, event_type, idpessoa, occurred_at, occurred_at_utc, channel, changes,
                   content_hash, {source_file} as source_file, line_no,
                   '{ingested_at.isoformat()}'::timestamp as ingested_at
            from classified where outcome = 'loaded' order by line_no""",
        lake.partition_dir(settings.raw_dir, SOURCE, TABLE, load_date) / f"{stem}.parquet",
    )
    quarantine_rows = f"""
        select {source_file} as source_file, line_no, reason, line as content, raw
        from judged where reason is not null
        union all
        select {source_file}, line_no, 'conflict:event_id', line, raw
        from classified where outcome = 'conflict'
        order by line_no"""
    reasons = dict(
        con.execute(f"select reason, count(*) from ({quarantine_rows}) group by 1").fetchall()
    )
    quarantined = sum(reasons.values())
    if quarantined:
        write_quarantine(
            con, settings.quarantine_dir, SOURCE, TABLE, load_date, stem, quarantine_rows
        )

    records_in, loaded, duplicates = con.execute(
        """select (select count(*) from judged),
                  count(*) filter (where outcome = 'loaded'),
                  count(*) filter (where outcome = 'duplicate')
           from classified"""
    ).fetchall()[0]
    counts = state.FileCounts(str(path), sha256, records_in, loaded, quarantined, duplicates)
    return counts, reasons


def ingest_portal_events(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    """Ingest every new *.jsonl file under landing/portal into the raw lake."""
    return ingest_new_files(
        settings,
        SOURCE,
        TABLE,
        settings.landing_dir / SOURCE,
        "*.jsonl",
        RAW_SCHEMA,
        ["event_id"],
        ingest_file,
        load_date,
        progress,
    )
