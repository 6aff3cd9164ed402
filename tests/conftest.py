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


def curated_landing(landing_dir: Path) -> None:
    """A small landing set whose report rows are known exactly (see tests/dbt)."""
    pessoas = [
        {"referencia": "900001", "referencia_data": "2026-11-30 23:40:00", "idpessoa": 900001,
         "ativo": "S", "documento_tipo": "CPF", "documento": "529.982.247-25",
         "nome": "João Conceição", "renda_familiar": "5000.00", "cep": "50030-230"},
        {"referencia": "900002", "referencia_data": "2026-10-05 10:00:00", "idpessoa": 900002,
         "ativo": "S", "documento_tipo": "CPF", "documento": "111.444.777-35",
         "nome": "Maria Gonçalves", "renda_familiar": "0.00", "cep": "01310-100"},
    ]  # fmt: skip
    write_pessoas_page(
        landing_dir / "crm" / "pessoas" / "extracao-teste" / "pagina-00001.json", pessoas
    )

    def completed(event_id, idpessoa, occurred_at, changes):
        return {"event_id": event_id, "event_type": "update_completed", "idpessoa": idpessoa,
                "occurred_at": occurred_at, "channel": "portal_web",
                "changes": [dict(zip(("campo", "valor_anterior", "valor_novo"), c, strict=True))
                            for c in changes]}  # fmt: skip

    old_address = {"logradouro": "Av. Paulista", "numero": "1000", "complemento": "Apto 12",
                   "bairro": "Bela Vista", "cidade": "São Paulo", "uf": "SP"}  # fmt: skip
    new_address = {**old_address, "numero": "1578", "complemento": None}
    events = [
        {"event_id": "t-login", "event_type": "login", "idpessoa": 900001,
         "occurred_at": "2026-11-30T23:29:00-03:00", "channel": "portal_web"},
        completed("t-fim-do-mes", 900001, "2026-11-30T23:30:00-03:00", [
            ("email", " Joao@Exemplo.com", "joao@exemplo.com"),
            ("celular", "(81) 99876-5432", "+55 81 98888-7777"),
        ]),
        completed("t-verao-2018", 900001, "2018-02-16T23:30:00-02:00", [
            ("nome", "Joao Conceicao", "João Conceição"),
        ]),
        completed("t-maria", 900002, "2026-10-05T09:00:00-03:00", [
            ("renda_familiar", "0", ""),
            ("rg", "12.345.678-x", "12345678X"),
            ("cep", "01310-000", "01310-100"),
            ("endereco", old_address, new_address),
        ]),
        completed("t-confirmacao", 900002, "2026-10-20T09:00:00-03:00", []),
        completed("t-sem-crm", 900003, "2026-11-02T08:00:00Z", [("rg", None, "MG-12.345.678")]),
        '{"event_id": "t-quebrado", "event_type": "login", ',
    ]  # fmt: skip
    write_jsonl(landing_dir / "portal" / "eventos-teste.jsonl", events)
    # One survey dispatch: the dispatch log is a source too (its freshness, its protocol).
    write_jsonl(
        landing_dir / "pesquisas" / "envios-teste.jsonl",
        [{"idenvio": 900000001, "idpesquisa": 1, "gatilho": "atendimento", "idorigem": None,
          "idservico": None, "idpessoa": 900001, "enviado_em": "2026-11-20T10:00:00-03:00"}],
    )  # fmt: skip
    # One Serasa request by idpessoa (the CPF comes from the CRM): the local sandbox has no
    # profiles here, so it answers 404, recorded as the query's outcome.
    write_jsonl(
        landing_dir / "serasa" / "solicitacoes" / "solicitacoes-teste.jsonl",
        [{"id": "t-serasa-1", "painel": "gestor", "usuario": "gestora", "idpessoa": 900001,
          "relatorios": ["Escore de crédito"], "solicitado_em": "2026-11-20T10:00:00-03:00"}],
    )  # fmt: skip


LOAD_DATE = "2026-11-27"  # the pipeline fixtures' load date (a partition of the ingestion assets)

EXPECTED_REPORT = [
    # (id_evento, idpessoa, nome, campo, valor_anterior, valor_atual, data_local)
    ("t-fim-do-mes", 900001, "João Conceição", "celular", "(81) 99876-5432", "+55 81 98888-7777",
     "2026-11-30"),
    ("t-maria", 900002, "Maria Gonçalves", "cep", "01310-000", "01310-100", "2026-10-05"),
    ("t-maria", 900002, "Maria Gonçalves", "endereco",
     "Av. Paulista, 1000, Apto 12, Bela Vista, São Paulo/SP",
     "Av. Paulista, 1578, Bela Vista, São Paulo/SP", "2026-10-05"),
    ("t-sem-crm", 900003, None, "rg", None, "MG-12.345.678", "2026-11-02"),
    ("t-verao-2018", 900001, "João Conceição", "nome", "Joao Conceicao", "João Conceição",
     "2018-02-16"),
]  # fmt: skip


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory):
    """The real pipeline (Dagster job: ingest, dbt build, publish) once over the curated landing.

    Yields (settings, first run's result, second run's result); the second run changes nothing.
    """
    import dagster as dg

    data_dir = tmp_path_factory.mktemp("pipeline") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALICERCE_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        settings = Settings()
        from orchestration.lib.environment import prepare_environment

        prepare_environment(settings)
        curated_landing(settings.landing_dir)
        from orchestration.definitions import PIPELINE_JOB, defs

        job = defs.resolve_job_def(PIPELINE_JOB)
        with dg.DagsterInstance.get() as instance:
            first = job.execute_in_process(
                instance=instance, partition_key=LOAD_DATE, raise_on_error=False
            )
            second = job.execute_in_process(
                instance=instance, partition_key=LOAD_DATE, raise_on_error=False
            )
        yield settings, first, second
