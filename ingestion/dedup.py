"""Duplicates and conflicts for keyed records (DESIGN.md, "Input accounting").

An exact repeat of a key already seen (in the lake or earlier in the file) is a duplicate; the same
key with other content is a conflict, and the earliest record stays.
"""

from __future__ import annotations

import duckdb


def create_seen_table(
    con: duckdb.DuckDBPyConnection, key_columns: list[str], lake_glob: str
) -> None:
    """Keys already in the lake (the glob always matches: the lake keeps a schema file)."""
    con.execute(
        f"create or replace temp table seen as select distinct {', '.join(key_columns)}, "
        f"content_hash from read_parquet(?, union_by_name = true)",
        [lake_glob],
    )


def classify(con: duckdb.DuckDBPyConnection, valid_relation: str, key_columns: list[str]) -> None:
    """Create temp table `classified`: the valid rows with outcome loaded/duplicate/conflict."""
    keys = ", ".join(f"v.{k}" for k in key_columns)
    join = " and ".join(f"s.{k} = v.{k}" for k in key_columns)
    con.execute(
        f"""
        create or replace temp table classified as
        with ranked as (
            select v.*, s.content_hash as seen_hash,
                row_number() over (partition by {keys} order by v.line_no) as rn,
                first_value(v.content_hash) over (partition by {keys} order by v.line_no)
                    as first_hash
            from {valid_relation} as v
            left join seen as s on {join}
        )
        select * exclude (seen_hash, rn, first_hash),
            case
                when seen_hash is null and rn = 1 then 'loaded'
                when content_hash = coalesce(seen_hash, first_hash) then 'duplicate'
                else 'conflict'
            end as outcome
        from ranked
        """
    )
    con.execute(
        f"insert into seen select {', '.join(key_columns)}, content_hash "
        f"from classified where outcome = 'loaded'"
    )
