"""Data-quality figures read from the state database: the ledger per day and freshness.

Shared by the Dagster checks and the "Qualidade dos dados" page, so both tell the same story.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingestion.settings import Settings

SOURCES = ("portal/eventos", "crm/pessoas")
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


def _read_only(db_path: Path) -> sqlite3.Connection | None:
    if not db_path.exists():
        return None
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def freshness(settings: Settings) -> list[Freshness]:
    """When each source last brought data, and when the last publication was made."""
    last: dict[str, str | None] = dict.fromkeys((*SOURCES, PUBLICATION))
    conn = _read_only(settings.state_db)
    if conn is not None:
        with closing(conn):
            for name, at in conn.execute(
                "select source || '/' || table_name, max(ingested_at) from ingested_files "
                "where records_in > 0 group by 1"
            ):
                last[name] = at
            (last[PUBLICATION],) = conn.execute(
                "select max(published_at) from publications"
            ).fetchone()
    return [
        Freshness(name, _parse(at), timedelta(hours=settings.max_age_hours.get(name, 26.0)))
        for name, at in last.items()
    ]
