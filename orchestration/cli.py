"""The `alicerce` command: demo data, the pipeline through Dagster, dashboards, read-only SQL."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingestion.settings import PROJECT_ROOT, get_settings
from orchestration.cli_serasa import serasa_app
from orchestration.lib.environment import prepare_environment
from orchestration.lib.load_date import today_in_sao_paulo

app = typer.Typer(help="Alicerce: the incorporadora's analytics warehouse.", no_args_is_help=True)
console = Console(stderr=True, width=max(120, shutil.get_terminal_size().columns))


def _progress(message: str) -> None:
    console.print(f"[dim]{escape(message)}[/dim]")  # escaped: messages hold [brackets]


def _bench_progress(message: str) -> None:
    console.print(f"[bold]bench[/bold]: {escape(message)}")


@app.command("demo-data")
def demo_data(
    people: Annotated[int, typer.Option(min=1, help="How many people to generate.")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 42,
    until: Annotated[
        str | None, typer.Option(help="Last day of events (YYYY-MM-DD); default today.")
    ] = None,
    defects: Annotated[bool, typer.Option(help="Inject a few malformed records.")] = True,
) -> None:
    """Generate deterministic synthetic demo data (portal event files, the CRM sandbox dataset)."""
    from ingestion.demo.generator import generate_demo_data

    settings = get_settings()
    if any(settings.raw_dir.glob("*/*/dt=2*/*.parquet")):
        console.print(
            "[yellow]warning[/yellow]: the lake already holds loaded data; other arguments make "
            "other people under the same ids. `make clean` first to start over."
        )
    started = time.perf_counter()
    summary = generate_demo_data(
        settings.landing_dir,
        settings.crm_sandbox_dir,
        people=people,
        seed=seed,
        until=date.fromisoformat(until) if until else None,
        defects=defects,
        progress=_progress,
    )
    console.print(
        f"[green]demo data[/green] in {settings.landing_dir} (until {summary.until}): "
        f"{summary.people:,} people, {summary.event_lines:,} event lines in "
        f"{summary.event_files} files; injected defects: "
        f"{summary.quarantined:,} to quarantine, {summary.duplicates:,} duplicates "
        f"({summary.defects}); took {time.perf_counter() - started:.1f} s"
    )
    crm_rows = Table(title=f"CRM sandbox ({settings.crm_sandbox_dir})")
    for column in ("objeto", "linhas", "defeitos"):
        crm_rows.add_column(column, justify="left" if column == "objeto" else "right")
    for table, lines in summary.crm_rows.items():
        crm_rows.add_row(table, f"{lines:,}", f"{summary.crm_defects.get(table, 0):,}")
    console.print(crm_rows)
    dispatch_duplicates = summary.dispatch_defects.get("duplicate", 0)
    console.print(
        f"[green]survey dispatches[/green] in {settings.landing_dir / 'pesquisas'}: "
        f"{summary.dispatch_lines:,} lines in {summary.dispatch_files} files, "
        f"{summary.dispatches_loadable:,} loadable; injected defects: "
        f"{sum(summary.dispatch_defects.values()) - dispatch_duplicates:,} to quarantine, "
        f"{dispatch_duplicates:,} duplicates ({summary.dispatch_defects})"
    )


def _print_summary(summary: dict, seconds: float, success: bool) -> None:
    table = Table(title="Ingestão")
    for column in ("fonte", "arquivos", "entrada", "carregados", "quarentena", "duplicados", "ok"):
        table.add_column(column, justify="left" if column == "fonte" else "right")
    for source, meta in summary["sources"].items():
        table.add_row(
            source,
            f"{meta['files_ingested']} (+{meta['files_skipped']} já ingeridos)",
            f"{meta['records_in']:,}",
            f"{meta['loaded']:,}",
            f"{meta['quarantined']:,}",
            f"{meta['duplicates']:,}",
            "sim" if meta["reconciles"] else "NÃO",
        )
    console.print(table)
    console.print(
        f"dbt: {summary['models_built']} models built; checks: {summary['checks_passed']} passed, "
        f"{summary['checks_failed']} failed"
    )
    for failed in summary["failed_checks"]:
        console.print(f"  [red]check failed[/red]: {failed}")
    publication = summary["publication"]
    if publication:
        console.print(
            f"publication: copied {', '.join(publication['copied']) or 'nothing'}; "
            f"unchanged {', '.join(publication['unchanged']) or 'nothing'}"
        )
    status = "[green]success[/green]" if success else "[red]FAILED[/red]"
    console.print(f"pipeline {status} in {seconds:.1f} s")


@app.command()
def run(
    load_date: Annotated[
        str | None, typer.Option(help="Load date of this run (YYYY-MM-DD); default today, SP.")
    ] = None,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild every incremental model from the lake.")
    ] = False,
    varredura_crm: Annotated[
        bool,
        typer.Option(
            "--varredura-crm", help="Pull every CRM row (a full sweep), not just the changes."
        ),
    ] = False,
) -> None:
    """Run the whole pipeline headless through Dagster: pull and ingest, dbt build, publish."""
    from orchestration.lib.pipeline_run import run_pipeline

    settings = get_settings()
    resolved_date = _load_date(load_date)
    console.print(
        f"[bold]alicerce run[/bold]: load date {resolved_date}, data in {settings.data_dir}"
        + (", full refresh" if full_refresh else "")
        + (", CRM full sweep" if varredura_crm else "")
    )
    outcome = run_pipeline(
        settings, resolved_date, full_refresh=full_refresh, crm_sweep=varredura_crm
    )
    _print_summary(outcome.summary, outcome.seconds, outcome.success)
    if not outcome.success:
        for failure in outcome.failures:
            console.print(f"[red]{failure}[/red]")
        raise typer.Exit(1)


def _load_date(value: str | None) -> str:
    if value is None:
        return today_in_sao_paulo().isoformat()
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--load-date") from error
    if parsed > today_in_sao_paulo():
        raise typer.BadParameter(
            "a load date is the day data arrived: it cannot be in the future",
            param_hint="--load-date",
        )
    return parsed.isoformat()


quarantine_app = typer.Typer(
    help="The quarantine: records ingestion rejected.", no_args_is_help=True
)
app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.command("replay")
def quarantine_replay(
    source: Annotated[
        list[str] | None,
        typer.Option(
            help="Source ('portal') or table ('portal/eventos'); repeatable. Default: all."
        ),
    ] = None,
    load_date: Annotated[
        str | None, typer.Option(help="Load date of the replayed records; default today, SP.")
    ] = None,
) -> None:
    """Re-judge quarantined records under today's rules and contract (for example an event type
    newly accepted in ingestion/portal/contract.yml); load those that now pass, exactly once."""
    from ingestion.portal.contract import ContractError
    from ingestion.replay import SOURCES, replay_quarantine

    settings = get_settings()
    tables = None
    if source:
        tables = sorted(n for n in SOURCES if any(s in (n, n.split("/")[0]) for s in source))
        if not tables:
            raise typer.BadParameter(f"choose among {sorted(SOURCES)}", param_hint="--source")
    resolved_date = _load_date(load_date)
    try:
        results = replay_quarantine(settings, resolved_date, tables, _progress)
    except ContractError as error:
        console.print(f"[red]invalid contract[/red]: {error}")
        raise typer.Exit(2) from error
    table = Table(title=f"Reprocessamento da quarentena (carga {resolved_date})")
    for column in ("fonte", "examinados", "carregados", "já no lago", "continuam"):
        table.add_column(column, justify="left" if column == "fonte" else "right")
    for counts in results:
        table.add_row(
            f"{counts.source}/{counts.table}",
            f"{counts.examined:,}",
            f"{counts.loaded:,}",
            f"{counts.duplicates:,}",
            f"{counts.still_quarantined:,}",
        )
    console.print(table)
    if any(counts.loaded for counts in results):
        console.print("the next `alicerce run` builds the loaded records into the marts")


crm_app = typer.Typer(help="The CRM's data API (CVDW).", no_args_is_help=True)
app.add_typer(crm_app, name="crm")


@crm_app.command("pull")
def crm_pull(
    objeto: Annotated[
        list[str] | None,
        typer.Option(help="CRM object (raw table name, e.g. reservas_condicoes); repeatable."),
    ] = None,
    varredura: Annotated[
        bool, typer.Option(help="Full sweep: every row, not the changes since the last pull.")
    ] = False,
    load_date: Annotated[
        str | None, typer.Option(help="Load date of the pulled rows; default today, SP.")
    ] = None,
) -> None:
    """Pull CRM objects into the raw lake (resuming an unfinished pull first), without building
    the warehouse: the next `alicerce run` does. Uses the local sandbox when no tenant is set."""
    from ingestion.crm.load import CrmPullFailed, pull_and_ingest
    from ingestion.crm.objects import OBJECTS, by_table

    settings = get_settings()
    try:
        objects = [by_table(name) for name in objeto] if objeto else list(OBJECTS)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--objeto") from error
    resolved_date = _load_date(load_date)
    failed = []
    for obj in objects:
        try:
            _, report = pull_and_ingest(
                settings,
                obj.table,
                resolved_date,
                _progress,
                sweep=varredura,
            )
        except CrmPullFailed as error:
            console.print(f"[red]{error}[/red]")
            failed.append(obj.table)
            continue
        console.print(
            f"crm/{obj.table}: {report.records_in:,} in = {report.loaded:,} loaded + "
            f"{report.quarantined:,} quarantined + {report.duplicates:,} duplicates"
        )
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/red] (rerun to resume)")
        raise typer.Exit(1)


@crm_app.command("bench")
def crm_bench(
    people: Annotated[int, typer.Option(min=1, help="How many people the demo CRM has.")],
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Scratch data folder (emptied first); default <data>/bench/crm-<N>."),
    ] = None,
) -> None:
    """Measure a full pull of every CRM object from the sandbox (limit lifted) and its load into
    the lake, per object; and what the real limit (20 requests a minute) makes of it."""
    from orchestration.lib.bench_crm import REAL_LIMIT, run_crm_bench

    folder = (data_dir or get_settings().data_dir / "bench" / f"crm-{people}").resolve()
    results = run_crm_bench(people, folder, _bench_progress)
    table = Table(title=f"alicerce crm bench: {people:,} people")
    for column in ("object", "pages", "rows", "pull s", "pages/s", "rows/s", "load s"):
        table.add_column(column, justify="left" if column == "object" else "right")
    for measure in results["objects"]:
        table.add_row(
            measure["table"],
            f"{measure['pages']:,}",
            f"{measure['rows']:,}",
            f"{measure['pull_seconds']:.2f}",
            f"{measure['pages_per_second']:,}",
            f"{measure['rows_per_second']:,}",
            f"{measure['load_seconds']:.2f}",
        )
    Console().print(table)
    console.print(
        f"{results['pages']:,} pages, {results['rows']:,} rows: pulled in "
        f"{results['pull_seconds']:.1f} s, loaded in {results['load_seconds']:.1f} s; peak "
        f"memory {results['peak_mb']:,} MB. Under the real limit ({REAL_LIMIT} requests a "
        f"minute) the same pull takes at least {results['real_limit_hours']:.2f} h."
    )
    (folder / "bench-crm.json").write_text(json.dumps(results, indent=2))
    console.print(f"figures saved in {folder / 'bench-crm.json'}")


@app.command()
def bench(
    events: Annotated[
        int | None, typer.Option(min=100, help="How many portal events to generate (about).")
    ] = None,
    people: Annotated[
        int | None,
        typer.Option(min=1, help="How many people to generate instead (events follow from it)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Scratch data folder (emptied first); default <data>/bench/<size>."),
    ] = None,
) -> None:
    """Measure the pipeline per stage on generated data: a full run, a run with nothing new (the
    fixed cost) and a run after adding 1% new events (DuckDB engine unless ALICERCE_ENGINE).
    Give the size as --events or --people."""
    from orchestration.lib.bench import EVENTS_PER_PERSON, run_bench

    if (events is None) == (people is None):
        raise typer.BadParameter("give exactly one of --events and --people")
    people = people or max(1, round(events / EVENTS_PER_PERSON))
    folder = (data_dir or get_settings().data_dir / "bench" / f"people-{people}").resolve()
    os.environ["ALICERCE_DATA_DIR"] = str(folder)  # what the pipeline's assets will read
    results = run_bench(people, folder, _bench_progress)
    table = Table(title=f"alicerce bench: {results['events_generated']:,} events")
    for column in ("run", "stage", "rows", "seconds", "rows/s", "peak MB"):
        table.add_column(column, justify="left" if column in ("run", "stage") else "right")
    for run in results["runs"]:
        for stage in run["stages"]:
            table.add_row(
                run["label"],
                stage["name"],
                f"{stage['rows']:,}",
                f"{stage['seconds']:.3f}" if stage["seconds"] < 1 else f"{stage['seconds']:.1f}",
                f"{stage['rows_per_second']:,}",
                f"{stage['peak_mb']:,.0f}",
            )
        table.add_row(run["label"], "[bold]whole run[/bold]", "", f"{run['seconds']:.1f}", "", "")
    Console().print(table)
    console.print(
        f"fixed cost (a run with nothing new): {results['fixed_cost_seconds']:.1f} s; "
        f"the +1% run above it: {results['increment_above_fixed_share']:.1%} of the full run; "
        f"peak memory of the process tree: {results['peak_mb']:,} MB"
    )
    (folder / "bench.json").write_text(json.dumps(results, indent=2))
    console.print(f"figures saved in {folder / 'bench.json'}")


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="Port of the Dagster UI.")] = 3000,
) -> None:
    """Dagster's UI with its daemon: the landing sensor, the daily schedule, the checks."""
    settings = get_settings()
    prepare_environment(settings)  # DAGSTER_HOME and its dagster.yaml exist before Dagster starts
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "dev", "-m", "orchestration.definitions", "--port", str(port)]
    console.print(f"Dagster at http://127.0.0.1:{port} (DAGSTER_HOME={settings.dagster_home})")
    os.execv(dagster, command)


