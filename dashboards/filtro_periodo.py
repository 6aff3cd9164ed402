"""The period filter the pages share: "Mês atual", "Mês anterior" or "Período personalizado",
with the reference date that "Mês atual" runs up to (dashboards/periodos.py does the dates)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards import periodos
from dashboards.periodos import Periodo, PeriodoInvalido, TipoPeriodo

_MINIMO = date(2000, 1, 1)


def escolher_periodo() -> Periodo | None:
    """The period the widgets give; None (after showing why) when a custom period is invalid."""
    hoje = periodos.hoje_em_sao_paulo()
    coluna_periodo, coluna_referencia = st.columns([2, 1])
    tipo = coluna_periodo.radio("Período", list(TipoPeriodo), horizontal=True, key="periodo")
    referencia = coluna_referencia.date_input(
        "Data de referência",
        value=hoje,
        min_value=_MINIMO,
        format="DD/MM/YYYY",
        key="data_referencia",
        help="“Mês atual” vai do primeiro dia do mês até esta data.",
    )
    inicio = fim = None
    if tipo == TipoPeriodo.PERSONALIZADO:
        coluna_inicio, coluna_fim = st.columns(2)
        inicio = coluna_inicio.date_input(
            "Data inicial",
            value=hoje.replace(day=1),
            min_value=_MINIMO,
            format="DD/MM/YYYY",
            key="inicio",
        )
        fim = coluna_fim.date_input(
            "Data final", value=hoje, min_value=_MINIMO, format="DD/MM/YYYY", key="fim"
        )
    try:
        return periodos.periodo(tipo, referencia=referencia, inicio=inicio, fim=fim)
    except PeriodoInvalido as erro:
        st.error(str(erro))
        return None
