"""`alicerce alcadas bench`: the alçada models measured on N reservations (DuckDB).

The demo (500 people) runs through the whole pipeline once; then the CRM's current reservations,
payment series and units in the warehouse are copied over and over under new ids until there are
N reservations (each copy has the demo's mix of rules, statuses, series and dates), and only the
alçada models are built on them with dbt, as `dbt build` does in a run (models and data tests),
twice (the second shows the noise). Figures: seconds, reservations a second, peak memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from ingestion.settings import Settings
from orchestration.lib.bench import MemorySampler
from orchestration.lib.environment import DBT_EXECUTABLE, DBT_PROJECT_DIR, prepare_environment

DEMO_PEOPLE = 500
MODELS = [
    "stg_alcadas__regras", "stg_alcadas__series", "int_alcadas__reservas", "int_alcadas__series",
    "int_alcadas__regra_aplicada", "int_alcadas__ciclos", "alcadas_aprovacao", "alcadas_ciclos",
]  # fmt: skip
# Copy k of a row gets id + k * ID_STEP: above every demo id.
ID_STEP = 10_000_000


def _scale_up(warehouse: Path, reservations: int) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as con:
        (base,) = con.execute(
            "select count(*) from intermediate.int_crm__reservas_atual "
            "where not excluido and not removido_no_crm"
        ).fetchone()
        copies = -(-reservations // base)
        for table, ids in (
            ("int_crm__reservas_atual", ("idreserva", "idunidade")),
            ("int_crm__reservas_condicoes_atual", ("idreservascondicoes", "idreserva")),
            ("int_crm__unidades_atual", ("idunidade",)),
        ):
            moved = ", ".join(f"{column} + k * {ID_STEP} as {column}" for column in ids)
            con.execute(
                f"""create or replace table intermediate.{table} as
                select r.* replace ({moved})
                from intermediate.{table} as r, range({copies}) as c(k)"""
            )
        con.execute(
            f"""delete from intermediate.int_crm__reservas_atual where idreserva in (
                select idreserva from intermediate.int_crm__reservas_atual
                where not excluido and not removido_no_crm
                order by idreserva offset {reservations})"""
        )
        counts = {}
        for name, table in (
            ("reservations", "int_crm__reservas_atual"),
            ("series", "int_crm__reservas_condicoes_atual"),
        ):
            (counts[name],) = con.execute(
                f"select count(*) from intermediate.{table} "
                "where not excluido and not removido_no_crm"
            ).fetchone()
        return counts


def _dbt_build(settings: Settings) -> None:
    command = [
        str(DBT_EXECUTABLE), "build", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(settings.data_dir / "dbt" / "target-bench-alcadas"),
        "--exclude-resource-type", "unit_test", "--select", *MODELS,
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, env=os.environ, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"dbt build of the alçada models failed:\n{completed.stdout[-4000:]}")


def run_alcadas_bench(reservations: int, data_dir: Path, progress: Callable[[str], None]) -> dict:
    from ingestion.demo import generate_demo_data
    from orchestration.lib.load_date import today_in_sao_paulo
    from orchestration.lib.pipeline_run import run_pipeline

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir)
    prepare_environment(settings)
    progress(f"the demo ({DEMO_PEOPLE} people) through the whole pipeline")
    generate_demo_data(settings.landing_dir, settings.crm_sandbox_dir, people=DEMO_PEOPLE)
    outcome = run_pipeline(settings, today_in_sao_paulo().isoformat())
    if not outcome.success:
        raise RuntimeError(f"the demo run failed: {outcome.failures}")
    progress(f"copying the demo's reservations up to {reservations:,}")
    counts = _scale_up(settings.warehouse, reservations)
    results: dict = {**counts, "builds": []}
    with MemorySampler() as sampler:
        for label in ("build", "build again"):
            progress(f"dbt {label}: {len(MODELS)} alçada models and their data tests")
            start = time.time()
            _dbt_build(settings)
            end = time.time()
            results["builds"].append(
                {
                    "label": label,
                    "seconds": round(end - start, 1),
                    "reservations_per_second": round(counts["reservations"] / (end - start)),
                    "peak_mb": round(sampler.peak_mb(start, end)),
                }
            )
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        results["status"] = dict(
            con.execute(
                "select status, count(*) from marts.alcadas_aprovacao group by 1 order by 1"
            ).fetchall()
        )
        (results["cycles"],) = con.execute("select count(*) from marts.alcadas_ciclos").fetchone()
    return results
