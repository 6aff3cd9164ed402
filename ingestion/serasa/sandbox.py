"""A local server that speaks the Serasa JSON API (../shared/reference/serasa.md sections 1-3, 5),
serving reports built from synthetic credit profiles (reports.py).

What it honours: the IAM login (Basic auth, 201, `expiresIn` as an epoch string or as seconds),
the PF and PJ credit-report endpoints (`reportName`, `optionalFeatures`, `X-Document-Id`), token
lifetime on the server's clock, what each client contracted, a daily limit per client, and the
real error bodies: 412 for a bad document or an unauthorised report or feature, 404 for an
unknown document or reportName, 429, and the API gateway's 500 fault for an expired or unknown
token (or 401, by configuration). Faults can be queued to answer the next report requests: 429,
500 (plain or "[ERROR][PROCESSING]"), 503, 504, a slow answer, or an answer processed and billed
but never sent (the caller's timeout). Counters let tests prove that no document was billed twice.

The document is never logged and never accepted from the URL.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from ingestion.serasa.documents import InvalidDocument, parse_document
from ingestion.serasa.reports import (
    PF_FEATURES,
    PF_REPORTS,
    PJ_FEATURES,
    PJ_REPORTS,
    CreditProfile,
    build_report,
    load_profiles,
)

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
LOGIN_PATH = "/security/iam/v1/client-identities/login"
PF_PATH = "/credit-services/person-information-report/v1/creditreport"
PJ_PATH = "/credit-services/business-information-report/v1/reports"
PROFILES_FILE = "perfis.jsonl"
SANDBOX_CLIENT_ID = "alicerce-sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"  # the sandbox's own demo credential, not a secret
# Query parameters that would carry the document in the URL (and so in every log on the way).
_DOCUMENT_PARAMS = {"documentnumber", "document", "documento", "cpf", "cnpj", "x-document-id"}

GATEWAY_FAULT = {
    "fault": {
        "faultstring": "Execution of Auth-Header-Validator failed with error: Javascript runtime "
        "error: \"TypeError: Cannot read property 'sub' of undefined. (auth-header-validator.js:"
        '14)"',
        "detail": {"errorcode": "steps.javascript.ScriptExecutionFailed"},
    }
}
INVALID_DOCUMENT = (
    "[ERROR][INVALID-REQUEST] informe o documento a ser consultado válido em [X-Document-Id]"
)
INVALID_FEATURES = (
    "[ERROR][INVALID-REQUEST] Features solicitadas não existem ou não estão autorizadas para o "
    "relatório"
)
NOT_AUTHORIZED = "[ERROR][USER-NOT-AUTHORIZED] Transações negadas"
NOT_FOUND = "[ERROR][DOCUMENT_NOT_FOUND] Documento nao encontrado na Serasa Experian."
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Authorization Failed",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Fault:
    """How to answer one report request instead of (or while) processing it.

    status 429/500/503/504 answers at once, unprocessed (500 with processing=True says
    "[ERROR][PROCESSING]" instead of "Internal Server Error"). status 200 processes the request
    (served and billed) and then waits delay_seconds before answering, or, with
    drop_after_processing, closes the connection without answering."""

    status: int = 200
    retry_after: int | None = None  # 429: the Retry-After header, in seconds
    processing: bool = False
    delay_seconds: float = 0.0
    drop_after_processing: bool = False


@dataclass
class SerasaSandboxConfig:
    profiles: dict[str, CreditProfile] = field(default_factory=dict)  # document digits -> profile
    dataset_dir: Path | None = None  # if set, <dataset_dir>/perfis.jsonl adds its profiles
    credentials: dict[str, str] = field(
        default_factory=lambda: {SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET}
    )
    token_lifetime_seconds: float = 3600
    expires_in: Literal["epoch", "seconds"] = "epoch"
    expired_token_answer: Literal["gateway_500", "401"] = "gateway_500"
    login_status: int = 201  # a non-2xx answers the login with that error instead
    # client_id -> reportName -> optional features allowed; None: every known report and feature.
    contracted: dict[str, dict[str, set[str]]] | None = None
    daily_limit: int | None = None  # report requests per client per São Paulo day, then 429
    latency_seconds: float = 0.0  # before every report answer
    faults: list[Fault] = field(default_factory=list)  # popped one per authenticated request


class SerasaSandbox:
    """The server's state: issued tokens, counters (read them in tests) and the rules."""

    def __init__(self, config: SerasaSandboxConfig) -> None:
        self.config = config
        self.url = ""
        self.profiles = dict(config.profiles)
        if config.dataset_dir is not None and (config.dataset_dir / PROFILES_FILE).exists():
            self.profiles = load_profiles(config.dataset_dir / PROFILES_FILE) | self.profiles
        self.logins = 0  # tokens issued
        self.report_requests = 0  # every request to a report path
        self.served: Counter[str] = Counter()  # document -> 200 answers (sent or dropped)
        self.billed = 0  # 200 answers whose score does not say billing: false
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (client_id, expiry epoch)
        self._daily: Counter[tuple[str, str]] = Counter()  # (client_id, day) -> requests

    def expire_tokens(self) -> None:
        """Every token issued so far stops working now."""
        with self._lock:
            self._tokens.clear()

    def knows(self, client_id: str, secret: str) -> bool:
        return bool(client_id) and self.config.credentials.get(client_id) == secret

    def login(self, client_id: str) -> dict:
        """Issues a token: the login's answer."""
        lifetime = self.config.token_lifetime_seconds
        now = time.time()
        token = _jwt_like(client_id, now, lifetime)
        with self._lock:
            self._tokens[token] = (client_id, now + lifetime)
            self.logins += 1
        expires = int(now + lifetime) if self.config.expires_in == "epoch" else int(lifetime)
        return {
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": str(expires),
            "scope": ["READ", "WRITE"],
        }

    def client_of(self, authorization: str | None) -> str | None:
        """The client a valid, unexpired bearer token was issued to."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self._lock:
            client_id, expiry = self._tokens.get(authorization[7:].strip(), ("", 0.0))
        return client_id if client_id and time.time() < expiry else None

    def next_fault(self) -> Fault | None:
        with self._lock:
            return self.config.faults.pop(0) if self.config.faults else None

    def count_request(self) -> None:
        with self._lock:
            self.report_requests += 1

    def within_daily_limit(self, client_id: str) -> bool:
        if self.config.daily_limit is None:
            return True
        day = datetime.now(SAO_PAULO).date().isoformat()
        with self._lock:
            self._daily[(client_id, day)] += 1
            return self._daily[(client_id, day)] <= self.config.daily_limit

    def record_served(self, document: str, body: dict) -> None:
        score = body["reports"][0].get("score") or {}
        with self._lock:
            self.served[document] += 1
            if score.get("billing") is not False:
                self.billed += 1

    def allowed(self, client_id: str, report_name: str) -> set[str] | None:
        """The features client_id may ask with report_name; None if the report is not theirs."""
        known = PF_FEATURES if report_name in PF_REPORTS else PJ_FEATURES
        if self.config.contracted is None:
            return set(known)
        features = self.config.contracted.get(client_id, {}).get(report_name)
        return None if features is None else set(features) & known


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt_like(client_id: str, now: float, lifetime: float) -> str:
    """An RS256-looking JWT (never verified: the server keeps the tokens it issued)."""
    header = {"x5t#S256": _b64(secrets.token_bytes(32)), "kid": "sandbox", "alg": "RS256"}
    payload = {"sub": client_id, "iat": int(now), "exp": int(now + lifetime)}
    return ".".join(
        (
            _b64(json.dumps(header, separators=(",", ":")).encode()),
            _b64(json.dumps(payload, separators=(",", ":")).encode()),
            _b64(secrets.token_bytes(64)),
        )
    )


def _error(status: int, message: str | None = None) -> list[dict]:
    return [{"code": str(status), "message": message or _STATUS_TEXT.get(status, "Error")}]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

    def log_message(self, format: str, *args: object) -> None:  # quiet: never log a document
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self._read_body()
        if urlsplit(self.path).path != LOGIN_PATH:
            return self._send(404, _error(404))
        sandbox = self.server.sandbox
        client_id, secret = _basic_credentials(self.headers.get("Authorization"))
        if not sandbox.knows(client_id, secret):
            return self._send(401, _error(401))
        status = sandbox.config.login_status
        if not 200 <= status < 300:
            return self._send(status, _error(status))
        self._send(status, sandbox.login(client_id))

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path not in (PF_PATH, PJ_PATH):
            return self._send(404, _error(404))
        with suppress(BrokenPipeError, ConnectionResetError):  # the caller gave up waiting
            self._report(url.path == PJ_PATH, parse_qs(url.query, keep_blank_values=True))

    def _report(self, pj: bool, params: dict[str, list[str]]) -> None:
        sandbox = self.server.sandbox
        config = sandbox.config
        sandbox.count_request()
        if _DOCUMENT_PARAMS & {name.lower() for name in params}:
            return self._send(400, _error(400))
        client_id = sandbox.client_of(self.headers.get("Authorization"))
        if client_id is None:
            if config.expired_token_answer == "401":
                return self._send(401, _error(401))
            return self._send(500, GATEWAY_FAULT)
        if config.latency_seconds:
            time.sleep(config.latency_seconds)
        fault = sandbox.next_fault()
        if fault is not None and fault.status != 200:
            return self._fault(fault, params)
        if not sandbox.within_daily_limit(client_id):
            return self._send(429, _error(429))

        document = self.headers.get("X-Document-Id", "")
        if not _valid_document(document, "PJ" if pj else "PF"):
            return self._send(412, _error(412, INVALID_DOCUMENT))
        report_name = params.get("reportName", [""])[-1]
        if not report_name:
            return self._send(400, _error(400))
        if report_name not in (PJ_REPORTS if pj else PF_REPORTS):
            return self._send(404, _error(404, NOT_FOUND))
        allowed = sandbox.allowed(client_id, report_name)
        if allowed is None:
            return self._send(412, _error(412, NOT_AUTHORIZED))
        features = [f for f in params.get("optionalFeatures", [""])[-1].split(",") if f]
        if not set(features) <= allowed:
            return self._send(412, _error(412, INVALID_FEATURES))
        profile = sandbox.profiles.get(document)
        if profile is None:
            return self._send(404, _error(404, NOT_FOUND))

        body = build_report(profile, report_name, features)
        sandbox.record_served(document, body)
        if fault is not None:
            if fault.drop_after_processing:
                self.close_connection = True
                return
            time.sleep(fault.delay_seconds)
        self._send(200, body)

    def _fault(self, fault: Fault, params: dict[str, list[str]]) -> None:
        headers = {}
        if fault.status == 429 and fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        message = None
        if fault.status == 500 and fault.processing:
            features = params.get("optionalFeatures", [""])[-1]
            message = f"[ERROR][PROCESSING] Ocorreu um erro com as features: [{features}]"
        self._send(fault.status, _error(fault.status, message), headers)

    def _read_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _send(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _basic_credentials(header: str | None) -> tuple[str, str]:
    if not header or not header.startswith("Basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _valid_document(document: str, tipo: str) -> bool:
    """Exactly the 11 (PF) or 14 (PJ) digits of a valid CPF/CNPJ, no punctuation."""
    if not re.fullmatch(r"\d{11}" if tipo == "PF" else r"\d{14}", document):
        return False
    try:
        parse_document(document)
    except InvalidDocument:
        return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: SerasaSandbox) -> None:
        super().__init__(address, _Handler)
        self.sandbox = sandbox


@contextmanager
def running_serasa_sandbox(config: SerasaSandboxConfig, port: int = 0) -> Iterator[SerasaSandbox]:
    """The sandbox on 127.0.0.1 (a free port unless given), served from a thread; yields its
    state, with .url (e.g. http://127.0.0.1:PORT), the counters and expire_tokens()."""
    sandbox = SerasaSandbox(config)
    server = _Server(("127.0.0.1", port), sandbox)
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="serasa-sandbox", daemon=True
    )
    thread.start()
    try:
        host, bound_port = server.server_address[:2]
        sandbox.url = f"http://{host}:{bound_port}"
        yield sandbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
