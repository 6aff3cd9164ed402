"""The `alicerce` command as a newcomer uses it: demo data, run, sql (real subprocesses)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ALICERCE = str(Path(sys.executable).parent / "alicerce")
RAIZ = Path(__file__).resolve().parents[2]


def alicerce(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """The command in a subprocess, on `data_dir`, with `env` added to this environment."""
    environment = {**os.environ, "ALICERCE_DATA_DIR": str(data_dir), **(env or {})}
    environment.pop("DAGSTER_HOME", None)  # the command must find its own instance under data/
    return subprocess.run(
        [ALICERCE, *args], env=environment, input=stdin,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    data_dir = tmp_path_factory.mktemp("cli") / "data"
    generated = alicerce(
        data_dir, "demo-data", "--people", "120", "--seed", "7", "--until", "2026-11-27"
    )
    assert generated.returncode == 0, generated.stderr
    ran = alicerce(data_dir, "run", "--load-date", "2026-11-27")
    return data_dir, ran


def test_run_succeeds_and_prints_a_summary(demo_run):
    _, ran = demo_run
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "pipeline success" in ran.stderr
    assert "portal/eventos" in ran.stderr and "crm/pessoas" in ran.stderr
    assert "models built" in ran.stderr


def test_malformed_demo_lines_end_in_quarantine_and_counts_reconcile(demo_run):
    data_dir, _ = demo_run
    with sqlite3.connect(data_dir / "state" / "alicerce.sqlite") as db:
        totals = db.execute(
            "select sum(records_in), sum(loaded), sum(quarantined), sum(duplicates) "
            "from ingested_files where source = 'portal'"
        ).fetchone()
        runs = db.execute("select status, summary_json from runs").fetchall()
    records_in, loaded, quarantined, duplicates = totals
    assert quarantined > 0 and duplicates > 0
    assert records_in == loaded + quarantined + duplicates
    assert [status for status, _ in runs] == ["success"]
    assert json.loads(runs[0][1])["sources"]["portal/eventos"]["quarantined"] == quarantined


def test_sql_answers_on_the_published_copy(demo_run):
    data_dir, _ = demo_run
    result = alicerce(
        data_dir, "sql", "select count(*) as n from marts.alteracoes_cadastrais", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["n"] > 0

    as_csv = alicerce(
        data_dir, "sql", "select campo from marts.alteracoes_cadastrais limit 1", "--format", "csv"
    )
    assert as_csv.stdout.splitlines()[0] == "campo"


def test_sql_is_read_only(demo_run):
    data_dir, _ = demo_run
    result = alicerce(data_dir, "sql", "create table marts.intrusa as select 1 as x")
    assert result.returncode == 1
    assert "read-only" in result.stderr.lower()


def test_sql_without_a_publication_says_what_to_do(tmp_path: Path):
    result = alicerce(tmp_path / "vazio", "sql", "select 1")
    assert result.returncode == 2
    assert "alicerce run" in result.stderr


def test_usuarios_senha_gives_a_hash_the_login_accepts(tmp_path: Path):
    gerada = alicerce(
        tmp_path / "data", "usuarios", "senha", stdin="uma-senha-longa\numa-senha-longa\n"
    )
    assert gerada.returncode == 0, gerada.stderr
    senha_hash = gerada.stdout.strip()  # the prompts go to stderr
    assert senha_hash.startswith("$2b$")
    import bcrypt

    assert bcrypt.checkpw(b"uma-senha-longa", senha_hash.encode())
    assert "uma-senha-longa" not in gerada.stdout

    curta = alicerce(tmp_path / "data", "usuarios", "senha", stdin="curta\ncurta\n")
    assert curta.returncode == 2
    assert "at least 10 characters" in curta.stderr

    espacos = alicerce(
        tmp_path / "data", "usuarios", "senha", stdin=" uma-senha-longa\n uma-senha-longa\n"
    )
    assert espacos.returncode == 2
    assert "starts or ends with a space" in espacos.stderr


def test_usuarios_verificar(tmp_path: Path):
    lista = alicerce(tmp_path / "data", "usuarios", "verificar")
    assert lista.returncode == 0, lista.stderr
    assert "corretor101" in lista.stdout and "corretor 101" in lista.stdout
    assert "demo users with public passwords" in lista.stderr

    ruim = tmp_path / "usuarios.yaml"
    ruim.write_text("usuarios:\n  - {login: ana, nome: Ana, papel: corretor}\n", "utf-8")
    recusado = alicerce(
        tmp_path / "data", "usuarios", "verificar", env={"ALICERCE_USUARIOS_FILE": str(ruim)}
    )
    assert recusado.returncode == 2
    assert "o papel corretor exige idcorretor" in " ".join(recusado.stderr.split())


def test_serve_refuses_the_demo_users_on_a_network_address(tmp_path: Path):
    recusado = alicerce(tmp_path / "data", "serve", "--host", "0.0.0.0", "--port", "1")
    assert recusado.returncode == 2
    assert "refusing to serve them on 0.0.0.0" in " ".join(recusado.stderr.split())

    # A copy under another name keeps the public passwords: refused too.
    copia = tmp_path / "nossos-usuarios.yaml"
    copia.write_bytes((RAIZ / "dashboards" / "usuarios.demo.yaml").read_bytes())
    copiado = alicerce(
        tmp_path / "data", "serve", "--host", "0.0.0.0", "--port", "1",
        env={"ALICERCE_USUARIOS_FILE": str(copia)},
    )  # fmt: skip
    assert copiado.returncode == 2
    assert "refusing to serve them on 0.0.0.0" in " ".join(copiado.stderr.split())


def test_segmentos_verificar(tmp_path: Path):
    lista = alicerce(tmp_path / "data", "segmentos", "verificar")
    assert lista.returncode == 0, lista.stderr
    assert "recusa_recorrente" in lista.stdout and "4 segments" in lista.stderr

    ruim = tmp_path / "segmentos.yml"
    ruim.write_text("segmentos:\n  - {nome: x, descricao: y, todas: []}\n", "utf-8")
    recusado = alicerce(
        tmp_path / "data", "segmentos", "verificar", env={"ALICERCE_SEGMENTS_FILE": str(ruim)}
    )
    assert recusado.returncode == 2
    assert "segment 'x': list at least one condition" in " ".join(recusado.stderr.split())
