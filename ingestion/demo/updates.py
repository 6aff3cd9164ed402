"""What a completed portal update changes: real edits, formatting-only edits, or nothing at all."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo import registration as fields
from ingestion.demo.catalog import POOLS
from ingestion.demo.registration import Registration

# Chance, per completed update, that a field gets a real edit or a formatting-only edit.
REAL_EDIT = {
    "nome": 0.03,
    "rg": 0.03,
    "renda_familiar": 0.22,
    "celular": 0.12,
    "email": 0.10,
}
FORMAT_EDIT = {
    "nome": 0.02,
    "rg": 0.04,
    "renda_familiar": 0.05,
    "celular": 0.05,
    "email": 0.05,
    "cep": 0.04,
    "endereco": 0.02,
}
NAME_FIX = 0.35  # a name typed without accents or in capitals gets corrected this often
RG_FILL = 0.25  # a missing RG gets informed this often
MOVE = 0.08  # moving house changes both the CEP and the address
COMPLEMENT_FIX = 0.04  # address only: the apartment or the house number
CEP_FIX = 0.01  # CEP only: a typo fixed
STAY_IN_CITY = 0.8


class ChangeLog:
    """The edits of a simulation, as component snapshots before and after each one.

    Rendering to JSON happens once at the end (render), not once per login round: polars calls
    have a fixed cost that would otherwise dominate."""

    def __init__(self) -> None:
        self.updates = 0  # completed updates so far; each gets the next id
        self._edits: dict[str, list[tuple[np.ndarray, Registration, Registration]]] = {
            field: [] for field in fields.TRACKED_FIELDS
        }

    def record(
        self, field: str, update_ids: np.ndarray, before: Registration, after: Registration
    ) -> None:
        self._edits[field].append((update_ids, before, after))

    def render(self) -> pl.DataFrame:
        """Columns update (id) and changes (the JSON array), one row per completed update."""
        fragments = []
        for order, field in enumerate(fields.TRACKED_FIELDS):
            edits = self._edits[field]
            if not edits:
                continue
            before = Registration.concat([edit[1] for edit in edits])
            after = Registration.concat([edit[2] for edit in edits])
            everyone = np.arange(len(before.first_name))
            fragments.append(
                pl.DataFrame(
                    {
                        "update": np.concatenate([edit[0] for edit in edits]),
                        "order": np.full(len(everyone), order),
                        "before": fields.json_value(field, before, everyone),
                        "after": fields.json_value(field, after, everyone),
                    }
                ).select(
                    "update",
                    "order",
                    fragment=pl.concat_str(
                        pl.lit(f'{{"campo": "{field}", "valor_anterior": '),
                        "before",
                        pl.lit(', "valor_novo": '),
                        "after",
                        pl.lit("}"),
                    ),
                )
            )
        every_update = pl.DataFrame({"update": np.arange(self.updates, dtype=np.int64)})
        if not fragments:
            return every_update.with_columns(changes=pl.lit("[]"), entries=pl.lit(0))
        joined = (
            pl.concat(fragments)
            .sort("update", "order")
            .group_by("update", maintain_order=True)
            .agg(changes=pl.col("fragment").str.join(", "), entries=pl.len())
        )
        return every_update.join(joined, on="update", how="left").select(
            "update",
            changes=pl.format("[{}]", pl.col("changes").fill_null("")),
            entries=pl.col("entries").fill_null(0),
        )


def complete_updates(
    reg: Registration, rng: np.random.Generator, at: np.ndarray, log: ChangeLog
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Applies one completed update to each person at positions `at` (distinct positions).
    Returns the update ids (for ChangeLog.render) and whether each touched the `pessoas` row and
    the contact row (celular, email)."""
    n = len(at)
    update_ids = log.updates + np.arange(n, dtype=np.int64)
    log.updates += n
    draw = rng.random((7, n))
    unaccented_fixable = reg.name_unaccented[at] & _name_has_accents(reg, at)
    name_fixable = unaccented_fixable | reg.name_upper[at]
    real = {
        "nome": draw[0] < np.where(name_fixable, NAME_FIX, REAL_EDIT["nome"]),
        "rg": draw[1] < np.where(reg.rg_number[at] == 0, RG_FILL, REAL_EDIT["rg"]),
        "renda_familiar": draw[2] < REAL_EDIT["renda_familiar"],
        "celular": draw[3] < REAL_EDIT["celular"],
        "email": draw[4] < REAL_EDIT["email"],
    }
    move = draw[5] < MOVE
    real["cep"] = move | ((draw[5] >= MOVE) & (draw[5] < MOVE + CEP_FIX))
    real["endereco"] = move | ((draw[6] < COMPLEMENT_FIX) & ~real["cep"])
    formatting = {
        field: ~real[field] & (rng.random(n) < FORMAT_EDIT[field])
        for field in fields.TRACKED_FIELDS
    }
    formatting["rg"] &= reg.rg_number[at] > 0  # an RG not informed has no formatting to vary
    new_city = np.where(
        rng.random(n) < STAY_IN_CITY,
        reg.city[at],
        rng.choice(len(POOLS.city_weights), size=n, p=POOLS.city_weights),
    )

    touched = np.zeros(n, dtype=bool)
    touched_contact = np.zeros(n, dtype=bool)
    for field in fields.TRACKED_FIELDS:
        positions = np.flatnonzero(real[field] | formatting[field])
        if not len(positions):
            continue
        people = at[positions]
        before = reg.take(people)
        _edit(
            field,
            reg,
            rng,
            people,
            real=real[field][positions],
            move=move[positions],
            new_city=new_city[positions],
        )
        log.record(field, update_ids[positions], before, reg.take(people))
        if field in fields.PESSOAS_FIELDS:
            touched[positions] = True
        else:
            touched_contact[positions] = True
    return update_ids, touched, touched_contact


