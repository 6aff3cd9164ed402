"""The demo CRM's payment flows judged by the demo alçada rules (ingestion/alcadas/regras.yml), the
way the warehouse judges them: every status occurs, and flows planted exactly on a limit and short
by a little at one cycle are there (ingestion/demo/alcadas.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from ingestion.alcadas.flow import (
    APROVADO,
    INAPLICAVEL,
    REQUER_ALCADA,
    SEM_REGRA,
    Evaluation,
    Proposal,
    SeriesRow,
    evaluate,
)
from ingestion.alcadas.rules import Rules, load_rules
from ingestion.demo import DemoSummary, generate_demo_data
from ingestion.settings import Settings
from tests.ingestion.test_demo_generator import UNTIL, latest

MAX_SHORT = Decimal("100.00")
AT_LEAST = 5  # planted flows of each kind in a demo of 500 people


@dataclass
class Judged:
    idreserva: int
    idempreendimento: int
    series: list[str]
    evaluation: Evaluation

    @property
    def on_limit(self) -> bool:
        cycles = self.evaluation.ciclos
        return self.evaluation.status == APROVADO and any(
            c.valor_atingido == c.valor_exigido for c in cycles
        )

    @property
    def short_by_a_little(self) -> bool:
        failed = [c for c in self.evaluation.ciclos if not c.atendido]
        return (
            self.evaluation.status == REQUER_ALCADA
            and len(failed) == 1
            and failed[0].falta <= MAX_SHORT
        )


@dataclass
class AlcadaDemo:
    summary: DemoSummary
    rules: Rules
    judged: list[Judged]


def _day(text: str) -> date | None:
    """A CRM date as the warehouse reads it (macros/crm.sql): ISO or Brazilian, with or without a
    time; '0000-00-00' and empty are no date."""
    for shape in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, shape).date()
        except (TypeError, ValueError):
            continue
    return None


def _series_row(row: dict) -> SeriesRow | None:
    try:
        valor = Decimal(row["valor"])
    except InvalidOperation:
        return None  # "a combinar": unreadable, left out
    return SeriesRow(
        serie=row["serie"],
        parcelas=row["parcela_quantidade"],
        valor=valor,
        vencimento=date.fromisoformat(row["vencimento"]),
    )


def judge(crm: Path, rules: Rules) -> list[Judged]:
    """Every reservation's flow judged as the warehouse judges it: the sale date is data_venda,
    else data_contrato, else the day of data_cad; the keys date is the reservation's, else its
    unit's; series rows with an unreadable value are left out."""
    units = {int(row["idunidade"]): row for row in latest(crm, "unidades").values()}
    flows: dict[int, list[dict]] = defaultdict(list)
    for row in latest(crm, "reservas_condicoes").values():
        flows[row["idreserva"]].append(row)
    judged = []
    for reserva in latest(crm, "reservas").values():
        sale = _day(reserva["data_venda"]) or _day(reserva["data_contrato"])
        keys = _day(reserva["data_entrega_chaves_contrato_cliente"]) or _day(
            units[reserva["idunidade"]]["data_entrega_chaves"]
        )
        rows = flows[reserva["idreserva"]]
        proposal = Proposal(
            data_venda=sale or _day(reserva["data_cad"]),
            valor_contrato=Decimal(reserva["valor_contrato"]),
            empreendimento=reserva["idempreendimento"],
            tabela=reserva["idtabela"],
            data_entrega_chaves=keys,
            series=[s for s in map(_series_row, rows) if s is not None],
        )
        judged.append(
            Judged(
                reserva["idreserva"],
                reserva["idempreendimento"],
                sorted(row["serie"] for row in rows),
                evaluate(rules, proposal),
            )
        )
    return judged


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> AlcadaDemo:
    root = tmp_path_factory.mktemp("alcadas")
    summary = generate_demo_data(
        root / "landing", root / "crm", people=500, seed=11, until=UNTIL, defects=True
    )
    rules = load_rules(Settings().alcada_rules_file)
    return AlcadaDemo(summary, rules, judge(root / "crm", rules))


