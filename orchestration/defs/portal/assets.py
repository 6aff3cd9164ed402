import dagster as dg

from ingestion.portal.campaign import (
    FIELDS_TABLE,
    SOURCE,
    VERSIONS_TABLE,
    load_campaign,
    write_campaign,
)
from ingestion.portal.events import SOURCE as EVENTS_SOURCE
from ingestion.portal.events import TABLE, ingest_portal_events
from ingestion.settings import get_settings
from orchestration.lib.ingest_asset import ingestion_asset
from orchestration.lib.load_date import LOAD_DATES

portal_eventos, portal_eventos_frescor = ingestion_asset(
    EVENTS_SOURCE,
    TABLE,
    lambda settings, load_date, progress, _tags: ingest_portal_events(
        settings, load_date, progress
    ),
    "Portal events (JSON Lines in data/landing/portal) validated into the raw lake.",
)


@dg.multi_asset(
    name=f"{SOURCE}__{VERSIONS_TABLE}",
    specs=[
        dg.AssetSpec(
            [SOURCE, VERSIONS_TABLE],
            description="The update campaign's versions (ALICERCE_CAMPAIGN_FILE), one row each.",
            kinds={"python", "parquet"},
        ),
        dg.AssetSpec(
            [SOURCE, FIELDS_TABLE],
            description="The tracked fields the portal's form shows, per campaign version.",
            kinds={"parquet"},
        ),
    ],
    group_name=SOURCE,
    partitions_def=LOAD_DATES,
)
def portal_campanha(context: dg.AssetExecutionContext):
    """The campaign settings, validated, as the lake's snapshot of this load date: an invalid file
    fails the run with the file's own message, before dbt judges anything by it."""
    settings = get_settings()
    campaign = load_campaign(settings.campaign_file)
    files = write_campaign(settings, campaign, context.partition_key)
    for table, path in files.items():
        yield dg.MaterializeResult(
            asset_key=[SOURCE, table],
            metadata={
                "arquivo": dg.MetadataValue.path(str(settings.campaign_file)),
                "versoes": len(campaign.versoes),
                "parquet": dg.MetadataValue.path(str(path)),
            },
        )
