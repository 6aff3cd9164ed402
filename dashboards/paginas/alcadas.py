"""Page "Alçadas": which sales need the next alçada's approval because of their payment flow
(DESIGN.md, "Alçadas: parâmetro de fluxo").

Three tabs:

- "Aprovação no período": per empreendimento and price table, the reservations sold in the period
  (data_venda), how many were judged, approved or need the next alçada, and the approval rate
  (aprovadas ÷ julgadas; 'sem_regra' and 'regra_inaplicavel' are counted apart, outside the rate);
  then the reservations that need the next alçada, and those that could not be judged;
- "Reserva": one reservation's cycles (marts.alcadas_ciclos) under its header; opened by the URL
  too, `alcadas?idreserva=<ID>` (the lists link to it);
- "Simular fluxo": a what-if form judged by ingestion/alcadas/flow.py, the one implementation of
  the rule outside dbt (proved equal to it by tests/dbt), with the rules file in force.

A broker sees only the reservations they are the broker of, a brokerage those of its brokerage
(dashboards/data_access.py applies it); the what-if needs no data and is open to whoever sees the
page, also before the alçada marts are published.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from dashboards import data_access, pagina
from dashboards.data_access import Simulacao
from dashboards.filtro_periodo import escolher_periodo
from dashboards.formatacao import (
    FORMATO_INTEIRO_BR,
    data_br,
    decimal_br,
    dinheiro_br,
    inteiro_br,
    percentual_br,
)
from dashboards.paginas.registro import id_do_registro
from dashboards.politica import Pagina
from dashboards.usuarios import Papel, Usuario
from ingestion.alcadas.flow import Proposal
from ingestion.alcadas.rules import RulesError

TITULO = "Alçadas"

ROTULOS_STATUS = {
    "aprovado": "Aprovado",
    "requer_alcada_superior": "Requer alçada superior",
    "sem_regra": "Sem regra",
    "regra_inaplicavel": "Regra inaplicável",
}
ABAS = ("Aprovação no período", "Reserva", "Simular fluxo")

SEM_ALCADAS = (
    "A publicação atual não traz as alçadas das reservas: elas aparecem a partir da próxima "
    "execução do pipeline (`alicerce run`). A simulação de fluxo abaixo funciona assim mesmo."
)
EXPLICACAO_TAXA = (
    "Taxa de aprovação = aprovadas ÷ julgadas (aprovadas + requer alçada superior). As reservas "
    "sem regra em vigor na data da venda, ou cuja regra não se aplica (por exemplo, sem data de "
    "entrega das chaves), não entram na taxa: aparecem à parte."
)

_CONTAGENS = {
    "reservas": "Reservas",
    "julgadas": "Julgadas",
    "aprovadas": "Aprovadas",
    "requer_alcada_superior": "Requer alçada superior",
    "sem_regra": "Sem regra",
    "regra_inaplicavel": "Regra inaplicável",
}
_METRICAS = (
    "Reservas",
    "Julgadas",
    "Aprovadas",
    "Taxa de aprovação",
    "Requer alçada superior",
    "Sem regra",
    "Regra inaplicável",
)

# The query parameter that opens one reservation: alcadas?idreserva=<ID>.
PARAMETRO_RESERVA = "idreserva"
URL_ALCADAS = str(Pagina.ALCADAS)
TEXTO_DO_LINK = "Ver ciclos"

CHAVE_RESERVA = "alcadas_idreserva"
CHAVE_SERIES = "alcadas_series"
CHAVE_SIMULACAO = "alcadas_simulacao"
CHAVE_FORMULARIO = "alcadas_simular_fluxo"

_DATA = st.column_config.DateColumn(format="DD/MM/YYYY")
_ID = st.column_config.NumberColumn(format="%d")
_INTEIRO = st.column_config.NumberColumn(format=FORMATO_INTEIRO_BR)
_LINK = st.column_config.LinkColumn(
    display_text=TEXTO_DO_LINK,
    help="Abre os ciclos da reserva (em outra aba).",
)
_MINIMO, _MAXIMO = date(2000, 1, 1), date(2100, 12, 31)
_MILHARES = re.compile(r"\d{1,3}(\.\d{3})+")

# The what-if form's fields, as the error messages name them.
_CAMPOS_PROPOSTA = {
    "empreendimento": "Empreendimento (ID)",
    "tabela": "Tabela (ID)",
    "data_venda": "Data da venda",
    "valor_contrato": "Valor do contrato",
    "data_entrega_chaves": "Entrega das chaves",
    "series": "Séries",
}
_CAMPOS_SERIE = {
    "serie": "série",
    "parcelas": "parcelas",
    "valor": "valor",
    "vencimento": "vencimento",
}


@dataclass(frozen=True)
class Resultado:
    """A reservation's judgement, from the mart or from a simulation, as the page shows it."""

    status: str
    motivo: str | None
    regra: str | None
    vigencia: date | None
    valor_contrato: Decimal | None
    total_fluxo: Decimal | None
    fluxo_difere_do_contrato: bool
    series_desconhecidas: tuple[str, ...]
    ciclos_total: int | None
    ciclos_atendidos: int | None
    primeiro_ciclo_falho: int | None
    primeiro_ciclo_falho_nome: str | None
    falta_primeiro_ciclo: Decimal | None
    maior_falta: Decimal | None
    series_ilegiveis: int | None = None  # known for the CRM's reservations only

    @classmethod
    def da_reserva(cls, reserva: dict[str, Any]) -> Resultado:
        desconhecidas = reserva["series_desconhecidas"]
        return cls(
            status=reserva["status"],
            motivo=reserva["motivo"],
            regra=reserva["regra"],
            vigencia=reserva["regra_vigencia"],
            valor_contrato=reserva["valor_contrato"],
            total_fluxo=reserva["total_fluxo"],
            fluxo_difere_do_contrato=bool(reserva["fluxo_difere_do_contrato"]),
            series_desconhecidas=tuple(
                nome.strip() for nome in (desconhecidas or "").split(",") if nome.strip()
            ),
            ciclos_total=reserva["ciclos_total"],
            ciclos_atendidos=reserva["ciclos_atendidos"],
            primeiro_ciclo_falho=reserva["primeiro_ciclo_falho"],
            primeiro_ciclo_falho_nome=reserva["primeiro_ciclo_falho_nome"],
            falta_primeiro_ciclo=reserva["falta_primeiro_ciclo"],
            maior_falta=reserva["maior_falta"],
            series_ilegiveis=reserva["series_ilegiveis"],
        )

    @classmethod
    def da_simulacao(cls, simulacao: Simulacao) -> Resultado:
        avaliacao = simulacao.avaliacao
        julgada = bool(avaliacao.ciclos)
        falho = avaliacao.primeiro_ciclo_falho
        return cls(
            status=avaliacao.status,
            motivo=avaliacao.motivo,
            regra=avaliacao.regra,
            vigencia=avaliacao.vigencia,
            valor_contrato=avaliacao.valor_contrato,
            total_fluxo=avaliacao.total_fluxo,
            fluxo_difere_do_contrato=avaliacao.fluxo_difere_do_contrato,
            series_desconhecidas=tuple(avaliacao.series_desconhecidas),
            ciclos_total=len(avaliacao.ciclos) if julgada else None,
            ciclos_atendidos=avaliacao.ciclos_atendidos if julgada else None,
            primeiro_ciclo_falho=falho.ciclo if falho else None,
            primeiro_ciclo_falho_nome=falho.nome if falho else None,
            falta_primeiro_ciclo=falho.falta if falho else None,
            maior_falta=avaliacao.maior_falta,
        )


