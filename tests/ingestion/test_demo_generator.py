"""The demo data generator: determinism, Brazilian formats, coherent chains, planted defects.

The checks below re-derive everything from the written files with plain Python (json, zoneinfo,
re), independently of the generator's vectorised code: the portal event files, the CRM sandbox
dataset (one JSON Lines file per CRM object, rows as the CVDW API sends them), and the survey
dispatch log.
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
import polars as pl
import pytest

from ingestion.crm.objects import BY_TABLE, OBJECTS, CrmObject
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
    "documento_tipo", "documento", "nome", "sexo", "data_nasc", "renda_familiar", "rg",
    "classificacao", "cep", "logradouro", "endereco", "bairro", "numero", "complemento", "estado",
    "cidade", "politicamente_exposta", "ppe_cargo", "ppe_exercicio", "relacionamento_ppe",
    "relacionamento_ppe_nome", "relacionamento_ppe_parentesco", "relacionamento_ppe_cargo",
    "relacionamento_ppe_exercicio", "relacionamento_ppe_cpf",
]  # fmt: skip
END_OF_UNTIL = f"{UNTIL:%Y-%m-%d} 23:59:59"
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
KNOWN_SERIES = {
    "Ato", "Sinal", "Mensal", "Bimestral", "Trimestral", "Semestral", "Anual", "Chaves",
    "Financiamento", "FGTS", "Subsídio",
}  # fmt: skip
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


def read_object(crm: Path, table: str) -> list[dict]:
    """Every line of an object file, parsed (each must be one JSON object)."""
    text = (crm / f"{table}.jsonl").read_bytes().decode("utf-8")
    assert not text or text.endswith("\n")
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(row, dict) for row in rows)
    return rows


def is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def keyable(obj: CrmObject, row: dict) -> bool:
    """What ingestion can key: a referencia, a referencia_data and an id that is a number."""
    return "referencia" in row and "referencia_data" in row and is_number(row.get(obj.id_field))


def versions(crm: Path, table: str) -> dict[object, list[dict]]:
    """The keyable rows of an object by referencia, oldest version first."""
    obj = BY_TABLE[table]
    by_key: dict[object, list[dict]] = defaultdict(list)
    for row in read_object(crm, table):
        if keyable(obj, row):
            by_key[row["referencia"]].append(row)
    for rows in by_key.values():
        rows.sort(key=lambda row: row["referencia_data"])
    return dict(by_key)


def latest(crm: Path, table: str) -> dict[object, dict]:
    """What the sandbox serves at the end of `until`: the latest version of each row."""
    return {key: rows[-1] for key, rows in versions(crm, table).items()}


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


@dataclass
class Demo:
    landing: Path
    crm: Path
    summary: DemoSummary


def _generate(root: Path, **options) -> DemoSummary:
    return generate_demo_data(root / "landing", root / "crm", until=UNTIL, **options)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    root = tmp_path_factory.mktemp("demo")
    messages: list[str] = []
    summary = _generate(root, people=1200, seed=7, progress=messages.append)
    assert messages[-1] == "pessoas 1200/1200"
    return Demo(root / "landing", root / "crm", summary)


@pytest.fixture(scope="module")
def portal(demo) -> PortalLoad:
    return read_portal(demo.landing)


@pytest.fixture(scope="module")
def pessoas(demo) -> dict[int, dict]:
    """Each person's earliest version: the one the portal left (a panel edit comes later)."""
    return {rows[0]["idpessoa"]: rows[0] for rows in versions(demo.crm, "pessoas").values()}


@pytest.fixture(scope="module")
def crm(demo) -> dict[str, dict[object, dict]]:
    """The latest version of every keyable row, per object."""
    return {obj.table: latest(demo.crm, obj.table) for obj in OBJECTS}


def _file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- Determinism and output layout ---


