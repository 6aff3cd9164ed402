"""Page "Alterações cadastrais": who changed which registration field, before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data_access, pagina
from dashboards.botoes_exportacao import botoes_auditados
from dashboards.filtro_periodo import escolher_periodo
from dashboards.formatacao import data_br, inteiro_br, serie_em_sao_paulo
from dashboards.periodos import Periodo
from dashboards.politica import Pagina
from dashboards.usuarios import Papel, Usuario

TITULO = "Alterações cadastrais"

ROTULOS_CAMPOS = {
    "nome": "Nome",
    "rg": "RG",
    "renda_familiar": "Renda familiar",
    "celular": "Celular",
    "email": "E-mail",
    "cep": "CEP",
    "endereco": "Endereço",
}

ROTULOS_ORIGEM = {
    "portal": "Portal do cliente",
    "painel": "Painel do CRM",
}

# Up to this many days the chart shows every day of the period, days without changes at zero.
_DIAS_PREENCHIDOS_NO_GRAFICO = 92


@dataclass(frozen=True)
class Filtros:
    periodo: Periodo
    campos: tuple[str, ...]
    busca: str


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.ALTERACOES_CADASTRAIS)
    if usuario is None:
        return

    filtros = _filtros()
    if filtros is None:
        return
    consulta = (usuario, filtros.periodo.inicio, filtros.periodo.fim, filtros.campos, filtros.busca)
    st.caption(f"Período: {filtros.periodo.descricao()} (datas de São Paulo)")
    if usuario.papel in (Papel.CORRETOR, Papel.IMOBILIARIA):
        st.caption(f"Somente os clientes de {usuario.descricao()}.")

    indicadores = data_access.indicadores(*consulta)
    coluna_total, coluna_clientes, _ = st.columns([1, 1, 2])
    coluna_total.metric("Alterações", inteiro_br(indicadores.total_alteracoes))
    coluna_clientes.metric("Clientes", inteiro_br(indicadores.clientes))
    if indicadores.total_alteracoes == 0:
        st.info("Nenhuma alteração cadastral encontrada para os filtros escolhidos.")
        return

    coluna_campos, coluna_dias = st.columns([1, 2])
    with coluna_campos:
        st.subheader("Por campo")
        st.dataframe(tabela_por_campo(data_access.totais_por_campo(*consulta)), hide_index=True)
    with coluna_dias:
        st.subheader("Por dia")
        st.altair_chart(
            grafico_por_dia(data_access.por_dia(*consulta), filtros.periodo), width="stretch"
        )

    st.subheader("Antes e depois")
    revelar = data_access.pode_revelar(usuario) and st.toggle(
        "Mostrar dados pessoais sem máscara",
        key="revelar",
        help="Cada revelação fica registrada na auditoria (quem, quando, filtros, linhas).",
    )
    tabela = tabela_de_alteracoes(data_access.alteracoes(*consulta, revelar=revelar))
    st.dataframe(
        tabela,
        hide_index=True,
        placeholder="—",
        column_config={
            "ID": st.column_config.NumberColumn(format="%d"),
            "Data": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm"),
        },
    )
    _botoes_de_exportacao(usuario, tabela, filtros, revelar)


def _filtros() -> Filtros | None:
    """The filter widgets; None (after showing why) when the chosen period is invalid."""
    periodo = escolher_periodo()
    coluna_campos, coluna_busca = st.columns([2, 1])
    campos = coluna_campos.multiselect(
        "Campos",
        list(ROTULOS_CAMPOS),
        format_func=ROTULOS_CAMPOS.__getitem__,
        placeholder="Todos os campos",
        key="campos",
    )
    busca = coluna_busca.text_input("Buscar cliente (nome ou ID)", key="busca")
    if periodo is None:
        return None
    return Filtros(periodo=periodo, campos=tuple(campos), busca=busca)


def tabela_de_alteracoes(linhas: pd.DataFrame) -> pd.DataFrame:
    """The before/after table as shown and exported: pt-BR columns, São Paulo local time."""
    return pd.DataFrame(
        {
            "Cliente": linhas["nome"],
            "ID": linhas["idpessoa"],
            "CPF": linhas["documento"],
            "Campo": linhas["campo"].map(lambda campo: ROTULOS_CAMPOS.get(campo, campo)),
            "Valor anterior": linhas["valor_anterior"],
            "Valor atual": linhas["valor_atual"],
            "Data": serie_em_sao_paulo(linhas["alterado_em"]),
            "Origem": linhas["origem"].map(lambda origem: ROTULOS_ORIGEM.get(origem, origem)),
        }
    )


def tabela_por_campo(totais: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Campo": totais["campo"].map(lambda campo: ROTULOS_CAMPOS.get(campo, campo)),
            "Alterações": totais["alteracoes"],
        }
    )


def grafico_por_dia(totais: pd.DataFrame, periodo: Periodo) -> alt.Chart:
    """Bars per São Paulo day.

    Days are labelled as text rather than plotted as timestamps: a browser would otherwise shift
    midnight into its own time zone and draw a bar on the previous day.
    """
    dias = _dias_do_grafico(totais["data_local"], periodo)
    por_dia = dict(zip(totais["data_local"], totais["alteracoes"], strict=True))
    dados = pd.DataFrame(
        {"Dia": [data_br(dia) for dia in dias], "Alterações": [por_dia.get(dia, 0) for dia in dias]}
    )
    return (
        alt.Chart(dados)
        .mark_bar()
        .encode(
            x=alt.X("Dia:O", sort=None, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("Alterações:Q", title="Alterações", axis=alt.Axis(tickMinStep=1)),
            tooltip=["Dia", "Alterações"],
        )
    )


def _dias_do_grafico(dias_com_alteracao: Sequence[date], periodo: Periodo) -> list[date]:
    quantidade = (periodo.fim - periodo.inicio).days + 1
    if quantidade > _DIAS_PREENCHIDOS_NO_GRAFICO:
        return sorted(dias_com_alteracao)
    return [periodo.inicio + timedelta(days=deslocamento) for deslocamento in range(quantidade)]


def _botoes_de_exportacao(
    usuario: Usuario, tabela: pd.DataFrame, filtros: Filtros, revelar: bool
) -> None:
    periodo = filtros.periodo
    botoes_auditados(
        usuario,
        Pagina.ALTERACOES_CADASTRAIS,
        data_access.filtros_auditados(
            periodo.inicio, periodo.fim, filtros.campos, filtros.busca, sem_mascara=revelar
        ),
        tabela,
        f"alteracoes-cadastrais_{periodo.inicio:%Y-%m-%d}_{periodo.fim:%Y-%m-%d}",
        "Alterações cadastrais",
    )
