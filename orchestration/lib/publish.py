"""Publication: a consistent read-only copy of the marts for the dashboards and `alicerce sql`.

DuckDB allows one writer or many readers, never both, so readers never open the warehouse. Each mart
is exported to Parquet under published/marts/<mart>/<fingerprint>/, and a new small DuckDB file
holds one view per mart over those files; it becomes current by an atomic rename of the pointer
file CURRENT. Readers open the file CURRENT names, per query.

A mart whose content did not change since the last publication keeps its Parquet folder: nothing
is copied again. The fingerprint is the mart's row count and an order-independent sum of row
hashes (DuckDB engine) or its files' names, sizes and times (Spark engine, which rewrites a table's
files when it rebuilds it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion import state
from ingestion.lake import sql_string
from ingestion.settings import Settings

POINTER = "CURRENT"
KEEP_PUBLICATIONS = 3


@dataclass(frozen=True)
class Publication:
    file: Path
    copied: list[str]  # marts exported this time
    reused: list[str]  # marts unchanged since the previous publication


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


def publish(settings: Settings, run_id: str) -> Publication:
    """Make a new publication of the marts current and return it."""
    published_dir = settings.published_dir
    published_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    name = f"alicerce-{now:%Y%m%dT%H%M%S%f}Z"
    if settings.engine == "spark":
        folders = _export_spark_marts(settings)
    else:
        folders = _export_duckdb_marts(settings)

    tmp = published_dir / f"{name}.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        con.execute("create schema marts")
        for mart, (folder, _) in sorted(folders.items()):
            # A mart Spark partitions (a history kept per date) keeps its key=value folders.
            glob = sql_string(str(folder / "**" / "*.parquet"))
            con.execute(
                f'create view marts."{mart}" as '
                f"select * from read_parquet({glob}, hive_partitioning = true)"
            )
        con.execute(
            "create table main.publicacao as select ?::timestamp as publicado_em, ? as run_id",
            [now, run_id],
        )
    final = published_dir / f"{name}.duckdb"
    os.replace(tmp, final)
    _manifest_path(final).write_text(
        json.dumps({mart: str(folder) for mart, (folder, _) in folders.items()}, indent=1)
    )
    pointer_tmp = published_dir / f"{POINTER}.tmp"
    pointer_tmp.write_text(final.name)
    os.replace(pointer_tmp, published_dir / POINTER)
    state.record_publication(settings.state_db, final.name, now, run_id)
    _remove_old_publications(published_dir, keep=KEEP_PUBLICATIONS)
    return Publication(
        final,
        copied=sorted(m for m, (_, copied) in folders.items() if copied),
        reused=sorted(m for m, (_, copied) in folders.items() if not copied),
    )


def _mart_folder(settings: Settings, mart: str, fingerprint: str) -> Path:
    return settings.published_dir / "marts" / mart / fingerprint


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


def _export(folder: Path, write_into) -> bool:
    """Create `folder` by calling write_into(tmp folder) unless it exists; True if written."""
    if folder.is_dir():
        return False
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write_into(tmp)
    os.replace(tmp, folder)
    return True


def _export_duckdb_marts(settings: Settings) -> dict[str, tuple[Path, bool]]:
    folders = {}
    with duckdb.connect() as con:
        con.execute(f"attach {sql_string(str(settings.warehouse))} as wh (read_only)")
        marts = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'wh' and table_schema = 'marts' order by 1"
        ).fetchall()
        for (mart,) in marts:
            relation = f'wh.marts."{mart}"'
            columns = con.execute(f"describe {relation}").fetchall()
            content = con.execute(
                f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {relation} as t"
            ).fetchall()[0]
            folder = _mart_folder(settings, mart, _fingerprint(columns, content))

            def write_into(tmp: Path, relation: str = relation) -> None:
                target = sql_string(str(tmp / "part-0.parquet"))
                # Small row groups: a period query reads (and decompresses) little beyond its rows.
                con.execute(
                    f"copy (select * from {relation}) to {target} "
                    "(format parquet, compression zstd, row_group_size 16384)"
                )

            folders[mart] = (folder, _export(folder, write_into))
    return folders


def spark_mart_folders(settings: Settings) -> list[Path]:
    """Spark's mart tables: one Parquet folder each under the warehouse's marts.db/."""
    marts_db = settings.spark_dir / "warehouse" / "marts.db"
    return sorted(folder for folder in marts_db.glob("*") if folder.is_dir())


def mart_relation(settings: Settings, con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """A mart just built, readable in `con`: the engine's own output, before any publication."""
    if settings.engine == "spark":
        (folder,) = [f for f in spark_mart_folders(settings) if f.name == mart]
        files = sql_string(str(folder / "**" / "*.parquet"))
        return f"read_parquet({files}, hive_partitioning = true)"
    warehouse = sql_string(str(settings.warehouse))
    con.execute(f"attach if not exists {warehouse} as warehouse (read_only)")
    return f"warehouse.marts.{mart}"


def _export_spark_marts(settings: Settings) -> dict[str, tuple[Path, bool]]:
    folders = {}
    for table_dir in spark_mart_folders(settings):
        parts = sorted(table_dir.rglob("*.parquet"))
        files = [
            (str(f.relative_to(table_dir)), f.stat().st_size, f.stat().st_mtime_ns) for f in parts
        ]
        folder = _mart_folder(settings, table_dir.name, _fingerprint(files))

        def write_into(tmp: Path, table_dir: Path = table_dir, parts: list[Path] = parts) -> None:
            for part in parts:  # a partitioned mart's key=value folders included
                target = tmp / part.relative_to(table_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(part, target)

        folders[table_dir.name] = (folder, _export(folder, write_into))
    return folders


def _manifest_path(publication: Path) -> Path:
    return publication.with_suffix(".json")


def _remove_old_publications(published_dir: Path, keep: int) -> None:
    """Older copies go, with the mart folders no kept publication uses; a reader still holding
    an old file keeps reading it (POSIX unlink semantics)."""
    publications = sorted(published_dir.glob("alicerce-*.duckdb"))
    for old in publications[:-keep]:
        old.unlink(missing_ok=True)
        _manifest_path(old).unlink(missing_ok=True)
    in_use = set()
    for kept in publications[-keep:]:
        manifest = _manifest_path(kept)
        if manifest.exists():
            in_use.update(json.loads(manifest.read_text()).values())
    for folder in (published_dir / "marts").glob("*/*"):
        if folder.is_dir() and str(folder) not in in_use and not folder.name.endswith(".tmp"):
            shutil.rmtree(folder, ignore_errors=True)
