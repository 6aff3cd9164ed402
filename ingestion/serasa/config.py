"""Serasa configuration: the contracted packages, the reports a user picks, the keys and who may use
them, the guardrails and the prices (DESIGN.md, "Serasa"; docs/serasa.md, "Configuration").

The file is `ingestion/serasa/serasa.yml`, validated here with one message (in Portuguese, as the
page shows it) per mistake, naming the key, package or report. Secrets are never in it: each key's
client id and secret come from the environment or a secrets file outside git (`credentials`).

At query time: `resolve_key` picks the requester's key, `plan_calls` turns the chosen reports into
calls (refusing what is not contracted), `check_environment` is the environment lock. Each of them
returns a `Refusal` with the reason rather than raising, so the refusal can be recorded."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from ingestion.config_file import load_yaml_model
from ingestion.serasa.documents import InvalidDocument, TipoPessoa, parse_document

DEFAULT_CONFIG = Path(__file__).resolve().parent / "serasa.yml"

Ambiente = Literal["sandbox", "homologacao", "producao"]
Painel = Literal["gestor", "imobiliaria", "corretor"]

REAL_HOSTS: dict[str, str] = {
    "homologacao": "https://uat-api.serasaexperian.com.br",
    "producao": "https://api.serasaexperian.com.br",
}
# The swaggers name sandbox-api as the token host; which credentials it takes is unresolved
# (reference §1.1), so it is locked like homologation: never with production keys.
HOST_ENVIRONMENTS: dict[str, str] = {
    "api.serasaexperian.com.br": "producao",
    "uat-api.serasaexperian.com.br": "homologacao",
    "sandbox-api.serasaexperian.com.br": "homologacao",
}
AMBIENTE_NAMES = {"sandbox": "sandbox", "homologacao": "homologação", "producao": "produção"}
_TARGETS = {"sandbox": "o sandbox", "homologacao": "a homologação", "producao": "a produção"}
MAX_COST_CENTER_DIGITS = 12


class ConfigError(ValueError):
    """The Serasa configuration (or a key's credentials) is missing or invalid; the message says
    where and why, and never contains a secret."""


@dataclass(frozen=True)
class Refusal:
    """A query refused before any call is made; `motivo` is shown to the user and recorded."""

    motivo: str

    def __str__(self) -> str:
        return self.motivo


@dataclass(frozen=True)
class PlannedCall:
    """One call to the Serasa: a reportName, its optionalFeatures and the choices it serves."""

    report_name: str
    optional_features: list[str]
    choices: list[str]


def _serasa_name(value: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", value):
        raise ValueError(
            f"{value!r} não é um nome da Serasa (letras maiúsculas, dígitos e _, "
            "ex.: RELATORIO_BASICO_PF_PME)"
        )
    return value


def _price(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"preço {value} negativo")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"preço {value} com mais de 2 casas decimais")
    return value


def _key_id(value: str) -> str:
    # Lower case, digits and single hyphens: the id maps one-to-one onto its environment variables.
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ValueError(
            f"id {value!r} inválido: use letras minúsculas, dígitos e hífens (ex.: corretor-12)"
        )
    return value


def _cnpj(value: str) -> str:
    try:
        document = parse_document(value)
    except InvalidDocument as problem:
        raise ValueError(str(problem)) from None
    if document.tipo_pessoa != "PJ":
        raise ValueError("deve ser um CNPJ (14 dígitos), não um CPF")
    return document.digits


def _cost_center(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not re.fullmatch(rf"[0-9]{{1,{MAX_COST_CENTER_DIGITS}}}", value):
        raise ValueError(f"{value!r} inválido: até {MAX_COST_CENTER_DIGITS} dígitos")
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} não é uma URL http(s)://host")
    # The token and the CPF travel in headers: only a local sandbox may go without TLS.
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"{value!r}: use https (só um sandbox local pode usar http)")
    return value.rstrip("/")


SerasaName = Annotated[str, AfterValidator(_serasa_name)]
Price = Annotated[Decimal, AfterValidator(_price)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Owner(_Model):
    """Whose a key is: the incorporadora's, a brokerage's or a broker's (by CRM id)."""

    tipo: Literal["incorporadora", "imobiliaria", "corretor"]
    id: int | None = None

    def __str__(self) -> str:
        return self.tipo if self.id is None else f"{self.tipo} {self.id}"


def _owner(value: Any) -> Any:
    if isinstance(value, Owner):
        return value
    if value == "incorporadora":
        return Owner(tipo="incorporadora")
    if isinstance(value, dict) and len(value) == 1:
        [(tipo, id_)] = value.items()
        if tipo in ("imobiliaria", "corretor") and type(id_) is int and id_ > 0:
            return Owner(tipo=tipo, id=id_)
    raise ValueError(
        "deve ser incorporadora, {imobiliaria: <id do CRM>} ou {corretor: <id do CRM>}"
    )


class Key(_Model):
    """A Serasa credential's identity and limits; its secret is never here (see `credentials`)."""

    id: Annotated[str, AfterValidator(_key_id)]
    dono: Annotated[Owner, BeforeValidator(_owner)]
    ambiente: Ambiente  # the environment the credential belongs to (environment lock)
    limite_diario: Annotated[int, Field(ge=1)]  # calls per São Paulo day

    @property
    def env_prefix(self) -> str:
        return "ALICERCE_SERASA_" + self.id.upper().replace("-", "_")


class Package(_Model):
    """A contracted reportName and the optionalFeatures contracted with it."""

    report_name: SerasaName
    tipo_pessoa: TipoPessoa
    optional_features: list[SerasaName] = []


class Target(_Model):
    """What one user-facing choice asks the Serasa for, for one person type."""

    report_name: SerasaName
    optional_features: list[SerasaName] = []


class Sharing(_Model):
    corretor: bool = False
    imobiliaria: bool = False


class Prices(_Model):
    relatorios: dict[SerasaName, Price] = {}
    optional_features: dict[SerasaName, Price] = {}


class SerasaConfig(_Model):
    ambiente: Ambiente
    url: Annotated[str, AfterValidator(_url)] | None = None
    cnpj_incorporadora: Annotated[str, AfterValidator(_cnpj)]
    centro_de_custo: Annotated[str | None, BeforeValidator(_cost_center)] = None
    reuso_dias: Annotated[int, Field(ge=0)] = 30
    concorrencia: Annotated[int, Field(ge=1, le=64)] = 8
    tempo_limite_segundos: Annotated[float, Field(gt=0)] = 30.0
    pacotes: list[Package]
    relatorios: dict[Annotated[str, Field(min_length=1)], dict[TipoPessoa, Target]]
    chaves: list[Key]
    compartilhar_chave_incorporadora: Sharing = Sharing()
    precos: Prices = Prices()

    @model_validator(mode="after")
    def _consistent(self) -> SerasaConfig:
        problems = self._package_problems() + self._key_problems()
        problems += [
            f"relatório {name!r}: sem PF nem PJ" for name, m in self.relatorios.items() if not m
        ]
        if self.url is not None and host_environment(self.url) != self.ambiente:
            problems.append(
                f"url {self.url} é de {AMBIENTE_NAMES[host_environment(self.url)]}, "
                f"mas o ambiente é {AMBIENTE_NAMES[self.ambiente]}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _package_problems(self) -> list[str]:
        problems, seen = [], set()
        for package in self.pacotes:
            if package.report_name in seen:
                problems.append(f"pacote {package.report_name!r}: listado duas vezes")
            seen.add(package.report_name)
            repeated = sorted(
                {f for f in package.optional_features if package.optional_features.count(f) > 1}
            )
            if repeated:
                problems.append(
                    f"pacote {package.report_name!r}: feature repetida: {', '.join(repeated)}"
                )
        return problems

    def _key_problems(self) -> list[str]:
        problems: list[str] = []
        ids: set[str] = set()
        owners: dict[Owner, str] = {}
        for key in self.chaves:
            if key.id in ids:
                problems.append(f"chave {key.id!r}: id repetido")
            ids.add(key.id)
            other = owners.setdefault(key.dono, key.id)
            if other != key.id:
                problems.append(f"chave {key.id!r}: dono {key.dono} já tem a chave {other!r}")
        if Owner(tipo="incorporadora") not in owners:
            problems.append("chaves: falta a chave da incorporadora (dono: incorporadora)")
        return problems

    @property
    def base_url(self) -> str | None:
        """Where the queries go: `url`, else the real host of the environment; None in sandbox
        without `url`, which means the local sandbox server (started for each execution)."""
        return self.url or REAL_HOSTS.get(self.ambiente)

    @property
    def uses_local_sandbox(self) -> bool:
        return self.base_url is None

    def key(self, key_id: str) -> Key:
        found = next((key for key in self.chaves if key.id == key_id), None)
        if found is None:
            raise ConfigError(f"chave {key_id!r} não está na configuração do Serasa")
        return found

    def key_of(self, owner: Owner) -> Key | None:
        return next((key for key in self.chaves if key.dono == owner), None)

    def package(self, report_name: str, tipo_pessoa: str) -> Package | None:
        return next(
            (
                p
                for p in self.pacotes
                if p.report_name == report_name and p.tipo_pessoa == tipo_pessoa
            ),
            None,
        )


def load_config(path: Path = DEFAULT_CONFIG) -> SerasaConfig:
    return load_yaml_model(path, SerasaConfig, ConfigError, "Serasa configuration", _describe)


def host_environment(url: str | None) -> str:
    """Which Serasa a base URL is: producao, homologacao, or sandbox (anything else, e.g. the
    local sandbox server; None is the local sandbox too)."""
    host = (urlsplit(url).hostname or "") if url else ""
    return HOST_ENVIRONMENTS.get(host.lower(), "sandbox")


def resolve_key(config: SerasaConfig, painel: Painel, idusuario: int | None) -> Key | Refusal:
    """The key a query from this panel and user uses: the gestor panel the incorporadora's; a
    corretor or imobiliária their own (by CRM id), else the incorporadora's if it is shared with
    that panel type. A brokerage's key serves its own panel only, never its brokers."""
    incorporadora = config.key_of(Owner(tipo="incorporadora"))
    assert incorporadora is not None  # validated: exactly one
    if painel == "gestor":
        return incorporadora
    if painel not in ("corretor", "imobiliaria"):
        raise ValueError(f"unknown panel {painel!r}")
    if idusuario is not None:
        own = config.key_of(Owner(tipo=painel, id=idusuario))
        if own is not None:
            return own
    if getattr(config.compartilhar_chave_incorporadora, painel):
        return incorporadora
    who, panel = (
        ("O corretor", "do corretor")
        if painel == "corretor"
        else ("A imobiliária", "da imobiliária")
    )
    who += f" {idusuario}" if idusuario is not None else " (sem id do CRM)"
    return Refusal(
        f"{who} não tem chave própria e a chave da incorporadora não é compartilhada com o "
        f"painel {panel}."
    )


def plan_calls(
    config: SerasaConfig, choices: list[str], tipo_pessoa: TipoPessoa
) -> list[PlannedCall] | Refusal:
    """The calls that answer the chosen reports for a person type: choices sharing a reportName
    in one call (features combined). Refused, naming every problem, when a choice is unknown, has
    nothing for this person type, or asks for a report or feature not contracted."""
    if not choices:
        return Refusal("Nenhum relatório escolhido.")
    problems = []
    calls: dict[str, tuple[set[str], list[str]]] = {}
    # Config order, not the user's: the same set of choices always gives the same calls.
    ordered = [name for name in config.relatorios if name in choices]
    known = ", ".join(map(repr, config.relatorios))
    for name in dict.fromkeys(choices):
        if name not in config.relatorios:
            problems.append(f"Relatório desconhecido: {name!r} (disponíveis: {known}).")
    for name in ordered:
        target = config.relatorios[name].get(tipo_pessoa)
        if target is None:
            problems.append(f"{name!r} não está disponível para {tipo_pessoa}.")
            continue
        package = config.package(target.report_name, tipo_pessoa)
        if package is None:
            problems.append(
                f"{name!r} não está contratado: o relatório {target.report_name} não faz parte "
                f"dos pacotes contratados para {tipo_pessoa}."
            )
            continue
        missing = [f for f in target.optional_features if f not in package.optional_features]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            problems.append(
                f"{name!r} não está contratado: a{plural} feature{plural} {', '.join(missing)} "
                f"não faz{'em' if plural else ''} parte do pacote {package.report_name}."
            )
            continue
        features, served = calls.setdefault(target.report_name, (set(), []))
        features.update(target.optional_features)
        served.append(name)
    if problems:
        return Refusal(" ".join(problems))
    return [
        PlannedCall(report_name, sorted(features), served)
        for report_name, (features, served) in sorted(calls.items())
    ]


def check_environment(key: Key, url: str | None) -> Refusal | None:
    """The environment lock: a key only queries the Serasa of its own environment."""
    target = host_environment(url)
    if key.ambiente == target:
        return None
    return Refusal(
        f"A chave {key.id!r} é de {AMBIENTE_NAMES[key.ambiente]} e não pode consultar "
        f"{_TARGETS[target]}."
    )


class Credentials(NamedTuple):
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret='**********')"

    __str__ = __repr__


def credentials(
    key: Key,
    settings_env: Mapping[str, str] = os.environ,
    secrets_file: Path | None = None,
) -> Credentials:
    """The key's client id and secret: from ALICERCE_SERASA_<ID>_CLIENT_ID / _CLIENT_SECRET, else
    from the secrets file (YAML `<key id>: {client_id, client_secret}`, kept outside git)."""
    id_var, secret_var = f"{key.env_prefix}_CLIENT_ID", f"{key.env_prefix}_CLIENT_SECRET"
    client_id, client_secret = settings_env.get(id_var), settings_env.get(secret_var)
    if client_id and client_secret:
        return Credentials(client_id, client_secret)
    from_file = _from_secrets_file(key, secrets_file) if secrets_file else None
    if from_file is not None:
        return from_file
    where = ""
    if secrets_file is not None:
        where = f" ou a entrada {key.id!r} (client_id, client_secret) em {secrets_file}"
    raise ConfigError(f"chave {key.id!r} sem credenciais: defina {id_var} e {secret_var}{where}")


def _from_secrets_file(key: Key, path: Path) -> Credentials | None:
    if not path.exists():
        return None
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as cause:
        raise ConfigError(f"{path}: não foi possível ler o arquivo de segredos: {cause}") from None
    except yaml.YAMLError as cause:
        # The parser's message quotes the offending text, which may be a secret: line only.
        mark = getattr(cause, "problem_mark", None)
        line = f" (linha {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{path}: o arquivo de segredos não é YAML válido{line}") from None
    if content is None:
        return None
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: o arquivo de segredos deve ser um mapa <id da chave>: {{...}}")
    entry = content.get(key.id)
    if entry is None:
        return None
    if not (
        isinstance(entry, dict)
        and set(entry) == {"client_id", "client_secret"}
        and all(isinstance(value, str) and value for value in entry.values())
    ):
        raise ConfigError(
            f"{path}: a entrada {key.id!r} deve ter só client_id e client_secret, ambos texto"
        )
    return Credentials(entry["client_id"], entry["client_secret"])


