"""Re-engagement segments: lists of people to contact, each with a reason, defined in YAML.

An analyst writes conditions over a documented set of person attributes (ATTRIBUTES), combined
with `todas` (all must hold) or `alguma` (any may); no SQL. The file is validated here, with one
message per mistake naming the segment, the condition and the problem, and written to the lake
as rows that dbt evaluates (docs/sources.md, "Re-engagement segments"), so adding a segment needs
only the YAML. The file is `ingestion/reengajamento/segmentos.yml` (ALICERCE_SEGMENTS_FILE).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from math import isfinite
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingestion.config_file import load_yaml_model
from ingestion.lake import replace_snapshot
from ingestion.portal.contract import TRACKED_FIELDS
from ingestion.settings import Settings

MAX_CONDITIONS = 20
MAX_PERIOD_DAYS = 3650
DECIMAL_PLACES = 4  # dbt compares numbers as decimal(18, 4)

SOURCE = "reengajamento"
# One row per segment, and one per (segment, condition, value): dbt evaluates them generically.
SEGMENTS_TABLE = "segmentos"
CONDITIONS_TABLE = "segmentos_condicoes"
SEGMENTS_SCHEMA = pa.schema(
    [
        ("segmento", pa.string()),
        ("descricao", pa.string()),
        ("periodo_dias", pa.int32()),
        ("combinacao", pa.string()),  # todas | alguma
        ("condicoes", pa.int32()),
    ]
)
# A condition's value goes in the column of its attribute's kind; `entre` puts [low, high] in
# numero and numero_ate; `em` and `alterado_no_periodo` have one row per listed value.
CONDITIONS_SCHEMA = pa.schema(
    [
        ("segmento", pa.string()),
        ("posicao", pa.int32()),  # the condition's position in its list, from 1
        ("atributo", pa.string()),
        ("operador", pa.string()),
        ("numero", pa.float64()),
        ("numero_ate", pa.float64()),
        ("booleano", pa.bool_()),
        ("texto", pa.string()),
    ]
)


class Kind(StrEnum):
    BOOLEANO = "booleano"
    NUMERO = "numero"
    TEXTO = "texto"
    CAMPOS = "campos"  # the tracked registration fields


# The attributes a condition may use: name -> (kind, meaning). The meanings are the docs.
ATTRIBUTES: dict[str, tuple[Kind, str]] = {
    "devida": (Kind.BOOLEANO, "due for the periodic update on the reference date"),
    "recusas_desde_devida": (Kind.NUMERO, "prompts declined since the person became due"),
    "logins_desde_devida": (Kind.NUMERO, "portal logins since the person became due"),
    "dias_em_atraso": (Kind.NUMERO, "days since the person became due (absent when not due)"),
    "dias_sem_login": (
        Kind.NUMERO,
        "days since the last portal login; for someone who never logged in, since their "
        "registration in the CRM",
    ),
    "sem_login_desde_ativacao": (
        Kind.BOOLEANO,
        "no portal login since the campaign's activation",
    ),
    "campos_alterados": (Kind.CAMPOS, "registration fields changed in the segment's period"),
    "variacao_renda_pct": (
        Kind.NUMERO,
        "change of renda_familiar over the segment's period, in percent of the value before "
        "(absent when either side is not informed)",
    ),
    "classificacao": (Kind.TEXTO, "the CRM's classification of the person"),
}


class Operator(StrEnum):
    IGUAL = "="
    DIFERENTE = "!="
    MENOR = "<"
    MENOR_OU_IGUAL = "<="
    MAIOR = ">"
    MAIOR_OU_IGUAL = ">="
    EM = "em"  # one of a list
    ENTRE = "entre"  # [low, high], both included
    ALTERADO_NO_PERIODO = "alterado_no_periodo"  # any of the listed fields changed


OPERATORS_BY_KIND: dict[Kind, frozenset[Operator]] = {
    Kind.BOOLEANO: frozenset({Operator.IGUAL}),
    Kind.NUMERO: frozenset(Operator) - {Operator.ALTERADO_NO_PERIODO},
    Kind.TEXTO: frozenset({Operator.IGUAL, Operator.DIFERENTE, Operator.EM}),
    Kind.CAMPOS: frozenset({Operator.ALTERADO_NO_PERIODO}),
}

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class SegmentsError(ValueError):
    """The segments file is missing, unreadable or invalid; the message says where and why."""


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    atributo: str
    operador: Operator
    valor: Any

    @model_validator(mode="after")
    def _fits_the_attribute(self) -> Condition:
        if self.atributo not in ATTRIBUTES:
            raise ValueError(f"unknown atributo {self.atributo!r} (known: {', '.join(ATTRIBUTES)})")
        kind = ATTRIBUTES[self.atributo][0]
        if self.operador not in OPERATORS_BY_KIND[kind]:
            allowed = ", ".join(sorted(OPERATORS_BY_KIND[kind]))
            raise ValueError(
                f"operador {self.operador.value!r} does not apply to {self.atributo} "
                f"({kind.value}; use {allowed})"
            )
        self.values()  # checks the value's shape
        return self

    def values(self) -> tuple[Any, ...]:
        """The value(s) as typed: one for a comparison, two for `entre`, several for the lists."""
        kind = ATTRIBUTES[self.atributo][0]
        if self.operador in (Operator.EM, Operator.ALTERADO_NO_PERIODO, Operator.ENTRE):
            if not isinstance(self.valor, list) or not self.valor:
                raise ValueError(f"{self.operador.value} needs a list of values")
            values = tuple(_typed(kind, value, self.atributo) for value in self.valor)
            if self.operador is Operator.ENTRE:
                if len(values) != 2 or values[0] > values[1]:
                    raise ValueError("entre needs [low, high] with low <= high")
            elif len(set(values)) != len(values):
                raise ValueError("a value is listed twice")
            return values
        if isinstance(self.valor, list):
            raise ValueError(f"{self.operador.value} compares with one value, not a list")
        return (_typed(kind, self.valor, self.atributo),)


def _typed(kind: Kind, value: Any, attribute: str) -> Any:
    if kind is Kind.BOOLEANO:
        if not isinstance(value, bool):
            raise ValueError(f"{attribute} is true or false, not {value!r}")
        return value
    if kind is Kind.NUMERO:
        if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
            raise ValueError(f"{attribute} compares with a number, not {value!r}")
        number = Decimal(str(value))
        if number.as_tuple().exponent < -DECIMAL_PLACES or abs(number) >= 10**12:
            raise ValueError(
                f"{attribute}: {value!r} has more than {DECIMAL_PLACES} decimal places or is "
                "too large"
            )
        return number
    if kind is Kind.CAMPOS:
        if value not in TRACKED_FIELDS:
            raise ValueError(f"unknown field {value!r} (tracked: {', '.join(TRACKED_FIELDS)})")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute} compares with a text, not {value!r}")
    return value.strip()


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nome: Name
    descricao: str = Field(min_length=1, max_length=200)
    # The window of `campos_alterados` and `variacao_renda_pct`: the days up to the reference date.
    periodo_dias: int = Field(default=30, ge=1, le=MAX_PERIOD_DAYS)
    todas: tuple[Condition, ...] | None = Field(default=None, max_length=MAX_CONDITIONS)
    alguma: tuple[Condition, ...] | None = Field(default=None, max_length=MAX_CONDITIONS)

    @model_validator(mode="after")
    def _one_combination(self) -> Segment:
        if (self.todas is None) == (self.alguma is None):
            raise ValueError("give the conditions under exactly one of todas or alguma")
        if not self.condicoes:
            raise ValueError("list at least one condition")
        return self

    @property
    def combinacao(self) -> str:
        return "todas" if self.todas is not None else "alguma"

    @property
    def condicoes(self) -> tuple[Condition, ...]:
        return self.todas if self.todas is not None else self.alguma or ()


class Segments(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    segmentos: tuple[Segment, ...]

    @model_validator(mode="after")
    def _unique_names(self) -> Segments:
        # Checked here, not by Field(min_length=1), which would also complain when the only
        # segments are invalid ones.
        if not self.segmentos:
            raise ValueError("list at least one segment")
        names = [segment.nome for segment in self.segmentos]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"segment names must be unique: {', '.join(repeated)} repeated")
        return self


def load_segments(path: Path) -> Segments:
    return load_yaml_model(path, Segments, SegmentsError, "segments file", _problems)


def write_segments(settings: Settings, segments: Segments, load_date: str) -> dict[str, Path]:
    """Write the segments to the raw lake as the settings of this load date (earlier snapshots
    removed), for dbt to evaluate. Returns the files."""
    segment_rows = [
        {
            "segmento": segment.nome,
            "descricao": segment.descricao,
            "periodo_dias": segment.periodo_dias,
            "combinacao": segment.combinacao,
            "condicoes": len(segment.condicoes),
        }
        for segment in segments.segmentos
    ]
    condition_rows = [
        row
        for segment in segments.segmentos
        for position, condition in enumerate(segment.condicoes, start=1)
        for row in _value_rows(segment.nome, position, condition)
    ]
    return {
        SEGMENTS_TABLE: replace_snapshot(
            settings, SOURCE, SEGMENTS_TABLE,
            pa.Table.from_pylist(segment_rows, SEGMENTS_SCHEMA), load_date,
        ),
        CONDITIONS_TABLE: replace_snapshot(
            settings, SOURCE, CONDITIONS_TABLE,
            pa.Table.from_pylist(condition_rows, CONDITIONS_SCHEMA), load_date,
        ),
    }  # fmt: skip


def _value_rows(segment: str, position: int, condition: Condition) -> list[dict[str, Any]]:
    base = {
        "segmento": segment,
        "posicao": position,
        "atributo": condition.atributo,
        "operador": condition.operador.value,
    }
    values = condition.values()
    if condition.operador is Operator.ENTRE:
        return [{**base, "numero": float(values[0]), "numero_ate": float(values[1])}]
    column = {Kind.BOOLEANO: "booleano", Kind.NUMERO: "numero"}.get(
        ATTRIBUTES[condition.atributo][0], "texto"
    )
    return [{**base, column: float(value) if column == "numero" else value} for value in values]


def _problems(error: ValidationError, content: Any) -> str:
    """One line per mistake, naming the segment (by its nome when it has one) and the condition."""
    lines = []
    for problem in error.errors():
        location = list(problem["loc"])
        where = []
        if location[:1] == ["segmentos"] and len(location) > 1 and isinstance(location[1], int):
            where.append(f"segment {_segment_name(content, location[1])}")
            location = location[2:]
            if len(location) > 1 and location[0] in ("todas", "alguma"):
                where.append(f"condition {location[1] + 1} of {location[0]}")
                location = location[2:]
        where += [str(part) for part in location]
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{', '.join(where) or 'file'}: {message}")
    return "; ".join(lines)


def _segment_name(content: Any, index: int) -> str:
    try:
        name = content["segmentos"][index]["nome"]
    except (KeyError, IndexError, TypeError):
        name = None
    return repr(name) if isinstance(name, str) else f"#{index + 1}"
