"""Portal events: validation reasons, quarantine, duplicates and conflicts, reconciliation."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from ingestion.portal.events import ingest_portal_events
from ingestion.settings import Settings
from tests.conftest import write_jsonl

LOAD_DATE = "2026-11-27"


def event(event_id: str, **overrides) -> dict:
    base = {
        "event_id": event_id,
        "event_type": "login",
        "idpessoa": 1042,
        "occurred_at": "2026-11-03T09:12:44-03:00",
        "channel": "portal_web",
    }
    return {**base, **overrides}


def completed(event_id: str, changes: list) -> dict:
    return event(event_id, event_type="update_completed", changes=changes)


def lake_rows(settings: Settings) -> list[tuple]:
    glob = str(settings.raw_dir / "portal" / "eventos" / "*" / "*.parquet")
    return duckdb.sql(
        f"select event_id, idpessoa, occurred_at_utc::varchar, dt::varchar "
        f"from read_parquet('{glob}', hive_partitioning = true) order by event_id"
    ).fetchall()


def quarantine_rows(settings: Settings) -> list[tuple]:
    glob = str(settings.quarantine_dir / "portal" / "eventos" / "*" / "*.parquet")
    if not list(settings.quarantine_dir.glob("portal/eventos/*/*.parquet")):
        return []
    return duckdb.sql(
        f"select source_file, line_no, reason from read_parquet('{glob}') "
        "order by source_file, line_no"
    ).fetchall()


BAD_LINES = [
    ("{not json", "invalid_json"),
    ('["an", "array"]', "invalid_json"),
    ({**event("x"), "event_id": None}, "missing_field:event_id"),
    ({**event("x"), "event_id": "  "}, "missing_field:event_id"),
    ({k: v for k, v in event("x").items() if k != "channel"}, "missing_field:channel"),
    (event("x", idpessoa="1042"), "bad_type:idpessoa"),
    (event("x", idpessoa=10.5), "bad_type:idpessoa"),
    (event("x", event_type="logout"), "unknown_event_type:logout"),
    (event("x", occurred_at="2026-11-03T09:12:44"), "missing_offset:occurred_at"),
    (event("x", occurred_at="2026-11-03"), "missing_offset:occurred_at"),
    (event("x", occurred_at="2026-13-03T09:12:44Z"), "bad_timestamp:occurred_at"),
    (event("x", changes=[]), "changes_not_allowed"),
    (event("x", event_type="update_completed"), "missing_field:changes"),
    (completed("x", {"campo": "email"}), "bad_type:changes"),
    (
        completed("x", [{"campo": "cpf", "valor_anterior": "1", "valor_novo": "2"}]),
        "unknown_field:cpf",
    ),
    (completed("x", [{"campo": "email", "valor_novo": "a@b.c"}]), "bad_change"),
    (
        completed("x", [{"campo": "email", "valor_anterior": {"a": 1}, "valor_novo": "x"}]),
        "bad_change",
    ),
    (
        completed("x", [{"campo": "endereco", "valor_anterior": {"rua": "X"}, "valor_novo": None}]),
        "bad_change",
    ),
    (
        completed(
            "x",
            [
                {"campo": "cep", "valor_anterior": "1", "valor_novo": "2"},
                {"campo": "cep", "valor_anterior": "2", "valor_novo": "3"},
            ],
        ),
        "repeated_field:cep",
    ),
]


@pytest.mark.parametrize(("line", "reason"), BAD_LINES, ids=[r for _, r in BAD_LINES])
def test_each_bad_line_is_quarantined_with_its_reason(settings: Settings, line, reason: str):
    write_jsonl(settings.landing_dir / "portal" / "a.jsonl", [event("ok-1"), line, event("ok-2")])

    report = ingest_portal_events(settings, LOAD_DATE)

    assert quarantine_rows(settings) == [("portal/a.jsonl", 2, reason)]
    assert [row[0] for row in lake_rows(settings)] == ["ok-1", "ok-2"]
    assert (report.records_in, report.loaded, report.quarantined, report.duplicates) == (3, 2, 1, 0)
    assert report.reasons == {reason: 1}


def test_invalid_utf8_line_is_quarantined(settings: Settings):
    path = write_jsonl(settings.landing_dir / "portal" / "a.jsonl", [event("ok-1")])
    with path.open("ab") as fh:
        fh.write(b'{"event_id": "\xff\xfe"}\n')

    report = ingest_portal_events(settings, LOAD_DATE)

    assert quarantine_rows(settings) == [("portal/a.jsonl", 2, "invalid_utf8")]
    assert report.reconciles and report.loaded == 1


def test_valid_events_land_in_the_load_date_partition_in_utc(settings: Settings):
    address = {"logradouro": "Rua da Aurora", "numero": "1", "uf": "PE"}
    lines = [
        event("a", occurred_at="2018-02-16T23:30:00-02:00"),  # daylight saving: UTC-2
        event("b", occurred_at="2026-11-30T23:30:00-03:00"),
        event("c", occurred_at="2026-11-30T12:00:00Z", channel="app_ios"),
        completed("d", []),
        completed("e", [{"campo": "endereco", "valor_anterior": None, "valor_novo": address}]),
        completed("f", [{"campo": "renda_familiar", "valor_anterior": 0, "valor_novo": 5000.5}]),
        "",
        "   ",
    ]
    write_jsonl(settings.landing_dir / "portal" / "2026" / "nov.jsonl", lines)

    report = ingest_portal_events(settings, LOAD_DATE)

    assert report.records_in == 6, "blank lines are not records"
    assert lake_rows(settings)[:3] == [
        ("a", 1042, "2018-02-17 01:30:00", LOAD_DATE),
        ("b", 1042, "2026-12-01 02:30:00", LOAD_DATE),
        ("c", 1042, "2026-11-30 12:00:00", LOAD_DATE),
    ]
    assert quarantine_rows(settings) == []


def test_duplicates_and_conflicts_within_and_across_files(settings: Settings):
    portal = settings.landing_dir / "portal"
    first = write_jsonl(
        portal / "1.jsonl", [event("a"), event("b"), event("a"), event("b", idpessoa=7)]
    )
    second = write_jsonl(portal / "2.jsonl", [event("a"), event("c"), event("c", channel="app")])
    os.utime(first, (1_000, 1_000))  # arrival order: first before second
    os.utime(second, (2_000, 2_000))

    report = ingest_portal_events(settings, LOAD_DATE)

    assert [row[0] for row in lake_rows(settings)] == ["a", "b", "c"]
    assert quarantine_rows(settings) == [
        ("portal/1.jsonl", 4, "conflict:event_id"),
        ("portal/2.jsonl", 3, "conflict:event_id"),
    ]
    assert (report.records_in, report.loaded, report.quarantined, report.duplicates) == (7, 3, 2, 2)
    assert report.reconciles


def test_lake_events_win_over_a_later_load(settings: Settings):
    write_jsonl(settings.landing_dir / "portal" / "1.jsonl", [event("a")])
    ingest_portal_events(settings, "2026-11-26")
    write_jsonl(settings.landing_dir / "portal" / "2.jsonl", [event("a"), event("a", idpessoa=9)])

    report = ingest_portal_events(settings, LOAD_DATE)

    assert lake_rows(settings) == [("a", 1042, "2026-11-03 12:12:44", "2026-11-26")]
    assert (report.loaded, report.duplicates, report.quarantined) == (0, 1, 1)


def test_a_file_already_ingested_is_skipped_and_reported_apart(settings: Settings):
    write_jsonl(settings.landing_dir / "portal" / "a.jsonl", [event("a"), "{bad"])
    ingest_portal_events(settings, LOAD_DATE)
    copy = settings.landing_dir / "portal" / "copy-of-a.jsonl"
    copy.write_bytes((settings.landing_dir / "portal" / "a.jsonl").read_bytes())

    report = ingest_portal_events(settings, LOAD_DATE)

    assert report.records_in == 0 and len(report.skipped_files) == 2
    assert len(lake_rows(settings)) == 1
    assert len(quarantine_rows(settings)) == 1


def test_an_ingestion_that_died_before_recording_reruns_without_duplicating(settings: Settings):
    write_jsonl(settings.landing_dir / "portal" / "a.jsonl", [event("a"), event("b")])
    ingest_portal_events(settings, LOAD_DATE)
    settings.state_db.unlink()  # as if the process died between the lake write and the ledger

    report = ingest_portal_events(settings, LOAD_DATE)

    assert [row[0] for row in lake_rows(settings)] == ["a", "b"]
    assert (report.loaded, report.duplicates) == (2, 0)


def test_many_lines_reconcile(settings: Settings, tmp_path: Path):
    lines: list[dict | str] = []
    for n in range(20_000):
        if n % 1000 == 0:
            lines.append("{broken")
        elif n % 1000 == 1:
            lines.append(event(f"e{n - 2}"))  # an earlier event id with other content
        else:
            lines.append(event(f"e{n}", idpessoa=n, occurred_at="2025-05-05T10:00:00-03:00"))
    write_jsonl(settings.landing_dir / "portal" / "big.jsonl", lines)

    report = ingest_portal_events(settings, LOAD_DATE)

    assert report.records_in == 20_000
    assert report.quarantined == 20 + 19  # broken lines + conflicting repeats (other content)
    assert report.reconciles
    assert report.loaded == len(lake_rows(settings))
