from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest

from dashboards.formatacao import (
    data_br,
    data_hora_br,
    dinheiro_br,
    duracao_br,
    horas_br,
    inteiro_br,
    mascarar_campo,
    mascarar_cpf,
    percentual_br,
    serie_em_sao_paulo,
)


@pytest.mark.parametrize(
    ("parte", "total", "texto"),
    [
        (3, 7, "42,86%"),  # 42,857...
        (1, 7, "14,29%"),  # 14,2857...
        (2, 3, "66,67%"),
        (1, 3, "33,33%"),
        (1, 8, "12,50%"),
        (1, 800, "0,13%"),  # 0,125: half up, never to even
        (0, 5, "0,00%"),
        (5, 5, "100,00%"),
        (123456, 100, "123.456,00%"),
        (0, 0, ""),
    ],
)
def test_percentual_br(parte, total, texto):
    assert percentual_br(parte, total) == texto


def test_data_br():
    assert data_br(date(2026, 1, 5)) == "05/01/2026"
    assert data_br(None) == ""


@pytest.mark.parametrize(
    ("utc", "sao_paulo"),
    [
        # Since 2019 there is no daylight saving time: always UTC-3.
        (datetime(2026, 11, 3, 12, 15), "03/11/2026 09:15"),
        (datetime(2019, 12, 1, 15, 0), "01/12/2019 12:00"),
        # Summer 2018/2019 was UTC-2: a fixed -03:00 would say 12:00.
        (datetime(2018, 12, 1, 15, 0), "01/12/2018 13:00"),
        # DST began at local midnight on 04/11/2018 (clocks jumped to 01:00)...
        (datetime(2018, 11, 4, 2, 59), "03/11/2018 23:59"),
        (datetime(2018, 11, 4, 3, 0), "04/11/2018 01:00"),
        # ...and ended at local midnight on 17/02/2019 (clocks went back to 23:00 on the 16th).
        (datetime(2019, 2, 17, 1, 59), "16/02/2019 23:59"),
        (datetime(2019, 2, 17, 2, 0), "16/02/2019 23:00"),
    ],
)
def test_data_hora_br_em_sao_paulo_com_horario_de_verao(utc, sao_paulo):
    assert data_hora_br(utc) == sao_paulo
    assert data_hora_br(utc.replace(tzinfo=UTC)) == sao_paulo


def test_data_hora_br_aceita_outro_fuso_e_none():
    lisboa_verao = timezone(timedelta(hours=1))
    assert data_hora_br(datetime(2026, 6, 1, 13, 0, tzinfo=lisboa_verao)) == "01/06/2026 09:00"
    assert data_hora_br(None) == ""


def test_serie_em_sao_paulo_concorda_com_data_hora_br():
    momentos = [datetime(2018, 12, 1, 15, 0), datetime(2019, 2, 17, 2, 0), datetime(2026, 11, 3)]
    locais = serie_em_sao_paulo(pd.Series(momentos))
    assert [f"{local:%d/%m/%Y %H:%M}" for local in locais] == [data_hora_br(m) for m in momentos]
    assert locais.dt.tz is None


@pytest.mark.parametrize(
    ("valor", "texto"),
    [
        (Decimal("1234.56"), "R$ 1.234,56"),
        (Decimal("0"), "R$ 0,00"),
        (Decimal("1234567.8"), "R$ 1.234.567,80"),
        (Decimal("0.005"), "R$ 0,01"),  # half up
        (Decimal("-1234.56"), "-R$ 1.234,56"),
        (15, "R$ 15,00"),
    ],
)
def test_dinheiro_br(valor, texto):
    assert dinheiro_br(valor) == texto


def test_dinheiro_br_recusa_float():
    with pytest.raises(TypeError):
        dinheiro_br(1234.56)


def test_inteiro_br():
    assert inteiro_br(1234567) == "1.234.567"
    assert inteiro_br(12) == "12"


@pytest.mark.parametrize(
    ("duracao", "texto"),
    [
        (timedelta(seconds=12.34), "12,3 s"),
        (timedelta(seconds=0), "0,0 s"),
        (timedelta(seconds=59.94), "59,9 s"),
        (timedelta(seconds=59.96), "1 min 00 s"),  # rounds up past a minute
        (timedelta(seconds=125), "2 min 05 s"),
        (timedelta(seconds=75.5), "1 min 16 s"),  # half up
        (timedelta(hours=1, minutes=2, seconds=40), "1 h 02 min"),
        (timedelta(hours=1234), "1.234 h 00 min"),
        (None, ""),
    ],
)
def test_duracao_br(duracao, texto):
    assert duracao_br(duracao) == texto


def test_horas_br():
    assert horas_br(timedelta(hours=3, minutes=30)) == "3,5"
    assert horas_br(timedelta(hours=26)) == "26,0"
    assert horas_br(timedelta(minutes=3)) == "0,1"  # 0,05 rounded half up
    assert horas_br(timedelta(hours=1234, minutes=30)) == "1.234,5"
    assert horas_br(timedelta(hours=2), casas=0) == "2"
    assert horas_br(None) == ""


@pytest.mark.parametrize(
    ("documento", "mascarado"),
    [
        ("12345678901", "***.456.789-**"),
        ("123.456.789-01", "***.456.789-**"),
        ("1234567890", "***"),  # not a CPF: show no digit at all
        ("12345678901234", "***"),
        (None, None),
        ("", None),
    ],
)
def test_mascarar_cpf(documento, mascarado):
    assert mascarar_cpf(documento) == mascarado


@pytest.mark.parametrize(
    ("campo", "valor", "mascarado"),
    [
        ("rg", "12345678X", "******78X"),
        ("rg", "MG-12.345.678", "*******678"),
        ("rg", "123", "***"),
        ("rg", "12-3X", "***"),
        ("celular", "(81) 99876-5432", "(**) *****-5432"),
        ("celular", "+55 81 98888-7777", "(**) *****-7777"),
        ("celular", "ramal 99876-5432 falar com Ana", "(**) *****-5432"),
        ("celular", "1234", "***"),
        ("celular", "9876-543", "***"),
        ("email", "joao@novo.com.br", "j***@novo.com.br"),
        ("email", "sem-arroba", "***"),
        ("email", "@novo.com.br", "***"),
        ("cep", "50050-000", "50***-***"),
        ("cep", "CEP 50050000 (centro)", "50***-***"),
        ("cep", "5005", "***"),
        ("renda_familiar", "5000.00", "***"),
        ("endereco", "Rua da Aurora, 120, Boa Vista, Recife/PE", "***"),
        ("campo_novo", "qualquer coisa", "***"),
        ("email", None, None),
        ("celular", "   ", None),
    ],
)
def test_mascarar_campo(campo, valor, mascarado):
    assert mascarar_campo(campo, valor) == mascarado
