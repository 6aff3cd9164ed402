"""`alicerce serasa ...`: the configuration, the legacy parser, unknown calls and the bench."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingestion.settings import get_settings

serasa_app = typer.Typer(help="Serasa credit queries (docs/serasa.md).", no_args_is_help=True)
console = Console(stderr=True)


@serasa_app.command("verificar")
def serasa_verificar(
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="The configuration; default ALICERCE_SERASA_CONFIG_FILE."),
    ] = None,
) -> None:
    """Validate the Serasa configuration and list its reports and keys."""
    from ingestion.serasa.config import ConfigError, Refusal, load_config, plan_calls

    path = config_file or get_settings().serasa_config_file
    try:
        config = load_config(path)
    except ConfigError as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    reports = Table("relatório", "tipo", "report_name", "optional_features", "contratado")
    for choice, targets in config.relatorios.items():
        for tipo, target in targets.items():
            contracted = plan_calls(config, [choice], tipo)
            reports.add_row(
                choice, tipo, target.report_name, ",".join(target.optional_features) or "-",
                "sim" if not isinstance(contracted, Refusal) else f"não: {contracted.motivo}",
            )  # fmt: skip
    keys = Table("chave", "dono", "ambiente", "limite diário")
    for key in config.chaves:
        keys.add_row(key.id, str(key.dono), key.ambiente, str(key.limite_diario or "-"))
    Console(width=max(console.width, 120)).print(reports, keys)
    console.print(f"{path}: ambiente {config.ambiente}, {len(config.chaves)} chave(s)")


@serasa_app.command("parse-legacy")
def serasa_parse_legacy(
    file: Annotated[Path, typer.Argument(help="An archive of legacy answers (ISO-8859-1).")],
) -> None:
    """Print the normalised records of a legacy archive as JSON (one answer per line); the
    malformed records are reported on stderr with their byte offsets."""
    from ingestion.serasa.legacy import parse_archive

    if not file.is_file():
        console.print(f"[red]error[/red]: {escape(str(file))} is not a file")
        raise typer.Exit(2)
    parsed = parse_archive(file.read_bytes())
    for answer in parsed.answers:
        sys.stdout.write(json.dumps(answer.document, ensure_ascii=False, default=str) + "\n")
        for problem in answer.problems:
            console.print(f"[yellow]byte {problem.offset}[/yellow] {problem.record}: "
                          f"{escape(problem.message)}")  # fmt: skip
    for problem in parsed.problems:
        console.print(
            f"[red]byte {problem.offset}[/red] {problem.record}: {escape(problem.message)}"
        )
    skipped = sum(len(a.problems) for a in parsed.answers)
    console.print(
        f"{file}: {len(parsed.answers)} answer(s), {skipped} record(s) skipped, "
        f"{len(parsed.problems)} unreadable part(s)"
    )


@serasa_app.command("desconhecidas")
def serasa_desconhecidas() -> None:
    """List the calls whose outcome is unknown (they may have been billed) awaiting a decision."""
    from ingestion.serasa.ledger import unknown_calls

    rows = unknown_calls(get_settings().state_db)
    table = Table("id", "painel", "usuário", "chave", "relatório", "HTTP", "motivo", "em")
    for row in rows:
        table.add_row(*(escape(str(v)) if v is not None else "-" for v in row))
    Console(width=max(console.width, 120)).print(table)
    console.print(
        f"{len(rows)} consulta(s) desconhecida(s); "
        "reenviar uma: alicerce serasa reenviar ID --por LOGIN"
    )


@serasa_app.command("reenviar")
def serasa_reenviar(
    id_consulta: Annotated[str, typer.Argument(help="The unknown call's id.")],
    por: Annotated[str, typer.Option("--por", help="Who decides (recorded in the ledger).")],
) -> None:
    """Resend an unknown call, on a user's explicit decision: it runs, as a new call, in the next
    execution (`alicerce run`); the old one stays, since it may have been billed."""
    from contextlib import closing

    from ingestion.serasa.ledger import Ledger

    with closing(Ledger(get_settings().state_db)) as ledger:
        try:
            new_id = ledger.resend(id_consulta, por)
        except (LookupError, ValueError) as error:
            console.print(f"[red]error[/red]: {escape(str(error))}")
            raise typer.Exit(2) from None
    console.print(f"{id_consulta}: reenvio registrado como {new_id} (por {por}); "
                  "sai na próxima execução")  # fmt: skip


@serasa_app.command("bench")
def serasa_bench(
    queries: Annotated[int, typer.Option(min=1, help="Queries in the batch.")] = 2000,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Simultaneous calls.")] = 8,
    latency: Annotated[
        float, typer.Option(min=0, help="The sandbox's answer time in seconds (the real API's).")
    ] = 0.2,
    expiries: Annotated[int, typer.Option(min=0, help="Token expiries forced mid-batch.")] = 2,
    legacy_answers: Annotated[
        int, typer.Option(min=1, help="Legacy answers in the generated archive.")
    ] = 2000,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Scratch data folder (emptied first, if the bench made it); "
            "default <data>/bench/serasa."
        ),
    ] = None,
) -> None:
    """Measure a batch of queries through the ledger against the local sandbox (queries/s at the
    chosen concurrency, logins across forced token expiries) and the legacy parser (MB/s)."""
    from orchestration.lib.bench_serasa import run_serasa_bench

    folder = (data_dir or get_settings().data_dir / "bench" / "serasa").resolve()
    try:
        results = run_serasa_bench(
            queries, concurrency, latency, expiries, legacy_answers, folder,
            lambda message: console.print(f"[bold]bench[/bold]: {escape(message)}"),
        )  # fmt: skip
    except ValueError as error:
        console.print(f"[red]error[/red]: {escape(str(error))}")
        raise typer.Exit(2) from None
    table = Table("figure", "value", title=f"alicerce serasa bench: {queries:,} queries")
    for name, value in results.items():
        table.add_row(name, escape(str(value)))
    Console().print(table)
    console.print(f"figures saved in {folder / 'bench-serasa.json'}")
