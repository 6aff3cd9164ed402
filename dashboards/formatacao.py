"""Brazilian Portuguese formatting for screens and exports, and the CPF mask.

Every timestamp in the warehouse is UTC; screens show São Paulo local time, converted with the
time-zone database so that the daylight-saving years before 2019 come out right.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

FUSO_SAO_PAULO = ZoneInfo("America/Sao_Paulo")

_CPF_MASCARADO_DESCONHECIDO = "***"

# Integers in st.dataframe with Brazilian thousands separators, whatever the browser's locale:
# Streamlit's printf format takes "," for grouping and the `'` padding character as the separator
# ("%'.,d": 1234567 -> "1.234.567"). The cells stay numbers, so columns still sort numerically.
FORMATO_INTEIRO_BR = "%'.,d"


def em_sao_paulo(momento_utc: datetime) -> datetime:
    """Convert a UTC timestamp (naive values are read as UTC) to São Paulo local time."""
    if momento_utc.tzinfo is None:
        momento_utc = momento_utc.replace(tzinfo=UTC)
    return momento_utc.astimezone(FUSO_SAO_PAULO)


def serie_em_sao_paulo(serie_utc: pd.Series) -> pd.Series:
    """Vectorised `em_sao_paulo` for a column of naive UTC timestamps, returned naive local.

    Naive local values display as they are in grids and spreadsheets, which do not understand
    time zones.
    """
    serie = pd.to_datetime(serie_utc)
    if serie.dt.tz is None:
        serie = serie.dt.tz_localize("UTC")
    return serie.dt.tz_convert(FUSO_SAO_PAULO).dt.tz_localize(None)


def data_br(dia: date | None) -> str:
    """A date as "dd/mm/aaaa": `date(2026, 11, 3)` → "03/11/2026"; None → ""."""
    if dia is None:
        return ""
    return dia.strftime("%d/%m/%Y")


def data_hora_br(momento_utc: datetime | None) -> str:
    """A UTC timestamp shown in São Paulo time as "dd/mm/aaaa hh:mm"; None → ""."""
    if momento_utc is None:
        return ""
    return em_sao_paulo(momento_utc).strftime("%d/%m/%Y %H:%M")


def inteiro_br(numero: int) -> str:
    """1234567 → "1.234.567"."""
    return f"{numero:,}".replace(",", ".")


def duracao_br(duracao: timedelta | None) -> str:
    """A duration for people: "12,3 s", "2 min 05 s", "1 h 02 min"; None → ""."""
    if duracao is None:
        return ""
    segundos = Decimal(str(duracao.total_seconds()))
    if segundos.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) < 60:
        return f"{decimal_br(segundos, 1)} s"
    inteiros = int(segundos.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    horas, resto = divmod(inteiros, 3600)
    minutos, segundos_restantes = divmod(resto, 60)
    if horas:
        return f"{inteiro_br(horas)} h {minutos:02d} min"
    return f"{minutos} min {segundos_restantes:02d} s"


def horas_br(duracao: timedelta | None, casas: int = 1) -> str:
    """A duration in hours with a decimal comma: 3 h 30 min → "3,5"; None → ""."""
    if duracao is None:
        return ""
    return decimal_br(Decimal(str(duracao.total_seconds())) / 3600, casas)


def decimal_br(valor: Decimal, casas: int = 2) -> str:
    """Decimal("1234.5") → "1.234,50" (rounded half up)."""
    quantum = Decimal(1).scaleb(-casas)
    arredondado = valor.quantize(quantum, rounding=ROUND_HALF_UP)
    texto = f"{arredondado:,.{casas}f}"
    return texto.replace(",", "_").replace(".", ",").replace("_", ".")


def percentual_br(parte: int, total: int, casas: int = 2) -> str:
    """`parte` as a percentage of `total`, exact and rounded half up: (2, 3) → "66,67%";
    a total of 0 → "" (no share of nothing)."""
    if total == 0:
        return ""
    return f"{decimal_br(Decimal(parte) * 100 / Decimal(total), casas)}%"


def dinheiro_br(valor: Decimal | int) -> str:
    """Decimal("1234.56") → "R$ 1.234,56"; negative amounts → "-R$ 1.234,56".

    Money is never a float in this project, so floats are refused rather than rounded silently.
    """
    if isinstance(valor, float):
        raise TypeError("money must be a Decimal, never a float")
    valor = Decimal(valor)
    sinal = "-" if valor < 0 else ""
    return f"{sinal}R$ {decimal_br(abs(valor))}"


def mascarar_cpf(documento: str | None) -> str | None:
    """Mask a CPF for screens: "12345678901" → "***.456.789-**".

    Anything that is not an 11-digit CPF is hidden entirely, so a malformed value can never leak
    digits; None or blank stays None (no document on file).
    """
    if documento is None or not documento.strip():
        return None
    digitos = re.sub(r"\D", "", documento)
    if len(digitos) != 11:
        return _CPF_MASCARADO_DESCONHECIDO
    return f"***.{digitos[3:6]}.{digitos[6:9]}-**"


_OCULTO = "***"


def mascarar_campo(campo: str, valor: str | None) -> str | None:
    """Mask one registration value for screens, by field, keeping just enough to recognise it.

    Masks are built from the value's digits or letters alone, in a fixed layout, so punctuation
    or stray text never shows through: rg keeps its last 3 characters ("******78X"), celular its
    last 4 digits ("(**) *****-5432"), email the first letter and the domain ("j***@novo.com.br"),
    cep its first 2 digits ("50***-***"). A value too short to keep anything, renda_familiar,
    endereco and any other field are hidden entirely. None or blank stays None (nothing on file).
    """
    if valor is None or not valor.strip():
        return None
    texto = valor.strip()
    if campo == "email":
        local, arroba, dominio = texto.partition("@")
        return f"{local[:1]}{_OCULTO}@{dominio}" if arroba and local and dominio else _OCULTO
    if campo == "rg":
        caracteres = re.sub(r"[^0-9A-Za-z]", "", texto)
        return "*" * (len(caracteres) - 3) + caracteres[-3:] if len(caracteres) >= 6 else _OCULTO
    digitos = re.sub(r"\D", "", texto)
    if campo == "celular":
        return f"(**) *****-{digitos[-4:]}" if len(digitos) >= 8 else _OCULTO
    if campo == "cep":
        return f"{digitos[:2]}***-***" if len(digitos) == 8 else _OCULTO
    return _OCULTO
