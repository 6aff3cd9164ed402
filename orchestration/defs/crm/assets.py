from ingestion.crm.pessoas import SOURCE, TABLE, ingest_pessoas_pages
from orchestration.lib.ingest_asset import ingestion_asset

crm_pessoas, crm_pessoas_frescor = ingestion_asset(
    SOURCE,
    TABLE,
    ingest_pessoas_pages,
    "CRM people (CVDW `pessoas` pages in data/landing/crm/pessoas) into the raw lake.",
)
