"""What makes the pipeline run by itself: the landing sensor, the daily schedule, the freshness
checks (and how a failed check reaches the run's summary)."""

from __future__ import annotations

import os
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from ingestion import state
from ingestion.crm.objects import OBJECTS
from ingestion.settings import Settings
from orchestration.definitions import defs
from orchestration.defs.pipeline.jobs import FRESHNESS_JOB
from orchestration.defs.pipeline.schedules import diario
from orchestration.defs.pipeline.sensors import SETTLE_SECONDS, arquivos_novos
from orchestration.lib.load_date import today_in_sao_paulo
from orchestration.lib.pipeline_run import _summary
from tests.conftest import write_jsonl

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def settled(path) -> None:
    past = time.time() - SETTLE_SECONDS - 5
    os.utime(path, (past, past))


def evaluate(cursor: str | None):
    with dg.instance_for_test() as instance:
        return arquivos_novos(dg.build_sensor_context(cursor=cursor, instance=instance))


def test_the_sensor_asks_for_a_run_of_today_when_files_land(settings: Settings):
    empty = evaluate(None)
    assert not empty.run_requests

    landed = write_jsonl(settings.landing_dir / "portal" / "eventos-novos.jsonl", [{"a": 1}])
    settled(landed)
    result = evaluate(empty.cursor)
    [request] = result.run_requests
    assert request.partition_key == today_in_sao_paulo().isoformat()
    assert request.run_key == result.cursor != empty.cursor

    unchanged = evaluate(result.cursor)
    assert isinstance(unchanged, dg.SkipReason)


def test_the_sensor_waits_for_a_file_still_being_written(settings: Settings):
    first = evaluate(None)
    write_jsonl(settings.landing_dir / "portal" / "eventos-parcial.jsonl", [{"a": 1}])
    assert isinstance(evaluate(first.cursor), dg.SkipReason)


def test_the_daily_schedule_runs_at_3_in_sao_paulo_for_that_day():
    assert (diario.cron_schedule, diario.execution_timezone) == ("0 3 * * *", "America/Sao_Paulo")
    at = datetime(2026, 11, 27, 3, 0, tzinfo=SAO_PAULO)
    request = diario(dg.build_schedule_context(scheduled_execution_time=at))
    assert request.partition_key == "2026-11-27"
    assert diario.default_status == dg.DefaultScheduleStatus.RUNNING


def freshness_evaluations(result) -> dict[str, tuple[bool, str]]:
    return {
        event.event_specific_data.asset_check_key.asset_key.to_user_string(): (
            event.event_specific_data.passed,
            event.event_specific_data.severity.value,
        )
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def test_freshness_checks_fail_as_warnings_and_reach_the_run_summary(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    now = datetime.now(UTC)
    stale = state.FileCounts("crm.json", "c" * 64, 1, 1, 0, 0)
    fresh = state.FileCounts("portal.jsonl", "p" * 64, 1, 1, 0, 0)
    state.record_files(settings.state_db, "crm", "pessoas", "2026-11-01", [stale])
    state.record_files(settings.state_db, "portal", "eventos", "2026-11-27", [fresh])
    dispatches = state.FileCounts("envios.jsonl", "d" * 64, 1, 1, 0, 0)
    state.record_files(settings.state_db, "pesquisas", "envios", "2026-11-27", [dispatches])
    requests = state.FileCounts("solicitacoes.jsonl", "s" * 64, 1, 1, 0, 0)
    state.record_files(settings.state_db, "serasa", "solicitacoes", "2026-11-27", [requests])
    state.record_publication(settings.state_db, "alicerce-x.duckdb", now.replace(tzinfo=None), "r")
    # The other CRM objects' last pulls completed just now, with nothing new: fresh all the same.
    with closing(state.connect(settings.state_db)) as conn, conn:
        conn.executemany(
            """insert into crm_pulls (pull_id, table_name, mode, started_at, pages_done, rows,
               status, finished_at) values (?, ?, 'incremental', ?, 1, 0, 'complete', ?)""",
            [
                (f"p-{obj.table}", obj.table, now.isoformat(), now.isoformat())
                for obj in OBJECTS
                if obj.table != "pessoas"
            ],
        )
    # crm/pessoas brought data just now too, but its limit is zero hours: late already.
    monkeypatch.setenv(
        "ALICERCE_MAX_AGE_HOURS", '{"portal/eventos": 26, "crm/pessoas": 0, "publicacao": 26}'
    )
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def(FRESHNESS_JOB).execute_in_process(instance=instance)
    assert result.success  # a late source warns; it does not fail the job
    assert freshness_evaluations(result) == {
        "portal/eventos": (True, "WARN"),
        "pesquisas/envios": (True, "WARN"),
        "serasa/solicitacoes": (True, "WARN"),
        "crm/pessoas": (False, "WARN"),
        **{obj.source_table: (True, "WARN") for obj in OBJECTS if obj.table != "pessoas"},
        "publicacao": (True, "WARN"),
    }
    summary = _summary(result, full_refresh=False)
    assert summary["failed_checks"] == ["crm/pessoas: frescor (WARN)"]


def test_a_source_that_never_brought_data_is_not_fresh(settings: Settings):
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def(FRESHNESS_JOB).execute_in_process(instance=instance)
    assert {passed for passed, _ in freshness_evaluations(result).values()} == {False}


def test_an_old_publication_is_late(settings: Settings):
    old = datetime.now(UTC) - timedelta(hours=30)
    state.record_publication(settings.state_db, "alicerce-y.duckdb", old.replace(tzinfo=None), "r")
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def(FRESHNESS_JOB).execute_in_process(instance=instance)
    assert freshness_evaluations(result)["publicacao"] == (False, "WARN")
