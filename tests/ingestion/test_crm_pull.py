"""CRM pulls through the real HTTP client against the local CVDW sandbox: pages, cursor,
checkpoints (a killed pull resumes), the rate limit, failures, quarantine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion import lake, state
from ingestion.crm.load import CrmPullFailed, pull_and_ingest
from ingestion.crm.pull import last_complete_start
from ingestion.crm.sandbox import SAO_PAULO, SandboxConfig, running_sandbox
from ingestion.settings import Settings

LOAD_DATE = "2026-11-27"
TABLE = "imobiliarias"  # a plain object: id idimobiliaria, no CPF


def imobiliaria(n: int, changed: str = "2026-11-01 10:00:00", nome: str | None = None) -> dict:
    return {
        "referencia": str(n),
        "referencia_data": changed,
        "ativo": "S",
        "idimobiliaria": n,
        "nome": nome or f"Imobiliária {n}",
        "cnpj": "12345678000190",
    }


def write_dataset(folder: Path, rows: list[dict | str], table: str = TABLE) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    (folder / f"{table}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def lake_rows(settings: Settings, table: str = TABLE) -> list[tuple]:
    glob = lake.table_glob(settings.raw_dir, "crm", table)
    return duckdb.sql(
        f"""select referencia, referencia_data, nome from read_parquet('{glob}', union_by_name=true)
            order by referencia::int, referencia_data"""
    ).fetchall()


def current_rows(settings: Settings) -> dict[str, tuple]:
    """The latest version per referencia, as the warehouse's current state sees it."""
    current: dict[str, tuple] = {}
    for referencia, changed, nome in lake_rows(settings):
        current[referencia] = max(current.get(referencia, (changed, nome)), (changed, nome))
    return current


def pulls(settings: Settings) -> list[tuple]:
    with closing(state.connect(settings.state_db)) as conn:
        return conn.execute(
            """select mode, since, pages_done, total_pages, rows, status from crm_pulls
               where table_name = ? order by started_at""",
            (TABLE,),
        ).fetchall()