def test_same_arguments_give_identical_bytes_and_another_seed_differs(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    summary = _generate(first, people=150, seed=3)
    assert _generate(second, people=150, seed=3) == summary
    _generate(other, people=150, seed=4)
    assert _file_bytes(first) == _file_bytes(second)
    assert _file_bytes(first / "crm") != _file_bytes(other / "crm")
    assert _file_bytes(first / "landing") != _file_bytes(other / "landing")
    assert summary.files_written == len(_file_bytes(first))


def test_rerun_replaces_own_files_only(tmp_path):
    foreign = tmp_path / "landing" / "portal" / "outro-sistema.jsonl"
    foreign_crm = tmp_path / "crm" / "notas.txt"
    foreign_dispatches = tmp_path / "landing" / "pesquisas" / "envios-manual.json"
    for path in (foreign, foreign_crm, foreign_dispatches):
        path.parent.mkdir(parents=True)
        path.write_text("{}\n")
    _generate(tmp_path, people=100, seed=1)
    reference = _file_bytes(tmp_path)
    generate_demo_data(
        tmp_path / "landing", tmp_path / "crm", people=100, seed=1, until=date(2025, 6, 30)
    )
    assert not list((tmp_path / "landing" / "portal").glob("eventos-2026-*.jsonl"))
    assert not list((tmp_path / "landing" / "pesquisas").glob("envios-2026-*.jsonl"))
    assert list((tmp_path / "landing" / "pesquisas").glob("envios-2025-*.jsonl"))
    pessoas_2025 = read_object(tmp_path / "crm", "pessoas")
    assert max(row["referencia_data"] for row in pessoas_2025) <= "2025-06-30 23:59:59"
    _generate(tmp_path, people=100, seed=1)
    assert _file_bytes(tmp_path) == reference
    assert foreign.read_text() == foreign_crm.read_text() == "{}\n"
    assert foreign_dispatches.read_text() == "{}\n"


def _lines(folder: Path, pattern: str) -> Counter:
    return Counter(
        line
        for path in folder.glob(pattern)
        for line in path.read_text("utf-8").splitlines()
        if line
    )


def test_defects_are_extra_lines_only(tmp_path):
    clean = _generate(tmp_path / "clean", people=200, seed=5, defects=False)
    dirty = _generate(tmp_path / "dirty", people=200, seed=5)
    assert clean.defects == {} and clean.event_lines == clean.events_loadable
    assert dirty.events_loadable == clean.events_loadable
    assert clean.crm_defects == {}

    clean_lines = _lines(tmp_path / "clean" / "landing" / "portal", "*.jsonl")
    dirty_lines = _lines(tmp_path / "dirty" / "landing" / "portal", "*.jsonl")
    assert not clean_lines - dirty_lines
    assert (dirty_lines - clean_lines).total() == dirty.quarantined + dirty.duplicates
    for obj in OBJECTS:
        clean_rows = _lines(tmp_path / "clean" / "crm", f"{obj.table}.jsonl")
        dirty_rows = _lines(tmp_path / "dirty" / "crm", f"{obj.table}.jsonl")
        assert not clean_rows - dirty_rows, obj.table
        assert (dirty_rows - clean_rows).total() == dirty.crm_defects[obj.table], obj.table
        assert dirty.crm_rows[obj.table] - clean.crm_rows[obj.table] == dirty.crm_defects[obj.table]

    assert clean.dispatch_defects == {} and clean.dispatch_lines == clean.dispatches_loadable
    assert dirty.dispatches_loadable == clean.dispatches_loadable
    clean_dispatches = _lines(tmp_path / "clean" / "landing" / "pesquisas", "*.jsonl")
    dirty_dispatches = _lines(tmp_path / "dirty" / "landing" / "pesquisas", "*.jsonl")
    assert clean_dispatches.total() == clean.dispatch_lines
    assert not clean_dispatches - dirty_dispatches  # every clean line, unchanged
    assert (dirty_dispatches - clean_dispatches).total() == sum(dirty.dispatch_defects.values())
    assert not read_dispatches(tmp_path / "clean" / "landing").quarantined


def test_month_files_and_encoding(demo):
    landing, summary = demo.landing, demo.summary
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


# --- CRM pessoas ---


def test_pessoas_rows(demo, pessoas):
    rows = [row for rows in versions(demo.crm, "pessoas").values() for row in rows]  # every version
    assert len(pessoas) == 1200
    for row in rows:
        assert [key for key in row if key != "marketing_pos_venda"] == PESSOAS_KEYS
        assert isinstance(row["idpessoa"], int) and row["referencia"] == str(row["idpessoa"])
        assert all(isinstance(v, str) for k, v in row.items() if k != "idpessoa")
        assert row["ativo"] in ("S", "N") and row["documento_tipo"] == "CPF"
        assert row["ativo"] == "S" or row["ativo_login"] == "N"
        assert row["sexo"] in ("M", "F")
        assert re.fullmatch(r"|\d{4}-\d\d-\d\d", row["data_nasc"])
        assert row["relacionamento_ppe"] in ("Sim", "Não", "")
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
    assert any(row["ativo"] == "N" for row in rows)
    assert any(row["politicamente_exposta"] == "Sim" and row["ppe_cargo"] for row in rows)
    assert any(row["relacionamento_ppe"] == "Sim" and row["relacionamento_ppe_cpf"] for row in rows)
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
    summary = demo.summary
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
    summary = _generate(tmp_path, people=100, seed=11)
    assert all(count >= 1 for count in summary.defects.values())
    load = read_portal(tmp_path / "landing")
    assert len(load.loaded) == summary.events_loadable
    assert sum(load.quarantined.values()) == summary.quarantined


def test_every_event_person_exists_in_pessoas(portal, pessoas):
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


# --- CRM sandbox dataset: every object ---


def test_every_object_file_exists_parses_and_is_counted(demo):
    summary = demo.summary
    assert set(summary.crm_rows) == set(summary.crm_defects) == {o.table for o in OBJECTS}
    serasa = summary.serasa
    serasa_files = 1 + serasa.request_files + serasa.legacy_files  # profiles, requests, archives
    assert summary.files_written == (
        summary.event_files + len(OBJECTS) + summary.dispatch_files + serasa_files
    )
    for obj in OBJECTS:
        rows = read_object(demo.crm, obj.table)
        assert len(rows) == summary.crm_rows[obj.table] > 0, obj.table
        keyed = [row for row in rows if keyable(obj, row)]
        assert len(rows) - len(keyed) == summary.crm_defects[obj.table] >= 2, obj.table
        assert not any("referencia" in row and "referencia_data" not in row for row in rows)
        fields = set().union(*(set(row) for row in keyed))
        assert set(obj.columns) <= fields, (obj.table, set(obj.columns) - fields)
        for row in rows:
            assert list(row)[:3] == ["referencia", "referencia_data", "ativo"] or (
                "referencia" not in row
            ), obj.table
            assert STAMP.fullmatch(row["referencia_data"]), (obj.table, row)
            assert "2014-01-01" <= row["referencia_data"] <= END_OF_UNTIL, (obj.table, row)
            assert row["ativo"] in ("S", "N")


def test_unkeyable_rows_never_shadow_a_valid_version(demo):
    for obj in OBJECTS:
        rows = read_object(demo.crm, obj.table)
        valid_keys = {row["referencia"] for row in rows if keyable(obj, row)}
        bad = [row for row in rows if "referencia" in row and not keyable(obj, row)]
        assert bad and not {row["referencia"] for row in bad} & valid_keys, obj.table
        assert any("referencia" not in row for row in rows), obj.table


def test_ids_are_unique_and_versions_distinct(demo):
    for obj in OBJECTS:
        ids: dict[object, object] = {}
        for key, rows in versions(demo.crm, obj.table).items():
            stamps = [row["referencia_data"] for row in rows]
            assert len(set(stamps)) == len(stamps), (obj.table, key)
            assert len({str(row[obj.id_field]) for row in rows}) == 1, (obj.table, key)
            ids[key] = rows[0][obj.id_field]
        if obj.table == "pessoas_contatos":
            assert all(key == f"{ids[key]}_{key.split('_')[1]}" for key in ids)
            assert {key.split("_")[1] for key in ids} == {"1", "2"}
        else:
            assert len(set(map(str, ids.values()))) == len(ids), obj.table
            assert all(str(key) == str(value) for key, value in ids.items()), obj.table


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_sales_refer_to_existing_people_units_and_brokers(crm):
    people = {row["idpessoa"]: row for row in crm["pessoas"].values()}
    units = {int(row["idunidade"]): row for row in crm["unidades"].values()}
    brokers = {row["idcorretor"]: row for row in crm["corretores"].values()}
    realties = {row["idimobiliaria"] for row in crm["imobiliarias"].values()}
    reservas = {row["idreserva"]: row for row in crm["reservas"].values()}
    assert len(reservas) > 200
    assert all(
        b["idimobiliaria"] in realties or b["idimobiliaria"] is None for b in brokers.values()
    )
    assert any(b["idimobiliaria"] is None for b in brokers.values())
    for row in reservas.values():
        client = people[row["idcliente"]]
        assert client["ativo"] == "S" and client["data_cad"] < row["data_cad"]
        assert row["documento_cliente"] == _digits(client["documento"])
        assert re.fullmatch(r"\d{11}", row["documento_cliente"])
        unit = units[row["idunidade"]]
        assert unit["idempreendimento"] == row["idempreendimento"]
        assert (unit["nome"], unit["bloco"]) == (row["unidade"], row["bloco"])
        broker = brokers[row["idcorretor"]]
        assert broker["idimobiliaria"] == row["idimobiliaria"]
    sold_units = [r["idunidade"] for r in reservas.values() if r["situacao"] == "Vendida"]
    assert len(sold_units) == len(set(sold_units))
    assert all(units[u]["situacao_mapa_disponibilidade"] == "3 - Vendida" for u in sold_units)


def test_sales_objects_hang_together(crm):
    people = {row["idpessoa"]: row for row in crm["pessoas"].values()}
    reservas = {row["idreserva"]: row for row in crm["reservas"].values()}
    sold = {i for i, r in reservas.items() if r["venda"] == "Sim" and r["aprovada"] == "S"}
    assert {row["idreserva"] for row in crm["vendas"].values()} == sold
    for row in crm["vendas"].values():
        reserva = reservas[row["idreserva"]]
        assert row["idcliente"] == row["idpessoa_cv"] == reserva["idcliente"]
        assert row["valor_contrato"] == reserva["valor_contrato"]
        assert row["data_venda"] == reserva["data_venda"]
    for row in crm["distratos"].values():
        assert reservas[row["idreserva"]]["situacao"] == "Distratada"
        assert row["idreserva"] in sold and row["documento"].isdigit()
    for row in crm["reservas_associados"].values():
        reserva = reservas[row["idreserva"]]
        assert row["idpessoa"] in people and row["idpessoa"] != reserva["idcliente"]
        assert people[row["idpessoa"]]["data_cad"] < reserva["data_cad"]
        assert row["documento"] == people[row["idpessoa"]]["documento"]
    for row in crm["cessoes"].values():
        reserva = reservas[row["idreserva"]]
        assert row["idreserva"] in sold and row["idcedente"] == reserva["idcliente"]
        assert row["idcessionario"] in people and row["idcessionario"] != row["idcedente"]
        assert people[row["idcessionario"]]["data_cad"] < row["referencia_data"]
        assert (reserva["cessao"] == "Sim") == (row["situacao"] == "Concluída")
    for row in crm["repasses"].values():
        reserva = reservas[row["idreserva"]]
        assert row["idreserva"] in sold and row["idcliente"] == reserva["idcliente"]
        assert row["idunidade"] == reserva["idunidade"]
        assert row["parcela"] in ("Sim", "Não")
    assert all(len(crm[table]) for table in ("distratos", "cessoes", "repasses", "vendas"))


def test_precadastros_come_before_their_reservation(crm):
    people = {row["idpessoa"] for row in crm["pessoas"].values()}
    pre = {row["idprecadastro"]: row for row in crm["precadastros"].values()}
    brokers = {row["idcorretor"] for row in crm["corretores"].values()}
    assert all(row["idpessoa"] in people and row["idcorretor"] in brokers for row in pre.values())
    linked = 0
    for reserva in crm["reservas"].values():
        if reserva["idprecadastro"] is None:
            continue
        linked += 1
        row = pre[reserva["idprecadastro"]]
        assert (
            row["idpessoa"] == reserva["idcliente"] and row["idcorretor"] == reserva["idcorretor"]
        )
        assert row["data_cad"] < reserva["data_cad"]
        assert row["idlead"] == reserva["idlead"]
    assert linked and len(pre) > linked  # some never led to a reservation
    assert any("," in row["idlead"] for row in pre.values())
    assert all(re.fullmatch(r"\d+(,\d+)*", row["idlead"]) for row in pre.values())


def test_service_objects_hang_together(crm):
    people = {row["idpessoa"] for row in crm["pessoas"].values()}
    units = {int(row["idunidade"]) for row in crm["unidades"].values()}
    tickets = {row["idatendimento"]: row for row in crm["atendimentos"].values()}
    for row in tickets.values():
        assert row["idcliente"] in people and row["documento_cliente"].isdigit()
        yymmdd = row["data_cad"][2:4] + row["data_cad"][5:7] + row["data_cad"][8:10]
        assert row["protocolo"] == f"{yymmdd}{row['idatendimento']}"
        assert isinstance(row["idprotocolo"], int) and row["idprotocolo"] != row["idatendimento"]
        assert re.fullmatch(r"(\d+(, \d+)*)?", row["idunidade"])
        assert {int(u) for u in row["idunidade"].split(", ") if u} <= units
        linked = [int(i) for i in row["idatendimento_vinculados"].split(", ") if i]
        assert all(tickets[i]["idcliente"] == row["idcliente"] for i in linked)
        assert all(tickets[i]["data_cad"] <= row["data_cad"] for i in linked)
    assert any(", " in row["idatendimento_vinculados"] for row in tickets.values())
    assert any(row["idunidade"] for row in tickets.values())
    repairs = list(crm["assistencias"].values())
    assert any(row["idatendimento"] for row in repairs)
    assert any(row["idatendimento"] is None for row in repairs)
    for row in repairs:
        assert row["idcliente"] in people and row["idunidade"] in units
        if row["idatendimento"] is not None:
            assert tickets[row["idatendimento"]]["idcliente"] == row["idcliente"]
            assert tickets[row["idatendimento"]]["assunto"] == "Assistência técnica"


def test_payment_flows(crm):
    reservas = {row["idreserva"]: row for row in crm["reservas"].values()}
    flows: dict[int, list[dict]] = defaultdict(list)
    for row in crm["reservas_condicoes"].values():
        flows[row["idreserva"]].append(row)
    assert set(flows) == set(reservas)
    exact = inexact = 0
    series = Counter()
    for idreserva, rows in flows.items():
        reserva = reservas[idreserva]
        series.update(row["serie"] for row in rows)
        for row in rows:
            assert row["referencia_data"] == reserva["data_cad"]  # a child keeps its creation
            assert isinstance(row["parcela_quantidade"], int) and row["parcela_quantidade"] >= 1
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["vencimento"])
        if any(not re.fullmatch(r"\d+\.\d\d", row["valor"]) for row in rows):
            continue
        total = sum(Decimal(row["valor"]) * row["parcela_quantidade"] for row in rows)
        if total == Decimal(reserva["valor_contrato"]):
            exact += 1
        else:
            inexact += 1
    assert exact > 0.9 * len(flows) and inexact >= 1
    assert set(series) - KNOWN_SERIES  # an unknown series name, rarely
    assert {"Ato", "Mensal", "Chaves", "Financiamento", "FGTS", "Subsídio"} <= set(series)
    values = [row["valor"] for row in crm["reservas_condicoes"].values()]
    assert "a combinar" in values


