"""Quarantine replay: records fixed by configuration move to the lake exactly once, counts
reconcile, and an interrupted replay loses nothing and loads nothing twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.crm.pages import ingest_pages
from ingestion.portal.contract import ContractError, load_contract
from ingestion.portal.events import ingest_portal_events
from ingestion.quality import lake_reconciliation
from ingestion.quarantine import quarantine_files
from ingestion.replay import replay_quarantine
from ingestion.settings import Settings
from tests.conftest import write_jsonl, write_pessoas_page
from tests.ingestion.test_portal_events import completed, event

LOAD_DATE = "2026-11-26"
REPLAY_DATE = "2026-11-27"


@pytest.fixture
def quarantined(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Two landing files ingested: a new event type, a new field, and lines no config can fix."""
    contract = tmp_path / "contract.yml"
    contract.write_text("extra_event_types: []\n")
    monkeypatch.setenv("ALICERCE_PORTAL_CONTRACT_FILE", str(contract))
    write_jsonl(
        settings.landing_dir / "portal" / "eventos-a.jsonl",
        [
            event("ok-1"),
            event("reset-1", event_type="password_reset"),
            "{not json",
            completed("estado-1", [{"campo": "estado_civil", "valor_anterior": "solteiro",
                                    "valor_novo": "casado"}]),
        ],
    )  # fmt: skip
    write_jsonl(
        settings.landing_dir / "portal" / "eventos-b.jsonl",
        [event("reset-2", event_type="password_reset"), event("ok-1", channel="outro")],
    )
    report = ingest_portal_events(Settings(), LOAD_DATE)
    assert (report.loaded, report.quarantined) == (1, 5)
    return Settings()


def accept(settings: Settings, **contract: list[str]) -> None:
    lines = [f"{key}: [{', '.join(values)}]" for key, values in contract.items()]
    settings.portal_contract_file.write_text("\n".join(lines) + "\n")


def lake_ids(settings: Settings) -> list[tuple[str, str]]:
    glob = str(settings.raw_dir / "portal" / "eventos" / "*" / "*.parquet")
    return duckdb.sql(
        f"select event_id, dt::varchar from read_parquet('{glob}', hive_partitioning = true) "
        "order by event_id"
    ).fetchall()


def quarantine_reasons(settings: Settings) -> list[tuple[str, str]]:
    files = quarantine_files(settings, "portal", "eventos")
    return duckdb.sql(
        f"select reason, content from read_parquet({[str(f) for f in files]}) "
        "order by reason, content"
    ).fetchall()


def test_a_newly_accepted_event_type_is_loaded_exactly_once(quarantined: Settings):
    settings = quarantined
    accept(settings, extra_event_types=["password_reset"])

    [counts] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert (counts.examined, counts.loaded, counts.duplicates, counts.still_quarantined) == (
        5,
        2,
        0,
        3,
    )
    assert lake_ids(settings) == [
        ("ok-1", LOAD_DATE),
        ("reset-1", REPLAY_DATE),  # a replayed record takes the replay's load date
        ("reset-2", REPLAY_DATE),
    ]
    assert [reason for reason, _ in quarantine_reasons(settings)] == [
        "conflict:event_id",
        "invalid_json",
        "unknown_field:estado_civil",
    ]
    assert lake_reconciliation(settings, "portal", "eventos").matches

    [again] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert (again.examined, again.loaded, again.still_quarantined) == (3, 0, 3)
    assert len(lake_ids(settings)) == 3
    assert lake_reconciliation(settings, "portal", "eventos").matches


def test_a_newly_accepted_field_is_loaded_and_the_reason_of_the_rest_kept(quarantined: Settings):
    settings = quarantined
    accept(settings, extra_tracked_fields=["estado_civil"])
    [counts] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert counts.loaded == 1
    assert ("estado-1", REPLAY_DATE) in lake_ids(settings)
    reasons = [reason for reason, _ in quarantine_reasons(settings)]
    assert reasons == [
        "conflict:event_id",
        "invalid_json",
        "unknown_event_type:password_reset",
        "unknown_event_type:password_reset",
    ]


