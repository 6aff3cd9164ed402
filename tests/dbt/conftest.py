"""The demo data run through the pipeline on both engines, shared by the tests of this folder."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from ingestion.demo import generate_demo_data
from ingestion.settings import Settings
from orchestration.lib.environment import prepare_environment
from orchestration.lib.pipeline_run import run_pipeline
from orchestration.lib.publish import current_publication
from tests.conftest import LOAD_DATE, curated_landing
from tests.dbt import alcadas_flows


@pytest.fixture(scope="session")
def publications(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two loads, each run on both engines over the same lake (the second run is incremental on
    both), then a full refresh on DuckDB; the publication each one made."""
    data_dir = tmp_path_factory.mktemp("parity") / "data"
    staging = tmp_path_factory.mktemp("parity-staging")
    published: dict = {"data_dir": data_dir, "warehouse": Settings(data_dir=data_dir).warehouse}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALICERCE_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        settings = Settings()
        prepare_environment(settings)
        generate_demo_data(
            staging, settings.crm_sandbox_dir, people=150, seed=3, until=date(2026, 11, 27)
        )
        curated_landing(settings.landing_dir)
        # Generated alçada cases beside the demo's own reservations (tests/dbt/test_alcadas.py).
        rules_file = data_dir / "regras_alcadas.yml"
        rules = alcadas_flows.write_rules(settings.alcada_rules_file, rules_file)
        patch.setenv("ALICERCE_ALCADA_RULES_FILE", str(rules_file))
        cases = [alcadas_flows.worked_example(), *alcadas_flows.cases(rules)]
        alcadas_flows.write_to_sandbox(settings.crm_sandbox_dir, cases)
        published["alcadas"] = (rules, cases)
        # Portal events and survey dispatches, oldest months first: half in each load.
        files = {
            source: sorted((staging / source).glob("*.jsonl")) for source in ("portal", "pesquisas")
        }
        halves = [
            [path for paths in files.values() for path in paths[: len(paths) // 2]],
            [path for paths in files.values() for path in paths[len(paths) // 2 :]],
        ]

        def load(files: list[Path], load_date: str, engines: tuple[str, ...], **options) -> None:
            for path in files:
                target = settings.landing_dir / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
            # The CRM as it was at the end of the day before the load; the sandbox's clock is not
            # ours, so the CRM is swept whole instead of pulled from a cursor.
            patch.setenv(
                "ALICERCE_SANDBOX_CLOCK",
                f"{date.fromisoformat(load_date) - timedelta(days=1)} 23:59:59",
            )
            for engine in engines:
                patch.setenv("ALICERCE_ENGINE", engine)
                outcome = run_pipeline(Settings(), load_date, crm_sweep=True, **options)
                assert outcome.success, f"pipeline failed on {engine}: {outcome.failures}"
                published[engine] = current_publication(settings.published_dir)

        load(halves[0], "2026-06-02", ("duckdb", "spark"))
        load(halves[1], LOAD_DATE, ("duckdb", "spark"))
        published["incremental_duckdb"] = published["duckdb"]
        load([], LOAD_DATE, ("duckdb",), full_refresh=True)
    return published