def price_rows(config: SerasaConfig) -> list[dict]:
    """The prices as rows for the lake table serasa/precos (R$ per billed call)."""
    return [
        {"item_tipo": item_tipo, "item": item, "preco": price}
        for item_tipo, prices in (
            ("relatorio", config.precos.relatorios),
            ("optional_feature", config.precos.optional_features),
        )
        for item, price in sorted(prices.items())
    ]


_MESSAGES = {
    "missing": "campo obrigatório",
    "extra_forbidden": "campo desconhecido",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "int_from_float": "deve ser um número inteiro",
    "float_type": "deve ser um número",
    "float_parsing": "deve ser um número",
    "bool_type": "deve ser true ou false",
    "bool_parsing": "deve ser true ou false",
    "string_type": "deve ser texto (entre aspas)",
    "string_too_short": "não pode ser vazio",
    "list_type": "deve ser uma lista",
    "dict_type": "deve ser um mapa (nome: valor)",
    "model_type": "deve ser um mapa (nome: valor)",
    "model_attributes_type": "deve ser um mapa (nome: valor)",
    "decimal_type": 'deve ser um valor em reais, ex.: "9.80"',
    "decimal_parsing": 'deve ser um valor em reais, ex.: "9.80"',
    "finite_number": "deve ser um número finito",
}


