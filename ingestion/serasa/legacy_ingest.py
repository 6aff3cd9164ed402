"""Archived legacy answers (landing/serasa/legado/*.txt) into the same lake table as the JSON calls
(serasa/consultas, formato 'legado'), one row per archived query.

A query's id is its content's hash, so the same answer archived twice is a duplicate. A line the
parser cannot read as an answer goes to quarantine with the parser's reason; a malformed record
inside a readable answer is skipped by the parser and named, with its byte offset, in `motivo`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.landing import FileOutcome, PendingFile, ingest_new_files, write_file_outputs
from ingestion.serasa.execute import RAW_SCHEMA, SOURCE, TABLE, document_hash
from ingestion.serasa.legacy import LegacyAnswer, parse_archive
from ingestion.settings import Settings

LANDING_FOLDER = "serasa/legado"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
_BATCH_SCHEMA = pa.schema(
    [("file_no", pa.int64())] + [(f.name, f.type) for f in RAW_SCHEMA if f.name != "source_file"]
)


def ingest_legacy_archives(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    return ingest_new_files(
        settings,
        SOURCE,
        TABLE,
        settings.landing_dir / LANDING_FOLDER,
        "*.txt",
        RAW_SCHEMA,
        _ingest_batch,
        load_date,
        progress,
    )


def _ingest_batch(
    con: duckdb.DuckDBPyConnection, settings: Settings, batch: list[PendingFile], load_date: str
) -> list[FileOutcome]:
    hash_key = settings.cpf_hash_key.get_secret_value()
    answers: list[dict] = []
    unreadable: list[dict] = []
    for pending in batch:
        data = pending.path.read_bytes()
        parsed = parse_archive(data)
        for answer in parsed.answers:
            answers.append(_row(pending.file_no, _line_of(data, answer.offset), answer, hash_key))
        for problem in parsed.problems:
            line_no = _line_of(data, problem.offset)
            unreadable.append(
                {
                    "file_no": pending.file_no,
                    "line_no": line_no,
                    "reason": f"legado_ilegivel:{problem.record}",
                    "content": f"byte {problem.offset}: {problem.message}",
                    "raw": _line_bytes(data, line_no),
                }
            )
    con.register("answers", pa.Table.from_pylist(answers, _BATCH_SCHEMA))
    con.register(
        "unreadable",
        pa.Table.from_pylist(
            unreadable,
            pa.schema(
                [
                    ("file_no", pa.int64()),
                    ("line_no", pa.int64()),
                    ("reason", pa.string()),
                    ("content", pa.string()),
                    ("raw", pa.binary()),
                ]
            ),
        ),
    )
    con.execute("create or replace temp table judged as select * from answers")
    dedup.classify(con, "judged", ["id_consulta"], lake.table_glob(settings.raw_dir, SOURCE, TABLE))
    columns = ", ".join(f.name for f in RAW_SCHEMA if f.name != "source_file")
    outcomes = write_file_outputs(
        con,
        settings,
        SOURCE,
        TABLE,
        load_date,
        batch,
        loaded_sql=f"select file_no, {columns} from classified where outcome = 'loaded'",
        quarantine_sql="""
            select file_no, line_no, reason, content, raw from unreadable
            union all
            select c.file_no, c.line_no, 'conflict:id_consulta', null, null
            from classified as c where outcome = 'conflict'""",
        records_sql="select file_no from answers union all select file_no from unreadable",
    )
    con.unregister("answers")
    con.unregister("unreadable")
    return outcomes


def _row(file_no: int, line_no: int, answer: LegacyAnswer, hash_key: str) -> dict:
    document = answer.document
    report = (document.get("reports") or [{}])[0]
    registration = report.get("registration") or {}
    digits = registration.get("documentNumber") or registration.get("companyDocument")
    legacy = document.get("legacy") or {}
    trailer = legacy.get("trailer") or {}
    failed = trailer.get("code") not in (None, "000") or bool(legacy.get("errors"))
    queried_at = _utc_from_sao_paulo(legacy.get("queriedAt"))
    problems = "; ".join(f"{p.record} no byte {p.offset}: {p.message}" for p in answer.problems)
    content_hash = hashlib.sha256(answer.text.encode("latin-1", "replace")).hexdigest()
    return {
        "file_no": file_no,
        "line_no": line_no,
        "content_hash": content_hash,
        "id_consulta": f"legado-{content_hash[:32]}",
        "id_solicitacao": f"legado-{content_hash[:32]}",
        "formato": "legado",
        "painel": None,
        "usuario": None,
        "idusuario": None,
        "chave": None,
        "idpessoa": None,
        "documento_hash": document_hash(digits, hash_key) if digits else None,
        "tipo_pessoa": "PJ" if "companyDocument" in registration else "PF",
        "relatorios": None,
        "report_name": report.get("reportName"),
        "optional_features": None,
        "resultado": "falha" if failed else "ok",
        "http_status": None,
        "latencia_ms": None,
        "cobrada": None,  # the archives do not say what was billed
        "renovacoes_token": 0,
        "motivo": (trailer.get("message") if failed else None) or (problems or None),
        "solicitado_em": queried_at,
        "consultado_em": queried_at,
        "id_consulta_reutilizada": None,
        "resposta": answer.text,
        "documento_normalizado": json.dumps(document, ensure_ascii=False, default=str),
    }


def _utc_from_sao_paulo(text: str | None) -> datetime | None:
    if not text:
        return None
    local = datetime.fromisoformat(text).replace(tzinfo=SAO_PAULO)
    return local.astimezone(UTC).replace(tzinfo=None)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_bytes(data: bytes, line_no: int) -> bytes:
    lines = data.split(b"\n")
    return lines[line_no - 1] if line_no <= len(lines) else b""
