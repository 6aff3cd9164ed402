"""Who reserves which unit, through which broker, and how each reservation ends.

A reservation (reserva) is made after the person registered and after its development launched.
It then stays in analysis, is approved, becomes a sale (venda), is cancelled, or is sold and later
undone (distrato). Clients ('Cliente') mostly buy, prospects mostly hesitate, 'Não cliente' people
mostly gave up. Some sales are transferred to another person (cessão).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo.brokers import BrokerNetwork
from ingestion.demo.clock import DAY, local_day
from ingestion.demo.ids import IdCounters
from ingestion.demo.people import Population
from ingestion.demo.units import AVAILABLE, RESERVED, SOLD, Developments, UnitOutcome, Units

IN_ANALYSIS, APPROVED, SOLD_SITUACAO, CANCELLED, DISTRATO = range(5)  # RESERVA_SITUACOES
RESERVING = np.array([0.7, 0.12, 0.25])  # by person situacao: Cliente, Prospect, Não cliente
SECOND_RESERVATION = 0.06  # clients buying a second unit
STALE = 180 * DAY  # a reservation older than this is no longer pending: it was cancelled
EMPTY_KEYS_DATE = 0.15  # reservations without their own keys date (the unit's applies)
ZERO_SALE_DATE = 0.02  # sales whose data_venda the CRM holds as '0000-00-00'
ASSOCIATES = 0.2
CESSAO = 0.025
OTHER_PERSON_TRIES = 8


@dataclass
class Reservations:
    """One block's reservations, in the order of their ids (time order)."""

    idreserva: np.ndarray
    person: np.ndarray  # position in the block
    unit: np.ndarray  # position in the block's Units
    at: np.ndarray  # data_cad
    broker: np.ndarray  # position in the BrokerNetwork
    situacao: np.ndarray  # final, index into RESERVA_SITUACOES
    approved_at: np.ndarray  # -1 where never approved
    sold_at: np.ndarray  # -1 where never sold
    contract_day: np.ndarray  # -1 where no contract
    ended_at: np.ndarray  # cancellation or distrato; -1 otherwise
    value_cents: np.ndarray
    keys_day: np.ndarray  # the reservation's own keys date; -1 where empty
    idtabela: np.ndarray
    sale_date_zero: np.ndarray

    def __len__(self) -> int:
        return len(self.idreserva)

    @property
    def sold(self) -> np.ndarray:
        """Reservations that became a sale (venda 'Sim'), undone later or not."""
        return self.sold_at >= 0

    def changed_at(self) -> np.ndarray:
        """When the reservation row last changed (before any cessão)."""
        return np.maximum.reduce([self.at, self.approved_at, self.sold_at, self.ended_at])


def draw_reservations(
    rng: np.random.Generator,
    population: Population,
    units: Units,
    dev: Developments,
    network: BrokerNetwork,
    ids: IdCounters,
    until_end: int,
) -> Reservations:
    n = len(population)
    first = rng.random(n) < RESERVING[population.situacao]
    second = first & (population.situacao == 0) & (rng.random(n) < SECOND_RESERVATION)
    person = np.concatenate([np.flatnonzero(first), np.flatnonzero(second)])
    person = rng.permutation(person)[: len(units)]
    unit = rng.permutation(len(units))[: len(person)]

    start = np.maximum(population.registered_at[person] + DAY, units.launch[unit])
    room = until_end - DAY - start
    fits = room > DAY
    person, unit, start, room = person[fits], unit[fits], start[fits], room[fits]
    r = len(person)
    at = start + (rng.random(r) * np.minimum(room, 540 * DAY)).astype(np.int64)
    order = np.argsort(at, kind="stable")
    person, unit, at = person[order], unit[order], at[order]

    situacao, approved_at, sold_at, ended_at = _outcomes(rng, population.situacao[person], at)
    situacao, approved_at, sold_at, ended_at = _as_of(
        situacao, approved_at, sold_at, ended_at, at, until_end
    )
    contract = np.where(sold_at >= 0, local_day(sold_at) + rng.integers(0, 31, r), -1)
    contract = np.minimum(contract, local_day(np.array([until_end]))[0])
    price = units.price_cents[unit] * rng.uniform(0.88, 1.0, r)
    value = np.where(
        rng.random(r) < 0.8, np.round(price / 100_000) * 100_000, np.round(price)
    ).astype(np.int64)
    own_keys = units.keys_day[unit] + rng.integers(0, 181, r)
    return Reservations(
        idreserva=ids.take("idreserva", r),
        person=person,
        unit=unit,
        at=at,
        broker=network.pick(rng, at),
        situacao=situacao,
        approved_at=approved_at,
        sold_at=sold_at,
        contract_day=contract,
        ended_at=ended_at,
        value_cents=value,
        keys_day=np.where(rng.random(r) < EMPTY_KEYS_DATE, -1, own_keys),
        idtabela=dev.table_id(units.development[unit], at),
        sale_date_zero=(sold_at >= 0) & (rng.random(r) < ZERO_SALE_DATE),
    )


