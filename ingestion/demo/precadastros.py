"""Pré-cadastros: the credit analysis a broker opens for a client.

Most reservations had one shortly before (approved, sometimes not); some people have one and never
reserved. Ids follow the opening time within the block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo import registration as fields
from ingestion.demo.brokers import BrokerNetwork
from ingestion.demo.clock import DAY, format_crm_local
from ingestion.demo.cvdw_rows import integer, text
from ingestion.demo.ids import IdCounters, first_lead, lead_csv
from ingestion.demo.people import FIRST_IDPESSOA, Population
from ingestion.demo.profile import Profile
from ingestion.demo.sales import Reservations, of_reservation
from ingestion.demo.text import income_text, money_text
from ingestion.demo.units import Developments, Units

BEFORE_RESERVATION = 0.7
ALONE = np.array([0.05, 0.15, 0.05])  # without a reservation, by person situacao
IN_ANALYSIS, APPROVED, REJECTED, CANCELLED = range(4)  # PRECADASTRO_SITUACOES
REMOVED = 0.02  # of those without a reservation: ativo 'N'


@dataclass
class Precadastros:
    idprecadastro: np.ndarray
    person: np.ndarray
    reservation: np.ndarray  # position in Reservations, -1 for none
    at: np.ndarray
    decided_at: np.ndarray
    situacao: np.ndarray
    broker: np.ndarray
    active: np.ndarray

    def of_reservations(self, count: int) -> np.ndarray:
        """idprecadastro per reservation (0 where none)."""
        ids = np.zeros(count, dtype=np.int64)
        linked = self.reservation >= 0
        ids[self.reservation[linked]] = self.idprecadastro[linked]
        return ids


def draw_precadastros(
    rng: np.random.Generator,
    population: Population,
    reservations: Reservations,
    network: BrokerNetwork,
    ids: IdCounters,
    until_end: int,
) -> Precadastros:
    linked = np.flatnonzero(rng.random(len(reservations)) < BEFORE_RESERVATION)
    reserved_at = reservations.at[linked]
    person = reservations.person[linked]
    gap = np.minimum(reserved_at - population.registered_at[person], 60 * DAY)
    at = reserved_at - np.maximum(600, gap * rng.uniform(0.05, 0.95, len(linked))).astype(np.int64)
    decided = at + ((reserved_at - at) * rng.uniform(0.1, 0.9, len(linked))).astype(np.int64)
    situacao = np.where(rng.random(len(linked)) < 0.85, APPROVED, REJECTED)

    has_reservation = np.zeros(len(population), dtype=bool)
    has_reservation[reservations.person] = True
    alone = np.flatnonzero(
        ~has_reservation & (rng.random(len(population)) < ALONE[population.situacao])
    )
    since = population.registered_at[alone]
    alone_at = since + (rng.random(len(alone)) * (until_end - since)).astype(np.int64)
    alone_decided = alone_at + rng.integers(DAY, 20 * DAY, len(alone))
    alone_situacao = rng.choice(
        [APPROVED, REJECTED, CANCELLED], size=len(alone), p=[0.4, 0.35, 0.25]
    )
    open_now = alone_decided > until_end  # not decided yet
    alone_situacao = np.where(open_now, IN_ANALYSIS, alone_situacao)
    alone_decided = np.where(open_now, alone_at, alone_decided)

    at_all = np.concatenate([at, alone_at])
    order = np.argsort(at_all, kind="stable")
    broker = np.concatenate([reservations.broker[linked], network.pick(rng, alone_at)])
    active = np.concatenate([np.ones(len(linked), bool), rng.random(len(alone)) >= REMOVED])
    return Precadastros(
        idprecadastro=ids.take("idprecadastro", len(order)),
        person=np.concatenate([person, alone])[order],
        reservation=np.concatenate([linked, np.full(len(alone), -1)])[order],
        at=at_all[order],
        decided_at=np.concatenate([decided, alone_decided])[order],
        situacao=np.concatenate([situacao, alone_situacao])[order],
        broker=broker[order],
        active=active[order],
    )


def precadastros_frame(
    pre: Precadastros,
    population: Population,
    profile: Profile,
    reservations: Reservations,
    units: Units,
    dev: Developments,
    network: BrokerNetwork,
    financing_cents: np.ndarray,
) -> pl.DataFrame:
    """financing_cents: per reservation, the bank financing of its flow (0 where none)."""
    linked = pre.reservation >= 0
    unit = of_reservation(reservations.unit, pre.reservation)
    value = of_reservation(reservations.value_cents, pre.reservation)
    financing = of_reservation(financing_cents, pre.reservation)
    approved = np.where(financing > 0, financing, value * 7 // 10)
    income = population.registration.income_cents[pre.person]
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(pre.idprecadastro).cast(pl.String),
            "referencia_data": format_crm_local(pre.decided_at),
            "ativo": np.where(pre.active, "S", "N"),
            "idprecadastro": pre.idprecadastro,
            "idsituacao": pre.situacao + 1,
            "situacao": texts.texts(texts.PRECADASTRO_SITUACOES).gather(pre.situacao),
            "linked": linked,
            "idempreendimento": units.development[unit] + 1,
            "empreendimento": dev.names.gather(units.development[unit]),
            "idunidade": units.idunidade[unit],
            "idcorretor": network.idcorretor[pre.broker],
            "corretor": network.broker_names(pre.broker),
            "idimobiliaria": network.idimobiliaria(pre.broker),
            "imobiliaria": network.realty_of(pre.broker),
            "pessoa": fields.name_text(population.registration, pre.person),
            "income": income,
            "short_zero": population.idpessoa[pre.person] % 2 == 0,
            "idpessoa": population.idpessoa[pre.person],
            "first_lead": first_lead(population.idpessoa[pre.person] - FIRST_IDPESSOA),
            "leads": profile.leads[pre.person],
            "unit_price": units.price_cents[unit],
            "approved": np.where(pre.situacao == APPROVED, approved, 0),
            "value": value,
            "data_cad": format_crm_local(pre.at),
        }
    )
    when_linked = pl.col("linked")
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idprecadastro"),
        integer("idsituacao"),
        text("situacao"),
        integer("idempreendimento", pl.when(when_linked).then(pl.col("idempreendimento"))),
        text(
            "empreendimento",
            pl.when(when_linked).then(pl.col("empreendimento")).otherwise(pl.lit("")),
        ),
        integer("idunidade", pl.when(when_linked).then(pl.col("idunidade"))),
        integer("idcorretor"),
        text("corretor"),
        integer("idimobiliaria"),
        text("imobiliaria"),
        text("pessoa"),
        text("renda_cliente_principal", income_text(pl.col("income"), pl.col("short_zero"))),
        integer("idpessoa"),
        text("idlead", lead_csv(pl.col("first_lead"), pl.col("leads"))),
        text(
            "valor_avaliacao",
            pl.when(when_linked).then(money_text(pl.col("unit_price"))).otherwise(pl.lit("")),
        ),
        text("valor_aprovado", money_text(pl.col("approved"))),
        text(
            "valor_total",
            pl.when(when_linked).then(money_text(pl.col("value"))).otherwise(pl.lit("")),
        ),
        text("data_cad"),
        text("data_ultima_alteracao_situacao", pl.col("referencia_data")),
    )
