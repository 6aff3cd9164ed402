"""CVDW rows of reservas and vendas (see sale_followups.py for the objects hanging off them).
Documents are digits only here ("04461372197"), unlike pessoas.documento."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo import registration as fields
from ingestion.demo.brokers import BrokerNetwork
from ingestion.demo.clock import format_crm_local, format_iso_date, local_day
from ingestion.demo.cvdw_rows import integer, text
from ingestion.demo.ids import first_lead, lead_csv
from ingestion.demo.people import FIRST_IDPESSOA, Population
from ingestion.demo.profile import Profile
from ingestion.demo.sales import (
    APPROVED,
    CANCELLED,
    DISTRATO,
    IN_ANALYSIS,
    SOLD_SITUACAO,
    Reservations,
    Transfers,
)
from ingestion.demo.text import income_text, money_text, zero_padded
from ingestion.demo.units import Developments, Units

REMOVED_CANCELLED = 0.01  # cancelled reservations deleted in the CRM (ativo 'N')


@dataclass
class SalesBlock:
    """Everything the sales rows are rendered from, for one block."""

    population: Population
    profile: Profile
    reservations: Reservations
    units: Units
    dev: Developments
    network: BrokerNetwork
    idprecadastro: np.ndarray  # per reservation, 0 where none
    transfers: Transfers

    def client(self, reservation: np.ndarray) -> dict[str, pl.Series | np.ndarray]:
        person = self.reservations.person[reservation]
        return {
            "idcliente": self.population.idpessoa[person],
            "documento_cliente": zero_padded(self.population.cpf[person], 11),
            "cliente": fields.name_text(self.population.registration, person),
        }

    def sale_date(self, reservation: np.ndarray) -> pl.Series:
        """data_venda: the sale's date, '0000-00-00' for a few, empty where never sold."""
        res = self.reservations
        sold_at = res.sold_at[reservation]
        text_date = format_iso_date(local_day(np.maximum(sold_at, 0)))
        zero = res.sale_date_zero[reservation]
        return pl.select(
            pl.when(pl.Series(sold_at < 0))
            .then(pl.lit(""))
            .when(pl.Series(zero))
            .then(pl.lit("0000-00-00"))
            .otherwise(text_date)
        ).to_series()

    def table_names(self, reservation: np.ndarray) -> pl.Series:
        res, units = self.reservations, self.units
        development = units.development[res.unit[reservation]]
        launch_year = local_day(self.dev.launch[development]).astype("datetime64[D]")
        year = launch_year.astype("datetime64[Y]").astype(np.int64) + 1970
        year = year + res.idtabela[reservation] % 100 - 1
        return (
            "Tabela " + pl.Series(year).cast(pl.String) + " - " + self.dev.names.gather(development)
        )


def reservas_frame(rng: np.random.Generator, sales: SalesBlock) -> pl.DataFrame:
    """The version at creation (in analysis) and, where it moved, the final version."""
    res = sales.reservations
    r = len(res)
    transferred = np.zeros(r, dtype=bool)
    transferred[sales.transfers.concluded_reservations()] = True
    transfer_at = np.full(r, -1, dtype=np.int64)
    concluded = sales.transfers.situacao == 0
    transfer_at[sales.transfers.reservation[concluded]] = sales.transfers.at[concluded]
    final_at = np.maximum(res.changed_at(), transfer_at)
    removed = (res.situacao == CANCELLED) & (rng.random(r) < REMOVED_CANCELLED)
    last = _reserva_rows(sales, final_at, active=~removed, transferred=transferred)
    first = last.with_columns(referencia_data=pl.col("data_cad"), **_AS_CREATED)
    everyone = np.arange(r)
    moved = final_at > res.at
    frame = pl.concat(
        [
            first.with_columns(_position=everyone, _version=0),
            last.with_columns(_position=everyone, _version=1).filter(pl.Series(moved)),
        ]
    )
    return frame.sort("_position", "_version").drop("_position", "_version")


# The fields that differ in a reservation's first version (JSON literals).
_AS_CREATED = {
    name: pl.lit(value)
    for name, value in {
        "ativo": '"S"',
        "aprovada": '"N"',
        "data_venda": '""',
        "situacao": f'"{texts.RESERVA_SITUACOES[IN_ANALYSIS]}"',
        "idsituacao": str(IN_ANALYSIS + 1),
        "situacao_comercial": f'"{texts.RESERVA_COMERCIAL[IN_ANALYSIS]}"',
        "venda": '"Não"',
        "data_cancelamento": '""',
        "cessao": '"Não"',
        "data_contrato": '""',
    }.items()
}


