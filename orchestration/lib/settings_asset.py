"""Settings files that dbt judges by (the update campaign, the re-engagement segments) become
lake tables the same way: one Dagster multi-asset per file, partitioned by load date, that
validates the file and writes its tables. An invalid file fails the run with the file's own
message, before dbt judges anything by it."""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from ingestion.settings import Settings, get_settings
from orchestration.lib.load_date import LOAD_DATES


def settings_file_asset(
    source: str,
    tables: Mapping[str, str],
    path_of: Callable[[Settings], Path],
    load: Callable[[Path], Any],
    write: Callable[[Settings, Any, str], dict[str, Path]],
    describe: Callable[[Any], dict[str, Any]],
) -> dg.AssetsDefinition:
    """`tables`: lake table -> its description (the first one names the asset); `load` validates
    the file, `write` writes the tables of a load date, `describe` gives the run's metadata."""
    first = next(iter(tables))

    @dg.multi_asset(
        name=f"{source}__{first}",
        specs=[
            dg.AssetSpec([source, table], description=description, kinds={"python", "parquet"})
            for table, description in tables.items()
        ],
        group_name=source,
        partitions_def=LOAD_DATES,
    )
    def _asset(context: dg.AssetExecutionContext):
        settings = get_settings()
        path = path_of(settings)
        content = load(path)
        for table, written in write(settings, content, context.partition_key).items():
            yield dg.MaterializeResult(
                asset_key=[source, table],
                metadata={
                    "arquivo": dg.MetadataValue.path(str(path)),
                    **describe(content),
                    "parquet": dg.MetadataValue.path(str(written)),
                },
            )

    return _asset
