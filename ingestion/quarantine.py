"""Rejected records, kept with their reason: data/lake/quarantine/<source>/<table>/dt=<load>/."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.lake import copy_query_to_parquet, partition_dir


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
