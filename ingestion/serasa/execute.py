"""Execute the pending Serasa requests through the ledger, then write the settled calls to the lake.

One execution: calls a dead process left 'enviando' become desconhecido; each new request in the
raw lake is planned into calls (refused, reused or pending, per docs/serasa.md); the pending calls
are sent, at most `concorrencia` at a time per key, each written to the ledger before it goes out
and after it is answered; the settled calls are appended to the lake (serasa/consultas).

With the configuration's environment 'sandbox' and no URL, the calls go to the local sandbox,
started for the batch and serving data/sandbox/serasa.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion import lake
from ingestion.serasa import requests
from ingestion.serasa.client import BatchPause, NotSent, Outcome, ReportQuery, SerasaClient
from ingestion.serasa.config import (
    ConfigError,
    Key,
    Refusal,
    SerasaConfig,
    check_environment,
    credentials,
    plan_calls,
    resolve_key,
)
from ingestion.serasa.documents import InvalidDocument, parse_document
from ingestion.serasa.ledger import Call, Ledger, Planned
from ingestion.settings import Settings

SOURCE, TABLE = "serasa", "consultas"
SANDBOX_SECRET = "sandbox-secret"  # the local sandbox's demo credential, not a secret
PROGRESS_EVERY = 100

RAW_SCHEMA = pa.schema(
    [
        ("id_consulta", pa.string()),
        ("id_solicitacao", pa.string()),
        ("formato", pa.string()),
        ("painel", pa.string()),
        ("usuario", pa.string()),
        ("idusuario", pa.int64()),
        ("chave", pa.string()),
        ("idpessoa", pa.int64()),
        ("documento_hash", pa.string()),
        ("tipo_pessoa", pa.string()),
        ("relatorios", pa.string()),
        ("report_name", pa.string()),
        ("optional_features", pa.string()),
        ("resultado", pa.string()),
        ("http_status", pa.int32()),
        ("latencia_ms", pa.int32()),
        ("cobrada", pa.bool_()),
        ("renovacoes_token", pa.int32()),
        ("motivo", pa.string()),
        ("solicitado_em", pa.timestamp("us")),
        ("consultado_em", pa.timestamp("us")),
        ("id_consulta_reutilizada", pa.string()),
        ("resposta", pa.string()),
        ("documento_normalizado", pa.string()),
        ("content_hash", pa.string()),  # legacy archives: sha256 of the answer (duplicates)
        ("line_no", pa.int64()),  # legacy archives: the answer's first line in its file
        ("source_file", pa.string()),  # legacy archives: the file, under landing/
    ]
)


class ExecutionError(RuntimeError):
    """Some calls could not be sent (a key without credentials); the rest were made and saved."""


@dataclass
class ExecutionReport:
    requests_planned: int = 0
    interrupted: int = 0  # calls a dead process left in flight, now desconhecido
    sent: int = 0
    outcomes: Counter = field(default_factory=Counter)  # resultado -> calls settled this run
    logins: int = 0
    pauses: int = 0
    exported: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # keys whose calls could not be sent

    def as_dict(self) -> dict:
        return {
            "solicitacoes_planejadas": self.requests_planned,
            "interrompidas": self.interrupted,
            "enviadas": self.sent,
            "resultados": dict(self.outcomes),
            "logins": self.logins,
            "pausas_429": self.pauses,
            "exportadas": self.exported,
            "segundos": round(self.seconds, 1),
        }


def document_hash(digits: str, key: str) -> str:
    """The keyed hash of a document's digits (the CRM people's cpf_hash for a CPF)."""
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def execute(
    settings: Settings,
    config: SerasaConfig,
    load_date: str,
    progress: Callable[[str], None] = lambda _: None,
    env: Mapping[str, str] = os.environ,
) -> ExecutionReport:
    started = datetime.now(UTC)
    report = ExecutionReport()
    with _only_execution(settings), closing(Ledger(settings.state_db)) as ledger:
        report.interrupted = ledger.mark_interrupted()
        if report.interrupted:
            progress(
                f"serasa: {report.interrupted} consulta(s) interrompida(s) por um processo que "
                "terminou durante a chamada: marcadas desconhecido (reenviar só por decisão)"
            )
        report.requests_planned = plan_new_requests(settings, config, ledger)
        pending = ledger.pending()
        if pending:
            progress(f"serasa: {len(pending)} consulta(s) a enviar")
            with _base_url(settings, config) as url:
                while pending:
                    wave, pending = _first_of_each(pending)
                    for key_id in sorted({call.chave for call in wave}):
                        calls = [call for call in wave if call.chave == key_id]
                        _send_with_key(settings, config, key_id, url, calls, ledger, report,
                                       progress, env)  # fmt: skip
                    pending = _reuse_answered(ledger, pending, config.reuso_dias, report)
        report.exported = export_calls(settings, ledger, load_date)
    report.seconds = (datetime.now(UTC) - started).total_seconds()
    if report.errors:
        raise ExecutionError(
            "; ".join(report.errors) + ". Those calls stay pending and go out in a later run; "
            "every other call was made and saved."
        )
    return report


@contextmanager
def _only_execution(settings: Settings) -> Iterator[None]:
    """One execution at a time per data folder (two would race for the same pending calls)."""
    path = settings.state_db.parent / "serasa-execucao.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExecutionError(
                "outra execução do Serasa está em andamento nesta pasta de dados; as consultas "
                "pendentes saem na próxima"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _send_with_key(
    settings: Settings,
    config: SerasaConfig,
    key_id: str,
    url: str,
    calls: list[Call],
    ledger: Ledger,
    report: ExecutionReport,
    progress: Callable[[str], None],
    env: Mapping[str, str],
) -> None:
    """Send a key's calls, each still allowed by the configuration as it is now (a call planned
    earlier is refused if its key, contract or environment changed since)."""
    allowed = []
    for call in calls:
        refusal = still_allowed(config, call)
        if refusal is None:
            allowed.append(call)
        else:
            ledger.refuse(call.id_consulta, refusal.motivo)
            report.outcomes["recusado"] += 1
    if not allowed:
        return
    key = config.key(key_id)
    try:
        login = _credentials(settings, config, key, env)
    except ConfigError as error:  # its calls stay pending for the next run
        report.errors.append(str(error))
        progress(f"serasa [{key_id}]: {len(allowed)} consulta(s) adiada(s): {error}")
        return
    _send(config, key, login, url, allowed, ledger, report, progress, settings)


def still_allowed(config: SerasaConfig, call: Call) -> Refusal | None:
    """Whether the configuration as it is now still lets this planned call go out as planned."""
    if call.chave not in {key.id for key in config.chaves}:
        return Refusal(f"a chave {call.chave!r} saiu da configuração")
    key = resolve_key(config, call.painel, call.idusuario)  # type: ignore[arg-type]
    if isinstance(key, Refusal):
        return key
    if key.id != call.chave:
        return Refusal(f"a chave deste painel agora é {key.id!r}, não {call.chave!r}")
    lock = check_environment(key, config.base_url)
    if lock is not None:
        return lock
    package = config.package(call.report_name, call.tipo_pessoa)  # type: ignore[arg-type]
    features = set(filter(None, (call.optional_features or "").split(",")))
    if package is None or not features <= set(package.optional_features):
        return Refusal(
            f"{call.report_name} com {sorted(features) or 'nenhuma feature'} não está mais "
            "contratado"
        )
    return None


def plan_new_requests(settings: Settings, config: SerasaConfig, ledger: Ledger) -> int:
    """Turn each request of the raw lake the ledger has not seen into calls."""
    known = ledger.known_requests()
    fresh = [row for row in _lake_requests(settings) if row["id"] not in known]
    documents = _people_documents(settings, [r["idpessoa"] for r in fresh if not r["documento"]])
    hash_key = settings.cpf_hash_key.get_secret_value()
    planned: list[Planned] = []
    for row in fresh:
        for call, refusal in _plan(config, row, documents, hash_key):
            if refusal is not None:
                planned.append(Planned(call, "recusada", _refused(refusal.motivo)))
                continue
            reused = None if call.forcar else ledger.reusable(call, config.reuso_dias)
            if reused is not None:
                planned.append(Planned(call, "reutilizada", _reused(), reused))
            else:
                planned.append(Planned(call))
    ledger.add(planned)
    return len(fresh)


def _reuse_key(call: Call) -> tuple:
    return (call.documento_hash, call.report_name, call.optional_features, call.chave)


def _first_of_each(pending: list[Call]) -> tuple[list[Call], list[Call]]:
    """Split the pending calls into those to send now and those asking again for what an earlier
    pending call asks (same document, reports and key, not forced): these wait for its answer,
    so a repeat in the same batch is reused rather than paid twice."""
    wave: list[Call] = []
    later: list[Call] = []
    asked: set[tuple] = set()
    for call in pending:
        if not call.forcar and _reuse_key(call) in asked:
            later.append(call)
        else:
            wave.append(call)
            asked.add(_reuse_key(call))
    return wave, later


def _reuse_answered(
    ledger: Ledger, waiting: list[Call], window_days: int, report: ExecutionReport
) -> list[Call]:
    """The waiting calls whose twin was answered ok are reused; the others are still pending."""
    still = []
    for call in waiting:
        reused = ledger.reusable(call, window_days)
        if reused is None:
            still.append(call)
        else:
            ledger.settle_reused(call.id_consulta, reused)
            report.outcomes["reutilizado"] += 1
    return still


def _plan(
    config: SerasaConfig, row: dict, documents: dict[int, str], hash_key: str
) -> Iterator[tuple[Call, Refusal | None]]:
    choices = json.loads(row["relatorios"])
    call = Call(
        id_consulta=f"{row['id']}#1",
        id_solicitacao=row["id"],
        painel=row["painel"],
        usuario=row["usuario"],
        idusuario=row["idusuario"],
        idpessoa=row["idpessoa"],
        documento=None,
        documento_hash=None,
        tipo_pessoa=None,
        relatorios=json.dumps(choices, ensure_ascii=False),
        report_name=None,
        optional_features=None,
        chave=None,
        forcar=bool(row["forcar"]),
        solicitado_em=row["solicitado_em_utc"].replace(tzinfo=UTC).isoformat(),
    )
    text = row["documento"] or documents.get(row["idpessoa"])
    if not text:
        yield call, Refusal(f"a pessoa {row['idpessoa']} não tem CPF/CNPJ no CRM")
        return
    try:
        document = parse_document(text)
    except InvalidDocument as error:
        yield call, Refusal(str(error))
        return
    call.documento = document.digits
    call.documento_hash = document_hash(document.digits, hash_key)
    call.tipo_pessoa = document.tipo_pessoa
    key = resolve_key(config, row["painel"], row["idusuario"])
    if isinstance(key, Refusal):
        yield call, key
        return
    call.chave = key.id
    lock = check_environment(key, config.base_url)
    if lock is not None:
        yield call, lock
        return
    planned = plan_calls(config, choices, document.tipo_pessoa)
    if isinstance(planned, Refusal):
        yield call, planned
        return
    for number, planned_call in enumerate(planned, start=1):
        yield (
            Call(
                **{
                    **call.__dict__,
                    "id_consulta": f"{row['id']}#{number}",
                    "relatorios": json.dumps(planned_call.choices, ensure_ascii=False),
                    "report_name": planned_call.report_name,
                    "optional_features": ",".join(planned_call.optional_features),
                }
            ),
            None,
        )


def _send(
    config: SerasaConfig,
    key: Key,
    login: tuple[str, str],
    url: str,
    calls: list[Call],
    ledger: Ledger,
    report: ExecutionReport,
    progress: Callable[[str], None],
    settings: Settings,
) -> None:
    client_id, secret = login
    pause = BatchPause(base=settings.serasa_backoff_seconds)
    done = Counter()

    stop = threading.Event()  # the Serasa cannot be reached: the rest stays pending

    def one(call: Call) -> None:
        if stop.is_set():
            return
        started = ledger.start(call.id_consulta, key.limite_diario)
        if started != "enviando":
            done["recusado"] += started == "limite"
            return
        try:
            result = client.query(
                ReportQuery(
                    call.documento,  # type: ignore[arg-type]
                    call.tipo_pessoa,  # type: ignore[arg-type]
                    call.report_name,  # type: ignore[arg-type]
                    tuple(filter(None, (call.optional_features or "").split(","))),
                )
            )
        except NotSent as error:
            ledger.release(call.id_consulta)
            if not stop.is_set():
                stop.set()
                report.errors.append(f"chave {key.id!r}: {error}")
                progress(f"serasa [{key.id}]: parada: {error}; o resto fica pendente")
            return
        ledger.finish(call.id_consulta, result)
        done[result.resultado] += 1
        count = done.total()
        if count % PROGRESS_EVERY == 0 or count == len(calls):
            progress(f"serasa [{key.id}]: {count}/{len(calls)} consultas {dict(done)}")

    with SerasaClient(
        url,
        client_id,
        secret,
        retailer_document=config.cnpj_incorporadora,
        cost_center=config.centro_de_custo,
        timeout_seconds=config.tempo_limite_segundos,
        pause=pause,
        concurrency=config.concorrencia,
    ) as client:
        with ThreadPoolExecutor(config.concorrencia, thread_name_prefix="serasa") as pool:
            list(pool.map(one, calls))
        report.logins += client.tokens.logins
    report.pauses += pause.pauses
    report.sent += done.total() - done["recusado"]
    report.outcomes.update(done)


def _credentials(
    settings: Settings, config: SerasaConfig, key: Key, env: Mapping[str, str]
) -> tuple[str, str]:
    if config.uses_local_sandbox:
        return sandbox_client_id(key.id), SANDBOX_SECRET
    return tuple(credentials(key, env, settings.serasa_secrets_file))  # type: ignore[return-value]


def sandbox_client_id(key_id: str) -> str:
    return f"sandbox-{key_id}"


@contextmanager
def _base_url(settings: Settings, config: SerasaConfig) -> Iterator[str]:
    if not config.uses_local_sandbox:
        yield config.base_url  # type: ignore[misc]
        return
    from ingestion.serasa.sandbox import SerasaSandboxConfig, running_serasa_sandbox

    sandbox_config = SerasaSandboxConfig(
        dataset_dir=settings.serasa_sandbox_dir,
        credentials={sandbox_client_id(key.id): SANDBOX_SECRET for key in config.chaves},
    )
    with running_serasa_sandbox(sandbox_config) as sandbox:
        yield sandbox.url


def export_calls(settings: Settings, ledger: Ledger, load_date: str) -> int:
    """Append the settled calls not yet in the lake to serasa/consultas (this load date), then
    mark them; a crash between the two writes them again next time, and dbt keeps one row per
    id_consulta."""
    rows = ledger.unexported()
    lake.ensure_schema_file(settings.raw_dir, SOURCE, TABLE, RAW_SCHEMA)
    if not rows:
        return 0
    write_calls(settings, [lake_row(row) for row in rows], load_date)
    ledger.mark_exported([row["id_consulta"] for row in rows])
    return len(rows)


def lake_row(row: dict) -> dict:
    """A ledger row as a serasa/consultas row (formato json)."""
    return {
        "id_consulta": row["id_consulta"],
        "id_solicitacao": row["id_solicitacao"],
        "formato": "json",
        "painel": row["painel"],
        "usuario": row["usuario"],
        "idusuario": row["idusuario"],
        "chave": row["chave"],
        "idpessoa": row["idpessoa"],
        "documento_hash": row["documento_hash"],
        "tipo_pessoa": row["tipo_pessoa"],
        "relatorios": row["relatorios"],
        "report_name": row["report_name"],
        "optional_features": row["optional_features"],
        "resultado": row["resultado"],
        "http_status": row["http_status"],
        "latencia_ms": row["latencia_ms"],
        "cobrada": None if row["cobrada"] is None else bool(row["cobrada"]),
        "renovacoes_token": row["renovacoes_token"],
        "motivo": row["motivo"],
        "solicitado_em": _utc(row["solicitado_em"]),
        "consultado_em": _utc(row["consultado_em"]),
        "id_consulta_reutilizada": row["id_consulta_reutilizada"],
        "resposta": row["resposta"],
        "documento_normalizado": _json_object(row["resposta"]),
        "content_hash": None,
        "line_no": None,
        "source_file": None,
    }


def write_calls(settings: Settings, rows: list[dict], load_date: str) -> Path:
    folder = lake.partition_dir(settings.raw_dir, SOURCE, TABLE, load_date)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.parquet"
    tmp = folder / f".{target.name}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, RAW_SCHEMA), tmp, compression="zstd")
    tmp.replace(target)
    return target


def _lake_requests(settings: Settings) -> list[dict]:
    if not lake.has_files(settings.raw_dir, requests.SOURCE, requests.TABLE):
        return []
    with duckdb.connect() as con:
        relation = con.execute(
            """select id, painel, usuario, idusuario, idpessoa, documento, relatorios, forcar,
                      solicitado_em_utc
               from read_parquet(?, union_by_name = true)
               order by solicitado_em_utc, id""",
            [lake.table_glob(settings.raw_dir, requests.SOURCE, requests.TABLE)],
        )
        names = [column[0] for column in relation.description]
        return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def _people_documents(settings: Settings, ids: list[int]) -> dict[int, str]:
    """The latest CRM document of each person asked for by idpessoa only."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted or not lake.has_files(settings.raw_dir, "crm", "pessoas"):
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            """select idpessoa::bigint, arg_max(documento, referencia_data)
               from read_parquet(?, union_by_name = true)
               where idpessoa::bigint in (select unnest(?::bigint[]))
               group by all""",
            [lake.table_glob(settings.raw_dir, "crm", "pessoas"), wanted],
        ).fetchall()
    return {idpessoa: documento for idpessoa, documento in rows if documento}


def _refused(motivo: str) -> Outcome:
    return Outcome("recusado", None, None, False, 0, motivo, None)


def _reused() -> Outcome:
    return Outcome("reutilizado", None, None, False, 0, None, None)


def _json_object(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return text if isinstance(json.loads(text), dict) else None
    except ValueError:
        return None


def _utc(text: str | None) -> datetime | None:
    """An ISO timestamp as naive UTC (the ledger writes them with their offset)."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
