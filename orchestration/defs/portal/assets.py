from ingestion.portal.campaign import (
    FIELDS_TABLE,
    SOURCE,
    VERSIONS_TABLE,
    load_campaign,
    write_campaign,
)
from ingestion.portal.events import SOURCE as EVENTS_SOURCE
from ingestion.portal.events import TABLE, ingest_portal_events
from orchestration.lib.ingest_asset import ingestion_asset
from orchestration.lib.settings_asset import settings_file_asset

portal_eventos, portal_eventos_frescor = ingestion_asset(
    EVENTS_SOURCE,
    TABLE,
    lambda settings, load_date, progress, _tags: ingest_portal_events(
        settings, load_date, progress
    ),
    "Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
)


portal_campanha = settings_file_asset(
    SOURCE,
    {
        VERSIONS_TABLE: "The update campaign's versions (ALICERCE_CAMPAIGN_FILE), one row each.",
        FIELDS_TABLE: "The tracked fields the portal's form shows, per campaign version.",
    },
    lambda settings: settings.campaign_file,
    load_campaign,
    write_campaign,
    lambda campaign: {"versoes": len(campaign.versoes)},
)
