"""`alicerce crm bench`: a full pull of every CRM object from the local sandbox, its limit lifted,
through the real client, then the load of the pulled pages into the lake; measured per object.

The sandbox answers in milliseconds and the limit is lifted, so the figures measure our side
(HTTP, page writing and checkpoints, ingestion). What the real tenant makes of them is computed
from the page count: at most `requests_per_minute` pages a minute, whatever our speed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ingestion.crm.load import cvdw_client
from ingestion.crm.objects import OBJECTS
from ingestion.crm.pages import ingest_pages
from ingestion.crm.pull import pull_object
from ingestion.demo.generator import generate_demo_data
from ingestion.settings import Settings
from orchestration.lib.bench import MemorySampler

LIFTED = 1_000_000  # requests a minute: no limit in practice
REAL_LIMIT = 20  # the real tenant's requests a minute


@dataclass(frozen=True)
class ObjectMeasure:
    table: str
    pages: int
    rows: int
    pull_seconds: float
    load_seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.pull_seconds if self.pull_seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.pull_seconds if self.pull_seconds else 0.0


def run_crm_bench(people: int, folder: Path, progress: Callable[[str], None]) -> dict:
    if folder.exists():
        shutil.rmtree(folder)
    settings = Settings(data_dir=folder, sandbox_requests_per_minute=LIFTED)
    started = time.perf_counter()
    generate_demo_data(
        settings.landing_dir, people=people, crm_dir=settings.crm_sandbox_dir, progress=progress
    )
    progress(f"demo CRM for {people:,} people generated in {time.perf_counter() - started:.1f} s")
    measures = []
    began_all = time.time()
    with MemorySampler() as memory, cvdw_client(settings, lambda _: None) as client:
        for obj in OBJECTS:
            began = time.perf_counter()
            (outcome,) = pull_object(settings, client, obj, progress=progress)
            pulled = time.perf_counter()
            ingest_pages(settings, obj.table, "2026-11-27")
            measures.append(
                ObjectMeasure(
                    obj.table,
                    outcome.pages,
                    outcome.rows,
                    pulled - began,
                    time.perf_counter() - pulled,
                )
            )
            progress(f"crm/{obj.table}: {outcome.pages:,} pages, {outcome.rows:,} rows")
    peak_mb = memory.peak_mb(began_all, time.time())
    pages = sum(m.pages for m in measures)
    pull_seconds = sum(m.pull_seconds for m in measures)
    return {
        "people": people,
        "objects": [
            {
                **asdict(m),
                "pages_per_second": round(m.pages_per_second, 1),
                "rows_per_second": round(m.rows_per_second),
            }
            for m in measures
        ],  # fmt: skip
        "pages": pages,
        "rows": sum(m.rows for m in measures),
        "pull_seconds": round(pull_seconds, 2),
        "load_seconds": round(sum(m.load_seconds for m in measures), 2),
        "peak_mb": round(peak_mb),
        # One request per page; the real tenant admits REAL_LIMIT a minute.
        "real_limit_hours": round(pages / REAL_LIMIT / 60, 2),
    }
