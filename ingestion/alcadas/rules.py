"""Alçada rules (parâmetro de fluxo): which payment flows a sale may have without the next alçada's
approval (DESIGN.md, "Alçadas"; docs/alcadas.md).

A rule applies to an empreendimento and/or a price table from an effective date and has 1 to 10
cycles; a cycle ends N months after the sale month or after the keys month and requires a minimum
cumulative percentage of the contract value by then. The file also gives each series name's
periodicity and whether it counts. Validated here (every mistake names the rule, the cycle and the
problem), evaluated for one proposal by ingestion/alcadas/flow.py, written to the lake for dbt.
The file is `ingestion/alcadas/regras.yml` (ALICERCE_ALCADA_RULES_FILE)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingestion.config_file import load_yaml_model
from ingestion.lake import replace_snapshot
from ingestion.settings import Settings

SOURCE, RULES_TABLE, SERIES_TABLE = "alcadas", "regras", "series"
MAX_CYCLES = 10
MAX_MONTHS = 600
# Months between installments; 0: a single payment, every installment due on the first due date.
PERIODICITY_MONTHS = {
    "unica": 0,
    "mensal": 1,
    "bimestral": 2,
    "trimestral": 3,
    "semestral": 6,
    "anual": 12,
}
ANCHORS = ("venda", "chaves")  # sale-anchored cycles come first

RULES_SCHEMA = pa.schema(
    [
        ("regra", pa.string()),
        ("idempreendimento", pa.int64()),
        ("idtabela", pa.int64()),
        ("vigencia", pa.date32()),
        ("ciclos_total", pa.int32()),
        ("ciclo", pa.int32()),
        ("ciclo_nome", pa.string()),
        ("ancora", pa.string()),
        ("meses", pa.int32()),
        ("percentual_bp", pa.int32()),
    ]
)
SERIES_SCHEMA = pa.schema(
    [
        ("serie_chave", pa.string()),
        ("serie", pa.string()),
        ("periodicidade_meses", pa.int32()),
        ("paga_por_banco", pa.bool_()),
        ("conta", pa.bool_()),
    ]
)


class RulesError(ValueError):
    """The rules file is missing, unreadable or invalid; the message says where and why."""


def series_key(name: str) -> str:
    """How a series name is matched, as dbt does: trimmed and in lower case, accents kept."""
    return name.strip(" ").lower()


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    periodicidade: Literal["unica", "mensal", "bimestral", "trimestral", "semestral", "anual"]
    paga_por_banco: bool = False
    conta: bool | None = None  # default: counts unless paid by a bank

    @property
    def months(self) -> int:
        return PERIODICITY_MONTHS[self.periodicidade]

    @property
    def counts(self) -> bool:
        return (not self.paga_por_banco) if self.conta is None else self.conta


class CycleEnd(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    meses: int
    apos: Literal["venda", "chaves"]


class Cycle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nome: Annotated[str, Field(min_length=1)]
    fim: CycleEnd
    percentual: Decimal  # of the contract value, up to 2 decimal places

    @property
    def basis_points(self) -> int:
        return int(self.percentual * 100)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nome: Annotated[str, Field(min_length=1)]
    empreendimento: int | None = None  # idempreendimento
    tabela: int | None = None  # idtabela (price table)
    vigencia: date
    ciclos: list[Cycle]

    @property
    def scope(self) -> tuple[int | None, int | None]:
        return self.empreendimento, self.tabela

    @model_validator(mode="after")
    def _valid(self) -> Rule:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def problems(self) -> list[str]:
        where = f"rule {self.nome!r}"
        if self.empreendimento is None and self.tabela is None:
            return [f"{where}: no scope (give empreendimento and/or tabela)"]
        if not 1 <= len(self.ciclos) <= MAX_CYCLES:
            return [f"{where}: {len(self.ciclos)} cycles; a rule has 1 to {MAX_CYCLES}"]
        problems = []
        previous: Cycle | None = None
        for number, cycle in enumerate(self.ciclos, start=1):
            at = f"{where}, cycle {number} ({cycle.nome!r})"
            months, percent = cycle.fim.meses, cycle.percentual
            if not 0 <= months <= MAX_MONTHS:
                problems.append(f"{at}: end {months} months is outside 0–{MAX_MONTHS}")
            if not Decimal(0) <= percent <= Decimal(100):
                problems.append(f"{at}: percentual {percent} is outside 0–100")
            elif percent != percent.quantize(Decimal("0.01")):
                problems.append(f"{at}: percentual {percent} has more than 2 decimal places")
            if previous is not None:
                before = ANCHORS.index(previous.fim.apos)
                if ANCHORS.index(cycle.fim.apos) < before:
                    problems.append(
                        f"{at}: ends {months} months after the sale, after a cycle anchored on "
                        "the keys; sale-anchored cycles come first"
                    )
                elif cycle.fim.apos == previous.fim.apos and months <= previous.fim.meses:
                    problems.append(
                        f"{at}: end {months} months after {cycle.fim.apos} does not come after "
                        f"the previous cycle's {previous.fim.meses}; ends must increase"
                    )
                if percent < previous.percentual:
                    problems.append(
                        f"{at}: percentual {percent} is below the previous cycle's "
                        f"{previous.percentual}; percentages never decrease"
                    )
            previous = cycle
        return problems


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    series: dict[Annotated[str, Field(min_length=1)], Series]
    regras: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        problems = []
        keys: dict[str, str] = {}
        for name in self.series:
            other = keys.setdefault(series_key(name), name)
            if other != name:
                problems.append(f"series {name!r} and {other!r} are the same name")
        names: set[str] = set()
        versions: dict[tuple, str] = {}
        for rule in self.regras:
            if rule.nome in names:
                problems.append(f"rule {rule.nome!r}: two rules with this name")
            names.add(rule.nome)
            other = versions.setdefault((rule.scope, rule.vigencia), rule.nome)
            if other != rule.nome:
                problems.append(
                    f"rule {rule.nome!r}: same scope ({_scope_text(rule)}) and effective date "
                    f"{rule.vigencia} as rule {other!r}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def series_named(self, name: str) -> Series | None:
        key = series_key(name)
        return next((s for n, s in self.series.items() if series_key(n) == key), None)

    def in_force(self, empreendimento: int | None, tabela: int | None, sale: date) -> Rule | None:
        """The rule that judges a sale: per scope the latest version in force on the sale date;
        a price table with its empreendimento, then the price table, then the empreendimento."""
        for scope in ((empreendimento, tabela), (None, tabela), (empreendimento, None)):
            if scope == (None, None):
                continue
            versions = [r for r in self.regras if r.scope == scope and r.vigencia <= sale]
            if versions:
                return max(versions, key=lambda r: r.vigencia)
        return None

    def unknown_scopes(
        self, empreendimentos: Collection[int], tabelas: Collection[int]
    ) -> list[str]:
        """Rules naming an empreendimento or price table the CRM does not have."""
        problems = []
        for rule in self.regras:
            if rule.empreendimento is not None and rule.empreendimento not in empreendimentos:
                problems.append(
                    f"rule {rule.nome!r}: unknown scope: no empreendimento {rule.empreendimento} "
                    "in the CRM"
                )
            if rule.tabela is not None and rule.tabela not in tabelas:
                problems.append(
                    f"rule {rule.nome!r}: unknown scope: no price table {rule.tabela} in the CRM"
                )
        return problems


def _scope_text(rule: Rule) -> str:
    parts = []
    if rule.empreendimento is not None:
        parts.append(f"empreendimento {rule.empreendimento}")
    if rule.tabela is not None:
        parts.append(f"tabela {rule.tabela}")
    return ", ".join(parts)


def load_rules(path: Path) -> Rules:
    return load_yaml_model(path, Rules, RulesError, "alçada rules", _describe)


def _describe(error: ValidationError, content: Any) -> str:
    """Each problem named by its rule (and cycle) rather than by list positions."""
    problems = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        loc = list(problem["loc"])
        if message.startswith(("rule ", "series ")) or loc[:1] != ["regras"] or len(loc) < 2:
            where = ".".join(str(part) for part in loc)
            problems.append(
                message
                if message.startswith(("rule ", "series "))
                else f"{where or 'file'}: {message}"
            )
            continue
        try:
            name = content["regras"][loc[1]]["nome"]
        except (KeyError, IndexError, TypeError):
            name = f"#{loc[1] + 1}"
        where, rest = f"rule {name!r}", loc[2:]
        if rest[:1] == ["ciclos"] and len(rest) > 1:
            where, rest = f"{where}, cycle {rest[1] + 1}", rest[2:]
        if problem["type"] == "extra_forbidden" and len(rest) == 1 and where.count("cycle") == 0:
            message = (
                f"unknown scope or field {rest[0]!r} "
                "(a rule's scope is empreendimento and/or tabela)"
            )
            rest = []
        field = ".".join(str(part) for part in rest)
        problems.append(f"{where}: {field + ': ' if field else ''}{message}")
    return "; ".join(problems)


def write_rules(settings: Settings, rules: Rules, load_date: str) -> dict[str, Path]:
    """The rules (one row per cycle) and the series, as the lake's snapshot of this load date."""
    cycles = [
        {
            "regra": rule.nome,
            "idempreendimento": rule.empreendimento,
            "idtabela": rule.tabela,
            "vigencia": rule.vigencia,
            "ciclos_total": len(rule.ciclos),
            "ciclo": number,
            "ciclo_nome": cycle.nome,
            "ancora": cycle.fim.apos,
            "meses": cycle.fim.meses,
            "percentual_bp": cycle.basis_points,
        }
        for rule in rules.regras
        for number, cycle in enumerate(rule.ciclos, start=1)
    ]
    series = [
        {
            "serie_chave": series_key(name),
            "serie": name,
            "periodicidade_meses": s.months,
            "paga_por_banco": s.paga_por_banco,
            "conta": s.counts,
        }
        for name, s in rules.series.items()
    ]
    return {
        table: replace_snapshot(
            settings, SOURCE, table, pa.Table.from_pylist(rows, schema), load_date
        )
        for table, rows, schema in (
            (RULES_TABLE, cycles, RULES_SCHEMA),
            (SERIES_TABLE, series, SERIES_SCHEMA),
        )
    }
