"""Exports for Brazilian Excel, checked on the bytes."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from dashboards import data_access, exportacao
from dashboards.paginas.alteracoes_cadastrais import tabela_de_alteracoes
from dashboards.periodos import mes_atual

from .conftest import GESTOR

BOM = b"\xef\xbb\xbf"


def tabela_mista() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Cliente": ["João Conceição", '=HYPERLINK("http://x")', None],
            "Renda": [Decimal("4200.50"), Decimal("1234567.89"), None],
            "Taxa": [1.5, 0.25, None],
            "Dia": [date(2026, 11, 3), date(2026, 12, 31), None],
            "Quando": pd.to_datetime(["2026-11-03 09:15", "2018-12-01 13:00", None]),
            "ID": [1001, 1002, 1003],
        }
    )


def test_csv_para_excel_brasileiro():
    conteudo = exportacao.csv_excel(tabela_mista())
    assert conteudo.startswith(BOM)
    linhas = conteudo[len(BOM) :].decode("utf-8").split("\r\n")
    assert linhas[0] == "Cliente;Renda;Taxa;Dia;Quando;ID"
    assert linhas[1] == "João Conceição;4200,50;1,5;03/11/2026;03/11/2026 09:15;1001"
    # Text that a spreadsheet would run as a formula is neutralised with a leading apostrophe.
    assert next(csv.reader([linhas[2]], delimiter=";")) == [
        '\'=HYPERLINK("http://x")',
        "1234567,89",
        "0,25",
        "31/12/2026",
        "01/12/2018 13:00",
        "1002",
    ]
    assert linhas[3] == ";;;;;1003"


def test_xlsx_e_um_pacote_valido_com_os_valores():
    conteudo = exportacao.xlsx(tabela_mista(), nome_planilha="Alterações cadastrais")
    with zipfile.ZipFile(io.BytesIO(conteudo)) as pacote:
        assert pacote.testzip() is None
        planilha = pacote.read("xl/worksheets/sheet1.xml").decode("utf-8")
        textos = pacote.read("xl/sharedStrings.xml").decode("utf-8")
        pasta = pacote.read("xl/workbook.xml").decode("utf-8")
        estilos = pacote.read("xl/styles.xml").decode("utf-8")
    assert 'name="Alterações cadastrais"' in pasta
    assert "João Conceição" in textos
    # The formula-looking text is stored as text, never as a formula.
    assert "=HYPERLINK" in textos and "<f>" not in planilha
    assert "<v>4200.5</v>" in planilha and "<v>1001</v>" in planilha
    assert "dd/mm/yyyy hh:mm" in estilos and "dd/mm/yyyy" in estilos


def test_exportacao_da_pagina(publicacao):
    periodo = mes_atual(date(2026, 11, 20))
    tabela = tabela_de_alteracoes(data_access.alteracoes(GESTOR, periodo.inicio, periodo.fim))
    conteudo = exportacao.csv_excel(tabela).decode("utf-8-sig").split("\r\n")
    assert conteudo[0] == "Cliente;ID;CPF;Campo;Valor anterior;Valor atual;Data;Origem"
    assert (
        "João Conceição;1001;***.456.789-**;E-mail;joao@antigo.com;joao@novo.com.br;"
        "03/11/2026 09:15;Portal do cliente"
    ) in conteudo
    assert "12345678901" not in "".join(conteudo)
    with zipfile.ZipFile(io.BytesIO(exportacao.xlsx(tabela))) as pacote:
        textos = pacote.read("xl/sharedStrings.xml").decode("utf-8")
    assert "Maria Gonçalves" in textos and "***.654.321-**" in textos
    assert "98765432100" not in textos


def test_tabela_da_pagina_em_hora_de_sao_paulo(publicacao):
    tabela = tabela_de_alteracoes(
        data_access.alteracoes(GESTOR, date(2018, 12, 1), date(2018, 12, 31))
    )
    assert tabela.to_dict("records") == [
        {
            "Cliente": None,
            "ID": 1004,
            "CPF": "***.222.333-**",
            "Campo": "E-mail",
            "Valor anterior": None,
            "Valor atual": "cliente@exemplo.com",
            "Data": pd.Timestamp(datetime(2018, 12, 1, 13, 0)),  # UTC-2 in daylight saving time
            "Origem": "Portal do cliente",
        }
    ]
