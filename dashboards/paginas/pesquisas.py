"""Page "Pesquisas": every survey dispatch with its protocol (the CRM record that triggered it),
where each protocol came from, and the coverage of the protocols (DESIGN.md, "Survey protocols").

A protocol that points to a record of `marts.registros_crm` links to the page "Registro do CRM".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import data_access, pagina
from dashboards.botoes_exportacao import botoes_auditados
from dashboards.data_access import ORIGENS_PROTOCOLO, TIPOS_REGISTRO_CRM
from dashboards.filtro_periodo import escolher_periodo
from dashboards.formatacao import (
    FORMATO_INTEIRO_BR,
    inteiro_br,
    percentual_br,
    serie_em_sao_paulo,
)
from dashboards.periodos import Periodo
from dashboards.politica import Pagina
from dashboards.usuarios import Papel, Usuario

TITULO = "Pesquisas"

ROTULOS_GATILHOS = {
    "precadastro": "Pré-cadastro",
    "reserva": "Reserva",
    "venda": "Venda",
    "repasse": "Repasse",
    "atendimento": "Atendimento",
    "assistencia_tecnica": "Assistência técnica",
}
ROTULOS_TIPOS_REGISTRO = {
    "precadastro": "Pré-cadastro",
    "reserva": "Reserva",
    "venda": "Venda",
    "repasse": "Repasse",
    "atendimento": "Atendimento",
    "assistencia": "Assistência técnica",
    "servico": "Serviço",
    "pesquisa": "Pesquisa",
}
ROTULOS_ORIGENS = {
    "gatilho": "Gatilho",
    "correspondencia": "Correspondência",
    "servico": "Serviço",
    "pesquisa": "Pesquisa",
}
EXPLICACAO_ORIGENS = (
    "Origem do protocolo: **Gatilho**, o envio trouxe o ID do registro; **Correspondência**, "
    "encontrado pelo registro do mesmo cliente e do tipo do gatilho cujo evento é o último antes "
    "do envio, dentro da janela; **Serviço**, sem registro, o ID do serviço associado; "
    "**Pesquisa**, em último caso, o ID da própria pesquisa."
)

# The link of a protocol to its record: relative to the page, so it works under any host and
# base path ("…/pesquisas" → "…/registro?tipo=reserva&id=5001"); it opens in a new tab.
URL_REGISTRO = str(Pagina.REGISTRO)
TEXTO_DO_LINK = "Abrir registro"

_DATA_HORA = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
_ID = st.column_config.NumberColumn(format="%d")
_INTEIRO = st.column_config.NumberColumn(format=FORMATO_INTEIRO_BR)


@dataclass(frozen=True)
class Filtros:
    periodo: Periodo
    gatilhos: tuple[str, ...]
    origens: tuple[str, ...]


def rotulo_gatilho(gatilho: str | None) -> str | None:
    if gatilho is None or pd.isna(gatilho):
        return None
    return ROTULOS_GATILHOS.get(gatilho, gatilho)


def rotulo_tipo(tipo: str | None) -> str | None:
    if tipo is None or pd.isna(tipo):
        return None
    return ROTULOS_TIPOS_REGISTRO.get(tipo, tipo)


def rotulo_origem(origem: str | None) -> str | None:
    if origem is None or pd.isna(origem):
        return None
    return ROTULOS_ORIGENS.get(origem, origem)


def url_do_registro(tipo_registro: str, protocolo: str) -> str:
    """The relative URL of the page "Registro do CRM" for a record: "registro?tipo=…&id=…"."""
    return f"{URL_REGISTRO}?{urlencode({'tipo': tipo_registro, 'id': protocolo})}"


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.PESQUISAS)
    if usuario is None:
        return
    if not data_access.protocolos_publicados(usuario):
        st.info(
            "A publicação atual não traz os protocolos das pesquisas: eles aparecem a partir da "
            "próxima execução do pipeline (`alicerce run`)."
        )
        return
    filtros = _filtros(usuario)
    if filtros is None:
        return
    periodo = filtros.periodo
    consulta = (usuario, periodo.inicio, periodo.fim, filtros.gatilhos, filtros.origens)
    st.caption(f"Período: {periodo.descricao()} (data do envio em São Paulo)")
    if usuario.papel in (Papel.CORRETOR, Papel.IMOBILIARIA):
        st.caption(f"Somente os clientes de {usuario.descricao()}.")

    cobertura = data_access.cobertura_protocolos(*consulta)
    total = int(cobertura["envios"].sum())
    sem_protocolo = int(cobertura["sem_protocolo"].sum())
    coluna_total, coluna_sem, _ = st.columns([1, 1, 2])
    coluna_total.metric("Envios", inteiro_br(total))
    coluna_sem.metric("Envios sem protocolo", inteiro_br(sem_protocolo))
    if sem_protocolo:
        st.error(
            f"{inteiro_br(sem_protocolo)} "
            f"{'envio está' if sem_protocolo == 1 else 'envios estão'} sem protocolo: todo envio "
            "deveria ter um (o do registro, do serviço ou da pesquisa). Avise a equipe de dados."
        )
    if total == 0:
        st.info("Nenhum envio de pesquisa encontrado para os filtros escolhidos.")
        return

    st.subheader("Cobertura dos protocolos")
    st.caption(EXPLICACAO_ORIGENS)
    coluna_origens, coluna_gatilhos = st.columns([2, 3])
    with coluna_origens:
        st.dataframe(
            tabela_por_origem(cobertura, filtros.origens),
            hide_index=True,
            column_config={"Envios": _INTEIRO},
        )
    with coluna_gatilhos:
        st.dataframe(
            tabela_por_gatilho(cobertura),
            hide_index=True,
            placeholder="—",
            column_config={"Envios": _INTEIRO},
        )

    st.subheader("Envios")
    envios = data_access.envios_pesquisa(*consulta, limite=data_access.LIMITE_ENVIOS)
    if total > len(envios):
        st.caption(
            f"Mostrando os {inteiro_br(len(envios))} envios mais recentes de {inteiro_br(total)}; "
            "a exportação leva todos."
        )
    st.dataframe(
        tabela_de_envios(envios, com_link=True),
        hide_index=True,
        placeholder="—",
        column_config={
            "Enviado em": _DATA_HORA,
            "Envio": _ID,
            "ID da pesquisa": _ID,
            "Cliente (ID)": _ID,
            "Registro": st.column_config.LinkColumn(
                display_text=TEXTO_DO_LINK,
                help="Abre o registro do CRM para o qual o protocolo aponta (em outra aba).",
            ),
        },
    )

    def exportaveis() -> pd.DataFrame:  # read only when a file is downloaded
        return tabela_de_envios(data_access.envios_pesquisa(*consulta))

    botoes_auditados(
        usuario,
        Pagina.PESQUISAS,
        data_access.filtros_pesquisas(
            periodo.inicio, periodo.fim, filtros.gatilhos, filtros.origens
        ),
        exportaveis,
        f"pesquisas_{periodo.inicio:%Y-%m-%d}_{periodo.fim:%Y-%m-%d}",
        "Pesquisas",
    )


def _filtros(usuario: Usuario) -> Filtros | None:
    """The filter widgets; None (after showing why) when the chosen period is invalid."""
    periodo = escolher_periodo()
    coluna_gatilhos, coluna_origens = st.columns(2)
    gatilhos = coluna_gatilhos.multiselect(
        "Gatilho",
        list(data_access.gatilhos_de_pesquisa(usuario)),
        format_func=rotulo_gatilho,
        placeholder="Todos os gatilhos",
        key="gatilhos",
    )
    origens = coluna_origens.multiselect(
        "Origem do protocolo",
        list(ORIGENS_PROTOCOLO),
        format_func=rotulo_origem,
        placeholder="Todas as origens",
        key="origens",
    )
    if periodo is None:
        return None
    return Filtros(periodo=periodo, gatilhos=tuple(gatilhos), origens=tuple(origens))


def tabela_por_origem(cobertura: pd.DataFrame, origens: Sequence[str] = ()) -> pd.DataFrame:
    """Dispatches per origin of the protocol and their share of all: every origin (or those
    chosen in the filter), at zero when none, then any other the data brings."""
    por_origem = cobertura.groupby("origem_protocolo", dropna=False)["envios"].sum().to_dict()
    total = int(cobertura["envios"].sum())
    mostradas = list(origens or ORIGENS_PROTOCOLO)
    mostradas += [origem for origem in por_origem if origem not in mostradas]
    quantidades = [int(por_origem.get(origem, 0)) for origem in mostradas]
    return pd.DataFrame(
        {
            "Origem do protocolo": [rotulo_origem(origem) for origem in mostradas],
            "Envios": quantidades,
            "% dos envios": [percentual_br(quantidade, total) for quantidade in quantidades],
        }
    )


def tabela_por_gatilho(cobertura: pd.DataFrame) -> pd.DataFrame:
    """Dispatches per trigger and origin of the protocol, with the share of the trigger's."""
    ordem = {origem: indice for indice, origem in enumerate(ORIGENS_PROTOCOLO)}
    linhas = cobertura.assign(
        _origem=cobertura["origem_protocolo"].map(lambda origem: ordem.get(origem, len(ordem)))
    ).sort_values(["gatilho", "_origem", "origem_protocolo"], na_position="last", ignore_index=True)
    por_gatilho = linhas.groupby("gatilho", dropna=False)["envios"].transform("sum")
    return pd.DataFrame(
        {
            "Gatilho": linhas["gatilho"].map(rotulo_gatilho),
            "Origem do protocolo": linhas["origem_protocolo"].map(rotulo_origem),
            "Envios": linhas["envios"],
            "% do gatilho": [
                percentual_br(int(parte), int(todo))
                for parte, todo in zip(linhas["envios"], por_gatilho, strict=True)
            ],
        }
    )


