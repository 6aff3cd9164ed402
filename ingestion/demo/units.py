"""Developments (empreendimentos, with etapas and blocos) and their units (unidades).

Every development has the same shape: ETAPAS etapas of BLOCOS blocos of FLOORS floors with
PER_FLOOR units. Developments are drawn once per generation; units are drawn block by block: the
people of a block buy from the units of that block's range (4 units per 5 people), so every unit
is written once, with the outcome of its sales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo.catalog import POOLS
from ingestion.demo.clock import (
    DAY,
    add_months,
    epoch_of_local,
    format_br_date,
    format_crm_local,
    local_day,
)
from ingestion.demo.cvdw_rows import integer, quoted, text
from ingestion.demo.text import money_text

UNITS_PER_PERSON = (4, 5)  # numerator, denominator
ETAPAS, BLOCOS, FLOORS, PER_FLOOR = 2, 2, 8, 4
UNITS_PER_DEVELOPMENT = ETAPAS * BLOCOS * FLOORS * PER_FLOOR
FIRST_IDUNIDADE = 1001
FIRST_LAUNCH = date(2014, 3, 1)
AREA_BY_POSITION = np.array([8_500, 6_200, 5_800, 8_000])  # m² in hundredths
UNKNOWN_DATE = 0.04  # developments whose delivery or keys date the CRM holds as '0000-00-00'
BLOCKED, REMOVED, BLOCK_DATE_ZERO = 0.02, 0.02, 0.03  # shares of units never reserved
AVAILABLE, RESERVED, SOLD, BLOCKED_STATUS = range(4)  # index into UNITS_MAP


def unit_range(first_person: int, stop_person: int) -> tuple[int, int]:
    """The global unit positions that the people [first_person, stop_person) buy from."""
    numerator, denominator = UNITS_PER_PERSON
    return -(-first_person * numerator // denominator), -(-stop_person * numerator // denominator)


@dataclass
class Developments:
    launch: np.ndarray  # epoch seconds
    delivery_day: np.ndarray  # (developments, ETAPAS) day numbers
    keys_day: np.ndarray  # (developments, ETAPAS) day numbers
    delivery_unknown: np.ndarray  # shown as '0000-00-00'
    keys_unknown: np.ndarray
    price_m2: np.ndarray  # reais
    area_factor: np.ndarray
    city: np.ndarray
    names: pl.Series

    @classmethod
    def draw(cls, rng: np.random.Generator, people: int, until: date) -> Developments:
        units = unit_range(0, people)[1]
        count = max(1, -(-units // UNITS_PER_DEVELOPMENT))
        first = epoch_of_local(FIRST_LAUNCH)
        last = epoch_of_local(until - timedelta(days=120))
        # One launch per stretch of the years, in random order: even a small demo spans them.
        stretch = (rng.permutation(count) + rng.random(count)) / count
        launch = first + (stretch * max(last - first, DAY)).astype(np.int64)
        months = 30 + 8 * np.arange(ETAPAS)[None, :] + rng.integers(-6, 7, (count, ETAPAS))
        delivery = add_months(local_day(launch)[:, None], months, rng.integers(1, 29, (count, 1)))
        return cls(
            launch=launch,
            delivery_day=delivery,
            keys_day=delivery + rng.integers(0, 91, (count, ETAPAS)),
            delivery_unknown=rng.random(count) < UNKNOWN_DATE,
            keys_unknown=rng.random(count) < UNKNOWN_DATE,
            price_m2=rng.uniform(4_500, 11_000, count),
            area_factor=rng.uniform(0.8, 1.3, count),
            city=rng.choice(len(POOLS.city_weights), size=count, p=POOLS.city_weights),
            names=texts.development_names(count),
        )

    def table_id(self, development: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The price table in force: one per development and year since launch."""
        year = np.clip((at - self.launch[development]) // (365 * DAY), 0, 9)
        return 100 * (development + 1) + year + 1


@dataclass
class Units:
    """The units of one block's range, in position order."""

    index: np.ndarray  # global position; idunidade = FIRST_IDUNIDADE + index
    development: np.ndarray
    etapa: np.ndarray
    bloco: np.ndarray  # within its etapa
    floor: np.ndarray  # 1..FLOORS
    position: np.ndarray  # on the floor, 1..PER_FLOOR
    area: np.ndarray  # m² in hundredths
    price_cents: np.ndarray
    launch: np.ndarray
    keys_day: np.ndarray  # the real keys date (even where the CRM shows '0000-00-00')

    @classmethod
    def draw(cls, rng: np.random.Generator, dev: Developments, start: int, stop: int) -> Units:
        index = np.arange(start, stop, dtype=np.int64)
        development, within = np.divmod(index, UNITS_PER_DEVELOPMENT)
        etapa, within = np.divmod(within, BLOCOS * FLOORS * PER_FLOOR)
        bloco, within = np.divmod(within, FLOORS * PER_FLOOR)
        floor, position = np.divmod(within, PER_FLOOR)
        top = floor == FLOORS - 1
        area = AREA_BY_POSITION[position] * dev.area_factor[development] * np.where(top, 1.6, 1)
        area = (area + rng.integers(-150, 151, len(index))).astype(np.int64)
        price = area / 100 * dev.price_m2[development] * (1 + 0.01 * floor)
        return cls(
            index=index,
            development=development,
            etapa=etapa,
            bloco=bloco,
            floor=floor + 1,
            position=position + 1,
            area=area,
            price_cents=(np.round(price / 1000) * 100_000).astype(np.int64),
            launch=dev.launch[development],
            keys_day=dev.keys_day[development, etapa],
        )

    def __len__(self) -> int:
        return len(self.index)

    @property
    def idunidade(self) -> np.ndarray:
        return FIRST_IDUNIDADE + self.index

    def idetapa(self) -> np.ndarray:
        return self.development * ETAPAS + self.etapa + 1

    def idbloco(self) -> np.ndarray:
        return (self.development * ETAPAS + self.etapa) * BLOCOS + self.bloco + 1

    def etapa_names(self) -> pl.Series:
        return "Etapa " + pl.Series(self.etapa + 1).cast(pl.String)

    def bloco_names(self) -> pl.Series:
        return "Bloco " + pl.Series(self.bloco).replace_strict([0, 1], ["A", "B"])

    def unit_names(self) -> pl.Series:
        return pl.Series(self.floor * 100 + self.position).cast(pl.String)


@dataclass
class UnitOutcome:
    """Where the sales left each unit of a block: final map status and when it was set."""

    status: np.ndarray  # index into UNITS_MAP
    changed_at: np.ndarray  # epoch seconds; the launch where nothing happened


def unidades_frame(
    rng: np.random.Generator, units: Units, dev: Developments, outcome: UnitOutcome, until_end: int
) -> pl.DataFrame:
    """A first version at launch (available) and, where something happened, the final one.
    Some units nobody reserved end blocked (with data_bloqueio) or removed (ativo 'N')."""
    n = len(units)
    untouched = (outcome.status == AVAILABLE) & (outcome.changed_at == units.launch)
    draw = rng.random(n)
    blocked = untouched & (draw < BLOCKED)
    removed = untouched & (draw >= BLOCKED) & (draw < BLOCKED + REMOVED)
    span = np.maximum(until_end - units.launch - 1, 1)
    later = units.launch + 1 + (rng.random(n) * span).astype(np.int64)
    status = np.where(blocked, BLOCKED_STATUS, outcome.status)
    changed_at = np.where(blocked | removed, later, outcome.changed_at)
    empty_block_date = np.where(rng.random(n) < BLOCK_DATE_ZERO, "0000-00-00", "")
    block_date = format_br_date(local_day(changed_at)).zip_with(
        pl.Series(blocked), pl.Series(empty_block_date)
    )
    last = _unit_rows(units, dev, changed_at, ~removed, status, block_date)
    first = last.with_columns(
        referencia_data=quoted(format_crm_local(units.launch)),
        ativo=pl.lit('"S"'),
        data_bloqueio=quoted(pl.Series(empty_block_date)),
        situacao_mapa_disponibilidade=pl.lit(f'"{texts.UNITS_MAP[AVAILABLE]}"'),
    )
    changed = changed_at != units.launch
    frame = pl.concat(
        [
            first.with_columns(_position=units.index, _version=0),
            last.with_columns(_position=units.index, _version=1).filter(pl.Series(changed)),
        ]
    )
    return frame.sort("_position", "_version").drop("_position", "_version")


def _unit_rows(
    units: Units,
    dev: Developments,
    at: np.ndarray,
    active: np.ndarray,
    status: np.ndarray,
    block_date: pl.Series,
) -> pl.DataFrame:
    d = units.development
    delivery = _br_or_zero(dev.delivery_day[d, units.etapa], dev.delivery_unknown[d])
    keys = _br_or_zero(units.keys_day, dev.keys_unknown[d])
    raw = pl.DataFrame(
        {
            "referencia": units.idunidade,
            "referencia_data": format_crm_local(at),
            "ativo": np.where(active, "S", "N"),
            "idempreendimento": d + 1,
            "nome_empreendimento": dev.names.gather(d),
            "idetapa": units.idetapa(),
            "etapa": units.etapa_names(),
            "idbloco": units.idbloco(),
            "bloco": units.bloco_names(),
            "nome": units.unit_names(),
            "area": units.area,
            "andar": units.floor,
            "tipologia": texts.texts(texts.TIPOLOGIAS).gather(units.position - 1),
            "top": units.floor == FLOORS,
            "price": units.price_cents,
            "data_bloqueio": block_date,
            "data_entrega": delivery,
            "data_entrega_chaves": keys,
            "mapa": texts.texts(texts.UNITS_MAP).gather(status),
        }
    )
    return raw.select(
        integer("referencia"),  # an integer here, unlike every other object
        text("referencia_data"),
        text("ativo"),
        integer("idempreendimento"),
        text("tipo_empreendimento", pl.lit("Residencial Vertical")),
        text("nome_empreendimento"),
        integer("idetapa"),
        text("etapa"),
        integer("idbloco"),
        text("bloco"),
        text("nome"),
        text("area_privativa", money_text(pl.col("area"))),
        text("idunidade", pl.col("referencia").cast(pl.String)),  # a string of digits
        integer("andar"),
        text("tipologia", pl.when("top").then(pl.lit("Cobertura")).otherwise(pl.col("tipologia"))),
        text("valor", money_text(pl.col("price"))),
        text("data_bloqueio"),
        text("data_entrega"),
        text("data_entrega_chaves"),
        text("situacao_mapa_disponibilidade", pl.col("mapa")),
    )


def _br_or_zero(days: np.ndarray, unknown: np.ndarray) -> pl.Series:
    return format_br_date(days).zip_with(pl.Series(~unknown), pl.Series(["0000-00-00"] * len(days)))
