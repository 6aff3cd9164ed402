"""A local server that speaks the CVDW protocol, serving the demo CRM's rows.

What it honours (../shared/reference/cvcrm.md section 1): GET {base}/{path} for every object in
objects.py, `email` and `token` headers, `pagina` and `registros_por_pagina` (at most 500),
`a_partir_data_referencia` ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'; a time can be refused with 400,
as one integrator saw), the envelope {pagina, registros, total_de_registros, total_de_paginas,
dados}, and the rate limit: past `requests_per_minute` within a minute the tenant is blocked for
`block_seconds`, answering 429 (or, with `limit_in_body`, 200 with a "Too many requests" body).

Its data is one JSON Lines file per object (`<dataset>/<table>.jsonl`, rows as the API sends
them, format traps included). Several lines may share a `referencia` (versions): the server shows
the latest version whose `referencia_data` is at or before its clock (now in São Paulo, unless
set), so a test can move the CRM's time forward between two pulls. Rows are served in
(referencia_data, referencia) order and the files are reread when they change.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import polars as pl

from ingestion.crm.objects import OBJECTS
from ingestion.jsonl import json_lines_frame

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
BASE_PATH = "/api/v1/"
MAX_PER_PAGE = 500
SANDBOX_EMAIL = "sandbox@alicerce.local"
SANDBOX_TOKEN = "sandbox-token"  # the sandbox's own demo credential, not a secret
_CURSOR = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")


@dataclass
class SandboxConfig:
    dataset_dir: Path
    email: str = SANDBOX_EMAIL
    token: str = SANDBOX_TOKEN
    requests_per_minute: int = 20  # the real tenant's limit
    block_seconds: float = 60.0  # how long the real tenant refuses after the limit is passed
    limit_in_body: bool = False  # answer the limit with 200 and a text body instead of 429
    cursor_accepts_time: bool = True
    clock: str | None = None  # 'YYYY-MM-DD HH:MM:SS' São Paulo; None = now
    page_delay_seconds: float = 0.0  # time to build a page (the real API takes seconds)
    # Statuses to answer instead of the next requests' pages (an outage, for tests): popped first.
    failures: list[int] = field(default_factory=list)
    failing_page: int | None = None  # a page that always answers 500
    requests: int = field(default=0, init=False)  # answered so far, for tests and logs
    refused: int = field(default=0, init=False)  # answered with the rate limit


class _Limit:
    """The tenant-wide limit: a sliding minute of requests, then a block."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: deque[float] = deque()
        self._blocked_until = 0.0

    def admit(self, config: SandboxConfig) -> bool:
        with self._lock:
            now = time.monotonic()
            if now < self._blocked_until:
                return False
            while self._times and self._times[0] <= now - 60:
                self._times.popleft()
            if len(self._times) >= config.requests_per_minute:
                self._blocked_until = now + config.block_seconds
                self._times.clear()
                return False
            self._times.append(now)
            return True