@dataclass(frozen=True)
class ResultadoSimulacao:
    """What the last submission of the what-if form gave: a judgement or the errors."""

    simulacao: Simulacao | None = None
    erro: str | None = None


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.ALCADAS, exige_publicacao=False)
    if usuario is None:
        return
    if usuario.papel in (Papel.CORRETOR, Papel.IMOBILIARIA):
        st.caption(f"Somente as reservas de {usuario.descricao()}.")
    if data_access.publicacao_atual() is None:
        st.info(data_access.SEM_PUBLICACAO)
        _simulacao_sem_dados(usuario)
        return
    if not data_access.alcadas_publicadas(usuario):
        st.info(SEM_ALCADAS)
        _simulacao_sem_dados(usuario)
        return
    aberta = ABAS[1] if PARAMETRO_RESERVA in st.query_params else ABAS[0]
    aba_aprovacao, aba_reserva, aba_simulacao = st.tabs(list(ABAS), default=aberta)
    with aba_aprovacao:
        _aprovacao(usuario)
    with aba_reserva:
        _reserva(usuario)
    with aba_simulacao:
        _simulacao(usuario)


def _simulacao_sem_dados(usuario: Usuario) -> None:
    st.subheader(ABAS[2])
    _simulacao(usuario)


# --- Aprovação no período -------------------------------------------------------------------------


