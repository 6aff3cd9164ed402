"""Demo Serasa data: the requests follow the landing contract, CPFs are valid except the planted
ones, the profiles serve from the sandbox, the legacy archives parse, and all is deterministic."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest

from ingestion.demo import generate_demo_data
from ingestion.demo.serasa import (
    CONTRACTED_CHOICES,
    NOT_CONTRACTED_CHOICE,
    SerasaDemoSummary,
    generate_serasa_demo,
)
from ingestion.serasa.documents import InvalidDocument, parse_document
from ingestion.serasa.legacy import parse_archive
from ingestion.serasa.reports import load_profiles
from ingestion.serasa.requests import FIELDS, ingest_requests
from ingestion.serasa.sandbox import (
    LOGIN_PATH,
    PF_PATH,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SerasaSandboxConfig,
    running_serasa_sandbox,
)

SP = ZoneInfo("America/Sao_Paulo")
UNTIL = date(2026, 11, 27)
PEOPLE = 500


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole demo (500 people) once: data/landing and data/sandbox/{crm,serasa}."""
    root = tmp_path_factory.mktemp("demo")
    generate_demo_data(root / "landing", root / "sandbox" / "crm", people=PEOPLE, until=UNTIL)
    return root


def serasa_again(demo: Path, out: Path) -> SerasaDemoSummary:
    rng = np.random.default_rng(np.random.SeedSequence([42, UNTIL.toordinal(), PEOPLE, 10]))
    return generate_serasa_demo(rng, demo / "sandbox" / "crm", out, out / "serasa", UNTIL)


