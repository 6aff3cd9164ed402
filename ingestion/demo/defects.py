"""Bad input mixed into the portal files, one kind per quarantine reason of docs/sources.md.

Every defect is an extra line: the valid events stay as they are, so the chains of changes remain
coherent and the counts reconcile (lines in = loadable + quarantined + duplicates). Each defect
line triggers exactly its own reason, the first that applies in the documented order.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo.catalog import CHANNELS, UNKNOWN_CHANGE_FIELDS, UNKNOWN_EVENT_TYPES
from ingestion.demo.clock import format_iso_with_offset, format_local_without_offset, local_month
from ingestion.demo.events import EVENT_COLUMNS, with_lines
from ingestion.demo.text import random_uuids

# Keys are the quarantine reasons (without their ':<value>' detail where it varies), plus
# 'duplicate' for exact repeats, which are counted and not loaded.
DEFECTS_PER_PERSON = {
    "invalid_json": 1 / 2000,
    "unknown_event_type": 1 / 2000,
    "missing_offset:occurred_at": 1 / 2000,
    "bad_type:idpessoa": 1 / 2000,
    "unknown_field": 1 / 2000,
    "conflict:event_id": 1 / 2000,
    "duplicate": 1 / 500,
}
DEFECT_KINDS = tuple(DEFECTS_PER_PERSON)


def defect_counts(people: int, events: int) -> dict[str, int]:
    """How many of each kind for a block: proportional, at least one, never more than events."""
    wanted = {kind: max(1, int(people * rate + 0.5)) for kind, rate in DEFECTS_PER_PERSON.items()}
    while sum(wanted.values()) > events and any(wanted.values()):
        for kind in reversed(DEFECT_KINDS):
            if wanted[kind] and sum(wanted.values()) > events:
                wanted[kind] -= 1
    return wanted


def defect_lines(
    rng: np.random.Generator, events: pl.DataFrame, people: int, last_month: int
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Defect lines (columns month, line) built from a block's valid events, and their counts.

    A conflict stays in its original's month file: both land in the same file, the original
    first, so "the earliest wins" keeps the original whatever order the files arrive in.
    A duplicate goes to the same file or to the next month's file (a late redelivery)."""
    counts = defect_counts(people, events.height)
    order = rng.permutation(events.height)
    sources: dict[str, pl.DataFrame] = {}
    taken = 0
    for kind in DEFECT_KINDS:
        sources[kind] = events[np.sort(order[taken : taken + counts[kind]])]
        taken += counts[kind]

    pieces = [
        _truncated(sources["invalid_json"]),
        _unknown_event_type(rng, sources["unknown_event_type"]),
        _without_offset(rng, sources["missing_offset:occurred_at"]),
        _idpessoa_as_text(rng, sources["bad_type:idpessoa"]),
        _unknown_field(rng, sources["unknown_field"]),
        _conflict(rng, sources["conflict:event_id"]),
        _duplicate(rng, sources["duplicate"], last_month),
    ]
    lines = pl.concat([piece.select("month", "line") for piece in pieces])
    return lines, counts


def _truncated(source: pl.DataFrame) -> pl.DataFrame:
    """A line cut in the middle, as when a writer dies: never a JSON object."""
    line = pl.col("line")
    return source.with_columns(line=line.str.slice(0, line.str.len_chars() // 2))


def _moved_later(rng: np.random.Generator, source: pl.DataFrame) -> tuple[np.ndarray, pl.Series]:
    """A moment shortly after each source event (a fresh event), and its timestamp text."""
    at = source["at"].to_numpy() + rng.integers(20, 300, source.height)
    return at, format_iso_with_offset(at, np.zeros(len(at), dtype=bool))


def _fresh(rng: np.random.Generator, source: pl.DataFrame, **columns) -> pl.DataFrame:
    at, occurred_at = _moved_later(rng, source)
    frame = source.select(EVENT_COLUMNS).with_columns(
        event_id=random_uuids(rng, source.height),
        at=pl.Series(at),
        month=pl.Series(local_month(at)),
        occurred_at=occurred_at,
        changes=pl.lit(None, dtype=pl.String),
        event_type=pl.lit("login"),
    )
    return with_lines(frame.with_columns(**columns))


def _unknown_event_type(rng: np.random.Generator, source: pl.DataFrame) -> pl.DataFrame:
    types = pl.Series(UNKNOWN_EVENT_TYPES).gather(
        rng.integers(0, len(UNKNOWN_EVENT_TYPES), source.height)
    )
    return _fresh(rng, source, event_type=types)


def _without_offset(rng: np.random.Generator, source: pl.DataFrame) -> pl.DataFrame:
    frame = _fresh(rng, source)
    local = format_local_without_offset(frame["at"].to_numpy())
    return with_lines(frame.with_columns(occurred_at=local))


def _idpessoa_as_text(rng: np.random.Generator, source: pl.DataFrame) -> pl.DataFrame:
    return _fresh(rng, source, idpessoa=pl.lit('"') + pl.col("idpessoa") + pl.lit('"'))


def _unknown_field(rng: np.random.Generator, source: pl.DataFrame) -> pl.DataFrame:
    chosen = rng.integers(0, len(UNKNOWN_CHANGE_FIELDS), source.height)
    changes = pl.Series(
        [
            f'[{{"campo": "{campo}", "valor_anterior": "{before}", "valor_novo": "{after}"}}]'
            for campo, before, after in UNKNOWN_CHANGE_FIELDS
        ]
    ).gather(chosen)
    return _fresh(rng, source, event_type=pl.lit("update_completed"), changes=changes)


def _conflict(rng: np.random.Generator, source: pl.DataFrame) -> pl.DataFrame:
    """Same event_id, another channel: the same key with different content."""
    current = source["channel"].replace_strict(CHANNELS, list(range(len(CHANNELS)))).to_numpy()
    other = (current + rng.integers(1, len(CHANNELS), source.height)) % len(CHANNELS)
    return with_lines(source.with_columns(channel=pl.Series(CHANNELS).gather(other)))


def _duplicate(rng: np.random.Generator, source: pl.DataFrame, last_month: int) -> pl.DataFrame:
    later = rng.random(source.height) < 0.5
    return source.with_columns(
        month=pl.when(pl.Series(later) & (pl.col("month") < last_month))
        .then(pl.col("month") + 1)
        .otherwise(pl.col("month"))
    )
