"""One ingestion asset per CRM object: pull from CVDW (resuming), then load into the raw lake."""

from collections.abc import Callable, Mapping

import dagster as dg

from ingestion import lake
from ingestion.accounting import IngestReport
from ingestion.crm.load import pull_and_ingest
from ingestion.crm.objects import OBJECTS, CrmObject
from ingestion.crm.pages import SOURCE
from ingestion.crm.pull import SWEEPS_SCHEMA, SWEEPS_TABLE, last_complete_sweep
from ingestion.settings import Settings, get_settings
from orchestration.lib.ingest_asset import ingestion_asset

# A run tagged with this pulls every row of each object instead of the changes since the last
# pull (the weekly sweep, orchestration/defs/crm/schedules.py).
SWEEP_TAG = "alicerce/crm_varredura"


def _ingest(table: str) -> Callable[[Settings, str, Callable[[str], None], Mapping], IngestReport]:
    def ingest(settings, load_date, progress, tags) -> IngestReport:
        sweep = tags.get(SWEEP_TAG) == "true"
        return pull_and_ingest(settings, table, load_date, progress, sweep=sweep)[1]

    return ingest


def _description(obj: CrmObject) -> str:
    origin = "the CRM's cessão endpoint (schema assumed)" if obj.assumed else "CVDW"
    return (
        f"CRM `{obj.path}` from {origin}: new and changed rows pulled page by page "
        f"(landing/crm/{obj.table}), loaded as versions into the raw lake."
    )


CRM_ASSETS = [
    ingestion_asset(SOURCE, obj.table, _ingest(obj.table), _description(obj)) for obj in OBJECTS
]
crm_assets = [asset for asset, _ in CRM_ASSETS]
crm_freshness_checks = [check for _, check in CRM_ASSETS]


@dg.asset(
    key=dg.AssetKey([SOURCE, SWEEPS_TABLE]),
    deps=[dg.AssetKey([SOURCE, obj.table]) for obj in OBJECTS],
    group_name=SOURCE,
    kinds={"python", "parquet"},
    description=(
        "What each CRM object's last complete sweep saw (raw/crm/varreduras, written by the "
        "sweeps themselves): staging marks rows the CRM no longer lists."
    ),
)
def crm_varreduras() -> dg.MaterializeResult:
    settings = get_settings()
    lake.ensure_schema_file(settings.raw_dir, SOURCE, SWEEPS_TABLE, SWEEPS_SCHEMA)
    last = {obj.table: last_complete_sweep(settings.state_db, obj.table) for obj in OBJECTS}
    return dg.MaterializeResult(
        metadata={
            f"ultima_varredura_{table}": at.isoformat() if at else "nunca"
            for table, at in last.items()
        }
    )
