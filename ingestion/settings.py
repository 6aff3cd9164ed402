"""Where everything lives. One place derives every path from ALICERCE_DATA_DIR."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime settings, read from the environment (prefix ALICERCE_)."""

    model_config = SettingsConfigDict(env_prefix="ALICERCE_", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    # Which engine dbt builds on: the embedded DuckDB, or Spark (dbt-spark, session mode).
    engine: Literal["duckdb", "spark"] = "duckdb"
    # Key for the CPF keyed hash (HMAC-SHA256). The demo default is public: set your own.
    cpf_hash_key: SecretStr = SecretStr("alicerce-demo-key-not-secret")
    # Dashboards login: 'arquivo' checks the users file's bcrypt hashes; 'oidc' uses Streamlit's
    # OpenID Connect login ([auth] in .streamlit/secrets.toml) and the users file for the role.
    login: Literal["arquivo", "oidc"] = "arquivo"
    # Who may log in, with role and CRM broker/brokerage (docs/access.md). The demo's is public.
    usuarios_file: Path = PROJECT_ROOT / "dashboards" / "usuarios.demo.yaml"
    # A session ends this long after its login, whatever the cookie says.
    sessao_horas: float = Field(default=8.0, gt=0)
    # Signs the users-file login's re-login cookie. Unset, a random key per server process
    # (a restart then asks everyone to log in again).
    sessao_chave: SecretStr | None = None
    # Freshness: the longest a source may go without new data, and the publication without a
    # new copy, before its check fails (hours). The daily run is at 03:00 São Paulo.
    max_age_hours: dict[str, float] = {
        "portal/eventos": 26.0,
        "crm/pessoas": 26.0,
        "pesquisas/envios": 26.0,
        "serasa/solicitacoes": 168.0,  # users ask when they need to: a quiet week is normal
        "publicacao": 26.0,
    }
    # The CRM's data API (CVDW). With no base URL, a local sandbox serves the demo CRM
    # (data/sandbox/crm) for the duration of each pull. A real tenant:
    # https://<tenant>.cvcrm.com.br/api/v1/ with ALICERCE_CVDW_EMAIL and ALICERCE_CVDW_TOKEN.
    cvdw_base_url: str | None = None
    cvdw_email: str | None = None
    cvdw_token: SecretStr | None = None
    cvdw_requests_per_minute: int = 20  # the tenant's limit, shared by every object
    cvdw_block_seconds: float = 60.0  # wait after a 429 without Retry-After
    cvdw_timeout_seconds: float = 60.0  # per request (some objects take ~9 s a page)
    cvdw_page_size: int = 500  # registros_por_pagina, at most 500
    cvdw_attempts: int = 6  # per page, on 5xx and network errors (exponential backoff, max 60 s)
    # 'datetime' sends 'YYYY-MM-DD HH:MM:SS'; 'date' sends 'YYYY-MM-DD' (for tenants that refuse
    # a time in the cursor): the whole day is asked again, which covers the overlap.
    cvdw_cursor_granularity: Literal["datetime", "date"] = "datetime"
    # Each incremental pull asks again for changes since the last complete pull's start minus this
    # (clock differences between us and the CRM, rows written while that pull ran).
    cvdw_overlap_minutes: int = 60
    # The local sandbox's limit (relaxed for the demo; the real tenant's is 20 a minute).
    sandbox_requests_per_minute: int = 3000
    # The sandbox CRM's time ('YYYY-MM-DD HH:MM:SS', São Paulo): it shows each row as it was then.
    # Unset, now. Moving it back in time only makes sense with a sweep (the cursor is ours).
    sandbox_clock: str | None = None
    # The portal event contract's extensions (extra event types and fields); see docs/sources.md.
    portal_contract_file: Path = PROJECT_ROOT / "ingestion" / "portal" / "contract.yml"
    # The portal's periodic update campaign, versioned by effective date (docs/sources.md).
    campaign_file: Path = PROJECT_ROOT / "ingestion" / "portal" / "campanha.yml"
    # Re-engagement segments in YAML (docs/sources.md, "Re-engagement segments").
    segments_file: Path = PROJECT_ROOT / "ingestion" / "reengajamento" / "segmentos.yml"
    # Survey triggers: record type, triggering event and window per gatilho (docs/sources.md).
    survey_triggers_file: Path = PROJECT_ROOT / "ingestion" / "surveys" / "gatilhos.yml"
    # Alçada rules: cycles per empreendimento / price table, series periodicity (docs/alcadas.md).
    alcada_rules_file: Path = PROJECT_ROOT / "ingestion" / "alcadas" / "regras.yml"
    # Serasa: packages, report choices, keys and sharing, guardrails, prices (docs/serasa.md).
    serasa_config_file: Path = PROJECT_ROOT / "ingestion" / "serasa" / "serasa.yml"
    # The keys' credentials when not in the environment: YAML {key id: {client_id, client_secret}},
    # kept outside git.
    serasa_secrets_file: Path | None = None
    serasa_backoff_seconds: float = 60.0  # first pause after a 429 without Retry-After (doubles)

    @cached_property
    def crm_sandbox_dir(self) -> Path:
        """The demo CRM's rows, served by the local CVDW sandbox (ingestion/crm/sandbox.py)."""
        return self.data_dir / "sandbox" / "crm"

    @cached_property
    def serasa_sandbox_dir(self) -> Path:
        """The demo credit profiles, served by the local Serasa sandbox (ingestion/serasa)."""
        return self.data_dir / "sandbox" / "serasa"

    @cached_property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @cached_property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"

    @cached_property
    def raw_dir(self) -> Path:
        return self.lake_dir / "raw"

    @cached_property
    def quarantine_dir(self) -> Path:
        return self.lake_dir / "quarantine"

    @cached_property
    def state_db(self) -> Path:
        return self.data_dir / "state" / "alicerce.sqlite"

    @cached_property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse" / "alicerce.duckdb"

    @cached_property
    def spark_dir(self) -> Path:
        """Spark's metastore and warehouse (the dbt `spark` target); marts under marts.db/."""
        return self.data_dir / "spark"

    @cached_property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @cached_property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"


def get_settings() -> Settings:
    return Settings()