def tabela_de_envios(envios: pd.DataFrame, com_link: bool = False) -> pd.DataFrame:
    """The dispatches as shown and exported: pt-BR columns, São Paulo local time; with
    `com_link`, the column "Registro" holds the link to each record found in the CRM (None when
    the protocol points to no record there). Exports leave the link out."""
    tabela = pd.DataFrame(
        {
            "Enviado em": serie_em_sao_paulo(envios["enviado_em"]),
            "Envio": envios["idenvio"],
            "Pesquisa": envios["pesquisa"],
            "ID da pesquisa": envios["idpesquisa"],
            "Gatilho": envios["gatilho"].map(rotulo_gatilho),
            "Cliente (ID)": envios["idpessoa"],
            "Protocolo": envios["protocolo"],
            "Tipo do registro": envios["tipo_registro"].map(rotulo_tipo),
            "Origem do protocolo": envios["origem_protocolo"].map(rotulo_origem),
            "Protocolo do atendimento": envios["protocolo_atendimento"],
        }
    )
    if com_link:
        tabela["Registro"] = [
            url_do_registro(tipo, protocolo)
            if encontrado and tipo in TIPOS_REGISTRO_CRM and _preenchido(protocolo)
            else None
            for tipo, protocolo, encontrado in zip(
                envios["tipo_registro"],
                envios["protocolo"],
                envios["registro_encontrado"],
                strict=True,
            )
        ]
    return tabela


def _preenchido(protocolo: str | None) -> bool:
    return protocolo is not None and not pd.isna(protocolo) and bool(str(protocolo).strip())
