from datetime import UTC, date, datetime

import pytest

from dashboards.periodos import (
    Periodo,
    PeriodoInvalido,
    TipoPeriodo,
    hoje_em_sao_paulo,
    mes_anterior,
    mes_atual,
    periodo,
    personalizado,
)


def test_mes_atual_vai_do_primeiro_dia_ate_a_referencia():
    assert mes_atual(date(2026, 11, 20)) == Periodo(date(2026, 11, 1), date(2026, 11, 20))


def test_mes_atual_no_primeiro_dia_do_mes_e_um_dia_so():
    assert mes_atual(date(2026, 3, 1)) == Periodo(date(2026, 3, 1), date(2026, 3, 1))


def test_mes_anterior_e_o_mes_inteiro():
    assert mes_anterior(date(2026, 11, 20)) == Periodo(date(2026, 10, 1), date(2026, 10, 31))


def test_mes_anterior_de_janeiro_e_dezembro_do_ano_anterior():
    assert mes_anterior(date(2027, 1, 1)) == Periodo(date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("referencia", "ultimo_dia_de_fevereiro"),
    [(date(2024, 3, 31), date(2024, 2, 29)), (date(2026, 3, 15), date(2026, 2, 28))],
)
def test_mes_anterior_respeita_fevereiro_de_ano_bissexto(referencia, ultimo_dia_de_fevereiro):
    assert mes_anterior(referencia) == Periodo(
        ultimo_dia_de_fevereiro.replace(day=1), ultimo_dia_de_fevereiro
    )


def test_mes_atual_em_29_de_fevereiro():
    assert mes_atual(date(2028, 2, 29)) == Periodo(date(2028, 2, 1), date(2028, 2, 29))


def test_periodo_personalizado_e_inclusivo_e_aceita_um_dia():
    assert personalizado(date(2026, 5, 7), date(2026, 5, 7)) == Periodo(
        date(2026, 5, 7), date(2026, 5, 7)
    )


def test_periodo_personalizado_invertido_explica_o_erro():
    with pytest.raises(PeriodoInvalido, match="10/05/2026.*posterior.*01/05/2026"):
        personalizado(date(2026, 5, 10), date(2026, 5, 1))


def test_periodo_por_tipo():
    referencia = date(2026, 11, 20)
    assert periodo(TipoPeriodo.MES_ATUAL, referencia) == mes_atual(referencia)
    assert periodo("Mês anterior", referencia) == mes_anterior(referencia)
    assert periodo(
        TipoPeriodo.PERSONALIZADO, referencia, date(2026, 1, 1), date(2026, 1, 31)
    ) == Periodo(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(PeriodoInvalido):
        periodo(TipoPeriodo.PERSONALIZADO, referencia)


def test_hoje_e_a_data_de_sao_paulo_nao_a_de_utc():
    # 02:30 UTC on 1 Dec is still 30 Nov in São Paulo (UTC-3).
    assert hoje_em_sao_paulo(datetime(2026, 12, 1, 2, 30, tzinfo=UTC)) == date(2026, 11, 30)
    # In daylight saving time (UTC-2) 01:59 UTC is still the previous day, 02:00 is not.
    assert hoje_em_sao_paulo(datetime(2018, 12, 2, 1, 59, tzinfo=UTC)) == date(2018, 12, 1)
    assert hoje_em_sao_paulo(datetime(2018, 12, 2, 2, 0, tzinfo=UTC)) == date(2018, 12, 2)


def test_descricao_em_portugues():
    assert Periodo(date(2026, 11, 1), date(2026, 11, 20)).descricao() == "01/11/2026 a 20/11/2026"