def _aprovacao(usuario: Usuario) -> None:
    periodo = escolher_periodo()
    if periodo is None:
        return
    st.caption(f"Período: {periodo.descricao()} (data da venda)")
    por_tabela = data_access.aprovacao_alcadas(usuario, periodo.inicio, periodo.fim)
    totais = {coluna: int(por_tabela[coluna].sum()) for coluna in _CONTAGENS}
    colunas = st.columns(len(_METRICAS))
    for coluna, (rotulo, valor) in zip(colunas, metricas(totais).items(), strict=True):
        coluna.metric(rotulo, valor)
    if totais["reservas"] == 0:
        st.info("Nenhuma reserva vendida no período.")
        return

    st.subheader("Por empreendimento e tabela")
    st.caption(EXPLICACAO_TAXA)
    st.dataframe(
        tabela_de_aprovacao(por_tabela),
        hide_index=True,
        placeholder="—",
        column_config={coluna: _INTEIRO for coluna in _CONTAGENS.values()},
    )

    st.subheader("Reservas que requerem alçada superior")
    if totais["requer_alcada_superior"] == 0:
        st.info("Nenhuma reserva do período requer alçada superior.")
    else:
        _lista(
            usuario,
            periodo.inicio,
            periodo.fim,
            ("requer_alcada_superior",),
            totais["requer_alcada_superior"],
            tabela_requer_alcada,
        )

    nao_julgadas = totais["sem_regra"] + totais["regra_inaplicavel"]
    if nao_julgadas:
        st.subheader("Reservas não julgadas")
        st.caption(
            "Sem regra: nenhuma regra de alçada em vigor na data da venda para o empreendimento "
            "ou a tabela. Regra inaplicável: a regra não se aplica a esta reserva (o motivo "
            "diz por quê)."
        )
        _lista(
            usuario,
            periodo.inicio,
            periodo.fim,
            ("sem_regra", "regra_inaplicavel"),
            nao_julgadas,
            tabela_nao_julgadas,
        )


def metricas(totais: dict[str, int]) -> dict[str, str]:
    """The headline figures of the period, as shown (a rate of nothing judged is "—")."""
    valores = {rotulo: inteiro_br(totais[coluna]) for coluna, rotulo in _CONTAGENS.items()}
    valores["Taxa de aprovação"] = percentual_br(totais["aprovadas"], totais["julgadas"]) or "—"
    return {rotulo: valores[rotulo] for rotulo in _METRICAS}


def _lista(
    usuario: Usuario,
    inicio: date,
    fim: date,
    status: Sequence[str],
    total: int,
    tabela: Callable[[pd.DataFrame], pd.DataFrame],
) -> None:
    reservas = data_access.reservas_alcada(
        usuario, inicio, fim, status, limite=data_access.LIMITE_RESERVAS_ALCADA
    )
    if total > len(reservas):
        st.caption(
            f"Mostrando as {inteiro_br(len(reservas))} reservas vendidas mais recentemente de "
            f"{inteiro_br(total)}."
        )
    st.dataframe(
        tabela(reservas),
        hide_index=True,
        placeholder="—",
        column_config={
            "Reserva": _ID,
            "Data da venda": _DATA,
            "Séries ilegíveis": _INTEIRO,
            "Ciclos": _LINK,
        },
    )


def tabela_de_aprovacao(por_tabela: pd.DataFrame) -> pd.DataFrame:
    """Per empreendimento and price table: the counts and the approval rate ("" → "—" when
    nothing was judged)."""
    tabela = pd.DataFrame(
        {
            "Empreendimento": [
                _nome_ou_id(nome, idempreendimento)
                for nome, idempreendimento in zip(
                    por_tabela["empreendimento"], por_tabela["idempreendimento"], strict=True
                )
            ],
            "Tabela": [
                _nome_ou_id(nome, idtabela)
                for nome, idtabela in zip(
                    por_tabela["nometabela"], por_tabela["idtabela"], strict=True
                )
            ],
        }
    )
    for coluna, rotulo in _CONTAGENS.items():
        tabela[rotulo] = por_tabela[coluna].to_numpy()
    tabela.insert(
        tabela.columns.get_loc("Requer alçada superior") + 1,
        "Taxa de aprovação",
        [
            percentual_br(int(aprovadas), int(julgadas)) or None
            for aprovadas, julgadas in zip(
                por_tabela["aprovadas"], por_tabela["julgadas"], strict=True
            )
        ],
    )
    return tabela


