from ingestion.portal.events import SOURCE, TABLE, ingest_portal_events
from orchestration.lib.ingest_asset import ingestion_asset

portal_eventos, portal_eventos_frescor = ingestion_asset(
    SOURCE,
    TABLE,
    lambda settings, load_date, progress, _tags: ingest_portal_events(
        settings, load_date, progress
    ),
    "Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
)
