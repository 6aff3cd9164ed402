"""São Paulo wall-clock arithmetic on arrays of epoch seconds.

The offsets come from the time-zone database (zoneinfo), turned once into a table of transitions so
that millions of instants convert with one binary search instead of one zoneinfo call each.
Brazil had daylight saving time until 2019: the offset is -02:00 in those summers, -03:00 otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from ingestion.demo.text import ascii_digits, fixed_width_strings

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
DAY = 86_400
WEEK = 7 * DAY

# The table covers every instant the generator can produce (registrations start in 2015).
_TABLE_START = datetime(2010, 1, 1, tzinfo=UTC)
_TABLE_END = datetime(2040, 1, 1, tzinfo=UTC)


def _offset_at(epoch: int) -> int:
    moment = datetime.fromtimestamp(epoch, tz=SAO_PAULO)
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


@lru_cache(maxsize=1)
def _transitions() -> tuple[np.ndarray, np.ndarray]:
    """Instants where the São Paulo offset changes, and the offset from each one on."""
    start = int(_TABLE_START.timestamp())
    end = int(_TABLE_END.timestamp())
    starts = [start]
    offsets = [_offset_at(start)]
    # Scan week by week (São Paulo never changed its offset twice in a week), then find the
    # exact second of each change by bisection.
    for day_start in range(start + WEEK, end, WEEK):
        current = _offset_at(day_start)
        if current == offsets[-1]:
            continue
        low, high = day_start - WEEK, day_start
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_at(middle) == offsets[-1]:
                low = middle
            else:
                high = middle
        starts.append(high)
        offsets.append(current)
    return np.array(starts, dtype=np.int64), np.array(offsets, dtype=np.int64)


def utc_offset_seconds(epoch: np.ndarray) -> np.ndarray:
    """São Paulo UTC offset, in seconds, at each instant."""
    starts, offsets = _transitions()
    position = np.searchsorted(starts, epoch, side="right") - 1
    return offsets[np.clip(position, 0, len(offsets) - 1)]


def to_local(epoch: np.ndarray) -> np.ndarray:
    """São Paulo wall-clock time, as seconds since 1970-01-01 00:00 of the wall clock."""
    return epoch + utc_offset_seconds(epoch)


def local_to_epoch(local: np.ndarray) -> np.ndarray:
    """Inverse of to_local. A repeated wall-clock time takes the earlier (daylight) instant; a
    skipped one (the hour lost when daylight saving began) moves forward by the offset change."""
    local = np.asarray(local, dtype=np.int64)
    as_daylight = local + 7_200
    as_standard = local + 10_800
    daylight_fits = to_local(as_daylight) == local
    return np.where(daylight_fits, as_daylight, as_standard)


def local_day(epoch: np.ndarray) -> np.ndarray:
    """São Paulo calendar date of each instant, as days since 1970-01-01."""
    return to_local(epoch) // DAY


def local_month(epoch: np.ndarray) -> np.ndarray:
    """São Paulo calendar month of each instant, as months since 1970-01."""
    return (to_local(epoch) // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def epoch_of_local(day: date, at: time = time(0, 0)) -> int:
    """Epoch seconds of a São Paulo wall-clock date and time (earlier instant when repeated)."""
    local = int(datetime.combine(day, at, tzinfo=UTC).timestamp())
    return int(local_to_epoch(np.array([local]))[0])


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


# Formatting: digits assembled with numpy into fixed-width rows (see text.py).


def _civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day from days since 1970-01-01 (H. Hinnant's algorithm, integers only)."""
    shifted = days + 719_468
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = np.where(month_index < 10, month_index + 3, month_index - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day


_PAIRS = ascii_digits(np.arange(100), 2)  # "00".."99" as rows of two ASCII digits


def _wall_clock_rows(seconds: np.ndarray, date_time_separator: str) -> np.ndarray:
    """'YYYY-MM-DD?HH:MM:SS' as an (n, 19) uint8 matrix, from wall-clock seconds."""
    days, second_of_day = np.divmod(seconds, DAY)
    year, month, day = _civil_from_days(days)
    rows = np.empty((len(seconds), 19), dtype=np.uint8)
    rows[:, 0:2] = _PAIRS[year // 100]
    rows[:, 2:4] = _PAIRS[year % 100]
    rows[:, 4] = ord("-")
    rows[:, 5:7] = _PAIRS[month]
    rows[:, 7] = ord("-")
    rows[:, 8:10] = _PAIRS[day]
    rows[:, 10] = ord(date_time_separator)
    rows[:, 11:13] = _PAIRS[second_of_day // 3600]
    rows[:, 13] = ord(":")
    rows[:, 14:16] = _PAIRS[second_of_day // 60 % 60]
    rows[:, 16] = ord(":")
    rows[:, 17:19] = _PAIRS[second_of_day % 60]
    return rows


def format_crm_local(epoch: np.ndarray) -> pl.Series:
    """The CRM's timestamp text: São Paulo wall clock, no offset ('2026-11-03 09:12:44')."""
    return fixed_width_strings(_wall_clock_rows(to_local(epoch), " "))


def format_local_without_offset(epoch: np.ndarray) -> pl.Series:
    """ISO-8601 São Paulo wall clock without an offset (what a broken client sends)."""
    return fixed_width_strings(_wall_clock_rows(to_local(epoch), "T"))


def format_iso_with_offset(epoch: np.ndarray, as_utc: np.ndarray) -> pl.Series:
    """ISO-8601 with the São Paulo offset of that instant ('...-03:00', '-02:00' in the old
    summers), or in UTC with 'Z' where as_utc is set. Variable width, so the 'Z' rows are
    formatted apart and merged back."""
    offset = utc_offset_seconds(epoch)
    rows = np.empty((len(epoch), 25), dtype=np.uint8)
    rows[:, :19] = _wall_clock_rows(epoch + offset, "T")
    rows[:, 19] = np.where(offset < 0, ord("-"), ord("+"))
    rows[:, 20:22] = _PAIRS[np.abs(offset) // 3600]
    rows[:, 22] = ord(":")
    rows[:, 23:25] = _PAIRS[np.abs(offset) // 60 % 60]
    text = fixed_width_strings(rows)
    if as_utc.any():
        utc_rows = np.empty((int(as_utc.sum()), 20), dtype=np.uint8)
        utc_rows[:, :19] = _wall_clock_rows(epoch[as_utc], "T")
        utc_rows[:, 19] = ord("Z")
        text = text.scatter(np.flatnonzero(as_utc), fixed_width_strings(utc_rows))
    return text


def _date_rows(days: np.ndarray, order: str) -> np.ndarray:
    """'YYYY-MM-DD' (order 'iso') or 'dd/mm/yyyy' (order 'br') as an (n, 10) uint8 matrix."""
    year, month, day = _civil_from_days(np.asarray(days, dtype=np.int64))
    rows = np.empty((len(year), 10), dtype=np.uint8)
    if order == "iso":
        rows[:, 0:2], rows[:, 2:4] = _PAIRS[year // 100], _PAIRS[year % 100]
        rows[:, 4], rows[:, 7] = ord("-"), ord("-")
        rows[:, 5:7], rows[:, 8:10] = _PAIRS[month], _PAIRS[day]
    else:
        rows[:, 0:2], rows[:, 3:5] = _PAIRS[day], _PAIRS[month]
        rows[:, 2], rows[:, 5] = ord("/"), ord("/")
        rows[:, 6:8], rows[:, 8:10] = _PAIRS[year // 100], _PAIRS[year % 100]
    return rows


def format_iso_date(days: np.ndarray) -> pl.Series:
    """'2026-11-03' for each day number (days since 1970-01-01)."""
    return fixed_width_strings(_date_rows(days, "iso"))


def format_br_date(days: np.ndarray) -> pl.Series:
    """'03/11/2026' for each day number: how the CRM writes some unidades dates."""
    return fixed_width_strings(_date_rows(days, "br"))


def add_months(days: np.ndarray, months: np.ndarray, day_of_month: np.ndarray) -> np.ndarray:
    """The day number of `day_of_month` (1 to 28) in the month `months` after each day's month."""
    month = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    shifted = (month + np.asarray(months, dtype=np.int64)).astype("datetime64[D]").astype(np.int64)
    return shifted + np.asarray(day_of_month, dtype=np.int64) - 1