def tabela_requer_alcada(reservas: pd.DataFrame) -> pd.DataFrame:
    """The reservations that need the next alçada, as listed: the first cycle not met and its
    shortfall, the largest shortfall, the flow's flags, and the link to their cycles."""
    return pd.DataFrame(
        {
            "Reserva": reservas["idreserva"],
            "Cliente": reservas["cliente"],
            "Empreendimento": reservas["empreendimento"],
            "Tabela": reservas["nometabela"],
            "Regra": reservas["regra"],
            "Data da venda": reservas["data_venda"],
            "Valor do contrato": reservas["valor_contrato"].map(_dinheiro),
            "1º ciclo não atendido": [
                _ciclo(numero, nome)
                for numero, nome in zip(
                    reservas["primeiro_ciclo_falho"],
                    reservas["primeiro_ciclo_falho_nome"],
                    strict=True,
                )
            ],
            "Falta no 1º ciclo": reservas["falta_primeiro_ciclo"].map(_dinheiro),
            "Maior falta": reservas["maior_falta"].map(_dinheiro),
            "Fluxo difere do contrato": reservas["fluxo_difere_do_contrato"].map(_sim_nao),
            "Séries desconhecidas": reservas["series_desconhecidas"],
            "Séries ilegíveis": reservas["series_ilegiveis"],
            "Ciclos": reservas["idreserva"].map(url_da_reserva),
        }
    )


def tabela_nao_julgadas(reservas: pd.DataFrame) -> pd.DataFrame:
    """The reservations without a rule or whose rule does not apply, as listed."""
    return pd.DataFrame(
        {
            "Reserva": reservas["idreserva"],
            "Cliente": reservas["cliente"],
            "Empreendimento": reservas["empreendimento"],
            "Tabela": reservas["nometabela"],
            "Data da venda": reservas["data_venda"],
            "Status": reservas["status"].map(rotulo_status),
            "Regra": reservas["regra"],
            "Motivo": reservas["motivo"],
            "Ciclos": reservas["idreserva"].map(url_da_reserva),
        }
    )


def url_da_reserva(idreserva: int) -> str:
    """The relative URL of one reservation's cycles: "alcadas?idreserva=4102"."""
    return f"{URL_ALCADAS}?{PARAMETRO_RESERVA}={int(idreserva)}"


# --- Reserva --------------------------------------------------------------------------------------


def _reserva(usuario: Usuario) -> None:
    # The URL gives the input its first value; the input then keeps the URL in step.
    texto = st.text_input(
        "Reserva (ID)",
        value=st.query_params.get(PARAMETRO_RESERVA, "").strip(),
        key=CHAVE_RESERVA,
        help="O ID da reserva no CRM; as listas da aba “Aprovação no período” abrem cada uma.",
    ).strip()
    if texto:
        st.query_params[PARAMETRO_RESERVA] = texto
    elif PARAMETRO_RESERVA in st.query_params:
        del st.query_params[PARAMETRO_RESERVA]
    if not texto:
        st.info("Informe o ID de uma reserva para ver os seus ciclos.")
        return
    idreserva = id_do_registro(texto)
    if idreserva is None:
        st.error("ID inválido: o ID de uma reserva é um número inteiro (por exemplo, 4102).")
        return
    reserva = data_access.reserva_alcada(usuario, idreserva)
    if reserva is None:
        st.warning(f"Reserva não encontrada: {idreserva}.")
        return
    st.subheader(f"Reserva {idreserva}")
    resultado = Resultado.da_reserva(reserva)
    _avisos(resultado)
    st.dataframe(tabela_da_reserva(reserva, resultado), hide_index=True, placeholder="—")
    _ciclos(resultado, data_access.ciclos_alcada(usuario, idreserva))


