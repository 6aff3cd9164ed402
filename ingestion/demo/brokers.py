"""Brokerages (imobiliárias) and brokers (corretores): who sells, and since when.

Drawn once per generation, sized by the number of people. Brokers are numbered in the order they
joined, so that a sale can pick, in one binary search, among the brokers already registered then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo.catalog import POOLS, without_accents
from ingestion.demo.clock import epoch_of_local, format_crm_local
from ingestion.demo.cpf import CpfSequence, cpf_numbers, format_cnpj, format_cpf
from ingestion.demo.cvdw_rows import integer, quoted, text

FIRST_IDCORRETOR = 101
PEOPLE_PER_BROKER = 150
BROKERS_PER_REALTY = 40
NETWORK_START = date(2014, 1, 1)
FOUNDERS = 0.25  # brokers registered in the first year, so every sale finds one
WITHOUT_REALTY = 0.1  # autonomous brokers (idimobiliaria null)
DEACTIVATED = 0.03


def broker_count(people: int) -> int:
    return max(12, -(-people // PEOPLE_PER_BROKER))


@dataclass
class BrokerNetwork:
    realty_created: np.ndarray  # epoch seconds, per imobiliária (idimobiliaria = position + 1)
    realty_names: pl.Series
    realty_cnpj_base: np.ndarray
    broker_created: np.ndarray  # sorted; idcorretor = FIRST_IDCORRETOR + position
    broker_realty: np.ndarray  # position of the imobiliária, -1 for none
    broker_first: np.ndarray
    broker_surname: np.ndarray
    broker_cpf: np.ndarray
    broker_category: np.ndarray
    broker_active: np.ndarray
    broker_changed: np.ndarray  # last change: registration, or deactivation

    @classmethod
    def draw(
        cls, rng: np.random.Generator, people: int, cpfs: CpfSequence, until_end: int
    ) -> BrokerNetwork:
        brokers = broker_count(people)
        realties = max(3, round(brokers / BROKERS_PER_REALTY))
        start = epoch_of_local(NETWORK_START)
        first_year = start + 365 * 86_400
        realty_created = np.sort(start + rng.integers(0, 300 * 86_400, realties))
        later = first_year + (rng.random(brokers) * max(until_end - first_year, 1)).astype(np.int64)
        early = start + rng.integers(0, 365 * 86_400, brokers)
        created = np.sort(np.where(rng.random(brokers) < FOUNDERS, early, later))
        created[0] = start  # someone is always there
        active = rng.random(brokers) >= DEACTIVATED
        active[rng.integers(1, brokers)] = False  # at least one broker left
        left = created + 1 + (rng.random(brokers) * (until_end - created - 1)).astype(np.int64)
        offset = rng.integers(0, 89_999_999)
        return cls(
            realty_created=realty_created,
            realty_names=texts.realty_names(realties),
            realty_cnpj_base=10_000_000
            + (np.arange(realties) * 104_729 + int(offset)) % 89_999_999,
            broker_created=created,
            broker_realty=np.where(
                rng.random(brokers) < WITHOUT_REALTY, -1, rng.integers(0, realties, brokers)
            ),
            broker_first=rng.integers(0, len(POOLS.first_names), brokers),
            broker_surname=rng.integers(0, len(POOLS.surnames), brokers),
            broker_cpf=cpf_numbers(cpfs.bases(np.arange(people, people + brokers))),
            broker_category=rng.integers(0, len(texts.BROKER_CATEGORIES), brokers),
            broker_active=active,
            broker_changed=np.where(active, created, left),
        )

    @property
    def idcorretor(self) -> np.ndarray:
        return FIRST_IDCORRETOR + np.arange(len(self.broker_created))

    def pick(self, rng: np.random.Generator, at: np.ndarray) -> np.ndarray:
        """A broker registered at or before each instant (position in the network)."""
        available = np.searchsorted(self.broker_created, at, side="right")
        return (rng.random(len(at)) * np.maximum(available, 1)).astype(np.int64)

    def idimobiliaria(self, broker: np.ndarray) -> pl.Series:
        realty = self.broker_realty[broker]
        return pl.Series(np.where(realty >= 0, realty + 1, 0)).replace(0, None)

    def broker_names(self, broker: np.ndarray) -> pl.Series:
        first = POOLS.first_names.gather(self.broker_first[broker])
        return first + " " + POOLS.surnames.gather(self.broker_surname[broker])

    def realty_of(self, broker: np.ndarray) -> pl.Series:
        """The brokers' imobiliária names ("" for autonomous brokers)."""
        realty = self.broker_realty[broker]
        return self.realty_names.gather(np.clip(realty, 0, None)).zip_with(
            pl.Series(realty >= 0), pl.Series([""] * len(realty))
        )


def imobiliarias_frame(network: BrokerNetwork) -> pl.DataFrame:
    count = len(network.realty_created)
    names = network.realty_names
    words = [next(w for w in texts.REALTY_WORDS if w in name) for name in names]
    slugs = ["".join(without_accents(w).lower().split()) for w in words]
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(np.arange(1, count + 1)).cast(pl.String),
            "referencia_data": format_crm_local(network.realty_created),
            "idimobiliaria": np.arange(1, count + 1),
            "nome": names,
            "razao_social": pl.Series([f"{w} Negócios Imobiliários Ltda" for w in words]),
            "cnpj": format_cnpj(network.realty_cnpj_base),
            "creci": pl.Series([f"{1000 + 37 * i}-J" for i in range(count)]),
            "sigla": pl.Series([s[:3].upper() for s in slugs]),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idimobiliaria"),
        text("nome"),
        text("razao_social"),
        text("cnpj"),
        text("creci"),
        text("sigla"),
    )


def corretores_frame(network: BrokerNetwork) -> pl.DataFrame:
    """One version per broker; one more (ativo 'N') for those who left."""
    count = len(network.broker_created)
    everyone = np.arange(count)
    ids = network.idcorretor
    email_first = POOLS.email_first.gather(network.broker_first)
    email_surname = POOLS.email_surname.gather(network.broker_surname)
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(ids).cast(pl.String),
            "referencia_data": format_crm_local(network.broker_changed),
            "ativo": np.where(network.broker_active, "S", "N"),
            "idcorretor": ids,
            "idimobiliaria": network.idimobiliaria(everyone),
            "documento": format_cpf(network.broker_cpf),
            "nome": network.broker_names(everyone),
            "apelido": POOLS.first_names.gather(network.broker_first),
            "email": email_first
            + "."
            + email_surname
            + pl.Series(ids).cast(pl.String)
            + "@gmail.com",
            "categoria": texts.texts(texts.BROKER_CATEGORIES).gather(network.broker_category),
            "nivel": texts.texts(texts.BROKER_LEVELS).gather(
                (network.broker_realty >= 0).astype(np.int64)
            ),
            "creci": pl.Series(20_000 + ids * 7).cast(pl.String) + "-F",
        }
    )
    final = raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idcorretor"),
        integer("idimobiliaria"),
        text("documento"),
        text("nome"),
        text("apelido"),
        text("email"),
        text("categoria"),
        text("nivel"),
        text("creci"),
    )
    joined = final.with_columns(referencia_data=quoted(format_crm_local(network.broker_created)))
    frame = pl.concat(
        [
            joined.with_columns(ativo=pl.lit('"S"'), _position=everyone, _version=0),
            final.with_columns(_position=everyone, _version=1).filter(
                pl.Series(~network.broker_active)
            ),
        ]
    )
    return frame.sort("_position", "_version").drop("_position", "_version")