protocols_app = typer.Typer(
    help="Survey protocols: link dispatches to the records that triggered them.",
    no_args_is_help=True,
)
app.add_typer(protocols_app, name="protocols")


def _month(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(f"{value}-01").isoformat()
    except ValueError as error:
        raise typer.BadParameter("use YYYY-MM", param_hint=option) from error


@protocols_app.command("backfill")
def protocols_backfill(
    from_month: Annotated[
        str | None,
        typer.Option("--from", help="First dispatch month (YYYY-MM); default the earliest."),
    ] = None,
    to_month: Annotated[
        str | None, typer.Option("--to", help="Last dispatch month (YYYY-MM); default this one.")
    ] = None,
) -> None:
    """Link every dispatch of a range of months to its protocol, in one dbt run over the range
    (as a Dagster backfill of the `protocolos` job does), then publish. Safe to rerun: the
    months are rebuilt whole and come out the same."""
    from ingestion.surveys.dispatches import first_dispatch_month
    from orchestration.defs.dbt.assets import DISPATCH_MONTHS
    from orchestration.lib.pipeline_run import month_of, run_protocols

    settings = get_settings()
    this_month = month_of(today_in_sao_paulo().isoformat())
    first = _month(from_month, "--from") or _month(first_dispatch_month(settings), "--from")
    last = _month(to_month, "--to") or this_month
    if first is None:
        console.print("[yellow]no dispatch in the lake yet[/yellow]: nothing to link")
        return
    earliest = DISPATCH_MONTHS.get_first_partition_key()
    if not earliest <= first <= last <= this_month:
        raise typer.BadParameter(
            f"need {earliest[:7]} <= --from <= --to <= {this_month[:7]}; "
            f"got {first[:7]}..{last[:7]}"
        )
    console.print(f"[bold]alicerce protocols backfill[/bold]: {first[:7]}..{last[:7]}")
    outcome = run_protocols(settings, first, last)
    summary = outcome.summary
    console.print(
        f"dbt: {summary['models_built']} model(s) built; checks: {summary['checks_passed']} "
        f"passed, {summary['checks_failed']} failed"
    )
    for failed in summary["failed_checks"]:
        console.print(f"  [red]check failed[/red]: {failed}")
    status = "[green]success[/green]" if outcome.success else "[red]FAILED[/red]"
    console.print(f"backfill {status} in {outcome.seconds:.1f} s")
    if not outcome.success:
        for failure in outcome.failures:
            console.print(f"[red]{failure}[/red]")
        raise typer.Exit(1)


alcadas_app = typer.Typer(
    help="Alçadas: payment-flow cycles (parâmetro de fluxo).", no_args_is_help=True
)
app.add_typer(alcadas_app, name="alcadas")


@alcadas_app.command("check")
def alcadas_check(
    flow: Annotated[
        Path, typer.Option("--flow", help="The proposal (YAML or JSON): docs/alcadas.md.")
    ],
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="The rules file; default ALICERCE_ALCADA_RULES_FILE."),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="table or json.", case_sensitive=False)
    ] = "table",
) -> None:
    """Judge one payment-flow proposal by the alçada rules, as the warehouse judges every
    reservation: the rule in force, each cycle's required and achieved share, the status."""
    from ingestion.alcadas.flow import FlowError, evaluate, load_proposal
    from ingestion.alcadas.rules import RulesError, load_rules

    if output not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    try:
        judged = evaluate(
            load_rules(rules or get_settings().alcada_rules_file), load_proposal(flow)
        )
    except (RulesError, FlowError) as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    if output == "json":
        typer.echo(json.dumps(judged.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    _print_evaluation(judged)


def _print_evaluation(judged) -> None:
    from dashboards.formatacao import dinheiro_br, percentual_br

    out = Console(width=console.width)
    out.print(f"status: [bold]{judged.status}[/bold]")
    out.print(
        f"regra: {judged.regra or '-'}" + (f" (vigência {judged.vigencia})" if judged.regra else "")
    )
    if judged.motivo:
        out.print(f"motivo: {judged.motivo}")
    if judged.ciclos:
        table = Table(
            "ciclo", "nome", "fim", "exigido", "atingido", "valor exigido", "valor atingido",
            "falta", "atendido",
        )  # fmt: skip
        for c in judged.ciclos:
            table.add_row(
                str(c.ciclo), c.nome, f"{c.fim_mes:%m/%Y}",
                percentual_br(c.percentual_exigido_bp, 10000),
                percentual_br(c.percentual_atingido_bp, 10000),
                dinheiro_br(c.valor_exigido), dinheiro_br(c.valor_atingido), dinheiro_br(c.falta),
                "sim" if c.atendido else "não",
            )  # fmt: skip
        out.print(table)
    failed = judged.primeiro_ciclo_falho
    if failed:
        falta = dinheiro_br(failed.falta)
        out.print(f"primeiro ciclo não atendido: {failed.ciclo} ({failed.nome}), falta {falta}")
    flag = " [yellow](difere do contrato)[/yellow]" if judged.fluxo_difere_do_contrato else ""
    out.print(
        f"total do fluxo: {dinheiro_br(judged.total_fluxo)}; contrato: "
        f"{dinheiro_br(judged.valor_contrato)}{flag}"
    )
    if judged.series_desconhecidas:
        out.print(
            "[yellow]séries desconhecidas (fora das somas)[/yellow]: "
            + ", ".join(judged.series_desconhecidas)
        )


@alcadas_app.command("bench")
def alcadas_bench(
    reservas: Annotated[int, typer.Option(min=1, help="How many reservations to judge.")],
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Scratch data folder (emptied first); default <data>/bench/alcadas-N."),
    ] = None,
) -> None:
    """Measure the alçada models on N reservations (the demo's, copied under new ids): a dbt
    build of those models and their data tests, twice."""
    from orchestration.lib.bench_alcadas import run_alcadas_bench

    folder = (data_dir or get_settings().data_dir / "bench" / f"alcadas-{reservas}").resolve()
    os.environ["ALICERCE_DATA_DIR"] = str(folder)
    results = run_alcadas_bench(reservas, folder, _bench_progress)
    table = Table(title=f"alicerce alcadas bench: {results['reservations']:,} reservations")
    for column in ("run", "seconds", "reservations/s", "peak MB"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for build in results["builds"]:
        table.add_row(
            build["label"], f"{build['seconds']:.1f}", f"{build['reservations_per_second']:,}",
            f"{build['peak_mb']:,}",
        )  # fmt: skip
    Console().print(table)
    console.print(
        f"{results['series']:,} payment series, {results['cycles']:,} judged cycles; status: "
        + ", ".join(f"{status} {count:,}" for status, count in results["status"].items())
    )
    (folder / "bench-alcadas.json").write_text(json.dumps(results, indent=2))
    console.print(f"figures saved in {folder / 'bench-alcadas.json'}")


@alcadas_app.command("verificar")
def alcadas_verificar(
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="The rules file; default ALICERCE_ALCADA_RULES_FILE."),
    ] = None,
) -> None:
    """Validate the alçada rules file and list its rules and cycles."""
    from ingestion.alcadas.rules import RulesError, load_rules

    path = rules or get_settings().alcada_rules_file
    try:
        loaded = load_rules(path)
    except RulesError as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    table = Table("regra", "empreendimento", "tabela", "vigência", "ciclos")
    for rule in loaded.regras:
        cycles = "; ".join(
            f"{c.nome}: {c.percentual}% até {c.fim.meses} meses após {c.fim.apos}"
            for c in rule.ciclos
        )
        table.add_row(
            rule.nome, str(rule.empreendimento or "-"), str(rule.tabela or "-"),
            str(rule.vigencia), cycles,
        )  # fmt: skip
    Console(width=console.width).print(table)
    console.print(f"rules file {path}: {len(loaded.regras)} rules, {len(loaded.series)} series")


