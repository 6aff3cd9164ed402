"""What every ingestion asset shares: its partitions, its checks, and its materialisation."""

from __future__ import annotations

import dagster as dg

from ingestion.accounting import IngestReport
from ingestion.quality import lake_reconciliation
from ingestion.settings import get_settings

RECONCILIATION = "reconciliacao"
LAKE_MATCHES_LEDGER = "lago_confere_com_registro"


def ingestion_check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            RECONCILIATION,
            asset=key,
            blocking=True,
            description="This load's records in = loaded + quarantined + duplicates.",
        ),
        dg.AssetCheckSpec(
            LAKE_MATCHES_LEDGER,
            asset=key,
            blocking=True,
            description=(
                "Rows in the raw lake and in quarantine match the ledger of ingested files and "
                "quarantine replays (nothing lost, nothing written twice)."
            ),
        ),
    ]


def materialize_report(
    context: dg.AssetExecutionContext, report: IngestReport
) -> dg.MaterializeResult:
    meta = report.as_metadata()
    context.log.info(
        f"{meta['source']}: {meta['files_ingested']} file(s), {meta['records_in']} in = "
        f"{meta['loaded']} loaded + {meta['quarantined']} quarantined + "
        f"{meta['duplicates']} duplicates; {meta['files_skipped']} file(s) already ingested"
    )
    lake = lake_reconciliation(get_settings(), report.source, report.table)
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in meta.items() if k != "quarantine_reasons"},
            "quarantine_reasons": dg.MetadataValue.json(meta["quarantine_reasons"]),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=RECONCILIATION,
                passed=report.reconciles,
                metadata={
                    k: meta[k] for k in ("records_in", "loaded", "quarantined", "duplicates")
                },
            ),
            dg.AssetCheckResult(
                check_name=LAKE_MATCHES_LEDGER, passed=lake.matches, metadata=lake.as_metadata()
            ),
        ],
    )
