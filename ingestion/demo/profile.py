"""What the CRM knows about a person beyond the tracked registration fields.

Drawn from the block's CRM random stream, so the portal events stay as they are. Sex follows the
first name; PEP details go with `politicamente_exposta` 'Sim', and a few people are related to a
PEP (relacionamento_ppe), some being both.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo.catalog import FIRST_NAMES, POOLS
from ingestion.demo.clock import format_iso_date, local_day
from ingestion.demo.cpf import cpf_numbers, format_cpf
from ingestion.demo.people import Population

FEMALE_FROM = FIRST_NAMES.index("Maria")  # first names before it are male
PEP_RELATED = 0.015
NO_BIRTH_DATE = 0.03


@dataclass
class Profile:
    birth_day: np.ndarray  # day number (negative before 1970)
    birth_known: np.ndarray
    classificacao: np.ndarray  # index into CLASSIFICACOES
    ppe_cargo: np.ndarray  # index into PPE_CARGOS
    ppe_from_year: np.ndarray
    related: np.ndarray  # relacionamento_ppe: 0 'Não', 1 'Sim', 2 ''
    related_first: np.ndarray
    related_surname: np.ndarray
    related_kin: np.ndarray
    related_cpf: np.ndarray
    leads: np.ndarray  # how many leads the person has (1 to LEADS_PER_PERSON)

    @classmethod
    def draw(cls, rng: np.random.Generator, population: Population) -> Profile:
        n = len(population)
        age_days = rng.uniform(20 * 365.25, 75 * 365.25, n).astype(np.int64)
        birth = local_day(population.registered_at) - age_days
        return cls(
            birth_day=birth,
            birth_known=rng.random(n) >= NO_BIRTH_DATE,
            classificacao=rng.integers(0, len(texts.CLASSIFICACOES), n),
            ppe_cargo=rng.integers(0, len(texts.PPE_CARGOS), n),
            ppe_from_year=rng.choice([2009, 2013, 2017, 2021], size=n),
            related=rng.choice(3, size=n, p=[1 - PEP_RELATED - 0.06, PEP_RELATED, 0.06]),
            related_first=rng.integers(0, len(POOLS.first_names), n),
            related_surname=population.registration.surname.copy(),
            related_kin=rng.integers(0, len(texts.PPE_PARENTESCOS), n),
            related_cpf=cpf_numbers(rng.integers(100_000_000, 999_999_999, n)),
            leads=1 + (rng.random(n) < 0.3) + (rng.random(n) < 0.1),
        )

    def take(self, at: np.ndarray) -> Profile:
        return Profile(**{f.name: getattr(self, f.name)[at] for f in fields(self)})


def profile_columns(population: Population, profile: Profile) -> pl.DataFrame:
    """The profile's CRM text columns (sexo, data_nasc, classificacao and the PEP block)."""
    n = len(population)
    reg = population.registration
    pep = population.pep == 1  # PEP = ("Não", "Sim", "")
    related = profile.related == 1
    nothing = pl.Series([""] * n, dtype=pl.String)
    exercise = (
        pl.Series(profile.ppe_from_year).cast(pl.String)
        + " a "
        + pl.Series(profile.ppe_from_year + 3).cast(pl.String)
    )

    def only(mask: np.ndarray, values: pl.Series) -> pl.Series:
        return values.zip_with(pl.Series(mask), nothing)

    cargo = texts.texts(texts.PPE_CARGOS).gather(profile.ppe_cargo)
    related_name = (
        POOLS.first_names.gather(profile.related_first)
        + " "
        + POOLS.surnames.gather(profile.related_surname)
    )
    return pl.DataFrame(
        {
            "sexo": np.where(reg.first_name < FEMALE_FROM, "M", "F"),
            "data_nasc": only(profile.birth_known, format_iso_date(profile.birth_day)),
            "classificacao": texts.texts(texts.CLASSIFICACOES).gather(profile.classificacao),
            "ppe_cargo": only(pep, cargo),
            "ppe_exercicio": only(pep, exercise),
            "relacionamento_ppe": pl.Series(["Não", "Sim", ""]).gather(profile.related),
            "relacionamento_ppe_nome": only(related, related_name),
            "relacionamento_ppe_parentesco": only(
                related, texts.texts(texts.PPE_PARENTESCOS).gather(profile.related_kin)
            ),
            "relacionamento_ppe_cargo": only(related, cargo.shift(1, fill_value="Vereador")),
            "relacionamento_ppe_exercicio": only(related, exercise),
            "relacionamento_ppe_cpf": only(related, format_cpf(profile.related_cpf)),
        }
    )
