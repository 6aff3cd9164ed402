"""Ids of the CRM objects: consecutive per object across blocks, so every id is unique."""

from __future__ import annotations

import numpy as np
import polars as pl

FIRST_IDS = {
    "idreserva": 10_001,
    "idreservascondicoes": 100_001,
    "idassociado": 5_001,
    "idprecadastro": 20_001,
    "idatendimento": 1_001,
    "idprotocolo": 300_001,
    "idassistencia": 501,
    "idrepasse": 801,
    "idcessao": 101,
}
FIRST_IDLEAD = 100_000
LEADS_PER_PERSON = 3  # at most: each person owns a fixed range of lead ids


class IdCounters:
    def __init__(self) -> None:
        self._next = dict(FIRST_IDS)

    def take(self, name: str, count: int) -> np.ndarray:
        first = self._next[name]
        self._next[name] = first + count
        return np.arange(first, first + count, dtype=np.int64)


def first_lead(person_index: np.ndarray) -> np.ndarray:
    """The first lead id of each person (by index in the generated population)."""
    return FIRST_IDLEAD + np.asarray(person_index, dtype=np.int64) * LEADS_PER_PERSON


def lead_csv(first: pl.Expr, count: pl.Expr) -> pl.Expr:
    """A person's lead ids as the CRM's comma-separated text ("100300,100301")."""
    following = [pl.when(count > k).then((first + k).cast(pl.String)) for k in range(1, 3)]
    return pl.concat_str([first.cast(pl.String), *following], separator=",", ignore_nulls=True)
