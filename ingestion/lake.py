"""The raw Parquet lake: data/lake/raw/<source>/<table>/dt=<load date>/<file>.parquet."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.settings import Settings

# A zero-row file in this partition gives an empty table its schema, so dbt sources can be read
# before the first real load (DuckDB's read_parquet refuses a glob that matches nothing, and Spark
# cannot infer the schema of an empty folder; Spark skips files named _* or .*, hence the name).
SCHEMA_PARTITION = "dt=1970-01-01"
SCHEMA_FILE = "schema.parquet"


def partition_dir(root: Path, source: str, table: str, load_date: str) -> Path:
    return root / source / table / f"dt={load_date}"


def table_glob(root: Path, source: str, table: str) -> str:
    return str(root / source / table / "*" / "*.parquet")


def has_files(root: Path, source: str, table: str) -> bool:
    return any((root / source / table).glob("*/*.parquet"))


def sql_string(value: str) -> str:
    """A SQL string literal (file names end up inside COPY statements)."""
    return "'" + value.replace("'", "''") + "'"


def remove_leftovers(settings: Settings, source: str, table: str, stem: str) -> None:
    """Delete outputs of a file whose ingestion died before it was recorded, so it reruns clean."""
    for root in (settings.raw_dir, settings.quarantine_dir):
        for leftover in (root / source / table).glob(f"*/{stem}.parquet"):
            leftover.unlink()


def copy_query_to_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """Write a query's result to target atomically (readers never see half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.tmp")
    con.execute(f"copy ({query}) to {sql_string(str(tmp))} (format parquet, compression zstd)")
    os.replace(tmp, target)


def copy_query_per_stem(con: duckdb.DuckDBPyConnection, query: str, target_dir: Path) -> None:
    """Write a query's rows as one Parquet file per value of its `stem` column,
    <target_dir>/<stem>.parquet (the column itself left out), in one pass over the rows; each file
    appears atomically, by a rename."""
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = target_dir / f".staging-{uuid.uuid4().hex}"
    con.execute(
        f"copy ({query}) to {sql_string(str(staging))} "
        "(format parquet, compression zstd, partition_by (stem))"
    )
    for folder in staging.glob("stem=*"):
        target = target_dir / f"{folder.name.removeprefix('stem=')}.parquet"
        parts = sorted(folder.glob("*.parquet"))
        if len(parts) == 1:
            os.replace(parts[0], target)
        else:  # DuckDB split a large partition: join its parts into one file
            copy_query_to_parquet(
                con,
                f"select * from read_parquet({sql_string(str(folder))} || '/*.parquet')",
                target,
            )
    shutil.rmtree(staging)


def ensure_schema_file(root: Path, source: str, table: str, schema: pa.Schema) -> None:
    target = root / source / table / SCHEMA_PARTITION / SCHEMA_FILE
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema.empty_table(), target)


def replace_snapshot(
    settings: Settings, source: str, table: str, rows: pa.Table, load_date: str
) -> Path:
    """Write a settings table (the campaign, the segments) as the lake's snapshot of this load
    date, removing earlier ones: the lake holds the settings as configured at the last run."""
    folder = partition_dir(settings.raw_dir, source, table, load_date)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{table}.parquet"
    tmp = folder / f".{table}.parquet.tmp"  # Spark and DuckDB's glob skip names starting with .
    pq.write_table(rows, tmp)
    tmp.replace(target)
    for older in (settings.raw_dir / source / table).glob("dt=*"):
        if older != folder:
            shutil.rmtree(older)
    return target
