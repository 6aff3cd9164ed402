"""CVDW rows of the objects hanging off a reservation: reservas_associados, distratos, cessoes
(our assumed schema) and repasses. Documents of clients are digits only, as in reservas."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo import registration as fields
from ingestion.demo.clock import DAY, format_crm_local, format_iso_date, local_day
from ingestion.demo.cpf import format_cpf
from ingestion.demo.cvdw_rows import integer, text
from ingestion.demo.ids import IdCounters
from ingestion.demo.sales import DISTRATO, SOLD_SITUACAO, Associates
from ingestion.demo.sales_rows import SalesBlock
from ingestion.demo.text import money_text

DISTRATO_CONCLUDED = 0.85
REPASSE = 0.7  # of financed sales
ZERO_REGISTRY_DATE = 0.05


def distratos_frame(rng: np.random.Generator, sales: SalesBlock, until_end: int) -> pl.DataFrame:
    res = sales.reservations
    undone = np.flatnonzero(res.situacao == DISTRATO)
    opened = res.ended_at[undone]
    concluded = rng.random(len(undone)) < DISTRATO_CONCLUDED
    closed = opened + rng.integers(5 * DAY, 60 * DAY, len(undone))
    concluded &= closed <= until_end
    situacao_at = np.where(concluded, closed, opened)
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(res.idreserva[undone]).cast(pl.String),
            "referencia_data": format_crm_local(situacao_at),
            "idreserva": res.idreserva[undone],
            "aprovada": np.where(concluded, "S", "N"),
            "data_cad": format_crm_local(opened),
            "situacao_atual": texts.texts(texts.DISTRATO_SITUACOES).gather(concluded.astype(int)),
            "idsituacao": concluded.astype(np.int64) + 1,
            **sales.client(undone),
            "motivo": texts.texts(texts.DISTRATO_REASONS).gather(
                rng.integers(0, len(texts.DISTRATO_REASONS), len(undone))
            ),
            "valor_contrato": res.value_cents[undone],
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idreserva"),
        text("aprovada"),
        text("data_cad"),
        text("situacao_data", pl.col("referencia_data")),
        text("situacao_atual"),
        integer("idsituacao"),
        integer("idcliente"),
        text("documento", pl.col("documento_cliente")),
        text("cliente"),
        text("motivo_distrato", pl.col("motivo")),
        text("valor_contrato", money_text(pl.col("valor_contrato"))),
    )


def associados_frame(sales: SalesBlock, associates: Associates) -> pl.DataFrame:
    """Co-buyers: other people of the block, registered with the reservation."""
    res, population = sales.reservations, sales.population
    at = res.at[associates.reservation] + 120
    reg = population.registration
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(associates.idassociado).cast(pl.String),
            "referencia_data": format_crm_local(at),
            "idassociado": associates.idassociado,
            "idreserva": res.idreserva[associates.reservation],
            "idpessoa": population.idpessoa[associates.person],
            "nome": fields.name_text(reg, associates.person),
            "documento": format_cpf(population.cpf[associates.person]),
            "renda": reg.income_cents[associates.person],
            "tipo": texts.texts(texts.ASSOCIATION_TYPES).gather(associates.kind),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idassociado"),
        integer("idreserva"),
        integer("idpessoa"),
        integer("idconjuge", pl.lit(None)),
        text("data_cad", pl.col("referencia_data")),
        text("nome"),
        text("documento"),
        text("renda_familiar", money_text(pl.col("renda"))),
        text("tipo_associacao", pl.col("tipo")),
    )


def cessoes_frame(sales: SalesBlock) -> pl.DataFrame:
    """Our assumed schema for the cessão endpoint (ingestion/crm/objects.py)."""
    transfers, res, population = sales.transfers, sales.reservations, sales.population
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(transfers.idcessao).cast(pl.String),
            "referencia_data": format_crm_local(transfers.at),
            "idcessao": transfers.idcessao,
            "idreserva": res.idreserva[transfers.reservation],
            "idcedente": population.idpessoa[res.person[transfers.reservation]],
            "idcessionario": population.idpessoa[transfers.cessionario],
            "data_cessao": format_iso_date(local_day(transfers.at)),
            "situacao": texts.texts(texts.CESSAO_SITUACOES).gather(transfers.situacao),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idcessao"),
        integer("idreserva"),
        integer("idcedente"),
        integer("idcessionario"),
        text("data_cessao"),
        text("situacao"),
    )


def repasses_frame(
    rng: np.random.Generator,
    sales: SalesBlock,
    financing: np.ndarray,
    bank_total: np.ndarray,
    ids: IdCounters,
    until_end: int,
) -> pl.DataFrame:
    """Bank transfers of financed sales, at the step their time allows."""
    res, units = sales.reservations, sales.units
    eligible = (
        (res.situacao == SOLD_SITUACAO) & (financing > 0) & (res.sold_at + 30 * DAY < until_end)
    )
    chosen = np.flatnonzero(eligible & (rng.random(len(res)) < REPASSE))
    n = len(chosen)
    sold_at = res.sold_at[chosen]
    opened = sold_at + (np.minimum(until_end - sold_at, 60 * DAY) * rng.uniform(0.1, 0.9, n))
    opened = opened.astype(np.int64)
    months = (until_end - opened) // (30 * DAY)
    step = np.clip(months + rng.integers(-1, 2, n), 0, len(texts.REPASSE_SITUACOES) - 1)
    moved = opened + (step * 30 * DAY * rng.uniform(0.7, 1.0, n)).astype(np.int64)
    late = moved > until_end
    share = rng.uniform(0.5, 1.0, int(late.sum()))
    moved[late] = opened[late] + ((until_end - opened[late]) * share).astype(np.int64)
    registered = step >= 4
    zero_registry = rng.random(n) < ZERO_REGISTRY_DATE
    nothing = pl.Series([""] * n, dtype=pl.String)
    registry = format_iso_date(local_day(moved)).zip_with(
        pl.Series(~zero_registry), pl.Series(["0000-00-00"] * n)
    )
    idrepasse = ids.take("idrepasse", n)
    concluded = step == len(texts.REPASSE_SITUACOES) - 1
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(idrepasse).cast(pl.String),
            "referencia_data": format_crm_local(moved),
            "idrepasse": idrepasse,
            "idsituacao": step + 1,
            "situacao": texts.texts(texts.REPASSE_SITUACOES).gather(step),
            "idreserva": res.idreserva[chosen],
            "idempreendimento": units.development[res.unit[chosen]] + 1,
            **sales.client(chosen),
            "parcela": np.where(concluded, "Sim", "Não"),
            "previsto": financing[chosen],
            "saldo": np.where(concluded, 0, financing[chosen]),
            "financiado": bank_total[chosen],
            "banco": texts.texts(texts.BANKS).gather(rng.integers(0, len(texts.BANKS), n)),
            "data_registro": registry.zip_with(pl.Series(registered), nothing),
            "data_venda": sales.sale_date(chosen),
            "data_cadastro": format_crm_local(opened),
            "idunidade": units.idunidade[res.unit[chosen]],
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idrepasse"),
        integer("idsituacao"),
        text("situacao"),
        integer("idreserva"),
        integer("idempreendimento"),
        integer("idcliente"),
        text("documento_cliente"),
        text("cliente"),
        text("parcela"),
        text("valor_previsto", money_text(pl.col("previsto"))),
        text("saldo_devedor", money_text(pl.col("saldo"))),
        text("valor_financiado", money_text(pl.col("financiado"))),
        text("banco"),
        text("data_registro"),
        text("data_venda"),
        text("data_cadastro"),
        integer("idunidade"),
    )