def test_first_contact_holds_the_final_registration(demo, portal):
    last: dict[tuple[int, str], str] = {}
    for event, change in _changes_in_order(portal):
        if change["campo"] in ("email", "celular"):
            last[(event["idpessoa"], change["campo"])] = change["valor_novo"]
    contacts = versions(demo.crm, "pessoas_contatos")
    checked = 0
    for (idpessoa, campo), value in last.items():
        rows = contacts[f"{idpessoa}_1"]
        assert rows[0][campo] == value  # the earliest version is what the portal left
        if len(rows) == 1:
            checked += 1
    assert checked > 100
    assert len(contacts) > 1200  # some second contacts


def _tracked(table: str, row: dict) -> dict[str, object]:
    if table == "pessoas_contatos":
        return {campo: normalised(campo, row[campo]) for campo in ("email", "celular")}
    values = {campo: normalised(campo, row[campo]) for campo in ("nome", "rg", "cep")}
    values["renda_familiar"] = normalised("renda_familiar", row["renda_familiar"])
    values["endereco"] = " ".join(crm_address(row).split())
    return values


def test_panel_edits_leave_two_versions(demo, portal):
    last_change: dict[int, str] = {}
    for event, _change in _changes_in_order(portal):
        stamp = instant(event["occurred_at"]).astimezone(SP).strftime("%Y-%m-%d %H:%M:%S")
        last_change[event["idpessoa"]] = stamp
    edited = Counter()
    for table in ("pessoas", "pessoas_contatos"):
        for key, rows in versions(demo.crm, table).items():
            if len(rows) == 1:
                continue
            assert len(rows) == 2 and str(key).split("_")[-1] in ("1", str(key))
            before, after = rows
            changed = [
                campo
                for campo, value in _tracked(table, before).items()
                if _tracked(table, after)[campo] != value
            ]
            assert len(changed) == 1, (key, changed)
            edited[changed[0]] += 1
            assert after["referencia_data"] > last_change.get(after["idpessoa"], "")
            assert after["referencia_data"] <= END_OF_UNTIL
            untracked = {
                k for k in before if k not in ("referencia_data", "logradouro", "endereco")
            }
            differing = {k for k in untracked if before[k] != after[k]}
            assert differing <= {"nome", "rg", "renda_familiar", "cep", "numero", "complemento",
                                 "bairro", "cidade", "estado", "email", "celular"}  # fmt: skip
    assert 15 <= edited.total() <= 60  # about 3% of 1200 people
    assert len(edited) >= 5


