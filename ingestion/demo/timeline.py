"""Portal activity over time: logins, and the periodic update prompt with its outcome.

Simulated for a whole block of people at once. The only Python loop runs over the login ordinal
(first login of everyone, then second login of everyone, ...), because whether a login is due for
the update depends on the outcome of the previous ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from ingestion.demo.clock import (
    DAY,
    day_number,
    epoch_of_local,
    local_day,
    local_month,
    local_to_epoch,
    previous_month_start,
    to_local,
)
from ingestion.demo.people import EVENTS_START, Population
from ingestion.demo.updates import ChangeLog, complete_updates
from ingestion.portal.campaign import Campaign, load_campaign
from ingestion.settings import Settings

LOGIN, PROMPT, DECLINED, COMPLETED = 0, 1, 2, 3
EVENT_TYPES = ("login", "update_prompt_shown", "update_declined", "update_completed")


MAX_LOGINS = 24  # regular logins per person, before the special ones below
MIN_LOGIN_GAP = 3_600  # a session (prompt, then the answer) ends well within an hour
STILL_ACTIVE = 0.45  # share of portal users still logging in at the end
RECENT_LOGIN = 0.35  # of those, share with an extra login in the last two months
MONTH_END_LOGIN = 0.04  # share with a login at 23:30 on a month's last day
NEVER_LOGGED_IN = 0.08
NO_ANSWER = 0.12  # prompted, then closed the portal without declining or completing


@dataclass
class Activity:
    events: pl.DataFrame  # person (position in block), kind, at (epoch s), channel, changes
    pessoas_changed_at: np.ndarray  # last instant the CRM `pessoas` row changed
    contatos_changed_at: np.ndarray  # last instant the first contact (celular, email) changed
    completed_updates: int
    change_entries: int


def simulate(rng: np.random.Generator, population: Population, until: date) -> Activity:
    logins = draw_logins(rng, population, until)
    # The simulated portal follows the campaign file the pipeline judges it by.
    campaign = _CampaignTable(load_campaign(Settings().campaign_file))
    n = len(population)
    last_completed_day = np.full(n, -(10**9), dtype=np.int64)
    pessoas_changed_at = population.registered_at.copy()
    contatos_changed_at = population.registered_at.copy()
    frames: list[pl.DataFrame] = []
    log = ChangeLog()
    for ordinal in range(logins.shape[1]):
        who = np.flatnonzero(logins[:, ordinal] < _NO_LOGIN)
        if not len(who):
            break
        login_at = logins[who, ordinal]
        channel = np.where(
            rng.random(len(who)) < 0.85, population.channel[who], rng.integers(0, 3, len(who))
        )
        frames.append(_events(who, LOGIN, login_at, channel))

        due = campaign.due(local_day(login_at), last_completed_day[who])
        prompted = who[due]
        prompt_at = login_at[due] + rng.integers(1, 5, len(prompted))
        prompt_channel = channel[due]
        frames.append(_events(prompted, PROMPT, prompt_at, prompt_channel))

        answer = rng.random(len(prompted))
        diligence = population.diligence[prompted]
        completes = answer < diligence
        declines = ~completes & (answer < diligence + (1 - diligence) * (1 - NO_ANSWER))
        declined_at = prompt_at[declines] + rng.integers(2, 46, int(declines.sum()))
        frames.append(_events(prompted[declines], DECLINED, declined_at, prompt_channel[declines]))

        completers = prompted[completes]
        completed_at = prompt_at[completes] + rng.integers(40, 901, len(completers))
        update_ids, touched, touched_contact = complete_updates(
            population.registration, rng, completers, log
        )
        frames.append(
            _events(completers, COMPLETED, completed_at, prompt_channel[completes], update_ids)
        )
        last_completed_day[completers] = local_day(completed_at)
        pessoas_changed_at[completers[touched]] = completed_at[touched]
        contatos_changed_at[completers[touched_contact]] = completed_at[touched_contact]

    nobody = np.zeros(0, dtype=np.int64)
    events = pl.concat(frames) if frames else _events(nobody, LOGIN, nobody, nobody)
    changes = log.render()
    events = events.join(changes.select("update", "changes"), on="update", how="left").drop(
        "update"
    )
    return Activity(
        events,
        pessoas_changed_at,
        contatos_changed_at,
        log.updates,
        int(changes["entries"].sum()),
    )


def _events(
    person: np.ndarray,
    kind: int,
    at: np.ndarray,
    channel: np.ndarray,
    update_ids: np.ndarray | None = None,
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person": pl.Series(person, dtype=pl.Int64),
            "kind": pl.Series(np.full(len(person), kind), dtype=pl.Int8),
            "at": pl.Series(at, dtype=pl.Int64),
            "channel": pl.Series(channel, dtype=pl.Int8),
            "update": pl.Series(update_ids, dtype=pl.Int64)
            if update_ids is not None
            else pl.repeat(None, len(person), dtype=pl.Int64, eager=True),
        }
    )


class _CampaignTable:
    """The campaign's versions as arrays, to judge many logins at once."""

    def __init__(self, campaign: Campaign) -> None:
        versions = campaign.versoes
        self.starts = np.array([day_number(v.vigente_desde) for v in versions], dtype=np.int64)
        self.enabled = np.array([v.habilitada for v in versions])
        self.frequency = np.array([v.frequencia_dias or 0 for v in versions], dtype=np.int64)
        self.activation = np.array(
            [day_number(v.ativacao) if v.ativacao else 0 for v in versions], dtype=np.int64
        )

    def due(self, login_day: np.ndarray, last_completed_day: np.ndarray) -> np.ndarray:
        """A login is due when the feature is on and the person has not completed an update
        since this activation, or their last one is at least `frequency` calendar days old."""
        period = np.searchsorted(self.starts, login_day, side="right") - 1
        known = period >= 0
        period = np.clip(period, 0, None)
        never_since_activation = last_completed_day < self.activation[period]
        stale = login_day - last_completed_day >= self.frequency[period]
        return known & self.enabled[period] & (never_since_activation | stale)


