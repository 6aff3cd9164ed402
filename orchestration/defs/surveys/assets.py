import dagster as dg

from ingestion.settings import get_settings
from ingestion.surveys.dispatches import SOURCE, TABLE, ingest_dispatches
from ingestion.surveys.triggers import TABLE as TRIGGERS_TABLE
from ingestion.surveys.triggers import load_triggers, write_triggers
from orchestration.defs.dbt.assets import PROTOCOLS_KEY
from orchestration.lib.ingest_asset import ingestion_asset
from orchestration.lib.protocol_coverage import protocol_coverage
from orchestration.lib.settings_asset import settings_file_asset

pesquisas_envios, pesquisas_envios_frescor = ingestion_asset(
    SOURCE,
    TABLE,
    lambda settings, load_date, progress, _tags: ingest_dispatches(settings, load_date, progress),
    "Survey dispatch log (JSON Lines in data/landing/pesquisas) validated into the raw lake.",
)

pesquisas_gatilhos = settings_file_asset(
    SOURCE,
    {
        TRIGGERS_TABLE: (
            "Survey triggers (ALICERCE_SURVEY_TRIGGERS_FILE): record type, triggering event "
            "and window per gatilho, one row each."
        )
    },
    lambda settings: settings.survey_triggers_file,
    load_triggers,
    write_triggers,
    lambda triggers: {"gatilhos": len(triggers.gatilhos)},
)


@dg.asset_check(
    asset=PROTOCOLS_KEY,
    name="todo_envio_tem_protocolo",
    description=(
        "Every dispatch in the raw lake has a row with a protocol; the metadata gives the "
        "coverage by origem_protocolo."
    ),
    blocking=True,
)
def todo_envio_tem_protocolo() -> dg.AssetCheckResult:
    coverage = protocol_coverage(get_settings())
    return dg.AssetCheckResult(
        passed=coverage.complete,
        metadata={
            "envios": coverage.dispatches,
            "sem_protocolo": coverage.without_protocol,
            **{f"origem_{origin}": count for origin, count in coverage.by_origin.items()},
        },
    )
