"""Data-quality figures: freshness, and the lake reconciled against the state database.

Shared by the Dagster checks and the "Qualidade dos dados" page, so both tell the same story.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from ingestion import state
from ingestion.crm.objects import OBJECTS
from ingestion.settings import Settings

SOURCES = (
    "portal/eventos",
    "pesquisas/envios",
    "serasa/solicitacoes",
    *(obj.source_table for obj in OBJECTS),
)
PUBLICATION = "publicacao"


@dataclass(frozen=True)
class Freshness:
    name: str  # "portal/eventos", ..., or "publicacao"
    last_at: datetime | None  # aware UTC; None when it never happened
    max_age: timedelta

    def age(self, now: datetime) -> timedelta | None:
        return None if self.last_at is None else now - self.last_at

    def is_fresh(self, now: datetime) -> bool:
        age = self.age(now)
        return age is not None and age <= self.max_age


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def freshness(settings: Settings) -> list[Freshness]:
    """When each source last brought data, and when the last publication was made."""
    last: dict[str, str | None] = dict.fromkeys((*SOURCES, PUBLICATION))
    last.update(
        state.read_only_rows(
            settings.state_db,
            # A CRM object is as fresh as its last complete pull, even one that found no change.
            """select name, max(at) from (
                   select source || '/' || table_name as name, ingested_at as at
                   from ingested_files where records_in > 0
                   union all
                   select 'crm/' || table_name, finished_at from crm_pulls
                   where status = 'complete'
               ) group by 1""",
        )
    )
    last.update(
        (PUBLICATION, at)
        for (at,) in state.read_only_rows(
            settings.state_db, "select max(published_at) from publications"
        )
    )
    return [
        Freshness(name, _parse(at), timedelta(hours=settings.max_age_hours.get(name, 26.0)))
        for name, at in last.items()
    ]


@dataclass(frozen=True)
class LakeReconciliation:
    """The lake against the ledger, for one source table."""

    lake_rows: int
    quarantine_rows: int
    ledger_loaded: int
    ledger_quarantined: int
    replay_loaded: int
    replay_duplicates: int

    @property
    def matches(self) -> bool:
        return (
            self.lake_rows == self.ledger_loaded + self.replay_loaded
            and self.quarantine_rows
            == self.ledger_quarantined - self.replay_loaded - self.replay_duplicates
        )

    def as_metadata(self) -> dict[str, int | bool]:
        return {**asdict(self), "matches": self.matches}


def _parquet_rows(folder: Path) -> int:
    if not any(folder.glob("*/*.parquet")):
        return 0
    with duckdb.connect() as con:
        (rows,) = con.execute(
            "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)",
            [str(folder / "*" / "*.parquet")],
        ).fetchone()
    return int(rows)


def lake_reconciliation(settings: Settings, source: str, table: str) -> LakeReconciliation:
    """Rows in the lake and in quarantine (from Parquet metadata) against the state database."""
    [ledger] = state.read_only_rows(
        settings.state_db,
        "select coalesce(sum(loaded), 0), coalesce(sum(quarantined), 0) "
        "from ingested_files where source = ? and table_name = ?",
        (source, table),
    ) or [(0, 0)]
    [replays] = state.read_only_rows(
        settings.state_db,
        "select coalesce(sum(loaded), 0), coalesce(sum(duplicates), 0) "
        "from replays where source = ? and table_name = ?",
        (source, table),
    ) or [(0, 0)]
    return LakeReconciliation(
        lake_rows=_parquet_rows(settings.raw_dir / source / table),
        quarantine_rows=_parquet_rows(settings.quarantine_dir / source / table),
        ledger_loaded=ledger[0],
        ledger_quarantined=ledger[1],
        replay_loaded=replays[0],
        replay_duplicates=replays[1],
    )
