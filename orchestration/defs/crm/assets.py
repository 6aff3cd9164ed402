"""One ingestion asset per CRM object: pull from CVDW (resuming), then load into the raw lake."""

from collections.abc import Callable, Mapping

from ingestion.accounting import IngestReport
from ingestion.crm.load import pull_and_ingest
from ingestion.crm.objects import OBJECTS, CrmObject
from ingestion.crm.pages import SOURCE
from ingestion.settings import Settings
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
