"""`alicerce serasa bench`: a batch of queries executed through the ledger against the local
sandbox (answering after a simulated latency, with forced token expiries), and the legacy parser's
throughput on a generated archive.

The sandbox's latency stands in for the real API's seconds: with latency L and concurrency C the
ceiling is C / L queries a second, and the gap to it is our own cost (ledger writes, HTTP).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ingestion.demo.cpf import cpf_numbers
from ingestion.serasa.config import load_config
from ingestion.serasa.execute import execute
from ingestion.serasa.legacy import parse_archive
from ingestion.serasa.legacy_encode import encode_answer, encode_archive
from ingestion.serasa.legacy_ingest import ingest_legacy_archives
from ingestion.serasa.reports import build_report, draw_profiles
from ingestion.serasa.requests import ingest_requests
from ingestion.serasa.sandbox import SerasaSandboxConfig, running_serasa_sandbox
from ingestion.settings import Settings
from orchestration.lib.bench import MemorySampler

CLIENT_ID, SECRET = "bench", "bench-secret"
LOAD_DATE = "2026-01-01"


def run_serasa_bench(
    queries: int,
    concurrency: int,
    latency: float,
    expiries: int,
    legacy_answers: int,
    folder: Path,
    progress: Callable[[str], None],
) -> dict:
    _fresh_bench_folder(folder)
    settings = Settings(data_dir=folder)
    rng = np.random.default_rng(2026)
    bases = rng.choice(np.arange(100_000_000, 999_999_999), queries, replace=False)
    documents = [f"{n:011d}" for n in cpf_numbers(bases)]
    profiles = draw_profiles(rng, [(d, "PF", f"CLIENTE {i}") for i, d in enumerate(documents)])
    _land_requests(settings, documents)
    results: dict = {"queries": queries, "concurrency": concurrency, "latency_s": latency}

    sandbox_config = SerasaSandboxConfig(
        profiles={p.document: p for p in profiles},
        credentials={CLIENT_ID: SECRET},
        latency_seconds=latency,
    )
    env = {
        "ALICERCE_SERASA_INCORPORADORA_CLIENT_ID": CLIENT_ID,
        "ALICERCE_SERASA_INCORPORADORA_CLIENT_SECRET": SECRET,
    }
    with running_serasa_sandbox(sandbox_config) as sandbox, MemorySampler() as memory:
        config = load_config(settings.serasa_config_file).model_copy(
            update={"url": sandbox.url, "concorrencia": concurrency, "reuso_dias": 0}
        )
        stop = threading.Event()
        expirer = threading.Thread(
            target=_expire_evenly, args=(sandbox, queries, expiries, stop), daemon=True
        )
        expirer.start()
        began_at, began = time.time(), time.perf_counter()
        report = execute(settings, config, LOAD_DATE, progress, env=env)
        seconds = time.perf_counter() - began
        stop.set()
        expirer.join()
        results |= {
            "seconds": round(seconds, 2),
            "queries_per_second": round(queries / seconds, 1),
            "ceiling_per_second": round(concurrency / latency, 1) if latency else None,
            "outcomes": dict(report.outcomes),
            "logins": sandbox.logins,
            "forced_expiries": expiries,
            "served_twice": sum(1 for n in sandbox.served.values() if n > 1),
            "peak_mb": round(memory.peak_mb(began_at, time.time())),
        }
    progress(
        f"{queries:,} queries in {seconds:.1f} s: {queries / seconds:,.1f}/s "
        f"({report.outcomes}), {sandbox.logins} login(s) for {expiries} forced expiries"
    )
    results |= _legacy(settings, profiles[:legacy_answers], progress)
    (folder / "bench-serasa.json").write_text(json.dumps(results, indent=2, default=str))
    return results


BENCH_MARK = ".alicerce-bench"  # a folder this bench made, and may empty again


def _fresh_bench_folder(folder: Path) -> None:
    """Empty the scratch folder, but only one the bench made: a data folder holds the ledger."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / BENCH_MARK).exists():
            raise ValueError(
                f"{folder} is not empty and is not a bench folder (no {BENCH_MARK}): refusing to "
                "empty it; choose another --data-dir"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BENCH_MARK).touch()


def _land_requests(settings: Settings, documents: list[str]) -> None:
    folder = settings.landing_dir / "serasa" / "solicitacoes"
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat()
    lines = (
        json.dumps(
            {
                "id": f"bench-{i}",
                "painel": "gestor",
                "usuario": "bench",
                "documento": document,
                "relatorios": ["Anotação negativa", "Escore de crédito"],
                "solicitado_em": now,
            },
            ensure_ascii=False,
        )
        for i, document in enumerate(documents)
    )
    (folder / "bench.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_requests(settings, LOAD_DATE)


def _expire_evenly(sandbox, queries: int, expiries: int, stop: threading.Event) -> None:
    """Expire every token at evenly spaced points of the batch."""
    marks = [queries * (i + 1) // (expiries + 1) for i in range(expiries)]
    while marks and not stop.is_set():
        if sandbox.report_requests >= marks[0]:
            sandbox.expire_tokens()
            marks.pop(0)
        time.sleep(0.001)


def _legacy(settings: Settings, profiles: list, progress: Callable[[str], None]) -> dict:
    answers = [
        encode_answer(
            build_report(p, "RELATORIO_BASICO_PF_PME", []),
            queried_at=datetime(2022, 5, 10, 9, 0, 0),
            include_f900=True,
        )
        for p in profiles
    ]
    data = encode_archive(answers)
    began = time.perf_counter()
    parsed = parse_archive(data)
    parse_seconds = time.perf_counter() - began
    folder = settings.landing_dir / "serasa" / "legado"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.txt").write_bytes(data)
    began = time.perf_counter()
    report = ingest_legacy_archives(settings, LOAD_DATE)
    ingest_seconds = time.perf_counter() - began
    megabytes = len(data) / 1e6
    progress(
        f"legacy: {len(parsed.answers):,} answers, {megabytes:.1f} MB parsed in "
        f"{parse_seconds:.2f} s ({megabytes / parse_seconds:.2f} MB/s); ingested into the lake in "
        f"{ingest_seconds:.2f} s ({megabytes / ingest_seconds:.2f} MB/s)"
    )
    return {
        "legacy_answers": len(parsed.answers),
        "legacy_problems": len(parsed.all_problems),
        "legacy_mb": round(megabytes, 2),
        "legacy_parse_seconds": round(parse_seconds, 2),
        "legacy_parse_mb_per_second": round(megabytes / parse_seconds, 2),
        "legacy_ingest_seconds": round(ingest_seconds, 2),
        "legacy_ingest_mb_per_second": round(megabytes / ingest_seconds, 2),
        "legacy_loaded": report.as_metadata()["loaded"],
    }