def _outcomes(
    rng: np.random.Generator, person_situacao: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The planned path of each reservation (before cutting it at `until`)."""
    r = len(at)
    draw = rng.random(r)
    client, prospect = person_situacao == 0, person_situacao == 1
    sells = np.where(client, draw < 0.86, ~prospect & (draw < 0.3))
    pending = np.where(client, draw >= 0.93, prospect & (draw < 0.5))
    undone = sells & np.where(client, rng.random(r) < 0.03, True)
    approved_at = at + rng.integers(DAY, 20 * DAY, r)
    sold_at = approved_at + rng.integers(0, 10 * DAY, r)
    cancelled_at = at + rng.integers(3 * DAY, 90 * DAY, r)
    distrato_at = sold_at + rng.integers(60 * DAY, 900 * DAY, r)
    situacao = np.select(
        [undone, sells, pending], [DISTRATO, SOLD_SITUACAO, IN_ANALYSIS], CANCELLED
    )
    ended = np.where(undone, distrato_at, np.where(situacao == CANCELLED, cancelled_at, -1))
    approved = np.where((situacao == CANCELLED) | (situacao == IN_ANALYSIS), -1, approved_at)
    approved = np.where(pending & (rng.random(r) < 0.5), approved_at, approved)
    sold = np.where(sells, sold_at, -1)
    return situacao, approved, sold, ended


def _as_of(
    situacao: np.ndarray,
    approved_at: np.ndarray,
    sold_at: np.ndarray,
    ended_at: np.ndarray,
    at: np.ndarray,
    until_end: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What has happened by the end of `until`: later steps have not happened yet, and a
    reservation pending for too long was cancelled."""
    approved_at = np.where(approved_at > until_end, -1, approved_at)
    sold_at = np.where(sold_at > until_end, -1, sold_at)
    ended_at = np.where(ended_at > until_end, -1, ended_at)
    stale = at < until_end - STALE
    situacao = np.select(
        [
            (situacao == DISTRATO) & (ended_at >= 0),
            sold_at >= 0,
            (situacao == CANCELLED) & (ended_at >= 0),
            stale,
            approved_at >= 0,
        ],
        [DISTRATO, SOLD_SITUACAO, CANCELLED, CANCELLED, APPROVED],
        IN_ANALYSIS,
    )
    cancelled_late = (situacao == CANCELLED) & (ended_at < 0)
    ended_at = np.where(cancelled_late, at + 90 * DAY, ended_at)
    approved_at = np.where(situacao == CANCELLED, -1, approved_at)
    return situacao, approved_at, sold_at, ended_at


def of_reservation(values: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """values[reservation] where reservation >= 0, else 0 (also when there are none at all)."""
    return np.concatenate([values, np.zeros(1, dtype=values.dtype)])[reservation]


def unit_outcome(units: Units, reservations: Reservations) -> UnitOutcome:
    status = np.full(len(units), AVAILABLE)
    changed_at = units.launch.copy()
    situacao, unit = reservations.situacao, reservations.unit
    status[unit] = np.select(
        [situacao == SOLD_SITUACAO, (situacao == IN_ANALYSIS) | (situacao == APPROVED)],
        [SOLD, RESERVED],
        AVAILABLE,
    )
    changed_at[unit] = np.select(
        [situacao == SOLD_SITUACAO, reservations.ended_at >= 0],
        [reservations.sold_at, reservations.ended_at],
        reservations.at,
    )
    return UnitOutcome(status, changed_at)


@dataclass
class Transfers:
    """Cessões: sales whose rights passed to another person of the block."""

    idcessao: np.ndarray
    reservation: np.ndarray  # position in Reservations
    cessionario: np.ndarray  # person position
    at: np.ndarray
    situacao: np.ndarray  # index into CESSAO_SITUACOES; 0 = concluded

    def concluded_reservations(self) -> np.ndarray:
        return self.reservation[self.situacao == 0]


def draw_transfers(
    rng: np.random.Generator,
    reservations: Reservations,
    population: Population,
    ids: IdCounters,
    until_end: int,
) -> Transfers:
    candidates = np.flatnonzero(reservations.situacao == SOLD_SITUACAO)
    chosen = candidates[rng.random(len(candidates)) < CESSAO]
    at = reservations.sold_at[chosen] + rng.integers(90 * DAY, 1500 * DAY, len(chosen))
    chosen, at = chosen[at <= until_end], at[at <= until_end]
    other, found = other_person(rng, reservations.person[chosen], at, population)
    chosen, at, other = chosen[found], at[found], other[found]
    return Transfers(
        idcessao=ids.take("idcessao", len(chosen)),
        reservation=chosen,
        cessionario=other,
        at=at,
        situacao=rng.choice(3, size=len(chosen), p=[0.8, 0.15, 0.05]),
    )


def other_person(
    rng: np.random.Generator, person: np.ndarray, at: np.ndarray, population: Population
) -> tuple[np.ndarray, np.ndarray]:
    """Another person of the block for each given one, registered before `at`; and whether one
    was found (a few tries each)."""
    n, people = len(person), len(population)
    other = np.zeros(n, dtype=np.int64)
    found = np.zeros(n, dtype=bool)
    if people < 2:
        return other, found
    for _ in range(OTHER_PERSON_TRIES):
        candidate = (person + rng.integers(1, people, n)) % people
        fits = ~found & (population.registered_at[candidate] < at)
        other[fits], found[fits] = candidate[fits], True
    return other, found


@dataclass
class Associates:
    idassociado: np.ndarray
    reservation: np.ndarray
    person: np.ndarray
    kind: np.ndarray  # index into ASSOCIATION_TYPES


def draw_associates(
    rng: np.random.Generator, reservations: Reservations, population: Population, ids: IdCounters
) -> Associates:
    chosen = np.flatnonzero(rng.random(len(reservations)) < ASSOCIATES)
    other, found = other_person(
        rng, reservations.person[chosen], reservations.at[chosen], population
    )
    chosen, other = chosen[found], other[found]
    return Associates(
        idassociado=ids.take("idassociado", len(chosen)),
        reservation=chosen,
        person=other,
        kind=rng.choice(4, size=len(chosen), p=[0.5, 0.3, 0.1, 0.1]),
    )
