"""One payment-flow proposal judged by the alçada rules (DESIGN.md, "Alçadas"): the what-if of
`alicerce alcadas check` and of the dashboard's form. The warehouse judges every reservation with
the same rule in dbt (marts.alcadas_ciclos, marts.alcadas_aprovacao); tests/dbt/test_alcadas.py
proves over generated flows that both give the same result.

All money is in integer centavos here, so every comparison is exact: a cycle is met when the
installments due by its end month (inclusive) sum to at least its percentage of the contract
value. The required amount shown is the smallest amount in centavos that meets it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ingestion.alcadas.rules import Rule, Rules
from ingestion.config_file import load_yaml_model

APROVADO, REQUER_ALCADA, SEM_REGRA, INAPLICAVEL = (
    "aprovado",
    "requer_alcada_superior",
    "sem_regra",
    "regra_inaplicavel",
)
NO_CONTRACT_VALUE = "sem valor de contrato"
NO_KEYS_DATE = "sem data de entrega das chaves"
MAX_INSTALLMENTS = 1200  # a hundred years of monthly installments: a typo beyond it


class FlowError(ValueError):
    """The proposal file is missing, unreadable or invalid."""


class SeriesRow(BaseModel):
    """One row of reservas_condicoes: `parcelas` installments of `valor` each from `vencimento`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    serie: Annotated[str, Field(min_length=1)]
    parcelas: Annotated[int, Field(ge=0, le=MAX_INSTALLMENTS)]
    valor: Annotated[Decimal, Field(ge=0, decimal_places=2)]
    vencimento: date


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_venda: date
    valor_contrato: Annotated[Decimal, Field(decimal_places=2)]
    empreendimento: int | None = None
    tabela: int | None = None
    data_entrega_chaves: date | None = None
    series: list[SeriesRow]


@dataclass(frozen=True)
class CycleResult:
    ciclo: int
    nome: str
    ancora: str  # what the end counts from: venda or chaves
    meses: int  # months after the anchor month
    fim_mes: date  # the end month (its first day)
    percentual_exigido_bp: int
    percentual_atingido_bp: int
    valor_exigido: Decimal
    valor_atingido: Decimal
    falta: Decimal
    atendido: bool


@dataclass(frozen=True)
class Evaluation:
    status: str
    motivo: str | None
    regra: str | None
    vigencia: date | None
    ciclos: list[CycleResult]
    valor_contrato: Decimal
    total_fluxo: Decimal  # every series, bank-paid and unknown ones included
    series_desconhecidas: list[str]  # names, sorted, each once

    @property
    def fluxo_difere_do_contrato(self) -> bool:
        return self.total_fluxo != self.valor_contrato

    @property
    def ciclos_atendidos(self) -> int:
        return sum(c.atendido for c in self.ciclos)

    @property
    def primeiro_ciclo_falho(self) -> CycleResult | None:
        return next((c for c in self.ciclos if not c.atendido), None)

    @property
    def maior_falta(self) -> Decimal | None:
        return max((c.falta for c in self.ciclos), default=None)

    def as_dict(self) -> dict:
        """Every field, the derived ones included (the JSON of `alicerce alcadas check`)."""
        failed = self.primeiro_ciclo_falho
        return {
            **asdict(self),
            "ciclos_atendidos": self.ciclos_atendidos,
            "primeiro_ciclo_falho": failed.ciclo if failed else None,
            "falta_primeiro_ciclo": failed.falta if failed else None,
            "maior_falta": self.maior_falta,
            "fluxo_difere_do_contrato": self.fluxo_difere_do_contrato,
        }


def load_proposal(path: Path) -> Proposal:
    return load_yaml_model(path, Proposal, FlowError, "payment-flow proposal")


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def reais(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def basis_points(numerator: int, denominator: int) -> int:
    """Rounded half up, as dbt's alicerce.basis_points (both non-negative)."""
    return (20000 * numerator + denominator) // (2 * denominator)


def evaluate(rules: Rules, proposal: Proposal) -> Evaluation:
    total = sum((row.parcelas * row.valor for row in proposal.series), Decimal(0))
    unknown = sorted(
        {row.serie for row in proposal.series if rules.series_named(row.serie) is None}
    )
    rule = rules.in_force(proposal.empreendimento, proposal.tabela, proposal.data_venda)

    def outcome(status, motivo=None, cycles=()) -> Evaluation:
        return Evaluation(
            status=status,
            motivo=motivo,
            regra=rule.nome if rule else None,
            vigencia=rule.vigencia if rule else None,
            ciclos=list(cycles),
            valor_contrato=proposal.valor_contrato,
            total_fluxo=total,
            series_desconhecidas=unknown,
        )

    if rule is None:
        return outcome(SEM_REGRA)
    if proposal.valor_contrato <= 0:
        return outcome(INAPLICAVEL, NO_CONTRACT_VALUE)
    ends, problem = _cycle_ends(rule, proposal)
    if problem:
        return outcome(INAPLICAVEL, problem)
    due = _installments(rules, proposal)
    contract = cents(proposal.valor_contrato)
    cycles = []
    for number, (cycle, end) in enumerate(zip(rule.ciclos, ends, strict=True), start=1):
        achieved = sum(amount for month, amount in due if month <= end)
        required = -(-contract * cycle.basis_points // 10000)  # rounded up to the centavo
        cycles.append(
            CycleResult(
                ciclo=number,
                nome=cycle.nome,
                ancora=cycle.fim.apos,
                meses=cycle.fim.meses,
                fim_mes=month_start(end),
                percentual_exigido_bp=cycle.basis_points,
                percentual_atingido_bp=basis_points(achieved, contract),
                valor_exigido=reais(required),
                valor_atingido=reais(achieved),
                falta=reais(max(required - achieved, 0)),
                atendido=achieved >= required,
            )
        )
    met = all(c.atendido for c in cycles)
    return outcome(APROVADO if met else REQUER_ALCADA, cycles=cycles)


def _cycle_ends(rule: Rule, proposal: Proposal) -> tuple[list[int], str | None]:
    """Each cycle's end month index, or why this sale cannot be judged by the rule."""
    anchors = {"venda": month_index(proposal.data_venda)}
    if proposal.data_entrega_chaves is not None:
        anchors["chaves"] = month_index(proposal.data_entrega_chaves)
    ends = []
    for number, cycle in enumerate(rule.ciclos, start=1):
        if cycle.fim.apos not in anchors:
            return [], NO_KEYS_DATE
        end = anchors[cycle.fim.apos] + cycle.fim.meses
        if ends and end <= ends[-1]:
            return [], unordered_ends(number, end, ends[-1])
        ends.append(end)
    return ends, None


def unordered_ends(number: int, end: int, previous_end: int) -> str:
    return (
        f"ciclo {number} termina em {month_start(end):%Y-%m}, "
        f"não depois do ciclo {number - 1} ({month_start(previous_end):%Y-%m})"
    )


def _installments(rules: Rules, proposal: Proposal) -> list[tuple[int, int]]:
    """(due month index, centavos) of every installment of the series that count."""
    due = []
    for row in proposal.series:
        series = rules.series_named(row.serie)
        if series is None or not series.counts:
            continue
        first = month_index(row.vencimento)
        due.extend((first + i * series.months, cents(row.valor)) for i in range(row.parcelas))
    return due
