"""Payment flows planted on the alçada rules (DESIGN.md, "Alçadas"; ingestion/alcadas/regras.yml).

Drawn at random, a flow passes or fails the rule that judges it by chance, and almost never sits on
a limit. So, of the reservations a rule judges (a rule in force on the sale date that applies: the
keys date known where a cycle needs it, the cycle ends increasing) and whose flow sums to the
contract value, a share is planted on purpose:

- on the limit: every cycle met, and the tightest one exactly: the installments due up to its end
  month sum to the smallest amount in centavos that meets it (ingestion/alcadas/flow.py);
- short by a little: one cycle short by R$ 0,01 to R$ 100,00, every other one met.

The lever is the Ato (due on the reservation day, so counted by every cycle): it moves by the
difference and the remaining single payment (financing, or the keys payment), which takes what is
left, moves the other way, so the flow still sums to the contract value. Each planted flow is
judged again here, the way the warehouse judges it (every array computation mirrors flow.py), and
kept only when the result is the one intended; the rest stay as drawn. Only the reservations that
a rule judges are looked at closely, so a large demo costs little more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.alcadas.rules import ANCHORS, MAX_CYCLES, Rules
from ingestion.demo.clock import day_number, local_day
from ingestion.demo.payments import ATO, CHAVES, FIN, SERIES, UNKNOWN_SERIES, Flows
from ingestion.demo.sales import DISTRATO, SOLD_SITUACAO, Reservations
from ingestion.demo.units import Developments, Units

EXACT = 0.15  # of the reservations a rule judges: planted exactly on a limit
SHORT = 0.15  # planted short by a little at one cycle
MAX_SHORT_CENTS = 100_00
ONE_CENT = 0.2  # of the short ones: short by exactly R$ 0,01
MIN_PAYMENT_CENTS = 100_00  # the Ato and the remaining payment stay at least this


@dataclass(frozen=True)
class RuleArrays:
    """The rules' cycles as arrays (rule, cycle), and which series count with what periodicity,
    by name index (SERIES + UNKNOWN_SERIES)."""

    empreendimento: np.ndarray  # -1 where the rule has no such scope
    tabela: np.ndarray
    vigencia: np.ndarray  # day numbers
    cycles: np.ndarray  # how many
    on_keys: np.ndarray  # (rules, MAX_CYCLES): anchored on the keys month
    months: np.ndarray  # (rules, MAX_CYCLES): months after the anchor
    basis_points: np.ndarray  # (rules, MAX_CYCLES)
    counts: np.ndarray  # (names,)
    period: np.ndarray  # (names,) months between installments; 0: a single payment

    @classmethod
    def of(cls, rules: Rules) -> RuleArrays:
        n = len(rules.regras)
        on_keys = np.zeros((n, MAX_CYCLES), dtype=bool)
        months = np.zeros((n, MAX_CYCLES), dtype=np.int64)
        basis_points = np.zeros((n, MAX_CYCLES), dtype=np.int64)
        for g, rule in enumerate(rules.regras):
            for k, cycle in enumerate(rule.ciclos):
                on_keys[g, k] = cycle.fim.apos == ANCHORS[1]
                months[g, k] = cycle.fim.meses
                basis_points[g, k] = cycle.basis_points
        series = [rules.series_named(name) for name in SERIES + UNKNOWN_SERIES]
        return cls(
            empreendimento=np.array([_or_none(r.empreendimento) for r in rules.regras], np.int64),
            tabela=np.array([_or_none(r.tabela) for r in rules.regras], dtype=np.int64),
            vigencia=np.array([day_number(r.vigencia) for r in rules.regras], dtype=np.int64),
            cycles=np.array([len(r.ciclos) for r in rules.regras], dtype=np.int64),
            on_keys=on_keys,
            months=months,
            basis_points=basis_points,
            counts=np.array([s is not None and s.counts for s in series]),
            period=np.array([s.months if s is not None else 0 for s in series], dtype=np.int64),
        )

    def in_force(
        self, empreendimento: np.ndarray, tabela: np.ndarray, sale_day: np.ndarray
    ) -> np.ndarray:
        """Per sale, the index of the rule that judges it, or -1: as Rules.in_force, the latest
        version in force of the first scope that has one (price table with empreendimento, price
        table, empreendimento)."""
        best = np.full(len(sale_day), -1, dtype=np.int64)
        best_key = np.full(len(sale_day), np.iinfo(np.int64).max)
        for g in range(len(self.cycles)):
            has_emp, has_tab = self.empreendimento[g] >= 0, self.tabela[g] >= 0
            scope = 0 if has_emp and has_tab else 1 if has_tab else 2
            match = self.vigencia[g] <= sale_day
            if has_emp:
                match &= empreendimento == self.empreendimento[g]
            if has_tab:
                match &= tabela == self.tabela[g]
            key = scope * 10**9 - self.vigencia[g]  # the first scope, then the latest version
            better = match & (key < best_key)
            best[better], best_key[better] = g, key
        return best


@dataclass(frozen=True)
class Planted:
    """Reservations whose flow was planted (positions in the block's reservations)."""

    exact: np.ndarray
    short: np.ndarray

    @property
    def reservations(self) -> np.ndarray:
        return np.concatenate([self.exact, self.short])


def judged_dates(res: Reservations, units: Units, dev: Developments) -> tuple[np.ndarray, ...]:
    """The sale day and keys day (-1: none) as the warehouse reads them from the CRM rows: the sale
    date is data_venda, else data_contrato, else the day of data_cad; the keys date is the
    reservation's own, else the unit's (unknown where the CRM shows '0000-00-00')."""
    sold = res.sold_at >= 0
    contract = np.isin(res.situacao, [SOLD_SITUACAO, DISTRATO]) & (res.contract_day >= 0)
    sale_day = np.where(
        sold & ~res.sale_date_zero,
        local_day(np.maximum(res.sold_at, 0)),
        np.where(contract, res.contract_day, local_day(res.at)),
    )
    unit_keys = np.where(
        dev.keys_unknown[units.development[res.unit]], -1, units.keys_day[res.unit]
    )
    return sale_day, np.where(res.keys_day >= 0, res.keys_day, unit_keys)


def plant_flows(
    rng: np.random.Generator,
    flows: Flows,
    rules: RuleArrays,
    value: np.ndarray,
    empreendimento: np.ndarray,
    tabela: np.ndarray,
    sale_day: np.ndarray,
    keys_day: np.ndarray,
) -> Planted:
    """Plants flows in place (see the module's docstring); returns which."""
    r = len(value)
    draw = rng.random(r)
    short_by = np.where(rng.random(r) < ONE_CENT, 1, rng.integers(1, MAX_SHORT_CENTS + 1, r))
    total = (flows.present * flows.count * flows.value).sum(axis=1)
    rule = rules.in_force(empreendimento, tabela, sale_day)
    chosen = np.flatnonzero((rule >= 0) & (draw < EXACT + SHORT) & (total == value) & (value > 0))
    if not len(chosen):
        return Planted(chosen, chosen)
    judge = _Judge(rules, rule[chosen], sale_day[chosen], keys_day[chosen], value[chosen])
    exact = draw[chosen] < EXACT
    sub = _subset(flows, chosen)
    absorber = np.where(sub.present[:, FIN], FIN, CHAVES)
    rows = np.arange(len(chosen))

    achieved = judge.achieved(sub)
    deficit = judge.required - achieved
    lever = _counted_by(judge, sub, rows, np.full(len(chosen), ATO))
    lever = lever.astype(np.int64) - _counted_by(judge, sub, rows, absorber)
    moves = judge.valid & (lever == 1)
    still = judge.valid & (lever == 0)
    # The change that meets every cycle the lever moves, the tightest exactly; the others must
    # be met already.
    moved_deficit = np.where(moves, deficit, np.iinfo(np.int64).min)
    tight = np.argmax(moved_deficit, axis=1)
    on_limit = np.where(moves.any(axis=1), moved_deficit[rows, tight], 0)
    # Short: the tightest cycle fails by `short_by`, or less where another would fail too.
    surplus = np.where(moves, on_limit[:, None] - deficit, MAX_SHORT_CENTS)
    surplus[rows, tight] = MAX_SHORT_CENTS
    short = np.minimum(short_by[chosen], surplus.min(axis=1))
    change = np.where(exact, on_limit, on_limit - short)
    feasible = (
        judge.applicable
        & moves.any(axis=1)
        & ~(judge.valid & (lever < 0)).any(axis=1)
        & np.where(still, deficit <= 0, True).all(axis=1)
        & (exact | (short >= 1))
        & (sub.value[rows, ATO] + change >= MIN_PAYMENT_CENTS)
        & (sub.value[rows, absorber] - change >= MIN_PAYMENT_CENTS)
        & (sub.count[rows, ATO] == 1)
        & (sub.count[rows, absorber] == 1)
    )
    sub.value[rows, ATO] += np.where(feasible, change, 0)
    sub.value[rows, absorber] -= np.where(feasible, change, 0)

    # Judged again: keep only the flows that come out as intended.
    after = judge.achieved(sub)
    met = np.where(judge.valid, after >= judge.required, True)
    equal = judge.valid & (after == judge.required)
    gap = np.where(judge.valid, judge.required - after, 0)
    on_target = met.all(axis=1) & equal.any(axis=1)
    short_target = ((~met).sum(axis=1) == 1) & (gap.max(axis=1) <= MAX_SHORT_CENTS)
    kept = feasible & np.where(exact, on_target, short_target)
    flows.value[chosen[kept]] = sub.value[kept]
    return Planted(chosen[kept & exact], chosen[kept & ~exact])


class _Judge:
    """Each chosen sale's cycles under its rule, as flow.py resolves them: end months, required
    centavos, whether the rule applies."""

    def __init__(
        self,
        rules: RuleArrays,
        rule: np.ndarray,
        sale_day: np.ndarray,
        keys_day: np.ndarray,
        value: np.ndarray,
    ) -> None:
        self.rules = rules
        self.valid = np.arange(MAX_CYCLES)[None, :] < rules.cycles[rule][:, None]
        on_keys = rules.on_keys[rule]
        anchor = np.where(on_keys, _month(keys_day)[:, None], _month(sale_day)[:, None])
        self.ends = anchor + rules.months[rule]
        needs_keys = (self.valid & on_keys).any(axis=1)
        increasing = np.where(self.valid[:, 1:], np.diff(self.ends, axis=1) > 0, True)
        self.applicable = ~(needs_keys & (keys_day < 0)) & increasing.all(axis=1)
        self.required = -(-value[:, None] * rules.basis_points[rule] // 10000)

    def achieved(self, flows: Flows) -> np.ndarray:
        """(sales, cycles): centavos due up to each end month, from the series that count."""
        total = np.zeros(self.ends.shape, dtype=np.int64)
        for series in range(len(SERIES)):
            names = flows.names[:, series]
            period = self.rules.period[names][:, None]
            first = _month(flows.first_due_day[:, series])[:, None]
            count = flows.count[:, series][:, None]
            due = np.where(
                period == 0,
                np.where(first <= self.ends, count, 0),
                np.clip((self.ends - first) // np.maximum(period, 1) + 1, 0, count),
            )
            counted = flows.present[:, series] & self.rules.counts[names]
            total += np.where(counted[:, None], due * flows.value[:, series][:, None], 0)
        return total


def _counted_by(judge: _Judge, flows: Flows, rows: np.ndarray, series: np.ndarray) -> np.ndarray:
    """(sales, cycles): whether a single payment of `series` counts towards each cycle."""
    names = flows.names[rows, series]
    first = _month(flows.first_due_day[rows, series])[:, None]
    return (flows.present[rows, series] & judge.rules.counts[names])[:, None] & (
        first <= judge.ends
    )


def _subset(flows: Flows, rows: np.ndarray) -> Flows:
    return Flows(
        flows.present[rows],
        flows.count[rows],
        flows.value[rows].copy(),
        flows.first_due_day[rows],
        flows.names[rows],
    )


def _month(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers (any value where the day is unknown)."""
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def _or_none(value: int | None) -> int:
    return -1 if value is None else value
