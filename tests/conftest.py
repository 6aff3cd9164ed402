"""Shared fixtures: every test works in its own data folder, never the repo's data/."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from ingestion.settings import Settings


def pytest_configure(config: pytest.Config) -> None:
    # Imports that prepare the environment at import time (orchestration.definitions) must not
    # touch the repository's data/ folder.
    session_dir = Path(tempfile.mkdtemp(prefix="alicerce-session-"))
    os.environ["ALICERCE_DATA_DIR"] = str(session_dir)
    os.environ["DAGSTER_HOME"] = str(session_dir / "dagster")
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh, empty data folder for one test."""
    monkeypatch.setenv("ALICERCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "data" / "dagster"))
    return Settings()


def write_jsonl(path: Path, lines: list[dict | str]) -> Path:
    """Write events (dicts as JSON, strings verbatim) as a landing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_pessoas_page(
    path: Path, rows: list[dict], pagina: int = 1, total_paginas: int = 1
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    envelope = {
        "pagina": pagina,
        "registros": len(rows),
        "total_de_registros": len(rows),
        "total_de_paginas": total_paginas,
        "dados": rows,
    }
    path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    return path
