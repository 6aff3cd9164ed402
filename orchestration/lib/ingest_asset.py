"""Every ingestion asset is built here the same way: one Dagster multi-asset per source table,
partitioned by load date, that writes the raw table and its quarantine (two assets, as dbt reads
them as two sources), with the reconciliation checks and a freshness check."""

from collections.abc import Callable, Mapping

import dagster as dg

from ingestion.accounting import IngestReport
from ingestion.quality import lake_reconciliation
from ingestion.settings import Settings, get_settings
from orchestration.lib.freshness import freshness_check
from orchestration.lib.load_date import LOAD_DATES

RECONCILIATION = "reconciliacao"
LAKE_MATCHES_LEDGER = "lago_confere_com_registro"

# (settings, load date, progress, the run's tags) -> the load's report
Ingest = Callable[[Settings, str, Callable[[str], None], Mapping[str, str]], IngestReport]


def _check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
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


def ingestion_asset(
    source: str, table: str, ingest: Ingest, description: str
) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """The multi-asset [source, table] + [quarentena, source_table], and its freshness check."""
    key = dg.AssetKey([source, table])
    quarantine_key = dg.AssetKey(["quarentena", f"{source}_{table}"])

    @dg.multi_asset(
        name=f"{source}__{table}",
        specs=[
            dg.AssetSpec(key, description=description, kinds={"python", "parquet"}),
            dg.AssetSpec(
                quarantine_key,
                description=f"Records of {source}/{table} rejected by ingestion, with the reason.",
                kinds={"parquet"},
            ),
        ],
        group_name=source,
        partitions_def=LOAD_DATES,
        check_specs=_check_specs(key),
    )
    def _ingest(context: dg.AssetExecutionContext):
        report = ingest(get_settings(), context.partition_key, context.log.info, context.run.tags)
        meta = report.as_metadata()
        context.log.info(
            f"{meta['source']}: {meta['files_ingested']} file(s), {meta['records_in']} in = "
            f"{meta['loaded']} loaded + {meta['quarantined']} quarantined + "
            f"{meta['duplicates']} duplicates; {meta['files_skipped']} file(s) already ingested"
        )
        lake = lake_reconciliation(get_settings(), source, table)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                **{k: v for k, v in meta.items() if k != "quarantine_reasons"},
                "quarantine_reasons": dg.MetadataValue.json(meta["quarantine_reasons"]),
            },
        )
        yield dg.MaterializeResult(
            asset_key=quarantine_key,
            metadata={"quarantined": meta["quarantined"], "rows_now": lake.quarantine_rows},
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=RECONCILIATION,
            passed=report.reconciles,
            metadata={k: meta[k] for k in ("records_in", "loaded", "quarantined", "duplicates")},
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=LAKE_MATCHES_LEDGER,
            passed=lake.matches,
            metadata=lake.as_metadata(),
        )

    return _ingest, freshness_check(key, f"{source}/{table}")
