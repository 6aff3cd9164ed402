"""Headless runs, as `alicerce run`, `alicerce protocols backfill` and `alicerce bench` make them:
the pipeline job (one load date), then the survey protocols job (a range of dispatch months)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingestion import state
from ingestion.settings import Settings
from orchestration.lib.environment import prepare_environment

DBT_STEP = "alicerce_dbt_models"
PROTOCOLS_STEP = "protocolos_pesquisa_por_mes"


@dataclass
class StepTiming:
    step: str
    started: float  # time.time()
    finished: float


@dataclass
class PipelineOutcome:
    run_id: str
    success: bool
    seconds: float
    summary: dict
    steps: list[StepTiming] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _summary(result, full_refresh: bool) -> dict:
    """Counts per ingested source, dbt figures and failed checks, read from the run's events."""
    summary: dict = {
        "sources": {},
        "models_built": 0,
        "checks_passed": 0,
        "checks_failed": 0,
        "failed_checks": [],
        "full_refresh": full_refresh,
        "publication": {},
    }
    models = set()
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            metadata = {k: v.value for k, v in materialization.metadata.items()}
            if "records_in" in metadata:
                summary["sources"][metadata["source"]] = metadata
            elif materialization.asset_key.path[0] == "publicacao":
                summary["publication"] = {
                    "copied": metadata.get("marts_copied", []),
                    "unchanged": metadata.get("marts_unchanged", []),
                }
            elif event.step_key in (DBT_STEP, PROTOCOLS_STEP):
                models.add(materialization.asset_key)  # a month range: one per month
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                summary["checks_passed"] += 1
            else:
                summary["checks_failed"] += 1
                key = evaluation.asset_check_key
                summary["failed_checks"].append(
                    f"{key.asset_key.to_user_string()}: {key.name} ({evaluation.severity.value})"
                )
    summary["models_built"] = len(models)
    return summary


def _step_timings(log_entries) -> tuple[list[StepTiming], list[str]]:
    """When each step started and finished (from the run's event log), and the failures."""
    starts: dict[str, float] = {}
    steps, failures = [], []
    for entry in log_entries:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps.append(StepTiming(event.step_key, starts[event.step_key], entry.timestamp))
            if event.event_type_value == "STEP_FAILURE":
                failures.append(f"{event.step_key}: {event.message}")
        elif event.event_type_value == "STEP_SKIPPED":
            # Dagster calls such a run a success; for us a step that did not run (the
            # publication above all) is a failure.
            failures.append(f"{event.step_key}: skipped ({event.message})")
    return steps, failures


def month_of(day: str) -> str:
    """The dispatch-month partition (YYYY-MM-01) holding a YYYY-MM-DD day."""
    return f"{day[:7]}-01"


def run_pipeline(
    settings: Settings, load_date: str, full_refresh: bool = False, crm_sweep: bool = False
) -> PipelineOutcome:
    """Run the pipeline job in this process for one load date, then (when it succeeded) the
    survey protocols of the load date's month; record the summary. crm_sweep: every CRM object
    is pulled whole (as the weekly schedule does), not from its cursor."""
    from orchestration.definitions import PIPELINE_JOB, PROTOCOLS_JOB
    from orchestration.defs.crm.assets import SWEEP_TAG

    month = month_of(load_date)
    return _run_jobs(
        settings,
        [
            (
                PIPELINE_JOB,
                {DBT_STEP: full_refresh},
                {"dagster/partition": load_date, **({SWEEP_TAG: "true"} if crm_sweep else {})},
            ),
            (PROTOCOLS_JOB, {PROTOCOLS_STEP: full_refresh}, _month_range(month, month)),
        ],
        {"load_date": load_date, "full_refresh": full_refresh},
    )


def run_protocols(
    settings: Settings, first_month: str, last_month: str, full_refresh: bool = False
) -> PipelineOutcome:
    """Link survey protocols for dispatch months first..last (YYYY-MM-01) in one run: one dbt
    run over the whole range, as a Dagster backfill does; then publish."""
    from orchestration.definitions import PROTOCOLS_JOB

    return _run_jobs(
        settings,
        [(PROTOCOLS_JOB, {PROTOCOLS_STEP: full_refresh}, _month_range(first_month, last_month))],
        {"months": [first_month, last_month], "full_refresh": full_refresh},
    )


def _month_range(first: str, last: str) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": first,
        "dagster/asset_partition_range_end": last,
    }


def _run_jobs(
    settings: Settings,
    jobs: list[tuple[str, dict[str, bool], dict[str, str]]],
    about: dict,
) -> PipelineOutcome:
    """Run the jobs in order in this process, each only if the previous one succeeded:
    (job, full_refresh per dbt step, tags). One summary and outcome for them all."""
    prepare_environment(settings)
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    started_at = datetime.now(UTC)
    started = time.perf_counter()
    summary: dict = {}
    run_ids, steps, failures = [], [], []
    with DagsterInstance.get() as instance:
        for job, full_refresh, tags in jobs:
            run_config = {
                "ops": {
                    step: {"config": {"full_refresh": on}} for step, on in full_refresh.items()
                },
                "loggers": {"console": {"config": {"log_level": "INFO"}}},
            }
            job_def = defs.resolve_job_def(job)
            # One publication per call: when the protocols follow, they publish for both.
            publishes_later = job != jobs[-1][0]
            result = job_def.execute_in_process(
                run_config=run_config,
                instance=instance,
                asset_selection=[
                    key
                    for key in job_def.asset_layer.selected_asset_keys
                    if not (publishes_later and key.path == ["publicacao"])
                ],
                partition_key=tags.get("dagster/partition"),
                tags={k: v for k, v in tags.items() if k != "dagster/partition"},
                raise_on_error=False,
            )
            run_ids.append(result.run_id)
            job_steps, job_failures = _step_timings(instance.all_logs(result.run_id))
            steps += job_steps
            failures += job_failures
            summary = _merge(summary, _summary(result, any(full_refresh.values())))
            if not result.success or job_failures:
                break
    seconds = time.perf_counter() - started
    summary.update(about, seconds=round(seconds, 1))
    success = not failures and len(run_ids) == len(jobs)
    state.record_run(
        settings.state_db, run_ids[-1], started_at, "success" if success else "failure", summary
    )
    return PipelineOutcome(run_ids[-1], success, seconds, summary, steps, failures)


def _merge(earlier: dict, later: dict) -> dict:
    """Two runs' summaries as one: counts add up, the later publication stands."""
    if not earlier:
        return later
    return {
        **later,
        "sources": {**earlier["sources"], **later["sources"]},
        "models_built": earlier["models_built"] + later["models_built"],
        "checks_passed": earlier["checks_passed"] + later["checks_passed"],
        "checks_failed": earlier["checks_failed"] + later["checks_failed"],
        "failed_checks": earlier["failed_checks"] + later["failed_checks"],
        "publication": later["publication"] or earlier["publication"],
    }
