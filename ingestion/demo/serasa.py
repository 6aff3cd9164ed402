"""Demo Serasa data: credit profiles for the Serasa sandbox, query requests from the panels, and
archived legacy answers.

- `<serasa_dir>/perfis.jsonl`: a credit profile per demo person (only the people with a request
  or a legacy answer past PROFILES_FOR_EVERYONE people), plus a few companies (CNPJ); a few
  requested people are left out, so Serasa does not know them (404).
- `<landing_dir>/serasa/solicitacoes/solicitacoes-YYYY-MM.jsonl`: about one request per 5 people
  (at most MAX_REQUESTS) over the 6 months before `until` (docs/serasa.md, "Requests"), mostly
  from the gestor panel; planted among them: choices not contracted ("Renda estimada"), invalid
  CPFs, repeats within 30 days (reuse, sometimes forced) and documents unknown to Serasa.
- `<landing_dir>/serasa/legado/legado-YYYY.txt`: legacy B49C answers for ~10% of the people (at
  most MAX_LEGACY), queried before 2024, encoded from the profiles as they were on that day.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from ingestion.demo.clock import SAO_PAULO
from ingestion.demo.cpf import format_cnpj
from ingestion.jsonl import json_lines_frame
from ingestion.serasa.legacy_encode import encode_answer, encode_archive
from ingestion.serasa.reports import CreditProfile, build_report, draw_profiles, write_profiles

PROFILES_FILE = "perfis.jsonl"
REQUESTS_FOLDER = "serasa/solicitacoes"  # under landing_dir
LEGACY_FOLDER = "serasa/legado"
CONTRACTED_CHOICES = ("Anotação negativa", "Escore de crédito", "Dados cadastrais")
NOT_CONTRACTED_CHOICE = "Renda estimada"
LEGACY_REPORT = "RELATORIO_BASICO_PF_PME"
LEGACY_START, LEGACY_END = date(2019, 1, 1), date(2023, 12, 31)
PROFILES_FOR_EVERYONE = 5_000  # up to this many people, Serasa knows every one of them
# Bounds for big demos (benchmarks): requests and legacy answers stop growing with the people.
MAX_REQUESTS = MAX_LEGACY = 10_000
REQUEST_MONTHS_DAYS = 182
GESTORES = ("ana.souza", "bruno.lima", "carla.mendes")
COMPANY_NAMES = (
    "CONSTRUTORA HORIZONTE LTDA",
    "MATERIAIS DE CONSTRUCAO ALVORADA LTDA",
    "ELEVADORES NORDESTE SA",
    "PAISAGISMO VERDE VALE ME",
    "ENGENHARIA ESTRUTURAL RECIFE LTDA",
    "ESQUADRIAS DO SOL EIRELI",
)


@dataclass(frozen=True)
class SerasaDemoSummary:
    profiles: int
    companies: int  # PJ profiles among them
    unknown_documents: int  # requested documents Serasa does not know
    requests: int
    request_files: int
    not_contracted: int  # requests naming "Renda estimada"
    invalid_documents: int  # requests with an invalid CPF (planted)
    repeats: int  # same person and choices within 30 days (forced or not)
    legacy_answers: int
    legacy_files: int


@dataclass(frozen=True, slots=True)
class _Person:
    idpessoa: int
    cpf: str  # digits
    formatted: str
    name: str


@dataclass(frozen=True)
class _Requester:
    painel: str
    usuario: str
    idusuario: int | None


def generate_serasa_demo(
    rng: np.random.Generator, crm_dir: Path, landing_dir: Path, serasa_dir: Path, until: date
) -> SerasaDemoSummary:
    """Writes the profiles, the requests and the legacy archives (replacing the previous ones)."""
    people = _read_people(Path(crm_dir) / "pessoas.jsonl")
    requesters = _read_requesters(Path(crm_dir))
    companies = _companies(rng, len(people))

    request_count = min(max(10, len(people) // 5), MAX_REQUESTS, len(people))
    requested = rng.choice(len(people), size=request_count, replace=False)
    legacy_people = np.flatnonzero(rng.random(len(people)) < 0.1)[:MAX_LEGACY]
    with_profile = (
        np.arange(len(people))
        if len(people) <= PROFILES_FOR_EVERYONE
        else np.union1d(requested, legacy_people)
    )
    # A few requested people Serasa does not know.
    unknown = set(requested[rng.random(len(requested)) < 0.02].tolist())
    documents = [
        (people[i].cpf, "PF", people[i].name) for i in with_profile.tolist() if i not in unknown
    ] + [(cnpj, "PJ", name) for cnpj, name in companies]
    profiles = draw_profiles(rng, documents, as_of=until)
    write_profiles(Path(serasa_dir) / PROFILES_FILE, profiles)

    requests, counts = _requests(rng, people, requested, companies, requesters, until)
    request_files = _write_requests(Path(landing_dir) / REQUESTS_FOLDER, requests)

    by_document = {profile.document: profile for profile in profiles}
    legacy = [
        by_document[people[i].cpf] for i in legacy_people.tolist() if people[i].cpf in by_document
    ]
    legacy_files = _write_legacy(rng, Path(landing_dir) / LEGACY_FOLDER, legacy)
    return SerasaDemoSummary(
        profiles=len(profiles),
        companies=len(companies),
        unknown_documents=len(unknown),
        requests=len(requests),
        request_files=request_files,
        not_contracted=counts["not_contracted"],
        invalid_documents=counts["invalid"],
        repeats=counts["repeats"],
        legacy_answers=len(legacy),
        legacy_files=legacy_files,
    )


# --- the CRM's people and users ---------------------------------------------------------------


def _latest_rows(path: Path, key: str, columns: tuple[str, ...]) -> list[dict]:
    """The latest version of each row with an integer `key` (only `columns`), in key order; defect
    lines, which the CRM load quarantines, are skipped."""
    if not path.exists() or not path.read_bytes().strip():
        return []
    lines = json_lines_frame(path)
    line = pl.col("line")
    rows = (
        lines.select(
            line.str.json_path_match(f"$.{key}").alias(key),
            line.str.json_path_match("$.referencia_data").alias("referencia_data"),
            *[line.str.json_path_match(f"$.{name}").alias(name) for name in columns],
        )
        .filter(pl.col(key).str.contains(r"^\d+$"))
        .with_columns(pl.col(key).cast(pl.Int64))
        .sort("referencia_data", nulls_last=False, maintain_order=True)
        .unique(key, keep="last", maintain_order=True)
        .sort(key)
    )
    return rows.to_dicts()


def _read_people(path: Path) -> list[_Person]:
    people = []
    for row in _latest_rows(path, "idpessoa", ("documento", "nome")):
        formatted = row["documento"] or ""
        digits = re.sub(r"\D", "", formatted)
        if len(digits) == 11 and row["nome"]:
            people.append(_Person(row["idpessoa"], digits, formatted, row["nome"]))
    if not people:
        raise ValueError(f"no people with a CPF in {path}")
    return people


def _read_requesters(crm_dir: Path) -> dict[str, list[_Requester]]:
    brokers = [
        _Requester("corretor", row["email"] or f"corretor{row['idcorretor']}", row["idcorretor"])
        for row in _latest_rows(crm_dir / "corretores.jsonl", "idcorretor", ("email", "ativo"))
        if row["ativo"] == "S"
    ]
    realties = [
        _Requester(
            "imobiliaria",
            f"gerencia.{(row['sigla'] or str(row['idimobiliaria'])).lower()}",
            row["idimobiliaria"],
        )
        for row in _latest_rows(crm_dir / "imobiliarias.jsonl", "idimobiliaria", ("sigla",))
    ]
    return {
        "gestor": [_Requester("gestor", login, None) for login in GESTORES],
        "corretor": brokers,
        "imobiliaria": realties,
    }


def _companies(rng: np.random.Generator, people: int) -> list[tuple[str, str]]:
    """A few suppliers and partners (CNPJ digits, name) the gestor looks up."""
    count = min(len(COMPANY_NAMES), max(3, people // 100))
    bases = 20_000_000 + rng.choice(70_000_000, size=count, replace=False)
    cnpjs = [re.sub(r"\D", "", text) for text in format_cnpj(bases).to_list()]
    return list(zip(cnpjs, COMPANY_NAMES[:count], strict=True))


# --- requests -----------------------------------------------------------------------------------


def _invalid_cpf(formatted: str) -> str:
    """The same CPF with its last check digit wrong."""
    last = int(formatted[-1])
    return formatted[:-1] + str((last + 1) % 10)


def _choices(rng: np.random.Generator) -> list[str]:
    picked = [choice for choice in CONTRACTED_CHOICES if rng.random() < 0.5]
    return picked or [CONTRACTED_CHOICES[int(rng.integers(len(CONTRACTED_CHOICES)))]]


def _requests(
    rng: np.random.Generator,
    people: list[_Person],
    requested: np.ndarray,
    companies: list[tuple[str, str]],
    requesters: dict[str, list[_Requester]],
    until: date,
) -> tuple[list[dict], dict[str, int]]:
    first_day = until - timedelta(days=REQUEST_MONTHS_DAYS)
    end = datetime.combine(until + timedelta(days=1), time(0), SAO_PAULO)
    counts = {"not_contracted": 0, "invalid": 0, "repeats": 0}
    requests = []
    for index in requested.tolist():
        person = people[index]
        roll = rng.random()
        painel = "gestor" if roll < 0.7 else "corretor" if roll < 0.9 else "imobiliaria"
        pool = requesters[painel] or requesters["gestor"]
        requester = pool[int(rng.integers(len(pool)))]
        idpessoa: int | None = person.idpessoa
        documento: str | None = person.formatted if rng.random() < 0.5 else person.cpf
        roll = rng.random()
        if roll < 0.02:
            documento, idpessoa = _invalid_cpf(person.formatted), None
            counts["invalid"] += 1
        elif roll < 0.07:
            documento = None  # the executor takes the CPF from the CRM person
        elif roll < 0.10 and painel == "gestor":
            documento, idpessoa = companies[int(rng.integers(len(companies)))][0], None
        relatorios = _choices(rng)
        if rng.random() < 0.03:
            relatorios.append(NOT_CONTRACTED_CHOICE)
            counts["not_contracted"] += 1
        day = first_day + timedelta(days=int(rng.integers(REQUEST_MONTHS_DAYS + 1)))
        # Working hours, 08:00 to 20:00 São Paulo.
        moment = datetime.combine(day, time(8), SAO_PAULO) + timedelta(
            seconds=int(rng.integers(12 * 3600))
        )
        request = {
            "id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
            "painel": requester.painel,
            "usuario": requester.usuario,
            "idusuario": requester.idusuario,
            "idpessoa": idpessoa,
            "documento": documento,
            "relatorios": relatorios,
            "forcar": False,
            "solicitado_em": moment,
        }
        requests.append(request)
        if rng.random() < 0.06:  # asked again within 30 days (reuse, or forced)
            again = moment + timedelta(days=int(rng.integers(1, 30)), minutes=7)
            if again < end:
                requests.append(
                    request
                    | {
                        "id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                        "forcar": bool(rng.random() < 0.3),
                        "solicitado_em": again,
                    }
                )
                counts["repeats"] += 1
    requests.sort(key=lambda request: (request["solicitado_em"], request["id"]))
    for request in requests:
        request["solicitado_em"] = request["solicitado_em"].isoformat(timespec="seconds")
    return requests, counts


def _write_requests(folder: Path, requests: list[dict]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("solicitacoes-*.jsonl"):
        old.unlink()
    by_month: dict[str, list[str]] = {}
    for request in requests:
        month = request["solicitado_em"][:7]
        by_month.setdefault(month, []).append(json.dumps(request, ensure_ascii=False))
    for month, lines in by_month.items():
        (folder / f"solicitacoes-{month}.jsonl").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return len(by_month)


# --- legacy archives ----------------------------------------------------------------------------


def _write_legacy(rng: np.random.Generator, folder: Path, legacy: list[CreditProfile]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("legado-*.txt"):
        old.unlink()
    days = (LEGACY_END - LEGACY_START).days + 1
    dated = []
    for profile in legacy:
        day = LEGACY_START + timedelta(days=int(rng.integers(days)))
        # São Paulo wall time, office hours, as the protocol's DATA/HORA CONSUL.
        moment = datetime.combine(day, time(8)) + timedelta(seconds=int(rng.integers(10 * 3600)))
        # Some answers are cut in several parts (CON ... FIM), as long answers were.
        per_part = 31 if rng.random() < 0.8 else 6
        dated.append((moment, profile, per_part))
    dated.sort(key=lambda item: (item[0], item[1].document))
    by_year: dict[int, list[list[str]]] = {}
    for moment, profile, per_part in dated:
        document = build_report(profile.as_of(moment.date()), LEGACY_REPORT, [])
        parts = encode_answer(document, queried_at=moment, records_per_part=per_part)
        by_year.setdefault(moment.year, []).append(parts)
    for year, answers in by_year.items():
        (folder / f"legado-{year}.txt").write_bytes(encode_archive(answers))
    return len(by_year)
