"""The configured prices as the lake's serasa/precos table, for dbt's cost per billed call."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ingestion import lake
from ingestion.serasa.config import SerasaConfig, price_rows
from ingestion.settings import Settings

SOURCE, TABLE = "serasa", "precos"
SCHEMA = pa.schema(
    [("item_tipo", pa.string()), ("item", pa.string()), ("preco", pa.decimal128(18, 2))]
)


def write_prices(settings: Settings, config: SerasaConfig, load_date: str) -> dict[str, Path]:
    rows = pa.Table.from_pylist(price_rows(config), SCHEMA)
    return {TABLE: lake.replace_snapshot(settings, SOURCE, TABLE, rows, load_date)}
