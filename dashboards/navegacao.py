"""The pages of the dashboards by section, as the viewer's role may see them.

`app.py` hands this to `st.navigation`. A page the role may not open is left out of the menu; each
page still checks the role itself, since its URL can be typed in directly.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data_access
from dashboards.paginas import alteracoes_cadastrais, qualidade_dados


def secoes() -> dict[str, list[st.Page]]:
    """Section title -> its pages, for the viewer's role (only sections with a page)."""
    secoes: dict[str, list[st.Page]] = {
        "Cadastro": [
            st.Page(
                alteracoes_cadastrais.render,
                title=alteracoes_cadastrais.TITULO,
                url_path="alteracoes-cadastrais",
                default=True,
            ),
        ],
    }
    if data_access.pode_ver_qualidade_dados():
        secoes["Operação"] = [
            st.Page(
                qualidade_dados.render,
                title=qualidade_dados.TITULO,
                url_path="qualidade-dos-dados",
            ),
        ]
    return secoes
