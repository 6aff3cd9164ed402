"""What the Serasa execution tests share: request files for generated CPFs, a sandbox that knows
them, and the configuration pointed at it (credentials from the environment, as in production)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from ingestion.demo.cpf import cpf_numbers
from ingestion.serasa.config import SerasaConfig, load_config
from ingestion.serasa.ledger import Ledger
from ingestion.serasa.reports import draw_profiles
from ingestion.serasa.requests import ingest_requests
from ingestion.serasa.sandbox import SerasaSandboxConfig
from ingestion.settings import Settings

LOAD_DATE = "2026-11-20"
CLIENT_ID, CLIENT_SECRET = "alicerce-test", "test-secret-not-real"
ENV = {
    "ALICERCE_SERASA_INCORPORADORA_CLIENT_ID": CLIENT_ID,
    "ALICERCE_SERASA_INCORPORADORA_CLIENT_SECRET": CLIENT_SECRET,
}


def cpfs(count: int, seed: int = 7) -> list[str]:
    bases = np.random.default_rng(seed).choice(np.arange(100_000_000, 999_999_999), count, False)
    return [f"{number:011d}" for number in cpf_numbers(bases)]


def sandbox_config(documents: Iterable[str], **options) -> SerasaSandboxConfig:
    rng = np.random.default_rng(1)
    profiles = draw_profiles(
        rng, [(d, "PF", f"PESSOA {d[:3]}") for d in documents], date(2026, 11, 1)
    )
    return SerasaSandboxConfig(
        profiles={profile.document: profile for profile in profiles},
        credentials={CLIENT_ID: CLIENT_SECRET},
        **options,
    )


def config_for(url: str, **changes) -> SerasaConfig:
    """The committed configuration, pointed at a local sandbox (a sandbox host)."""
    return load_config(Settings().serasa_config_file).model_copy(update={"url": url, **changes})


def request(
    request_id: str,
    document: str | None,
    reports: list[str] | None = None,
    painel: str = "gestor",
    idusuario: int | None = None,
    forcar: bool = False,
    idpessoa: int | None = None,
) -> dict:
    return {
        "id": request_id,
        "painel": painel,
        "usuario": f"{painel}.teste",
        "idusuario": idusuario,
        "idpessoa": idpessoa,
        "documento": document,
        "relatorios": reports or ["Anotação negativa", "Escore de crédito"],
        "forcar": forcar,
        "solicitado_em": datetime.now(UTC).isoformat(),
    }


def land_requests(settings: Settings, rows: list[dict], name: str = "solicitacoes.jsonl") -> None:
    """Write the request file and ingest it into the raw lake."""
    folder = settings.landing_dir / "serasa" / "solicitacoes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    report = ingest_requests(settings, LOAD_DATE)
    assert report.reconciles


def ledger_rows(settings: Settings) -> dict[str, dict]:
    with closing(Ledger(settings.state_db)) as ledger:
        return {row["id_consulta"]: row for row in ledger.calls()}


def lake_calls(settings: Settings) -> list[dict]:
    files = sorted((settings.raw_dir / "serasa" / "consultas").glob("dt=*/*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def data_settings(tmp_path: Path, **options) -> Settings:
    return Settings(data_dir=tmp_path, serasa_backoff_seconds=0.2, **options)
