"""The update campaign's settings: the bundled file, the version in force, each mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingestion.demo.timeline import DEMO_CAMPAIGN
from ingestion.portal.campaign import CampaignError, load_campaign
from ingestion.portal.contract import TRACKED_FIELDS
from ingestion.settings import Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campanha.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_file_is_the_campaign_the_demo_simulates():
    campaign = load_campaign(Settings().campaign_file)
    simulated = [
        (period.effective_from, period.enabled, period.frequency_days if period.enabled else None)
        for period in DEMO_CAMPAIGN
    ]
    assert [
        (version.vigente_desde, version.habilitada, version.frequencia_dias)
        for version in campaign.versoes
    ] == simulated
    assert all(version.campos == TRACKED_FIELDS for version in campaign.versoes)


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