def test_format_traps_are_present(crm):
    units = list(crm["unidades"].values())
    assert all(isinstance(row["referencia"], int) for row in units)
    assert all(isinstance(row["idunidade"], str) and row["idunidade"].isdigit() for row in units)
    date_br = re.compile(r"\d\d/\d\d/\d{4}|0000-00-00")
    for field_name in ("data_entrega", "data_entrega_chaves"):
        assert all(date_br.fullmatch(row[field_name]) for row in units)
    assert all(
        row["data_bloqueio"] == "" or date_br.fullmatch(row["data_bloqueio"]) for row in units
    )
    assert any(row["data_bloqueio"] == "0000-00-00" for row in units)
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4}", row["data_bloqueio"]) for row in units)
    reservas = list(crm["reservas"].values())
    money = re.compile(r"\d+\.\d\d")
    assert all(money.fullmatch(row["valor_contrato"]) for row in reservas)
    assert {row["venda"] for row in reservas} == {"Sim", "Não"}
    assert {row["aprovada"] for row in reservas} == {"S", "N"}
    assert {row["cessao"] for row in reservas} == {"Sim", "Não"}
    assert any(row["data_venda"] == "0000-00-00" for row in reservas)
    assert any(row["data_entrega_chaves_contrato_cliente"] == "" for row in reservas)
    assert any("," in row["idlead"] for row in reservas)
    assert {"0", "0.00"} <= {row["renda"] for row in reservas} | {
        row["renda_cliente_principal"] for row in crm["precadastros"].values()
    }
    assert any(row["custo_previsto"] == "a definir" for row in crm["assistencias"].values())
    for row in crm["pesquisas"].values():
        assert {"dataInicio", "dataFim"} <= set(row)
        assert re.fullmatch(r"\d+(,\d+)*", row["ids_perguntas"])
    assert any(row["dataFim"] == "0000-00-00" for row in crm["pesquisas"].values())
    deleted = {
        table for table, rows in crm.items() if any(r["ativo"] == "N" for r in rows.values())
    }
    assert {"pessoas", "pessoas_contatos"} <= deleted and len(deleted) >= 5


