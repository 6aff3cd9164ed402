"""dbt models as Dagster assets, loaded from the manifest built ahead of time (`dbt parse`)."""

import json
import os
from collections.abc import Mapping
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from ingestion.settings import get_settings
from orchestration.lib.environment import DBT_EXECUTABLE, DBT_PROJECT_DIR

ENV_DATA_REFERENCIA = "ALICERCE_DATA_REFERENCIA"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class AlicerceTranslator(DagsterDbtTranslator):
    """The one place that names dbt assets: sources meet the ingestion assets' keys
    (["portal", "eventos"]), models are keyed by schema (["marts", "alteracoes_cadastrais"])."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return f"dbt_{dbt_resource_props['schema']}"


class DbtBuildConfig(dg.Config):
    """`full_refresh` rebuilds every incremental model from the whole lake."""

    full_refresh: bool = False


PROTOCOLS_MODEL = "protocolos_pesquisa"
PROTOCOLS_KEY = dg.AssetKey(["marts", PROTOCOLS_MODEL])
# Survey protocols are partitioned by dispatch month (São Paulo), today's month included.
DISPATCH_MONTHS = dg.MonthlyPartitionsDefinition(
    start_date="2015-01-01", timezone="America/Sao_Paulo", end_offset=1
)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=AlicerceTranslator(),
    exclude=PROTOCOLS_MODEL,
)
def alicerce_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
):
    tags = context.run.tags
    load_date = tags.get("dagster/partition") or tags.get("dagster/asset_partition_range_end")
    yield from _dbt_build(context, dbt, config, load_date)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=AlicerceTranslator(),
    select=PROTOCOLS_MODEL,
    name="protocolos_pesquisa_por_mes",
    partitions_def=DISPATCH_MONTHS,
    # A backfill over many months is one dbt run over the range, not one run per month.
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def protocolos_pesquisa_por_mes(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
):
    """The months of the run's partition range, in one dbt run (the model also takes any month
    holding a dispatch it does not have yet); the reference date is today in São Paulo."""
    first, last = context.partition_key_range
    months = {"protocolos_de": first[:7], "protocolos_ate": last[:7]}
    context.log.info(
        f"linking survey protocols for {months['protocolos_de']}..{months['protocolos_ate']}"
    )
    # Its own target folder: other vars than the pipeline's would void the pipeline's partial parse.
    yield from _dbt_build(
        context, dbt, config, None, ["--vars", json.dumps(months)], target="protocolos"
    )


def _dbt_build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    config: DbtBuildConfig,
    load_date: str | None,
    extra_args: list[str] | None = None,
    target: str = "",
):
    # Unit tests check the SQL, not the data: `make test` runs them; scheduled runs skip them.
    args = ["build", "--exclude-resource-type", "unit_test", *(extra_args or [])]
    if config.full_refresh:
        args.append("--full-refresh")
    # Status marts are computed as of the run's load date (macro data_referencia): the partition,
    # or a backfill's last one; today in São Paulo for a run without one.
    before = os.environ.get(ENV_DATA_REFERENCIA)
    if load_date:
        os.environ[ENV_DATA_REFERENCIA] = load_date
    try:
        yield from dbt.cli(args, context=context, target_path=dbt_target_path(target)).stream()
    finally:  # the process may run other jobs after this one
        os.environ.pop(ENV_DATA_REFERENCIA, None)
        if before is not None:
            os.environ[ENV_DATA_REFERENCIA] = before


def dbt_target_path(purpose: str = "") -> Path:
    """One dbt target folder per data folder, engine (and purpose), kept between runs: dbt's
    partial parse file stays valid there (it records the environment it was parsed with), which
    saves seconds on every run, and the repository's dbt_project/ does not fill with one folder
    per run."""
    settings = get_settings()
    suffix = f"-{purpose}" if purpose else ""
    return settings.data_dir.resolve() / "dbt" / f"target-{settings.engine}{suffix}"


class AlicerceDbtCliResource(DbtCliResource):
    """dagster-dbt learns the dbt version by running `dbt --version` in every run's process
    (5 s of the fixed cost here); our dbt executable is the venv's, so its version is the
    installed dbt-core package's."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))


dbt_resource = AlicerceDbtCliResource(
    project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=str(DBT_EXECUTABLE)
)
