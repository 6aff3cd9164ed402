"""The CRM sandbox dataset: one JSON Lines file per CRM object, `<crm_dir>/<table>.jsonl`.

Each line is one API row as the CVDW API sends it inside `dados`. Lines sharing a `referencia` are
versions of one row; the sandbox serves the latest whose `referencia_data` is at or before its
clock. Files are replaced whole by each generation and appended block by block.

With defects on, each block adds a few rows that ingestion cannot key, copied from valid rows of the
same block (the valid rows stay as they are): one without `referencia`, and one whose own id is not
a number (under a fresh `referencia` that no valid row uses, so it never shadows a valid version).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from ingestion.crm.objects import BY_TABLE, OBJECTS
from ingestion.demo.cvdw_rows import json_lines

DEFECT_RATE = 1 / 2000  # per kind and per valid row; at least one of each where rows exist
DEFECT_KINDS = ("missing_field:referencia", "bad_type:id")
FIRST_FRESH_ID = 9_000_000_001  # beyond every generated id


def sandbox_path(crm_dir: Path, table: str) -> Path:
    return Path(crm_dir) / f"{table}.jsonl"


class SandboxFiles:
    """Appends rows to the object files and counts them (lines written, and defects among them)."""

    def __init__(self, crm_dir: Path) -> None:
        self.crm_dir = Path(crm_dir)
        self.crm_dir.mkdir(parents=True, exist_ok=True)
        for obj in OBJECTS:  # every object gets its file, even with no rows
            sandbox_path(self.crm_dir, obj.table).write_bytes(b"")
        self.rows = {obj.table: 0 for obj in OBJECTS}
        self.defects = {obj.table: 0 for obj in OBJECTS}
        self._next_fresh = FIRST_FRESH_ID

    def append(self, table: str, frame: pl.DataFrame, rng: np.random.Generator | None) -> None:
        """Writes the rows of `frame` (JSON literals, see cvdw_rows); with `rng`, defects too."""
        if not frame.height:
            return
        parts = [frame]
        if rng is not None:
            bad = self._defects(table, frame, rng)
            parts.append(bad)
            self.defects[table] += bad.height
        lines = pl.concat([json_lines(part) for part in parts])
        with sandbox_path(self.crm_dir, table).open("ab") as file:
            lines.to_frame().write_csv(file, include_header=False, quote_style="never")
        self.rows[table] += len(lines)

    def _defects(self, table: str, frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        count = max(1, int(frame.height * DEFECT_RATE + 0.5))
        chosen = np.sort(rng.choice(frame.height, size=min(2 * count, frame.height), replace=False))
        missing = frame[chosen[::2]].with_columns(referencia=pl.lit(None, dtype=pl.String))
        unkeyed = frame[chosen[1::2]]
        fresh = np.arange(self._next_fresh, self._next_fresh + unkeyed.height).astype(str)
        self._next_fresh += unkeyed.height
        reference = pl.col("referencia")
        fresh_text = pl.Series("fresh", fresh)
        fresh_reference = (
            pl.when(reference.str.starts_with('"'))
            .then(
                pl.lit('"')
                + fresh_text
                + pl.when(reference.str.contains("_")).then(pl.lit("_1")).otherwise(pl.lit(""))
                + pl.lit('"')
            )
            .otherwise(fresh_text)
        )
        id_field = BY_TABLE[table].id_field
        unkeyed = unkeyed.with_columns(
            referencia=fresh_reference,
            **{id_field: pl.lit('"') + fresh_text + pl.lit('x"')},  # "9000000001x": not a number
        )
        return pl.concat([missing, unkeyed])
