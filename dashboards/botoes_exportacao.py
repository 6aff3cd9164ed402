"""The export buttons every page offers: CSV for Excel and XLSX of the table as the screen shows
it (or read when downloaded), built only when clicked, each download checked against the login
and audited first (`data_access.exportacao_auditada`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data_access, exportacao, sessao
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario


def botoes_auditados(
    usuario: Usuario,
    pagina: Pagina,
    filtros: dict[str, Any],
    tabela: pd.DataFrame | Callable[[], pd.DataFrame],
    nome_arquivo: str,
    nome_planilha: str,
) -> None:
    valida_ate = sessao.fim_da_sessao()

    def arquivo(formato: str, gerar):
        return data_access.exportacao_auditada(
            usuario, valida_ate, pagina, filtros, tabela, formato, gerar
        )

    botoes = st.container(horizontal=True)
    # Clicking does not rerun the page; the file is made when downloaded.
    botoes.download_button(
        "Exportar CSV (Excel)",
        data=arquivo("csv", exportacao.csv_excel),
        file_name=f"{nome_arquivo}.csv",
        mime=exportacao.MIME_CSV,
        on_click="ignore",
        key="exportar_csv",
    )
    botoes.download_button(
        "Exportar XLSX",
        data=arquivo("xlsx", partial(exportacao.xlsx, nome_planilha=nome_planilha)),
        file_name=f"{nome_arquivo}.xlsx",
        mime=exportacao.MIME_XLSX,
        on_click="ignore",
        key="exportar_xlsx",
    )