def edit_for_real(
    field: str, reg: Registration, rng: np.random.Generator, people: np.ndarray
) -> None:
    """A real edit of `field` for each of `people` (distinct positions), in place, as a CRM panel
    user would make it: no move, so a CEP or an address is corrected rather than replaced."""
    n = len(people)
    yes, no = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    _edit(field, reg, rng, people, real=yes, move=no, new_city=reg.city[people])


def _name_has_accents(reg: Registration, at: np.ndarray) -> np.ndarray:
    second = reg.second_surname[at]
    return (
        POOLS.first_has_accent[reg.first_name[at]]
        | POOLS.surname_has_accent[reg.surname[at]]
        | ((second >= 0) & POOLS.surname_has_accent[np.clip(second, 0, None)])
    )


def _other_style(rng: np.random.Generator, style: np.ndarray, styles: int) -> np.ndarray:
    return (style + rng.integers(1, styles, len(style))) % styles


def _new_style(
    rng: np.random.Generator, edit: _Edit, current: np.ndarray, styles: int
) -> np.ndarray:
    """After a real edit, usually the plain way of typing; after a formatting edit, another."""
    typed = np.where(edit.typed_plainly, 0, rng.integers(1, styles, len(current)))
    return np.where(edit.real, typed, _other_style(rng, current, styles))


@dataclass(frozen=True)
class _Edit:
    """One field's edits in one round: who, and whether each is real or formatting-only."""

    people: np.ndarray
    real: np.ndarray
    move: np.ndarray  # moving house: CEP and address change together (maybe in the same city)
    new_city: np.ndarray
    typed_plainly: np.ndarray


def _edit(
    field: str,
    reg: Registration,
    rng: np.random.Generator,
    people: np.ndarray,
    real: np.ndarray,
    move: np.ndarray,
    new_city: np.ndarray,
) -> None:
    """Edits `field` of `people` in place: a real change where `real`, else only its formatting."""
    typed_plainly = rng.random(len(people)) < 0.85
    _EDITORS[field](reg, rng, _Edit(people, real, move, new_city, typed_plainly))


