"""Page "Qualidade dos dados": quarantine, input accounting, freshness and the last runs.

Opened by the roles dashboards/politica.py allows (gestor and analista); the quarantined records
as received are shown only to those `data_access.pode_ver_conteudo_da_quarentena()` allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboards import data_access, pagina, periodos
from dashboards.data_access import Execucao, Frescor, OpcoesQuarentena, SituacaoFrescor
from dashboards.formatacao import (
    FORMATO_INTEIRO_BR,
    data_br,
    data_hora_br,
    duracao_br,
    horas_br,
    inteiro_br,
    serie_em_sao_paulo,
)
from dashboards.periodos import PeriodoInvalido
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario
from ingestion.crm.objects import OBJECTS

TITULO = "Qualidade dos dados"

ROTULOS_FONTES = {
    "portal/eventos": "Portal (eventos)",
    "pesquisas/envios": "Pesquisas (envios)",
    "serasa/solicitacoes": "Serasa (solicitações)",
    **{obj.source_table: f"CRM ({obj.path.removeprefix('cvdw/')})" for obj in OBJECTS},
    "publicacao": "Publicação",
}

ROTULOS_STATUS = {
    "success": "sucesso",
    "failure": "falha",
    "running": "em andamento",
}

ULTIMAS_EXECUCOES = 20

SIM = "sim"
NAO = "NÃO"
_DESTAQUE_PROBLEMA = "background-color: #fde2e1; color: #8a1c1c; font-weight: bold"
_PROBLEMAS = frozenset({NAO, SituacaoFrescor.ATRASADO.value, SituacaoFrescor.NUNCA.value, "falha"})

_INTEIRO = st.column_config.NumberColumn(format=FORMATO_INTEIRO_BR)
_DIA = st.column_config.DateColumn(format="DD/MM/YYYY")
_DATA_HORA = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")


@dataclass(frozen=True)
class FiltrosQuarentena:
    inicio: date
    fim: date
    fontes: tuple[str, ...]
    motivos: tuple[str, ...]


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.QUALIDADE_DOS_DADOS, exige_publicacao=False)
    if usuario is None:
        return

    frescor = data_access.frescor(usuario)
    reconciliacao = data_access.reconciliacao(usuario)
    execucoes = data_access.ultimas_execucoes(usuario, ULTIMAS_EXECUCOES)
    _alertas(frescor, reconciliacao, execucoes)

    aba_quarentena, aba_reconciliacao, aba_frescor, aba_execucoes = st.tabs(
        ["Quarentena", "Reconciliação", "Frescor", "Últimas execuções"]
    )
    with aba_quarentena:
        _secao_quarentena(usuario)
    with aba_reconciliacao:
        _secao_reconciliacao(usuario, reconciliacao)
    with aba_frescor:
        _secao_frescor(frescor)
    with aba_execucoes:
        _secao_execucoes(execucoes)


def rotulo_fonte(fonte: str) -> str:
    return ROTULOS_FONTES.get(fonte, fonte)


# --- Alerts ---------------------------------------------------------------------------------------


def _alertas(
    frescor: list[Frescor], reconciliacao: pd.DataFrame, execucoes: list[Execucao]
) -> None:
    """One box above the tabs: what needs attention, or that nothing does."""
    mensagens = []
    for medida in frescor:
        if medida.situacao is SituacaoFrescor.NUNCA:
            mensagens.append(f"{rotulo_fonte(medida.nome)}: nunca atualizado.")
        elif medida.situacao is SituacaoFrescor.ATRASADO:
            mensagens.append(
                f"{rotulo_fonte(medida.nome)}: atrasado, última atualização em "
                f"{data_hora_br(medida.ultima_em)}."
            )
    divergentes = int((~reconciliacao["confere"].astype(bool)).sum())
    if divergentes:
        mensagens.append(
            f"Reconciliação: {inteiro_br(divergentes)} "
            f"{'dia de carga não fecha' if divergentes == 1 else 'dias de carga não fecham'}."
        )
    terminadas = [execucao for execucao in execucoes if execucao.status != "running"]
    if terminadas and terminadas[0].status == "failure":
        mensagens.append(
            f"A última execução terminada ({data_hora_br(terminadas[0].iniciada_em)}) falhou."
        )
    if mensagens:
        st.warning("\n".join(f"- {mensagem}" for mensagem in mensagens))
    else:
        st.success("Fontes e publicação em dia, contas fechando e última execução sem falha.")


# --- Quarentena -----------------------------------------------------------------------------------


def _secao_quarentena(usuario: Usuario) -> None:
    st.caption(
        "Registros que a ingestão não pôde ler ou identificar, guardados com o motivo, "
        "como chegaram."
    )
    if data_access.publicacao_atual() is None:
        st.info(data_access.SEM_PUBLICACAO)
        return
    if not data_access.quarentena_publicada(usuario):
        st.info(
            "A publicação atual não traz a quarentena: ela aparece a partir da próxima "
            "execução do pipeline (`alicerce run`)."
        )
        return
    opcoes = data_access.opcoes_quarentena(usuario)
    if opcoes.registros == 0:
        st.success("Nenhum registro em quarentena.")
        return
    filtros = _filtros_quarentena(opcoes)
    if filtros is None:
        return
    consulta = (filtros.inicio, filtros.fim, filtros.fontes, filtros.motivos)

    resumo = data_access.quarentena_por_dia(usuario, *consulta)
    total = int(resumo["registros"].sum())
    coluna_total, coluna_fontes, coluna_motivos, _ = st.columns(4)
    coluna_total.metric("Registros em quarentena", inteiro_br(total))
    coluna_fontes.metric("Fontes", inteiro_br(resumo["fonte"].nunique()))
    coluna_motivos.metric("Motivos", inteiro_br(resumo["motivo"].nunique()))
    if total == 0:
        st.info("Nenhum registro em quarentena para os filtros escolhidos.")
        return

    st.subheader("Por dia de carga")
    st.altair_chart(grafico_quarentena(resumo), width="stretch")
    coluna_motivo, coluna_dia = st.columns(2)
    with coluna_motivo:
        st.markdown("**Por fonte e motivo**")
        st.dataframe(
            tabela_por_fonte_e_motivo(resumo),
            hide_index=True,
            column_config={
                "Registros": _INTEIRO,
                "Primeira carga": _DIA,
                "Última carga": _DIA,
            },
        )
    with coluna_dia:
        st.markdown("**Por fonte, motivo e dia**")
        st.dataframe(
            tabela_resumo_quarentena(resumo),
            hide_index=True,
            column_config={"Dia de carga": _DIA, "Registros": _INTEIRO},
        )

    st.subheader("Registros")
    registros = data_access.quarentena_registros(usuario, *consulta)
    if len(registros) < total:
        st.caption(
            f"Mostrando os {inteiro_br(len(registros))} registros mais recentes de "
            f"{inteiro_br(total)}."
        )
    else:
        st.caption(f"{inteiro_br(total)} {'registro' if total == 1 else 'registros'}.")
    if "conteudo" not in registros.columns:
        st.caption("Conteúdo dos registros oculto para o seu papel (pode conter dados pessoais).")
    st.dataframe(
        tabela_registros_quarentena(registros),
        hide_index=True,
        placeholder="—",
        column_config={
            "Dia de carga": _DIA,
            "Linha": st.column_config.NumberColumn(format="%d"),
            "Conteúdo": st.column_config.TextColumn(width="large"),
        },
    )


def _filtros_quarentena(opcoes: OpcoesQuarentena) -> FiltrosQuarentena | None:
    """The filter widgets; None (after showing why) when the chosen period is invalid."""
    coluna_fontes, coluna_motivos = st.columns(2)
    fontes = coluna_fontes.multiselect(
        "Fontes",
        list(opcoes.fontes),
        format_func=rotulo_fonte,
        placeholder="Todas as fontes",
        key="quarentena_fontes",
    )
    motivos = coluna_motivos.multiselect(
        "Motivos", list(opcoes.motivos), placeholder="Todos os motivos", key="quarentena_motivos"
    )
    coluna_inicio, coluna_fim, _ = st.columns([1, 1, 2])
    primeira = opcoes.primeira_carga or periodos.hoje_em_sao_paulo()
    ultima = opcoes.ultima_carga or primeira
    inicio = coluna_inicio.date_input(
        "Carga de",
        value=primeira,
        min_value=date(2000, 1, 1),
        format="DD/MM/YYYY",
        key="quarentena_inicio",
        help="Dia de carga: o dia em que o arquivo chegou.",
    )
    fim = coluna_fim.date_input(
        "Carga até",
        value=ultima,
        min_value=date(2000, 1, 1),
        format="DD/MM/YYYY",
        key="quarentena_fim",
    )
    try:
        periodo = periodos.personalizado(inicio, fim)
    except PeriodoInvalido as erro:
        st.error(str(erro))
        return None
    return FiltrosQuarentena(periodo.inicio, periodo.fim, tuple(fontes), tuple(motivos))


def grafico_quarentena(resumo: pd.DataFrame) -> alt.Chart:
    """Stacked bars per load day, one colour per reason.

    Days are labelled as text rather than plotted as timestamps: a browser would otherwise shift
    midnight into its own time zone and draw a bar on the previous day.
    """
    dados = pd.DataFrame(
        {
            "Dia": [data_br(dia) for dia in resumo["data_carga"]],
            "Fonte": resumo["fonte"].map(rotulo_fonte),
            "Motivo": resumo["motivo"],
            "Registros": resumo["registros"].astype("int64"),
        }
    )
    dias = [data_br(dia) for dia in sorted(set(resumo["data_carga"]))]
    return (
        alt.Chart(dados)
        .mark_bar()
        .encode(
            x=alt.X("Dia:O", sort=dias, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("sum(Registros):Q", title="Registros", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Motivo:N", title="Motivo"),
            tooltip=["Dia", "Fonte", "Motivo", "Registros"],
        )
    )


def tabela_por_fonte_e_motivo(resumo: pd.DataFrame) -> pd.DataFrame:
    """Per source and reason over the period: records, first and last load day; most first."""
    grupos = (
        resumo.groupby(["fonte", "motivo"], as_index=False)
        .agg(
            registros=("registros", "sum"),
            primeira=("data_carga", "min"),
            ultima=("data_carga", "max"),
        )
        .sort_values(["registros", "fonte", "motivo"], ascending=[False, True, True])
    )
    return pd.DataFrame(
        {
            "Fonte": grupos["fonte"].map(rotulo_fonte),
            "Motivo": grupos["motivo"],
            "Registros": grupos["registros"].astype("int64"),
            "Primeira carga": grupos["primeira"],
            "Última carga": grupos["ultima"],
        }
    ).reset_index(drop=True)


def tabela_resumo_quarentena(resumo: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Dia de carga": resumo["data_carga"],
            "Fonte": resumo["fonte"].map(rotulo_fonte),
            "Motivo": resumo["motivo"],
            "Registros": resumo["registros"].astype("int64"),
        }
    )


def tabela_registros_quarentena(registros: pd.DataFrame) -> pd.DataFrame:
    """The rows as shown; "Conteúdo" only when data_access returned it (the role may see it)."""
    tabela = pd.DataFrame(
        {
            "Fonte": registros["fonte"].map(rotulo_fonte),
            "Dia de carga": registros["data_carga"],
            "Motivo": registros["motivo"],
            "Arquivo": registros["arquivo"],
            "Linha": registros["linha"],
        }
    )
    if "conteudo" in registros.columns:
        tabela["Conteúdo"] = registros["conteudo"]
    return tabela


# --- Reconciliação --------------------------------------------------------------------------------


def _secao_reconciliacao(usuario: Usuario, reconciliacao: pd.DataFrame) -> None:
    st.caption(
        "Cada registro recebido é carregado, vai para a quarentena ou é duplicado: "
        "entrada = carregados + quarentena + duplicados. Arquivos já ingeridos (mesmo conteúdo) "
        "são ignorados e não entram na conta."
    )
    if reconciliacao.empty:
        st.info("Nenhum arquivo ingerido ainda.")
    else:
        divergentes = reconciliacao[~reconciliacao["confere"].astype(bool)]
        if not divergentes.empty:
            dias = "; ".join(
                f"{rotulo_fonte(linha.fonte)} em {data_br(linha.data_carga)}"
                for linha in divergentes.itertuples(index=False)
            )
            st.error(f"A conta não fecha: {dias}.")

        st.subheader("Por fonte")
        st.dataframe(
            _destacar(tabela_por_fonte(data_access.reconciliacao_por_fonte(usuario))),
            hide_index=True,
            column_config={
                coluna: _INTEIRO
                for coluna in (
                    "Arquivos",
                    "Entrada",
                    "Carregados",
                    "Quarentena",
                    "Duplicados",
                    "Reprocessados: carregados",
                    "Reprocessados: duplicados",
                    "Em quarentena agora",
                )
            },  # fmt: skip
        )
        st.subheader("Por dia de carga")
        st.dataframe(
            _destacar(tabela_reconciliacao(reconciliacao)),
            hide_index=True,
            column_config={
                "Dia de carga": _DIA,
                **{
                    coluna: _INTEIRO
                    for coluna in ("Arquivos", "Entrada", "Carregados", "Quarentena", "Duplicados")
                },
            },
        )

    st.subheader("Reprocessamentos da quarentena")
    st.caption(
        "Um reprocessamento examina de novo os registros em quarentena. Os que agora passam vão "
        "para o lake (carregados) ou já estavam lá (duplicados) e, nos dois casos, saem da "
        "quarentena; os demais continuam nela. Por isso, em quarentena agora = quarentena na "
        "ingestão − carregados no reprocessamento − duplicados no reprocessamento."
    )
    reprocessamentos = data_access.reprocessamentos(usuario)
    if reprocessamentos.empty:
        st.info("Nenhum reprocessamento registrado.")
        return
    st.dataframe(
        tabela_reprocessamentos(reprocessamentos),
        hide_index=True,
        column_config={
            "Reprocessado em": _DATA_HORA,
            "Dia de carga": _DIA,
            **{
                coluna: _INTEIRO
                for coluna in ("Examinados", "Carregados", "Duplicados", "Ainda em quarentena")
            },
        },
    )


def tabela_reconciliacao(reconciliacao: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Dia de carga": reconciliacao["data_carga"],
            "Fonte": reconciliacao["fonte"].map(rotulo_fonte),
            "Arquivos": reconciliacao["arquivos"].astype("int64"),
            "Entrada": reconciliacao["entrada"].astype("int64"),
            "Carregados": reconciliacao["carregados"].astype("int64"),
            "Quarentena": reconciliacao["quarentena"].astype("int64"),
            "Duplicados": reconciliacao["duplicados"].astype("int64"),
            "Confere": reconciliacao["confere"].map(lambda confere: SIM if confere else NAO),
        }
    )


def tabela_por_fonte(totais: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Fonte": totais["fonte"].map(rotulo_fonte),
            "Arquivos": totais["arquivos"],
            "Entrada": totais["entrada"],
            "Carregados": totais["carregados"],
            "Quarentena": totais["quarentena"],
            "Duplicados": totais["duplicados"],
            "Confere": totais["confere"].map(lambda confere: SIM if confere else NAO),
            "Reprocessados: carregados": totais["reprocessados_carregados"],
            "Reprocessados: duplicados": totais["reprocessados_duplicados"],
            "Em quarentena agora": totais["quarentena_atual"],
        }
    )


def tabela_reprocessamentos(reprocessamentos: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Reprocessado em": serie_em_sao_paulo(reprocessamentos["reprocessado_em"]),
            "Fonte": reprocessamentos["fonte"].map(rotulo_fonte),
            "Dia de carga": reprocessamentos["data_carga"],
            "Examinados": reprocessamentos["examinados"].astype("int64"),
            "Carregados": reprocessamentos["carregados"].astype("int64"),
            "Duplicados": reprocessamentos["duplicados"].astype("int64"),
            "Ainda em quarentena": reprocessamentos["ainda_em_quarentena"].astype("int64"),
        }
    )


# --- Frescor --------------------------------------------------------------------------------------


def _secao_frescor(frescor: list[Frescor]) -> None:
    st.caption(
        "Quando cada fonte trouxe dados pela última vez e quando saiu a última publicação "
        "(horário de São Paulo). Em dia enquanto a idade não passa do limite."
    )
    st.dataframe(_destacar(tabela_frescor(frescor)), hide_index=True, placeholder="—")


def tabela_frescor(frescor: list[Frescor]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Fonte": [rotulo_fonte(medida.nome) for medida in frescor],
            "Última atualização": [data_hora_br(medida.ultima_em) or None for medida in frescor],
            "Idade (h)": [horas_br(medida.idade) or None for medida in frescor],
            "Limite (h)": [horas_br(medida.limite) for medida in frescor],
            "Situação": [medida.situacao.value for medida in frescor],
        }
    )


# --- Últimas execuções ----------------------------------------------------------------------------


def _secao_execucoes(execucoes: list[Execucao]) -> None:
    st.caption(
        f"As {ULTIMAS_EXECUCOES} execuções mais recentes do pipeline (horário de São Paulo)."
    )
    if not execucoes:
        st.info("Nenhuma execução registrada ainda.")
        return
    st.dataframe(
        _destacar(tabela_execucoes(execucoes)),
        hide_index=True,
        placeholder="—",
        column_config={
            "Início": _DATA_HORA,
            "Modelos": _INTEIRO,
            "Testes ok": _INTEIRO,
            "Testes com falha": _INTEIRO,
        },
    )
    for execucao in execucoes:
        if execucao.testes_que_falharam:
            with st.expander(
                f"Testes com falha na execução de {data_hora_br(execucao.iniciada_em)} "
                f"({inteiro_br(len(execucao.testes_que_falharam))})"
            ):
                st.code("\n".join(execucao.testes_que_falharam), language=None)


def tabela_execucoes(execucoes: list[Execucao]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Início": serie_em_sao_paulo(
                pd.Series([execucao.iniciada_em for execucao in execucoes], dtype=object)
            ),
            "Duração": [duracao_br(execucao.duracao) or None for execucao in execucoes],
            "Status": [ROTULOS_STATUS.get(e.status, e.status) for e in execucoes],
            "Modelos": pd.array([e.modelos for e in execucoes], dtype="Int64"),
            "Testes ok": pd.array([e.testes_ok for e in execucoes], dtype="Int64"),
            "Testes com falha": pd.array([e.testes_com_falha for e in execucoes], dtype="Int64"),
            "Recarga completa": [_sim_nao(e.carga_completa) for e in execucoes],
            "ID da execução": [e.run_id for e in execucoes],
        }
    )


def _sim_nao(valor: bool | None) -> str | None:
    if valor is None:
        return None
    return "sim" if valor else "não"


def _destacar(tabela: pd.DataFrame) -> Styler:
    """Cells that tell of a problem ("NÃO", "atrasado", "nunca", "falha") stand out in red."""
    return tabela.style.map(
        lambda valor: _DESTAQUE_PROBLEMA if valor in _PROBLEMAS else "",
    )
