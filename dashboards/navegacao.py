"""The pages of the dashboards by section, as the user's role may see them.

`app.py` hands this to `st.navigation`. A page the role may not open is left out of the menu, so
its URL leads nowhere; each page still checks the role itself (`data_access` refuses its data).
"""

from __future__ import annotations

import streamlit as st

from dashboards import data_access
from dashboards.paginas import (
    alteracoes_cadastrais,
    auditoria,
    pesquisas,
    qualidade_dados,
    reengajamento,
    registro,
)
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario

# Section -> its pages in menu order: (page, module with TITULO and render()).
_SECOES = {
    "Cadastro": [(Pagina.ALTERACOES_CADASTRAIS, alteracoes_cadastrais)],
    "Campanhas": [(Pagina.REENGAJAMENTO, reengajamento)],
    # "Registro do CRM" is listed too (it has inputs for a type and an ID); the links of
    # "Pesquisas" open it by URL: registro?tipo=<tipo_registro>&id=<ID>.
    "Relacionamento": [(Pagina.PESQUISAS, pesquisas), (Pagina.REGISTRO, registro)],
    "Operação": [
        (Pagina.QUALIDADE_DOS_DADOS, qualidade_dados),
        (Pagina.AUDITORIA, auditoria),
    ],
}


def secoes(usuario: Usuario) -> dict[str, list[st.Page]]:
    """Section title -> its pages the user may open (only sections with a page)."""
    resultado: dict[str, list[st.Page]] = {}
    for secao, paginas in _SECOES.items():
        permitidas = [
            st.Page(
                modulo.render,
                title=modulo.TITULO,
                url_path=pagina,
                default=pagina == Pagina.ALTERACOES_CADASTRAIS,  # every role opens it
            )
            for pagina, modulo in paginas
            if data_access.pode_abrir(usuario, pagina)
        ]
        if permitidas:
            resultado[secao] = permitidas
    return resultado
