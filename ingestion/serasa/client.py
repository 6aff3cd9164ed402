"""The Serasa JSON API client (reference/serasa.md §1–3): a cached token renewed before it expires
and once more on an authentication failure, shared by the batch's threads (when many find it
expired, one logs in and the rest wait), and one report call judged into an outcome.

What is resent automatically, because it cannot have been processed (DESIGN.md): a connection
that failed before the request was sent, a 401 and the gateway's expired-token fault (after a
renewal), a 429 (after the batch's pause). Everything else is answered once: a timeout after
sending and any other 5xx are 'desconhecido'.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

LOGIN_PATH = "/security/iam/v1/client-identities/login"
REPORT_PATHS = {
    "PF": "/credit-services/person-information-report/v1/creditreport",
    "PJ": "/credit-services/business-information-report/v1/reports",
}
RENEW_MARGIN_SECONDS = 60.0  # renew this long before the token expires
EPOCH_THRESHOLD = 1_000_000_000  # an expiresIn above this is an epoch, below it a lifetime
CONNECT_ATTEMPTS = 5  # attempts at a connection that fails before anything is sent
PAUSES_PER_CALL = 6  # 429s in a row for one call before the batch gives up for now


class NotSent(RuntimeError):
    """The call could not be made and certainly was not processed (the login failed, no
    connection, the Serasa kept answering 429): it can be made later exactly as it is."""


class LoginError(NotSent):
    """The login was refused or answered something unreadable: no query can be made."""


def expiry_from(expires_in: Any, now: float) -> float:
    """The token's expiry (epoch seconds): `expiresIn` is a string holding an epoch in production
    captures and a lifetime in seconds in mocks; both are accepted."""
    try:
        value = float(expires_in)
    except (TypeError, ValueError) as error:
        raise LoginError(f"expiresIn ilegível no login: {expires_in!r}") from error
    return value if value > EPOCH_THRESHOLD else now + value


class TokenCache:
    """One token for every thread. `get` returns a token valid for at least the renewal margin;
    `renew_after_failure(stale)` logs in again unless another thread already replaced `stale`."""

    def __init__(
        self,
        http: httpx.Client,
        client_id: str,
        client_secret: str,
        margin_seconds: float = RENEW_MARGIN_SECONDS,
    ) -> None:
        self._http = http
        self._auth = (client_id, client_secret)
        self._margin = margin_seconds
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.logins = 0

    def get(self) -> tuple[str, bool]:
        """(token, whether this call waited for or made a login)."""
        if self._fresh():
            return self._token, False  # type: ignore[return-value]
        with self._lock:
            if not self._fresh():
                self._login()
            return self._token, True  # type: ignore[return-value]

    def renew_after_failure(self, stale: str) -> str:
        with self._lock:
            if self._token == stale:
                self._login()
            return self._token  # type: ignore[return-value]

    def _fresh(self) -> bool:
        return self._token is not None and time.time() < self._renew_at

    def _login(self) -> None:
        try:
            response = self._http.post(
                LOGIN_PATH, auth=self._auth, headers={"Content-Type": "application/json"}
            )
        except httpx.HTTPError as error:
            raise LoginError(f"login na Serasa falhou: {type(error).__name__}") from error
        self.logins += 1
        if not response.is_success:
            raise LoginError(
                f"login na Serasa recusado: HTTP {response.status_code} {_message(response)}"
            )
        try:
            body = response.json()
            token = body["accessToken"]
            expires_at = expiry_from(body.get("expiresIn"), time.time())
        except (ValueError, KeyError, TypeError) as error:
            raise LoginError("resposta de login sem accessToken legível") from error
        now = time.time()
        # A short-lived token (a test's) is renewed at 90% of its life, not a minute early.
        margin = min(self._margin, 0.1 * max(expires_at - now, 0.0))
        self._token, self._renew_at = token, expires_at - margin


class BatchPause:
    """A 429 pauses the whole batch: every thread waits until the pause ends. Retry-After when
    given, else a backoff from `base` seconds doubling up to `cap`; reset by a success."""

    def __init__(self, base: float = 60.0, cap: float = 900.0) -> None:
        self._base, self._cap = base, cap
        self._lock = threading.Lock()
        self._until = 0.0
        self._next_backoff = base
        self.pauses = 0

    def wait(self) -> None:
        while (remaining := self._until - time.monotonic()) > 0:
            time.sleep(min(remaining, 1.0))

    def too_many_requests(self, retry_after: str | None) -> float:
        with self._lock:
            seconds = _seconds(retry_after)
            if seconds is None:
                seconds = self._next_backoff
                self._next_backoff = min(self._next_backoff * 2, self._cap)
            self._until = max(self._until, time.monotonic() + seconds)
            self.pauses += 1
            return seconds

    def succeeded(self) -> None:
        self._next_backoff = self._base


@dataclass(frozen=True)
class Outcome:
    """How a call ended, as the ledger records it."""

    resultado: (
        str  # ok | nao_encontrado | invalido | falha | desconhecido (| recusado, reutilizado)
    )
    http_status: int | None
    latencia_ms: int | None
    cobrada: bool | None
    renovacoes_token: int
    motivo: str | None
    resposta: str | None


@dataclass(frozen=True)
class ReportQuery:
    document: str  # digits only: sent in X-Document-Id, never in the URL or a log
    tipo_pessoa: str  # PF | PJ
    report_name: str
    optional_features: tuple[str, ...] = ()


class SerasaClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        retailer_document: str | None = None,
        cost_center: str | None = None,
        timeout_seconds: float = 30.0,
        pause: BatchPause | None = None,
        concurrency: int = 8,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout_seconds,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self.tokens = TokenCache(self._http, client_id, client_secret)
        self.pause = pause or BatchPause()
        self._retailer = retailer_document
        self._cost_center = cost_center

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SerasaClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def query(self, query: ReportQuery) -> Outcome:
        """One report call, resent only where it cannot have been processed. Raises NotSent when
        it could not be made at all (nothing was processed)."""
        renewals = 0
        auth_retried = False
        connect_failures = 0
        pauses = 0
        while True:
            self.pause.wait()
            token, waited = self.tokens.get()
            renewals += int(waited)
            started = time.perf_counter()
            try:
                response = self._http.get(
                    REPORT_PATHS[query.tipo_pessoa],
                    params=self._params(query),
                    headers=self._headers(token, query.document),
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                connect_failures += 1  # never reached the server: safe to send again
                if connect_failures < CONNECT_ATTEMPTS:
                    time.sleep(min(2.0**connect_failures, 30.0))
                    continue
                raise NotSent(f"sem conexão com a Serasa ({type(error).__name__})") from error
            except httpx.HTTPError as error:  # sent, answer lost: it may have been processed
                return Outcome(
                    "desconhecido", None, _elapsed_ms(started), None, renewals,
                    f"{type(error).__name__} depois do envio: pode ter sido processada e cobrada",
                    None,
                )  # fmt: skip
            latency = _elapsed_ms(started)
            if _auth_failure(response) and not auth_retried:
                auth_retried = True
                self.tokens.renew_after_failure(token)
                renewals += 1
                continue
            if response.status_code == 429:
                pauses += 1
                if pauses > PAUSES_PER_CALL:
                    raise NotSent(f"a Serasa respondeu 429 {pauses} vezes seguidas")
                self.pause.too_many_requests(response.headers.get("Retry-After"))
                continue
            self.pause.succeeded()
            return _judge(response, latency, renewals)

    def _params(self, query: ReportQuery) -> dict[str, str]:
        params = {"reportName": query.report_name}
        if query.optional_features:
            params["optionalFeatures"] = ",".join(query.optional_features)
        return params

    def _headers(self, token: str, document: str) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Document-Id": document,
            "Content-Type": "application/json",
        }
        if self._retailer:
            headers["X-Retailer-Document-Id"] = self._retailer
        if self._cost_center:
            headers["X-Cost-Center"] = self._cost_center
        return headers


def _judge(response: httpx.Response, latency: int, renewals: int) -> Outcome:
    status = response.status_code
    body = response.text
    if response.is_success:
        return Outcome("ok", status, latency, _billed(body), renewals, None, body)
    message = _message(response)
    if status == 404:
        resultado, billed = "nao_encontrado", False
    elif status in (400, 412, 422):
        resultado, billed = "invalido", False
    elif status == 401 or _auth_failure(response):
        resultado, billed = "falha", False  # still refused after a fresh token
        message = f"autenticação recusada mesmo após renovar o token: {message}"
    elif 400 <= status < 500:
        resultado, billed = "falha", False
    else:  # any other 5xx: it may have been processed
        resultado, billed = "desconhecido", None
    return Outcome(resultado, status, latency, billed, renewals, message, body)


def _auth_failure(response: httpx.Response) -> bool:
    """A 401, or the gateway's expired-token fault: a 500 whose body is an Apigee fault from the
    auth header validator (not the report's own "[ERROR][PROCESSING]")."""
    if response.status_code == 401:
        return True
    if response.status_code != 500:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict) or not isinstance(body.get("fault"), dict):
        return False
    return "auth-header-validator" in str(body["fault"].get("faultstring", "")).lower()


def _billed(body: str) -> bool:
    """A 2xx is billed unless its score says `billing: false` (reference §2.4)."""
    try:
        document = json.loads(body)
        score = document["reports"][0].get("score") or {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return True
    return score.get("billing") is not False


def _message(response: httpx.Response) -> str:
    """The error's text: Serasa answers a JSON array of {code, message}, the gateway a fault."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(str(item.get("message", "")) for item in body)
    if isinstance(body, dict) and isinstance(body.get("fault"), dict):
        return str(body["fault"].get("faultstring", ""))[:200]
    return response.text[:200]


def _seconds(retry_after: str | None) -> float | None:
    try:
        return max(float(retry_after), 0.0) if retry_after is not None else None
    except ValueError:
        return None


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