def _message(problem: Any) -> str:
    kind, ctx = problem["type"], problem.get("ctx", {})
    if kind == "literal_error":
        return f"{problem['input']!r} não aceito; use {ctx['expected'].replace(' or ', ' ou ')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than"):
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">"}[kind]
        return f"deve ser {sign} {next(iter(ctx.values()))}"
    return _MESSAGES.get(kind, problem["msg"].removeprefix("Value error, "))


def _describe(error: ValidationError, content: Any) -> str:
    """Each problem named by its key, package or report rather than by list positions."""
    problems = []
    for problem in error.errors():
        loc = [part for part in problem["loc"] if part != "[key]"]
        if not loc and problem["type"] == "value_error":  # from _consistent: already named
            problems.append(_message(problem))
            continue
        where, rest = _item(loc, content)
        field = ".".join(str(part) for part in rest)
        problems.append(f"{where}{': ' + field if field else ''}: {_message(problem)}")
    return "; ".join(problems)


def _item(loc: list, content: Any) -> tuple[str, list]:
    """('chaves', 2, 'ambiente') -> ("chave 'corretor-12'", ['ambiente'])."""
    if len(loc) >= 2 and loc[0] == "relatorios":
        return f"relatório {loc[1]!r}", loc[2:]
    if len(loc) >= 2 and loc[0] in ("chaves", "pacotes") and isinstance(loc[1], int):
        what, field = ("chave", "id") if loc[0] == "chaves" else ("pacote", "report_name")
        try:
            name = content[loc[0]][loc[1]][field]
        except (KeyError, IndexError, TypeError):
            name = None
        label = f"{name!r}" if isinstance(name, str | int) else f"#{loc[1] + 1}"
        return f"{what} {label}", loc[2:]
    if not loc:
        return "arquivo", []
    return str(loc[0]), loc[1:]
