"""Payment flows (reservas_condicoes): the series of each reservation.

A series row holds the number of installments, the value of EACH installment and the first due
date (DESIGN.md, "Alçadas"). Every series but one is drawn as a share of the contract value, in
whole reais per installment (sometimes with centavos); the remaining single payment (the bank
financing, or the keys payment when the client pays the developer directly) takes what is left, so
the flow sums exactly to the contract value. A few flows do not (a typo in one installment), a
few carry a series name the warehouse does not know (at least one a block), and very rarely a
value is text. Some flows are then planted on the alçada rules (alcadas.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.demo.clock import add_months, format_crm_local, format_iso_date
from ingestion.demo.cvdw_rows import integer, text
from ingestion.demo.ids import IdCounters
from ingestion.demo.text import money_text

SERIES = [
    "Ato", "Sinal", "Mensal", "Bimestral", "Trimestral", "Semestral", "Anual", "Chaves",
    "Financiamento", "FGTS", "Subsídio",
]  # fmt: skip
ATO, SINAL, MENSAL, BIMESTRAL, TRIMESTRAL, SEMESTRAL, ANUAL, CHAVES, FIN, FGTS, SUBSIDIO = range(11)
BANK_PAID = (FIN, FGTS, SUBSIDIO)
INTERMEDIATE = (SINAL, BIMESTRAL, TRIMESTRAL, SEMESTRAL, ANUAL)
UNKNOWN_SERIES = ["Intermediária", "Permuta"]
FINANCED = 0.65
MISMATCH = 0.03  # flows that do not sum to the contract value
UNKNOWN_NAME = 0.01  # of the flows with an intermediate series; at least one per block
TEXT_VALUE = 1 / 1000  # series rows whose valor is text ("a combinar"); at least one per block
PERIOD_MONTHS = {BIMESTRAL: 2, TRIMESTRAL: 3, SEMESTRAL: 6, ANUAL: 12}


@dataclass
class Flows:
    """Per reservation and series: present, installments and value of each (cents)."""

    present: np.ndarray  # (reservations, series)
    count: np.ndarray
    value: np.ndarray
    first_due_day: np.ndarray
    names: np.ndarray  # (reservations, series) index into SERIES + UNKNOWN_SERIES

    def bank_total(self) -> np.ndarray:
        """Per reservation: financing, FGTS and subsidy (what the repasse transfers)."""
        return (self.present * self.count * self.value)[:, list(BANK_PAID)].sum(axis=1)

    def financing(self) -> np.ndarray:
        return np.where(self.present[:, FIN], self.value[:, FIN], 0)


def draw_flows(
    rng: np.random.Generator, value: np.ndarray, reserved_day: np.ndarray, keys_day: np.ndarray
) -> Flows:
    """keys_day: the keys date that applies (the reservation's, else the unit's)."""
    r = len(value)
    financed = rng.random(r) < FINANCED
    keys = np.where(
        keys_day <= reserved_day + 60, reserved_day + rng.integers(60, 121, r), keys_day
    )
    months_to_keys = np.clip((keys - reserved_day) // 30, 1, 60)

    present = np.zeros((r, len(SERIES)), dtype=bool)
    share = np.zeros((r, len(SERIES)))
    count = np.ones((r, len(SERIES)), dtype=np.int64)
    u = rng.random((r, len(SERIES)))
    present[:, ATO] = True
    share[:, ATO] = rng.uniform(0.03, 0.10, r)
    present[:, SINAL] = u[:, SINAL] < 0.3
    share[:, SINAL] = rng.uniform(0.02, 0.05, r)
    present[:, MENSAL] = u[:, MENSAL] < 0.9
    share[:, MENSAL] = np.where(financed, rng.uniform(0.08, 0.2, r), rng.uniform(0.25, 0.45, r))
    count[:, MENSAL] = np.where(financed, months_to_keys, rng.integers(24, 101, r))
    for series, chance in ((BIMESTRAL, 0.05), (TRIMESTRAL, 0.08), (SEMESTRAL, 0.2), (ANUAL, 0.25)):
        present[:, series] = u[:, series] < chance
        share[:, series] = rng.uniform(0.03, 0.08, r)
        count[:, series] = np.maximum(1, count[:, MENSAL] // PERIOD_MONTHS[series])
    present[:, CHAVES] = ~financed | (u[:, CHAVES] < 0.4)
    share[:, CHAVES] = rng.uniform(0.02, 0.06, r)
    present[:, FIN] = financed
    present[:, FGTS] = financed & (u[:, FGTS] < 0.3)
    share[:, FGTS] = rng.uniform(0.02, 0.06, r)
    present[:, SUBSIDIO] = financed & (value < 35_000_000) & (u[:, SUBSIDIO] < 0.25)
    share[:, SUBSIDIO] = rng.uniform(5_000_00, 45_000_00, r) / value

    absorber = np.where(financed, FIN, CHAVES)
    others = present.copy()
    others[np.arange(r), absorber] = False
    total_share = (share * others).sum(axis=1, keepdims=True)
    share = share * np.minimum(1.0, 0.9 / np.maximum(total_share, 1e-9))
    each = share * value[:, None] / count
    whole_reais = rng.random(r)[:, None] < 0.9
    each = np.where(whole_reais, np.floor(each / 100) * 100, np.floor(each)).astype(np.int64)
    each = np.where(others, each, 0)
    each[np.arange(r), absorber] = value - (each * count * others).sum(axis=1)
    count[np.arange(r), absorber] = 1

    mismatch = rng.random(r) < MISMATCH
    each[:, ATO] += np.where(mismatch, rng.integers(100, 5_000, r) * 100, 0)

    names = np.broadcast_to(np.arange(len(SERIES)), (r, len(SERIES))).copy()
    has_intermediate = present[:, list(INTERMEDIATE)]
    renamed = (rng.random(r) < UNKNOWN_NAME) & has_intermediate.any(axis=1)
    which = np.array(INTERMEDIATE)[np.argmax(has_intermediate, axis=1)]
    names[renamed, which[renamed]] = len(SERIES) + rng.integers(0, 2, int(renamed.sum()))
    if not renamed.any() and has_intermediate.any():  # no draw: the other draws stay as they are
        first = np.argmax(has_intermediate.any(axis=1))
        names[first, which[first]] = len(SERIES)

    due_day = rng.choice([5, 10, 15, 20, 25], size=r)
    first_due = np.empty((r, len(SERIES)), dtype=np.int64)
    first_due[:, ATO] = reserved_day
    first_due[:, SINAL] = reserved_day + 30
    first_due[:, MENSAL] = add_months(reserved_day, np.ones(r), due_day)
    for series, months in PERIOD_MONTHS.items():
        first_due[:, series] = add_months(reserved_day, np.full(r, months), due_day)
    first_due[:, CHAVES] = add_months(keys, np.zeros(r), due_day)
    first_due[:, FIN] = add_months(keys, np.ones(r), due_day)
    first_due[:, FGTS] = add_months(reserved_day, np.full(r, 2), due_day)
    first_due[:, SUBSIDIO] = add_months(keys, np.ones(r), due_day)
    return Flows(present, count, each, first_due, names)


def condicoes_frame(
    rng: np.random.Generator,
    flows: Flows,
    idreserva: np.ndarray,
    reserved_at: np.ndarray,
    ids: IdCounters,
    readable: np.ndarray | None = None,
) -> pl.DataFrame:
    """One row per series of each reservation, dated by the reservation's creation. No value of
    the `readable` reservations (positions) is text."""
    reservation, series = np.nonzero(flows.present)
    rows = len(reservation)
    keys_passed = (
        flows.first_due_day[reservation, series] >= flows.first_due_day[reservation, CHAVES]
    )
    bank = np.isin(series, BANK_PAID)
    text_value = np.zeros(rows, dtype=bool)
    if rows:
        wanted = max(1, int(rows * TEXT_VALUE + 0.5))
        chosen = rng.choice(rows, size=min(wanted, rows), replace=False)
        if readable is not None and len(readable):
            # Each choice falling on a readable reservation moves to the next row that may be text.
            allowed = np.flatnonzero(~np.isin(reservation, readable))
            chosen = (
                allowed[np.searchsorted(allowed, chosen) % len(allowed)]
                if len(allowed)
                else chosen[:0]
            )
        text_value[chosen] = True
    idreservascondicoes = ids.take("idreservascondicoes", rows)
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(idreservascondicoes).cast(pl.String),
            "referencia_data": format_crm_local(reserved_at[reservation]),
            "idreservascondicoes": idreservascondicoes,
            "idreserva": idreserva[reservation],
            "serie": pl.Series(SERIES + UNKNOWN_SERIES).gather(flows.names[reservation, series]),
            "parcela_quantidade": flows.count[reservation, series],
            "cents": flows.value[reservation, series],
            "text_value": text_value,
            "vencimento": format_iso_date(flows.first_due_day[reservation, series]),
            "indexador": np.where(
                bank | (series <= SINAL), "", np.where(keys_passed, "IPCA", "INCC")
            ),
            "portador": np.where(bank, "Agente financeiro", "Incorporadora"),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idreservascondicoes"),
        integer("idreserva"),
        text("serie"),
        integer("parcela_quantidade"),
        text(
            "valor",
            pl.when("text_value").then(pl.lit("a combinar")).otherwise(money_text(pl.col("cents"))),
        ),
        text("vencimento"),
        text("portador"),
        text("indexador"),
    )