app.add_typer(serasa_app, name="serasa")

usuarios_app = typer.Typer(help="Who may log in to the dashboards.", no_args_is_help=True)
app.add_typer(usuarios_app, name="usuarios")


@usuarios_app.command("senha")
def usuarios_senha() -> None:
    """Ask for a password (twice, hidden) and print its bcrypt hash for the users file."""
    import streamlit_authenticator as stauth

    senha = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if len(senha) < 10:
        console.print("[red]error[/red]: use at least 10 characters")
        raise typer.Exit(2)
    if senha != senha.strip():
        # The login form sends what is typed; a space a copy-paste dropped would lock the user out.
        console.print("[red]error[/red]: the password starts or ends with a space")
        raise typer.Exit(2)
    typer.echo(stauth.Hasher.hash(senha))


@usuarios_app.command("verificar")
def usuarios_verificar() -> None:
    """Validate the users file (ALICERCE_USUARIOS_FILE) and list its users."""
    settings = get_settings()
    todos = _check_users_file(settings)
    table = Table("login", "nome", "papel", "escopo", "e-mail", "senha")
    for usuario in todos:
        escopo = (
            f"corretor {usuario.idcorretor}"
            if usuario.idcorretor is not None
            else f"imobiliária {usuario.idimobiliaria}"
            if usuario.idimobiliaria is not None
            else "todos"
        )
        table.add_row(
            usuario.login, usuario.nome, usuario.papel, escopo, usuario.email or "",
            "sim" if usuario.senha_hash else "só OIDC",
        )  # fmt: skip
    Console().print(table)


