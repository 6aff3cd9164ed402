"""The update campaign's settings: the bundled file, the version in force, each mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.portal.campaign import CampaignError, load_campaign, write_campaign
from ingestion.portal.contract import TRACKED_FIELDS
from ingestion.settings import Settings

# The campaign on from 2021-01-04 every 90 days; from 2022-06-01 every 30 days, the form
# showing only the contacts.
PARTIAL_FORM = """
versoes:
  - {vigente_desde: 2021-01-04, habilitada: true, frequencia_dias: 90, ativacao: 2021-01-04}
  - vigente_desde: 2022-06-01
    habilitada: true
    frequencia_dias: 30
    ativacao: 2021-01-04
    campos: [email, celular]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campanha.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_version_in_force_at_the_edges():
    campaign = load_campaign(Settings().campaign_file)
    assert campaign.in_force(date(2017, 2, 28)) is None
    assert campaign.in_force(date(2017, 3, 1)).frequencia_dias == 180
    assert campaign.in_force(date(2020, 3, 15)).habilitada
    assert not campaign.in_force(date(2020, 3, 16)).habilitada
    assert campaign.in_force(date(2020, 8, 3)).ativacao == date(2020, 8, 3)
    assert campaign.in_force(date(2023, 12, 31)).frequencia_dias == 180
    assert campaign.in_force(date(2024, 1, 1)).frequencia_dias == 120
    assert campaign.in_force(date(2024, 1, 1)).ativacao == date(2020, 8, 3)


ON = "habilitada: true, frequencia_dias: 30, ativacao: 2025-01-01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("versoes: []", "versoes: Tuple should have at least 1 item"),
        ("versoes:\n  - {vigente_desde: 2025-01-01, habilitada: true, ativacao: 2025-01-01}",
         "an enabled version needs frequencia_dias"),
        ("versoes:\n  - {vigente_desde: 2025-01-01, habilitada: true, frequencia_dias: 30}",
         "an enabled version needs ativacao"),
        ("versoes:\n  - {vigente_desde: 2025-01-01, habilitada: true, frequencia_dias: 0, "
         "ativacao: 2025-01-01}", "versoes.0.frequencia_dias: Input should be greater than"),
        ("versoes:\n  - {vigente_desde: 2025-01-01, habilitada: true, frequencia_dias: 30, "
         "ativacao: 2025-02-01}", "ativacao 2025-02-01 is after vigente_desde 2025-01-01"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}, campos: [nome, cpf]}}",
         "unknown fields in campos: cpf"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}, campos: []}}",
         "campos must list at least one tracked field"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}, campos: [nome, nome]}}",
         "campos lists a field twice"),
        (f"versoes:\n  - {{vigente_desde: 2025-06-01, {ON}}}\n"
         f"  - {{vigente_desde: 2025-01-01, {ON}}}", "versoes must be in order of vigente_desde"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}}}\n"
         f"  - {{vigente_desde: 2025-01-01, {ON}}}", "two versoes share a vigente_desde"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}}}\n"
         "  - {vigente_desde: 2025-06-01, habilitada: true, frequencia_dias: 30, "
         "ativacao: 2025-06-01}", "changes ativacao while the campaign stays on"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}}}\n"
         "  - {vigente_desde: 2025-03-01, habilitada: false}\n"
         "  - {vigente_desde: 2025-06-01, habilitada: true, frequencia_dias: 30, "
         "ativacao: 2025-01-01}", "its ativacao is that day"),
        (f"versoes:\n  - {{vigente_desde: 2025-01-01, {ON}, cor: azul}}",
         "versoes.0.cor: Extra inputs are not permitted"),
        ("versoes: [", "not valid YAML"),
    ],
)  # fmt: skip
def test_each_mistake_has_a_clear_message(tmp_path, text, message):
    with pytest.raises(CampaignError) as error:
        load_campaign(write(tmp_path, text))
    assert message in str(error.value)
    assert str(tmp_path / "campanha.yml") in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(CampaignError, match="cannot read the campaign file"):
        load_campaign(tmp_path / "nope.yml")


def test_written_to_the_lake_as_the_last_runs_snapshot(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ALICERCE_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    campaign = load_campaign(write(tmp_path, PARTIAL_FORM))
    write_campaign(settings, campaign, "2026-11-26")
    files = write_campaign(settings, campaign, "2026-11-27")

    folder = settings.raw_dir / "portal" / "campanha"
    assert [p.name for p in folder.iterdir()] == ["dt=2026-11-27"]  # the older snapshot is gone
    versions = duckdb.sql(
        f"select vigente_desde, vigente_ate, habilitada, frequencia_dias, ativacao "
        f"from '{files['campanha']}' order by vigente_desde"
    ).fetchall()
    assert versions == [
        (date(2021, 1, 4), date(2022, 6, 1), True, 90, date(2021, 1, 4)),
        (date(2022, 6, 1), None, True, 30, date(2021, 1, 4)),
    ]
    fields = duckdb.sql(
        f"select vigente_desde, campo from '{files['campanha_campos']}' order by all"
    ).fetchall()
    assert fields == [(date(2021, 1, 4), campo) for campo in sorted(TRACKED_FIELDS)] + [
        (date(2022, 6, 1), "celular"),
        (date(2022, 6, 1), "email"),
    ]


def test_an_invalid_file_fails_the_asset_with_its_message(tmp_path: Path, monkeypatch):
    import dagster as dg

    from orchestration.defs.portal.assets import portal_campanha

    monkeypatch.setenv("ALICERCE_DATA_DIR", str(tmp_path / "data"))
    bad = write(tmp_path, "versoes:\n  - {vigente_desde: 2021-01-04, habilitada: true}\n")
    monkeypatch.setenv("ALICERCE_CAMPAIGN_FILE", str(bad))
    with pytest.raises(CampaignError, match="an enabled version needs frequencia_dias"):
        dg.materialize([portal_campanha], partition_key="2026-11-27")
    assert not (tmp_path / "data" / "lake").exists()
