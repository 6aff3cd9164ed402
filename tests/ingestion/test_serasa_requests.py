"""Serasa query requests and legacy archives into the raw lake: validation, quarantine, counts."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow.parquet as pq

from ingestion.serasa.execute import document_hash
from ingestion.serasa.legacy import parse_archive
from ingestion.serasa.legacy_encode import encode_answer, encode_archive
from ingestion.serasa.legacy_ingest import ingest_legacy_archives
from ingestion.serasa.reports import build_report
from ingestion.serasa.requests import ingest_requests
from tests.ingestion.serasa_batch import LOAD_DATE, cpfs, data_settings, request, sandbox_config


def _quarantine(settings, table: str) -> list[dict]:
    files = (settings.quarantine_dir / "serasa" / table).glob("dt=2*/*.parquet")
    return [row for f in sorted(files) for row in pq.read_table(f).to_pylist()]


def _lake(settings, table: str) -> list[dict]:
    files = (settings.raw_dir / "serasa" / table).glob("dt=2*/*.parquet")
    return [row for f in sorted(files) for row in pq.read_table(f).to_pylist()]


def test_request_lines_are_validated_and_counts_reconcile(tmp_path):
    settings = data_settings(tmp_path)
    (doc,) = cpfs(1)
    good = request("ok-1", doc)
    lines = [
        json.dumps(good),
        json.dumps(good),  # exact repeat: duplicate
        json.dumps({**good, "usuario": "outro"}),  # same id, other content: conflict
        "{not json",
        json.dumps({**good, "id": "p1", "painel": "diretor"}),
        json.dumps({**good, "id": "p2", "painel": "corretor", "idusuario": None}),
        json.dumps({**good, "id": "p3", "documento": None, "idpessoa": None}),
        json.dumps({**good, "id": "p4", "relatorios": []}),
        json.dumps({**good, "id": "p5", "relatorios": ["Escore de crédito", 3]}),
        json.dumps({**good, "id": "p6", "solicitado_em": "2026-11-20T10:00:00"}),
        json.dumps({**good, "id": "p7", "idpessoa": "12"}),
        json.dumps({**good, "id": "p8", "documento": None, "idpessoa": 12, "forcar": True}),
        json.dumps(request("c1", None, painel="corretor", idusuario=101, idpessoa=5)),
    ]
    folder = settings.landing_dir / "serasa" / "solicitacoes"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = ingest_requests(settings, LOAD_DATE)

    assert report.reconciles
    meta = report.as_metadata()
    assert (meta["records_in"], meta["loaded"], meta["duplicates"]) == (13, 3, 1)
    reasons = sorted(row["reason"] for row in _quarantine(settings, "solicitacoes"))
    assert reasons == sorted(
        [
            "conflict:id",
            "invalid_json",
            "bad_value:painel",
            "missing_field:idusuario",
            "missing_field:idpessoa_ou_documento",
            "missing_field:relatorios",
            "bad_type:relatorios",
            "missing_offset:solicitado_em",
            "bad_type:idpessoa",
        ]
    )
    loaded = {row["id"]: row for row in _lake(settings, "solicitacoes")}
    assert set(loaded) == {"ok-1", "p8", "c1"}
    assert loaded["p8"]["forcar"] is True and loaded["ok-1"]["forcar"] is False
    assert json.loads(loaded["ok-1"]["relatorios"]) == ["Anotação negativa", "Escore de crédito"]
    assert loaded["c1"]["idusuario"] == 101

    again = ingest_requests(settings, LOAD_DATE)  # the same file: skipped, nothing loaded twice
    assert again.as_metadata()["records_in"] == 0
    assert len(_lake(settings, "solicitacoes")) == 3


def test_legacy_archives_land_beside_the_json_calls_and_bad_lines_are_quarantined(tmp_path):
    settings = data_settings(tmp_path)
    documents = cpfs(3, seed=41)
    profiles = sandbox_config(documents).profiles
    answers = [
        encode_answer(
            build_report(profiles[d], "RELATORIO_BASICO_PF_PME", []),
            queried_at=datetime(2021, 3, 9, 14, 30, 5),
            records_per_part=8,  # several parts per answer
        )
        for d in documents
    ]
    data = encode_archive(answers)
    folder = settings.landing_dir / "serasa" / "legado"
    folder.mkdir(parents=True)
    (folder / "legado-2021.txt").write_bytes(data + b"\nLIXO QUE NAO E UMA RESPOSTA\n")
    (folder / "copia.txt").write_bytes(encode_archive(answers[:1]))  # archived twice

    report = ingest_legacy_archives(settings, LOAD_DATE)

    meta = report.as_metadata()
    assert report.reconciles
    assert (meta["records_in"], meta["loaded"], meta["quarantined"], meta["duplicates"]) == (
        5, 3, 1, 1,
    )  # fmt: skip
    (bad,) = _quarantine(settings, "consultas")
    assert bad["reason"].startswith("legado_ilegivel:")
    rows = sorted(_lake(settings, "consultas"), key=lambda r: r["line_no"])
    assert {r["formato"] for r in rows} == {"legado"}
    assert {r["resultado"] for r in rows} == {"ok"}
    assert [r["consultado_em"] for r in rows] == [datetime(2021, 3, 9, 17, 30, 5)] * 3  # UTC
    parsed = parse_archive(data)
    key = settings.cpf_hash_key.get_secret_value()
    for row, answer, digits in zip(rows, parsed.answers, documents, strict=True):
        assert json.loads(row["documento_normalizado"]) == json.loads(
            json.dumps(answer.document, default=str)
        )
        assert row["resposta"] == answer.text
        assert row["documento_hash"] == document_hash(digits, key)