def test_crm_generation_without_defects_has_none(tmp_path):
    summary = _generate(tmp_path, people=60, seed=2, defects=False)
    for obj in OBJECTS:
        rows = read_object(tmp_path / "crm", obj.table)
        assert len(rows) == summary.crm_rows[obj.table]
        assert all(keyable(obj, row) for row in rows), obj.table


# --- Survey dispatch log (landing/pesquisas/envios-YYYY-MM.jsonl) ---

DISPATCH_FIELDS = [
    "idenvio", "idpesquisa", "gatilho", "idorigem", "idservico", "idpessoa", "enviado_em",
]  # fmt: skip
# gatilho -> (CRM object, the record's id, its client, its triggering event, window in days), as in
# ingestion/surveys/gatilhos.yml; an event without a time counts from 00:00 São Paulo.
GATILHOS = {
    "precadastro": ("precadastros", "idprecadastro", "idpessoa", "data_cad", 30),
    "reserva": ("reservas", "idreserva", "idcliente", "data_cad", 30),
    "venda": ("vendas", "idreserva", "idcliente", "data_venda", 30),
    "repasse": ("repasses", "idrepasse", "idcliente", "data_cadastro", 60),
    "atendimento": ("atendimentos", "idatendimento", "idcliente", "data_situacao", 15),
    "assistencia_tecnica": ("assistencias", "idassistencia", "idcliente", "data_conclusao", 30),
}
ORIGIN_RELEASE = datetime(2024, 12, 1, tzinfo=SP)  # the CRM records idorigem from 24.12 on


