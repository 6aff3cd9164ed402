"""A CRM object's load: pull its new pages from CVDW into landing, then ingest them into the lake.

With no tenant configured (ALICERCE_CVDW_BASE_URL unset), the pull goes through the same client
to the local sandbox, started for the duration of the pull and serving data/sandbox/crm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from ingestion.accounting import IngestReport
from ingestion.crm.cvdw import CvdwClient, CvdwError, RateGate
from ingestion.crm.objects import by_table
from ingestion.crm.pages import ingest_pages
from ingestion.crm.pull import PullOutcome, pull_object
from ingestion.crm.sandbox import SandboxConfig, running_sandbox
from ingestion.settings import Settings

SANDBOX_BLOCK_SECONDS = 5.0  # the demo sandbox's block after its (relaxed) limit


class CrmPullFailed(Exception):
    """A pull stopped at a page: what it fetched before was ingested; the next run resumes."""


@cache
def _rate_gate(db_path: Path, requests_per_minute: int, block_seconds: float) -> RateGate:
    """One gate per data folder and limit, shared by every object pulled in this process."""
    return RateGate(requests_per_minute, block_seconds, db_path)


@contextmanager
def cvdw_client(settings: Settings, log: Callable[[str], None]) -> Iterator[CvdwClient]:
    """A client for the configured tenant, or for the local sandbox when none is configured."""
    gate_file = settings.data_dir / "state" / "cvdw_rate_limit.sqlite"
    common = {
        "timeout_seconds": settings.cvdw_timeout_seconds,
        "attempts": settings.cvdw_attempts,
        "log": log,
    }
    if settings.cvdw_base_url:
        if not settings.cvdw_email or not settings.cvdw_token:
            raise CvdwError(
                "ALICERCE_CVDW_BASE_URL is set but ALICERCE_CVDW_EMAIL or ALICERCE_CVDW_TOKEN "
                "is not: the CRM needs both headers"
            )
        gate = _rate_gate(gate_file, settings.cvdw_requests_per_minute, settings.cvdw_block_seconds)
        with CvdwClient(
            settings.cvdw_base_url,
            settings.cvdw_email,
            settings.cvdw_token.get_secret_value(),
            gate,
            **common,
        ) as client:
            yield client
        return
    config = SandboxConfig(
        settings.crm_sandbox_dir,
        requests_per_minute=settings.sandbox_requests_per_minute,
        block_seconds=SANDBOX_BLOCK_SECONDS,
        clock=settings.sandbox_clock,
    )
    gate = _rate_gate(
        gate_file.with_name("sandbox_rate_limit.sqlite"),
        settings.sandbox_requests_per_minute,
        SANDBOX_BLOCK_SECONDS,
    )
    with (
        running_sandbox(config) as sandbox,
        CvdwClient(sandbox.base_url, config.email, config.token, gate, **common) as client,
    ):
        yield client


def pull_and_ingest(
    settings: Settings,
    table: str,
    load_date: str,
    progress: Callable[[str], None] = lambda _: None,
    sweep: bool = False,
) -> tuple[list[PullOutcome], IngestReport]:
    """Pull the object (resuming an unfinished pull first), then ingest every page not ingested
    yet, those of a pull that failed included. Raises CrmPullFailed after ingesting when the pull
    stopped at a page."""
    obj = by_table(table)
    with cvdw_client(settings, progress) as client:
        outcomes = pull_object(settings, client, obj, sweep=sweep, progress=progress)
    for outcome in outcomes:
        progress(
            f"crm/{table}: {outcome.mode} pull {outcome.pull_id} "
            f"{'complete' if outcome.complete else 'FAILED'}: {outcome.pages} page(s), "
            f"{outcome.rows:,} rows in {outcome.seconds:.1f} s"
        )
    report = ingest_pages(settings, table, load_date, progress)
    failed = [outcome for outcome in outcomes if not outcome.complete]
    if failed:
        raise CrmPullFailed(
            f"crm/{table}: pull {failed[0].pull_id} stopped: {failed[0].error}. Pages fetched "
            "before were loaded; the next run resumes at the failed page."
        )
    return outcomes, report