_NO_LOGIN = np.iinfo(np.int64).max


def draw_logins(rng: np.random.Generator, population: Population, until: date) -> np.ndarray:
    """Login instants, one row per person, sorted, at least MIN_LOGIN_GAP apart; _NO_LOGIN pads."""
    n = len(population)
    events_start = epoch_of_local(EVENTS_START)
    latest = epoch_of_local(until + timedelta(days=1)) - 1 - MIN_LOGIN_GAP
    start = np.maximum(population.registered_at, events_start)
    first = start + 60 + rng.exponential(10 * DAY, n).astype(np.int64)
    still_active = rng.random(n) < STILL_ACTIVE
    quits_at = first + rng.exponential(900 * DAY, n).astype(np.int64)
    active_until = np.where(still_active, latest, np.minimum(quits_at, latest))
    uses_portal = population.portal_access & (rng.random(n) >= NEVER_LOGGED_IN)

    span = np.maximum(active_until - first, 0)
    mean_gap = np.exp(rng.uniform(np.log(30 * DAY), np.log(600 * DAY), n))
    mean_gap = np.maximum(mean_gap, span / (MAX_LOGINS * 0.75))  # long lives still fit the row
    gaps = MIN_LOGIN_GAP + rng.exponential(1.0, (n, MAX_LOGINS - 1)) * mean_gap[:, None]
    regular = first[:, None] + np.concatenate(
        [np.zeros((n, 1)), np.cumsum(gaps, axis=1)], axis=1
    ).astype(np.int64)

    recent_start = epoch_of_local(previous_month_start(until))
    recent_from = np.maximum(recent_start, first)
    recent = recent_from + (rng.random(n) * np.maximum(latest - recent_from, 0)).astype(np.int64)
    has_recent = still_active & (rng.random(n) < RECENT_LOGIN) & (recent_from < latest)

    month_end = _month_end_evening(rng, first, active_until)
    has_month_end = rng.random(n) < MONTH_END_LOGIN

    logins = np.concatenate(
        [
            _at_waking_hours(rng, np.concatenate([regular, recent[:, None]], axis=1)),
            month_end[:, None],
        ],
        axis=1,
    )
    special = np.zeros(logins.shape, dtype=bool)
    special[:, -2] = ~has_recent
    special[:, -1] = ~has_month_end
    valid = (
        ~special
        & (logins <= active_until[:, None])
        & (logins >= start[:, None] + 60)
        & uses_portal[:, None]
    )
    logins = np.sort(np.where(valid, logins, _NO_LOGIN), axis=1)
    too_close = np.zeros_like(valid)
    too_close[:, 1:] = (logins[:, 1:] - logins[:, :-1] < MIN_LOGIN_GAP) & (
        logins[:, 1:] < _NO_LOGIN
    )
    logins = np.sort(np.where(too_close, _NO_LOGIN, logins), axis=1)
    used_columns = int((logins < _NO_LOGIN).any(axis=0).sum())
    return logins[:, :used_columns]


# Share of logins per São Paulo hour of the day: few at night, peaks after work.
HOUR_WEIGHTS = np.array(
    [2, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 5, 6, 6.5, 6, 5, 5.5, 6, 6, 5.5, 5.5, 6.5, 7.5, 8, 7.5, 6, 4]
)


def _at_waking_hours(rng: np.random.Generator, instants: np.ndarray) -> np.ndarray:
    """The same São Paulo dates, at a time of day drawn from HOUR_WEIGHTS."""
    day = to_local(instants) // DAY
    hour = rng.choice(24, size=instants.shape, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = hour * 3600 + rng.integers(0, 3600, instants.shape)
    return local_to_epoch(day * DAY + second)


def _month_end_evening(
    rng: np.random.Generator, first: np.ndarray, active_until: np.ndarray
) -> np.ndarray:
    """An instant at 23:30-23:55 São Paulo time on the last day of a month in the active span:
    the evening that lands in the next month in UTC."""
    n = len(first)
    span = np.maximum(active_until - first, 0)
    some_moment = first + (rng.random(n) * span).astype(np.int64)
    month = local_month(some_moment)
    next_month_first_day = (
        (month + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    )
    evening = (next_month_first_day - 1) * DAY + 23 * 3600 + 1800 + rng.integers(0, 1500, n)
    return local_to_epoch(evening)
