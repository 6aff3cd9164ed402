import dagster as dg

from ingestion.settings import get_settings
from orchestration.lib.publish import publish

MART_KEYS = [dg.AssetKey(["marts", "alteracoes_cadastrais"])]


@dg.asset(
    key=["publicacao"],
    deps=MART_KEYS,
    group_name="publicacao",
    description="Read-only copy of the marts for dashboards and `alicerce sql` (atomic swap).",
    kinds={"duckdb"},
)
def publicacao(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    target = publish(get_settings(), context.run.run_id)
    context.log.info(f"published {target.name}")
    return dg.MaterializeResult(metadata={"file": str(target)})
