"""The tracked registration fields of a block of people, and how the portal and the CRM write them.

Each field is held as components (pool indices, numbers) plus a *style*: the way the value was last
typed. A style changes the text but never the normalised value (email case, phone punctuation, CEP
hyphen, ...), so a style-only edit is a formatting change that the warehouse must not count. The
portal's valor_anterior is rendered from the components before an edit and valor_novo after it;
since rendering is deterministic, each valor_anterior equals the previous valor_novo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo.catalog import POOLS
from ingestion.demo.text import json_string, zero_padded

TRACKED_FIELDS = ("nome", "rg", "renda_familiar", "celular", "email", "cep", "endereco")
PESSOAS_FIELDS = ("nome", "rg", "renda_familiar", "cep", "endereco")  # celular/email: contatos

NAME_STYLES = 3  # "Maria Silva", "Maria  Silva ", " Maria Silva"
RG_STYLES = 3  # "12.345.678-9", "123456789", "12345678-9" (a lower-case x as check digit)
PHONE_STYLES = 4  # "(81) 99876-5432", "+55 81 99876-5432", "81998765432", "+55 (81) 99876-5432"
EMAIL_STYLES = 3  # "joao.silva@gmail.com", "Joao.Silva@Gmail.com ", " JOAO.SILVA@GMAIL.COM"
INCOME_STYLES_SET = 2  # "5000.00", 5000
INCOME_STYLES_UNSET = 5  # "0.00", 0, "0", "", null: all mean "not informed"
CEP_STYLES = 2  # "50030-230", "50030230"
ADDRESS_STYLES = 2  # "Rua da Aurora", "Rua  da Aurora"


@dataclass
class Registration:
    """Registration components of n people (arrays of length n, indexed by chunk position)."""

    first_name: np.ndarray
    surname: np.ndarray
    second_surname: np.ndarray  # -1: none
    name_unaccented: np.ndarray  # typed without accents ("Joao"): a later fix is a real change
    name_upper: np.ndarray
    name_style: np.ndarray
    rg_number: np.ndarray  # eight digits; 0: not informed
    rg_style: np.ndarray
    income_cents: np.ndarray  # 0: not informed
    income_style: np.ndarray
    phone_area: np.ndarray
    phone_number: np.ndarray  # nine digits, starting with 9
    phone_style: np.ndarray
    email_first: np.ndarray
    email_surname: np.ndarray
    email_number: np.ndarray  # 0: none
    email_layout: np.ndarray  # 0 "first.surname", 1 "firstsurname", 2 "first_surname"
    email_domain: np.ndarray
    email_style: np.ndarray
    cep: np.ndarray
    cep_style: np.ndarray
    city: np.ndarray
    street: np.ndarray
    house_number: np.ndarray  # 0: "S/N"
    complement: np.ndarray  # -1: none
    district: np.ndarray
    address_style: np.ndarray
    legacy_street: np.ndarray  # street kept in the CRM's `endereco` column with `logradouro` empty
    address_from_portal: np.ndarray  # the CRM's address parts were last written by the portal

    @classmethod
    def draw(cls, rng: np.random.Generator, count: int) -> Registration:
        n = count
        first_name = rng.integers(0, len(POOLS.first_names), n)
        surname = rng.integers(0, len(POOLS.surnames), n)
        second_surname = np.where(rng.random(n) < 0.55, rng.integers(0, len(POOLS.surnames), n), -1)
        second_surname = np.where(second_surname == surname, -1, second_surname)
        city = rng.choice(len(POOLS.city_weights), size=n, p=POOLS.city_weights)
        email_number = np.where(rng.random(n) < 0.6, rng.integers(1, 2000, n), 0)
        return cls(
            first_name=first_name,
            surname=surname,
            second_surname=second_surname,
            name_unaccented=rng.random(n) < 0.15,
            name_upper=rng.random(n) < 0.06,
            name_style=np.zeros(n, dtype=np.int64),
            rg_number=np.where(rng.random(n) < 0.12, 0, rng.integers(10_000_000, 99_999_999, n)),
            rg_style=np.zeros(n, dtype=np.int64),
            income_cents=draw_income(rng, n, unset_share=0.2),
            income_style=np.zeros(n, dtype=np.int64),
            phone_area=POOLS.city_area_codes[city],
            phone_number=draw_mobile(rng, n),
            phone_style=np.zeros(n, dtype=np.int64),
            email_first=first_name.copy(),
            email_surname=surname.copy(),
            email_number=email_number,
            email_layout=rng.choice(3, size=n, p=[0.6, 0.25, 0.15]),
            email_domain=rng.integers(0, len(POOLS.email_domains), n),
            email_style=np.zeros(n, dtype=np.int64),
            cep=draw_cep(rng, city),
            cep_style=np.zeros(n, dtype=np.int64),
            city=city,
            street=rng.integers(0, len(POOLS.streets), n),
            house_number=draw_house_number(rng, n),
            complement=draw_complement(rng, n),
            district=draw_district(rng, city),
            address_style=np.zeros(n, dtype=np.int64),
            legacy_street=np.full(n, -1, dtype=np.int64),
            address_from_portal=np.zeros(n, dtype=bool),
        ).with_legacy_addresses(rng)

    def take(self, at: np.ndarray) -> Registration:
        """A copy of the components of the people at positions `at`."""
        return Registration(**{name: values[at] for name, values in vars(self).items()})

    @classmethod
    def concat(cls, parts: list[Registration]) -> Registration:
        names = vars(parts[0])
        return cls(**{name: np.concatenate([vars(p)[name] for p in parts]) for name in names})

    def with_legacy_addresses(self, rng: np.random.Generator) -> Registration:
        legacy = rng.random(len(self.street)) < 0.08
        self.legacy_street = np.where(legacy, self.street, -1)
        return self


def draw_income(rng: np.random.Generator, n: int, unset_share: float) -> np.ndarray:
    reais = np.exp(rng.normal(np.log(6_000), 0.75, n)).clip(900, 250_000)
    rounding = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])  # to R$ 100, to R$ 1, with centavos
    cents = np.where(
        rounding == 0,
        np.round(reais / 100) * 10_000,
        np.where(rounding == 1, np.round(reais) * 100, np.round(reais * 100)),
    ).astype(np.int64)
    return np.where(rng.random(n) < unset_share, 0, cents)


def draw_mobile(rng: np.random.Generator, n: int) -> np.ndarray:
    return 900_000_000 + rng.integers(60_000_000, 100_000_000, n)


def draw_cep(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    offset = (rng.random(len(city)) * POOLS.city_cep_span[city]).astype(np.int64)
    return POOLS.city_cep_low[city] + offset


def draw_house_number(rng: np.random.Generator, n: int) -> np.ndarray:
    number = np.exp(rng.uniform(0, np.log(5_000), n)).astype(np.int64)
    return np.where(rng.random(n) < 0.03, 0, number)


def draw_complement(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < 0.55, rng.integers(0, len(POOLS.complements), n), -1)


def draw_district(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    within = (rng.random(len(city)) * POOLS.district_count[city]).astype(np.int64)
    return POOLS.district_offset[city] + within


def rg_check_digit(number: np.ndarray) -> np.ndarray:
    """São Paulo RG check digit (weights 2 to 9, modulus 11); 10 stands for X."""
    digits = (number[:, None] // 10 ** np.arange(7, -1, -1, dtype=np.int64)) % 10
    remainder = (digits * np.arange(2, 10)).sum(axis=1) % 11
    value = 11 - remainder
    return np.where(value == 11, 0, value)


# --- Rendering: components to text, for a subset of people given by positions. ---


def _gather(pool: pl.Series, index: np.ndarray) -> pl.Series:
    return pool.gather(np.clip(index, 0, None))


def _frame(**columns: pl.Series | np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({name: pl.Series(name, values) for name, values in columns.items()})


def name_text(reg: Registration, at: np.ndarray) -> pl.Series:
    unaccented = reg.name_unaccented[at]
    frame = _frame(
        first=_gather(POOLS.first_names, reg.first_name[at]),
        first_plain=_gather(POOLS.first_names_plain, reg.first_name[at]),
        surname=_gather(POOLS.surnames, reg.surname[at]),
        surname_plain=_gather(POOLS.surnames_plain, reg.surname[at]),
        second=_gather(POOLS.surnames, reg.second_surname[at]),
        second_plain=_gather(POOLS.surnames_plain, reg.second_surname[at]),
        has_second=reg.second_surname[at] >= 0,
        unaccented=unaccented,
        upper=reg.name_upper[at],
        style=reg.name_style[at],
    )

    def written(column: str) -> pl.Expr:
        return pl.when("unaccented").then(pl.col(f"{column}_plain")).otherwise(pl.col(column))

    name = pl.concat_str(
        [written("first"), written("surname"), pl.when("has_second").then(written("second"))],
        separator=" ",
        ignore_nulls=True,
    )
    name = pl.when("upper").then(name.str.to_uppercase()).otherwise(name)
    styled = (
        pl.when(pl.col("style") == 1)
        .then(name.str.replace(" ", "  ", literal=True) + pl.lit(" "))
        .when(pl.col("style") == 2)
        .then(pl.lit(" ") + name)
        .otherwise(name)
    )
    return frame.select(styled.alias("nome")).to_series()


def rg_text(reg: Registration, at: np.ndarray) -> pl.Series:
    """RG as typed, or null when not informed."""
    number = reg.rg_number[at]
    check = rg_check_digit(number)
    frame = _frame(
        digits=zero_padded(number, 8),
        check=pl.Series(check).cast(pl.String).replace("10", "X"),
        style=reg.rg_style[at],
        informed=number > 0,
    )
    digits = pl.col("digits")
    dotted = pl.concat_str(
        [digits.str.slice(0, 2), digits.str.slice(2, 3), digits.str.slice(5, 3)], separator="."
    )
    text = (
        pl.when(pl.col("style") == 0)
        .then(dotted + pl.lit("-") + pl.col("check"))
        .when(pl.col("style") == 1)
        .then(digits + pl.col("check"))
        .otherwise(digits + pl.lit("-") + pl.col("check").str.to_lowercase())
    )
    return frame.select(pl.when("informed").then(text).alias("rg")).to_series()


def _income_decimal(cents: pl.Expr) -> pl.Expr:
    return (cents // 100).cast(pl.String) + pl.lit(".") + (cents % 100).cast(pl.String).str.zfill(2)


def income_crm(reg: Registration, at: np.ndarray) -> pl.Series:
    """The CRM's text: US decimal point, two decimals, "0.00" when not informed."""
    frame = _frame(cents=reg.income_cents[at])
    return frame.select(_income_decimal(pl.col("cents")).alias("renda")).to_series()


