"""CVDW rows as JSON text, built column by column with polars.

A row frame holds, per field and in the CRM's field order, the JSON literal of each value: a quoted
string, a bare number, or `null`. A polars null means the key is absent from that row (a field the
API leaves out, or a defect). `json_lines` turns such a frame into one JSON object per row.
Catalog texts need no escaping (a test checks it), so quoting is enough.
"""

from __future__ import annotations

import polars as pl

from ingestion.demo.text import json_string


def text(name: str, value: pl.Expr | None = None) -> pl.Expr:
    """A string field (JSON null where the value is null)."""
    return json_string(pl.col(name) if value is None else value).alias(name)


def integer(name: str, value: pl.Expr | None = None) -> pl.Expr:
    """An integer field (JSON null where the value is null)."""
    source = pl.col(name) if value is None else value
    return source.cast(pl.Int64).cast(pl.String).fill_null("null").alias(name)


def optional_text(name: str, present: pl.Expr) -> pl.Expr:
    """A string field that only some rows carry (absent elsewhere)."""
    return pl.when(present).then(json_string(pl.col(name))).alias(name)


def quoted(values: pl.Series) -> pl.Series:
    """Text values (no nulls) as JSON string literals."""
    return pl.select(pl.lit('"') + pl.lit(values) + pl.lit('"')).to_series()


def json_lines(frame: pl.DataFrame) -> pl.Series:
    """One JSON object per row, keys in the frame's column order, absent keys left out.

    One concat_str over literal pieces and columns; only the columns that have nulls get a
    conditional piece (several times faster than one conditional member per column)."""
    pieces: list[pl.Expr] = [pl.lit("{")]
    for position, name in enumerate(frame.columns):
        key = pl.lit(f'{", " if position else ""}"{name}": ')
        if frame[name].null_count():
            pieces.append(key + pl.col(name))  # null where absent: the key goes too
        else:
            pieces += [key, pl.col(name)]
    line = pl.concat_str([*pieces, pl.lit("}")], ignore_nulls=True)
    if frame.width and frame[frame.columns[0]].null_count():
        line = line.str.replace(r"^\{, ", "{")  # the first key was absent
    return frame.select(line.alias("line")).to_series()


def id_list(values: pl.Expr, separator: str) -> pl.Expr:
    """Ids aggregated (in a group_by) into the CRM's comma-separated text: "168523,4322" or,
    with separator ", ", "4, 5, 29"."""
    return values.cast(pl.String).str.join(separator)
