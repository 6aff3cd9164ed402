"""CRM `pessoas_contatos` rows: one or two contacts per person.

The first contact holds what the person's registration holds (celular and email as the portal sent
them last, or as a panel edit left them), so the warehouse sees the same values from both sources.
Some people have a second contact (another e-mail, a relative's mobile, a landline), which keeps
its creation date as referencia_data. `referencia` is the composite "<idpessoa>_<n>".
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo import registration as fields
from ingestion.demo.catalog import POOLS
from ingestion.demo.clock import format_crm_local
from ingestion.demo.cvdw_rows import integer, text
from ingestion.demo.panel import PanelEdits
from ingestion.demo.people import Population
from ingestion.demo.registration import Registration
from ingestion.demo.text import zero_padded

SECOND_CONTACT = 0.3
LANDLINE = 0.4
SECOND_REMOVED = 0.03


def contatos_frame(
    rng: np.random.Generator,
    population: Population,
    edits: PanelEdits,
    removed: np.ndarray,
    until_end: int,
) -> pl.DataFrame:
    """removed: people deleted in the CRM (their contacts are deleted too)."""
    n = len(population)
    reg = population.registration
    everyone = np.arange(n)
    landline = _landline(rng, reg.phone_area, rng.random(n) < LANDLINE)
    first = _contact_rows(
        population.idpessoa, 1, edits.contatos_changed_at, ~removed,
        fields.email_text(reg, everyone), landline, fields.phone_text(reg, everyone),
    )  # fmt: skip
    earlier = edits.people[~edits.in_pessoas]
    before = edits.before.take(np.flatnonzero(~edits.in_pessoas))
    at_earlier = np.arange(len(earlier))
    old = _contact_rows(
        population.idpessoa[earlier], 1, edits.earlier_at[~edits.in_pessoas], ~removed[earlier],
        fields.email_text(before, at_earlier), landline.gather(earlier),
        fields.phone_text(before, at_earlier),
    )  # fmt: skip

    second = np.flatnonzero(rng.random(n) < SECOND_CONTACT)
    other = _other_contacts(rng, reg.take(second))
    registered = population.registered_at[second]
    created = registered + (rng.random(len(second)) * (until_end - registered) / 2).astype(np.int64)
    kept = ~removed[second] & (rng.random(len(second)) >= SECOND_REMOVED)
    extra = _contact_rows(population.idpessoa[second], 2, created, kept, *other)

    frame = pl.concat(
        [
            old.with_columns(_person=earlier, _n=1, _version=0),
            first.with_columns(_person=everyone, _n=1, _version=1),
            extra.with_columns(_person=second, _n=2, _version=0),
        ]
    )
    return frame.sort("_person", "_n", "_version").drop("_person", "_n", "_version")


def _contact_rows(
    idpessoa: np.ndarray,
    number: int,
    at: np.ndarray,
    active: np.ndarray,
    email: pl.Series,
    telefone: pl.Series,
    celular: pl.Series,
) -> pl.DataFrame:
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(idpessoa).cast(pl.String) + f"_{number}",
            "referencia_data": format_crm_local(at),
            "ativo": np.where(active, "S", "N"),
            "idpessoa": idpessoa,
            "email": email,
            "telefone": telefone,
            "celular": celular,
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idpessoa"),
        text("email"),
        text("telefone"),
        text("celular"),
    )


def _landline(rng: np.random.Generator, area: np.ndarray, present: np.ndarray) -> pl.Series:
    """ "(81) 3222-1100" where present, else empty."""
    number = zero_padded(30_000_000 + rng.integers(0, 10_000_000, len(area)), 8)
    text_value = (
        "(" + zero_padded(area, 2) + ") " + number.str.slice(0, 4) + "-" + number.str.slice(4, 4)
    )
    return text_value.zip_with(pl.Series(present), pl.Series([""] * len(area), dtype=pl.String))


def _other_contacts(
    rng: np.random.Generator, reg: Registration
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Another e-mail, landline and mobile (each sometimes empty, never all three)."""
    n = len(reg.first_name)
    everyone = np.arange(n)
    reg.email_number = reg.email_number + rng.integers(1, 500, n)
    reg.email_domain = rng.integers(0, len(POOLS.email_domains), n)
    reg.email_style = np.zeros(n, dtype=np.int64)
    reg.phone_number = fields.draw_mobile(rng, n)
    reg.phone_style = rng.integers(0, fields.PHONE_STYLES, n)
    has_email = rng.random(n) < 0.5
    has_landline = rng.random(n) < 0.4
    has_mobile = (rng.random(n) < 0.6) | ~(has_email | has_landline)
    nothing = pl.Series([""] * n, dtype=pl.String)
    return (
        fields.email_text(reg, everyone).zip_with(pl.Series(has_email), nothing),
        _landline(rng, reg.phone_area, has_landline),
        fields.phone_text(reg, everyone).zip_with(pl.Series(has_mobile), nothing),
    )
