"""Duplicates and conflicts for keyed records (DESIGN.md, "Input accounting").

An exact repeat of a key already seen (in the lake or earlier in the batch) is a duplicate; the same
key with other content is a conflict, and the earliest record stays.
"""

from __future__ import annotations

import duckdb


def classify(
    con: duckdb.DuckDBPyConnection,
    valid_relation: str,
    key_columns: list[str],
    lake_glob: str,
    order_by: str = "file_no, line_no",
) -> None:
    """Create temp table `classified`: the valid rows with outcome loaded/duplicate/conflict.

    `valid_relation` has the key columns, `content_hash` and the `order_by` columns (arrival order:
    file, then line). Only the lake's rows with this batch's keys are read (the lake always matches
    the glob: it keeps a schema file), so memory follows the batch, not the lake.
    """
    keys = ", ".join(key_columns)
    v_keys = ", ".join(f"v.{k}" for k in key_columns)
    join = " and ".join(f"s.{k} = v.{k}" for k in key_columns)
    con.execute(
        f"""
        create or replace temp table seen as
        select {keys}, any_value(content_hash) as content_hash
        from read_parquet(?, union_by_name = true)
        semi join (select distinct {keys} from {valid_relation}) using ({keys})
        group by {keys}
        """,
        [lake_glob],
    )
    con.execute(
        f"""
        create or replace temp table classified as
        with ranked as (
            select v.*, s.content_hash as seen_hash,
                row_number() over (partition by {v_keys} order by {order_by}) as rn,
                first_value(v.content_hash) over (partition by {v_keys} order by {order_by})
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