def tabela_da_reserva(reserva: dict[str, Any], resultado: Resultado) -> pd.DataFrame:
    """The reservation's header as "Campo" / "Valor" rows (text), as shown."""
    campos: dict[str, str | None] = {
        "Reserva": str(reserva["idreserva"]),
        "Cliente": reserva["cliente"],
        "Cliente (ID)": _texto(reserva["idcliente"]),
        "Empreendimento": _com_id(reserva["empreendimento"], reserva["idempreendimento"]),
        "Tabela": _com_id(reserva["nometabela"], reserva["idtabela"]),
        "Situação": reserva["situacao"],
        "Corretor (ID)": _texto(reserva["idcorretor"]),
        "Imobiliária (ID)": _texto(reserva["idimobiliaria"]),
        "Data da venda": data_br(reserva["data_venda"]) or None,
        "Entrega das chaves": data_br(reserva["data_entrega_chaves"]) or None,
        **campos_do_resultado(resultado),
    }
    return _campos(campos)


# --- Simular fluxo --------------------------------------------------------------------------------


def _simulacao(usuario: Usuario) -> None:
    st.caption(
        "Julga um fluxo de pagamento pelas regras de alçada em vigor na data da venda, com o "
        "mesmo cálculo do pipeline. O formulário começa com o exemplo de "
        "`docs/alcadas/fluxo_exemplo.yml`. Cada linha das séries tem parcelas do mesmo valor a "
        "partir do vencimento, na periodicidade da série (Mensal, Anual, ...); séries pagas por "
        "banco (Financiamento, FGTS, Subsídio) entram no total do fluxo, não nos ciclos."
    )
    exemplo = data_access.proposta_exemplo()
    with st.form(CHAVE_FORMULARIO):
        coluna_empreendimento, coluna_tabela, coluna_venda = st.columns(3)
        empreendimento = coluna_empreendimento.number_input(
            "Empreendimento (ID)",
            min_value=0,
            value=exemplo.empreendimento if exemplo else None,
            step=1,
            format="%d",
            placeholder="opcional",
            key="alcadas_simulacao_empreendimento",
        )
        tabela = coluna_tabela.number_input(
            "Tabela (ID)",
            min_value=0,
            value=exemplo.tabela if exemplo else None,
            step=1,
            format="%d",
            placeholder="opcional",
            key="alcadas_simulacao_tabela",
        )
        data_venda = coluna_venda.date_input(
            "Data da venda",
            value=exemplo.data_venda if exemplo else "today",
            min_value=_MINIMO,
            max_value=_MAXIMO,
            format="DD/MM/YYYY",
            key="alcadas_simulacao_data_venda",
        )
        coluna_valor, coluna_chaves = st.columns(2)
        valor_contrato = coluna_valor.text_input(
            "Valor do contrato (R$)",
            value=decimal_br(exemplo.valor_contrato) if exemplo else "",
            placeholder="por exemplo, 300.000,00",
            key="alcadas_simulacao_valor_contrato",
        )
        data_entrega_chaves = coluna_chaves.date_input(
            "Entrega das chaves",
            value=exemplo.data_entrega_chaves if exemplo else None,
            min_value=_MINIMO,
            max_value=_MAXIMO,
            format="DD/MM/YYYY",
            help="Opcional; os ciclos contados a partir das chaves precisam dela.",
            key="alcadas_simulacao_data_entrega_chaves",
        )
        series = st.data_editor(
            tabela_de_series(exemplo),
            num_rows="dynamic",
            hide_index=True,
            key=CHAVE_SERIES,
            column_config={
                "serie": st.column_config.TextColumn(
                    "Série", help="O nome da série, como no CRM (Ato, Mensal, Chaves, ...)."
                ),
                "parcelas": st.column_config.NumberColumn(
                    "Parcelas", min_value=0, step=1, format="%d"
                ),
                "valor": st.column_config.TextColumn(
                    "Valor de cada parcela (R$)", help="Por exemplo, 1.250,00."
                ),
                "vencimento": st.column_config.DateColumn(
                    "Primeiro vencimento", format="DD/MM/YYYY"
                ),
            },
        )
        enviado = st.form_submit_button("Simular")
    if enviado:
        st.session_state[CHAVE_SIMULACAO] = simular(
            usuario, empreendimento, tabela, data_venda, valor_contrato, data_entrega_chaves,
            series,
        )  # fmt: skip
    ultimo = st.session_state.get(CHAVE_SIMULACAO)
    if not isinstance(ultimo, ResultadoSimulacao):
        return
    st.subheader("Resultado da simulação")
    if ultimo.erro is not None:
        st.error(ultimo.erro)
        return
    resultado = Resultado.da_simulacao(ultimo.simulacao)
    _avisos(resultado)
    st.dataframe(_campos(campos_do_resultado(resultado)), hide_index=True, placeholder="—")
    _ciclos(resultado, ultimo.simulacao.ciclos)