def income_json(reg: Registration, at: np.ndarray) -> pl.Series:
    """Income as the portal sends it: a decimal string or a number; when not informed, one of
    "0.00", 0, "0", "" or null."""
    frame = _frame(cents=reg.income_cents[at], style=reg.income_style[at])
    cents, style = pl.col("cents"), pl.col("style")
    as_number = (
        pl.when(cents % 100 == 0)
        .then((cents // 100).cast(pl.String))
        .otherwise(_income_decimal(cents))
    )
    text = (
        pl.when(cents > 0)
        .then(
            pl.when(style == 0)
            .then(pl.lit('"') + _income_decimal(cents) + pl.lit('"'))
            .otherwise(as_number)
        )
        .otherwise(
            pl.when(style == 0)
            .then(pl.lit('"0.00"'))
            .when(style == 1)
            .then(pl.lit("0"))
            .when(style == 2)
            .then(pl.lit('"0"'))
            .when(style == 3)
            .then(pl.lit('""'))
            .otherwise(pl.lit("null"))
        )
    )
    return frame.select(text.alias("renda")).to_series()


def phone_text(reg: Registration, at: np.ndarray) -> pl.Series:
    frame = _frame(
        area=zero_padded(reg.phone_area[at], 2),
        number=zero_padded(reg.phone_number[at], 9),
        style=reg.phone_style[at],
    )
    area, number, style = pl.col("area"), pl.col("number"), pl.col("style")
    hyphenated = number.str.slice(0, 5) + pl.lit("-") + number.str.slice(5, 4)
    text = (
        pl.when(style == 0)
        .then(pl.lit("(") + area + pl.lit(") ") + hyphenated)
        .when(style == 1)
        .then(pl.lit("+55 ") + area + pl.lit(" ") + hyphenated)
        .when(style == 2)
        .then(area + number)
        .otherwise(pl.lit("+55 (") + area + pl.lit(") ") + hyphenated)
    )
    return frame.select(text.alias("celular")).to_series()


def email_text(reg: Registration, at: np.ndarray) -> pl.Series:
    number = reg.email_number[at]
    frame = _frame(
        first=_gather(POOLS.email_first, reg.email_first[at]),
        surname=_gather(POOLS.email_surname, reg.email_surname[at]),
        number=number,
        layout=reg.email_layout[at],
        domain=_gather(POOLS.email_domains, reg.email_domain[at]),
        style=reg.email_style[at],
    )
    separator = (
        pl.when(pl.col("layout") == 0)
        .then(pl.lit("."))
        .when(pl.col("layout") == 1)
        .then(pl.lit(""))
        .otherwise(pl.lit("_"))
    )
    capitalized = pl.concat_str(
        [
            _capitalize(pl.col("first")),
            separator,
            _capitalize(pl.col("surname")),
            pl.when(pl.col("number") > 0)
            .then(pl.col("number").cast(pl.String))
            .otherwise(pl.lit("")),
            pl.lit("@"),
            _capitalize(pl.col("domain")),
        ]
    )
    lower = capitalized.str.to_lowercase()
    text = (
        pl.when(pl.col("style") == 0)
        .then(lower)
        .when(pl.col("style") == 1)
        .then(capitalized + pl.lit(" "))
        .otherwise(pl.lit(" ") + lower.str.to_uppercase())
    )
    return frame.select(text.alias("email")).to_series()


def _capitalize(text: pl.Expr) -> pl.Expr:
    return text.str.slice(0, 1).str.to_uppercase() + text.str.slice(1)


def cep_text(reg: Registration, at: np.ndarray) -> pl.Series:
    frame = _frame(digits=zero_padded(reg.cep[at], 8), style=reg.cep_style[at])
    digits = pl.col("digits")
    text = (
        pl.when(pl.col("style") == 0)
        .then(digits.str.slice(0, 5) + pl.lit("-") + digits.str.slice(5, 3))
        .otherwise(digits)
    )
    return frame.select(text.alias("cep")).to_series()


def address_parts(reg: Registration, at: np.ndarray) -> pl.DataFrame:
    """The address as the portal's parts; complemento is null when there is none."""
    complement = reg.complement[at]
    house = reg.house_number[at]
    frame = _frame(
        street=_gather(POOLS.streets, reg.street[at]),
        style=reg.address_style[at],
        house=house,
        complement=_gather(POOLS.complements, complement),
        has_complement=complement >= 0,
        district=_gather(POOLS.districts, reg.district[at]),
        city=_gather(POOLS.city_names, reg.city[at]),
        uf=_gather(POOLS.city_ufs, reg.city[at]),
    )
    street = pl.col("street")
    return frame.select(
        logradouro=pl.when(pl.col("style") == 1)
        .then(street.str.replace(" ", "  ", literal=True))
        .otherwise(street),
        numero=pl.when(pl.col("house") > 0)
        .then(pl.col("house").cast(pl.String))
        .otherwise(pl.lit("S/N")),
        complemento=pl.when("has_complement").then(pl.col("complement")),
        bairro=pl.col("district"),
        cidade=pl.col("city"),
        uf=pl.col("uf"),
    )


def address_json(reg: Registration, at: np.ndarray) -> pl.Series:
    parts = address_parts(reg, at)
    members = [
        pl.lit(f'"{name}": ') + json_string(pl.col(name))
        for name in ("logradouro", "numero", "complemento", "bairro", "cidade", "uf")
    ]
    text = pl.lit("{") + pl.concat_str(members, separator=", ") + pl.lit("}")
    return parts.select(text.alias("endereco")).to_series()


def json_value(field: str, reg: Registration, at: np.ndarray) -> pl.Series:
    """A field's current value as the portal's JSON text."""
    if field == "renda_familiar":
        return income_json(reg, at)
    if field == "endereco":
        return address_json(reg, at)
    text = {
        "nome": name_text,
        "rg": rg_text,
        "celular": phone_text,
        "email": email_text,
        "cep": cep_text,
    }[field](reg, at)
    return text.to_frame("value").select(json_string(pl.col("value"))).to_series()
