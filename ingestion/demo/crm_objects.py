"""Every CRM object of the sandbox dataset, from the same people.

The world (brokerages, brokers, developments, surveys) is drawn once; everything about people is
drawn block by block from the block's own random stream, after the portal simulation: panel
edits, the CRM profile, units of the block's range, reservations and all that follows from them.
Each builder returns a frame of JSON literals in the CRM's field order (see cvdw_rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ingestion.alcadas.rules import Rules
from ingestion.demo.alcadas import Planted, RuleArrays, judged_dates, plant_flows
from ingestion.demo.brokers import BrokerNetwork, corretores_frame, imobiliarias_frame
from ingestion.demo.clock import local_day
from ingestion.demo.contacts import contatos_frame
from ingestion.demo.cpf import CpfSequence
from ingestion.demo.crm import pessoas_versions
from ingestion.demo.ids import IdCounters
from ingestion.demo.panel import PanelEdits, apply_panel_edits
from ingestion.demo.payments import condicoes_frame, draw_flows
from ingestion.demo.people import Population
from ingestion.demo.precadastros import Precadastros, draw_precadastros, precadastros_frame
from ingestion.demo.profile import Profile
from ingestion.demo.sale_followups import (
    associados_frame,
    cessoes_frame,
    distratos_frame,
    repasses_frame,
)
from ingestion.demo.sales import (
    Associates,
    Transfers,
    draw_associates,
    draw_reservations,
    draw_transfers,
    unit_outcome,
)
from ingestion.demo.sales_rows import SalesBlock, reservas_frame, vendas_frame
from ingestion.demo.service import Tickets, assistencias_frame, atendimentos_frame, draw_tickets
from ingestion.demo.surveys import pesquisas_frame
from ingestion.demo.timeline import Activity
from ingestion.demo.units import Developments, Units, unidades_frame, unit_range

REMOVED_PEOPLE = 0.03  # of people with no portal access and no CRM record: ativo 'N'


@dataclass
class CrmWorld:
    network: BrokerNetwork
    developments: Developments
    ids: IdCounters
    until_end: int
    alcadas: RuleArrays  # the alçada rules some payment flows are planted on

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        people: int,
        cpfs: CpfSequence,
        until: date,
        until_end: int,
        rules: Rules,
    ) -> CrmWorld:
        return cls(
            network=BrokerNetwork.draw(rng, people, cpfs, until_end),
            developments=Developments.draw(rng, people, until),
            ids=IdCounters(),
            until_end=until_end,
            alcadas=RuleArrays.of(rules),
        )

    def shared_frames(self, rng: np.random.Generator, people: int) -> dict[str, pl.DataFrame]:
        """The objects that do not come from a block of people."""
        return {
            "imobiliarias": imobiliarias_frame(self.network),
            "corretores": corretores_frame(self.network),
            "pesquisas": pesquisas_frame(rng, people, self.until_end),
        }


def block_frames(
    rng: np.random.Generator,
    world: CrmWorld,
    population: Population,
    activity: Activity,
    first_person: int,
    alcada_rng: np.random.Generator,
) -> tuple[dict[str, pl.DataFrame], Planted]:
    """The rows of every person-related object for one block (population: the block's people,
    starting at global index first_person), and the payment flows planted on the alçada rules
    (from alcada_rng, so that the other objects stay as they were). Edits the block's
    registration (panel edits)."""
    until_end, ids, network, dev = world.until_end, world.ids, world.network, world.developments
    edits = apply_panel_edits(rng, population, activity, until_end)
    profile = Profile.draw(rng, population)
    units = Units.draw(rng, dev, *unit_range(first_person, first_person + len(population)))
    res = draw_reservations(rng, population, units, dev, network, ids, until_end)
    transfers = draw_transfers(rng, res, population, ids, until_end)
    associates = draw_associates(rng, res, population, ids)
    pre = draw_precadastros(rng, population, res, network, ids, until_end)
    keys = np.where(res.keys_day >= 0, res.keys_day, units.keys_day[res.unit])
    flows = draw_flows(rng, res.value_cents, local_day(res.at), keys)
    sale_day, judged_keys = judged_dates(res, units, dev)
    planted = plant_flows(
        alcada_rng,
        flows,
        world.alcadas,
        res.value_cents,
        units.development[res.unit] + 1,
        res.idtabela,
        sale_day,
        judged_keys,
    )
    sales = SalesBlock(
        population, profile, res, units, dev, network, pre.of_reservations(len(res)), transfers
    )
    tickets = draw_tickets(rng, sales, ids, until_end)
    removed = _removed_people(rng, population, edits, sales, associates, pre, tickets)
    frames = {
        "pessoas": pessoas_versions(population, profile, edits, removed),
        "pessoas_contatos": contatos_frame(rng, population, edits, removed, until_end),
        "unidades": unidades_frame(rng, units, dev, unit_outcome(units, res), until_end),
        "reservas": reservas_frame(rng, sales),
        "reservas_condicoes": condicoes_frame(
            rng, flows, res.idreserva, res.at, ids, readable=planted.reservations
        ),
        "reservas_associados": associados_frame(sales, associates),
        "vendas": vendas_frame(sales),
        "distratos": distratos_frame(rng, sales, until_end),
        "precadastros": precadastros_frame(
            pre, population, profile, res, units, dev, network, flows.financing()
        ),
        "atendimentos": atendimentos_frame(rng, tickets, sales, ids, until_end),
        "assistencias": assistencias_frame(rng, tickets, sales, ids, until_end),
        "repasses": repasses_frame(
            rng, sales, flows.financing(), flows.bank_total(), ids, until_end
        ),
        "cessoes": cessoes_frame(sales),
    }
    return frames, planted


def _removed_people(
    rng: np.random.Generator,
    population: Population,
    edits: PanelEdits,
    sales: SalesBlock,
    associates: Associates,
    pre: Precadastros,
    tickets: Tickets,
) -> np.ndarray:
    """People deleted in the CRM (ativo 'N'): only some who never used the portal and appear in
    no other object, so that every reference points to an active person."""
    linked = np.zeros(len(population), dtype=bool)
    transfers: Transfers = sales.transfers
    for people in (
        sales.reservations.person,
        associates.person,
        transfers.cessionario,
        pre.person,
        tickets.person,
        edits.people,
    ):
        linked[people] = True
    candidates = ~population.portal_access & ~linked
    return candidates & (rng.random(len(population)) < REMOVED_PEOPLE)