segmentos_app = typer.Typer(help="Re-engagement segments (YAML).", no_args_is_help=True)
app.add_typer(segmentos_app, name="segmentos")


@segmentos_app.command("verificar")
def segmentos_verificar() -> None:
    """Validate the segments file (ALICERCE_SEGMENTS_FILE) and list its segments."""
    from ingestion.reengajamento.segments import SegmentsError, load_segments

    settings = get_settings()
    try:
        segments = load_segments(settings.segments_file)
    except SegmentsError as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    table = Table("segmento", "descrição", "período", "condições")
    for segment in segments.segmentos:
        joiner = " e " if segment.combinacao == "todas" else " ou "
        conditions = joiner.join(
            f"{c.atributo} {c.operador.value} {c.valor}" for c in segment.condicoes
        )
        table.add_row(segment.nome, segment.descricao, f"{segment.periodo_dias} dias", conditions)
    Console().print(table)
    console.print(f"segments file {settings.segments_file}: {len(segments.segmentos)} segments")


def _uses_demo_passwords(todos) -> bool:
    """Users of the bundled demo file, or of a copy: a public password hash among them."""
    from dashboards.usuarios import carregar

    demo = PROJECT_ROOT / "dashboards" / "usuarios.demo.yaml"
    public = {usuario.senha_hash for usuario in carregar(demo) if usuario.senha_hash}
    return any(usuario.senha_hash in public for usuario in todos)


