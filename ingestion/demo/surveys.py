"""A handful of surveys (pesquisas), with the camelCase date fields of the CVDW object."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from ingestion.demo import crm_catalog as texts
from ingestion.demo.clock import DAY, epoch_of_local, format_crm_local, format_iso_date, local_day
from ingestion.demo.cvdw_rows import integer, text

FIRST_SURVEY = date(2018, 1, 1)
FIRST_QUESTION = 3


def survey_count(people: int) -> int:
    return 6 + min(6, people // 200_000)


def pesquisas_frame(rng: np.random.Generator, people: int, until_end: int) -> pl.DataFrame:
    """Surveys over the years: closed ones, one still open (no end date: '0000-00-00'), and a
    draft; the row changes when the survey closes."""
    n = survey_count(people)
    first = min(epoch_of_local(FIRST_SURVEY), until_end - 400 * DAY)
    starts = np.sort(first + (rng.random(n) * (until_end - 30 * DAY - first)).astype(np.int64))
    ends = starts + rng.integers(30, 91, n) * DAY
    situacao = np.where(ends <= until_end, 1, 0)  # SURVEY_SITUACOES: Enviada, Encerrada, Rascunho
    situacao[-1] = 2
    open_ended = np.zeros(n, dtype=bool)
    open_ended[-2] = True
    situacao[-2] = 0
    created = starts - rng.integers(3, 15, n) * DAY
    changed = np.where(situacao == 1, ends, created)
    questions = rng.integers(3, 8, n)
    first_question = FIRST_QUESTION + np.concatenate([[0], np.cumsum(questions)[:-1]])
    titles = [
        f"{texts.SURVEYS[i % len(texts.SURVEYS)][0]} {year}"
        for i, year in enumerate(_years(starts).tolist())
    ]
    raw = pl.DataFrame(
        {
            "referencia": pl.Series(np.arange(1, n + 1)).cast(pl.String),
            "referencia_data": format_crm_local(changed),
            "idpesquisa": np.arange(1, n + 1),
            "dataInicio": format_iso_date(local_day(starts)),
            "dataFim": format_iso_date(local_day(ends)).zip_with(
                pl.Series(~open_ended), pl.Series(["0000-00-00"] * n)
            ),
            "pesquisa": pl.Series(titles),
            "situacao": texts.texts(texts.SURVEY_SITUACOES).gather(situacao),
            "tipo_pesquisa": pl.Series(
                [texts.SURVEYS[i % len(texts.SURVEYS)][1] for i in range(n)]
            ),
            "ids_perguntas": pl.Series(
                [
                    ",".join(str(q) for q in range(start, start + count))
                    for start, count in zip(
                        first_question.tolist(), questions.tolist(), strict=True
                    )
                ]
            ),
        }
    )
    return raw.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo", pl.lit("S")),
        integer("idpesquisa"),
        text("dataInicio"),
        text("dataFim"),
        text("pesquisa"),
        text("situacao"),
        text("data_referencia", pl.col("dataInicio")),
        text("tipo_pesquisa"),
        text("ids_perguntas"),
    )


def _years(epoch: np.ndarray) -> np.ndarray:
    return local_day(epoch).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
