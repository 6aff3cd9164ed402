"""The dashboards' production login, Streamlit's OpenID Connect (`st.login`), in a real browser.

The identity provider is real: panva's oidc-provider on Node.js (tests/e2e/oidc/provider.mjs),
installed beforehand by `npm ci --prefix tests/e2e/oidc` (the Makefile's `make test` does it).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_browser import (
    ALICERCE,
    ARGUMENTOS_CHROMIUM,
    CHROMIUM,
    _esperar_fim_da_execucao,
    _esperar_servidor,
    _modulo_de_publicacao,
    _porta_livre,
    _ver_titulo,
)

RAIZ = Path(__file__).resolve().parents[2]
PASTA_DO_PROVEDOR = RAIZ / "tests" / "e2e" / "oidc"

pytestmark = pytest.mark.browser

SENHA_DO_CORRETOR = "senha-do-corretor"
CORRETOR = {
    "sub": "corretor-101",
    "email": "corretor101@empresa.test",
    "email_verified": True,
    "name": "Corretor Cento e Um",
    "password": SENHA_DO_CORRETOR,
}
ESTRANHO = {  # signs in at the provider, but is not in the users file
    "sub": "estranho",
    "email": "estranho@empresa.test",
    "email_verified": True,
    "name": "Estranho",
}
NAO_VERIFICADO = {  # in the users file, but the provider does not vouch for the e-mail
    "sub": "nao-verificado",
    "email": "nao.verificado@empresa.test",
    "email_verified": False,
    "name": "Não Verificado",
}

USUARIOS = """\
usuarios:
  - login: corretor101
    nome: Corretor 101
    papel: corretor
    email: corretor101@empresa.test
    idcorretor: 101
  - login: naoverificado
    nome: Não Verificado
    papel: gestor
    email: nao.verificado@empresa.test
"""


@dataclass(frozen=True)
class Provedor:
    emissor: str
    porta_do_app: int  # the redirect URI registered at the provider names it
    client_id: str
    client_secret: str

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.porta_do_app}/oauth2callback"


def _terminar(processo: subprocess.Popen) -> None:
    processo.terminate()
    try:
        processo.wait(timeout=15)
    except subprocess.TimeoutExpired:
        processo.kill()
        processo.wait(timeout=15)


@pytest.fixture
def provedor(tmp_path: Path) -> Iterator[Provedor]:
    """tests/e2e/oidc/provider.mjs on a free port, with the three accounts; always terminated."""
    if not (PASTA_DO_PROVEDOR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "oidc-provider is not installed: run `npm ci --prefix tests/e2e/oidc` "
            "(part of `make test`)"
        )
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; the OIDC provider needs it")
    provedor = Provedor(
        emissor=f"http://127.0.0.1:{_porta_livre()}",
        porta_do_app=_porta_livre(),
        client_id="alicerce-dashboards",
        client_secret=secrets.token_urlsafe(24),
    )
    ambiente = {
        **os.environ,
        "OIDC_PORT": provedor.emissor.rsplit(":", 1)[1],
        "OIDC_CLIENT_ID": provedor.client_id,
        "OIDC_CLIENT_SECRET": provedor.client_secret,
        "OIDC_REDIRECT_URI": provedor.redirect_uri,
        "OIDC_ACCOUNTS": json.dumps([CORRETOR, ESTRANHO, NAO_VERIFICADO]),
    }
    log = tmp_path / "provider.log"
    with log.open("wb") as saida:
        processo = subprocess.Popen(
            [node, str(PASTA_DO_PROVEDOR / "provider.mjs")],
            cwd=PASTA_DO_PROVEDOR, env=ambiente, stdout=subprocess.PIPE, stderr=saida,
        )  # fmt: skip
    try:
        pronto = threading.Event()

        def ler_saida() -> None:  # "ready <issuer>", then keep draining stdout into the log
            with log.open("ab") as saida:
                for linha in processo.stdout:
                    saida.write(linha)
                    saida.flush()
                    if linha.startswith(b"ready "):
                        pronto.set()

        threading.Thread(target=ler_saida, daemon=True).start()
        prazo = time.monotonic() + 30
        while not pronto.wait(timeout=0.2):
            if processo.poll() is not None or time.monotonic() > prazo:
                pytest.fail(f"the OIDC provider did not start:\n{log.read_text()[-3000:]}")
        yield provedor
    finally:
        _terminar(processo)
        processo.stdout.close()


def _escrever_publicacao(data_dir: Path) -> None:
    """The standard rows plus one change a minute ago (as tests/e2e/test_browser.py does)."""
    publicacao = _modulo_de_publicacao()
    agora = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    recente = publicacao.Alteracao(
        "ev-e2e", 2001, "Cláudia Araújo", "12345678901", "email",
        "claudia@antigo.com", "claudia@novo.com", agora - timedelta(minutes=1),
    )  # fmt: skip
    publicacao.escrever_publicacao(
        data_dir / "published",
        [*publicacao.ALTERACOES, recente],
        publicacao.PUBLICADO_EM,
        "run-e2e",
    )


@pytest.fixture
def iniciar_app(provedor: Provedor, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Starts `alicerce serve` with ALICERCE_LOGIN=oidc in tmp_path; returns its URL.

    Streamlit's [auth] goes in `.streamlit/secrets.toml` of that folder, as docs/access.md says,
    pointing at the provider. The server is always terminated afterwards.
    """
    segredos = tmp_path / ".streamlit" / "secrets.toml"
    segredos.parent.mkdir()
    segredos.write_text(
        "[auth]\n"
        f'redirect_uri = "{provedor.redirect_uri}"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{provedor.client_id}"\n'
        f'client_secret = "{provedor.client_secret}"\n'
        f'server_metadata_url = "{provedor.emissor}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    usuarios = tmp_path / "usuarios.yaml"
    usuarios.write_text(USUARIOS, encoding="utf-8")
    data_dir = tmp_path / "data"
    _escrever_publicacao(data_dir)

    with ExitStack() as pilha:

        def iniciar(sessao_horas: float = 8.0) -> str:
            porta = provedor.porta_do_app
            ambiente = {
                **os.environ,
                "ALICERCE_DATA_DIR": str(data_dir),
                "ALICERCE_LOGIN": "oidc",
                "ALICERCE_USUARIOS_FILE": str(usuarios),
                "ALICERCE_SESSAO_HORAS": str(sessao_horas),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            }
            log = tmp_path / "streamlit.log"
            with log.open("wb") as saida:
                processo = subprocess.Popen(
                    [ALICERCE, "serve", "--port", str(porta)],
                    cwd=tmp_path,
                    env=ambiente,
                    stdout=saida,
                    stderr=subprocess.STDOUT,
                )
            pilha.callback(_terminar, processo)
            url = f"http://127.0.0.1:{porta}"
            _esperar_servidor(url, processo, log)
            return url

        yield iniciar


@pytest.fixture
def pagina() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navegador = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTOS_CHROMIUM)
        try:
            yield navegador.new_page(viewport={"width": 1600, "height": 1200})
        finally:
            navegador.close()


