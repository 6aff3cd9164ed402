import dagster as dg

from ingestion.quality import PUBLICATION
from ingestion.settings import get_settings
from orchestration.defs.dbt.assets import PROTOCOLS_KEY, alicerce_dbt_models
from orchestration.lib.freshness import freshness_check
from orchestration.lib.publish import publish

KEY = dg.AssetKey(["publicacao"])
MART_KEYS = sorted(
    [key for key in alicerce_dbt_models.keys if key.path[0] == "marts"] + [PROTOCOLS_KEY]
)


@dg.asset(
    key=KEY,
    deps=MART_KEYS,
    group_name="publicacao",
    description="Read-only copy of the marts for dashboards and `alicerce sql` (atomic swap).",
    kinds={"duckdb", "parquet"},
)
def publicacao(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    publication = publish(get_settings(), context.run.run_id)
    context.log.info(
        f"published {publication.file.name}: copied {publication.copied or 'nothing'}, "
        f"unchanged {publication.reused or 'nothing'}"
    )
    return dg.MaterializeResult(
        metadata={
            "file": str(publication.file),
            "marts_copied": publication.copied,
            "marts_unchanged": publication.reused,
        }
    )


publicacao_frescor = freshness_check(KEY, PUBLICATION)
