"""Under `alicerce dev` (Dagster's UI and daemon), a file dropped in the landing folder starts a
run that loads it: the real sensor, daemon, run queue and pipeline, in subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import pytest

from orchestration.lib.load_date import today_in_sao_paulo
from tests.conftest import curated_landing

ALICERCE = str(Path(sys.executable).parent / "alicerce")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def dagster_dev(tmp_path: Path):
    data_dir = tmp_path / "data"
    port = free_port()
    env = {**os.environ, "ALICERCE_DATA_DIR": str(data_dir)}
    env.pop("DAGSTER_HOME", None)  # `alicerce dev` sets it under the data folder
    log = (tmp_path / "dagster-dev.log").open("w")
    process = subprocess.Popen(
        [ALICERCE, "dev", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def webserver_up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).is_success
        except httpx.HTTPError:
            return False

    try:
        wait_for(webserver_up, 180, "the Dagster webserver")
        yield data_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_a_dropped_file_starts_a_run_that_loads_it(dagster_dev: Path):
    data_dir = dagster_dev
    landing = data_dir / "landing"
    curated_landing(landing)
    settled = time.time() - 60  # as if written a minute ago: the sensor takes settled files only
    for path in landing.rglob("*"):
        os.utime(path, (settled, settled))

    def finished_run():
        with dg.DagsterInstance.from_config(str(data_dir / "dagster")) as instance:
            runs = instance.get_runs()
        # Only the pipeline: the hourly freshness schedule may start a run of its own meanwhile.
        done = [run for run in runs if run.job_name == "pipeline" and run.status in (
            dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)]  # fmt: skip
        return done[0] if done else None

    run = wait_for(finished_run, 300, "a run started by the landing sensor")
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags.get("dagster/sensor_name") == "arquivos_novos"
    assert run.tags.get("dagster/partition") == today_in_sao_paulo().isoformat()
    lake = data_dir / "lake" / "raw" / "portal" / "eventos"
    [loaded] = duckdb.sql(f"select count(*) from read_parquet('{lake}/dt=2*/*.parquet')").fetchall()
    assert loaded[0] == 6  # the curated file's valid lines (tests/conftest.py)
