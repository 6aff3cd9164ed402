"""What every entry point (CLI, Dagster, tests) needs before dbt or Dagster can run.

dagster-dbt calls the `dbt` executable, so the venv's bin goes on PATH; dbt must not phone home;
dbt reads the data folder from ALICERCE_DATA_DIR, which is made absolute here so that dbt (running
in dbt_project/) and Python agree on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ingestion.settings import PROJECT_ROOT, Settings

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
VENV_BIN = Path(sys.executable).parent
DBT_EXECUTABLE = VENV_BIN / "dbt"

DAGSTER_YAML = """\
# One run at a time: DuckDB allows a single writer (DESIGN.md).
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


def prepare_environment(settings: Settings) -> None:
    """Export the variables dbt and Dagster read, and create the data folders."""
    data_dir = settings.data_dir.resolve()
    os.environ["ALICERCE_DATA_DIR"] = str(data_dir)
    os.environ["ALICERCE_ENGINE"] = settings.engine  # the dbt profile's target
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home.resolve())
    path = os.environ.get("PATH", "")
    if str(VENV_BIN) not in path.split(os.pathsep):
        os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{path}"
    for folder in (settings.landing_dir, settings.lake_dir, settings.warehouse.parent):
        folder.mkdir(parents=True, exist_ok=True)
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    dagster_yaml = settings.dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(DAGSTER_YAML)


def _manifest_is_stale() -> bool:
    if not DBT_MANIFEST.exists():
        return True
    built = DBT_MANIFEST.stat().st_mtime
    sources = [*DBT_PROJECT_DIR.glob("*.yml")]
    for folder in ("models", "macros", "tests"):
        sources += (DBT_PROJECT_DIR / folder).rglob("*.*")
    return any(path.stat().st_mtime > built for path in sources)


def ensure_dbt_manifest() -> Path:
    """Build the dbt manifest (`dbt parse`) when missing or older than the project's files."""
    if _manifest_is_stale():
        subprocess.run(
            [str(DBT_EXECUTABLE), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
            cwd=DBT_PROJECT_DIR,
            check=True,
        )
    return DBT_MANIFEST
