"""The dashboards in a real browser: `streamlit run` serving, Chromium driven by Playwright."""

from __future__ import annotations

import importlib.util
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTOS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BOM = b"\xef\xbb\xbf"
ALICERCE = str(Path(sys.executable).parent / "alicerce")

# No skip when Chromium is missing: `make test` installs it, and a skipped test proves nothing.
pytestmark = pytest.mark.browser


def _modulo_de_publicacao():
    """tests/dashboards/conftest.py, which writes publications to the dashboards' contract."""
    nome = "alicerce_tests_publicacao"
    if nome not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            nome, RAIZ / "tests" / "dashboards" / "conftest.py"
        )
        modulo = importlib.util.module_from_spec(spec)
        sys.modules[nome] = modulo  # dataclasses look their module up while the file executes
        spec.loader.exec_module(modulo)
    return sys.modules[nome]


def _porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _esperar_servidor(url: str, processo: subprocess.Popen, log: Path, limite: float = 90) -> None:
    prazo = time.monotonic() + limite
    while time.monotonic() < prazo:
        if processo.poll() is not None:
            pytest.fail(f"streamlit exited with {processo.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resposta:
                if resposta.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer within {limite} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A publication with the standard rows plus one change made a minute ago.

    The page opens on "Mês atual" of the real today, so the recent row (a client of broker 102)
    makes sure it has data whatever day the test runs.
    """
    publicacao = _modulo_de_publicacao()
    agora = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    recente = publicacao.Alteracao(
        "ev-e2e", 2001, "Cláudia Araújo", "12345678901", "email",
        "claudia@antigo.com", "claudia@novo.com", agora - timedelta(minutes=1),
    )  # fmt: skip
    data_dir = tmp_path / "data"
    publicacao.escrever_publicacao(
        data_dir / "published",
        [*publicacao.ALTERACOES, recente],
        publicacao.PUBLICADO_EM,
        "run-e2e",
        carteira=[*publicacao.CARTEIRA, (2001, 102, 1, "reserva", 5999)],
    )
    return data_dir


@pytest.fixture
def servidor(data_dir: Path, tmp_path: Path) -> Iterator[str]:
    """`alicerce serve` on a free port, as users start it; always terminated afterwards."""
    porta = _porta_livre()
    ambiente = {
        **os.environ,
        "ALICERCE_DATA_DIR": str(data_dir),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    ambiente["ALICERCE_USUARIOS_FILE"] = str(
        _modulo_de_publicacao().escrever_usuarios(tmp_path / "usuarios.yaml")
    )
    log = tmp_path / "streamlit.log"
    with log.open("wb") as saida:
        processo = subprocess.Popen(
            [ALICERCE, "serve", "--port", str(porta)],
            cwd=tmp_path,
            env=ambiente,
            stdout=saida,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{porta}"
        _esperar_servidor(url, processo, log)
        yield url
    finally:
        processo.terminate()
        try:
            processo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            processo.kill()
            processo.wait(timeout=15)


def _esperar_fim_da_execucao(pagina) -> None:
    """Wait until the script run is over.

    During a rerun the previous run's elements stay on screen, marked stale; clicking a stale
    download button would fetch the previous run's file.
    """
    from playwright.sync_api import expect

    expect(pagina.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=30_000)
    expect(pagina.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


def _ver_titulo(pagina, nome: str, timeout: float = 60_000) -> None:
    """Wait for exactly one visible page heading `nome`.

    While a rerun replaces the page, the previous run's heading can sit beside the new one for a
    moment; a plain locator would then fail on two matches.
    """
    from playwright.sync_api import expect

    titulo = pagina.get_by_role("heading", name=nome)
    expect(titulo).to_have_count(1, timeout=timeout)
    expect(titulo).to_be_visible()


def _entrar(pagina, login: str, senha: str) -> None:
    """Log in with the users-file form."""
    from playwright.sync_api import expect

    expect(pagina.get_by_label("Usuário")).to_be_visible(timeout=60_000)
    pagina.get_by_label("Usuário").fill(login)
    pagina.get_by_label("Senha").fill(senha)
    pagina.get_by_role("button", name="Entrar").click()


def test_corretor_no_navegador(servidor: str, data_dir: Path, tmp_path: Path):
    """Logged in as broker 102 (clients 1001 and 1002), the page shows only their changes; the
    export holds only them and leaves an audit row."""
    from playwright.sync_api import expect, sync_playwright

    publicacao = _modulo_de_publicacao()
    with sync_playwright() as p:
        navegador = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTOS_CHROMIUM)
        try:
            pagina = navegador.new_page(viewport={"width": 1600, "height": 1400})
            pagina.goto(servidor, wait_until="domcontentloaded")
            expect(pagina.get_by_role("heading", name="Alterações cadastrais")).to_have_count(0)
            _entrar(pagina, "corretor102", "senha errada")
            expect(pagina.get_by_text("Usuário ou senha incorretos.")).to_be_visible(timeout=30_000)
            _entrar(pagina, "corretor102", publicacao.SENHA)

            _ver_titulo(pagina, "Alterações cadastrais")
            expect(pagina.get_by_test_id("stSidebar")).to_contain_text(
                "Conectado como Corretor 102 (corretor, corretor 102)"
            )
            # Only one page for a broker: the menu has no other entry.
            expect(pagina.get_by_text("Qualidade dos dados")).to_have_count(0)
            tabelas = pagina.locator('[data-testid="stDataFrame"]')
            expect(tabelas.last).to_be_visible(timeout=60_000)
            expect(tabelas).to_have_count(2)  # totals by field, and the before/after table
            # The tables' own toolbar offers no download: exports go through the audited buttons.
            tabelas.last.hover()
            barra_da_tabela = pagina.get_by_test_id("stElementToolbar").last
            expect(barra_da_tabela.get_by_role("button", name="Search")).to_be_visible()
            expect(barra_da_tabela.get_by_role("button", name="Download as CSV")).to_have_count(0)
            expect(pagina.get_by_test_id("stMetric").first).to_contain_text("Alterações")
            expect(pagina.get_by_test_id("stSidebar")).to_contain_text(
                "dados atualizados em 27/11/2026 15:30"
            )
            expect(pagina.get_by_text("Buscar cliente (nome ou ID)")).to_be_visible()
            _esperar_fim_da_execucao(pagina)
            pagina.screenshot(path=str(tmp_path / "alteracoes_cadastrais.png"), full_page=True)

            # A pt-BR date typed into "Data de referência" moves "Mês atual" (01/11 to 20/11/2026).
            dia = pagina.get_by_role("spinbutton", name="day, Data de referência")
            dia.click()
            dia.press_sequentially("20")
            pagina.get_by_role("heading", name="Alterações cadastrais").first.click()  # blur
            expect(pagina.get_by_text("Período: 01/11/2026 a 20/11/2026")).to_be_visible(
                timeout=30_000
            )
            _esperar_fim_da_execucao(pagina)
            expect(pagina.get_by_test_id("stMetricValue").first).to_have_text("4")

            # The export holds exactly what the screen shows: this period, CPF masked.
            with pagina.expect_download(timeout=60_000) as baixado:
                pagina.get_by_role("button", name="Exportar CSV (Excel)").click()
            conteudo = Path(baixado.value.path()).read_bytes()
            assert baixado.value.suggested_filename.endswith(".csv")
            assert conteudo.startswith(BOM)
            texto = conteudo.decode("utf-8-sig")
            assert texto.startswith("Cliente;ID;CPF;Campo;Valor anterior;Valor atual;Data;Origem")
            assert texto.count("\r\n") == 5  # header and the 4 changes of 01/11 to 20/11/2026
            assert "João Conceição;1001;***.456.789-**;E-mail;" in texto
            assert "Cláudia Araújo" not in texto  # changed today, after 20/11/2026
            assert "Pedro Álvares" not in texto  # 1003 is another broker's client
            assert "12345678901" not in texto
            assert "***.654.321-**" in texto  # Maria (1002) is theirs, CPF masked

            # A URL of a page the role may not open leads to their own page, never the other
            # (a new browser session: the signed cookie logs them in again).
            pagina.goto(f"{servidor}/auditoria", wait_until="domcontentloaded")
            _ver_titulo(pagina, "Alterações cadastrais")
            expect(pagina.get_by_role("heading", name="Auditoria")).to_have_count(0)

            pagina.get_by_test_id("stSidebar").get_by_role("button", name="Sair").click()
            expect(pagina.get_by_label("Usuário")).to_be_visible(timeout=30_000)

            # Removed from the users file while a re-login cookie lives: the form again, no error.
            _entrar(pagina, "corretor102", publicacao.SENHA)
            _ver_titulo(pagina, "Alterações cadastrais")
            publicacao.escrever_usuarios(
                tmp_path / "usuarios.yaml",
                [u for login, u in publicacao.USUARIOS.items() if login != "corretor102"],
            )
            pagina.goto(servidor, wait_until="domcontentloaded")
            expect(pagina.get_by_label("Usuário")).to_be_visible(timeout=30_000)
            _esperar_fim_da_execucao(pagina)
            expect(pagina.get_by_text("Não foi possível entrar")).to_have_count(0)
            expect(pagina.get_by_role("heading", name="Alterações cadastrais")).to_have_count(0)
        finally:
            navegador.close()

    (registro,) = _auditoria(data_dir)
    assert registro["login"] == "corretor102"
    assert registro["action"] == "exportacao"
    assert registro["page"] == "alteracoes-cadastrais"
    assert registro["row_count"] == 4
    assert registro["detail"] == "csv"
    assert '"inicio": "2026-11-01"' in registro["filters_json"]


def _auditoria(data_dir: Path) -> list[dict]:
    with closing(sqlite3.connect(data_dir / "state" / "alicerce.sqlite")) as conexao:
        conexao.row_factory = sqlite3.Row
        return [dict(linha) for linha in conexao.execute("select * from audit_log order by at")]
