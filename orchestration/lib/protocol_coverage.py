"""Survey protocol coverage, read from the freshly built mart (either engine) and the raw lake:
every dispatch the lake holds must have a row with a protocol."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion import lake
from ingestion.settings import Settings
from ingestion.surveys.dispatches import SOURCE, TABLE
from orchestration.lib.publish import mart_relation

MART = "protocolos_pesquisa"


@dataclass(frozen=True)
class Coverage:
    dispatches: int  # in the raw lake
    linked: int  # rows of the mart with a protocol
    without_protocol: int  # lake dispatches with no row, or a row without a protocol
    by_origin: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.without_protocol == 0


def protocol_coverage(settings: Settings) -> Coverage:
    with duckdb.connect() as con:
        mart = mart_relation(settings, con, MART)
        dispatches = lake.table_glob(settings.raw_dir, SOURCE, TABLE)
        ((total, linked, without),) = con.execute(
            f"""
            with envios as (
                select distinct idenvio from read_parquet(?, union_by_name = true)
                where idenvio is not null
            )
            select
                count(*),
                count(m.protocolo),
                count(*) filter (where m.protocolo is null or trim(m.protocolo) = '')
            from envios left join {mart} as m using (idenvio)
            """,
            [dispatches],
        ).fetchall()
        by_origin = dict(
            con.execute(
                f"select origem_protocolo, count(*) from {mart} group by 1 order by 1"
            ).fetchall()
        )
    return Coverage(total, linked, without, by_origin)
