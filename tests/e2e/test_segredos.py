"""Secrets never land where the pipeline writes (DESIGN.md, "Conventions" and "Who may see what").

The real `alicerce demo-data` and `alicerce run` run in subprocesses with secrets unique to this
test run in their environment; the CRM token really travels, to a CVDW sandbox started here that
refuses any other token. Then every file the run wrote (data folder, Dagster home, dbt target and
logs, the captured output, even HOME and TMPDIR) is scanned: bytes, and the decoded values of
Parquet, DuckDB and SQLite files. A separate test plants secrets to prove the scanner finds them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import duckdb
import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from ingestion import lake
from ingestion.crm.objects import OBJECTS
from ingestion.crm.sandbox import SandboxConfig, running_sandbox
from ingestion.serasa.sandbox import SerasaSandbox, SerasaSandboxConfig, running_serasa_sandbox
from ingestion.settings import PROJECT_ROOT
from tests.e2e.segredos_scan import ScanResult, scan_tree

VENV_BIN = Path(sys.executable).parent
ALICERCE = str(VENV_BIN / "alicerce")
REPO_DBT = PROJECT_ROOT / "dbt_project"
PEOPLE = 300
CVDW_EMAIL = "integracao@incorporadora.example"  # an address, not a secret
TOKEN, CPF_KEY, SESSAO = "ALICERCE_CVDW_TOKEN", "ALICERCE_CPF_HASH_KEY", "ALICERCE_SESSAO_CHAVE"
# Every Serasa key of the configuration, with a client id and secret (the ids are secrets too).
SERASA_KEYS = ("INCORPORADORA", "IMOBILIARIA_3", "CORRETOR_12")


def new_secrets() -> dict[str, str]:
    """Recognisable values, unique to this test run."""
    return {
        TOKEN: f"SEGREDO-CVDW-{uuid4().hex}",
        CPF_KEY: f"SEGREDO-CPF-{uuid4().hex}",
        SESSAO: f"SEGREDO-SESSAO-{uuid4().hex}",
        **{
            f"ALICERCE_SERASA_{key}_CLIENT_{part}": f"SEGREDO-SERASA-{key}-{part}-{uuid4().hex}"
            for key in SERASA_KEYS
            for part in ("ID", "SECRET")
        },
    }


def serasa_config_at(url: str, folder: Path) -> Path:
    """The committed Serasa configuration pointed at a Serasa that is not the built-in sandbox,
    so the keys' credentials come from the environment and really travel."""
    config = yaml.safe_load((PROJECT_ROOT / "ingestion" / "serasa" / "serasa.yml").read_text())
    path = folder / "serasa.yml"
    path.write_text(yaml.safe_dump({**config, "url": url}, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class SecretsRun:
    base: Path
    data_dir: Path
    logs_dir: Path
    secrets: dict[str, str]
    sandbox: SandboxConfig
    serasa: SerasaSandbox
    returncodes: dict[str, int]
    probes: dict[str, int]  # status of requests with a wrong or no token


def alicerce(env: dict[str, str], logs_dir: Path, name: str, *args: str) -> int:
    """Run the command as a user would; its stdout and stderr are the logs, kept in files."""
    with (
        (logs_dir / f"{name}.stdout.log").open("wb") as stdout,
        (logs_dir / f"{name}.stderr.log").open("wb") as stderr,
    ):
        done = subprocess.run(
            [ALICERCE, *args], env=env, stdout=stdout, stderr=stderr, timeout=600, check=False
        )
    return done.returncode


def log_text(logs_dir: Path, name: str) -> str:
    return "".join(
        (logs_dir / f"{name}.{stream}.log").read_text(errors="replace")
        for stream in ("stdout", "stderr")
    )


@pytest.fixture(scope="module")
def secrets_run(tmp_path_factory: pytest.TempPathFactory) -> SecretsRun:
    base = tmp_path_factory.mktemp("segredos")
    data_dir, logs_dir, home, tmp = (base / n for n in ("data", "logs", "home", "tmp"))
    for folder in (logs_dir, home, tmp):
        folder.mkdir()
    secrets = new_secrets()
    env = {
        **os.environ,
        **secrets,
        "ALICERCE_CVDW_EMAIL": CVDW_EMAIL,
        "ALICERCE_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        # Whatever the run writes in a home folder or as temporary files lands here, scanned too.
        "HOME": str(home),
        "TMPDIR": str(tmp),
    }
    env.pop("ALICERCE_CVDW_BASE_URL", None)
    returncodes = {
        "demo-data": alicerce(env, logs_dir, "demo-data", "demo-data", "--people", str(PEOPLE))
    }
    assert returncodes["demo-data"] == 0, log_text(logs_dir, "demo-data")

    # The tenant: the demo CRM the command just wrote, served only to this email and token.
    config = SandboxConfig(
        data_dir / "sandbox" / "crm",
        email=CVDW_EMAIL,
        token=secrets[TOKEN],
        requests_per_minute=100_000,
        block_seconds=1.0,
    )
    serasa_config = SerasaSandboxConfig(
        dataset_dir=data_dir / "sandbox" / "serasa",
        credentials={
            secrets[f"ALICERCE_SERASA_{key}_CLIENT_ID"]: secrets[
                f"ALICERCE_SERASA_{key}_CLIENT_SECRET"
            ]
            for key in SERASA_KEYS
        },
    )
    with running_sandbox(config) as sandbox, running_serasa_sandbox(serasa_config) as serasa:
        probes = {
            "wrong token": httpx.get(
                sandbox.base_url + "cvdw/pessoas",
                headers={"email": CVDW_EMAIL, "token": "sandbox-token"},
            ).status_code,
            "no token": httpx.get(sandbox.base_url + "cvdw/pessoas").status_code,
        }
        run_env = {
            **env,
            "ALICERCE_CVDW_BASE_URL": sandbox.base_url,
            "ALICERCE_CVDW_REQUESTS_PER_MINUTE": "100000",
            "ALICERCE_SERASA_CONFIG_FILE": str(serasa_config_at(serasa.url, base)),
        }
        returncodes["run"] = alicerce(run_env, logs_dir, "run", "run")
    # A failure path: the tenant refuses the token. Its error (printed, and kept in the state
    # database's crm_pulls.error) must not carry the token either.
    refusing = SandboxConfig(data_dir / "sandbox" / "crm", email=CVDW_EMAIL, token="outro-token")
    with running_sandbox(refusing) as sandbox:
        run_env = {**env, "ALICERCE_CVDW_BASE_URL": sandbox.base_url}
        returncodes["refused pull"] = alicerce(
            run_env, logs_dir, "crm-pull-recusado", "crm", "pull", "--objeto", "pessoas"
        )
    return SecretsRun(base, data_dir, logs_dir, secrets, config, serasa, returncodes, probes)


@pytest.mark.slow
def test_the_run_succeeds_and_the_token_really_travels(secrets_run: SecretsRun):
    assert secrets_run.returncodes["run"] == 0, log_text(secrets_run.logs_dir, "run")
    assert "pipeline success" in log_text(secrets_run.logs_dir, "run")
    # The sandbox answers 401 to any other email or token, and counts only the requests it
    # served: every page the run pulled carried this run's secret token in its `token` header.
    assert secrets_run.probes == {"wrong token": 401, "no token": 401}
    assert secrets_run.sandbox.requests >= len(OBJECTS)
    assert secrets_run.sandbox.refused == 0
    pulled = sorted((secrets_run.data_dir / "landing" / "crm").rglob("pagina-*.json"))
    assert len(pulled) >= len(OBJECTS)
    # The Serasa sandbox knows only this run's client ids and secrets: every login carried them.
    assert secrets_run.serasa.logins >= 1 and sum(secrets_run.serasa.served.values()) > 10


@pytest.mark.slow
def test_a_refused_token_fails_the_pull_with_the_crm_message(secrets_run: SecretsRun):
    assert secrets_run.returncodes["refused pull"] == 1
    assert "HTTP 401" in log_text(secrets_run.logs_dir, "crm-pull-recusado")


def roots_to_scan(run: SecretsRun) -> list[Path]:
    """Everything the two commands wrote: the data folder (lake, landing, state, Dagster home,
    the run's dbt target and logs, warehouse, publications), the captured output, HOME and
    TMPDIR, and the repository's dbt target and logs (the manifest is rebuilt there when stale)."""
    return [run.data_dir, run.logs_dir, run.base / "home", run.base / "tmp"] + [
        folder for folder in (REPO_DBT / "target", REPO_DBT / "logs") if folder.exists()
    ]


@pytest.fixture(scope="module")
def scan(secrets_run: SecretsRun) -> ScanResult:
    assert secrets_run.returncodes["run"] == 0, log_text(secrets_run.logs_dir, "run")
    return scan_tree(roots_to_scan(secrets_run), secrets_run.secrets)


@pytest.mark.slow
def test_no_secret_lands_anywhere_the_run_writes(scan: ScanResult):
    assert [str(finding) for finding in scan.findings] == []


@pytest.mark.slow
def test_the_scan_covered_what_the_run_wrote(secrets_run: SecretsRun, scan: ScanResult):
    """The scan is not vacuous: every kind of output was there and was read (and decoded)."""
    data = secrets_run.data_dir
    kinds = scan.scanned

    def under(folder: Path, kind: str | None = None, pattern: str = "*") -> list[Path]:
        return [
            p
            for p, k in kinds.items()
            if p.is_relative_to(folder) and (kind is None or k == kind) and p.match(pattern)
        ]

    assert under(data / "lake" / "raw" / "crm" / "pessoas", "parquet")
    assert under(data / "lake" / "raw" / "portal", "parquet")
    assert under(data / "lake" / "raw" / "serasa" / "consultas", "parquet")  # raw answers
    assert under(data / "lake" / "quarantine", "parquet")
    assert under(data / "landing" / "crm", pattern="pagina-*.json")
    assert kinds[data / "state" / "alicerce.sqlite"] == "sqlite"
    assert under(data / "dagster", "sqlite")  # run storage and event logs
    assert under(data / "dagster" / "storage", pattern="compute_logs/*.err")
    assert kinds[data / "warehouse" / "alicerce.duckdb"] == "duckdb"
    assert under(data / "published", "duckdb") and under(data / "published", "parquet")
    target = data / "dbt" / "target-duckdb"  # orchestration/defs/dbt/assets.py: dbt_target_path
    for name in ("manifest.json", "run_results.json", "dbt.log"):
        assert target / name in kinds, name
    assert under(target / "compiled", pattern="*.sql") and under(target / "run", pattern="*.sql")
    assert REPO_DBT / "target" / "manifest.json" in kinds
    for name in ("demo-data", "run", "crm-pull-recusado"):
        for stream in ("stdout", "stderr"):
            assert secrets_run.logs_dir / f"{name}.{stream}.log" in kinds


@pytest.mark.slow
def test_the_cpf_hash_key_is_not_in_dbt_sql_or_manifest(secrets_run: SecretsRun, scan: ScanResult):
    """Said apart for the one place DESIGN.md names: dbt's compiled and run SQL, its manifest."""
    dbt_files = [
        path
        for path in scan.scanned
        if any(path.is_relative_to(t) for t in (secrets_run.data_dir / "dbt", REPO_DBT / "target"))
        and (path.suffix == ".sql" or path.name == "manifest.json")
    ]
    key = secrets_run.secrets[CPF_KEY].encode()
    assert len(dbt_files) > 10
    assert [path for path in dbt_files if key in path.read_bytes()] == []


def digits(documento: str | None) -> str:
    return "".join(ch for ch in documento or "" if ch.isdigit())


@pytest.mark.slow
def test_the_cpf_hash_in_the_raw_lake_is_keyed_with_the_secret(secrets_run: SecretsRun):
    key = secrets_run.secrets[CPF_KEY].encode()
    raw = secrets_run.data_dir / "lake" / "raw"
    hashed = {}
    for obj in (o for o in OBJECTS if o.cpf_field):
        if not lake.has_files(raw, "crm", obj.table):
            continue
        glob = lake.table_glob(raw, "crm", obj.table)
        hashed[obj.table] = duckdb.sql(
            f"select {obj.cpf_field}, cpf_hash from read_parquet('{glob}', union_by_name=true)"
        ).fetchall()
    assert len(hashed.get("pessoas", [])) >= PEOPLE // 2
    for table, rows in hashed.items():
        cpfs = [(digits(doc), cpf_hash) for doc, cpf_hash in rows if len(digits(doc)) == 11]
        assert cpfs, f"{table}: no row with a CPF"
        for cpf, cpf_hash in cpfs:
            keyed = hmac.new(key, cpf.encode(), hashlib.sha256).hexdigest()
            assert cpf_hash == keyed, table
            assert cpf_hash != hashlib.sha256(cpf.encode()).hexdigest(), table
        others = [cpf_hash for doc, cpf_hash in rows if len(digits(doc)) != 11]
        assert all(cpf_hash is None for cpf_hash in others), table


# The scanner is our own code: prove it finds what it is meant to find.

PLANTED = {"PLANTADO": f"SEGREDO-PLANTADO-{uuid4().hex}"}


def plant(folder: Path, secret: str) -> dict[str, Path]:
    """A secret in a zstd Parquet file (a plain and a nested column), a DuckDB table, a SQLite
    table and a text file; rows before it hold its halves, so compressors store it by reference."""
    folder.mkdir(parents=True)
    half = len(secret) // 2
    values = [f"linha {n}" for n in range(2000)] + [secret[:half], secret[half:], "x" + secret]
    files = {
        "parquet": folder / "lago.parquet",
        "duckdb": folder / "armazem.duckdb",
        "sqlite": folder / "estado.sqlite",
        "text": folder / "execucao.log",
    }
    table = pa.table(
        {
            "n": pa.array(range(len(values)), pa.int64()),
            "nota": values,
            "aninhada": [[{"valor": v}] for v in reversed(values)],
        }
    )
    # No column statistics: their min and max are stored uncompressed in the footer.
    pq.write_table(table, files["parquet"], compression="zstd", write_statistics=False)
    with duckdb.connect(str(files["duckdb"])) as con:
        con.execute("create schema cofre")
        con.register("quadro", table)
        con.execute("create table cofre.chaves as select * from quadro")
    with sqlite3.connect(files["sqlite"]) as db:
        db.execute("create table cursores (nome text, valor text)")
        db.executemany("insert into cursores values (?, ?)", [("a", v) for v in values])
    files["text"].write_text(f"começo\nchave={secret}\nfim\n")
    (folder / "limpo.txt").write_text("nada aqui\n")
    return files


def test_the_scanner_finds_a_planted_secret_in_every_kind_of_file(tmp_path: Path):
    secret = PLANTED["PLANTADO"]
    files = plant(tmp_path / "plantado", secret)
    result = scan_tree([tmp_path / "plantado"], PLANTED)

    found = {(f.path, f.where) for f in result.findings}
    assert {f.secret for f in result.findings} == {"PLANTADO"}
    assert (files["parquet"], "parquet column 'nota', value #2002") in found
    nested = "parquet column 'aninhada'"
    assert any(p == files["parquet"] and w.startswith(nested) for p, w in found)
    assert (files["duckdb"], "duckdb cofre.chaves.nota") in found
    assert (files["duckdb"], "duckdb cofre.chaves.aninhada") in found
    assert (files["sqlite"], "sqlite cursores.valor, row #2002") in found
    assert (files["text"], "bytes") in found
    assert not any(p == tmp_path / "plantado" / "limpo.txt" for p, _ in found)
    assert result.scanned[files["parquet"]] == "parquet"
    assert result.scanned[files["duckdb"]] == "duckdb"
    assert result.scanned[files["sqlite"]] == "sqlite"


def test_compressed_files_hide_a_secret_from_a_byte_search(tmp_path: Path):
    """Why the scanner decodes: in the zstd Parquet file the secret's bytes are not there."""
    secret = PLANTED["PLANTADO"]
    files = plant(tmp_path / "plantado", secret)
    assert secret.encode() not in files["parquet"].read_bytes()
    result = scan_tree([files["parquet"]], PLANTED)
    assert [f.where for f in result.findings if f.where == "bytes"] == []
    assert result.findings  # found by decoding