def requests_of(landing: Path) -> list[tuple[str, dict]]:
    files = sorted((landing / "serasa" / "solicitacoes").glob("solicitacoes-*.jsonl"))
    return [
        (path.name, json.loads(line))
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def crm_ids(demo: Path, table: str, key: str) -> set[int]:
    path = demo / "sandbox" / "crm" / f"{table}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {row[key] for row in rows if isinstance(row.get(key), int)}


def test_requests_follow_the_contract(demo):
    requests = requests_of(demo / "landing")
    assert PEOPLE // 5 <= len(requests) <= PEOPLE // 5 * 1.2
    assert len({request["id"] for _, request in requests}) == len(requests)
    brokers = crm_ids(demo, "corretores", "idcorretor")
    realties = crm_ids(demo, "imobiliarias", "idimobiliaria")
    people = crm_ids(demo, "pessoas", "idpessoa")
    start = datetime.combine(UNTIL - timedelta(days=183), datetime.min.time(), SP)
    end = datetime.combine(UNTIL + timedelta(days=1), datetime.min.time(), SP)
    for name, request in requests:
        assert list(request) == list(FIELDS)
        assert isinstance(request["id"], str) and request["usuario"]
        moment = datetime.fromisoformat(request["solicitado_em"])
        assert re.search(r"[+-]\d\d:\d\d$", request["solicitado_em"])
        assert start <= moment < end
        assert name == f"solicitacoes-{request['solicitado_em'][:7]}.jsonl"
        painel, idusuario = request["painel"], request["idusuario"]
        expected = {"gestor": {None}, "corretor": brokers, "imobiliaria": realties}[painel]
        assert idusuario in expected
        assert request["idpessoa"] is None or request["idpessoa"] in people
        assert request["idpessoa"] is not None or request["documento"]
        assert request["relatorios"] and isinstance(request["forcar"], bool)
        assert set(request["relatorios"]) <= {*CONTRACTED_CHOICES, NOT_CONTRACTED_CHOICE}
    panels = Counter(request["painel"] for _, request in requests)
    assert panels["gestor"] > panels["corretor"] > 0 and panels["imobiliaria"] > 0
    assert any(NOT_CONTRACTED_CHOICE in request["relatorios"] for _, request in requests)


def test_cpfs_are_valid_except_the_planted_ones(demo):
    requests = [request for _, request in requests_of(demo / "landing")]
    invalid, formatted, companies = [], 0, 0
    for request in requests:
        if request["documento"] is None:
            continue
        formatted += "." in request["documento"]
        try:
            document = parse_document(request["documento"])
        except InvalidDocument:
            invalid.append(request)
            continue
        companies += document.tipo_pessoa == "PJ"
    assert invalid and all(request["idpessoa"] is None for request in invalid)
    assert len(invalid) == serasa_again(demo, demo / "again").invalid_documents
    assert formatted > 0 and companies > 0


def test_repeats_and_unknown_documents_are_planted(demo):
    requests = [request for _, request in requests_of(demo / "landing")]
    seen: dict[tuple, datetime] = {}
    repeats = forced = 0
    for request in requests:
        key = (request["idpessoa"], request["documento"], tuple(request["relatorios"]))
        moment = datetime.fromisoformat(request["solicitado_em"])
        if key in seen and moment - seen[key] < timedelta(days=30):
            repeats += 1
            forced += request["forcar"]
        seen[key] = moment
    assert repeats > 0
    profiles = load_profiles(demo / "sandbox" / "serasa" / "perfis.jsonl")
    assert len(profiles) > PEOPLE * 0.9
    assert {p.tipo_pessoa for p in profiles.values()} == {"PF", "PJ"}
    cpfs = {
        re.sub(r"\D", "", json.loads(line)["documento"])
        for line in (demo / "sandbox" / "crm" / "pessoas.jsonl").read_text().splitlines()
    }
    assert cpfs - set(profiles), "some people are unknown to Serasa"


def test_requests_ingest_without_quarantine(demo, settings):
    target = settings.landing_dir / "serasa" / "solicitacoes"
    target.mkdir(parents=True)
    for path in (demo / "landing" / "serasa" / "solicitacoes").iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    report = ingest_requests(settings, "2026-11-27")
    assert report.quarantined == 0
    assert report.loaded == len(requests_of(demo / "landing"))


def test_profiles_are_served_by_the_sandbox(demo):
    requests = [request for _, request in requests_of(demo / "landing")]
    profiles = load_profiles(demo / "sandbox" / "serasa" / "perfis.jsonl")
    digits = [re.sub(r"\D", "", r["documento"]) for r in requests if r["documento"]]
    known = next(d for d in digits if len(d) == 11 and d in profiles)
    config = SerasaSandboxConfig(dataset_dir=demo / "sandbox" / "serasa")
    with running_serasa_sandbox(config) as server, httpx.Client() as http:
        login = http.post(server.url + LOGIN_PATH, auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET))
        token = login.json()["accessToken"]
        response = http.get(
            server.url + PF_PATH,
            params={"reportName": "RELATORIO_BASICO_PF_PME"},
            headers={"Authorization": f"Bearer {token}", "X-Document-Id": known},
        )
        assert response.status_code == 200
        assert response.json()["reports"][0]["registration"]["documentNumber"] == known


def test_legacy_archives_parse(demo):
    folder = demo / "landing" / "serasa" / "legado"
    files = sorted(folder.glob("legado-*.txt"))
    assert files and all(int(path.stem[-4:]) < 2024 for path in files)
    profiles = load_profiles(demo / "sandbox" / "serasa" / "perfis.jsonl")
    answers = []
    for path in files:
        parsed = parse_archive(path.read_bytes())
        assert parsed.all_problems == []
        answers += parsed.answers
    assert PEOPLE * 0.05 < len(answers) < PEOPLE * 0.15
    assert any(len(answer.parts) > 1 for answer in answers)  # continuation (CON ... FIM)
    for answer in answers:
        registration = answer.document["reports"][0]["registration"]
        profile = profiles[registration["documentNumber"]]
        assert registration["consumerName"] == profile.name[: len(registration["consumerName"])]
        queried = answer.document["legacy"]["queriedAt"]
        assert queried < "2024-01-01"


def test_deterministic(demo, tmp_path):
    first = serasa_again(demo, tmp_path / "a")
    second = serasa_again(demo, tmp_path / "b")
    assert first == second
    for relative in (
        Path("serasa/perfis.jsonl"),
        *[p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*")],
    ):
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    # The generator's own call used the same stream: the same requests.
    assert requests_of(tmp_path / "a") == requests_of(demo / "landing")
