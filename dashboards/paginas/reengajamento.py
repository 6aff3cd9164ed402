"""Page "Reengajamento": the re-engagement segments (who to contact, and why) and the periodic
update campaign's funnel with its checks on the portal."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data_access, pagina
from dashboards.botoes_exportacao import botoes_auditados
from dashboards.filtro_periodo import escolher_periodo
from dashboards.formatacao import data_br, inteiro_br
from dashboards.periodos import Periodo
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario

TITULO = "Reengajamento"

ROTULOS_CONSENTIMENTO = {"sim": "Sim", "nao": "Não", "desconhecido": "Desconhecido"}

# The funnel's columns as shown, in order (marts.atualizacao_cadastral_funil).
COLUNAS_FUNIL = {
    "logins": "Logins",
    "logins_devidos": "Logins de clientes devidos",
    "prompts": "Pedidos exibidos",
    "prompts_recusados": "Recusados",
    "prompts_concluidos": "Concluídos",
    "prompts_sem_resposta": "Sem resposta",
    "taxa_conclusao_bp": "Taxa de conclusão",
    "mediana_dias_ate_concluir": "Mediana de dias até concluir",
}
VERIFICACOES_FUNIL = {
    "logins_devidos_sem_prompt": "Login de cliente devido sem pedido",
    "prompts_a_nao_devidos": "Pedido a cliente não devido",
    "alteracoes_em_campos_ocultos": "Alteração em campo oculto do formulário",
}


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.REENGAJAMENTO)
    if usuario is None:
        return
    periodo = escolher_periodo()
    if periodo is None:
        return
    st.caption(f"Período: {periodo.descricao()} (datas de São Paulo)")
    aba_segmentos, aba_funil = st.tabs(["Segmentos", "Campanha de atualização"])
    with aba_segmentos:
        _segmentos(usuario, periodo)
    with aba_funil:
        _funil(usuario, periodo)


def _segmentos(usuario: Usuario, periodo: Periodo) -> None:
    segmentos = {segmento.nome: segmento for segmento in data_access.segmentos(usuario)}
    if not segmentos:
        st.info(
            "Nenhum segmento calculado ainda: defina-os em segmentos.yml "
            "(`alicerce segmentos verificar`) e rode `alicerce run`."
        )
        return
    nome = st.selectbox(
        "Segmento",
        list(segmentos),
        format_func=lambda nome: f"{nome}: {segmentos[nome].descricao}",
        key="segmento",
    )
    segmento = segmentos[nome]
    st.caption(f"Calculado em {data_br(segmento.data_referencia)} (data de referência da carga).")
    pessoas, contataveis, desconhecido, sem = st.columns(4)
    pessoas.metric("Pessoas", inteiro_br(segmento.pessoas))
    contataveis.metric("Contatáveis", inteiro_br(segmento.contataveis))
    desconhecido.metric(
        "Consentimento desconhecido", inteiro_br(segmento.consentimento_desconhecido)
    )
    sem.metric("Sem consentimento", inteiro_br(segmento.sem_consentimento))

    st.subheader("Evolução")
    tendencia = data_access.tendencia_segmento(usuario, nome, periodo.inicio, periodo.fim)
    if tendencia.empty:
        st.info("Nenhuma execução no período escolhido.")
    else:
        st.altair_chart(grafico_tendencia(tendencia), width="stretch")

    st.subheader("Lista")
    revelar = data_access.pode_revelar(usuario) and st.toggle(
        "Mostrar contatos sem máscara",
        key="revelar",
        help="Cada revelação fica registrada na auditoria (quem, quando, segmento, linhas).",
    )
    previa = data_access.lista_segmento(
        usuario, nome, revelar=revelar, limite=data_access.LIMITE_PREVIA_SEGMENTO
    )
    if previa.empty:
        st.info("Ninguém neste segmento na última execução.")
        return
    if segmento.pessoas > len(previa):
        st.caption(
            f"Prévia: as primeiras {inteiro_br(len(previa))} de {inteiro_br(segmento.pessoas)} "
            "pessoas, por ID; a exportação leva a lista inteira."
        )
    st.dataframe(tabela_da_lista(previa), hide_index=True, placeholder="—")

    st.subheader("Exportar para contato")
    incluir = st.checkbox(
        "Incluir pessoas com consentimento desconhecido",
        key="incluir_desconhecido",
        help=(
            "Sem a marcação de marketing no CRM, o consentimento é desconhecido: essas pessoas "
            "ficam fora da exportação, a menos que você as inclua. A auditoria registra a escolha."
        ),
    )
    quantas = data_access.tamanho_exportacao(usuario, nome, incluir)
    st.caption(
        f"{inteiro_br(quantas)} pessoas na exportação. Quem recusou marketing no CRM "
        "nunca é exportado."
    )

    def exportaveis() -> pd.DataFrame:  # read only when a file is downloaded
        return tabela_da_lista(
            data_access.lista_segmento(
                usuario, nome, revelar=revelar, para_exportar=True,
                incluir_consentimento_desconhecido=incluir,
            )
        )  # fmt: skip

    botoes_auditados(
        usuario,
        Pagina.REENGAJAMENTO,
        data_access.filtros_reengajamento(
            nome, sem_mascara=revelar, incluir_consentimento_desconhecido=incluir
        ),
        exportaveis,
        f"reengajamento_{nome}_{segmento.data_referencia:%Y-%m-%d}",
        "Reengajamento",
    )


def tabela_da_lista(linhas: pd.DataFrame) -> pd.DataFrame:
    """The segment's list as shown and exported, with pt-BR columns."""
    return pd.DataFrame(
        {
            "Cliente": linhas["nome"],
            "ID": linhas["idpessoa"],
            "Motivo": linhas["motivo"],
            "Consentimento": linhas["consentimento"].map(ROTULOS_CONSENTIMENTO.get),
            "Canais": linhas["canais"],
            "E-mail": linhas["email"],
            "Celular": linhas["celular"],
        }
    )


