"""The change report built by real dbt on DuckDB from the curated landing files."""

from __future__ import annotations

import duckdb

from orchestration.lib.publish import current_publication
from tests.conftest import EXPECTED_REPORT


def published_report(settings) -> list[tuple]:
    publication = current_publication(settings.published_dir)
    with duckdb.connect(str(publication), read_only=True) as con:
        return con.execute(
            """select id_evento, idpessoa, nome, campo, valor_anterior, valor_atual,
                      data_local::varchar
               from marts.alteracoes_cadastrais order by id_evento, campo"""
        ).fetchall()


def test_report_has_exactly_the_real_changes(pipeline_run):
    settings, first, _ = pipeline_run
    assert first.success
    assert published_report(settings) == EXPECTED_REPORT


def test_report_columns_and_types(pipeline_run):
    settings, _, _ = pipeline_run
    with duckdb.connect(str(current_publication(settings.published_dir)), read_only=True) as con:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'alteracoes_cadastrais' "
            "order by ordinal_position"
        ).fetchall()
    assert columns == [
        ("id_evento", "VARCHAR"),
        ("idpessoa", "BIGINT"),
        ("nome", "VARCHAR"),
        ("documento", "VARCHAR"),
        ("campo", "VARCHAR"),
        ("valor_anterior", "VARCHAR"),
        ("valor_atual", "VARCHAR"),
        ("alterado_em", "TIMESTAMP"),
        ("data_local", "DATE"),
        ("origem", "VARCHAR"),
        ("data_detectada", "BOOLEAN"),
    ]


def test_rerunning_the_pipeline_gives_the_same_report(pipeline_run):
    settings, _, second = pipeline_run
    assert second.success
    assert published_report(settings) == EXPECTED_REPORT