def tabela_de_series(proposta: Proposal | None) -> pd.DataFrame:
    """The editable series of the form: the proposal's (money as pt-BR text), or none."""
    linhas = proposta.series if proposta else []
    return pd.DataFrame(
        {
            "serie": pd.Series([linha.serie for linha in linhas], dtype=object),
            "parcelas": pd.Series([linha.parcelas for linha in linhas], dtype="Int64"),
            "valor": pd.Series([decimal_br(linha.valor) for linha in linhas], dtype=object),
            "vencimento": pd.Series([linha.vencimento for linha in linhas], dtype=object),
        }
    )


def simular(
    usuario: Usuario,
    empreendimento: int | None,
    tabela: int | None,
    data_venda: date | None,
    valor_contrato: str,
    data_entrega_chaves: date | None,
    series: pd.DataFrame,
) -> ResultadoSimulacao:
    """The form's proposal judged, or why it could not be (in Portuguese, no traceback)."""
    linhas, numeros = linhas_das_series(series)
    dados: dict[str, Any] = {
        "empreendimento": empreendimento,
        "tabela": tabela,
        "data_entrega_chaves": data_entrega_chaves,
        "series": linhas,
    }
    if data_venda is not None:
        dados["data_venda"] = data_venda
    valor = valor_digitado(valor_contrato)
    if valor is not None:
        dados["valor_contrato"] = valor
    try:
        proposta = Proposal.model_validate(dados)
    except ValidationError as erro:
        problemas = mensagens_de_validacao(erro, numeros)
        return ResultadoSimulacao(
            erro="A proposta tem problemas:\n\n" + "\n".join(f"- {p}" for p in problemas)
        )
    try:
        return ResultadoSimulacao(simulacao=data_access.simular_alcada(usuario, proposta))
    except RulesError as erro:
        return ResultadoSimulacao(
            erro=f"Não foi possível ler as regras de alçada; avise a equipe de dados. {erro}"
        )


def linhas_das_series(series: pd.DataFrame) -> tuple[list[dict[str, Any]], list[int]]:
    """The edited series as the proposal's rows, and each one's row number on screen (from 1).

    Blank rows (added and left empty) are skipped; a blank cell is left out, so the validation
    says it is missing; money is read as pt-BR text (see `valor_digitado`)."""
    linhas, numeros = [], []
    for numero, registro in enumerate(series.to_dict("records"), start=1):
        celulas = {
            "serie": _texto_da_celula(registro.get("serie")),
            "parcelas": _inteiro_da_celula(registro.get("parcelas")),
            "valor": valor_digitado(_texto_da_celula(registro.get("valor")) or ""),
            "vencimento": _data_da_celula(registro.get("vencimento")),
        }
        if all(valor is None for valor in celulas.values()):
            continue
        linhas.append({campo: valor for campo, valor in celulas.items() if valor is not None})
        numeros.append(numero)
    return linhas, numeros


def valor_digitado(texto: str) -> str | None:
    """An amount typed in pt-BR as the text the validation reads, or None when blank:
    "R$ 1.250,00" → "1250.00", "300.000" → "300000" (dots alone group thousands), "1250.5" →
    "1250.5". Anything else goes on as typed, for the validation to refuse."""
    valor = "".join(texto.replace("R$", "").split())
    if not valor:
        return None
    if "," in valor:
        return valor.replace(".", "").replace(",", ".")
    if _MILHARES.fullmatch(valor):
        return valor.replace(".", "")
    return valor


def mensagens_de_validacao(erro: ValidationError, numeros: Sequence[int] = ()) -> list[str]:
    """The proposal's validation problems in Portuguese, each naming its field (and the row of
    the series, numbered as on screen)."""
    mensagens = []
    for problema in erro.errors():
        local = list(problema["loc"])
        campo = _CAMPOS_PROPOSTA.get(str(local[0]), str(local[0])) if local else "Proposta"
        if local[:1] == ["series"] and len(local) >= 2 and isinstance(local[1], int):
            numero = numeros[local[1]] if local[1] < len(numeros) else local[1] + 1
            campo = f"Série da linha {numero}"
            if len(local) >= 3:
                campo += f", {_CAMPOS_SERIE.get(str(local[2]), str(local[2]))}"
        mensagens.append(f"{campo}: {_problema(problema)}.")
    return mensagens


