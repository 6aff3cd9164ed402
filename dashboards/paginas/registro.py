"""Page "Registro do CRM": one CRM record (pré-cadastro, reserva, venda, repasse, atendimento,
assistência técnica) and the survey dispatches whose protocol points to it.

The record comes from the URL, `registro?tipo=<tipo_registro>&id=<ID>` (the links of the page
"Pesquisas"), or from the inputs, which keep the URL in step so it can be shared.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboards import data_access, pagina
from dashboards.data_access import TIPOS_REGISTRO_CRM, RegistroCrm
from dashboards.formatacao import data_hora_br, serie_em_sao_paulo
from dashboards.paginas.pesquisas import rotulo_gatilho, rotulo_origem, rotulo_tipo
from dashboards.politica import Pagina
from dashboards.usuarios import Papel

TITULO = "Registro do CRM"

CHAVE_TIPO = "registro_tipo"
CHAVE_ID = "registro_id"

_MAIOR_ID = 2**63 - 1  # BIGINT
# A value typed in the URL is echoed in a message only when it is plain (no Markdown to render).
_ECOAVEL = re.compile(r"[0-9A-Za-z-]{1,40}")


def render() -> None:
    """Draw the page (the st.Page entry point)."""
    usuario = pagina.abrir(TITULO, Pagina.REGISTRO)
    if usuario is None:
        return
    if not data_access.registros_publicados(usuario):
        st.info(
            "A publicação atual não traz os registros do CRM: eles aparecem a partir da próxima "
            "execução do pipeline (`alicerce run`)."
        )
        return
    # The URL gives the inputs their first values; the inputs then keep the URL in step.
    tipo_da_url = st.query_params.get("tipo")
    coluna_tipo, coluna_id = st.columns(2)
    tipo = coluna_tipo.selectbox(
        "Tipo de registro",
        list(TIPOS_REGISTRO_CRM),
        index=TIPOS_REGISTRO_CRM.index(tipo_da_url) if tipo_da_url in TIPOS_REGISTRO_CRM else None,
        format_func=rotulo_tipo,
        placeholder="Escolha o tipo",
        key=CHAVE_TIPO,
    )
    texto_id = coluna_id.text_input(
        "ID do registro", value=st.query_params.get("id", "").strip(), key=CHAVE_ID
    ).strip()
    _atualizar_url(tipo, texto_id)
    if usuario.papel in (Papel.CORRETOR, Papel.IMOBILIARIA):
        st.caption(f"Somente os registros dos clientes de {usuario.descricao()}.")

    if tipo is None:
        if tipo_da_url and tipo_da_url not in TIPOS_REGISTRO_CRM:
            st.error(
                f"Tipo de registro desconhecido{_ecoado(tipo_da_url)}. Os tipos são: "
                + ", ".join(rotulo_tipo(conhecido) for conhecido in TIPOS_REGISTRO_CRM)
                + "."
            )
        else:
            st.info("Escolha o tipo de registro e informe o ID.")
        return
    if not texto_id:
        st.info("Informe o ID do registro.")
        return
    idregistro = id_do_registro(texto_id)
    if idregistro is None:
        st.error(
            f"ID inválido{_ecoado(texto_id)}: o ID de um registro do CRM é um número inteiro "
            "(por exemplo, 5001)."
        )
        return

    registro = data_access.registro_crm(usuario, tipo, idregistro)
    envios = data_access.envios_do_registro(usuario, tipo, idregistro)
    if registro is None:
        st.warning(f"Registro não encontrado: {rotulo_tipo(tipo)} {idregistro}.")
        if envios.empty:
            return
    else:
        _registro(registro)

    st.subheader("Pesquisas enviadas com este protocolo")
    if envios.empty:
        st.info("Nenhuma pesquisa enviada com este protocolo.")
        return
    st.dataframe(
        tabela_de_envios_do_registro(envios),
        hide_index=True,
        placeholder="—",
        column_config={
            "Enviado em": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm"),
            "Envio": st.column_config.NumberColumn(format="%d"),
            "ID da pesquisa": st.column_config.NumberColumn(format="%d"),
        },
    )


def id_do_registro(texto: str) -> int | None:
    """The record ID typed (digits only, up to BIGINT), or None when it is not one."""
    if not (texto.isascii() and texto.isdigit()):
        return None
    numero = int(texto)
    return numero if numero <= _MAIOR_ID else None


def _atualizar_url(tipo: str | None, texto_id: str) -> None:
    """Keep the URL on what the inputs hold, so it can be copied and shared."""
    if tipo is not None:
        st.query_params["tipo"] = tipo
    if texto_id:
        st.query_params["id"] = texto_id
    elif "id" in st.query_params:
        del st.query_params["id"]


def _ecoado(valor: str) -> str:
    """': “valor”' for a plain value, else nothing (a URL can carry anything)."""
    return f": “{valor}”" if _ECOAVEL.fullmatch(valor) else ""


def _registro(registro: RegistroCrm) -> None:
    st.subheader(f"{rotulo_tipo(registro.tipo_registro)} {registro.idregistro}")
    if registro.excluido:
        st.warning("Este registro foi excluído no CRM.")
    st.dataframe(tabela_do_registro(registro), hide_index=True, placeholder="—")


def tabela_do_registro(registro: RegistroCrm) -> pd.DataFrame:
    """The record's fields as "Campo" / "Valor" rows (text), as shown."""
    campos: dict[str, str | None] = {
        "Tipo": rotulo_tipo(registro.tipo_registro),
        "ID": str(registro.idregistro),
        "Cliente": registro.cliente,
        "Cliente (ID)": None if registro.idpessoa is None else str(registro.idpessoa),
        "Situação": registro.situacao,
        "Criado em": data_hora_br(registro.criado_em) or None,
    }
    if registro.tipo_registro == "atendimento":
        campos["Protocolo do atendimento"] = registro.protocolo_atendimento
    campos["Empreendimento (ID)"] = (
        None if registro.idempreendimento is None else str(registro.idempreendimento)
    )
    campos["Detalhe"] = registro.detalhe
    campos["Excluído no CRM"] = {True: "sim", False: "não", None: None}[registro.excluido]
    return pd.DataFrame({"Campo": list(campos), "Valor": list(campos.values())})


def tabela_de_envios_do_registro(envios: pd.DataFrame) -> pd.DataFrame:
    """The dispatches of one record, newest first, as shown."""
    return pd.DataFrame(
        {
            "Enviado em": serie_em_sao_paulo(envios["enviado_em"]),
            "Envio": envios["idenvio"],
            "Pesquisa": envios["pesquisa"],
            "ID da pesquisa": envios["idpesquisa"],
            "Gatilho": envios["gatilho"].map(rotulo_gatilho),
            "Origem do protocolo": envios["origem_protocolo"].map(rotulo_origem),
            "Protocolo do atendimento": envios["protocolo_atendimento"],
        }
    )
