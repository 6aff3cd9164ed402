"""Deterministic synthetic demo data: portal event files, and the CRM sandbox dataset.

People are generated in blocks of BLOCK_SIZE with random streams per block, so memory stays
bounded and the output depends only on (people, seed, until, defects). Month files and CRM object
files (one per object, see sandbox_files.py) are appended block after block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from ingestion.demo.brokers import broker_count
from ingestion.demo.clock import SAO_PAULO, epoch_of_local, local_month
from ingestion.demo.cpf import CpfSequence
from ingestion.demo.crm_objects import CrmWorld, block_frames
from ingestion.demo.defects import DEFECT_KINDS, defect_lines
from ingestion.demo.events import event_frame
from ingestion.demo.people import EVENTS_START, Population
from ingestion.demo.sandbox_files import SandboxFiles
from ingestion.demo.timeline import simulate

BLOCK_SIZE = 25_000  # people per block (memory ~0.6 GB)
EVENTS_FILE_PATTERN = "eventos-*.jsonl"

# Independent random streams per block, so that turning defects off leaves every valid row as is,
# and the CRM objects leave the portal events as they were.
_PEOPLE_STREAM, _DEFECTS_STREAM, _CRM_STREAM, _CRM_DEFECTS_STREAM = range(4)
# Streams of the whole generation.
_CPF_STREAM, _WORLD_STREAM, _SHARED_STREAM, _SHARED_DEFECTS_STREAM = range(4)


@dataclass(frozen=True)
class DemoSummary:
    """What was written, with the injected defects, so that a load can be reconciled:
    event_lines = events_loadable + quarantined + duplicates (blank lines are not records), and per
    CRM object, crm_rows = rows to load (versions included) + crm_defects."""

    people: int
    until: date
    event_lines: int
    events_loadable: int
    blank_lines: int
    event_files: int
    completed_updates: int
    change_entries: int
    defects: dict[str, int] = field(default_factory=dict)  # by quarantine reason; 'duplicate'
    crm_rows: dict[str, int] = field(default_factory=dict)  # lines per object file
    crm_defects: dict[str, int] = field(default_factory=dict)  # unkeyable lines among them

    @property
    def duplicates(self) -> int:
        return self.defects.get("duplicate", 0)

    @property
    def quarantined(self) -> int:
        return sum(count for kind, count in self.defects.items() if kind != "duplicate")

    @property
    def files_written(self) -> int:
        return self.event_files + len(self.crm_rows)


def today_in_sao_paulo() -> date:
    return datetime.now(SAO_PAULO).date()


def generate_demo_data(
    landing_dir: Path,
    crm_dir: Path,
    people: int = 500,
    seed: int = 42,
    until: date | None = None,
    defects: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Writes portal event files under landing_dir/portal and the CRM sandbox dataset in crm_dir
    (`<table>.jsonl` per CRM object; in the app, Settings().crm_sandbox_dir).

    Replaces the generator's own earlier output (every portal/eventos-*.jsonl and every object
    file); nothing else in landing_dir or crm_dir is touched."""
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    until = until or today_in_sao_paulo()
    if until < EVENTS_START:
        raise ValueError(f"until must be on or after {EVENTS_START:%Y-%m-%d}, got {until}")
    report = progress or (lambda _message: None)

    portal_dir = Path(landing_dir) / "portal"
    _clear_previous_events(portal_dir)
    sandbox = SandboxFiles(crm_dir)

    root = np.random.SeedSequence([seed, until.toordinal(), people])
    generation = [np.random.default_rng(s) for s in root.spawn(4)]
    cpfs = CpfSequence(generation[_CPF_STREAM], people + broker_count(people))
    until_end = _end_of(until)
    world = CrmWorld.draw(generation[_WORLD_STREAM], people, cpfs, until, until_end)
    shared_defects = generation[_SHARED_DEFECTS_STREAM] if defects else None
    for table, frame in world.shared_frames(generation[_SHARED_STREAM], people).items():
        sandbox.append(table, frame, shared_defects)
    last_month = int(local_month(np.array([until_end]))[0])
    totals = _Totals()
    for block_start in range(0, people, BLOCK_SIZE):
        block_size = min(BLOCK_SIZE, people - block_start)
        block_seed = np.random.SeedSequence([seed, until.toordinal(), people, block_start])
        streams = [np.random.default_rng(s) for s in block_seed.spawn(4)]
        rng = streams[_PEOPLE_STREAM]
        population = Population.draw(rng, block_start, block_size, cpfs, until)
        activity = simulate(rng, population, until)
        events = event_frame(rng, activity, population)

        lines = events.select("month", "line")
        if defects and events.height:
            bad, counts = defect_lines(streams[_DEFECTS_STREAM], events, block_size, last_month)
            blank = pl.DataFrame({"month": [events["month"][0]], "line": [""]})
            lines = pl.concat([lines, bad, blank])
            totals.add_defects(counts)
            totals.blank_lines += 1
        totals.events_loadable += events.height
        totals.completed_updates += activity.completed_updates
        totals.change_entries += activity.change_entries
        totals.months.update(_append_by_month(portal_dir, lines))

        crm_defects = streams[_CRM_DEFECTS_STREAM] if defects else None
        for table, frame in block_frames(
            streams[_CRM_STREAM], world, population, activity, block_start
        ).items():
            sandbox.append(table, frame, crm_defects)
        report(f"pessoas {block_start + block_size}/{people}")

    defect_counts = {kind: totals.defects.get(kind, 0) for kind in DEFECT_KINDS} if defects else {}
    return DemoSummary(
        people=people,
        until=until,
        event_lines=totals.events_loadable + sum(defect_counts.values()),
        events_loadable=totals.events_loadable,
        blank_lines=totals.blank_lines,
        event_files=len(totals.months),
        completed_updates=totals.completed_updates,
        change_entries=totals.change_entries,
        defects=defect_counts,
        crm_rows=dict(sandbox.rows),
        crm_defects=dict(sandbox.defects) if defects else {},
    )


@dataclass
class _Totals:
    events_loadable: int = 0
    blank_lines: int = 0
    completed_updates: int = 0
    change_entries: int = 0
    months: set[int] = field(default_factory=set)
    defects: dict[str, int] = field(default_factory=dict)

    def add_defects(self, counts: dict[str, int]) -> None:
        for kind, count in counts.items():
            self.defects[kind] = self.defects.get(kind, 0) + count


def _end_of(day: date) -> int:
    return epoch_of_local(day + timedelta(days=1)) - 1


def _clear_previous_events(portal_dir: Path) -> None:
    portal_dir.mkdir(parents=True, exist_ok=True)
    for old in portal_dir.glob(EVENTS_FILE_PATTERN):
        old.unlink()


def month_file_name(month: int) -> str:
    """eventos-YYYY-MM.jsonl for a month counted from 1970-01."""
    return f"eventos-{1970 + month // 12:04d}-{month % 12 + 1:02d}.jsonl"


def _append_by_month(portal_dir: Path, lines: pl.DataFrame) -> set[int]:
    """Appends each month's lines to its file, keeping the lines' order; returns the months."""
    months = set()
    for (month,), part in lines.partition_by("month", maintain_order=True, as_dict=True).items():
        with (portal_dir / month_file_name(int(month))).open("ab") as file:
            part.select("line").write_csv(file, include_header=False, quote_style="never")
        months.add(int(month))
    return months
