"""Turning an ingestion report into a Dagster materialisation (shared by every source's asset)."""

from __future__ import annotations

import dagster as dg

from ingestion.accounting import IngestReport


def materialize_report(
    context: dg.AssetExecutionContext, report: IngestReport
) -> dg.MaterializeResult:
    meta = report.as_metadata()
    if not report.reconciles:
        raise dg.Failure(f"{meta['source']}: counts do not reconcile: {meta}")
    context.log.info(
        f"{meta['source']}: {meta['files_ingested']} file(s), {meta['records_in']} in = "
        f"{meta['loaded']} loaded + {meta['quarantined']} quarantined + "
        f"{meta['duplicates']} duplicates; {meta['files_skipped']} file(s) already ingested"
    )
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in meta.items() if k != "quarantine_reasons"},
            "quarantine_reasons": dg.MetadataValue.json(meta["quarantine_reasons"]),
        }
    )
