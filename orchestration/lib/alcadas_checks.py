"""What the alçada checks read: the empreendimentos and price tables the CRM's raw lake knows (a
rule naming another one is reported), and the series names the marts could not judge."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion import lake
from ingestion.settings import Settings
from orchestration.lib.publish import mart_relation

APPROVAL_MART = "alcadas_aprovacao"


def known_scopes(settings: Settings) -> tuple[set[int], set[int]]:
    """(idempreendimento, idtabela) seen in the CRM's units and reservations, every version."""
    with duckdb.connect() as con:
        empreendimentos: set[int] = set()
        tabelas: set[int] = set()
        for table, columns in (
            ("unidades", {"idempreendimento": empreendimentos}),
            ("reservas", {"idempreendimento": empreendimentos, "idtabela": tabelas}),
        ):
            if not lake.has_files(settings.raw_dir, "crm", table):
                continue
            for column, ids in columns.items():
                rows = con.execute(
                    f"""select distinct try_cast({column} as bigint)
                    from read_parquet(?, union_by_name = true) where {column} is not null""",
                    [lake.table_glob(settings.raw_dir, "crm", table)],
                ).fetchall()
                ids.update(value for (value,) in rows if value is not None)
        return empreendimentos, tabelas


@dataclass(frozen=True)
class UnjudgedSeries:
    reservations: int  # with an unknown series name
    names: dict[str, int]  # unknown name -> reservations carrying it
    unreadable: int  # reservations with a series row that could not be read


def unjudged_series(settings: Settings) -> UnjudgedSeries:
    with duckdb.connect() as con:
        mart = mart_relation(settings, con, APPROVAL_MART)
        ((reservations, unreadable),) = con.execute(
            f"""select count(*) filter (where series_desconhecidas is not null),
                count(*) filter (where series_ilegiveis > 0)
            from {mart}"""
        ).fetchall()
        names = con.execute(
            f"""select trim(nome), count(*) from {mart},
                unnest(string_split(series_desconhecidas, ', ')) as t(nome)
            group by 1 order by 2 desc, 1"""
        ).fetchall()
        return UnjudgedSeries(reservations, dict(names), unreadable)
