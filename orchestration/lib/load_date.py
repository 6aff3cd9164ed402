"""The load date: the São Paulo calendar day the data arrived (DESIGN.md, lake partitions).

Ingestion assets are partitioned by it; today's partition exists from midnight in São Paulo
(end_offset=1), so new files can land in it the same day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

SAO_PAULO = ZoneInfo("America/Sao_Paulo")

LOAD_DATES = dg.DailyPartitionsDefinition(
    start_date="2020-01-01", timezone="America/Sao_Paulo", end_offset=1
)


def today_in_sao_paulo() -> date:
    return datetime.now(SAO_PAULO).date()
