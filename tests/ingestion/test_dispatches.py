"""Survey dispatches: validation reasons, quarantine, duplicates and conflicts by idenvio,
reconciliation, and a quarantine replay that keeps what still fails."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.replay import replay_quarantine
from ingestion.settings import Settings
from ingestion.surveys.dispatches import first_dispatch_month, ingest_dispatches
from tests.conftest import write_jsonl

LOAD_DATE = "2026-11-27"


def dispatch(idenvio: int, **overrides) -> dict:
    base = {
        "idenvio": idenvio,
        "idpesquisa": 3,
        "gatilho": "reserva",
        "idorigem": None,
        "idservico": 12,
        "idpessoa": 1042,
        "enviado_em": "2026-11-03T09:12:44-03:00",
    }
    return {**base, **overrides}


def without(field: str) -> dict:
    return {k: v for k, v in dispatch(99).items() if k != field}


BAD_LINES = [
    ("{not json", "invalid_json"),
    ("[1, 2]", "invalid_json"),
    (without("idenvio"), "missing_field:idenvio"),
    (without("idpessoa"), "missing_field:idpessoa"),
    (dispatch(99, gatilho=None), "missing_field:gatilho"),
    (dispatch(99, gatilho="  "), "missing_field:gatilho"),
    (without("enviado_em"), "missing_field:enviado_em"),
    ({**dispatch(99), "idenvio": "99"}, "bad_type:idenvio"),
    (dispatch(99, idpesquisa=3.5), "bad_type:idpesquisa"),
    (dispatch(99, idorigem="7"), "bad_type:idorigem"),
    (dispatch(99, idservico=True), "bad_type:idservico"),
    (dispatch(99, gatilho=7), "bad_type:gatilho"),
    (dispatch(99, enviado_em="2026-11-03T09:12:44"), "missing_offset:enviado_em"),
    (dispatch(99, enviado_em="2026-13-03T09:12:44Z"), "bad_timestamp:enviado_em"),
]


def lake_rows(settings: Settings) -> list[tuple]:
    glob = str(settings.raw_dir / "pesquisas" / "envios" / "*" / "*.parquet")
    return duckdb.sql(
        f"select idenvio, idorigem, idservico, enviado_em_utc::varchar, source_file, line_no "
        f"from read_parquet('{glob}') where idenvio is not null order by idenvio"
    ).fetchall()


def quarantine_rows(settings: Settings) -> list[tuple]:
    glob = str(settings.quarantine_dir / "pesquisas" / "envios" / "*" / "*.parquet")
    return duckdb.sql(
        f"select source_file, line_no, reason from read_parquet('{glob}') "
        "where reason is not null order by source_file, line_no"
    ).fetchall()


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_each_bad_line_is_quarantined_with_its_reason(settings: Settings, line, reason):
    write_jsonl(settings.landing_dir / "pesquisas" / "envios.jsonl", [dispatch(1), line])
    report = ingest_dispatches(settings, LOAD_DATE)
    assert (report.records_in, report.loaded, report.quarantined) == (2, 1, 1)
    assert quarantine_rows(settings) == [("pesquisas/envios.jsonl", 2, reason)]


def test_a_valid_line_keeps_its_ids_and_instant_in_utc(settings: Settings):
    write_jsonl(
        settings.landing_dir / "pesquisas" / "envios.jsonl",
        [
            dispatch(1),
            # December 2018: daylight saving time in São Paulo (UTC-2)
            dispatch(2, idorigem=555, idservico=None, enviado_em="2018-12-10T08:00:00-02:00"),
        ],
    )
    ingest_dispatches(settings, LOAD_DATE)
    assert lake_rows(settings) == [
        (1, None, 12, "2026-11-03 12:12:44", "pesquisas/envios.jsonl", 1),
        (2, 555, None, "2018-12-10 10:00:00", "pesquisas/envios.jsonl", 2),
    ]
    assert first_dispatch_month(settings) == "2018-12"


def test_repeats_are_duplicates_and_a_changed_repeat_a_conflict(settings: Settings):
    folder = settings.landing_dir / "pesquisas"
    write_jsonl(folder / "a.jsonl", [dispatch(1), dispatch(2), dispatch(1), "", "   "])
    first = ingest_dispatches(settings, LOAD_DATE)
    assert (first.records_in, first.loaded, first.quarantined, first.duplicates) == (3, 2, 0, 1)

    # A later file: dispatch 2 again as it was (duplicate), dispatch 1 with another origin
    # (conflict: the earlier stays), and a new one.
    write_jsonl(folder / "b.jsonl", [dispatch(2), dispatch(1, idorigem=9), dispatch(3)])
    second = ingest_dispatches(settings, LOAD_DATE)
    assert (second.records_in, second.loaded, second.quarantined, second.duplicates) == (
        3, 1, 1, 1,
    )  # fmt: skip
    assert second.reconciles
    assert [row[:2] for row in lake_rows(settings)] == [(1, None), (2, None), (3, None)]
    assert quarantine_rows(settings) == [("pesquisas/b.jsonl", 2, "conflict:idenvio")]

    again = ingest_dispatches(settings, LOAD_DATE)
    assert again.records_in == 0 and len(again.skipped_files) == 2


def test_a_replay_keeps_what_still_fails_with_its_reason(settings: Settings, tmp_path: Path):
    write_jsonl(
        settings.landing_dir / "pesquisas" / "envios.jsonl",
        [dispatch(1), "{not json", dispatch(1, idorigem=4)],
    )
    ingest_dispatches(settings, LOAD_DATE)
    before = quarantine_rows(settings)
    [counts] = replay_quarantine(settings, "2026-11-28", ["pesquisas/envios"])
    assert (counts.loaded, counts.still_quarantined) == (0, 2)
    assert (
        quarantine_rows(settings)
        == before
        == [
            ("pesquisas/envios.jsonl", 2, "invalid_json"),
            ("pesquisas/envios.jsonl", 3, "conflict:idenvio"),
        ]
    )
