"""Publication: a consistent read-only copy of the marts for the dashboards and `alicerce sql`.

DuckDB allows one writer or many readers, never both, so readers never open the warehouse. After
a successful build the marts are copied into a new DuckDB file, which becomes current by an atomic
rename of the pointer file CURRENT. Readers open the file CURRENT names, per query.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.lake import sql_string
from ingestion.settings import Settings

POINTER = "CURRENT"
KEEP_PUBLICATIONS = 3


def current_publication(published_dir: Path) -> Path | None:
    """The publication CURRENT names (a bare file name in the same folder), or None."""
    pointer = published_dir / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name or Path(name).name != name:
        return None
    target = published_dir / name
    return target if target.is_file() else None


def publish(settings: Settings, run_id: str) -> Path:
    """Make a new publication of the marts current and return its file.

    DuckDB engine: every table and view of the warehouse's `marts` schema is copied into the new
    file. Spark engine: each mart's Parquet folder is copied to published/parquet/<publication>/
    and the new file holds views over those copies, so readers cannot tell the difference.
    """
    published_dir = settings.published_dir
    published_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    name = f"alicerce-{now:%Y%m%dT%H%M%S%f}Z"
    tmp = published_dir / f"{name}.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        con.execute("create schema marts")
        if settings.engine == "spark":
            _views_over_spark_marts(con, settings, published_dir / "parquet" / name)
        else:
            _copy_duckdb_marts(con, settings)
        con.execute(
            "create table main.publicacao as select ?::timestamp as publicado_em, ? as run_id",
            [now, run_id],
        )
    final = published_dir / f"{name}.duckdb"
    os.replace(tmp, final)
    pointer_tmp = published_dir / f"{POINTER}.tmp"
    pointer_tmp.write_text(final.name)
    os.replace(pointer_tmp, published_dir / POINTER)
    _remove_old_publications(published_dir, keep=KEEP_PUBLICATIONS)
    return final


def _copy_duckdb_marts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    con.execute(f"attach {sql_string(str(settings.warehouse))} as wh (read_only)")
    marts = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'wh' and table_schema = 'marts' order by 1"
    ).fetchall()
    for (mart,) in marts:
        con.execute(f'create table marts."{mart}" as select * from wh.marts."{mart}"')
    con.execute("detach wh")


def spark_mart_folders(settings: Settings) -> list[Path]:
    """Spark's mart tables: one Parquet folder each under the warehouse's marts.db/."""
    marts_db = settings.spark_dir / "warehouse" / "marts.db"
    return sorted(folder for folder in marts_db.glob("*") if folder.is_dir())


def _views_over_spark_marts(
    con: duckdb.DuckDBPyConnection, settings: Settings, parquet_dir: Path
) -> None:
    for folder in spark_mart_folders(settings):
        copy = parquet_dir / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*", "_*"))
        glob = sql_string(str(copy / "*.parquet"))
        con.execute(f'create view marts."{folder.name}" as select * from read_parquet({glob})')


def _remove_old_publications(published_dir: Path, keep: int) -> None:
    """Older copies go; a reader still holding one keeps reading it (POSIX unlink semantics)."""
    publications = sorted(published_dir.glob("alicerce-*.duckdb"))
    for old in publications[:-keep]:
        old.unlink(missing_ok=True)
        shutil.rmtree(published_dir / "parquet" / old.stem, ignore_errors=True)