def _problema(problema: dict[str, Any]) -> str:
    tipo, contexto = problema["type"], problema.get("ctx") or {}
    if tipo == "missing":
        return "obrigatório"
    if tipo == "greater_than_equal":
        return f"deve ser no mínimo {contexto.get('ge')}"
    if tipo in ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"):
        return "no máximo 2 casas decimais"
    if tipo.startswith("decimal"):
        return "não é um valor em reais (por exemplo, 1.250,00)"
    if tipo.startswith("int"):
        return "deve ser um número inteiro"
    if tipo.startswith("date"):
        return "data inválida"
    if tipo == "string_too_short":
        return "não pode ficar vazio"
    if tipo == "extra_forbidden":
        return "campo desconhecido"
    return "valor inválido"


# --- A judgement on screen ------------------------------------------------------------------------


def rotulo_status(status: str | None) -> str | None:
    if status is None or pd.isna(status):
        return None
    return ROTULOS_STATUS.get(status, status)


def campos_do_resultado(resultado: Resultado) -> dict[str, str | None]:
    """The judgement's fields as "Campo" → text."""
    julgada = resultado.ciclos_atendidos is not None
    regra = resultado.regra
    if regra is not None and resultado.vigencia is not None:
        regra = f"{regra} (vigente desde {data_br(resultado.vigencia)})"
    campos: dict[str, str | None] = {
        "Status": rotulo_status(resultado.status),
        "Motivo": resultado.motivo,
        "Regra": regra,
        "Ciclos atendidos": (
            f"{resultado.ciclos_atendidos} de {resultado.ciclos_total}" if julgada else None
        ),
        "1º ciclo não atendido": _ciclo(
            resultado.primeiro_ciclo_falho, resultado.primeiro_ciclo_falho_nome
        ),
        "Falta no 1º ciclo não atendido": _dinheiro(resultado.falta_primeiro_ciclo),
        "Maior falta": _dinheiro(resultado.maior_falta) if julgada else None,
        "Valor do contrato": _dinheiro(resultado.valor_contrato),
        "Total do fluxo": _dinheiro(resultado.total_fluxo),
        "Fluxo difere do contrato": _sim_nao(resultado.fluxo_difere_do_contrato),
        "Séries desconhecidas": ", ".join(resultado.series_desconhecidas) or None,
    }
    if resultado.series_ilegiveis is not None:
        campos["Séries ilegíveis"] = str(resultado.series_ilegiveis)
    return campos


def tabela_de_ciclos(ciclos: pd.DataFrame) -> pd.DataFrame:
    """One row per cycle, as shown: percentages from basis points with two decimals, money in
    reais, the end month as mm/aaaa."""
    return pd.DataFrame(
        {
            "Ciclo": ciclos["ciclo"].astype("int64"),
            "Nome": ciclos["ciclo_nome"],
            "Prazo": [
                prazo(ancora, int(meses))
                for ancora, meses in zip(ciclos["ancora"], ciclos["meses"], strict=True)
            ],
            "Fim": [f"{fim:%m/%Y}" for fim in ciclos["fim_mes"]],
            "% exigido": ciclos["percentual_exigido_bp"].map(percentual_bp_br),
            "% atingido": ciclos["percentual_atingido_bp"].map(percentual_bp_br),
            "Valor exigido": ciclos["valor_exigido"].map(_dinheiro),
            "Valor atingido": ciclos["valor_atingido"].map(_dinheiro),
            "Falta": ciclos["falta"].map(_dinheiro),
            "Atendido": ciclos["atendido"].map(_sim_nao),
        }
    )


def prazo(ancora: str, meses: int) -> str:
    """A cycle's end in words: "1 mês após a venda", "no mês das chaves"."""
    marco = {"venda": "a venda", "chaves": "as chaves"}.get(ancora, ancora)
    if meses == 0:
        return {"venda": "no mês da venda", "chaves": "no mês das chaves"}.get(ancora, marco)
    return f"{meses} {'mês' if meses == 1 else 'meses'} após {marco}"


def percentual_bp_br(pontos_base: int | None) -> str | None:
    """Basis points (1 = 0,01%) as a percentage with two decimals: 1042 → "10,42%"."""
    if pontos_base is None or pd.isna(pontos_base):
        return None
    return percentual_br(int(pontos_base), 10000)