def test_a_replay_that_died_before_committing_leaves_nothing_behind(quarantined: Settings):
    settings = quarantined
    before_lake, before_quarantine = lake_ids(settings), quarantine_reasons(settings)
    # What a replay killed between writing its files and recording itself leaves behind.
    leftover_lake = settings.raw_dir / "portal" / "eventos" / f"dt={REPLAY_DATE}"
    leftover_lake.mkdir(parents=True)
    duckdb.sql(
        f"copy (select * from read_parquet('{settings.raw_dir}/portal/eventos/dt={LOAD_DATE}/*')) "
        f"to '{leftover_lake}/replay-20261127T000000000000Z.parquet' (format parquet)"
    )
    [first_quarantine_file] = quarantine_files(settings, "portal", "eventos")[:1]
    partial = first_quarantine_file.with_name(
        first_quarantine_file.stem + "~20261127T000000000000Z.parquet"
    )
    duckdb.sql(f"copy (select * from '{first_quarantine_file}' limit 1) to '{partial}'")
    assert not lake_reconciliation(settings, "portal", "eventos").matches

    [counts] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert (counts.examined, counts.loaded) == (5, 0)
    assert lake_ids(settings) == before_lake
    assert quarantine_reasons(settings) == before_quarantine
    assert lake_reconciliation(settings, "portal", "eventos").matches


def test_a_replay_that_died_after_committing_is_finished_by_the_next(quarantined: Settings):
    settings = quarantined
    accept(settings, extra_event_types=["password_reset"])
    superseded = quarantine_files(settings, "portal", "eventos")
    kept_copies = {path: path.read_bytes() for path in superseded}
    replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    for path, content in kept_copies.items():  # as if the process died before deleting them
        path.write_bytes(content)
    assert not lake_reconciliation(settings, "portal", "eventos").matches

    [counts] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert (counts.examined, counts.loaded, counts.duplicates) == (3, 0, 0)
    assert len(lake_ids(settings)) == 3
    assert lake_reconciliation(settings, "portal", "eventos").matches


def test_a_quarantined_record_already_in_the_lake_leaves_as_a_duplicate(quarantined: Settings):
    settings = quarantined
    # reset-1 arrives again, after the contract accepted its type: it loads from the new file.
    accept(settings, extra_event_types=["password_reset"])
    write_jsonl(
        settings.landing_dir / "portal" / "eventos-c.jsonl",
        [event("reset-1", event_type="password_reset")],
    )
    assert ingest_portal_events(settings, REPLAY_DATE).loaded == 1
    [counts] = replay_quarantine(settings, REPLAY_DATE, ["portal/eventos"])
    assert (counts.loaded, counts.duplicates, counts.still_quarantined) == (1, 1, 3)
    assert [event_id for event_id, _ in lake_ids(settings)] == ["ok-1", "reset-1", "reset-2"]
    assert lake_reconciliation(settings, "portal", "eventos").matches


def test_crm_rows_are_rejudged_and_an_unreadable_page_stays(settings: Settings):
    pages = settings.landing_dir / "crm" / "pessoas" / "extracao-1"
    row = {"referencia": "7", "referencia_data": "2026-11-01 10:00:00", "idpessoa": 7}
    write_pessoas_page(pages / "pagina-00001.json", [row, {"referencia": "8", "idpessoa": 8}])
    (pages / "pagina-00002.json").write_text("{truncated")
    assert ingest_pages(settings, "pessoas", LOAD_DATE).quarantined == 2

    [counts] = replay_quarantine(settings, REPLAY_DATE, ["crm/pessoas"])
    assert (counts.examined, counts.loaded, counts.duplicates, counts.still_quarantined) == (
        2,
        0,
        0,
        2,
    )
    assert lake_reconciliation(settings, "crm", "pessoas").matches


def test_unknown_sources_are_refused(settings: Settings):
    with pytest.raises(ValueError, match="unknown source"):
        replay_quarantine(settings, REPLAY_DATE, ["serasa/relatorios"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extra_event_types: [Logout]\n", "extra_event_types.0: String should match pattern"),
        ("extra_event_type: [logout]\n", "extra_event_type: Extra inputs are not permitted"),
        ("extra_event_types: [logout\n", "not valid YAML"),
        ("- logout\n", "expected a mapping"),
    ],
)
def test_contract_mistakes_are_named(tmp_path: Path, text: str, message: str):
    path = tmp_path / "contract.yml"
    path.write_text(text)
    with pytest.raises(ContractError, match=message) as error:
        load_contract(path)
    assert str(path) in str(error.value)


def test_the_shipped_contract_is_valid():
    from ingestion.settings import PROJECT_ROOT

    contract = load_contract(PROJECT_ROOT / "ingestion" / "portal" / "contract.yml")
    assert contract.event_types[:4] == (
        "login",
        "update_prompt_shown",
        "update_declined",
        "update_completed",
    )
