"""HTTP client for the CRM's data API (CVDW): one page per call, within the tenant's rate limit.

The limit is the tenant's, not an object's: every object pulled by this process (and by any other
process on the same data folder) draws from one rate limiter kept in a SQLite file under
data/state. Past the limit the CRM answers 429 (sometimes a 200 whose body says "Too many
requests") and refuses everything for about a minute: every caller then waits for the block to end
and resumes. 5xx answers, unreadable bodies and network errors are retried with exponential
backoff; any other 4xx is a mistake that would fail again, raised at once with the CRM's message.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from pyrate_limiter import Duration, Limiter, Rate, SQLiteBucket
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

LIMIT_TEXT = "too many requests"


class CvdwError(Exception):
    """A page that could not be fetched: the pull of its object stops there."""


class _Transient(Exception):
    """A failure worth retrying: 5xx, an unreadable body, a network error."""


@dataclass(frozen=True)
class Page:
    pagina: int
    total_de_paginas: int
    total_de_registros: int
    rows: int
    body: bytes  # as received, kept verbatim in the landing zone


class RateGate:
    """The tenant's request budget, shared by every object and process, and its block."""

    def __init__(
        self, requests_per_minute: int, block_seconds: float, db_path: Path | None = None
    ) -> None:
        rates = [Rate(requests_per_minute, Duration.MINUTE)]
        if db_path is None:
            bucket = SQLiteBucket.init_from_file(rates, use_file_lock=False)
        else:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            bucket = SQLiteBucket.init_from_file(
                rates, table="cvdw_requests", db_path=str(db_path), use_file_lock=True
            )
        self._limiter = Limiter(bucket)
        self.block_seconds = block_seconds
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.blocks = 0  # how often the CRM refused us, for the run's log

    def acquire(self) -> None:
        while (wait := self._blocked_until - time.monotonic()) > 0:
            time.sleep(wait)
        self._limiter.try_acquire("cvdw", blocking=True)

    def block(self, seconds: float | None) -> None:
        with self._lock:
            self.blocks += 1
            until = time.monotonic() + (seconds if seconds is not None else self.block_seconds)
            self._blocked_until = max(self._blocked_until, until)


class CvdwClient:
    def __init__(
        self,
        base_url: str,
        email: str,
        token: str,
        gate: RateGate,
        timeout_seconds: float = 60.0,
        attempts: int = 6,
        max_blocks: int = 30,
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={"email": email, "token": token, "accept": "application/json"},
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 10.0)),
        )
        self.gate = gate
        self._attempts = attempts
        self._max_blocks = max_blocks
        self._log = log

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CvdwClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def page(self, path: str, pagina: int, per_page: int, since: str | None) -> Page:
        params: dict[str, str | int] = {"pagina": pagina, "registros_por_pagina": per_page}
        if since is not None:
            params["a_partir_data_referencia"] = since
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=1, max=60),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._page_within_limit, path, pagina, params)
        except _Transient as exc:
            raise CvdwError(
                f"{path} página {pagina}: {exc} (after {self._attempts} attempts)"
            ) from exc

    def _page_within_limit(self, path: str, pagina: int, params: dict) -> Page:
        for _ in range(self._max_blocks):
            self.gate.acquire()
            try:
                response = self._http.get(path, params=params)
            except httpx.TransportError as exc:
                raise _Transient(f"{type(exc).__name__}: {exc}") from exc
            if _is_rate_limited(response):
                retry_after = _retry_after(response)
                self._log(
                    f"CRM rate limit reached on {path} página {pagina}: waiting "
                    f"{retry_after or self.gate.block_seconds:.0f} s before resuming"
                )
                self.gate.block(retry_after)
                continue
            return _read_page(path, pagina, response)
        raise CvdwError(
            f"{path} página {pagina}: still rate limited after {self._max_blocks} waits"
        )

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        self._log(
            f"CRM request failed ({exc}); attempt {state.attempt_number}, retry in {wait:.0f} s"
        )


def _is_rate_limited(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    # Some answers carry the limit in a short body with another status.
    return len(response.content) < 200 and LIMIT_TEXT in response.text.lower()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def _read_page(path: str, pagina: int, response: httpx.Response) -> Page:
    status = response.status_code
    if status >= 500:
        raise _Transient(f"HTTP {status}")
    if status >= 400:
        hint = ""
        if status == 400 and "a_partir_data_referencia" in str(response.request.url):
            hint = (
                " (if this tenant refuses a time in the cursor, set "
                "ALICERCE_CVDW_CURSOR_GRANULARITY=date)"
            )
        raise CvdwError(f"{path} página {pagina}: HTTP {status}: {response.text[:300]}{hint}")
    try:
        envelope = json.loads(response.content)
        dados = envelope["dados"]
        total_pages = int(envelope["total_de_paginas"])
        total_rows = int(envelope.get("total_de_registros", 0))
        if not isinstance(dados, list):
            raise TypeError("dados is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise _Transient(f"HTTP {status} with a body that is not a CVDW page: {exc}") from exc
    return Page(pagina, total_pages, total_rows, len(dados), response.content)
