"""Walking a source's landing folder: arrival order, content hashes, batches of new files.

Files are ingested in batches (up to BATCH_BYTES of landing data each): one validation and one
duplicate check per batch instead of per file, while every landing file still gets its own lake
file, its own quarantine file and its own ledger row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import lake, quarantine, state
from ingestion.accounting import IngestReport
from ingestion.settings import Settings

BATCH_BYTES = 64 << 20  # landing bytes per batch (a source may ask for smaller batches)
# DuckDB spills to disk beyond its memory limit, so a large batch never takes the machine's memory.
MEMORY_LIMIT = "1GB"


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for ingestion work: memory capped (spilling to data/tmp beyond it), no
    progress bar on stdout."""
    spill = settings.data_dir / "tmp" / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    con.execute("set enable_progress_bar = false")
    return con


@dataclass(frozen=True)
class PendingFile:
    """A landing file not ingested yet; `file_no` is its place in the batch."""

    file_no: int
    path: Path
    sha256: str
    stem: str  # name of its outputs in the lake and quarantine


FileOutcome = tuple[state.FileCounts, dict[str, int]]
# (connection, settings, files of the batch, load date) -> per file: (counts, quarantine reasons)
BatchIngestor = Callable[
    [duckdb.DuckDBPyConnection, Settings, list[PendingFile], str], list[FileOutcome]
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
    ingested = state.ingested_hashes(db_path, source, table)
    for path in files_in_arrival_order(folder, pattern):
        digest = sha256_of(path)
        yield path, (None if digest in ingested else digest)


def output_stem(path: Path, sha256: str) -> str:
    """Name of a landing file's outputs in the lake and quarantine: stable for the same content."""
    return f"{path.parent.name}-{path.stem}-{sha256[:12]}"


def in_batches(files: list[tuple[Path, str]], max_bytes: int) -> Iterator[list[PendingFile]]:
    """Consecutive files (arrival order kept) grouped up to max_bytes; a bigger file goes alone."""
    batch: list[PendingFile] = []
    size = 0
    for path, sha256 in files:
        file_size = path.stat().st_size
        if batch and size + file_size > max_bytes:
            yield batch
            batch, size = [], 0
        batch.append(PendingFile(len(batch), path, sha256, output_stem(path, sha256)))
        size += file_size
    if batch:
        yield batch


def write_file_outputs(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    table: str,
    load_date: str,
    batch: list[PendingFile],
    loaded_sql: str,
    quarantine_sql: str,
    records_sql: str,
) -> list[FileOutcome]:
    """One lake file and one quarantine file per landing file of the batch (when it has rows for
    them), written in one pass each.

    loaded_sql: the rows to load, with file_no and line_no (source_file is added here);
    quarantine_sql: rows (file_no, line_no, reason, content[, raw]);
    records_sql: every record of the batch that was judged, with its file_no (counted apart from
    the outcomes, so that in = loaded + quarantined + duplicates is a real check).
    The valid records are in temp table `classified`, with their outcome.
    """
    stems = pa.table(
        {
            "file_no": [pending.file_no for pending in batch],
            "stem": [pending.stem for pending in batch],
            "source_file": [
                str(pending.path.relative_to(settings.landing_dir)) for pending in batch
            ],
        }
    )
    con.register("batch_files", stems)
    con.execute(f"create or replace temp table to_quarantine as {quarantine_sql}")
    lake.copy_query_per_stem(
        con,
        f"""select l.* exclude (file_no), f.source_file, f.stem
            from ({loaded_sql}) as l join batch_files as f using (file_no)
            order by f.stem, l.line_no""",
        lake.partition_dir(settings.raw_dir, source, table, load_date),
    )
    lake.copy_query_per_stem(
        con,
        """select f.source_file, q.* exclude (file_no), f.stem
           from to_quarantine as q join batch_files as f using (file_no)
           order by f.stem, q.line_no""",
        lake.partition_dir(settings.quarantine_dir, source, table, load_date),
    )
    reasons: dict[int, dict[str, int]] = {}
    for file_no, reason, count in con.execute(
        "select file_no, reason, count(*) from to_quarantine group by all"
    ).fetchall():
        reasons.setdefault(file_no, {})[reason] = count
    counts = {
        file_no: (records_in, loaded or 0, duplicates or 0)
        for file_no, records_in, loaded, duplicates in con.execute(
            f"""select r.file_no, r.records_in, c.loaded, c.duplicates
                from (select file_no, count(*) as records_in from ({records_sql}) group by 1) as r
                left join (
                    select file_no,
                           count(*) filter (where outcome = 'loaded') as loaded,
                           count(*) filter (where outcome = 'duplicate') as duplicates
                    from classified group by 1
                ) as c using (file_no)"""
        ).fetchall()
    }
    con.unregister("batch_files")
    outcomes = []
    for pending in batch:
        records_in, loaded, duplicates = counts.get(pending.file_no, (0, 0, 0))
        file_reasons = reasons.get(pending.file_no, {})
        counts_of_file = state.FileCounts(
            str(pending.path),
            pending.sha256,
            records_in,
            loaded,
            sum(file_reasons.values()),
            duplicates,
        )
        outcomes.append((counts_of_file, file_reasons))
    return outcomes


def ingest_new_files(
    settings: Settings,
    source: str,
    table: str,
    folder: Path,
    pattern: str,
    raw_schema: pa.Schema,
    ingest_batch: BatchIngestor,
    load_date: str,
    progress: Callable[[str], None],
    batch_bytes: int = BATCH_BYTES,
) -> IngestReport:
    """Ingest every landing file of a source not ingested yet, in arrival order."""
    report = IngestReport(source, table, load_date)
    lake.ensure_schema_file(settings.raw_dir, source, table, raw_schema)
    lake.ensure_schema_file(settings.quarantine_dir, source, table, quarantine.SCHEMA)
    quarantine.finish_replays(settings, source, table)
    files = list(new_files(settings.state_db, source, table, folder, pattern))
    report.skipped_files = [str(path) for path, sha256 in files if sha256 is None]
    pending = [(path, sha256) for path, sha256 in files if sha256 is not None]
    for path, sha256 in pending:
        lake.remove_leftovers(settings, source, table, output_stem(path, sha256))
    done = 0
    with connect(settings) as con:
        for batch in in_batches(pending, batch_bytes):
            outcomes = ingest_batch(con, settings, batch, load_date)
            state.record_files(
                settings.state_db, source, table, load_date, [counts for counts, _ in outcomes]
            )
            for counts, reasons in outcomes:
                report.files.append(counts)
                report.reasons.update(reasons)
            done += len(batch)
            progress(
                f"{source}/{table} [{done}/{len(pending)} files]: "
                f"{report.records_in:,} in, {report.loaded:,} loaded, "
                f"{report.quarantined:,} quarantined, {report.duplicates:,} duplicates"
            )
    return report