@dataclass
class DispatchLoad:
    loaded: list[dict] = field(default_factory=list)
    quarantined: Counter = field(default_factory=Counter)
    duplicates: int = 0
    lines: int = 0
    files: list[str] = field(default_factory=list)
    month_of: dict[int, str] = field(default_factory=dict)  # file month of each loaded idenvio


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _dispatch_reason(line: str) -> tuple[str | None, dict | None]:
    """The first quarantine reason that applies, in ingestion's order (None: valid)."""
    try:
        dispatch = json.loads(line)
    except json.JSONDecodeError:
        return "invalid_json", None
    if not isinstance(dispatch, dict):
        return "invalid_json", None
    for name in ("idenvio", "idpesquisa", "gatilho", "idpessoa", "enviado_em"):
        if dispatch.get(name) is None:
            return f"missing_field:{name}", dispatch
    for name in ("idenvio", "idpesquisa", "idorigem", "idservico", "idpessoa"):
        if dispatch.get(name) is not None and not _is_integer(dispatch[name]):
            return f"bad_type:{name}", dispatch
    if not OFFSET.search(dispatch["enviado_em"]):
        return "missing_offset:enviado_em", dispatch
    try:
        datetime.fromisoformat(dispatch["enviado_em"])
    except ValueError:
        return "bad_timestamp:enviado_em", dispatch
    return None, dispatch


