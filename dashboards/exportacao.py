"""Exports that open cleanly in Brazilian Excel: CSV (';', UTF-8 with BOM, decimal comma) or XLSX.

Both take the table exactly as the screen shows it (pt-BR column names, São Paulo local times as
naive datetimes, CPF already masked).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from dashboards.formatacao import data_br

MIME_CSV = "text/csv"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is run as a formula by spreadsheets; values typed by clients
# reach these exports, so such text is prefixed with an apostrophe (OWASP "CSV injection").
_INICIO_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r")

_LARGURA_MAXIMA_COLUNA = 60


def csv_excel(tabela: pd.DataFrame) -> bytes:
    """The table as CSV for Brazilian Excel: ';' separated, UTF-8 with BOM, decimal comma.

    Dates come out as dd/mm/aaaa and date-times as dd/mm/aaaa hh:mm.
    """
    texto = tabela.copy()
    for coluna in texto.columns:
        serie = texto[coluna]
        if pd.api.types.is_datetime64_any_dtype(serie):
            texto[coluna] = serie.dt.strftime("%d/%m/%Y %H:%M").fillna("")
        elif pd.api.types.is_object_dtype(serie) or pd.api.types.is_string_dtype(serie):
            texto[coluna] = serie.map(_celula_csv)
    conteudo = texto.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return conteudo.encode("utf-8-sig")


def xlsx(tabela: pd.DataFrame, nome_planilha: str = "Dados") -> bytes:
    """The table as an XLSX workbook with one sheet, typed cells and pt-BR date formats."""
    saida = io.BytesIO()
    pasta = xlsxwriter.Workbook(
        saida,
        {
            "in_memory": True,
            # Text stays text: never a formula, a link or a number guessed from a string.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    formatos = {
        "cabecalho": pasta.add_format({"bold": True}),
        "data": pasta.add_format({"num_format": "dd/mm/yyyy"}),
        "data_hora": pasta.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "decimal": pasta.add_format({"num_format": "#,##0.00"}),
    }
    planilha = pasta.add_worksheet(nome_planilha[:31])
    for indice, coluna in enumerate(tabela.columns):
        planilha.write_string(0, indice, str(coluna), formatos["cabecalho"])
        larguras = [len(str(coluna))] + [len(_celula_csv(valor)) for valor in tabela[coluna]]
        planilha.set_column(indice, indice, min(max(larguras) + 2, _LARGURA_MAXIMA_COLUNA))
    for linha, registro in enumerate(tabela.itertuples(index=False), start=1):
        for indice, valor in enumerate(registro):
            _escrever_celula(planilha, linha, indice, valor, formatos)
    planilha.freeze_panes(1, 0)
    if len(tabela.columns):
        planilha.autofilter(0, 0, len(tabela), len(tabela.columns) - 1)
    pasta.close()
    return saida.getvalue()


def _vazio(valor: Any) -> bool:
    return valor is None or (pd.api.types.is_scalar(valor) and bool(pd.isna(valor)))


def _celula_csv(valor: Any) -> str:
    """One value of a text (object) column, written the way Brazilian Excel reads it."""
    if _vazio(valor):
        return ""
    if isinstance(valor, datetime):
        return valor.strftime("%d/%m/%Y %H:%M")
    if isinstance(valor, date):
        return data_br(valor)
    if isinstance(valor, Decimal | float):
        return str(valor).replace(".", ",")
    texto = str(valor)
    if texto.startswith(_INICIO_DE_FORMULA):
        return "'" + texto
    return texto


def _escrever_celula(planilha, linha: int, coluna: int, valor: Any, formatos: dict) -> None:
    if _vazio(valor):
        planilha.write_blank(linha, coluna, None)
    elif isinstance(valor, datetime):  # pd.Timestamp included
        momento = pd.Timestamp(valor).to_pydatetime()
        planilha.write_datetime(linha, coluna, momento, formatos["data_hora"])
    elif isinstance(valor, date):
        meia_noite = datetime.combine(valor, datetime.min.time())
        planilha.write_datetime(linha, coluna, meia_noite, formatos["data"])
    elif isinstance(valor, Decimal):
        planilha.write_number(linha, coluna, float(valor), formatos["decimal"])
    elif isinstance(valor, bool | np.bool_):
        planilha.write_boolean(linha, coluna, bool(valor))
    elif isinstance(valor, np.number):
        planilha.write_number(linha, coluna, valor.item())
    elif isinstance(valor, int | float):
        planilha.write_number(linha, coluna, valor)
    else:
        planilha.write_string(linha, coluna, str(valor))
