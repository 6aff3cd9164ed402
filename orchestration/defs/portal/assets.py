from ingestion.portal.events import SOURCE, TABLE, ingest_portal_events
from orchestration.lib.ingest_asset import ingestion_asset

portal_eventos, portal_eventos_frescor = ingestion_asset(
    SOURCE,
    TABLE,
    ingest_portal_events,
    "Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
)
