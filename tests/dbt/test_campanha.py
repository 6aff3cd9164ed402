"""The update campaign's marts on the demo data, against a count made here from the lake's events
(Polars, apart from the SQL), and against the demo's own simulation of a portal that follows the
campaign's rules."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from tests.conftest import LOAD_DATE

COLUNAS = ["logins", "prompts", "prompts_recusados", "prompts_concluidos", "recusas", "conclusoes"]


def funil_do_lago(data_dir) -> pl.DataFrame:
    """Per São Paulo month up to the load date: the funnel's counts, each prompt's outcome being
    the person's next event (of the four the funnel follows)."""
    eventos = (
        pl.read_parquet(data_dir / "lake" / "raw" / "portal" / "eventos" / "*" / "*.parquet")
        .filter(
            pl.col("event_type").is_in(
                ["login", "update_prompt_shown", "update_declined", "update_completed"]
            )
        )
        .with_columns(
            dia=pl.col("occurred_at_utc")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone("America/Sao_Paulo")
            .dt.date()
        )
        .sort("idpessoa", "occurred_at_utc", "event_id")
        .with_columns(proximo=pl.col("event_type").shift(-1).over("idpessoa"))
        .filter(pl.col("dia") <= date.fromisoformat(LOAD_DATE))
        .with_columns(mes=pl.col("dia").dt.truncate("1mo"))
    )
    prompt = pl.col("event_type") == "update_prompt_shown"
    return (
        eventos.group_by("mes")
        .agg(
            logins=(pl.col("event_type") == "login").sum(),
            prompts=prompt.sum(),
            prompts_recusados=(prompt & (pl.col("proximo") == "update_declined")).sum(),
            prompts_concluidos=(prompt & (pl.col("proximo") == "update_completed")).sum(),
            recusas=(pl.col("event_type") == "update_declined").sum(),
            conclusoes=(pl.col("event_type") == "update_completed").sum(),
        )
        .sort("mes")
    )


def test_o_funil_confere_com_os_eventos_do_lago(publications):
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        funil = con.sql("select * from marts.atualizacao_cadastral_funil order by mes").pl()
    esperado = funil_do_lago(publications["data_dir"])
    assert funil["prompts"].sum() > 50, "too few prompts to prove anything"
    assert funil.select("mes", *COLUNAS).cast({c: pl.Int64 for c in COLUNAS}).to_dicts() == (
        esperado.cast({c: pl.Int64 for c in COLUNAS}).to_dicts()
    )
    # Every prompt ends one way; every decline answers a prompt.
    assert (
        funil["prompts"]
        == funil["prompts_recusados"] + funil["prompts_concluidos"] + funil["prompts_sem_resposta"]
    ).all()
    assert (funil["recusas"] == funil["prompts_recusados"]).all()


def test_o_portal_da_demo_segue_as_regras_da_campanha(publications):
    """The demo simulates a portal that prompts exactly the due clients (ingestion/demo): the
    warehouse's due rule, written apart from it, must agree at every login."""
    with duckdb.connect(str(publications["incremental_duckdb"]), read_only=True) as con:
        (logins_devidos, prompts, sem_prompt, a_nao_devidos, ocultos) = con.execute(
            "select sum(logins_devidos), sum(prompts), sum(logins_devidos_sem_prompt), "
            "sum(prompts_a_nao_devidos), sum(alteracoes_em_campos_ocultos) "
            "from marts.atualizacao_cadastral_funil"
        ).fetchone()
    assert logins_devidos > 50
    assert (logins_devidos, sem_prompt, a_nao_devidos, ocultos) == (prompts, 0, 0, 0)
