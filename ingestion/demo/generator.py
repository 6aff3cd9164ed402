"""Deterministic synthetic demo data: portal event files, the CRM sandbox dataset, and the
survey dispatch log.

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

from ingestion.alcadas.rules import load_rules
from ingestion.demo.brokers import broker_count
from ingestion.demo.clock import SAO_PAULO, epoch_of_local, local_month
from ingestion.demo.cpf import CpfSequence
from ingestion.demo.crm_objects import CrmWorld, block_frames
from ingestion.demo.defects import DEFECT_KINDS, defect_lines
from ingestion.demo.dispatches import (
    DISPATCH_FILE_PATTERN,
    DispatchLog,
    Surveys,
    dispatch_file_name,
)
from ingestion.demo.events import event_frame
from ingestion.demo.people import EVENTS_START, Population
from ingestion.demo.sandbox_files import SandboxFiles
from ingestion.demo.serasa import SerasaDemoSummary, generate_serasa_demo
from ingestion.demo.timeline import simulate
from ingestion.settings import Settings

BLOCK_SIZE = 25_000  # people per block (memory ~0.6 GB)
EVENTS_FILE_PATTERN = "eventos-*.jsonl"
DISPATCHES_FOLDER = "pesquisas"  # under landing_dir

# Independent random streams per block, so that turning defects off leaves every valid row as is,
# and the CRM objects leave the portal events as they were. SeedSequence.spawn continues where
# the last call stopped, so streams added at the end leave the earlier ones (and their output)
# as they were.
_PEOPLE_STREAM, _DEFECTS_STREAM, _CRM_STREAM, _CRM_DEFECTS_STREAM = range(4)
_DISPATCH_STREAM, _DISPATCH_DEFECTS_STREAM, _ALCADA_STREAM = range(4, 7)
# Streams of the whole generation.
_CPF_STREAM, _WORLD_STREAM, _SHARED_STREAM, _SHARED_DEFECTS_STREAM = range(4)


@dataclass(frozen=True)
class DemoSummary:
    """What was written, with the injected defects, so that a load can be reconciled:
    event_lines = events_loadable + quarantined + duplicates (blank lines are not records), per
    CRM object, crm_rows = rows to load (versions included) + crm_defects, and for the survey
    dispatch log, dispatch_lines = dispatches_loadable + sum(dispatch_defects.values()).
    alcada_exact and alcada_short count the payment flows planted on the alçada rules
    (ingestion/demo/alcadas.py): exactly on a limit with every cycle met, and short by R$ 0,01 to
    R$ 100,00 at one cycle."""

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
    dispatch_lines: int = 0  # survey dispatch log: every line written (none blank)
    dispatches_loadable: int = 0  # valid, one per idenvio: what a load keeps
    dispatch_files: int = 0
    dispatch_defects: dict[str, int] = field(default_factory=dict)  # by reason; 'duplicate'
    alcada_exact: int = 0
    alcada_short: int = 0
    serasa: SerasaDemoSummary | None = None  # credit profiles, query requests, legacy archives

    @property
    def duplicates(self) -> int:
        return self.defects.get("duplicate", 0)

    @property
    def quarantined(self) -> int:
        return sum(count for kind, count in self.defects.items() if kind != "duplicate")

    @property
    def files_written(self) -> int:
        serasa = self.serasa
        serasa_files = 1 + serasa.request_files + serasa.legacy_files if serasa else 0
        return self.event_files + len(self.crm_rows) + self.dispatch_files + serasa_files


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
    alcada_rules: Path | None = None,
) -> DemoSummary:
    """Writes portal event files under landing_dir/portal, the CRM sandbox dataset in crm_dir
    (`<table>.jsonl` per CRM object; in the app, Settings().crm_sandbox_dir) and the survey
    dispatch log under landing_dir/pesquisas (envios-YYYY-MM.jsonl, by São Paulo month); the
    Serasa credit profiles beside crm_dir (../serasa/perfis.jsonl), query requests under
    landing_dir/serasa/solicitacoes and legacy archives under landing_dir/serasa/legado.
    Some payment flows are planted on the alçada rules of alcada_rules (default: the
    Settings().alcada_rules_file); an invalid rules file raises RulesError.

    Replaces the generator's own earlier output (every portal/eventos-*.jsonl, every
    pesquisas/envios-*.jsonl, every object file and its Serasa files); nothing else in
    landing_dir or crm_dir is touched."""
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    until = until or today_in_sao_paulo()
    if until < EVENTS_START:
        raise ValueError(f"until must be on or after {EVENTS_START:%Y-%m-%d}, got {until}")
    report = progress or (lambda _message: None)
    rules = load_rules(alcada_rules or Settings().alcada_rules_file)

    portal_dir = Path(landing_dir) / "portal"
    _clear_previous(portal_dir, EVENTS_FILE_PATTERN)
    dispatches_dir = Path(landing_dir) / DISPATCHES_FOLDER
    _clear_previous(dispatches_dir, DISPATCH_FILE_PATTERN)
    sandbox = SandboxFiles(crm_dir)

    root = np.random.SeedSequence([seed, until.toordinal(), people])
    generation = [np.random.default_rng(s) for s in root.spawn(4)]
    cpfs = CpfSequence(generation[_CPF_STREAM], people + broker_count(people))
    until_end = _end_of(until)
    world = CrmWorld.draw(generation[_WORLD_STREAM], people, cpfs, until, until_end, rules)
    shared_defects = generation[_SHARED_DEFECTS_STREAM] if defects else None
    shared = world.shared_frames(generation[_SHARED_STREAM], people)
    for table, frame in shared.items():
        sandbox.append(table, frame, shared_defects)
    last_month = int(local_month(np.array([until_end]))[0])
    dispatch_log = DispatchLog(Surveys.from_frame(shared["pesquisas"]), until_end)
    totals = _Totals()
    for block_start in range(0, people, BLOCK_SIZE):
        block_size = min(BLOCK_SIZE, people - block_start)
        block_seed = np.random.SeedSequence([seed, until.toordinal(), people, block_start])
        streams = [np.random.default_rng(s) for s in block_seed.spawn(7)]
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
        totals.months.update(_append_by_month(portal_dir, lines, month_file_name))

        crm_defects = streams[_CRM_DEFECTS_STREAM] if defects else None
        frames, planted = block_frames(
            streams[_CRM_STREAM],
            world,
            population,
            activity,
            block_start,
            streams[_ALCADA_STREAM],
        )
        totals.alcada_exact += len(planted.exact)
        totals.alcada_short += len(planted.short)
        for table, frame in frames.items():
            sandbox.append(table, frame, crm_defects)

        dispatch_defects = streams[_DISPATCH_DEFECTS_STREAM] if defects else None
        dispatches = dispatch_log.block_lines(
            streams[_DISPATCH_STREAM], frames, block_size, dispatch_defects
        )
        totals.dispatch_months.update(
            _append_by_month(dispatches_dir, dispatches, dispatch_file_name)
        )
        report(f"pessoas {block_start + block_size}/{people}")

    # Its own stream (10 is no block_start), so the draws above are as they were.
    serasa_seed = np.random.SeedSequence([seed, until.toordinal(), people, 10])
    serasa = generate_serasa_demo(
        np.random.default_rng(serasa_seed),
        Path(crm_dir),
        Path(landing_dir),
        Path(crm_dir).parent / "serasa",
        until,
    )

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
        dispatch_lines=dispatch_log.lines,
        dispatches_loadable=dispatch_log.loadable,
        dispatch_files=len(totals.dispatch_months),
        dispatch_defects=dict(dispatch_log.defects) if defects else {},
        alcada_exact=totals.alcada_exact,
        alcada_short=totals.alcada_short,
        serasa=serasa,
    )


@dataclass
class _Totals:
    events_loadable: int = 0
    blank_lines: int = 0
    completed_updates: int = 0
    change_entries: int = 0
    alcada_exact: int = 0
    alcada_short: int = 0
    months: set[int] = field(default_factory=set)
    dispatch_months: set[int] = field(default_factory=set)
    defects: dict[str, int] = field(default_factory=dict)

    def add_defects(self, counts: dict[str, int]) -> None:
        for kind, count in counts.items():
            self.defects[kind] = self.defects.get(kind, 0) + count


def _end_of(day: date) -> int:
    return epoch_of_local(day + timedelta(days=1)) - 1


def _clear_previous(folder: Path, pattern: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(pattern):
        old.unlink()


def month_file_name(month: int) -> str:
    """eventos-YYYY-MM.jsonl for a month counted from 1970-01."""
    return f"eventos-{1970 + month // 12:04d}-{month % 12 + 1:02d}.jsonl"


def _append_by_month(
    folder: Path, lines: pl.DataFrame, file_name: Callable[[int], str]
) -> set[int]:
    """Appends each month's lines to its file (file_name of the month), keeping the lines'
    order; returns the months."""
    months = set()
    for (month,), part in lines.partition_by("month", maintain_order=True, as_dict=True).items():
        with (folder / file_name(int(month))).open("ab") as file:
            part.select("line").write_csv(file, include_header=False, quote_style="never")
        months.add(int(month))
    return months