def _ir_ao_provedor(pagina, provedor: Provedor) -> None:
    """Click the app's "Entrar" and land on the provider's sign-in form."""
    from playwright.sync_api import expect

    pagina.get_by_role("button", name="Entrar", exact=True).click()
    pagina.wait_for_url(f"{provedor.emissor}/interaction/*", timeout=30_000)
    expect(pagina.get_by_role("heading", name="Provedor de identidade (teste)")).to_be_visible()


def _preencher(pagina, email: str, senha: str) -> None:
    pagina.get_by_label("E-mail").fill(email)
    pagina.get_by_label("Senha").fill(senha)
    pagina.get_by_role("button", name="Entrar no provedor").click()


def _entrar(pagina, provedor: Provedor, email: str, senha: str, url: str) -> None:
    """Sign in at the provider and wait for the callback to land back in the app."""
    _ir_ao_provedor(pagina, provedor)
    _preencher(pagina, email, senha)
    pagina.wait_for_url(f"{url}/**", timeout=30_000)


def _esperar_tela_de_entrada(pagina) -> None:
    from playwright.sync_api import expect

    expect(pagina.get_by_role("button", name="Entrar", exact=True)).to_be_visible(timeout=60_000)
    expect(pagina.get_by_text("Conectado como")).to_have_count(0)
    expect(pagina.get_by_role("heading", name="Alterações cadastrais")).to_have_count(0)


def _cookies_do_streamlit(pagina) -> set[str]:
    return {c["name"] for c in pagina.context.cookies() if c["name"].startswith("_streamlit_user")}


