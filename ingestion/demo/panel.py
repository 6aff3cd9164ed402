"""Edits made in the CRM panel (not through the portal), for the change history's 'painel' origin.

About PANEL_EDITS of the people get one real edit of one tracked field, on a working day after
their last portal change and by the end of `until`. The CRM then holds two versions of the row
(`pessoas` for nome, rg, renda_familiar, cep, endereco; the first contact for celular, email): the
earlier one with the old value, dated by the last portal change, and the final one with the new
value, dated by the edit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo.clock import DAY, local_day, local_to_epoch
from ingestion.demo.people import Population
from ingestion.demo.registration import PESSOAS_FIELDS, TRACKED_FIELDS, Registration
from ingestion.demo.timeline import Activity
from ingestion.demo.updates import edit_for_real

PANEL_EDITS = 0.03
_IN_PESSOAS = np.array([name in PESSOAS_FIELDS for name in TRACKED_FIELDS])


@dataclass
class PanelEdits:
    people: np.ndarray  # positions in the block, ascending
    field: np.ndarray  # index into TRACKED_FIELDS
    at: np.ndarray
    before: Registration  # the registration of `people` before the edit
    earlier_at: np.ndarray  # referencia_data of the earlier version
    pessoas_changed_at: np.ndarray  # every person's final pessoas referencia_data
    contatos_changed_at: np.ndarray  # every person's final first-contact referencia_data

    @property
    def in_pessoas(self) -> np.ndarray:
        return _IN_PESSOAS[self.field]


def apply_panel_edits(
    rng: np.random.Generator, population: Population, activity: Activity, until_end: int
) -> PanelEdits:
    """Edits the block's registration in place (it then holds the CRM's final state)."""
    last_change = np.maximum(activity.pessoas_changed_at, activity.contatos_changed_at)
    chosen = np.flatnonzero(rng.random(len(population)) < PANEL_EDITS)
    first_day = local_day(last_change[chosen]) + 1
    last_day = int(local_day(np.array([until_end]))[0])
    chosen, first_day = chosen[first_day <= last_day], first_day[first_day <= last_day]
    span = last_day - first_day + 1
    day = first_day + (rng.random(len(chosen)) * span).astype(np.int64)
    at = local_to_epoch(day * DAY + 8 * 3600 + rng.integers(0, 10 * 3600, len(chosen)))
    field = rng.integers(0, len(TRACKED_FIELDS), len(chosen))

    reg = population.registration
    before = reg.take(chosen)
    for index, name in enumerate(TRACKED_FIELDS):
        edited = chosen[field == index]
        if len(edited):
            edit_for_real(name, reg, rng, edited)

    in_pessoas = _IN_PESSOAS[field]
    pessoas_changed_at = activity.pessoas_changed_at.copy()
    contatos_changed_at = activity.contatos_changed_at.copy()
    earlier_at = np.where(in_pessoas, pessoas_changed_at[chosen], contatos_changed_at[chosen])
    pessoas_changed_at[chosen[in_pessoas]] = at[in_pessoas]
    contatos_changed_at[chosen[~in_pessoas]] = at[~in_pessoas]
    return PanelEdits(
        chosen, field, at, before, earlier_at, pessoas_changed_at, contatos_changed_at
    )
