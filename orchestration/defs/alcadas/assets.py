import dagster as dg

from ingestion.alcadas.rules import RULES_TABLE, SERIES_TABLE, SOURCE, load_rules, write_rules
from ingestion.settings import get_settings
from orchestration.lib.alcadas_checks import APPROVAL_MART, known_scopes, unjudged_series
from orchestration.lib.settings_asset import settings_file_asset

alcadas_regras = settings_file_asset(
    SOURCE,
    {
        RULES_TABLE: (
            "Alçada rules (ALICERCE_ALCADA_RULES_FILE): scope, effective date and cycles, one "
            "row per rule version and cycle."
        ),
        SERIES_TABLE: "Payment-flow series names: periodicity, bank-paid, whether they count.",
    },
    lambda settings: settings.alcada_rules_file,
    load_rules,
    write_rules,
    lambda rules: {"regras": len(rules.regras), "series": len(rules.series)},
)


@dg.asset_check(
    asset=dg.AssetKey([SOURCE, RULES_TABLE]),
    name="escopos_conhecidos",
    description=(
        "Every rule's empreendimento and price table exist in the CRM (units and reservations "
        "pulled so far). A warning, not a refusal: a rule may be set before a launch's first sale."
    ),
)
def escopos_conhecidos() -> dg.AssetCheckResult:
    settings = get_settings()
    empreendimentos, tabelas = known_scopes(settings)
    problems = load_rules(settings.alcada_rules_file).unknown_scopes(empreendimentos, tabelas)
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(problems) or None,
        metadata={"escopos_desconhecidos": len(problems)},
    )


@dg.asset_check(
    asset=dg.AssetKey(["marts", APPROVAL_MART]),
    name="series_conhecidas",
    description=(
        "Every payment-flow series has a name the rules file knows and readable values; the "
        "others are left out of the cycles, so their reservations are judged on less."
    ),
)
def series_conhecidas() -> dg.AssetCheckResult:
    found = unjudged_series(get_settings())
    return dg.AssetCheckResult(
        passed=found.reservations == 0 and found.unreadable == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reservas_com_serie_desconhecida": found.reservations,
            "reservas_com_serie_ilegivel": found.unreadable,
            "series_desconhecidas": dg.MetadataValue.json(found.names),
        },
    )
