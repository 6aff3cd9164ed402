"""One headless run of the pipeline job, as `alicerce run` and `alicerce bench` make it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingestion import state
from ingestion.settings import Settings
from orchestration.lib.environment import prepare_environment

DBT_STEP = "alicerce_dbt_models"


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
            elif event.step_key == DBT_STEP:
                summary["models_built"] += 1
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


def run_pipeline(
    settings: Settings, load_date: str, full_refresh: bool = False, crm_sweep: bool = False
) -> PipelineOutcome:
    """Run the pipeline job in this process for one load date; record its summary. crm_sweep:
    every CRM object is pulled whole (as the weekly schedule does), not from its cursor."""
    prepare_environment(settings)
    from dagster import DagsterInstance

    from orchestration.definitions import PIPELINE_JOB, defs
    from orchestration.defs.crm.assets import SWEEP_TAG

    run_config = {
        "ops": {DBT_STEP: {"config": {"full_refresh": full_refresh}}},
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            run_config=run_config,
            instance=instance,
            partition_key=load_date,
            tags={SWEEP_TAG: "true"} if crm_sweep else None,
            raise_on_error=False,
        )
        steps, failures = _step_timings(instance.all_logs(result.run_id))
    seconds = time.perf_counter() - started
    summary = _summary(result, full_refresh)
    summary["seconds"] = round(seconds, 1)
    summary["load_date"] = load_date
    success = result.success and not failures
    state.record_run(
        settings.state_db, result.run_id, started_at, "success" if success else "failure", summary
    )
    return PipelineOutcome(result.run_id, success, seconds, summary, steps, failures)
