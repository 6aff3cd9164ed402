"""Walking a source's landing folder: arrival order, content hashes, already-ingested files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import dedup, lake, state
from ingestion.accounting import IngestReport
from ingestion.settings import Settings

# (connection, settings, path, sha256, load_date, output stem) -> (counts, quarantine reasons)
FileIngestor = Callable[
    [duckdb.DuckDBPyConnection, Settings, Path, str, str, str],
    tuple[state.FileCounts, dict[str, int]],
]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_in_arrival_order(folder: Path, pattern: str) -> list[Path]:
    """Oldest first (modification time, then name): the earliest file wins a conflict."""
    if not folder.exists():
        return []
    return sorted(folder.rglob(pattern), key=lambda p: (p.stat().st_mtime_ns, str(p)))


def new_files(
    db_path: Path, source: str, table: str, folder: Path, pattern: str
) -> Iterator[tuple[Path, str | None]]:
    """Yield (path, sha256) for files not yet ingested, and (path, None) for skipped ones."""
    for path in files_in_arrival_order(folder, pattern):
        digest = sha256_of(path)
        if state.is_ingested(db_path, source, table, digest):
            yield path, None
        else:
            yield path, digest


def output_stem(path: Path, sha256: str) -> str:
    """Name of a landing file's outputs in the lake and quarantine: stable for the same content."""
    return f"{path.parent.name}-{path.stem}-{sha256[:12]}"


def ingest_new_files(
    settings: Settings,
    source: str,
    table: str,
    folder: Path,
    pattern: str,
    raw_schema: pa.Schema,
    key_columns: list[str],
    ingest_file: FileIngestor,
    load_date: str,
    progress: Callable[[str], None],
) -> IngestReport:
    """Ingest every landing file of a source not ingested yet, in arrival order."""
    report = IngestReport(source, table, load_date)
    lake.ensure_schema_file(settings.raw_dir, source, table, raw_schema)
    files = list(new_files(settings.state_db, source, table, folder, pattern))
    report.skipped_files = [str(path) for path, sha256 in files if sha256 is None]
    pending = [(path, sha256) for path, sha256 in files if sha256 is not None]
    for path, sha256 in pending:
        lake.remove_leftovers(settings, source, table, output_stem(path, sha256))
    with duckdb.connect() as con:
        dedup.create_seen_table(con, key_columns, lake.table_glob(settings.raw_dir, source, table))
        for number, (path, sha256) in enumerate(pending, start=1):
            stem = output_stem(path, sha256)
            counts, reasons = ingest_file(con, settings, path, sha256, load_date, stem)
            state.record_file(settings.state_db, source, table, load_date, counts)
            report.files.append(counts)
            report.reasons.update(reasons)
            progress(
                f"{source}/{table} [{number}/{len(pending)}] {path.name}: "
                f"{counts.records_in} in, {counts.loaded} loaded, "
                f"{counts.quarantined} quarantined, {counts.duplicates} duplicates"
            )
    return report
