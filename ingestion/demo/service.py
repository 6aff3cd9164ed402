"""After-sale service: atendimentos (tickets) and assistências técnicas (repairs).

Buyers open tickets after their sale; a few other people ask something too. Once the keys are
delivered, some tickets are about a repair, and most of those open an assistência linked by
`idatendimento`; other assistências are opened directly. An atendimento's `protocolo` is the
opening date (YYMMDD) followed by its id; `idprotocolo` is a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo import registration as fields
from ingestion.demo.clock import DAY, format_crm_local, format_iso_date, local_day, local_to_epoch
from ingestion.demo.cvdw_rows import id_list, integer, text
from ingestion.demo.ids import IdCounters
from ingestion.demo.sales import DISTRATO, of_reservation
from ingestion.demo.sales_rows import SalesBlock
from ingestion.demo.text import money_text, zero_padded

TICKETS_PER_SALE = 0.7
ASKING_OTHERS = 0.03  # people without a sale who open a ticket
REPAIR_SUBJECT = 0.4  # of tickets after the keys
REPAIR_OPENED = 0.7  # repair tickets that open an assistência
DIRECT_REPAIRS = 0.05  # delivered sales with an assistência opened directly
REMOVED = 0.01
TEXT_COST = 1 / 500  # custo_previsto as text ("a definir"); at least one per block
OPEN, IN_PROGRESS, FINISHED, CANCELLED = range(4)  # ATENDIMENTO_SITUACOES


@dataclass
class Tickets:
    idatendimento: np.ndarray
    person: np.ndarray
    reservation: np.ndarray  # -1 where not about a sale
    at: np.ndarray
    repair: np.ndarray


def draw_tickets(
    rng: np.random.Generator, sales: SalesBlock, ids: IdCounters, until_end: int
) -> Tickets:
    res = sales.reservations
    sold = np.flatnonzero(res.sold)
    per_sale = rng.poisson(TICKETS_PER_SALE, len(sold))
    linked = np.repeat(sold, per_sale)
    since = res.sold_at[linked]
    linked_at = since + (rng.random(len(linked)) * (until_end - since)).astype(np.int64)

    buyers = np.zeros(len(sales.population), dtype=bool)
    buyers[res.person[sold]] = True
    others = np.flatnonzero(~buyers & (rng.random(len(buyers)) < ASKING_OTHERS))
    registered = sales.population.registered_at[others]
    others_at = registered + (rng.random(len(others)) * (until_end - registered)).astype(np.int64)

    reservation = np.concatenate([linked, np.full(len(others), -1)])
    person = np.concatenate([res.person[linked], others])
    at = np.concatenate([linked_at, others_at])
    order = np.argsort(at, kind="stable")
    reservation, person, at = reservation[order], person[order], at[order]
    keys = sales.units.keys_day[of_reservation(res.unit, reservation)]
    delivered = (reservation >= 0) & (keys <= local_day(at))
    return Tickets(
        idatendimento=ids.take("idatendimento", len(at)),
        person=person,
        reservation=reservation,
        at=at,
        repair=delivered & (rng.random(len(at)) < REPAIR_SUBJECT),
    )


def atendimentos_frame(
    rng: np.random.Generator, tickets: Tickets, sales: SalesBlock, ids: IdCounters, until_end: int
) -> pl.DataFrame:
    n = len(tickets.at)
    res, network, population = sales.reservations, sales.network, sales.population
    unit = of_reservation(res.unit, tickets.reservation)
    broker = of_reservation(res.broker, tickets.reservation)
    linked = tickets.reservation >= 0
    age = until_end - tickets.at
    settled = np.where(rng.random(n) < 0.95, FINISHED, CANCELLED)
    recent = rng.choice([OPEN, IN_PROGRESS, FINISHED], size=n, p=[0.4, 0.4, 0.2])
    situacao = np.where(age > 30 * DAY, settled, recent)
    closing = rng.integers(3_600, 20 * DAY, n)
    closing = np.where(closing < age, closing, age * rng.uniform(0.1, 0.9, n)).astype(np.int64)
    moved = np.select(
        [situacao >= FINISHED, situacao == IN_PROGRESS],
        [tickets.at + closing, tickets.at + (rng.random(n) * age).astype(np.int64)],
        tickets.at,
    )
    channel = rng.choice(len(texts.CHANNELS), size=n, p=[0.35, 0.3, 0.15, 0.15, 0.05])
    # People without a sale ask about documents, financing, their registration, or complain.
    subject = np.where(
        linked,
        rng.integers(0, len(texts.ATENDIMENTO_ASSUNTOS), n),
        rng.integers(2, len(texts.ATENDIMENTO_ASSUNTOS) - 1, n),
    )
    subject = np.where(tickets.repair, -1, subject)
    rated = (situacao == FINISHED) & (rng.random(n) < 0.6)
    opened_on = format_iso_date(local_day(tickets.at))
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(tickets.idatendimento).cast(pl.String),
            "referencia_data": format_crm_local(moved),
            "ativo": np.where(rng.random(n) < REMOVED, "N", "S"),
            "idatendimento": tickets.idatendimento,
            "yymmdd": opened_on.str.slice(2, 2)
            + opened_on.str.slice(5, 2)
            + opened_on.str.slice(8, 2),
            "data_cad": format_crm_local(tickets.at),
            "nome_cliente": fields.name_text(population.registration, tickets.person),
            "person": tickets.person,
            "link": rng.choice(3, size=n, p=[0.5, 0.25, 0.25]),
            "avaliacao": pl.Series(
                rng.choice(5, size=n, p=[0.05, 0.05, 0.15, 0.35, 0.4]) + 1
            ).zip_with(pl.Series(rated), pl.Series([None] * n, dtype=pl.Int64)),
            "canal": texts.texts(texts.CHANNELS).gather(channel),
            "linked": linked,
            "idempreendimento": sales.units.development[unit] + 1,
            "idcliente": population.idpessoa[tickets.person],
            "documento_cliente": zero_padded(population.cpf[tickets.person], 11),
            "situacao": texts.texts(texts.ATENDIMENTO_SITUACOES).gather(situacao),
            "idprotocolo": ids.take("idprotocolo", n),
            "assunto": texts.texts(
                [texts.TECHNICAL_ASSISTANCE, *texts.ATENDIMENTO_ASSUNTOS]
            ).gather(subject + 1),
            "tipo": texts.texts(texts.ATENDIMENTO_TIPOS).gather((channel != 0).astype(np.int64)),
            "idcorretor": network.idcorretor[broker],
            "idimobiliaria": network.idimobiliaria(broker),
        }
    ).join(_client_units(sales), on="person", how="left", maintain_order="left")
    previous = pl.col("idatendimento").shift(1).over("person")
    before_previous = pl.col("idatendimento").shift(2).over("person")
    vinculados = pl.concat_str(
        [
            pl.when(pl.col("link") >= 2).then(before_previous.cast(pl.String)),
            pl.when(pl.col("link") >= 1).then(previous.cast(pl.String)),
        ],
        separator=", ",
        ignore_nulls=True,
    )
    when_linked = pl.col("linked")
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idatendimento"),
        text("protocolo", pl.col("yymmdd") + pl.col("idatendimento").cast(pl.String)),
        text("data_cad"),
        text("data_situacao", pl.col("referencia_data")),
        text("nome_cliente"),
        text("idatendimento_vinculados", vinculados),
        integer("avaliacao"),
        text("canal"),
        integer("idempreendimento", pl.when(when_linked).then(pl.col("idempreendimento"))),
        text("idunidade", pl.col("units").fill_null("")),
        integer("idcliente"),
        text("documento_cliente"),
        text("situacao"),
        integer("idprotocolo"),
        text("assunto"),
        text("tipo"),
        integer("idcorretor", pl.when(when_linked).then(pl.col("idcorretor"))),
        integer("idimobiliaria", pl.when(when_linked).then(pl.col("idimobiliaria"))),
    )


def _client_units(sales: SalesBlock) -> pl.DataFrame:
    """Each buyer's units as the CRM's spaced list ("4, 5, 29")."""
    res = sales.reservations
    sold = res.sold
    return (
        pl.DataFrame(
            {"person": res.person[sold], "idunidade": sales.units.idunidade[res.unit[sold]]}
        )
        .group_by("person")
        .agg(units=id_list(pl.col("idunidade").sort(), ", "))
    )


def assistencias_frame(
    rng: np.random.Generator, tickets: Tickets, sales: SalesBlock, ids: IdCounters, until_end: int
) -> pl.DataFrame:
    res, units, population = sales.reservations, sales.units, sales.population
    from_ticket = np.flatnonzero(tickets.repair & (rng.random(len(tickets.at)) < REPAIR_OPENED))
    room = np.minimum(until_end - tickets.at[from_ticket], 3 * DAY)
    ticket_at = tickets.at[from_ticket] + (rng.random(len(from_ticket)) * room).astype(np.int64)
    keys_at = local_to_epoch(units.keys_day[res.unit] * DAY + 10 * 3600)
    delivered = (res.situacao != DISTRATO) & res.sold & (keys_at < until_end)
    direct = np.flatnonzero(delivered & (rng.random(len(res)) < DIRECT_REPAIRS))
    direct_at = keys_at[direct] + (rng.random(len(direct)) * (until_end - keys_at[direct])).astype(
        np.int64
    )

    reservation = np.concatenate([tickets.reservation[from_ticket], direct])
    idatendimento = np.concatenate(
        [tickets.idatendimento[from_ticket], np.zeros(len(direct), np.int64)]
    )
    at = np.concatenate([ticket_at, direct_at])
    order = np.argsort(at, kind="stable")
    reservation, idatendimento, at = reservation[order], idatendimento[order], at[order]
    n = len(at)
    age = until_end - at
    situacao = np.where(
        age > 60 * DAY,
        np.where(rng.random(n) < 0.85, 2, 3),
        rng.choice(2, size=n, p=[0.4, 0.6]),
    )  # ASSISTENCIA_SITUACOES: Aberta, Em execução, Concluída, Cancelada
    closed = at + rng.integers(DAY, 60 * DAY, n)  # only where settled: more than 60 days ago
    moved = np.where(situacao >= 2, closed, at)
    concluded = situacao == 2
    zero_conclusion = rng.random(n) < 0.05
    conclusion = pl.select(
        pl.when(pl.Series(~concluded))
        .then(pl.lit(""))
        .when(pl.Series(zero_conclusion))
        .then(pl.lit("0000-00-00"))
        .otherwise(format_iso_date(local_day(closed)))
    ).to_series()
    cost = np.where(rng.random(n) < 0.3, 0, rng.integers(200, 8_000, n) * 100)
    text_cost = np.zeros(n, dtype=bool)
    if n:
        text_cost[rng.choice(n, size=max(1, int(n * TEXT_COST + 0.5)), replace=False)] = True
    unit = res.unit[reservation]
    person = res.person[reservation]
    idassistencia = ids.take("idassistencia", n)
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(idassistencia).cast(pl.String),
            "referencia_data": format_crm_local(moved),
            "idassistencia": idassistencia,
            "idcliente": population.idpessoa[person],
            "documento_cliente": zero_padded(population.cpf[person], 11),
            "cliente": fields.name_text(population.registration, person),
            "idempreendimento": units.development[unit] + 1,
            "idunidade": units.idunidade[unit],
            "data_cad": format_crm_local(at),
            "idsituacao": situacao + 1,
            "situacao": texts.texts(texts.ASSISTENCIA_SITUACOES).gather(situacao),
            "prevista": format_iso_date(local_day(at) + rng.integers(7, 61, n)),
            "data_conclusao": conclusion,
            "idatendimento": pl.Series(idatendimento).replace(0, None),
            "cost": cost,
            "text_cost": text_cost,
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idassistencia"),
        integer("idcliente"),
        text("documento_cliente"),
        text("cliente"),
        integer("idempreendimento"),
        integer("idunidade"),
        text("data_cad"),
        integer("idsituacao"),
        text("situacao"),
        text("data_prevista_termino", pl.col("prevista")),
        text("data_conclusao"),
        integer("idatendimento"),
        text(
            "custo_previsto",
            pl.when("text_cost").then(pl.lit("a definir")).otherwise(money_text(pl.col("cost"))),
        ),
    )
