"""Page "Serasa": the credit queries' usage and cost, and the clients' credit summaries
(DESIGN.md, "Serasa"; docs/serasa.md).

Two tabs:

- "Uso e custo": the calls of the period (data_consulta, São Paulo), billed calls and their cost
  per panel, key and report; the failures, the calls whose billing is unknown ('desconhecido',
  resent only by a user's decision) and the refusals with their reason; token renewals and
  reused answers; a warning when billed calls have no price configured;
- "Resumo de crédito": a client's summary (marts.serasa_resumo_cliente), found by ID or name,
  with the CPF masked as the role says (revealed and audited like the other pages).

A broker sees the calls made in their own panel and their clients' summaries; a brokerage the
calls of its panel and of its brokers' panels, and its brokers' clients' summaries
(dashboards/data_access.py applies it).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data_access, pagina
from dashboards.data_access import TotaisSerasa
from dashboards.filtro_periodo import escolher_periodo
from dashboards.formatacao import FORMATO_INTEIRO_BR, dinheiro_br, inteiro_br, serie_em_sao_paulo
from dashboards.periodos import Periodo
from dashboards.politica import Pagina
from dashboards.usuarios import Papel, Usuario

TITULO = "Serasa"
ABAS = ("Uso e custo", "Resumo de crédito")

SEM_SERASA = (
    "A publicação atual não traz as consultas ao Serasa: elas aparecem a partir da próxima "
    "execução do pipeline (`alicerce run`)."
)
SEM_CONSULTAS = (
    "A publicação atual não traz o uso das consultas ao Serasa: ele aparece a partir da próxima "
    "execução do pipeline (`alicerce run`)."
)
SEM_RESUMOS = (
    "A publicação atual não traz os resumos de crédito: eles aparecem a partir da próxima "
    "execução do pipeline (`alicerce run`)."
)
EXPLICACAO_DESCONHECIDAS = (
    "Não se sabe se o Serasa processou (e cobrou) estas consultas: a resposta não chegou depois "
    "do envio. Elas não são reenviadas sozinhas; reenvie só por decisão explícita: "
    "`alicerce serasa reenviar ID`."
)

ROTULOS_PAINEL = {"gestor": "Gestor", "imobiliaria": "Imobiliária", "corretor": "Corretor"}
SEM_PAINEL = "Arquivo legado"  # legacy archives have no panel
ROTULOS_RESULTADO = {
    "ok": "OK",
    "nao_encontrado": "Não encontrado",
    "invalido": "Inválida",
    "falha": "Falha",
    "recusado": "Recusada",
    "desconhecido": "Desconhecida",
    "reutilizado": "Reutilizada",
}
ROTULOS_FONTE_SCORE = {
    "json": "API JSON",
    "legado_n500": "Legado (N500)",
    "legado_f900": "Legado (F900)",
}
ROTULOS_FORMATO = {"json": "JSON", "legado": "Legado"}

_METRICAS = (
    "Consultas",
    "Cobradas",
    "Custo",
    "Reutilizadas",
    "Renovações de token",
    "Desconhecidas",
    "Falhas",
    "Recusadas",
)
_CONTAGENS_USO = {
    "consultas": "Consultas",
    "cobradas": "Cobradas",
}

CHAVE_BUSCA = "serasa_busca"
CHAVE_REVELAR = "serasa_revelar"

_DATA_HORA = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
_ID = st.column_config.NumberColumn(format="%d")
_INTEIRO = st.column_config.NumberColumn(format=FORMATO_INTEIRO_BR)


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.SERASA)
    if usuario is None:
        return
    consultas = data_access.consultas_serasa_publicadas(usuario)
    resumos = data_access.resumos_serasa_publicados(usuario)
    if not consultas and not resumos:
        st.info(SEM_SERASA)
        return
    aba_uso, aba_resumo = st.tabs(list(ABAS))
    with aba_uso:
        if consultas:
            _uso(usuario)
        else:
            st.info(SEM_CONSULTAS)
    with aba_resumo:
        if resumos:
            _resumo(usuario)
        else:
            st.info(SEM_RESUMOS)


# --- Uso e custo ----------------------------------------------------------------------------------


def _uso(usuario: Usuario) -> None:
    periodo = escolher_periodo()
    if periodo is None:
        return
    st.caption(f"Período: {periodo.descricao()} (data da consulta, em São Paulo)")
    if usuario.papel == Papel.CORRETOR:
        st.caption(f"Somente as consultas feitas no painel de {usuario.descricao()}.")
    elif usuario.papel == Papel.IMOBILIARIA:
        st.caption(
            f"Somente as consultas feitas no painel de {usuario.descricao()} e nos painéis dos "
            "seus corretores."
        )
    totais = data_access.totais_serasa(usuario, periodo.inicio, periodo.fim)
    colunas = st.columns(4)
    for indice, (rotulo, valor) in enumerate(metricas(totais).items()):
        colunas[indice % 4].metric(rotulo, valor)
    if totais.consultas == 0:
        st.info("Nenhuma consulta ao Serasa no período.")
        return
    if totais.cobradas_sem_preco:
        st.warning(aviso_sem_preco(totais.cobradas_sem_preco))

    for titulo, por in (
        ("Por painel", "painel"),
        ("Por chave", "chave"),
        ("Por relatório", "relatorio"),
    ):
        st.subheader(titulo)
        st.dataframe(
            tabela_de_uso(data_access.uso_serasa(usuario, periodo.inicio, periodo.fim, por), por),
            hide_index=True,
            placeholder="—",
            column_config={
                rotulo: _INTEIRO for rotulo in (*_CONTAGENS_USO.values(), "Cobradas sem preço")
            },
        )

    st.subheader("Falhas")
    st.caption(
        "Consultas respondidas com erro: documento não encontrado (404), requisição inválida "
        "(412 e outros 4xx) ou falha definitiva. Não são reenviadas."
    )
    _lista(usuario, periodo, data_access.RESULTADOS_FALHA, totais.falhas, "Nenhuma falha.")

    st.subheader("Cobrança desconhecida")
    st.caption(EXPLICACAO_DESCONHECIDAS)
    _lista(
        usuario,
        periodo,
        (data_access.RESULTADO_DESCONHECIDO,),
        totais.desconhecidas,
        "Nenhuma consulta com cobrança desconhecida.",
    )

    st.subheader("Recusadas")
    st.caption(
        "Recusadas antes de qualquer chamada (nada cobrado): relatório não contratado, sem "
        "chave, limite diário, documento inválido ou ambiente trocado."
    )
    _lista(
        usuario,
        periodo,
        (data_access.RESULTADO_RECUSADO,),
        totais.recusadas,
        "Nenhuma consulta recusada.",
    )


def metricas(totais: TotaisSerasa) -> dict[str, str]:
    """The headline figures of the period, as shown."""
    valores = {
        "Consultas": inteiro_br(totais.consultas),
        "Cobradas": inteiro_br(totais.cobradas),
        "Custo": dinheiro_br(totais.custo),
        "Reutilizadas": inteiro_br(totais.reutilizadas),
        "Renovações de token": inteiro_br(totais.renovacoes_token),
        "Desconhecidas": inteiro_br(totais.desconhecidas),
        "Falhas": inteiro_br(totais.falhas),
        "Recusadas": inteiro_br(totais.recusadas),
    }
    return {rotulo: valores[rotulo] for rotulo in _METRICAS}


def aviso_sem_preco(quantas: int) -> str:
    """The warning for billed calls with an item (report or optional feature) that has no
    configured price: their cost counts the priced items only, a lower bound."""
    if quantas == 1:
        inicio = "1 consulta cobrada tem"
    else:
        inicio = f"{inteiro_br(quantas)} consultas cobradas têm"
    return (
        f"Preço não configurado: {inicio} relatório ou recurso opcional sem preço na "
        "configuração do Serasa; o custo mostrado não o inclui (é um mínimo)."
    )


def tabela_de_uso(uso: pd.DataFrame, por: str) -> pd.DataFrame:
    """Calls, billed calls and cost per group (panel, key or report), as shown."""
    if por == "painel":
        tabela = pd.DataFrame({"Painel": [rotulo_painel(painel) for painel in uso["painel"]]})
    elif por == "chave":
        tabela = pd.DataFrame({"Chave": [_texto(chave) for chave in uso["chave"]]})
    else:
        tabela = pd.DataFrame(
            {
                "Relatórios": [_texto(valor) for valor in uso["relatorios"]],
                "Report name": [_texto(valor) for valor in uso["report_name"]],
            }
        )
    for coluna, rotulo in _CONTAGENS_USO.items():
        tabela[rotulo] = uso[coluna].to_numpy()
    tabela["Custo"] = [dinheiro_br(custo) for custo in uso["custo"]]
    tabela["Cobradas sem preço"] = uso["cobradas_sem_preco"].to_numpy()
    return tabela


def _lista(
    usuario: Usuario,
    periodo: Periodo,
    resultados: Sequence[str],
    total: int,
    vazia: str,
) -> None:
    if total == 0:
        st.info(vazia)
        return
    consultas = data_access.consultas_serasa(
        usuario,
        periodo.inicio,
        periodo.fim,
        resultados,
        limite=data_access.LIMITE_CONSULTAS_SERASA,
    )
    if total > len(consultas):
        st.caption(
            f"Mostrando as {inteiro_br(len(consultas))} consultas mais recentes de "
            f"{inteiro_br(total)}."
        )
    st.dataframe(
        tabela_de_consultas(consultas),
        hide_index=True,
        placeholder="—",
        column_config={"Data": _DATA_HORA, "Cliente (ID)": _ID, "HTTP": _ID},
    )


def tabela_de_consultas(consultas: pd.DataFrame) -> pd.DataFrame:
    """Calls as listed: when asked (São Paulo time), who asked with which key, for whom, what
    came back and why."""
    return pd.DataFrame(
        {
            "Data": serie_em_sao_paulo(
                consultas["solicitado_em"].fillna(consultas["consultado_em"])
            ),
            "Consulta": consultas["id_consulta"],
            "Painel": [rotulo_painel(painel) for painel in consultas["painel"]],
            "Usuário": consultas["usuario"],
            "Chave": consultas["chave"],
            "Cliente (ID)": consultas["idpessoa"],
            "Relatórios": consultas["relatorios"],
            "Resultado": [rotulo_resultado(resultado) for resultado in consultas["resultado"]],
            "HTTP": consultas["http_status"],
            "Motivo": consultas["motivo"],
        }
    )


def rotulo_painel(painel: Any) -> str:
    if painel is None or pd.isna(painel):
        return SEM_PAINEL
    return ROTULOS_PAINEL.get(painel, str(painel))


def rotulo_resultado(resultado: Any) -> str | None:
    if resultado is None or pd.isna(resultado):
        return None
    return ROTULOS_RESULTADO.get(resultado, str(resultado))


# --- Resumo de crédito ----------------------------------------------------------------------------


def _resumo(usuario: Usuario) -> None:
    if usuario.papel in (Papel.CORRETOR, Papel.IMOBILIARIA):
        st.caption(f"Somente os clientes de {usuario.descricao()}.")
    busca = st.text_input("Buscar cliente (nome ou ID)", key=CHAVE_BUSCA)
    revelar = data_access.pode_revelar(usuario) and st.toggle(
        "Mostrar dados pessoais sem máscara",
        key=CHAVE_REVELAR,
        help="Cada revelação fica registrada na auditoria (quem, quando, busca, linhas).",
    )
    resumos, encontrados = data_access.resumos_credito(usuario, busca, revelar=revelar)
    if encontrados == 0:
        if busca.strip():
            st.info("Nenhum resumo de crédito encontrado para a busca.")
        else:
            st.info("Nenhum cliente consultado no Serasa.")
        return
    if encontrados > len(resumos):
        st.caption(
            f"Mostrando os {inteiro_br(len(resumos))} clientes consultados mais recentemente de "
            f"{inteiro_br(encontrados)}; busque pelo nome ou pelo ID para ver outro."
        )
    st.dataframe(
        tabela_de_resumos(resumos),
        hide_index=True,
        placeholder="—",
        column_config={
            "ID": _ID,
            "Score": _ID,
            "Score em": _DATA_HORA,
            "Última consulta": _DATA_HORA,
            **{
                rotulo: _INTEIRO
                for rotulo in (
                    "Pefin",
                    "Refin",
                    "Protestos",
                    "Cheques",
                    "Dívidas vencidas",
                    "Anotações",
                    "Consultas",
                )
            },
        },
    )


def tabela_de_resumos(resumos: pd.DataFrame) -> pd.DataFrame:
    """One row per client, as shown: score and its range, the count and total per kind of
    negative annotation (cheques have no total), the latest query and its format."""
    return pd.DataFrame(
        {
            "Cliente": resumos["nome"],
            "ID": resumos["idpessoa"],
            "CPF": resumos["documento"],
            "Score": resumos["score"],
            "Faixa": resumos["faixa_score"],
            "Modelo": resumos["modelo_score"],
            "Fonte do score": [_rotulo(ROTULOS_FONTE_SCORE, f) for f in resumos["fonte_score"]],
            "Score em": serie_em_sao_paulo(resumos["score_em"]),
            "Pefin": resumos["pefin_quantidade"],
            "Pefin (valor)": [_dinheiro(valor) for valor in resumos["pefin_valor"]],
            "Refin": resumos["refin_quantidade"],
            "Refin (valor)": [_dinheiro(valor) for valor in resumos["refin_valor"]],
            "Protestos": resumos["protestos_quantidade"],
            "Protestos (valor)": [_dinheiro(valor) for valor in resumos["protestos_valor"]],
            "Cheques": resumos["cheques_quantidade"],
            "Dívidas vencidas": resumos["dividas_vencidas_quantidade"],
            "Dívidas vencidas (valor)": [
                _dinheiro(valor) for valor in resumos["dividas_vencidas_valor"]
            ],
            "Anotações": resumos["anotacoes_quantidade"],
            "Última consulta": serie_em_sao_paulo(resumos["ultima_consulta_em"]),
            "Formato": [_rotulo(ROTULOS_FORMATO, f) for f in resumos["ultima_consulta_formato"]],
            "Consultas": resumos["consultas"],
        }
    )


def _dinheiro(valor: Decimal | None) -> str | None:
    return None if valor is None or pd.isna(valor) else dinheiro_br(valor)


def _texto(valor: Any) -> str | None:
    return None if valor is None or pd.isna(valor) else str(valor)


def _rotulo(rotulos: dict[str, str], valor: Any) -> str | None:
    if valor is None or pd.isna(valor):
        return None
    return rotulos.get(valor, str(valor))
