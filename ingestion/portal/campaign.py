"""The periodic registration update campaign's settings (DESIGN.md, "atualização cadastral").

Versioned with effective dates, so history is judged by the settings in force at the time: each
version holds from its `vigente_desde` (a São Paulo date) until the next one. The file is
`ingestion/portal/campanha.yml` (ALICERCE_CAMPAIGN_FILE); docs/sources.md describes it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingestion.config_file import load_yaml_model
from ingestion.lake import replace_snapshot
from ingestion.portal.contract import TRACKED_FIELDS
from ingestion.settings import Settings

SOURCE = "portal"
# One row per version, and one per (version, field the form shows): both engines read them.
VERSIONS_TABLE = "campanha"
FIELDS_TABLE = "campanha_campos"
VERSIONS_SCHEMA = pa.schema(
    [
        ("vigente_desde", pa.date32()),
        ("vigente_ate", pa.date32()),  # exclusive; NULL for the version in force now
        ("habilitada", pa.bool_()),
        ("frequencia_dias", pa.int32()),
        ("ativacao", pa.date32()),
    ]
)
FIELDS_SCHEMA = pa.schema([("vigente_desde", pa.date32()), ("campo", pa.string())])

MAX_FREQUENCY_DAYS = 3650


class CampaignError(ValueError):
    """The campaign file is missing, unreadable or invalid; the message says where and why."""


class CampaignVersion(BaseModel):
    """The settings in force from `vigente_desde` until the next version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vigente_desde: date
    habilitada: bool
    # Required while enabled: a client is due every `frequencia_dias` calendar days.
    frequencia_dias: int | None = Field(default=None, ge=1, le=MAX_FREQUENCY_DAYS)
    # Required while enabled: from when completed updates count (switching the campaign off and
    # on again starts a new activation, and everyone is due again).
    ativacao: date | None = None
    # The tracked fields the portal's form shows; a change to another field is the portal's error.
    campos: tuple[str, ...] = TRACKED_FIELDS

    @model_validator(mode="after")
    def _coherent(self) -> CampaignVersion:
        if self.habilitada:
            if self.frequencia_dias is None:
                raise ValueError("an enabled version needs frequencia_dias")
            if self.ativacao is None:
                raise ValueError("an enabled version needs ativacao")
            if self.ativacao > self.vigente_desde:
                raise ValueError(
                    f"ativacao {self.ativacao} is after vigente_desde {self.vigente_desde}: "
                    "start the version on the activation day"
                )
        if not self.campos:
            raise ValueError("campos must list at least one tracked field")
        unknown = sorted(set(self.campos) - set(TRACKED_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown fields in campos: {', '.join(unknown)} "
                f"(tracked: {', '.join(TRACKED_FIELDS)})"
            )
        if len(set(self.campos)) != len(self.campos):
            raise ValueError("campos lists a field twice")
        return self


class Campaign(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    versoes: tuple[CampaignVersion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_history(self) -> Campaign:
        dates = [version.vigente_desde for version in self.versoes]
        if dates != sorted(dates):
            raise ValueError("versoes must be in order of vigente_desde")
        if len(set(dates)) != len(dates):
            raise ValueError("two versoes share a vigente_desde")
        previous: CampaignVersion | None = None
        for version in self.versoes:
            if version.habilitada and previous is not None and previous.habilitada:
                if version.ativacao != previous.ativacao:
                    raise ValueError(
                        f"the version of {version.vigente_desde} changes ativacao while the "
                        "campaign stays on: a new activation needs the campaign switched off "
                        "first (or keep the previous ativacao)"
                    )
            elif (
                version.habilitada
                and previous is not None  # switched on again
                and version.ativacao < version.vigente_desde
            ):
                raise ValueError(
                    f"the version of {version.vigente_desde} switches the campaign on again: "
                    "its ativacao is that day, not an earlier one"
                )
            previous = version
        return self

    def in_force(self, day: date) -> CampaignVersion | None:
        """The version in force on a São Paulo day (None before the first one)."""
        current = None
        for version in self.versoes:
            if version.vigente_desde <= day:
                current = version
        return current


def load_campaign(path: Path) -> Campaign:
    return load_yaml_model(path, Campaign, CampaignError, "campaign file")


def write_campaign(settings: Settings, campaign: Campaign, load_date: str) -> dict[str, Path]:
    """Write the campaign to the raw lake as the settings of this load date, replacing earlier
    snapshots (the lake holds the campaign as configured at the last run). Returns the files."""
    ends = [version.vigente_desde for version in campaign.versoes[1:]] + [None]
    versions = pa.table(
        {
            "vigente_desde": [version.vigente_desde for version in campaign.versoes],
            "vigente_ate": ends,
            "habilitada": [version.habilitada for version in campaign.versoes],
            "frequencia_dias": [version.frequencia_dias for version in campaign.versoes],
            "ativacao": [version.ativacao for version in campaign.versoes],
        },
        schema=VERSIONS_SCHEMA,
    )
    fields = pa.table(
        {
            "vigente_desde": [v.vigente_desde for v in campaign.versoes for _ in v.campos],
            "campo": [campo for version in campaign.versoes for campo in version.campos],
        },
        schema=FIELDS_SCHEMA,
    )
    return {
        VERSIONS_TABLE: replace_snapshot(settings, SOURCE, VERSIONS_TABLE, versions, load_date),
        FIELDS_TABLE: replace_snapshot(settings, SOURCE, FIELDS_TABLE, fields, load_date),
    }
