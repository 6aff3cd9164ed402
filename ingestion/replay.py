"""Quarantine replay: re-judge quarantined records under today's rules and contract, and move
those that now pass into the raw lake (DESIGN.md: a replayed record takes the replay's load date).

For each source table, in one pass:
1. every quarantined record is judged again, exactly as ingestion judges a landing file, and
   checked against the lake: 'loaded' (new), 'duplicate' (already in the lake, e.g. loaded by an
   interrupted replay) or 'conflict' (the key is in the lake with other content: stays);
2. the loaded ones are written to raw/<source>/<table>/dt=<load date>/replay-<id>.parquet;
3. each quarantine file that loses records is rewritten as <stem>~<id>.parquet (what remains,
   with today's reasons), unless nothing remains;
4. the replay is recorded in the state database: the commit point;
5. the quarantine files it replaced are deleted.
A replay that dies before 4 leaves only files named after its id, which the next replay or ingestion
deletes; one that dies after 4 leaves superseded files, which the next one deletes. Either way no
record is lost or loaded twice, and records in the lake and in quarantine still reconcile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import lake, state
from ingestion.crm import pages
from ingestion.crm.objects import OBJECTS, CrmObject
from ingestion.landing import connect
from ingestion.portal import events
from ingestion.quarantine import (
    GENERATION_MARK,
    REPLAY_PREFIX,
    finish_replays,
    quarantine_files,
    write_quarantine,
)
from ingestion.serasa import requests as serasa_requests
from ingestion.settings import Settings
from ingestion.surveys import dispatches


@dataclass(frozen=True)
class ReplayableSource:
    source: str
    table: str
    # (connection, settings): judge temp table `quarantined` into `classified` + rejected rows
    judge: Callable[[duckdb.DuckDBPyConnection, Settings], None]
    loaded_sql: Callable[[datetime], str]  # rows to load, with file_no and line_no
    rejected_sql: str  # (file_no, line_no, reason[, content]) still rejected

    @property
    def name(self) -> str:
        return f"{self.source}/{self.table}"


def _judge_portal(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    events.judge(con, settings, "quarantined")


def _judge_dispatches(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    dispatches.judge(con, settings, "quarantined")


def _judge_serasa_requests(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    serasa_requests.judge(con, settings, "quarantined")


def _judge_crm_rows(con: duckdb.DuckDBPyConnection, settings: Settings, obj: CrmObject) -> None:
    # Rows are re-judged from their content; a page that could not be read at all has no rows
    # to judge (line_no is NULL) and stays as it is.
    pages.judge_rows(
        con,
        settings,
        obj,
        "(select file_no, line_no, content as row from quarantined where line_no is not null)",
    )
    con.execute(
        """insert into rejected
           select file_no, line_no, reason, content from quarantined where line_no is null"""
    )


SOURCES = {
    source.name: source
    for source in (
        ReplayableSource(
            events.SOURCE, events.TABLE, _judge_portal, events.loaded_sql, events.REJECTED_SQL
        ),
        ReplayableSource(
            dispatches.SOURCE,
            dispatches.TABLE,
            _judge_dispatches,
            dispatches.loaded_sql,
            dispatches.REJECTED_SQL,
        ),
        ReplayableSource(
            serasa_requests.SOURCE,
            serasa_requests.TABLE,
            _judge_serasa_requests,
            serasa_requests.loaded_sql,
            serasa_requests.REJECTED_SQL,
        ),
        *(
            ReplayableSource(
                pages.SOURCE,
                obj.table,
                functools.partial(_judge_crm_rows, obj=obj),
                pages.loaded_sql,
                pages.REJECTED_SQL,
            )
            for obj in OBJECTS
        ),
    )
}


def _replay_one(
    settings: Settings, replayable: ReplayableSource, replay_id: str, load_date: str
) -> state.ReplayCounts:
    source, table = replayable.source, replayable.table
    finish_replays(settings, source, table)
    files = quarantine_files(settings, source, table)
    if not files:
        return state.ReplayCounts(source, table, 0, 0, 0, 0)
    with connect(settings) as con:
        con.register(
            "quarantine_files",
            pa.table({"file_no": range(len(files)), "filename": [str(f) for f in files]}),
        )
        con.execute(
            """create temp table quarantined as
               select f.file_no, q.* exclude (filename)
               from read_parquet(?, union_by_name = true, filename = true,
                                 hive_partitioning = false) as q
               join quarantine_files as f using (filename)""",
            [[str(f) for f in files]],
        )
        replayable.judge(con, settings)
        ingested_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            f"""create temp table to_load as
                select l.* exclude (file_no), q.source_file
                from ({replayable.loaded_sql(ingested_at)}) as l
                join quarantined as q using (file_no, line_no)"""
        )
        con.execute(
            f"""create temp table staying as
                select q.* replace (r.reason as reason)
                from quarantined as q
                join ({replayable.rejected_sql}) as r
                  on r.file_no = q.file_no and r.line_no is not distinct from q.line_no"""
        )
        examined, loaded, duplicates, staying = con.execute(
            """select (select count(*) from quarantined),
                      (select count(*) from to_load),
                      (select count(*) from classified where outcome = 'duplicate'),
                      (select count(*) from staying)"""
        ).fetchone()
        counts = state.ReplayCounts(source, table, examined, loaded, duplicates, staying)
        if examined != loaded + duplicates + staying:
            raise RuntimeError(f"{replayable.name}: replay counts do not reconcile: {counts}")
        if loaded + duplicates == 0:
            return counts  # nothing moves: nothing to write or record

        if loaded:
            lake.copy_query_to_parquet(
                con,
                "select * from to_load order by source_file, line_no",
                lake.partition_dir(settings.raw_dir, source, table, load_date)
                / f"{REPLAY_PREFIX}{replay_id}.parquet",
            )
        superseded = []
        leaving = dict(
            con.execute(
                """select q.file_no, count(*) from quarantined as q
                   anti join staying as s
                     on s.file_no = q.file_no and s.line_no is not distinct from q.line_no
                   group by q.file_no"""
            ).fetchall()
        )
        for file_no, path in enumerate(files):
            if file_no not in leaving:
                continue
            superseded.append(str(path))
            stem = path.stem.split(GENERATION_MARK, 1)[0]
            (remaining,) = con.execute(
                "select count(*) from staying where file_no = ?", [file_no]
            ).fetchone()
            if remaining:
                write_quarantine(
                    con,
                    settings.quarantine_dir,
                    source,
                    table,
                    path.parent.name.removeprefix("dt="),
                    f"{stem}{GENERATION_MARK}{replay_id}",
                    f"select * exclude (file_no) from staying where file_no = {file_no} "
                    "order by line_no",
                )
    state.record_replay(settings.state_db, replay_id, load_date, counts, superseded)
    for name in superseded:
        Path(name).unlink(missing_ok=True)
    return counts


def replay_quarantine(
    settings: Settings,
    load_date: str,
    sources: list[str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[state.ReplayCounts]:
    """Replay the quarantine of the given source tables ('portal/eventos', ...; default: all)."""
    unknown = sorted(set(sources or []) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; known: {sorted(SOURCES)}")
    replay_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    results = []
    for name in sources or list(SOURCES):
        counts = _replay_one(settings, SOURCES[name], replay_id, load_date)
        progress(
            f"{name}: {counts.examined:,} examined, {counts.loaded:,} loaded, "
            f"{counts.duplicates:,} already in the lake, {counts.still_quarantined:,} stay"
        )
        results.append(counts)
    return results