def test_every_status_occurs_in_the_first_empreendimentos(demo):
    first = [j for j in demo.judged if j.idempreendimento <= 4]
    statuses = Counter(j.evaluation.status for j in first)
    assert set(statuses) == {APROVADO, REQUER_ALCADA, SEM_REGRA, INAPLICAVEL}
    assert {j.idempreendimento for j in first} == {1, 2, 3, 4}
    assert all(j.evaluation.status == SEM_REGRA for j in first if j.idempreendimento == 4)
    ten_cycles = [j for j in first if len(j.evaluation.ciclos) == 10]
    assert len(ten_cycles) >= 10
    assert {j.evaluation.status for j in ten_cycles} == {APROVADO, REQUER_ALCADA}
    # Plainly passing flows too: every cycle met with room to spare.
    assert sum(j.evaluation.status == APROVADO and not j.on_limit for j in first) >= AT_LEAST


def test_flows_sit_exactly_on_a_limit(demo):
    on_limit = [j for j in demo.judged if j.on_limit]
    assert demo.summary.alcada_exact >= AT_LEAST
    assert len(on_limit) >= demo.summary.alcada_exact  # every planted one, judged as intended
    for j in on_limit:
        assert not j.evaluation.fluxo_difere_do_contrato
        assert all(c.atendido for c in j.evaluation.ciclos)
    # On different rules and cycles, the 10-cycle rule among them.
    assert len({(j.evaluation.regra, _tightest(j)) for j in on_limit}) >= 3
    assert any(len(j.evaluation.ciclos) == 10 for j in on_limit)


def test_flows_fail_by_a_little_at_one_cycle(demo):
    short = [j for j in demo.judged if j.short_by_a_little]
    assert demo.summary.alcada_short >= AT_LEAST
    assert len(short) >= demo.summary.alcada_short
    shortfalls = set()
    for j in short:
        assert not j.evaluation.fluxo_difere_do_contrato
        failed = j.evaluation.primeiro_ciclo_falho
        assert Decimal("0.01") <= failed.falta <= MAX_SHORT
        assert failed.valor_atingido + failed.falta == failed.valor_exigido
        shortfalls.add(failed.falta)
    assert len(shortfalls) >= 3  # not one amount planted over and over
    assert any(len(j.evaluation.ciclos) == 10 for j in short)


def test_planted_flows_move_the_remainder_into_financing_or_keys(demo):
    """Both kinds of remaining payment take the difference: a bank-paid financing (not counted)
    and the keys payment the client pays the developer."""
    planted = [j for j in demo.judged if j.on_limit or j.short_by_a_little]
    bank = {name for name, series in demo.rules.series.items() if series.paga_por_banco}
    assert any(bank & set(j.series) for j in planted)
    assert any(not bank & set(j.series) and "Chaves" in j.series for j in planted)


def test_bank_paid_and_unknown_series_are_reported(demo):
    bank = {name for name, series in demo.rules.series.items() if series.paga_por_banco}
    assert sum(bool(bank & set(j.series)) for j in demo.judged) > len(demo.judged) / 3
    unknown = [j for j in demo.judged if j.evaluation.series_desconhecidas]
    assert unknown
    assert all(set(j.evaluation.series_desconhecidas) <= set(j.series) for j in unknown)
    assert {n for j in unknown for n in j.evaluation.series_desconhecidas}.isdisjoint(
        demo.rules.series
    )


def test_no_rules_plant_nothing(tmp_path):
    rules = tmp_path / "regras.yml"
    rules.write_text("series:\n  Ato: {periodicidade: unica}\nregras: []\n", encoding="utf-8")
    summary = generate_demo_data(
        tmp_path / "landing", tmp_path / "crm", people=150, seed=3, until=UNTIL, alcada_rules=rules
    )
    assert (summary.alcada_exact, summary.alcada_short) == (0, 0)


def _tightest(judged: Judged) -> int:
    return next(c.ciclo for c in judged.evaluation.ciclos if c.valor_atingido == c.valor_exigido)
