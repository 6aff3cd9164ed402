"""The load date: the São Paulo calendar day the data arrived (DESIGN.md, lake partitions)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def today_in_sao_paulo() -> date:
    return datetime.now(SAO_PAULO).date()


class IngestConfig(dg.Config):
    """Run configuration shared by the ingestion assets."""

    load_date: str | None = None  # YYYY-MM-DD; default: today in São Paulo

    def resolved_load_date(self) -> str:
        if self.load_date is None:
            return today_in_sao_paulo().isoformat()
        return date.fromisoformat(self.load_date).isoformat()
