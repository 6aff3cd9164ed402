"""The same dbt project on DuckDB and on Spark, from the same lake, gives the same marts.

Pipeline runs per engine (through Dagster, so the engine setting and Spark's publication are
exercised too), a first load then an incremental one, and a full refresh on DuckDB; the
publications are compared mart by mart: the same columns, the same row count and the same
order-independent checksum over a canonical text form of every row.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from ingestion.settings import Settings
from orchestration.lib.environment import DBT_EXECUTABLE, DBT_PROJECT_DIR, prepare_environment

# Canonical text per DuckDB type family: one spelling for NULL, booleans, timestamps (UTC).
_NULL = "'<null>'"


def _canonical(column: str, data_type: str) -> str:
    quoted = f'"{column}"'
    if data_type == "BOOLEAN":
        text = f"case when {quoted} then 'true' else 'false' end"
    elif data_type.startswith("TIMESTAMP"):
        if "TIME ZONE" in data_type:
            quoted = f"({quoted} at time zone 'UTC')"
        text = f"strftime({quoted}, '%Y-%m-%d %H:%M:%S.%f')"
    elif data_type in ("FLOAT", "DOUBLE"):
        raise AssertionError(f"{column}: floating point in a mart; use DECIMAL (DESIGN.md)")
    else:
        text = f"cast({quoted} as varchar)"
    return f"coalesce({text}, {_NULL})"


def mart_fingerprints(publication: Path) -> dict[str, tuple[list[str], int, int]]:
    """mart -> (sorted column names, rows, exact sum of the rows' 64-bit md5 prefixes)."""
    fingerprints = {}
    with duckdb.connect(str(publication), read_only=True) as con:
        marts = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        for mart in marts:
            columns = sorted(con.execute(f'describe marts."{mart}"').fetchall())
            row_text = " || '|' || ".join(_canonical(name, kind) for name, kind, *_ in columns)
            rows, checksum = con.execute(
                "select count(*), "
                f"coalesce(sum(('0x' || left(md5({row_text}), 16))::ubigint::hugeint), 0) "
                f'from marts."{mart}"'
            ).fetchall()[0]
            fingerprints[mart] = ([name for name, *_ in columns], rows, int(checksum))
    return fingerprints


def test_spark_publication_reads_parquet_copies(publications):
    with duckdb.connect(str(publications["spark"]), read_only=True) as con:
        kinds = con.execute(
            "select table_type from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    assert kinds and {kind for (kind,) in kinds} == {"VIEW"}


def test_incremental_runs_give_the_marts_of_a_full_refresh(publications):
    incremental = mart_fingerprints(publications["incremental_duckdb"])
    assert incremental["alteracoes_cadastrais"][1] > 50, "too few rows to prove anything"
    assert mart_fingerprints(publications["duckdb"]) == incremental


def test_every_mart_is_equal_on_both_engines(publications):
    on_duckdb = mart_fingerprints(publications["incremental_duckdb"])
    on_spark = mart_fingerprints(publications["spark"])
    assert "alteracoes_cadastrais" in on_duckdb
    assert on_duckdb["alteracoes_cadastrais"][1] > 50, "too few rows to prove anything"
    assert on_spark == on_duckdb


def test_fingerprint_ignores_row_order_but_not_a_changed_value(tmp_path: Path):
    def fingerprint(rows_sql: str) -> dict:
        path = tmp_path / f"{abs(hash(rows_sql))}.duckdb"
        with duckdb.connect(str(path)) as con:
            con.execute("create schema marts")
            con.execute(f"create table marts.m as {rows_sql}")
        return mart_fingerprints(path)

    base = fingerprint(
        "select * from (values (1, 'a', 1.50::decimal(18,2), true, timestamp '2026-01-01 10:00'),"
        " (2, null, null, false, null)) t(id, texto, valor, ok, em)"
    )
    reordered = fingerprint(
        "select * from (values (2, null, null, false, null),"
        " (1, 'a', 1.50::decimal(18,2), true, timestamp '2026-01-01 10:00'))"
        " t(id, texto, valor, ok, em)"
    )
    changed = fingerprint(
        "select * from (values (1, 'a', 1.51::decimal(18,2), true, timestamp '2026-01-01 10:00'),"
        " (2, null, null, false, null)) t(id, texto, valor, ok, em)"
    )
    assert base == reordered
    assert base != changed


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_dbt_unit_tests_pass(engine: str, publications, monkeypatch: pytest.MonkeyPatch):
    """The SQL rules on fixed rows. Scheduled runs skip unit tests (they test SQL, not data), so
    they run here, on each engine's warehouse that the pipeline above built."""
    monkeypatch.setenv("ALICERCE_DATA_DIR", str(publications["data_dir"]))
    monkeypatch.setenv("ALICERCE_ENGINE", engine)
    prepare_environment(Settings())
    target = publications["data_dir"] / f"dbt-target-{engine}"
    completed = subprocess.run(
        [str(DBT_EXECUTABLE), "test", "--select", "test_type:unit", "--profiles-dir", ".",
         "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert int(completed.stdout.split("PASS=")[1].split()[0]) == _unit_tests_declared()


def _unit_tests_declared() -> int:
    """Every unit test the project's yml files declare: all must run and pass."""
    return sum(
        len((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or [])
        for path in (DBT_PROJECT_DIR / "models").rglob("*.yml")
    )
