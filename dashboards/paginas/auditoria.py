"""Page "Auditoria" (gestor): every export and every reveal of masked personal data (LGPD)."""

from __future__ import annotations

import contextlib
import json
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboards import data_access, pagina, periodos
from dashboards.data_access import Acao
from dashboards.formatacao import FORMATO_INTEIRO_BR, inteiro_br, serie_em_sao_paulo
from dashboards.politica import Pagina

TITULO = "Auditoria"

ROTULOS_ACOES = {Acao.EXPORTACAO: "Exportação", Acao.REVELACAO: "Revelação de dados"}
ROTULOS_FILTROS = {
    "inicio": "de",
    "fim": "até",
    "campos": "campos",
    "busca": "busca",
    "sem_mascara": "sem máscara",
    "segmento": "segmento",
    "incluir_consentimento_desconhecido": "com consentimento desconhecido",
    "gatilhos": "gatilhos",
    "origens": "origens do protocolo",
}
_DIAS_PADRAO = 30


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.AUDITORIA, exige_publicacao=False)
    if usuario is None:
        return
    st.caption(
        "Cada exportação e cada revelação de dado pessoal mascarado feita nos painéis: "
        "quem, quando (horário de São Paulo), em que página, com quais filtros e quantas linhas."
    )
    hoje = periodos.hoje_em_sao_paulo()
    coluna_inicio, coluna_fim = st.columns(2)
    inicio = coluna_inicio.date_input(
        "De", value=hoje - timedelta(days=_DIAS_PADRAO), format="DD/MM/YYYY", key="aud_inicio"
    )
    fim = coluna_fim.date_input("Até", value=hoje, format="DD/MM/YYYY", key="aud_fim")
    if inicio > fim:
        st.error("A data inicial é posterior à data final.")
        return

    registros = data_access.auditoria(usuario, inicio, fim)
    coluna_total, coluna_exportacoes, coluna_revelacoes, _ = st.columns(4)
    coluna_total.metric("Registros", inteiro_br(len(registros)))
    coluna_exportacoes.metric(
        "Exportações", inteiro_br(int((registros["acao"] == Acao.EXPORTACAO).sum()))
    )
    coluna_revelacoes.metric(
        "Revelações", inteiro_br(int((registros["acao"] == Acao.REVELACAO).sum()))
    )
    if registros.empty:
        st.info("Nenhuma exportação ou revelação no período.")
        return
    st.dataframe(
        tabela_auditoria(registros),
        hide_index=True,
        placeholder="—",
        column_config={
            "Quando": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss"),
            "Linhas": st.column_config.NumberColumn(format=FORMATO_INTEIRO_BR),
            "Filtros": st.column_config.TextColumn(width="large"),
        },
    )


def tabela_auditoria(registros: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Quando": serie_em_sao_paulo(registros["em"]),
            "Usuário": registros["login"],
            "Papel": registros["papel"],
            "Ação": registros["acao"].map(lambda acao: ROTULOS_ACOES.get(acao, acao)),
            "Página": registros["pagina"],
            "Filtros": registros["filtros"].map(filtros_legiveis),
            "Linhas": registros["linhas"],
            "Formato": registros["detalhe"],
        }
    )


def filtros_legiveis(filtros_json: str) -> str:
    """{"inicio": "2026-11-01", "campos": []} → "de 01/11/2026" (empty filters left out)."""
    try:
        filtros = json.loads(filtros_json)
    except (TypeError, ValueError):
        return str(filtros_json)
    partes = []
    for chave, valor in filtros.items():
        if valor in (None, "", [], False):
            continue
        if isinstance(valor, str) and chave in ("inicio", "fim"):
            with contextlib.suppress(ValueError):  # not a date: shown as written
                valor = date.fromisoformat(valor).strftime("%d/%m/%Y")
        elif isinstance(valor, list):
            valor = ", ".join(str(item) for item in valor)
        elif valor is True:
            valor = "sim"
        partes.append(f"{ROTULOS_FILTROS.get(chave, chave)} {valor}")
    return "; ".join(partes)
