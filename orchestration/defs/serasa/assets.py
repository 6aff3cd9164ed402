import dagster as dg

from ingestion.serasa import requests
from ingestion.serasa.config import load_config
from ingestion.serasa.execute import SOURCE, TABLE, execute
from ingestion.serasa.ledger import unknown_calls
from ingestion.serasa.legacy_ingest import ingest_legacy_archives
from ingestion.serasa.prices import TABLE as PRICES_TABLE
from ingestion.serasa.prices import write_prices
from ingestion.settings import get_settings
from orchestration.lib.ingest_asset import ingestion_asset
from orchestration.lib.load_date import LOAD_DATES
from orchestration.lib.serasa_checks import unknown_fields
from orchestration.lib.settings_asset import settings_file_asset

CALLS_KEY = dg.AssetKey([SOURCE, TABLE])
CALLS_QUARANTINE_KEY = dg.AssetKey(["quarentena", f"{SOURCE}_{TABLE}"])
UNKNOWN_FIELDS_MART = dg.AssetKey(["marts", "serasa_campos_desconhecidos"])

serasa_solicitacoes, serasa_solicitacoes_frescor = ingestion_asset(
    requests.SOURCE,
    requests.TABLE,
    lambda settings, load_date, progress, _tags: requests.ingest_requests(
        settings, load_date, progress
    ),
    "Serasa query requests from the CRM (JSON Lines in data/landing/serasa/solicitacoes) "
    "validated into the raw lake.",
)

serasa_configuracao = settings_file_asset(
    SOURCE,
    {PRICES_TABLE: "Prices per report and per optional feature (ALICERCE_SERASA_CONFIG_FILE)."},
    lambda settings: settings.serasa_config_file,
    load_config,
    lambda settings, config, load_date: write_prices(settings, config, load_date),
    lambda config: {
        "ambiente": config.ambiente,
        "chaves": len(config.chaves),
        "relatorios": len(config.relatorios),
    },
)


@dg.multi_asset(
    name="serasa__consultas",
    specs=[
        dg.AssetSpec(
            CALLS_KEY,
            deps=[dg.AssetKey([requests.SOURCE, requests.TABLE]), dg.AssetKey(["crm", "pessoas"])],
            kinds={"python", "parquet"},
            description=(
                "Serasa calls: the archived legacy answers (data/landing/serasa/legado) and the "
                "pending requests executed through the ledger against the JSON API (the local "
                "sandbox by default), one row per call with its raw answer."
            ),
        ),
        dg.AssetSpec(
            CALLS_QUARANTINE_KEY,
            kinds={"parquet"},
            description="Archived legacy answers the parser could not read, with the reason.",
        ),
    ],
    group_name=SOURCE,
    partitions_def=LOAD_DATES,
)
def serasa_consultas(context: dg.AssetExecutionContext):
    settings = get_settings()
    legacy = ingest_legacy_archives(settings, context.partition_key, context.log.info)
    legacy_meta = legacy.as_metadata()
    report = execute(
        settings, load_config(settings.serasa_config_file), context.partition_key, context.log.info
    )
    summary = report.as_dict()
    context.log.info(
        f"serasa: {summary['enviadas']} call(s) sent {summary['resultados']}, "
        f"{summary['logins']} login(s), {summary['pausas_429']} pause(s) on 429; "
        f"legacy: {legacy_meta['records_in']} answer(s) in = {legacy_meta['loaded']} loaded + "
        f"{legacy_meta['quarantined']} quarantined + {legacy_meta['duplicates']} duplicates"
    )
    yield dg.MaterializeResult(
        asset_key=CALLS_KEY,
        metadata={
            **{k: v for k, v in summary.items() if k != "resultados"},
            "resultados": dg.MetadataValue.json(summary["resultados"]),
            "legado_respostas": legacy_meta["records_in"],
            "legado_carregadas": legacy_meta["loaded"],
            "legado_duplicadas": legacy_meta["duplicates"],
            "legado_reconcilia": legacy.reconciles,
        },
    )
    yield dg.MaterializeResult(
        asset_key=CALLS_QUARANTINE_KEY,
        metadata={"quarantined": legacy_meta["quarantined"]},
    )


@dg.asset_check(
    asset=CALLS_KEY,
    name="consultas_desconhecidas",
    description=(
        "Calls whose outcome is unknown (a timeout after sending, a 5xx, a process that died "
        "mid-call) and no user has decided on: they may have been billed and are resent only by "
        "`alicerce serasa reenviar ID`."
    ),
)
def consultas_desconhecidas() -> dg.AssetCheckResult:
    unknown = unknown_calls(get_settings().state_db)
    return dg.AssetCheckResult(
        passed=not unknown,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "desconhecidas": len(unknown),
            "ids": dg.MetadataValue.json([row[0] for row in unknown[:50]]),
        },
    )


@dg.asset_check(
    asset=UNKNOWN_FIELDS_MART,
    name="campos_desconhecidos",
    description=(
        "Fields of the Serasa answers our models do not know: kept in the raw answer, counted "
        "here by path so the models can learn them."
    ),
)
def campos_desconhecidos() -> dg.AssetCheckResult:
    counts = unknown_fields(get_settings())
    return dg.AssetCheckResult(
        passed=not counts,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "campos": len(counts),
            "consultas_afetadas": sum(counts.values()),
            "por_campo": dg.MetadataValue.json(counts),
        },
    )