def _check_users_file(settings):
    """The users file's users; a clear error and exit code 2 when it is invalid."""
    from dashboards.usuarios import ArquivoDeUsuariosInvalido, carregar

    try:
        todos = carregar(settings.usuarios_file)
    except ArquivoDeUsuariosInvalido as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    if _uses_demo_passwords(todos):
        console.print(
            "[yellow]warning[/yellow]: demo users with public passwords (README); "
            "set ALICERCE_USUARIOS_FILE for real use"
        )
    console.print(f"login: {settings.login}, users file {settings.usuarios_file}")
    return todos


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; the pages carry personal data, keep it local.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8501,
    demo_users_on_network: Annotated[
        bool,
        typer.Option(
            "--demo-users-on-network",
            help="Allow the demo users file (public passwords) on a non-local address.",
        ),
    ] = False,
) -> None:
    """Serve the dashboards on the published copy (Streamlit).

    Streamlit reads `.streamlit/secrets.toml` (the OIDC provider) from the folder this runs in.
    """
    settings = get_settings()
    prepare_environment(settings)
    todos = _check_users_file(settings)
    if host not in ("127.0.0.1", "localhost", "::1"):
        if _uses_demo_passwords(todos) and not demo_users_on_network:
            console.print(
                f"[red]error[/red]: the demo users' passwords are public; refusing to serve them "
                f"on {host}. Set ALICERCE_USUARIOS_FILE (docs/access.md), or pass "
                "--demo-users-on-network for a demonstration"
            )
            raise typer.Exit(2)
        console.print(f"[yellow]warning[/yellow]: serving personal data on {host}:{port}")
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboards" / "app.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    console.print(f"dashboards at http://{host}:{port}")
    os.execv(sys.executable, command)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run on the published copy (read-only).")],
    output: Annotated[
        str, typer.Option("--format", help="table, csv or json.", case_sensitive=False)
    ] = "table",
) -> None:
    """Run a read-only query on the published copy of the marts."""
    import duckdb

    from orchestration.lib.publish import current_publication

    if output not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")
    publication = current_publication(get_settings().published_dir)
    if publication is None:
        console.print("[red]No publication yet[/red]: run `alicerce run` first.")
        raise typer.Exit(2)
    with duckdb.connect(str(publication), read_only=True) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as error:
            console.print(f"[red]query failed[/red]: {error}")
            raise typer.Exit(1) from error
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    if output == "json":
        print(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str))
    elif output == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)


if __name__ == "__main__":
    app()
