"""Report periods: "Mês atual", "Mês anterior" and "Período personalizado".

Pure functions over São Paulo calendar dates. The reference date ("today") is always an input,
defaulting to today in São Paulo, so that every report is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from dashboards.formatacao import FUSO_SAO_PAULO, data_br


class TipoPeriodo(StrEnum):
    """The period choices offered to the user; the values are the on-screen labels."""

    MES_ATUAL = "Mês atual"
    MES_ANTERIOR = "Mês anterior"
    PERSONALIZADO = "Período personalizado"


class PeriodoInvalido(ValueError):
    """A custom period the user must fix; the message is shown on screen as is."""


@dataclass(frozen=True)
class Periodo:
    """An inclusive range of São Paulo calendar dates."""

    inicio: date
    fim: date

    def descricao(self) -> str:
        return f"{data_br(self.inicio)} a {data_br(self.fim)}"


def hoje_em_sao_paulo(agora: datetime | None = None) -> date:
    """The São Paulo calendar date at `agora` (default: now)."""
    agora = agora or datetime.now(UTC)
    if agora.tzinfo is None:
        agora = agora.replace(tzinfo=UTC)
    return agora.astimezone(FUSO_SAO_PAULO).date()


def mes_atual(referencia: date | None = None) -> Periodo:
    """From the first day of the reference date's month up to the reference date."""
    referencia = referencia or hoje_em_sao_paulo()
    return Periodo(referencia.replace(day=1), referencia)


def mes_anterior(referencia: date | None = None) -> Periodo:
    """The whole calendar month before the reference date's month."""
    referencia = referencia or hoje_em_sao_paulo()
    ultimo_dia = referencia.replace(day=1) - timedelta(days=1)
    return Periodo(ultimo_dia.replace(day=1), ultimo_dia)


def personalizado(inicio: date, fim: date) -> Periodo:
    """Inclusive start and end dates; a start after the end is refused with a pt-BR message."""
    if inicio > fim:
        raise PeriodoInvalido(
            f"A data inicial ({data_br(inicio)}) é posterior à data final ({data_br(fim)})."
        )
    return Periodo(inicio, fim)


def periodo(
    tipo: TipoPeriodo | str,
    referencia: date | None = None,
    inicio: date | None = None,
    fim: date | None = None,
) -> Periodo:
    """The period for a choice of `TipoPeriodo`; `inicio` and `fim` only matter when custom."""
    tipo = TipoPeriodo(tipo)
    if tipo is TipoPeriodo.MES_ATUAL:
        return mes_atual(referencia)
    if tipo is TipoPeriodo.MES_ANTERIOR:
        return mes_anterior(referencia)
    if inicio is None or fim is None:
        raise PeriodoInvalido("Informe a data inicial e a data final.")
    return personalizado(inicio, fim)