@pytest.fixture
def tenant(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    """A sandbox playing a real tenant (its own limits), with the client configured for it."""
    config = SandboxConfig(settings.data_dir / "tenant", requests_per_minute=1000)
    with running_sandbox(config) as sandbox:
        monkeypatch.setenv("ALICERCE_CVDW_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("ALICERCE_CVDW_EMAIL", config.email)
        monkeypatch.setenv("ALICERCE_CVDW_TOKEN", config.token)
        monkeypatch.setenv("ALICERCE_CVDW_REQUESTS_PER_MINUTE", "1000")
        yield config


def test_a_first_pull_fetches_every_page_and_loads_every_row(settings: Settings):
    write_dataset(settings.crm_sandbox_dir, [imobiliaria(n) for n in range(1, 1203)])
    outcomes, report = pull_and_ingest(settings, TABLE, LOAD_DATE)

    assert [(o.mode, o.pages, o.rows, o.complete) for o in outcomes] == [
        ("incremental", 3, 1202, True)
    ]
    assert (report.records_in, report.loaded, report.quarantined, report.duplicates) == (
        1202, 1202, 0, 0,
    )  # fmt: skip
    assert len(lake_rows(settings)) == 1202
    # The first pull of an object has no cursor: it asks for everything.
    assert pulls(settings) == [("incremental", None, 3, 3, 1202, "complete")]
    pages = sorted((settings.landing_dir / "crm" / TABLE).rglob("pagina-*.json"))
    assert [p.name for p in pages] == [
        "pagina-00001.json",
        "pagina-00002.json",
        "pagina-00003.json",
    ]


def local_time(delta: timedelta = timedelta()) -> str:
    """São Paulo wall-clock time (the CRM's), now plus delta."""
    return (datetime.now(SAO_PAULO) + delta).strftime("%Y-%m-%d %H:%M:%S")


def test_an_object_with_no_rows_pulls_one_empty_page(settings: Settings):
    settings.crm_sandbox_dir.mkdir(parents=True)
    (settings.crm_sandbox_dir / f"{TABLE}.jsonl").write_text("")
    outcomes, report = pull_and_ingest(settings, TABLE, LOAD_DATE)
    assert [(o.complete, o.pages, o.rows) for o in outcomes] == [(True, 1, 0)]
    assert report.records_in == 0 and lake_rows(settings) == []


def test_the_next_pull_asks_from_the_last_start_minus_the_overlap(settings: Settings, monkeypatch):
    sandbox = settings.crm_sandbox_dir
    old = [imobiliaria(n) for n in range(1, 11)]
    write_dataset(sandbox, old)
    pull_and_ingest(settings, TABLE, LOAD_DATE)
    started = last_complete_start(settings.state_db, TABLE)

    # Row 5 changes in the CRM now; row 11 appears with an old referencia_data (as a child
    # object keeps its creation date); row 3 changes in the future of the CRM's clock.
    write_dataset(
        sandbox,
        [*old, imobiliaria(5, local_time(timedelta(seconds=-1)), "Nova razão")]
        + [imobiliaria(11, "2026-01-02 08:00:00")]
        + [imobiliaria(3, local_time(timedelta(days=1)), "amanhã")],
    )
    outcomes, report = pull_and_ingest(settings, TABLE, LOAD_DATE)
    expected_since = (started - timedelta(minutes=60)).astimezone(SAO_PAULO)
    assert pulls(settings)[-1][1] == expected_since.strftime("%Y-%m-%d %H:%M:%S")
    assert (outcomes[0].rows, report.loaded) == (1, 1)
    assert current_rows(settings)["5"][1] == "Nova razão"
    assert current_rows(settings)["3"][1] == "Imobiliária 3"
    assert "11" not in current_rows(settings)

    # The sweep asks for everything: row 11 arrives, the rest are duplicates.
    outcomes, report = pull_and_ingest(settings, TABLE, LOAD_DATE, sweep=True)
    assert [(o.mode, o.rows) for o in outcomes] == [("varredura", 11)]
    assert (report.loaded, report.duplicates) == (1, 10)
    assert pulls(settings)[-1][1] is None
    assert sorted(current_rows(settings), key=int) == [str(n) for n in range(1, 12)]
    # What the sweep saw is kept, so that rows the CRM stops listing can be told apart.
    seen = duckdb.sql(
        f"""select tabela, referencia from read_parquet('{
            lake.table_glob(settings.raw_dir, "crm", "varreduras")
        }') order by referencia::int"""
    ).fetchall()
    assert seen == [(TABLE, str(n)) for n in range(1, 12)]

    # A date-only cursor: the whole day of (last start - overlap) is asked again.
    monkeypatch.setenv("ALICERCE_CVDW_CURSOR_GRANULARITY", "date")
    pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert len(pulls(settings)[-1][1]) == len("2026-11-27")


def test_a_tenant_that_refuses_a_time_in_the_cursor(settings: Settings, tenant, monkeypatch):
    tenant.cursor_accepts_time = False
    write_dataset(tenant.dataset_dir, [imobiliaria(n) for n in range(1, 6)])
    pull_and_ingest(Settings(), TABLE, LOAD_DATE)  # the first pull sends no cursor
    with pytest.raises(CrmPullFailed, match="HTTP 400.*CURSOR_GRANULARITY=date"):
        pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert pulls(settings)[-1][-1] == "failed"

    # Configured for dates, the next run gives up the pull whose cursor the tenant refuses and
    # starts one with a date-only cursor.
    monkeypatch.setenv("ALICERCE_CVDW_CURSOR_GRANULARITY", "date")
    outcomes, _ = pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert outcomes[-1].complete
    assert [(mode, status) for mode, *_, status in pulls(settings)] == [
        ("incremental", "complete"), ("incremental", "abandoned"), ("incremental", "complete"),
    ]  # fmt: skip
    assert len(pulls(settings)[-1][1]) == len("2026-11-27")


def test_rows_that_cannot_be_read_or_keyed_are_quarantined_and_the_rest_loads(
    settings: Settings,
):
    write_dataset(
        settings.crm_sandbox_dir,
        [imobiliaria(1), imobiliaria(2)]
        + [{"referencia_data": "2026-11-01 10:00:00", "idimobiliaria": 3, "nome": "sem chave"}]
        + [{**imobiliaria(4), "idimobiliaria": "quatro"}]
        + [{**imobiliaria(5), "referencia": 5}]  # an integer referencia is a key all the same
        + [{**imobiliaria(6), "idimobiliaria": "6"}],  # an id as a string of digits
    )
    _, report = pull_and_ingest(settings, TABLE, LOAD_DATE)
    assert (report.records_in, report.loaded, report.quarantined) == (6, 4, 2)
    assert dict(report.reasons) == {
        "missing_field:referencia": 1,
        "bad_type:idimobiliaria": 1,
    }
    assert sorted(current_rows(settings)) == ["1", "2", "5", "6"]


def test_a_rerun_of_a_complete_pull_adds_nothing(settings: Settings):
    write_dataset(settings.crm_sandbox_dir, [imobiliaria(n) for n in range(1, 21)])
    pull_and_ingest(settings, TABLE, LOAD_DATE)
    _, again = pull_and_ingest(settings, TABLE, LOAD_DATE)
    # Rows inside the overlap come back and are counted as duplicates, never loaded twice.
    assert again.loaded == 0
    assert len(lake_rows(settings)) == 20


def test_the_run_waits_out_the_rate_limit_and_completes(settings: Settings, tenant, monkeypatch):
    """The sandbox allows 4 requests a minute, then blocks for 2 s; the client is configured
    with a higher budget than the tenant's (another integration sharing the tenant, say)."""
    tenant.requests_per_minute, tenant.block_seconds = 4, 2.0
    monkeypatch.setenv("ALICERCE_CVDW_PAGE_SIZE", "10")
    write_dataset(tenant.dataset_dir, [imobiliaria(n) for n in range(1, 71)])
    outcomes, report = pull_and_ingest(Settings(), TABLE, LOAD_DATE)

    assert outcomes[0].complete and outcomes[0].pages == 7
    assert tenant.refused >= 1
    assert report.loaded == 70 and len(current_rows(settings)) == 70


def test_a_limit_announced_in_the_body_is_recognised(settings: Settings, tenant, monkeypatch):
    tenant.requests_per_minute, tenant.block_seconds, tenant.limit_in_body = 2, 1.0, True
    monkeypatch.setenv("ALICERCE_CVDW_PAGE_SIZE", "10")
    monkeypatch.setenv("ALICERCE_CVDW_BLOCK_SECONDS", "1")  # no Retry-After: our own wait
    write_dataset(tenant.dataset_dir, [imobiliaria(n) for n in range(1, 41)])
    outcomes, report = pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert tenant.refused >= 1
    assert outcomes[0].pages == 4 and report.loaded == 40


def test_server_errors_are_retried_and_a_lasting_failure_stops_the_object(
    settings: Settings, tenant, monkeypatch
):
    monkeypatch.setenv("ALICERCE_CVDW_PAGE_SIZE", "10")
    monkeypatch.setenv("ALICERCE_CVDW_ATTEMPTS", "3")
    write_dataset(tenant.dataset_dir, [imobiliaria(n) for n in range(1, 31)])
    tenant.failures = [502, 503]  # a short outage: retried with backoff
    outcomes, _ = pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert outcomes[0].complete and outcomes[0].pages == 3 and tenant.failures == []
    cursor_before = last_complete_start(settings.state_db, TABLE)

    # The CRM changes 15 rows, then the second page of the next pull fails for good.
    write_dataset(
        tenant.dataset_dir,
        [imobiliaria(n) for n in range(1, 31)]
        + [imobiliaria(n, local_time(timedelta(seconds=-1)), f"nova {n}") for n in range(1, 16)],
    )
    tenant.failing_page = 2
    with pytest.raises(CrmPullFailed, match="página 2"):
        pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    mode, since, pages_done, total, rows, status = pulls(settings)[-1]
    assert (pages_done, total, rows, status) == (1, 2, 10, "failed")
    # Page 1 was loaded; the cursor still comes from the last complete pull.
    assert len(current_rows(settings)) == 30
    assert last_complete_start(settings.state_db, TABLE) == cursor_before

    # The next run resumes the failed pull at page 2 and completes it.
    tenant.failing_page = None
    outcomes, _ = pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert [(o.resumed, o.complete, o.pages, o.rows) for o in outcomes] == [(True, True, 1, 5)]
    assert last_complete_start(settings.state_db, TABLE) > cursor_before
    names = {nome for _, nome in current_rows(settings).values()}
    assert {f"nova {n}" for n in range(1, 16)} <= names


def test_a_pull_killed_mid_object_resumes_without_loss_or_duplicates(
    settings: Settings, tenant, monkeypatch
):
    """`alicerce crm pull` is killed (SIGKILL) while it pulls 12 slow pages; a rerun resumes at
    the page after the last checkpoint and the lake ends with exactly the CRM's rows."""
    monkeypatch.setenv("ALICERCE_CVDW_PAGE_SIZE", "25")
    tenant.page_delay_seconds = 0.3
    rows = [imobiliaria(n) for n in range(1, 301)]
    write_dataset(tenant.dataset_dir, rows)
    command = [str(Path(sys.executable).parent / "alicerce"), "crm", "pull", "--objeto", TABLE]
    process = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (started := pulls(settings)) and started[-1][2] >= 4:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    mode, since, killed_at, total, _, status = pulls(settings)[-1]
    assert status == "running" and 4 <= killed_at < total == 12

    tenant.page_delay_seconds = 0
    outcomes, _ = pull_and_ingest(Settings(), TABLE, LOAD_DATE)
    assert outcomes[0].resumed and outcomes[0].complete
    assert outcomes[0].pages == 12 - killed_at  # resumed at the page after the checkpoint
    loaded = lake_rows(settings)
    assert len(loaded) == len(set(loaded)) == 300  # no duplicate versions
    assert {(r["referencia"], r["nome"]) for r in rows} == {(ref, nome) for ref, _, nome in loaded}