def _avisos(resultado: Resultado) -> None:
    """The status, and the flags of the flow, as messages above the tables."""
    status = resultado.status
    if status == "aprovado":
        st.success("Aprovado: todos os ciclos foram atendidos.")
    elif status == "requer_alcada_superior":
        st.warning(
            f"Requer alçada superior: o ciclo {resultado.primeiro_ciclo_falho} "
            f"({resultado.primeiro_ciclo_falho_nome}) não foi atendido; faltam "
            f"{_dinheiro(resultado.falta_primeiro_ciclo)}."
        )
    elif status == "sem_regra":
        st.info(
            "Sem regra: nenhuma regra de alçada em vigor na data da venda para este "
            "empreendimento ou tabela."
        )
    elif status == "regra_inaplicavel":
        st.warning(f"Regra inaplicável: {resultado.motivo or 'motivo não informado'}.")
    if resultado.fluxo_difere_do_contrato:
        st.warning(
            f"O total do fluxo ({_dinheiro(resultado.total_fluxo)}) difere do valor do contrato "
            f"({_dinheiro(resultado.valor_contrato)}); o julgamento vale assim mesmo."
        )
    if resultado.series_desconhecidas:
        st.warning(
            "Séries desconhecidas, fora das somas dos ciclos: "
            f"{', '.join(resultado.series_desconhecidas)}. Cadastre-as nas regras de alçada."
        )
    if resultado.series_ilegiveis:
        quantas = resultado.series_ilegiveis
        lidas = (
            "série do fluxo não pôde ser lida"
            if quantas == 1
            else ("séries do fluxo não puderam ser lidas")
        )
        st.warning(f"{inteiro_br(quantas)} {lidas}; confira a reserva no CRM.")


def _ciclos(resultado: Resultado, ciclos: pd.DataFrame) -> None:
    if ciclos.empty:
        if resultado.status in data_access.STATUS_JULGADOS:
            st.info("Nenhum ciclo publicado para esta reserva.")
        return
    st.dataframe(tabela_de_ciclos(ciclos), hide_index=True, placeholder="—")


def _campos(campos: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame({"Campo": list(campos), "Valor": list(campos.values())})


def _ciclo(numero: Any, nome: Any) -> str | None:
    if numero is None or pd.isna(numero):
        return None
    return f"{int(numero)} – {nome}" if nome is not None and not pd.isna(nome) else str(numero)


def _dinheiro(valor: Decimal | None) -> str | None:
    return None if valor is None or pd.isna(valor) else dinheiro_br(valor)


def _sim_nao(valor: Any) -> str | None:
    if valor is None or pd.isna(valor):
        return None
    return "sim" if valor else "não"


def _texto(valor: Any) -> str | None:
    return None if valor is None or pd.isna(valor) else str(valor)


def _nome_ou_id(nome: Any, identificador: Any) -> str | None:
    if nome is not None and not pd.isna(nome):
        return str(nome)
    return _texto(identificador)


def _com_id(nome: Any, identificador: Any) -> str | None:
    """ "Residencial Aurora (1)"; the ID alone without a name."""
    if identificador is None or pd.isna(identificador):
        return _texto(nome)
    if nome is None or pd.isna(nome):
        return str(identificador)
    return f"{nome} ({identificador})"


def _texto_da_celula(valor: Any) -> str | None:
    if valor is None or (not isinstance(valor, str) and pd.isna(valor)):
        return None
    texto = str(valor)
    return texto if texto.strip() else None


def _inteiro_da_celula(valor: Any) -> Any:
    """An integer cell (the editor may give a float); a fraction goes on, to be refused."""
    if valor is None or pd.isna(valor):
        return None
    if isinstance(valor, float) and valor.is_integer():
        return int(valor)
    if pd.api.types.is_integer(valor):
        return int(valor)
    return valor


def _data_da_celula(valor: Any) -> Any:
    """A date cell as a date (the editor may give a Timestamp or ISO text); text that is no
    date goes on, to be refused."""
    if valor is None or (not isinstance(valor, date | str) and pd.isna(valor)):
        return None
    if isinstance(valor, str):
        if not valor.strip():
            return None
        try:
            return pd.Timestamp(valor).date()
        except ValueError:
            return valor
    return pd.Timestamp(valor).date()