def read_dispatches(landing: Path) -> DispatchLoad:
    """Files in name order, lines in order: an exact repeat of an idenvio's line is a duplicate,
    another line with that idenvio a conflict (the earliest stays)."""
    load = DispatchLoad()
    seen: dict[int, str] = {}
    for path in sorted((landing / "pesquisas").glob("*.jsonl")):
        load.files.append(path.name)
        text = path.read_bytes().decode("utf-8")
        assert text.endswith("\n")
        for line in text.split("\n")[:-1]:
            assert line.strip()  # no blank lines in the dispatch log
            load.lines += 1
            reason, dispatch = _dispatch_reason(line)
            if reason:
                load.quarantined[reason] += 1
                continue
            if dispatch["idenvio"] in seen:
                if seen[dispatch["idenvio"]] == line:
                    load.duplicates += 1
                else:
                    load.quarantined["conflict:idenvio"] += 1
                continue
            seen[dispatch["idenvio"]] = line
            load.loaded.append(dispatch)
            load.month_of[dispatch["idenvio"]] = path.name[len("envios-") : -len(".jsonl")]
    return load


@pytest.fixture(scope="module")
def dispatch_load(demo) -> DispatchLoad:
    return read_dispatches(demo.landing)


def _crm_instant(value: str) -> datetime | None:
    """A CRM date or timestamp (São Paulo wall clock) as an aware instant; None if unreadable.
    A repeated wall-clock time takes the earlier, daylight offset (fold 0)."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=SP)
        except (TypeError, ValueError):
            continue
    return None


@pytest.fixture(scope="module")
def trigger_records(crm) -> pl.DataFrame:
    """Every record a dispatch can point to: latest version, active, with a readable event."""
    rows = []
    for gatilho, (table, id_field, person_field, event_field, _window) in GATILHOS.items():
        for row in crm[table].values():
            event = _crm_instant(row[event_field])
            if row.get("ativo") != "N" and event is not None:
                rows.append((gatilho, int(row[id_field]), row[person_field], event))
    return pl.DataFrame(
        rows,
        schema={
            "gatilho": pl.String,
            "record": pl.Int64,
            "idpessoa": pl.Int64,
            "event": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


def test_dispatch_lines_follow_the_contract(demo, dispatch_load):
    assert len(dispatch_load.loaded) == demo.summary.dispatches_loadable > 500
    offsets = Counter()
    surveys = {row["idpesquisa"] for row in latest(demo.crm, "pesquisas").values()}
    for dispatch in dispatch_load.loaded:
        assert list(dispatch) == DISPATCH_FIELDS
        assert all(_is_integer(dispatch[k]) for k in ("idenvio", "idpesquisa", "idpessoa"))
        assert all(
            dispatch[k] is None or _is_integer(dispatch[k]) for k in ("idorigem", "idservico")
        )
        assert dispatch["gatilho"] in GATILHOS and dispatch["idpesquisa"] in surveys
        stamp = dispatch["enviado_em"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), stamp
        moment = datetime.fromisoformat(stamp)
        local = moment.astimezone(SP)
        assert moment.utcoffset() == local.utcoffset(), stamp  # São Paulo's, at that instant
        assert local <= datetime(2026, 11, 27, 23, 59, 59, tzinfo=SP)
        assert dispatch_load.month_of[dispatch["idenvio"]] == f"{local:%Y-%m}"
        offsets[stamp[-6:]] += 1
    assert set(offsets) == {"-03:00", "-02:00"}  # the summers before 2019 included
    ids = [dispatch["idenvio"] for dispatch in dispatch_load.loaded]
    assert len(set(ids)) == len(ids)
    assert {d["gatilho"] for d in dispatch_load.loaded} == set(GATILHOS)
    assert any(d["idservico"] is None for d in dispatch_load.loaded)
    assert any(d["idservico"] is not None for d in dispatch_load.loaded)


def test_dispatch_accounting_reconciles(demo, dispatch_load):
    summary = demo.summary
    assert dispatch_load.lines == summary.dispatch_lines
    assert summary.dispatch_lines == summary.dispatches_loadable + sum(
        summary.dispatch_defects.values()
    )
    assert dispatch_load.duplicates == summary.dispatch_defects["duplicate"] >= 1
    expected = {kind: n for kind, n in summary.dispatch_defects.items() if kind != "duplicate"}
    assert dict(dispatch_load.quarantined) == expected
    assert set(expected) == {
        "invalid_json", "missing_field:idpessoa", "missing_offset:enviado_em", "conflict:idenvio",
    }  # fmt: skip
    assert all(count >= 1 for count in expected.values())
    assert len(dispatch_load.files) == summary.dispatch_files
    assert all(re.fullmatch(r"envios-\d{4}-\d\d\.jsonl", name) for name in dispatch_load.files)


def test_conflicts_come_after_their_original(demo, dispatch_load):
    """A conflicting line shares its original's file and comes later in it."""
    conflicts = 0
    for path in sorted((demo.landing / "pesquisas").glob("*.jsonl")):
        first_line: dict[int, str] = {}
        for line in path.read_text("utf-8").splitlines():
            reason, dispatch = _dispatch_reason(line)
            if reason:
                continue
            if dispatch["idenvio"] in first_line and first_line[dispatch["idenvio"]] != line:
                conflicts += 1
            first_line.setdefault(dispatch["idenvio"], line)
    assert conflicts == demo.summary.dispatch_defects["conflict:idenvio"]


