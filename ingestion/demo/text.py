"""Text building blocks: fixed-width ASCII assembled with numpy, JSON literals with polars."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa


def ascii_digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded: shape (n, width), dtype uint8."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(values, dtype=np.int64)[:, None] // powers) % 10 + ord("0")).astype(
        np.uint8
    )


def fixed_width_strings(rows: np.ndarray) -> pl.Series:
    """A polars String series from an (n, width) uint8 matrix of ASCII, without a Python loop
    (building millions of Python strings would dominate the run time)."""
    count, width = rows.shape
    data = np.ascontiguousarray(rows, dtype=np.uint8)
    offsets = np.arange(0, width * (count + 1), width, dtype=np.int64)
    array = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))
    return pl.Series(pl.from_arrow(array)).cast(pl.String)


def zero_padded(values: np.ndarray, width: int) -> pl.Series:
    return fixed_width_strings(ascii_digits(values, width))


def json_string(expr: pl.Expr) -> pl.Expr:
    """A JSON string literal, or null. Catalog texts hold no quote, backslash or control
    character (a test checks it), so quoting is enough."""
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(pl.lit('"') + expr + pl.lit('"'))


def random_uuids(rng: np.random.Generator, count: int) -> pl.Series:
    """Version-4 UUID text ('1f0c...-4...-a...-...') from the generator's own random stream."""
    raw = np.frombuffer(rng.bytes(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hex_digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    nibbles = np.empty((count, 32), dtype=np.uint8)
    nibbles[:, 0::2] = hex_digits[raw >> 4]
    nibbles[:, 1::2] = hex_digits[raw & 0x0F]
    rows = np.full((count, 36), ord("-"), dtype=np.uint8)
    for start, end, source in ((0, 8, 0), (9, 13, 8), (14, 18, 12), (19, 23, 16), (24, 36, 20)):
        rows[:, start:end] = nibbles[:, source : source + end - start]
    return fixed_width_strings(rows)


def money_text(cents: pl.Expr) -> pl.Expr:
    """An amount in cents as the CRM's text: US decimal point, two decimals ("350000.00")."""
    return (cents // 100).cast(pl.String) + pl.lit(".") + (cents % 100).cast(pl.String).str.zfill(2)


def income_text(cents: pl.Expr, short_zero: pl.Expr) -> pl.Expr:
    """An income as the CRM's text; not informed is "0" where short_zero, else "0.00"."""
    zero = pl.when(short_zero).then(pl.lit("0")).otherwise(pl.lit("0.00"))
    return pl.when(cents > 0).then(money_text(cents)).otherwise(zero)
