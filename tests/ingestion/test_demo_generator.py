"""The demo data generator: determinism, Brazilian formats, coherent chains, planted defects.

The checks below re-derive everything from the written files with plain Python (json, zoneinfo,
re), independently of the generator's vectorised code.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from ingestion.demo import DemoSummary, generate_demo_data
from ingestion.demo.catalog import POOLS, without_accents
from ingestion.demo.clock import format_iso_with_offset, local_to_epoch, utc_offset_seconds
from ingestion.demo.cpf import cpf_check_digits, format_cpf

SP = ZoneInfo("America/Sao_Paulo")
UNTIL = date(2026, 11, 27)
TRACKED = {"nome", "rg", "renda_familiar", "celular", "email", "cep", "endereco"}
EVENT_TYPES = {"login", "update_prompt_shown", "update_declined", "update_completed"}
ADDRESS_PARTS = {"logradouro", "numero", "complemento", "bairro", "cidade", "uf"}
PESSOAS_KEYS = [
    "referencia", "referencia_data", "ativo", "idpessoa", "data_cad", "ativo_login", "situacao",
    "documento_tipo", "documento", "nome", "rg", "renda_familiar", "cep", "logradouro", "endereco",
    "numero", "complemento", "bairro", "cidade", "estado", "politicamente_exposta",
]  # fmt: skip
OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


# --- A small reference reader: the contract of docs/sources.md, written plainly. ---


@dataclass
class PortalLoad:
    loaded: list[dict] = field(default_factory=list)
    quarantined: Counter = field(default_factory=Counter)
    duplicates: int = 0
    lines: int = 0
    blank: int = 0
    all_idpessoa: set = field(default_factory=set)


def _reason(line: str) -> tuple[str | None, dict | None]:
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return "invalid_json", None
    if not isinstance(event, dict):
        return "invalid_json", None
    for name in ("event_id", "event_type", "idpessoa", "occurred_at", "channel"):
        if event.get(name) is None:
            return f"missing_field:{name}", event
    if not isinstance(event["idpessoa"], int) or isinstance(event["idpessoa"], bool):
        return "bad_type:idpessoa", event
    if event["event_type"] not in EVENT_TYPES:
        return "unknown_event_type", event
    if not OFFSET.search(event["occurred_at"]):
        return "missing_offset:occurred_at", event
    try:
        datetime.fromisoformat(event["occurred_at"])
    except ValueError:
        return "bad_timestamp:occurred_at", event
    if event["event_type"] != "update_completed":
        return ("changes_not_allowed", event) if "changes" in event else (None, event)
    if not isinstance(event.get("changes"), list):
        return "missing_field:changes", event
    for change in event["changes"]:
        if not isinstance(change, dict) or set(change) != {"campo", "valor_anterior", "valor_novo"}:
            return "bad_change", event
        if change["campo"] not in TRACKED:
            return "unknown_field", event
    return None, event


def read_portal(landing: Path) -> PortalLoad:
    load = PortalLoad()
    seen: dict[str, str] = {}
    for path in sorted((landing / "portal").glob("*.jsonl")):
        for line in path.read_bytes().decode("utf-8").split("\n")[:-1]:
            if not line.strip():
                load.blank += 1
                continue
            load.lines += 1
            reason, event = _reason(line)
            if isinstance(event, dict) and "idpessoa" in event:
                load.all_idpessoa.add(int(event["idpessoa"]))
            if reason:
                load.quarantined[reason] += 1
                continue
            content = json.dumps(event, sort_keys=True, ensure_ascii=False)
            if event["event_id"] in seen:
                if seen[event["event_id"]] == content:
                    load.duplicates += 1
                else:
                    load.quarantined["conflict:event_id"] += 1
                continue
            seen[event["event_id"]] = content
            load.loaded.append(event)
    return load


def read_pages(landing: Path, until: date = UNTIL) -> tuple[list[dict], list[dict]]:
    folder = landing / "crm" / "pessoas" / f"extracao-{until:%Y%m%d}"
    pages = [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("pagina-*.json"))]
    return pages, [row for page in pages for row in page["dados"]]


def instant(occurred_at: str) -> datetime:
    return datetime.fromisoformat(occurred_at).astimezone(UTC)


# --- Normalisation (DESIGN.md, "Registration changes"), to tell formatting from real edits. ---


def normalised(campo: str, value):
    if campo == "endereco":
        return " ".join(compose_address(value).split())
    if campo == "renda_familiar":
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    text = " ".join(str(value or "").split())
    if campo == "email":
        return text.lower()
    if campo in ("celular", "cep"):
        digits = re.sub(r"\D", "", text)
        return digits[2:] if campo == "celular" and len(digits) in (12, 13) else digits
    if campo == "rg":
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return text


def compose_address(parts: dict) -> str:
    city = "/".join(p for p in (parts.get("cidade"), parts.get("uf")) if p)
    pieces = [parts.get(k) for k in ("logradouro", "numero", "complemento", "bairro")] + [city]
    return ", ".join(p for p in pieces if p)


def crm_address(row: dict) -> str:
    return compose_address(
        {
            "logradouro": row["logradouro"] or row["endereco"],
            "numero": row["numero"],
            "complemento": row["complemento"],
            "bairro": row["bairro"],
            "cidade": row["cidade"],
            "uf": row["estado"],
        }
    )


# --- Fixtures ---


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, DemoSummary]:
    landing = tmp_path_factory.mktemp("landing")
    messages: list[str] = []
    summary = generate_demo_data(
        landing, people=1200, seed=7, until=UNTIL, progress=messages.append
    )
    assert messages[-1] == "pessoas 1200/1200"
    return landing, summary


@pytest.fixture(scope="module")
def portal(demo) -> PortalLoad:
    return read_portal(demo[0])


@pytest.fixture(scope="module")
def pessoas(demo) -> dict[int, dict]:
    _, rows = read_pages(demo[0])
    return {row["idpessoa"]: row for row in rows}


def _file_bytes(landing: Path) -> dict[str, bytes]:
    return {str(p.relative_to(landing)): p.read_bytes() for p in landing.rglob("*") if p.is_file()}


# --- Determinism and output layout ---


def test_same_arguments_give_identical_bytes_and_another_seed_differs(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    summary = generate_demo_data(first, people=150, seed=3, until=UNTIL)
    assert generate_demo_data(second, people=150, seed=3, until=UNTIL) == summary
    generate_demo_data(other, people=150, seed=4, until=UNTIL)
    assert _file_bytes(first) == _file_bytes(second)
    assert _file_bytes(first) != _file_bytes(other)
    assert summary.files_written == len(_file_bytes(first))


def test_rerun_replaces_own_files_only(tmp_path):
    foreign = tmp_path / "portal" / "outro-sistema.jsonl"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("{}\n")
    generate_demo_data(tmp_path, people=100, seed=1, until=UNTIL)
    reference = _file_bytes(tmp_path)
    generate_demo_data(tmp_path, people=100, seed=1, until=date(2025, 6, 30))
    assert not list((tmp_path / "portal").glob("eventos-2026-*.jsonl"))  # old months are gone
    generate_demo_data(tmp_path, people=100, seed=1, until=UNTIL)
    after = _file_bytes(tmp_path)
    assert after.pop("crm/pessoas/extracao-20250630/pagina-00001.json")  # another extraction id
    assert after == reference
    assert foreign.read_text() == "{}\n"


def test_defects_are_extra_lines_only(tmp_path):
    clean = generate_demo_data(tmp_path / "clean", people=200, seed=5, until=UNTIL, defects=False)
    dirty = generate_demo_data(tmp_path / "dirty", people=200, seed=5, until=UNTIL)
    assert clean.defects == {} and clean.event_lines == clean.events_loadable
    assert dirty.events_loadable == clean.events_loadable

    def lines(root: Path) -> Counter:
        return Counter(
            line
            for path in (root / "portal").glob("*.jsonl")
            for line in path.read_text("utf-8").splitlines()
            if line
        )

    clean_lines, dirty_lines = lines(tmp_path / "clean"), lines(tmp_path / "dirty")
    assert not clean_lines - dirty_lines
    assert (dirty_lines - clean_lines).total() == dirty.quarantined + dirty.duplicates
    assert _file_bytes(tmp_path / "clean" / "crm") == _file_bytes(tmp_path / "dirty" / "crm")


def test_month_files_and_encoding(demo):
    landing, summary = demo
    files = sorted((landing / "portal").glob("*.jsonl"))
    assert len(files) == summary.event_files
    assert files[0].name == "eventos-2017-01.jsonl"
    assert files[-1].name == "eventos-2026-11.jsonl"
    for path in files:
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert raw.endswith(b"\n")
        month = path.name.removeprefix("eventos-").removesuffix(".jsonl")
        for line in raw.decode("utf-8").splitlines():
            event = json.loads(line) if line.startswith("{") and line.endswith("}") else None
            if event and OFFSET.search(str(event.get("occurred_at"))):
                local = instant(event["occurred_at"]).astimezone(SP)
                # Duplicates may be redelivered in the next month's file.
                assert month in (
                    f"{local:%Y-%m}",
                    f"{(local.replace(day=1) + timedelta(days=32)):%Y-%m}",
                )


def test_catalog_texts_need_no_json_escaping():
    for text in POOLS.all_strings():
        assert not re.search(r'["\\\x00-\x1f]', text), text


# --- CRM pages ---


def test_pages_follow_the_cvdw_envelope(demo, pessoas):
    landing, summary = demo
    pages, rows = read_pages(landing)
    assert len(pages) == summary.pessoas_pages == 3
    for number, page in enumerate(pages, start=1):
        assert list(page) == [
            "pagina",
            "registros",
            "total_de_registros",
            "total_de_paginas",
            "dados",
        ]
        assert page["pagina"] == number
        assert page["registros"] == len(page["dados"]) <= 500
        assert page["total_de_registros"] == 1200 and page["total_de_paginas"] == 3
    assert len(pessoas) == len(rows) == 1200
    for row in rows:
        assert [key for key in row if key != "marketing_pos_venda"] == PESSOAS_KEYS
        assert isinstance(row["idpessoa"], int) and row["referencia"] == str(row["idpessoa"])
        assert all(isinstance(v, str) for k, v in row.items() if k != "idpessoa")
        assert row["ativo"] == "S" and row["documento_tipo"] == "CPF"
        assert row["ativo_login"] in ("S", "N")
        assert row["situacao"] in ("Cliente", "Prospect", "Não cliente")
        assert row.get("marketing_pos_venda", "S") in ("S", "N")
        assert row["politicamente_exposta"] in ("Não", "Sim", "")
        assert re.fullmatch(r"\d+\.\d\d", row["renda_familiar"])
        assert re.fullmatch(r"\d{5}-?\d{3}", row["cep"])
        assert re.fullmatch(r"|[\d.]+-?[\dXx]", row["rg"])
        assert row["logradouro"] or row["endereco"]
        for stamp in (row["data_cad"], row["referencia_data"]):
            parsed = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
            assert date(2015, 1, 1) <= parsed.date() <= UNTIL
        assert row["data_cad"] <= row["referencia_data"]
    assert any("marketing_pos_venda" not in row for row in rows)
    assert any(row["renda_familiar"] == "0.00" for row in rows)
    assert any(not row["logradouro"] and row["endereco"] for row in rows)
    assert any(row["rg"].upper().endswith("X") for row in rows)
    assert any(re.search(r"[ãçéíóúâêô]", row["nome"]) for row in rows)


def _cpf_check_digits(nine: str) -> str:
    digits = [int(c) for c in nine]
    for _ in range(2):
        weights = range(len(digits) + 1, 1, -1)
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        digits.append(0 if remainder < 2 else 11 - remainder)
    return f"{digits[-2]}{digits[-1]}"


def test_every_cpf_is_valid_and_distinct(pessoas):
    documents = [row["documento"] for row in pessoas.values()]
    assert len(set(documents)) == len(documents)
    for document in documents:
        assert re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d{2}", document), document
        digits = re.sub(r"\D", "", document)
        assert len(set(digits)) > 1
        assert digits[9:] == _cpf_check_digits(digits[:9])


def test_cpf_helpers():
    assert cpf_check_digits(np.array([111444777]))[0] == 35  # 111.444.777-35, a known valid CPF
    assert format_cpf(np.array([11144477735])).to_list() == ["111.444.777-35"]


# --- Time ---


def test_sao_paulo_offsets_follow_the_time_zone_database():
    samples = np.array(
        [
            int(datetime(2018, 1, 15, 12, tzinfo=UTC).timestamp()),  # summer time: -02:00
            int(datetime(2018, 7, 15, 12, tzinfo=UTC).timestamp()),  # winter: -03:00
            int(datetime(2018, 11, 4, 3, tzinfo=UTC).timestamp()),  # first second of DST 2018
            int(datetime(2018, 11, 4, 3, tzinfo=UTC).timestamp()) - 1,
            int(datetime(2019, 2, 17, 2, tzinfo=UTC).timestamp()),  # DST ended for good
            int(datetime(2019, 2, 17, 2, tzinfo=UTC).timestamp()) - 1,
            int(datetime(2026, 1, 15, 12, tzinfo=UTC).timestamp()),
        ]
    )
    expected = [
        int(datetime.fromtimestamp(int(t), SP).utcoffset().total_seconds()) for t in samples
    ]
    assert utc_offset_seconds(samples).tolist() == expected == [
        -7200, -10800, -7200, -10800, -10800, -7200, -10800,
    ]  # fmt: skip
    text = format_iso_with_offset(samples[:2], np.array([False, True])).to_list()
    assert text == ["2018-01-15T10:00:00-02:00", "2018-07-15T12:00:00Z"]
    # 23:30 on 2018-02-17 happened twice (DST ended at midnight): the earlier, -02:00, is taken.
    repeated = int(datetime(2018, 2, 17, 23, 30, tzinfo=UTC).timestamp())
    assert local_to_epoch(np.array([repeated]))[0] == repeated + 7200


def test_occurred_at_carries_the_offset_of_that_instant(portal):
    offsets = Counter()
    month_end_evenings = 0
    for event in portal.loaded:
        stamp = event["occurred_at"]
        moment = datetime.fromisoformat(stamp)
        local = moment.astimezone(SP)
        if stamp.endswith("Z"):
            offsets["Z"] += 1
        else:
            assert moment.utcoffset() == local.utcoffset(), stamp
            offsets[stamp[-6:]] += 1
        assert datetime(2017, 1, 1, tzinfo=SP) <= local < datetime(2026, 11, 28, tzinfo=SP)
        tomorrow = local + timedelta(days=1)
        if tomorrow.day == 1 and (local.hour, local.minute) >= (23, 30):
            month_end_evenings += 1
    assert offsets["-03:00"] and offsets["-02:00"] and offsets["Z"]
    assert month_end_evenings
    assert any(
        e["occurred_at"].endswith("-02:00") and e["occurred_at"] < "2018-03" for e in portal.loaded
    )


# --- Input accounting and defects ---


def test_planted_defects_reconcile(demo, portal):
    _, summary = demo
    assert portal.lines == summary.event_lines
    assert portal.blank == summary.blank_lines >= 1
    assert len(portal.loaded) == summary.events_loadable
    assert portal.duplicates == summary.duplicates
    expected = {kind: count for kind, count in summary.defects.items() if kind != "duplicate"}
    assert dict(portal.quarantined) == expected
    assert summary.event_lines == summary.events_loadable + summary.quarantined + summary.duplicates
    assert set(summary.defects) == {
        "invalid_json", "unknown_event_type", "missing_offset:occurred_at", "bad_type:idpessoa",
        "unknown_field", "conflict:event_id", "duplicate",
    }  # fmt: skip
    assert all(count >= 1 for count in summary.defects.values())


def test_at_least_one_defect_of_each_kind_with_few_people(tmp_path):
    summary = generate_demo_data(tmp_path, people=100, seed=11, until=UNTIL)
    assert all(count >= 1 for count in summary.defects.values())
    load = read_portal(tmp_path)
    assert len(load.loaded) == summary.events_loadable
    assert sum(load.quarantined.values()) == summary.quarantined


def test_every_event_person_exists_in_the_pages(portal, pessoas):
    assert portal.all_idpessoa <= set(pessoas)
    assert {e["idpessoa"] for e in portal.loaded} <= {
        i for i, row in pessoas.items() if row["ativo_login"] == "S"
    }


# --- The update funnel and the chains of changes ---


def _changes_in_order(portal: PortalLoad):
    completed = [e for e in portal.loaded if e["event_type"] == "update_completed"]
    completed.sort(key=lambda e: instant(e["occurred_at"]))
    for event in completed:
        for change in event["changes"]:
            yield event, change


def test_each_valor_anterior_is_the_previous_valor_novo(portal):
    last: dict[tuple[int, str], object] = {}
    checked = 0
    for event, change in _changes_in_order(portal):
        key = (event["idpessoa"], change["campo"])
        if key in last:
            assert change["valor_anterior"] == last[key], (key, event["occurred_at"])
            checked += 1
        assert change["valor_anterior"] != change["valor_novo"]
        if change["campo"] == "endereco":
            assert set(change["valor_novo"]) == ADDRESS_PARTS
        last[key] = change["valor_novo"]
    assert checked > 100


def test_crm_rows_hold_the_last_portal_values(portal, pessoas):
    last: dict[tuple[int, str], object] = {}
    last_pessoas_change: dict[int, datetime] = {}
    for event, change in _changes_in_order(portal):
        last[(event["idpessoa"], change["campo"])] = change["valor_novo"]
        if change["campo"] not in ("celular", "email"):
            last_pessoas_change[event["idpessoa"]] = instant(event["occurred_at"])
    for (idpessoa, campo), value in last.items():
        row = pessoas[idpessoa]
        if campo == "endereco":
            assert crm_address(row) == compose_address(value)
        elif campo == "renda_familiar":
            assert Decimal(row[campo]) == normalised(campo, value)
        elif campo in ("nome", "rg", "cep"):
            assert row[campo] == (value or "")
    for idpessoa, moment in last_pessoas_change.items():
        expected = moment.astimezone(SP).strftime("%Y-%m-%d %H:%M:%S")
        assert pessoas[idpessoa]["referencia_data"] == expected


def test_sessions_follow_the_update_funnel(portal):
    by_person = defaultdict(list)
    for event in portal.loaded:
        by_person[event["idpessoa"]].append(event)
    for events in by_person.values():
        events.sort(key=lambda e: instant(e["occurred_at"]))
        previous = None
        for event in events:
            kind = event["event_type"]
            if kind == "update_prompt_shown":
                assert previous == "login"
            if kind in ("update_declined", "update_completed"):
                assert previous == "update_prompt_shown"
            previous = kind


def test_changes_mix_real_edits_formatting_and_confirmations(portal):
    kinds = Counter()
    for _event, change in _changes_in_order(portal):
        campo, before, after = change["campo"], change["valor_anterior"], change["valor_novo"]
        same = normalised(campo, before) == normalised(campo, after)
        kinds[(campo, "formatting" if same else "real")] += 1
        if campo == "nome" and before != after and without_accents(after) == before:
            kinds["accent fix"] += 1  # "Joao" -> "João": a real correction
        if campo == "renda_familiar" and same and normalised(campo, after) == 0:
            kinds["income not informed, spelled anew"] += 1  # "0.00" -> "" or 0 or null
    confirmations = sum(
        1 for e in portal.loaded if e["event_type"] == "update_completed" and not e["changes"]
    )
    assert confirmations > 50
    assert kinds["accent fix"] >= 1
    for campo in TRACKED:
        assert kinds[(campo, "real")] >= 1, campo
        assert kinds[(campo, "formatting")] >= 1, campo
    assert kinds["income not informed, spelled anew"] >= 1


def test_recent_months_have_plenty_of_changes(portal):
    per_month = Counter()
    for event, _change in _changes_in_order(portal):
        per_month[instant(event["occurred_at"]).astimezone(SP).strftime("%Y-%m")] += 1
    assert per_month["2026-11"] >= 30  # mês atual, up to the 27th
    assert per_month["2026-10"] >= 30  # mês anterior