def _reserva_rows(
    sales: SalesBlock, at: np.ndarray, active: np.ndarray, transferred: np.ndarray
) -> pl.DataFrame:
    """Each reservation's final version."""
    res, units, network = sales.reservations, sales.units, sales.network
    situacao = res.situacao
    everyone = np.arange(len(res))
    unit = res.unit
    person = res.person
    sold = np.isin(situacao, [SOLD_SITUACAO, DISTRATO])
    ended = (situacao == CANCELLED) | (situacao == DISTRATO)
    nothing = pl.Series([""] * len(res), dtype=pl.String)
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(res.idreserva).cast(pl.String),
            "referencia_data": format_crm_local(at),
            "ativo": np.where(active, "S", "N"),
            "idreserva": res.idreserva,
            "data_cad": format_crm_local(res.at),
            "aprovada": np.where(np.isin(situacao, [APPROVED, SOLD_SITUACAO, DISTRATO]), "S", "N"),
            "data_venda": sales.sale_date(everyone),
            "situacao": texts.texts(texts.RESERVA_SITUACOES).gather(situacao),
            "idsituacao": situacao + 1,
            "situacao_comercial": texts.texts(texts.RESERVA_COMERCIAL).gather(situacao),
            "idempreendimento": units.development[unit] + 1,
            "empreendimento": sales.dev.names.gather(units.development[unit]),
            "data_entrega_chaves_contrato_cliente": format_iso_date(res.keys_day).zip_with(
                pl.Series(res.keys_day >= 0), nothing
            ),
            "etapa": units.etapa_names().gather(unit),
            "bloco": units.bloco_names().gather(unit),
            "unidade": units.unit_names().gather(unit),
            "venda": np.where(sold, "Sim", "Não"),
            **sales.client(everyone),
            "income": sales.population.registration.income_cents[person],
            "short_zero": res.idreserva % 3 == 0,
            "idcorretor": network.idcorretor[res.broker],
            "corretor": network.broker_names(res.broker),
            "idimobiliaria": network.idimobiliaria(res.broker),
            "imobiliaria": network.realty_of(res.broker),
            "valor_contrato": res.value_cents,
            "data_cancelamento": format_iso_date(local_day(np.maximum(res.ended_at, 0))).zip_with(
                pl.Series(ended), nothing
            ),
            "cessao": np.where(transferred, "Sim", "Não"),
            "first_lead": first_lead(sales.population.idpessoa[person] - FIRST_IDPESSOA),
            "leads": sales.profile.leads[person],
            "idunidade": units.idunidade[unit],
            "idprecadastro": pl.Series(sales.idprecadastro).replace(0, None),
            "idtabela": res.idtabela,
            "nometabela": sales.table_names(everyone),
            "data_contrato": format_iso_date(np.maximum(res.contract_day, 0)).zip_with(
                pl.Series(sold & (res.contract_day >= 0)), nothing
            ),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idreserva"),
        text("data_cad"),
        text("aprovada"),
        text("data_venda"),
        text("situacao"),
        integer("idsituacao"),
        text("situacao_comercial"),
        integer("idempreendimento"),
        text("empreendimento"),
        text("data_entrega_chaves_contrato_cliente"),
        text("etapa"),
        text("bloco"),
        text("unidade"),
        text("venda"),
        integer("idcliente"),
        text("documento_cliente"),
        text("cliente"),
        text("renda", income_text(pl.col("income"), pl.col("short_zero"))),
        integer("idcorretor"),
        text("corretor"),
        integer("idimobiliaria"),
        text("imobiliaria"),
        text("valor_contrato", money_text(pl.col("valor_contrato"))),
        text("data_cancelamento"),
        text("cessao"),
        text("idlead", lead_csv(pl.col("first_lead"), pl.col("leads"))),
        integer("idunidade"),
        integer("idprecadastro"),
        integer("idtabela"),
        text("nometabela"),
        text("data_contrato"),
    )


def vendas_frame(sales: SalesBlock) -> pl.DataFrame:
    res, units = sales.reservations, sales.units
    sold = np.flatnonzero(res.sold)
    unit = res.unit[sold]
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(res.idreserva[sold]).cast(pl.String),
            "referencia_data": format_crm_local(res.sold_at[sold]),
            "idreserva": res.idreserva[sold],
            "data_reserva": format_crm_local(res.at[sold]),
            "data_venda": sales.sale_date(sold),
            "valor_contrato": res.value_cents[sold],
            **sales.client(sold),
            "idempreendimento": units.development[unit] + 1,
            "idunidade": units.idunidade[unit],
            "area": units.area[unit],
            "idtabela": res.idtabela[sold],
            "nometabela": sales.table_names(sold),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idreserva"),
        text("data_reserva"),
        text("data_venda"),
        text("aprovada", pl.lit("S")),
        text("valor_contrato", money_text(pl.col("valor_contrato"))),
        integer("idpessoa_cv", pl.col("idcliente")),
        text("cliente"),
        integer("idcliente"),
        text("documento_cliente"),
        integer("idempreendimento"),
        integer("idunidade"),
        text("area_privativa", money_text(pl.col("area"))),
        integer("idtabela"),
        text("nometabela"),
    )
