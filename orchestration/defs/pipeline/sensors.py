"""A run when new files land: the sensor watches data/landing and asks for a run of today's load
date when the set of settled files changes (the run itself skips files already ingested).

landing/crm is not watched: its pages are written by the runs' own CRM pulls (a run would start
the next one), and the CRM is pulled by the schedules."""

import hashlib
import time

import dagster as dg

from ingestion.settings import get_settings
from orchestration.defs.pipeline.jobs import pipeline
from orchestration.lib.load_date import today_in_sao_paulo

# A file modified less than this long ago may still be being written: wait for the next tick.
SETTLE_SECONDS = 10
PULLED_BY_RUNS = "crm"


def landing_signature(settled_before: float) -> tuple[str, int]:
    """A hash of every settled landing file's path, size and modification time, and their count."""
    landing = get_settings().landing_dir
    entries = sorted(
        (str(path.relative_to(landing)), stat.st_size, stat.st_mtime_ns)
        for path in landing.rglob("*")
        if path.is_file()
        and not path.name.startswith(".")
        and path.relative_to(landing).parts[0] != PULLED_BY_RUNS
        and (stat := path.stat()).st_mtime < settled_before
    )
    return hashlib.sha256(repr(entries).encode()).hexdigest(), len(entries)


@dg.sensor(
    job=pipeline,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the pipeline when files arrive in (or change under) data/landing.",
)
def arquivos_novos(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    signature, count = landing_signature(time.time() - SETTLE_SECONDS)
    if signature == context.cursor:
        return dg.SkipReason(f"no change among {count} landing file(s)")
    if context.cursor is None and count == 0:
        return dg.SensorResult(skip_reason="the landing folder is empty", cursor=signature)
    load_date = today_in_sao_paulo().isoformat()
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=signature, partition_key=load_date)],
        cursor=signature,
    )
