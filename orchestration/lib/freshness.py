"""Freshness checks: how long since a source brought data, or since the last publication.

Read from the state database (ingestion.quality), so the Dagster UI and the "Qualidade dos dados"
page agree. They run after every pipeline run and, on their own, every hour.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from ingestion.quality import freshness
from ingestion.settings import get_settings

CHECK_NAME = "frescor"


def freshness_check(asset_key: dg.AssetKey, name: str) -> dg.AssetChecksDefinition:
    """A check on asset_key that fails (warning) when `name` is older than its max age."""

    @dg.asset_check(
        asset=asset_key,
        name=CHECK_NAME,
        blocking=False,
        description=f"{name} is not older than its limit (setting ALICERCE_MAX_AGE_HOURS).",
    )
    def _check() -> dg.AssetCheckResult:
        now = datetime.now(UTC)
        status = next(f for f in freshness(get_settings()) if f.name == name)
        age = status.age(now)
        return dg.AssetCheckResult(
            passed=status.is_fresh(now),
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "last_at": status.last_at.isoformat() if status.last_at else "never",
                "age_hours": round(age.total_seconds() / 3600, 2) if age else -1.0,
                "max_age_hours": status.max_age.total_seconds() / 3600,
            },
        )

    return _check
