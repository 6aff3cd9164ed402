"""Operational state in one SQLite database (WAL): ingested files, quarantine replays, CRM pulls
(checkpoints and cursors), publications and run summaries.

Never in the warehouse: the dashboards read it while the pipeline writes the warehouse.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
create table if not exists ingested_files (
    source text not null,
    table_name text not null,
    sha256 text not null,
    path text not null,
    load_date text not null,
    ingested_at text not null,
    records_in integer not null,
    loaded integer not null,
    quarantined integer not null,
    duplicates integer not null,
    primary key (source, table_name, sha256)
);
create table if not exists replays (
    replay_id text not null,
    source text not null,
    table_name text not null,
    load_date text not null,
    replayed_at text not null,
    examined integer not null,
    loaded integer not null,
    duplicates integer not null,
    still_quarantined integer not null,
    superseded_files text not null,  -- JSON list: quarantine files this replay replaced
    primary key (replay_id, source, table_name)
);
create table if not exists publications (
    name text primary key,
    published_at text not null,
    run_id text not null
);
create table if not exists crm_pulls (
    pull_id text primary key,
    table_name text not null,
    mode text not null,  -- incremental | varredura (full sweep)
    started_at text not null,  -- UTC: the next incremental pull starts here, minus the overlap
    since text,  -- a_partir_data_referencia sent (NULL for a sweep)
    pages_done integer not null,  -- checkpoint: pages durably written to landing
    total_pages integer,
    rows integer not null,
    status text not null,  -- running | complete | failed | abandoned
    error text,
    finished_at text
);
create table if not exists runs (
    run_id text primary key,
    started_at text not null,
    finished_at text,
    status text not null,
    summary_json text
);
-- Who exported or revealed personal data on the dashboards (LGPD): appended, never updated.
create table if not exists audit_log (
    at text not null,  -- ISO 8601, UTC
    login text not null,
    role text not null,
    action text not null,  -- exportacao | revelacao
    page text not null,
    filters_json text not null,
    row_count integer not null,
    detail text
);
"""


@dataclass(frozen=True)
class FileCounts:
    """What one landing file gave: records in = loaded + quarantined + duplicates."""

    path: str
    sha256: str
    records_in: int
    loaded: int
    quarantined: int
    duplicates: int


def connect(db_path: Path, shared_by_threads: bool = False) -> sqlite3.Connection:
    """The state database; `shared_by_threads` when the caller serialises its threads' use."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, timeout=30, check_same_thread=not shared_by_threads)
    conn.execute("pragma journal_mode=wal")
    conn.executescript(SCHEMA)
    return conn


def read_only_rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """A query's rows, the database opened read-only for this call (readers never take a write
    lock). A database that does not exist yet, or lacks the table (older than it), has no rows."""
    if not db_path.is_file():
        return []
    # as_uri() escapes what a URI would misread in a path ('?', '#', '%', spaces).
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return []
        raise


def ingested_hashes(db_path: Path, source: str, table: str) -> set[str]:
    with closing(connect(db_path)) as conn:
        rows = conn.execute(
            "select sha256 from ingested_files where source=? and table_name=?", (source, table)
        ).fetchall()
    return {sha256 for (sha256,) in rows}


def record_files(
    db_path: Path, source: str, table: str, load_date: str, files: list[FileCounts]
) -> None:
    """Record a batch of ingested files in one transaction (after their outputs are written)."""
    now = datetime.now(UTC).isoformat()
    with closing(connect(db_path)) as conn, conn:
        conn.executemany(
            "insert into ingested_files values (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    source,
                    table,
                    counts.sha256,
                    counts.path,
                    load_date,
                    now,
                    counts.records_in,
                    counts.loaded,
                    counts.quarantined,
                    counts.duplicates,
                )
                for counts in files
            ],
        )


def record_run(
    db_path: Path, run_id: str, started_at: datetime, status: str, summary: dict | None
) -> None:
    """Insert or finish a run summary (the dashboards show the last runs)."""
    finished = None if status == "running" else datetime.now(UTC).isoformat()
    with closing(connect(db_path)) as conn, conn:
        conn.execute(
            """insert into runs values (?,?,?,?,?)
               on conflict(run_id) do update set finished_at=excluded.finished_at,
               status=excluded.status, summary_json=excluded.summary_json""",
            (
                run_id,
                started_at.isoformat(),
                finished,
                status,
                json.dumps(summary, default=str, ensure_ascii=False) if summary else None,
            ),
        )


def file_counts_dict(counts: FileCounts) -> dict:
    return asdict(counts)


@dataclass(frozen=True)
class ReplayCounts:
    """One source's replay: examined = loaded + duplicates + still quarantined."""

    source: str
    table: str
    examined: int
    loaded: int
    duplicates: int
    still_quarantined: int


def record_replay(
    db_path: Path,
    replay_id: str,
    load_date: str,
    counts: ReplayCounts,
    superseded_files: list[str],
) -> None:
    """The replay's commit point: before it, its outputs are leftovers; after it, it happened."""
    with closing(connect(db_path)) as conn, conn:
        conn.execute(
            "insert into replays values (?,?,?,?,?,?,?,?,?,?)",
            (
                replay_id,
                counts.source,
                counts.table,
                load_date,
                datetime.now(UTC).isoformat(),
                counts.examined,
                counts.loaded,
                counts.duplicates,
                counts.still_quarantined,
                json.dumps(superseded_files),
            ),
        )


def replays(db_path: Path, source: str, table: str) -> dict[str, list[str]]:
    """Committed replays of a source table: replay_id -> the quarantine files it superseded."""
    with closing(connect(db_path)) as conn:
        rows = conn.execute(
            "select replay_id, superseded_files from replays where source=? and table_name=?",
            (source, table),
        ).fetchall()
    return {replay_id: json.loads(files) for replay_id, files in rows}


def record_publication(db_path: Path, name: str, published_at: datetime, run_id: str) -> None:
    with closing(connect(db_path)) as conn, conn:
        conn.execute(
            "insert or replace into publications values (?,?,?)",
            (name, published_at.replace(tzinfo=UTC).isoformat(), run_id),
        )


def record_audit(
    db_path: Path,
    login: str,
    role: str,
    action: str,
    page: str,
    filters: dict,
    row_count: int,
    detail: str | None = None,
) -> None:
    """Append one audit row (the dashboards' only write to the state database)."""
    with closing(connect(db_path)) as conn, conn:
        conn.execute(
            "insert into audit_log values (?,?,?,?,?,?,?,?)",
            (
                datetime.now(UTC).isoformat(),
                login,
                role,
                action,
                page,
                json.dumps(filters, ensure_ascii=False, sort_keys=True, default=str),
                row_count,
                detail,
            ),
        )