def grafico_tendencia(tendencia: pd.DataFrame) -> alt.Chart:
    """People and contactable people on each run's date (dates as text, as on the other pages)."""
    dados = pd.DataFrame(
        {
            "Dia": [data_br(dia) for dia in tendencia["data_referencia"]],
            "Pessoas": tendencia["pessoas"],
            "Contatáveis": tendencia["contataveis"],
        }
    ).melt("Dia", var_name="Série", value_name="Quantidade")
    return (
        alt.Chart(dados)
        .mark_line(point=True)
        .encode(
            x=alt.X("Dia:O", sort=None, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("Quantidade:Q", title="Pessoas", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Série:N", title=None),
            tooltip=["Dia", "Série", "Quantidade"],
        )
    )


def _funil(usuario: Usuario, periodo: Periodo) -> None:
    funil = data_access.funil_campanha(usuario, periodo.inicio, periodo.fim)
    if funil.empty:
        st.info("Nenhum mês da campanha no período escolhido.")
        return
    st.caption(
        f"Por mês, calculado em {data_br(funil['data_referencia'].iloc[-1])}; cada evento é "
        "julgado pela versão da campanha vigente no seu dia."
    )
    st.dataframe(tabela_do_funil(funil), hide_index=True, placeholder="—")
    st.subheader("Verificações do portal")
    totais = {rotulo: int(funil[coluna].sum()) for coluna, rotulo in VERIFICACOES_FUNIL.items()}
    if any(totais.values()):
        st.warning(
            "O portal se comportou fora das regras da campanha: "
            + "; ".join(f"{rotulo}: {inteiro_br(n)}" for rotulo, n in totais.items() if n)
            + "."
        )
    else:
        st.success("Nenhuma falha do portal no período.")
    st.dataframe(
        pd.DataFrame({"Verificação": list(totais), "Ocorrências": list(totais.values())}),
        hide_index=True,
    )


def tabela_do_funil(funil: pd.DataFrame) -> pd.DataFrame:
    """The funnel per month with pt-BR columns; the rate in percent from basis points."""
    tabela = pd.DataFrame({"Mês": [f"{mes:%m/%Y}" for mes in funil["mes"]]})
    for coluna, rotulo in COLUNAS_FUNIL.items():
        tabela[rotulo] = funil[coluna]
    tabela["Taxa de conclusão"] = [
        None if pd.isna(bp) else f"{int(bp) / 100:.2f}%".replace(".", ",")
        for bp in funil["taxa_conclusao_bp"]
    ]
    return tabela