class _Rows:
    """One object's file, indexed by referencia_data and reread when it changes. What a page
    request sees (latest versions at the clock, changed since the cursor) is kept for the next
    pages of the same pull."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._frame = _EMPTY
        self._visible: dict[tuple[int, str | None], pl.DataFrame] = {}
        self._lock = threading.Lock()

    def visible(self, clock: str, since: str | None) -> pl.DataFrame:
        with self._lock:
            self._reload()
            # Rows are sorted by referencia_data: those at or before the clock are a prefix.
            known = self._frame["data"].search_sorted(clock, side="right")
            key = (int(known), since)
            if key not in self._visible:
                if len(self._visible) > 8:
                    self._visible.clear()
                self._visible[key] = visible_rows(self._frame.head(key[0]), since)
            return self._visible[key]

    def _reload(self) -> None:
        if not self.path.exists():
            self._frame, self._stamp, self._visible = _EMPTY, None, {}
            return
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._frame = _read_rows(self.path).sort("data", maintain_order=True)
            self._stamp, self._visible = stamp, {}


_EMPTY = pl.DataFrame(schema={"referencia": pl.String, "data": pl.String, "line": pl.String})


def _read_rows(path: Path) -> pl.DataFrame:
    if path.stat().st_size < 4096 and not path.read_bytes().strip():  # an object with no rows
        return _EMPTY
    lines = json_lines_frame(path)
    line = pl.col("line")
    return lines.with_row_index("n").select(
        # A row without a referencia is still served (it is the client's to quarantine), alone.
        referencia=line.str.json_path_match("$.referencia").fill_null(
            pl.lit("sem-referencia-") + pl.col("n").cast(pl.String)
        ),
        data=line.str.json_path_match("$.referencia_data").fill_null(""),
        line=line,
    )


def visible_rows(known: pl.DataFrame, since: str | None) -> pl.DataFrame:
    """The latest version of each row among those known (sorted by referencia_data), changed at
    or after `since`, in page order."""
    latest = known.unique("referencia", keep="last", maintain_order=True)
    if since is not None:
        latest = latest.filter(pl.col("data") >= since)
    return latest.sort(["data", "referencia"])


class _Handler(BaseHTTPRequestHandler):
    server: _SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and runs log
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        try:
            self._answer()
        except Exception as exc:  # a broken dataset file: say so, as a server would
            self._send(500, {"erro": f"{type(exc).__name__}: {exc}"})

    def _answer(self) -> None:
        config = self.server.config
        url = urlsplit(self.path)
        rows = self.server.rows.get(url.path.removeprefix(BASE_PATH).strip("/"))
        if not url.path.startswith(BASE_PATH) or rows is None:
            return self._send(404, {"erro": f"Rota não encontrada: {url.path}"})
        if self.headers.get("email") != config.email or self.headers.get("token") != config.token:
            return self._send(401, {"erro": "Não autorizado: email ou token inválidos"})
        if not self.server.limit.admit(config):
            config.refused += 1
            if config.limit_in_body:
                return self._send_text(200, "Too many requests")
            retry_after = str(math.ceil(config.block_seconds))
            return self._send(429, {"erro": "Too many requests"}, {"Retry-After": retry_after})
        config.requests += 1
        if config.failures:
            status = config.failures.pop(0)
            return self._send(status, {"erro": f"Falha simulada ({status})"})
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            pagina = int(params.get("pagina", "1"))
            per_page = min(int(params.get("registros_por_pagina", "100")), MAX_PER_PAGE)
        except ValueError:
            return self._send(400, {"erro": "pagina e registros_por_pagina devem ser números"})
        if pagina < 1 or per_page < 1:
            return self._send(400, {"erro": "pagina e registros_por_pagina devem ser positivos"})
        if pagina == config.failing_page:
            return self._send(500, {"erro": "Erro interno"})
        since = params.get("a_partir_data_referencia")
        if since is not None and (
            not _CURSOR.match(since) or (" " in since and not config.cursor_accepts_time)
        ):
            return self._send(400, {"erro": f"a_partir_data_referencia inválida: {since}"})
        if config.page_delay_seconds:
            time.sleep(config.page_delay_seconds)
        clock = config.clock or datetime.now(SAO_PAULO).strftime("%Y-%m-%d %H:%M:%S")
        served = rows.visible(clock, since)
        total = served.height
        page = served.slice((pagina - 1) * per_page, per_page)["line"].to_list()
        body = (
            f'{{"pagina": {pagina}, "registros": {len(page)}, "total_de_registros": {total}, '
            f'"total_de_paginas": {math.ceil(total / per_page)}, "dados": [{",".join(page)}]}}'
        )
        self._send_text(200, body, "application/json")

    def _send(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False)
        self._send_text(status, body, "application/json", headers)

    def _send_text(
        self,
        status: int,
        body: str,
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: SandboxConfig) -> None:
        super().__init__(address, _Handler)
        self.config = config
        self.limit = _Limit()
        self.rows = {obj.path: _Rows(config.dataset_dir / f"{obj.table}.jsonl") for obj in OBJECTS}


@dataclass(frozen=True)
class RunningSandbox:
    base_url: str
    config: SandboxConfig


@contextmanager
def running_sandbox(config: SandboxConfig, port: int = 0) -> Iterator[RunningSandbox]:
    """The sandbox on 127.0.0.1 (a free port unless given), served from a thread."""
    server = _SandboxServer(("127.0.0.1", port), config)
    thread = threading.Thread(target=server.serve_forever, name="cvdw-sandbox", daemon=True)
    thread.start()
    try:
        host, bound_port = server.server_address[:2]
        yield RunningSandbox(f"http://{host}:{bound_port}{BASE_PATH}", config)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
