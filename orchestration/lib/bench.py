"""`alicerce bench`: the pipeline measured per stage on generated data, through `alicerce run`'s
own code path (orchestration.lib.pipeline_run), in a data folder of its own.

Runs, in order: a full run on N generated events, the survey protocols backfilled over all
history twice, a run with nothing new (the fixed cost: Dagster and dbt start-up), then a run after
adding about 1% new events. Memory is the resident set of the
whole process tree (this process and its children, dbt included), sampled every 50 ms.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import psutil

from ingestion.crm.objects import OBJECTS
from ingestion.settings import Settings
from orchestration.lib.publish import current_publication

EVENTS_PER_PERSON = 14.6  # what the demo generator yields on average (its timeline's settings)
QUERY_REPEATS = 5


@dataclass
class Stage:
    name: str
    rows: int
    seconds: float
    peak_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class RunMeasure:
    label: str
    seconds: float  # the whole run, as `alicerce run` sees it
    stages: list[Stage] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "seconds": round(self.seconds, 2),
            "stages": [
                {**asdict(s), "rows_per_second": round(s.rows_per_second)} for s in self.stages
            ],
        }


class MemorySampler:
    """Peak resident memory of this process and all its descendants, over chosen intervals."""

    def __init__(self, interval: float = 0.05) -> None:
        self._interval = interval
        self._samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree_rss(self) -> int:
        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += process.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self._samples.append((time.time(), self._tree_rss()))
            self._stop.wait(self._interval)

    def peak_mb(self, start: float, end: float) -> float:
        inside = [rss for t, rss in self._samples if start <= t <= end]
        return max(inside, default=self._tree_rss()) / 2**20


def _timed(sampler: MemorySampler, action: Callable[[], int], name: str) -> Stage:
    start = time.time()
    rows = action()
    end = time.time()
    return Stage(name, rows, end - start, sampler.peak_mb(start, end))


def _pipeline(settings: Settings, sampler: MemorySampler, label: str, load_date: str) -> RunMeasure:
    import duckdb

    from orchestration.lib.pipeline_run import DBT_STEP, PROTOCOLS_STEP, run_pipeline
    from orchestration.lib.publish import current_publication

    outcome = run_pipeline(settings, load_date)
    if not outcome.success:
        raise RuntimeError(f"{label}: the pipeline failed: {outcome.failures}")
    by_step = {step.step: step for step in outcome.steps}
    sources = outcome.summary["sources"]
    with duckdb.connect(str(current_publication(settings.published_dir)), read_only=True) as con:
        (mart_rows,) = con.execute("select count(*) from marts.alteracoes_cadastrais").fetchone()
        (dispatches,) = con.execute("select count(*) from marts.protocolos_pesquisa").fetchone()

    def stage(name: str, steps: list[str], rows: int) -> Stage:
        start = min(by_step[s].started for s in steps)
        end = max(by_step[s].finished for s in steps)
        return Stage(name, rows, end - start, sampler.peak_mb(start, end))

    return RunMeasure(
        label,
        outcome.seconds,
        [
            stage(
                "ingest",
                [
                    "portal__eventos",
                    "pesquisas__envios",
                    *(f"crm__{obj.table}" for obj in OBJECTS),
                ],
                sum(meta["records_in"] for meta in sources.values()),
            ),
            stage("dbt build", [DBT_STEP], mart_rows),
            stage("publish", ["publicacao"], mart_rows),
            stage("protocols (this month, then publish)", [PROTOCOLS_STEP], dispatches),
        ],
    )


def _protocols_backfill(settings: Settings, sampler: MemorySampler, label: str) -> RunMeasure:
    """`alicerce protocols backfill` over every month with a dispatch: one dbt run."""
    from ingestion.surveys.dispatches import first_dispatch_month
    from orchestration.lib.load_date import today_in_sao_paulo
    from orchestration.lib.pipeline_run import PROTOCOLS_STEP, month_of, run_protocols

    first = f"{first_dispatch_month(settings)}-01"
    outcome = run_protocols(settings, first, month_of(today_in_sao_paulo().isoformat()))
    if not outcome.success:
        raise RuntimeError(f"{label}: the backfill failed: {outcome.failures}")
    (step,) = [s for s in outcome.steps if s.step == PROTOCOLS_STEP]
    with duckdb.connect(str(current_publication(settings.published_dir)), read_only=True) as con:
        (dispatches,) = con.execute("select count(*) from marts.protocolos_pesquisa").fetchone()
    return RunMeasure(
        label,
        outcome.seconds,
        [
            Stage(
                f"dbt over {first[:7]}.. (all months)",
                dispatches,
                step.finished - step.started,
                sampler.peak_mb(step.started, step.finished),
            )
        ],
    )


def _report_queries(settings: Settings, sampler: MemorySampler, reference: date) -> list[Stage]:
    """The change report's query as the page runs it (data_access), on the month before
    `reference`, cold (the cache is cleared before each of a few runs; the median is kept): as a
    gestor (every row) and as the broker with the most clients (row scope through
    marts.carteira_clientes)."""
    import streamlit as st

    from dashboards import data_access
    from dashboards.usuarios import Papel, Usuario

    end = reference.replace(day=1) - timedelta(days=1)
    start_of_month = end.replace(day=1)
    viewers = [Usuario(login="bench-gestor", nome="bench", papel=Papel.GESTOR)]
    broker = _busiest_broker(settings)
    if broker is not None:
        viewers.append(
            Usuario(login="bench-corretor", nome="bench", papel=Papel.CORRETOR, idcorretor=broker)
        )
    stages = []
    for viewer in viewers:
        timings = []
        start = time.time()
        for _ in range(QUERY_REPEATS):
            st.cache_data.clear()
            began = time.perf_counter()
            rows = len(data_access.alteracoes(viewer, start_of_month, end))
            timings.append(time.perf_counter() - began)
        scope = "gestor" if viewer.idcorretor is None else f"corretor {viewer.idcorretor}"
        stages.append(
            Stage(
                f"report query (mês anterior, {scope})",
                rows,
                statistics.median(timings),
                sampler.peak_mb(start, time.time()),
            )
        )
    return stages


def _busiest_broker(settings: Settings) -> int | None:
    """The broker with the most clients in the current publication, if it has the mart."""
    publication = current_publication(settings.published_dir)
    if publication is None:
        return None
    with duckdb.connect(str(publication), read_only=True) as con:
        try:
            rows = con.execute(
                """
                select idcorretor from marts.carteira_clientes
                group by idcorretor order by count(distinct idpessoa) desc, idcorretor limit 1
                """
            ).fetchall()
        except duckdb.CatalogException:
            return None
    return rows[0][0] if rows else None


def run_bench(people: int, data_dir: Path, progress: Callable[[str], None]) -> dict:
    """Generate, run, rerun with nothing new, add ~1% and run again; return every figure.

    Events end the day before yesterday; the first run loads them yesterday, the +1% today."""
    from ingestion.demo import generate_demo_data
    from orchestration.lib.environment import prepare_environment
    from orchestration.lib.load_date import today_in_sao_paulo

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir)
    prepare_environment(settings)
    until = today_in_sao_paulo() - timedelta(days=2)
    load_date = until + timedelta(days=1)
    results: dict = {"people": people}
    with MemorySampler() as sampler:
        progress(
            f"generating {people:,} people (about {round(people * EVENTS_PER_PERSON):,} events)"
        )
        summary = None

        def generate() -> int:
            nonlocal summary
            summary = generate_demo_data(
                settings.landing_dir, settings.crm_sandbox_dir, people=people, until=until
            )
            return summary.event_lines

        generated = _timed(sampler, generate, "generate")
        progress("full run")
        full = _pipeline(settings, sampler, "full", load_date.isoformat())
        full.stages.insert(0, generated)
        full.stages.extend(_report_queries(settings, sampler, load_date))

        progress("survey protocols backfilled over all history, twice (the second: a rerun)")
        backfills = [
            _protocols_backfill(settings, sampler, label)
            for label in ("protocols backfill", "protocols backfill again")
        ]

        progress("run with nothing new (fixed cost)")
        idle = _pipeline(settings, sampler, "nothing new", load_date.isoformat())

        increment_people = max(1, round(people / 100))
        progress(f"adding about 1% new events ({increment_people:,} people)")
        staging = data_dir / "bench-increment"

        def generate_increment() -> int:
            extra = generate_demo_data(
                staging,
                staging / "crm",  # only the new events are added; the CRM stays as it is
                people=increment_people,
                seed=4242,
                until=until,
                defects=False,
            )
            target = settings.landing_dir / "portal" / "incremento-1"
            shutil.move(staging / "portal", target)
            shutil.rmtree(staging)
            return extra.event_lines

        increment_generated = _timed(sampler, generate_increment, "generate")
        progress("incremental run")
        increment = _pipeline(
            settings, sampler, "+1% events", (load_date + timedelta(days=1)).isoformat()
        )
        increment.stages.insert(0, increment_generated)
        increment.stages.extend(_report_queries(settings, sampler, load_date))
        overall_peak = sampler.peak_mb(0, time.time())

    results.update(
        events_generated=summary.event_lines,
        dispatches_generated=summary.dispatch_lines,
        runs=[
            full.as_dict(),
            *(backfill.as_dict() for backfill in backfills),
            idle.as_dict(),
            increment.as_dict(),
        ],
        peak_mb=round(overall_peak),
        fixed_cost_seconds=round(idle.seconds, 2),
        full_run_seconds=round(full.seconds, 2),
        increment_above_fixed_share=round((increment.seconds - idle.seconds) / full.seconds, 3),
    )
    return results
