"""Portal events as JSON Lines text, following docs/sources.md ("Portal events")."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo.catalog import APP_VERSIONS, CHANNELS
from ingestion.demo.clock import format_iso_with_offset, local_month, to_local
from ingestion.demo.people import Population
from ingestion.demo.text import random_uuids
from ingestion.demo.timeline import EVENT_TYPES, Activity

UTC_SHARE = 0.05  # events whose occurred_at is written in UTC with "Z"
APP_CHANNELS = {"app_android", "app_ios"}  # these also send an app_version (an ignored key)

# Columns of an event frame; `line` is built from them by event_line().
EVENT_COLUMNS = (
    "event_id",
    "event_type",
    "idpessoa",  # JSON text of the value: 1042, or "1042" for a broken client
    "occurred_at",
    "channel",
    "app_version",
    "changes",
    "at",
    "month",
)


def event_frame(
    rng: np.random.Generator, activity: Activity, population: Population
) -> pl.DataFrame:
    """One row per event, in time order, with the text of every field and the JSON line."""
    events = activity.events.sort(["at", "person", "kind"])
    at = events["at"].to_numpy()
    person = events["person"].to_numpy()
    frame = pl.DataFrame(
        {
            "event_id": random_uuids(rng, len(at)),
            "event_type": pl.Series(EVENT_TYPES).gather(events["kind"].cast(pl.Int64)),
            "idpessoa": pl.Series(population.idpessoa[person]).cast(pl.String),
            "occurred_at": format_iso_with_offset(at, rng.random(len(at)) < UTC_SHARE),
            "channel": pl.Series(CHANNELS).gather(events["channel"].cast(pl.Int64)),
            "app_version": _app_versions(at),
            "changes": events["changes"],
            "at": at,
            "month": local_month(at),
        }
    )
    return with_lines(frame)


def _app_versions(at: np.ndarray) -> pl.Series:
    """The app version in use at each instant: a new release every two years or so."""
    year = to_local(at).astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    release = np.clip((year - 2017) // 2, 0, len(APP_VERSIONS) - 1)
    return pl.Series(APP_VERSIONS).gather(release)


def with_lines(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(line=event_line())


def event_line() -> pl.Expr:
    # Literal pieces and existing columns only, so the line is built in one pass over the frame.
    return pl.concat_str(
        [
            pl.lit('{"event_id": "'),
            pl.col("event_id"),
            pl.lit('", "event_type": "'),
            pl.col("event_type"),
            pl.lit('", "idpessoa": '),
            pl.col("idpessoa"),
            pl.lit(', "occurred_at": "'),
            pl.col("occurred_at"),
            pl.lit('", "channel": "'),
            pl.col("channel"),
            pl.lit('"'),
            pl.when(pl.col("channel").is_in(sorted(APP_CHANNELS))).then(
                pl.format(', "app_version": "{}"', pl.col("app_version"))
            ),
            pl.when(pl.col("changes").is_not_null()).then(
                pl.format(', "changes": {}', pl.col("changes"))
            ),
            pl.lit("}"),
        ],
        ignore_nulls=True,
    )
