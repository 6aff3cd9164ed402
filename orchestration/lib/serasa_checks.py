"""What the Serasa checks read: the unknown fields of the answers, counted by path."""

from __future__ import annotations

import duckdb

from ingestion.settings import Settings
from orchestration.lib.publish import mart_relation

UNKNOWN_FIELDS_MART = "serasa_campos_desconhecidos"


def unknown_fields(settings: Settings) -> dict[str, int]:
    """'path.field' -> how many answers carry it."""
    with duckdb.connect() as con:
        try:
            mart = mart_relation(settings, con, UNKNOWN_FIELDS_MART)
            rows = con.execute(
                f"""select caminho || '.' || campo, count(distinct id_consulta)
                    from {mart} group by 1 order by 2 desc, 1"""
            ).fetchall()
        except duckdb.IOException as error:
            if "No files found" not in str(error):
                raise
            return {}  # on Spark an empty mart has no files: nothing unknown
    return dict(rows)