def test_idorigem_is_mostly_missing_before_release_24_12(dispatch_load):
    without = Counter()
    total = Counter()
    for dispatch in dispatch_load.loaded:
        after = datetime.fromisoformat(dispatch["enviado_em"]) >= ORIGIN_RELEASE
        total[after] += 1
        without[after] += dispatch["idorigem"] is None
    assert total[True] >= 50 and total[False] >= 50
    assert without[False] / total[False] > 0.6 > 0.2 > without[True] / total[True]
    assert without[True]  # the odd one after the release


def test_dispatches_with_idorigem_follow_their_record_within_the_window(
    dispatch_load, trigger_records
):
    records = {
        (gatilho, record): (idpessoa, event)
        for gatilho, record, idpessoa, event in trigger_records.iter_rows()
    }
    delays = Counter()
    for dispatch in dispatch_load.loaded:
        if dispatch["idorigem"] is None:
            continue
        idpessoa, event = records[(dispatch["gatilho"], dispatch["idorigem"])]
        assert idpessoa == dispatch["idpessoa"]
        delay = datetime.fromisoformat(dispatch["enviado_em"]) - event
        window = timedelta(days=GATILHOS[dispatch["gatilho"]][4])
        assert timedelta(0) <= delay <= window, dispatch
        delays[
            "at the event" if not delay else "at the window's end" if delay == window else ""
        ] += 1
        delays["within 3 days"] += delay <= timedelta(days=3)
    assert delays["at the event"] and delays["at the window's end"]
    assert delays["within 3 days"] > 0.6 * delays.total() / 2


def test_dispatches_without_idorigem_have_one_several_or_no_candidates(
    dispatch_load, trigger_records
):
    """What the protocol backfill relies on: for a dispatch without idorigem, the candidates are
    the same client's records of the gatilho's type whose event lies in the window before it."""
    unlinked = pl.DataFrame(
        [
            (d["idenvio"], d["gatilho"], d["idpessoa"], datetime.fromisoformat(d["enviado_em"]))
            for d in dispatch_load.loaded
            if d["idorigem"] is None
        ],
        schema={
            "idenvio": pl.Int64,
            "gatilho": pl.String,
            "idpessoa": pl.Int64,
            "at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    windows = pl.DataFrame(
        {"gatilho": list(GATILHOS), "days": [spec[4] for spec in GATILHOS.values()]}
    )
    candidates = (
        unlinked.join(windows, on="gatilho")
        .join(trigger_records, on=["gatilho", "idpessoa"], how="left")
        .with_columns(
            inside=(pl.col("event") <= pl.col("at"))
            & (pl.col("event") >= pl.col("at") - pl.duration(days=pl.col("days")))
        )
        .group_by("idenvio")
        .agg(count=pl.col("inside").fill_null(False).sum(), idservico=pl.lit(0))
    )
    counts = Counter(min(count, 2) for count in candidates["count"].to_list())
    assert counts[1] > counts[2] >= 3 and counts[0] >= 3, counts
    servico = {d["idenvio"]: d["idservico"] for d in dispatch_load.loaded}
    orphans = candidates.filter(pl.col("count") == 0)["idenvio"].to_list()
    assert any(servico[i] is None for i in orphans)  # the survey's own id is the last resort
    assert any(servico[i] is not None for i in orphans)