def test_login_oidc_do_corretor_sair_e_recusas(provedor, iniciar_app, pagina, tmp_path):
    from playwright.sync_api import expect

    url = iniciar_app()
    pagina.goto(url, wait_until="domcontentloaded")
    _esperar_tela_de_entrada(pagina)

    # The provider refuses a wrong password and an unknown e-mail: the browser stays there.
    _ir_ao_provedor(pagina, provedor)
    for email, senha in [
        (CORRETOR["email"], "senha-errada"),
        (CORRETOR["email"], ""),
        ("ninguem@empresa.test", "qualquer"),
    ]:
        _preencher(pagina, email, senha)
        expect(pagina.get_by_role("alert")).to_have_text("E-mail ou senha inválidos.")
        assert pagina.url.startswith(f"{provedor.emissor}/interaction/"), pagina.url
    assert not _cookies_do_streamlit(pagina)

    # The right password: back in the app as the broker of the users file.
    _preencher(pagina, CORRETOR["email"], SENHA_DO_CORRETOR)
    pagina.wait_for_url(f"{url}/**", timeout=30_000)
    barra = pagina.get_by_test_id("stSidebar")
    expect(barra).to_contain_text(
        "Conectado como Corretor 101 (corretor, corretor 101)", timeout=60_000
    )
    _ver_titulo(pagina, "Alterações cadastrais")
    expect(pagina.get_by_test_id("stMetric").first).to_contain_text("Alterações", timeout=60_000)
    _esperar_fim_da_execucao(pagina)
    assert _cookies_do_streamlit(pagina)
    pagina.screenshot(path=str(tmp_path / "oidc_corretor.png"), full_page=True)

    # "Sair": Streamlit's cookie is gone and the provider's session ended; "Entrar" again.
    barra.get_by_role("button", name="Sair").click()
    _esperar_tela_de_entrada(pagina)
    assert not _cookies_do_streamlit(pagina)

    # Someone the provider knows but the users file does not: refused by the app.
    _entrar(pagina, provedor, ESTRANHO["email"], "qualquer-senha", url)
    expect(
        pagina.get_by_text(f"O usuário {ESTRANHO['email']} não tem acesso ao Alicerce")
    ).to_be_visible(timeout=60_000)
    expect(pagina.get_by_role("heading", name="Alterações cadastrais")).to_have_count(0)
    expect(pagina.get_by_text("Conectado como")).to_have_count(0)
    pagina.screenshot(path=str(tmp_path / "oidc_estranho.png"), full_page=True)
    pagina.get_by_role("button", name="Sair").click()
    _esperar_tela_de_entrada(pagina)

    # In the users file, but the provider says the e-mail is not verified: refused too.
    _entrar(pagina, provedor, NAO_VERIFICADO["email"], "qualquer-senha", url)
    expect(
        pagina.get_by_text(f"O usuário {NAO_VERIFICADO['email']} não tem acesso ao Alicerce")
    ).to_be_visible(timeout=60_000)
    expect(pagina.get_by_role("heading", name="Alterações cadastrais")).to_have_count(0)
    expect(pagina.get_by_text("Conectado como")).to_have_count(0)


SESSAO_HORAS = 0.004  # 14.4 s


def test_sessao_oidc_expira_apos_sessao_horas(provedor, iniciar_app, pagina):
    """ALICERCE_SESSAO_HORAS after the ID token's iat, the next interaction logs the user out."""
    from playwright.sync_api import expect

    duracao = SESSAO_HORAS * 3600
    url = iniciar_app(sessao_horas=SESSAO_HORAS)
    pagina.goto(url, wait_until="domcontentloaded")
    _esperar_tela_de_entrada(pagina)
    _ir_ao_provedor(pagina, provedor)
    antes_do_token = time.time()  # the ID token's iat is no earlier than this
    _preencher(pagina, CORRETOR["email"], SENHA_DO_CORRETOR)
    pagina.wait_for_url(f"{url}/**", timeout=30_000)
    barra = pagina.get_by_test_id("stSidebar")
    expect(barra).to_contain_text("Conectado como Corretor 101", timeout=60_000)
    _esperar_fim_da_execucao(pagina)
    depois_do_token = time.time()  # ... and no later than this

    # An interaction within the session: still logged in.
    pagina.get_by_text("Mês anterior", exact=True).click()
    _esperar_fim_da_execucao(pagina)
    expect(barra).to_contain_text("Conectado como Corretor 101")
    _ver_titulo(pagina, "Alterações cadastrais")
    assert time.time() < antes_do_token + duracao, "too slow to check before the expiry"

    # The first interaction after the limit: Streamlit's logout, back to "Entrar".
    time.sleep(max(0.0, depois_do_token + duracao + 1 - time.time()))
    pagina.get_by_text("Mês atual", exact=True).click()
    _esperar_tela_de_entrada(pagina)
    assert not _cookies_do_streamlit(pagina)
