"""Pulling one CRM object from CVDW into the landing zone, page by page, resumable.

Two levels of progress, both in the state database (table crm_pulls):
- within a pull, a checkpoint after each page: the page is written to
  landing/crm/<table>/<pull id>/pagina-NNNNN.json (atomically, synced), then its number is
  committed. A pull killed at any point resumes at the next page; a page fetched twice lands in the
  same file, so no row is loaded twice.
- between pulls, the cursor: the start time of the last complete pull of the object, minus an
  overlap, sent as `a_partir_data_referencia`. Never a MAX over loaded rows, which a partly loaded
  object would push past rows not seen yet. A pull that fails keeps its checkpoint and status
  'failed'; the next run resumes it at the failed page, so the cursor never moves past a failure.

A full sweep (mode 'varredura') asks for every row: it catches rows whose referencia_data did not
move (child objects keep their creation date) and rows that vanished (docs/sources.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from ingestion import lake, state
from ingestion.crm.cvdw import CvdwClient, CvdwError
from ingestion.crm.objects import CrmObject
from ingestion.settings import Settings

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
INCREMENTAL, SWEEP = "incremental", "varredura"


@dataclass
class Pull:
    pull_id: str
    table: str
    mode: str
    started_at: datetime
    since: str | None
    pages_done: int = 0
    total_pages: int | None = None
    rows: int = 0


@dataclass(frozen=True)
class PullOutcome:
    table: str
    pull_id: str
    mode: str
    resumed: bool
    pages: int  # fetched by this run
    rows: int  # fetched by this run
    seconds: float
    error: str | None

    @property
    def complete(self) -> bool:
        return self.error is None


def pull_object(
    settings: Settings,
    client: CvdwClient,
    obj: CrmObject,
    sweep: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> list[PullOutcome]:
    """Finish the object's unfinished pull if there is one, then pull what was asked (unless the
    resumed pull was already of that kind). Stops at the first failed page."""
    outcomes = []
    # Staging reads the sweeps' table from the first run on, sweep or not.
    lake.ensure_schema_file(settings.raw_dir, "crm", SWEEPS_TABLE, SWEEPS_SCHEMA)
    unfinished = _unfinished_pull(settings.state_db, obj.table)
    if unfinished is not None and not _cursor_fits(settings, unfinished.since):
        # Its cursor is of the other granularity (the setting changed because the tenant refused
        # it): resuming would fail again. Its pages stay; a new pull asks again from the cursor.
        progress(f"crm/{obj.table}: abandoning pull {unfinished.pull_id} ({unfinished.since!r})")
        _finish(settings.state_db, unfinished, "abandoned", None)
        unfinished = None
    if unfinished is not None:
        progress(
            f"crm/{obj.table}: resuming {unfinished.mode} pull {unfinished.pull_id} "
            f"at page {unfinished.pages_done + 1}"
        )
        outcomes.append(_run(settings, client, obj, unfinished, resumed=True, progress=progress))
        if not outcomes[-1].complete:
            return outcomes
    wanted = SWEEP if sweep else INCREMENTAL
    if unfinished is None or unfinished.mode != wanted:
        pull = _new_pull(settings, obj, wanted)
        outcomes.append(_run(settings, client, obj, pull, resumed=False, progress=progress))
    return outcomes


def cursor_text(settings: Settings, last_start: datetime) -> str:
    """`a_partir_data_referencia` for a pull after one that started at last_start (UTC): minus
    the overlap, in São Paulo time (the CRM's), to the second or to the day. A date-only cursor
    means the whole day, which covers the overlap and more."""
    local = (last_start - timedelta(minutes=settings.cvdw_overlap_minutes)).astimezone(SAO_PAULO)
    if settings.cvdw_cursor_granularity == "date":
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M:%S")


def _cursor_fits(settings: Settings, since: str | None) -> bool:
    if since is None:
        return True
    return (" " in since) == (settings.cvdw_cursor_granularity == "datetime")


def _new_pull(settings: Settings, obj: CrmObject, mode: str) -> Pull:
    started = datetime.now(UTC)
    since = None
    if mode == INCREMENTAL:
        last_start = last_complete_start(settings.state_db, obj.table)
        since = cursor_text(settings, last_start) if last_start else None  # first pull: all
    pull = Pull(f"{started:%Y%m%dT%H%M%S%fZ}-{mode}", obj.table, mode, started, since)
    with closing(state.connect(settings.state_db)) as conn, conn:
        conn.execute(
            """insert into crm_pulls (pull_id, table_name, mode, started_at, since, pages_done,
               rows, status) values (?, ?, ?, ?, ?, 0, 0, 'running')""",
            (pull.pull_id, obj.table, mode, started.isoformat(), since),
        )
    return pull


def _run(
    settings: Settings,
    client: CvdwClient,
    obj: CrmObject,
    pull: Pull,
    resumed: bool,
    progress: Callable[[str], None],
) -> PullOutcome:
    folder = settings.landing_dir / "crm" / obj.table / pull.pull_id
    began = time.monotonic()
    pages = rows = 0
    error = None
    pagina = pull.pages_done + 1
    try:
        while pull.total_pages is None or pagina <= pull.total_pages:
            page = client.page(obj.path, pagina, settings.cvdw_page_size, pull.since)
            if page.rows:
                _write_durably(folder / f"pagina-{pagina:05d}.json", page.body)
            pull.pages_done, pull.total_pages = pagina, page.total_de_paginas
            pull.rows += page.rows
            _checkpoint(settings.state_db, pull)
            pages, rows = pages + 1, rows + page.rows
            progress(_progress_line(obj, pull, pages, time.monotonic() - began))
            pagina += 1
    except CvdwError as exc:
        error = str(exc)
    if error is None and pull.mode == SWEEP:
        record_sweep(settings, obj, pull, folder)
    _finish(settings.state_db, pull, "complete" if error is None else "failed", error)
    return PullOutcome(
        obj.table, pull.pull_id, pull.mode, resumed, pages, rows, time.monotonic() - began, error
    )


SWEEPS_TABLE = "varreduras"
SWEEPS_SCHEMA = pa.schema(
    [
        ("tabela", pa.string()),
        ("pull_id", pa.string()),
        ("iniciada_em", pa.timestamp("us")),
        ("referencia", pa.string()),
    ]
)


def record_sweep(settings: Settings, obj: CrmObject, pull: Pull, folder: Path) -> None:
    """Every referencia a complete sweep saw, in raw/crm/varreduras: a row the CRM no longer
    lists is one that vanished (staging compares). Written before the pull is marked complete;
    rewritten whole if the process dies in between."""
    started = pull.started_at.astimezone(UTC).replace(tzinfo=None)
    target = (
        lake.partition_dir(settings.raw_dir, "crm", SWEEPS_TABLE, f"{pull.started_at:%Y-%m-%d}")
        / f"{obj.table}-{pull.pull_id}.parquet"
    )
    with duckdb.connect() as con:
        pages = sorted(folder.glob("pagina-*.json"))
        query = "select null::varchar as referencia where false"
        if pages:
            files = ", ".join(lake.sql_string(str(page)) for page in pages)
            query = f"""select distinct json_extract_string(r.unnest, '$.referencia') as referencia
                        from read_json([{files}], format='auto', records=true,
                                       columns={{dados: 'JSON[]'}}) as p,
                             unnest(p.dados) as r
                        where json_extract_string(r.unnest, '$.referencia') is not null"""
        lake.copy_query_to_parquet(
            con,
            f"""select {lake.sql_string(obj.table)} as tabela,
                       {lake.sql_string(pull.pull_id)} as pull_id,
                       '{started.isoformat()}'::timestamp as iniciada_em, referencia
                from ({query})""",
            target,
        )


def _progress_line(obj: CrmObject, pull: Pull, pages: int, seconds: float) -> str:
    total = pull.total_pages or 0
    line = f"crm/{obj.table} [{pull.mode}]: page {pull.pages_done}/{total}, {pull.rows:,} rows"
    if pages and seconds > 0 and total > pull.pages_done:
        eta = (total - pull.pages_done) * seconds / pages
        line += f", {pages / seconds:.1f} pages/s, ETA {timedelta(seconds=round(eta))}"
    return line


def _write_durably(path: Path, body: bytes) -> None:
    """The page is on disk under its final name, or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("wb") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _checkpoint(db_path: Path, pull: Pull) -> None:
    with closing(state.connect(db_path)) as conn, conn:
        conn.execute(
            "update crm_pulls set pages_done=?, total_pages=?, rows=? where pull_id=?",
            (pull.pages_done, pull.total_pages, pull.rows, pull.pull_id),
        )


def _finish(db_path: Path, pull: Pull, status: str, error: str | None) -> None:
    with closing(state.connect(db_path)) as conn, conn:
        conn.execute(
            "update crm_pulls set status=?, error=?, finished_at=? where pull_id=?",
            (
                status,
                error,
                datetime.now(UTC).isoformat(),
                pull.pull_id,
            ),
        )


def _unfinished_pull(db_path: Path, table: str) -> Pull | None:
    with closing(state.connect(db_path)) as conn:
        row = conn.execute(
            """select pull_id, mode, started_at, since, pages_done, total_pages, rows
               from crm_pulls where table_name=? and status in ('running', 'failed')
               order by started_at desc limit 1""",
            (table,),
        ).fetchone()
    if row is None:
        return None
    pull_id, mode, started_at, since, pages_done, total_pages, rows = row
    return Pull(
        pull_id, table, mode, datetime.fromisoformat(started_at), since, pages_done,
        total_pages, rows,
    )  # fmt: skip


def last_complete_start(db_path: Path, table: str) -> datetime | None:
    with closing(state.connect(db_path)) as conn:
        (started,) = conn.execute(
            "select max(started_at) from crm_pulls where table_name=? and status='complete'",
            (table,),
        ).fetchone()
    return datetime.fromisoformat(started) if started else None


def last_complete_sweep(db_path: Path, table: str) -> datetime | None:
    with closing(state.connect(db_path)) as conn:
        (finished,) = conn.execute(
            """select max(finished_at) from crm_pulls
               where table_name=? and status='complete' and mode=?""",
            (table, SWEEP),
        ).fetchone()
    return datetime.fromisoformat(finished) if finished else None