def _edit_name(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people, real = edit.people, edit.real
    unaccented = reg.name_unaccented[people] & _name_has_accents(reg, people)
    upper = reg.name_upper[people]
    fix_accents = real & unaccented
    fix_case = real & ~unaccented & upper
    new_surname = real & ~unaccented & ~upper  # marriage, divorce, a surname added
    reg.name_unaccented[people] &= ~fix_accents
    reg.name_upper[people] &= ~fix_case
    surnames = len(POOLS.surnames)
    second = reg.second_surname[people]
    candidate = (np.clip(second, 0, None) + rng.integers(1, surnames, len(people))) % surnames
    candidate = np.where(candidate == reg.surname[people], (candidate + 1) % surnames, candidate)
    candidate = np.where(candidate == second, (candidate + 1) % surnames, candidate)
    reg.second_surname[people] = np.where(new_surname, candidate, second)
    reg.name_style[people] = _new_style(rng, edit, reg.name_style[people], fields.NAME_STYLES)


def _edit_rg(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people = edit.people
    number = reg.rg_number[people]
    new_number = rng.integers(10_000_000, 99_999_999, len(people))
    new_number = np.where(new_number == number, new_number + 1, new_number)
    reg.rg_number[people] = np.where(edit.real, new_number, number)
    reg.rg_style[people] = _new_style(rng, edit, reg.rg_style[people], fields.RG_STYLES)


def _edit_income(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people, n = edit.people, len(edit.people)
    cents = reg.income_cents[people]
    raised = (np.round(cents * rng.uniform(1.05, 1.45, n) / 10_000) * 10_000).astype(np.int64)
    fresh = fields.draw_income(rng, n, unset_share=0.0)
    new_cents = np.where(cents == 0, fresh, np.where(rng.random(n) < 0.06, 0, raised))
    new_cents = np.where(new_cents == cents, cents + 10_000, new_cents)
    cents_after = np.where(edit.real, new_cents, cents)
    # Not informed has five spellings and an amount two, so the style range depends on the value.
    styles = np.where(cents_after > 0, fields.INCOME_STYLES_SET, fields.INCOME_STYLES_UNSET)
    reformatted = (reg.income_style[people] + rng.integers(1, styles)) % styles
    reg.income_cents[people] = cents_after
    reg.income_style[people] = np.where(edit.real, rng.integers(0, styles), reformatted)


def _edit_phone(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people = edit.people
    number = reg.phone_number[people]
    new_number = fields.draw_mobile(rng, len(people))
    new_number = np.where(new_number == number, new_number + 1, new_number)
    reg.phone_number[people] = np.where(edit.real, new_number, number)
    reg.phone_style[people] = _new_style(rng, edit, reg.phone_style[people], fields.PHONE_STYLES)


def _edit_email(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people, n = edit.people, len(edit.people)
    domain = reg.email_domain[people]
    new_domain = (domain + rng.integers(1, 4, n)) % len(POOLS.email_domains)
    # Domains repeat in the pool (gmail three times): a switch must change the text.
    domain_text = POOLS.email_domains.to_numpy()
    switch_domain = (rng.random(n) < 0.6) & (domain_text[new_domain] != domain_text[domain])
    new_number = reg.email_number[people] + rng.integers(1, 90, n)
    reg.email_domain[people] = np.where(edit.real & switch_domain, new_domain, domain)
    reg.email_number[people] = np.where(
        edit.real & ~switch_domain, new_number, reg.email_number[people]
    )
    reg.email_style[people] = _new_style(rng, edit, reg.email_style[people], fields.EMAIL_STYLES)


def _edit_cep(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people = edit.people
    cep = reg.cep[people]
    typo_fixed = cep + rng.integers(1, 60, len(people))
    new_cep = np.where(edit.move, fields.draw_cep(rng, edit.new_city), typo_fixed)
    new_cep = np.where(new_cep == cep, new_cep + 1, new_cep)
    reg.cep[people] = np.where(edit.real, new_cep, cep)
    reg.cep_style[people] = _new_style(rng, edit, reg.cep_style[people], fields.CEP_STYLES)


def _edit_address(reg: Registration, rng: np.random.Generator, edit: _Edit) -> None:
    people, n = edit.people, len(edit.people)
    moving = edit.real & edit.move
    fixing = edit.real & ~edit.move  # the complement or the house number was wrong
    street = rng.integers(0, len(POOLS.streets), n)
    street = np.where(street == reg.street[people], (street + 1) % len(POOLS.streets), street)
    reg.street[people] = np.where(moving, street, reg.street[people])
    district = fields.draw_district(rng, edit.new_city)
    reg.district[people] = np.where(moving, district, reg.district[people])
    reg.city[people] = np.where(moving, edit.new_city, reg.city[people])
    house = reg.house_number[people]
    new_house = fields.draw_house_number(rng, n)
    new_house = np.where(new_house == house, house + 1, new_house)
    fix_house = fixing & (rng.random(n) < 0.3)
    reg.house_number[people] = np.where(moving | fix_house, new_house, house)
    complement = reg.complement[people]
    new_complement = fields.draw_complement(rng, n)
    new_complement = np.where(
        new_complement == complement, (complement + 1) % len(POOLS.complements), new_complement
    )
    reg.complement[people] = np.where(moving | (fixing & ~fix_house), new_complement, complement)
    reg.address_style[people] = _new_style(
        rng, edit, reg.address_style[people], fields.ADDRESS_STYLES
    )
    reg.address_from_portal[people] = True


_EDITORS = {
    "nome": _edit_name,
    "rg": _edit_rg,
    "renda_familiar": _edit_income,
    "celular": _edit_phone,
    "email": _edit_email,
    "cep": _edit_cep,
    "endereco": _edit_address,
}
