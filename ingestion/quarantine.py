"""Rejected records, kept with their reason: data/lake/quarantine/<source>/<table>/dt=<load>/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import state
from ingestion.lake import SCHEMA_PARTITION, copy_query_to_parquet, partition_dir
from ingestion.settings import Settings

# Names of a quarantine replay's outputs (ingestion/replay.py): the lake file it loads, and the
# quarantine files that replace those it took records from.
REPLAY_PREFIX = "replay-"
GENERATION_MARK = "~"

# Every quarantine file has these columns (portal events add `raw`, the line's bytes as received).
SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("line_no", pa.int64()),
        ("reason", pa.string()),
        ("content", pa.string()),
    ]
)


def write_quarantine(
    con: duckdb.DuckDBPyConnection,
    quarantine_root: Path,
    source: str,
    table: str,
    load_date: str,
    file_stem: str,
    rows_query: str,
) -> None:
    """Write rows (source_file, line_no, reason, content, raw) for one landing file."""
    target = partition_dir(quarantine_root, source, table, load_date) / f"{file_stem}.parquet"
    copy_query_to_parquet(con, rows_query, target)


def quarantine_files(settings: Settings, source: str, table: str) -> list[Path]:
    """Quarantine files of a table in load-date then name order (the schema file left out)."""
    root = settings.quarantine_dir / source / table
    return sorted(
        path for path in root.glob("dt=*/*.parquet") if path.parent.name != SCHEMA_PARTITION
    )


def finish_replays(settings: Settings, source: str, table: str) -> None:
    """Delete what an interrupted replay left: superseded files of committed replays, and the
    outputs of replays that never committed."""
    committed = state.replays(settings.state_db, source, table)
    for files in committed.values():
        for name in files:
            Path(name).unlink(missing_ok=True)
    for path in (settings.raw_dir / source / table).glob(f"dt=*/{REPLAY_PREFIX}*.parquet"):
        if path.stem.removeprefix(REPLAY_PREFIX) not in committed:
            path.unlink()
    for path in quarantine_files(settings, source, table):
        if GENERATION_MARK in path.stem:
            replay_id = path.stem.rsplit(GENERATION_MARK, 1)[1]
            if replay_id not in committed:
                path.unlink()
