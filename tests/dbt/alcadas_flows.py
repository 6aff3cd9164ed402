"""Generated alçada cases for the property test (tests/dbt/test_alcadas.py): random rules over
their own empreendimentos and price tables, and reservations whose payment flows sit on the edges
(exactly on a limit, one centavo short, installments on the first and last days of months, sale
dates that fall back to the contract or registration date, keys dates from the reservation or
its unit or none, zero contract values, unknown and bank-paid series). They are written into the
demo CRM's sandbox files, so the warehouse reads them the way it reads the CRM: over CVDW HTTP,
through the lake and dbt. `proposals` gives each one as the what-if sees it."""

from __future__ import annotations

import json
import random
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from ingestion.alcadas.flow import Proposal, SeriesRow, evaluate
from ingestion.alcadas.rules import Rules, load_rules

FLOWS = 1200
FIRST_ID = 9_000_001
EMPREENDIMENTOS = range(901, 912)  # 911 has no rule: sem_regra
TABLES_PER_EMPREENDIMENTO = 3
VERSION = "2026-01-01 12:00:00"  # every row's referencia_data: seen by every load of the fixture
SERIES_NAMES = [
    "Ato", "ato", "Sinal", "Mensal", "MENSAL", "Bimestral", "Trimestral", "Semestral", "Anual",
    "Chaves", "Financiamento", "FGTS", "Subsídio", "Permuta", "Intermediária",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    idreserva: int
    proposal: Proposal


def table_ids(empreendimento: int) -> list[int]:
    return [empreendimento * 10 + t for t in range(1, TABLES_PER_EMPREENDIMENTO + 1)]


def _rules(rng: random.Random) -> list[dict]:
    rules, seen = [], set()
    for number in range(60):
        empreendimento = rng.choice(EMPREENDIMENTOS[:-1])
        kind = rng.choice(("empreendimento", "tabela", "ambos"))
        scope = {
            "empreendimento": empreendimento if kind != "tabela" else None,
            "tabela": rng.choice(table_ids(empreendimento)) if kind != "empreendimento" else None,
        }
        year = rng.choice((2014, 2014, 2015, 2016, 2018, 2020, 2022, 2024, 2025, 2026))
        vigencia = date(year, rng.randint(1, 12), rng.choice((1, 15, 28)))
        if (scope["empreendimento"], scope["tabela"], vigencia) in seen:
            continue
        seen.add((scope["empreendimento"], scope["tabela"], vigencia))
        cycles = rng.randint(1, 10)
        on_sale = rng.randint(0, cycles)
        months_sale = sorted(rng.sample(range(0, 37), on_sale))
        months_keys = sorted(rng.sample(range(0, 13), cycles - on_sale))
        percent, ciclos = Decimal(0), []
        for k, (anchor, months) in enumerate(
            [("venda", m) for m in months_sale] + [("chaves", m) for m in months_keys], start=1
        ):
            percent = min(Decimal(100), percent + Decimal(rng.randint(0, 900)) / 100)
            ciclos.append(
                {
                    "nome": f"C{k}",
                    "fim": {"meses": months, "apos": anchor},
                    "percentual": str(percent),
                }
            )
        rules.append(
            {
                "nome": f"gerada {number}",
                **{k: v for k, v in scope.items() if v is not None},
                "vigencia": vigencia.isoformat(),
                "ciclos": ciclos,
            }
        )
    return rules


def write_rules(default: Path, target: Path, seed: int = 9) -> Rules:
    """The default rules plus the generated ones, as a rules file."""
    content = yaml.safe_load(default.read_text(encoding="utf-8"))
    content["regras"] += _rules(random.Random(seed))
    target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")
    return load_rules(target)


def _day(rng: random.Random, year: int, month: int) -> date:
    last = monthrange(year, month)[1]
    return date(year, month, rng.choice((1, 1, 2, 15, last - 1, last, last)))


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _proposal(rng: random.Random, rules: Rules) -> Proposal:
    empreendimento = rng.choice(EMPREENDIMENTOS)
    tabela = rng.choice(table_ids(empreendimento) + [None])
    sale = _day(rng, rng.randint(2014, 2026), rng.randint(1, 12))
    keys = None
    if rng.random() < 0.9:
        keys = _day(rng, *_add_months(sale, rng.randint(-6, 48)))
    value = Decimal(rng.choice((0, rng.randint(100_000_00, 900_000_00)))).scaleb(-2)
    if rng.random() > 0.03 and value == 0:
        value = Decimal(rng.randint(100_000_00, 900_000_00)).scaleb(-2)
    series = [
        SeriesRow(
            serie="Ato", parcelas=1, valor=(value / 10).quantize(Decimal("0.01")), vencimento=sale
        )
    ]
    for _ in range(rng.randint(0, 5)):
        series.append(
            SeriesRow(
                serie=rng.choice(SERIES_NAMES),
                parcelas=rng.choice((0, 1, 1, 2, 5, 12, 24, 36, 60)),
                valor=Decimal(rng.randint(0, 20_000_00)).scaleb(-2),
                vencimento=_day(rng, *_add_months(sale, rng.randint(-2, 48))),
            )
        )
    proposal = Proposal(
        data_venda=sale,
        valor_contrato=value,
        empreendimento=empreendimento,
        tabela=tabela,
        data_entrega_chaves=keys,
        series=series,
    )
    return _on_an_edge(rng, rules, proposal)


def _on_an_edge(rng: random.Random, rules: Rules, proposal: Proposal) -> Proposal:
    """Most judged flows moved, through their Ato (due in the sale month, so counted by every
    cycle), to exactly a cycle's limit or one centavo short of it."""
    judged = evaluate(rules, proposal)
    if not judged.ciclos or rng.random() < 0.2:
        return proposal
    cycle = rng.choice(judged.ciclos)
    move = cycle.valor_exigido - cycle.valor_atingido - rng.choice((0, Decimal("0.01")))
    ato = proposal.series[0]
    if ato.valor + move < 0:
        return proposal
    series = [ato.model_copy(update={"valor": ato.valor + move}), *proposal.series[1:]]
    return proposal.model_copy(update={"series": series})


def cases(rules: Rules, seed: int = 11) -> list[Case]:
    rng = random.Random(seed)
    return [Case(FIRST_ID + n, _proposal(rng, rules)) for n in range(FLOWS)]


def worked_example() -> Case:
    """The reference's worked example (../shared/reference/cvcrm.md, 2.4) on empreendimento 1."""
    path = Path(__file__).parents[2] / "docs" / "alcadas" / "fluxo_exemplo.yml"
    return Case(FIRST_ID - 1, Proposal.model_validate(yaml.safe_load(path.read_text("utf-8"))))


def _template(path: Path) -> dict:
    with path.open(encoding="utf-8") as lines:
        return json.loads(next(lines))


def write_to_sandbox(sandbox: Path, all_cases: list[Case]) -> None:
    """Each case as the CRM would serve it: a reservation, its unit and its payment series
    (dates and money as the CVDW writes them), appended to the sandbox's files."""
    reserva, unidade, condicao = (
        _template(sandbox / f"{name}.jsonl")
        for name in ("reservas", "unidades", "reservas_condicoes")
    )
    rows: dict[str, list[dict]] = {"reservas": [], "unidades": [], "reservas_condicoes": []}
    series_id = FIRST_ID
    for case in all_cases:
        p, rid = case.proposal, case.idreserva
        # Where the sale date comes from: data_venda, data_contrato or the registration day.
        source = rid % 5
        own_keys = p.data_entrega_chaves is not None and rid % 3 != 0
        unit_keys = p.data_entrega_chaves is not None and not own_keys
        rows["reservas"].append(
            reserva
            | {
                "referencia": str(rid), "referencia_data": VERSION, "ativo": "S", "idreserva": rid,
                "data_cad": f"{p.data_venda} 12:00:00" if source == 0 else "2013-06-01 12:00:00",
                "data_venda": str(p.data_venda) if source >= 2 else "",
                "data_contrato": str(p.data_venda) if source == 1 else "",
                "idempreendimento": p.empreendimento,
                "empreendimento": f"Gerado {p.empreendimento}",
                "idtabela": p.tabela, "nometabela": f"Tabela {p.tabela}" if p.tabela else None,
                "data_entrega_chaves_contrato_cliente": (
                    str(p.data_entrega_chaves) if own_keys else ""
                ),
                "valor_contrato": f"{p.valor_contrato:.2f}", "idunidade": rid,
                "idcliente": None, "documento_cliente": None, "cliente": None,
                "idcorretor": None, "idimobiliaria": None, "idprecadastro": None, "idlead": None,
            }
        )  # fmt: skip
        rows["unidades"].append(
            unidade
            | {
                "referencia": rid, "referencia_data": VERSION, "ativo": "S",
                "idunidade": str(rid), "idempreendimento": p.empreendimento,
                "data_entrega_chaves": (
                    f"{p.data_entrega_chaves:%d/%m/%Y}" if unit_keys else ""
                ),
            }
        )  # fmt: skip
        for row in p.series:
            rows["reservas_condicoes"].append(
                condicao
                | {
                    "referencia": str(series_id), "referencia_data": VERSION, "ativo": "S",
                    "idreservascondicoes": series_id, "idreserva": rid, "serie": row.serie,
                    "parcela_quantidade": row.parcelas, "valor": f"{row.valor:.2f}",
                    "vencimento": str(row.vencimento),
                }
            )  # fmt: skip
            series_id += 1
    for name, new in rows.items():
        with (sandbox / f"{name}.jsonl").open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in new)
