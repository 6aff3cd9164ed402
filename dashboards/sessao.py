"""Login, logout and session expiry of the dashboards; the logged-in user of each session.

Two logins, chosen by ALICERCE_LOGIN (docs/access.md):

- `arquivo` (the embedded default): the users file's bcrypt hashes, checked by
  streamlit-authenticator, which also keeps a signed re-login cookie;
- `oidc` (production): Streamlit's OpenID Connect login (`st.login`, configured in [auth] of
  .streamlit/secrets.toml); the provider checks the password and the user is found in the users
  file by the e-mail it vouches for.

Either way a session ends ALICERCE_SESSAO_HORAS after its login, enforced here on every run: the
cookies of both logins would otherwise last longer (Streamlit's own lasts 30 days).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from dashboards import usuarios
from dashboards.usuarios import ArquivoDeUsuariosInvalido, Usuario
from ingestion.settings import Settings, get_settings

_log = logging.getLogger(__name__)

# Where the logged-in user of a session is kept (tests of a single page set it directly).
CHAVE_USUARIO = "alicerce_usuario"
_INICIO = "alicerce_sessao_inicio"
_EXPIROU = "alicerce_sessao_expirou"
COOKIE = "alicerce_sessao"
TENTATIVAS_DE_LOGIN = 5  # wrong passwords in a row before a login is locked (until a restart)

# Signs the re-login cookie when ALICERCE_SESSAO_CHAVE is not set: new at every server start.
_CHAVE_DO_PROCESSO = secrets.token_urlsafe(32)

_CAMPOS_DO_FORMULARIO = {
    "Form name": "Entrar no Alicerce",
    "Username": "Usuário",
    "Password": "Senha",
    "Login": "Entrar",
}


def exigir_login() -> Usuario | None:
    """Show the login until someone is logged in; then their user (also kept for `usuario()`).

    Called by app.py on every run, before the navigation. None means: nothing else to draw.
    """
    settings = get_settings()
    try:
        todos = usuarios.carregar(settings.usuarios_file)
    except ArquivoDeUsuariosInvalido as erro:
        # The details name logins and e-mails: for the server's log, not for anyone at the door.
        _log.error("%s", erro)
        st.error(
            "O login está indisponível: o arquivo de usuários tem erros. "
            "O administrador vê quais com `alicerce usuarios verificar`."
        )
        return None
    if settings.login == "oidc":
        usuario = _login_oidc(todos, settings)
    else:
        usuario = _login_arquivo(todos, settings)
    if usuario is None:
        st.session_state.pop(CHAVE_USUARIO, None)
    else:
        st.session_state[CHAVE_USUARIO] = usuario
    return usuario


def usuario() -> Usuario:
    """The user logged in to this session (pages call this; app.py logged them in this run)."""
    atual = st.session_state.get(CHAVE_USUARIO)
    if not isinstance(atual, Usuario):
        st.stop()  # never reached through app.py, which draws no page before a login
    return atual


def fim_da_sessao() -> datetime:
    """When this session's login stops being valid (what a deferred export checks)."""
    inicio = st.session_state.get(_INICIO) or datetime.now(UTC)  # tests of a lone page
    return inicio + duracao(get_settings())


def duracao(settings: Settings) -> timedelta:
    return timedelta(hours=settings.sessao_horas)


def expirada(inicio: datetime, settings: Settings, agora: datetime | None = None) -> bool:
    """Whether a session that began at `inicio` is over (exactly at the limit it is)."""
    return (agora or datetime.now(UTC)) >= inicio + duracao(settings)


# --- users file --------------------------------------------------------------------------------


def _login_arquivo(todos: tuple[Usuario, ...], settings: Settings) -> Usuario | None:
    if st.session_state.pop(_EXPIROU, False):
        st.warning(_mensagem_expirou(settings))
    chave = _chave_do_cookie(settings)
    autenticador = stauth.Authenticate(
        _credenciais(settings.usuarios_file, settings.usuarios_file.stat().st_mtime),
        cookie_name=COOKIE,
        cookie_key=chave,
        cookie_expiry_days=settings.sessao_horas / 24,
        auto_hash=False,
    )
    try:
        autenticador.login(
            location="main",
            fields=_CAMPOS_DO_FORMULARIO,
            key="login",
            max_login_attempts=TENTATIVAS_DE_LOGIN,
            callback=_marcar_inicio,
        )
    except LoginError as erro:
        if "not authorized" in str(erro):
            # A re-login cookie of a user since removed from the users file: drop it, and the
            # form again (otherwise this error would show until the cookie expired). Nobody is
            # logged in, so the package's logout() refuses; this is what it would do.
            st.session_state["logout"] = True  # the package then ignores the cookie
            autenticador.cookie_controller.delete_cookie()
            st.rerun()
        st.error(_mensagem_de_erro_de_login(str(erro)))
        return None
    situacao = st.session_state.get("authentication_status")
    if situacao is False:
        st.error("Usuário ou senha incorretos.")
    if not situacao:
        return None

    usuario = usuarios.por_login(todos, st.session_state.get("username"))
    inicio = st.session_state.get(_INICIO) or _inicio_pelo_cookie(chave, settings)
    st.session_state[_INICIO] = inicio
    if usuario is None or expirada(inicio, settings):
        # Gone from the users file, or the session is over: out, and the login form again.
        autenticador.logout(location="unrendered")
        st.session_state.pop(_INICIO, None)
        st.session_state[_EXPIROU] = usuario is not None
        st.rerun()

    st.sidebar.caption(f"Conectado como {usuario.descricao()}")
    autenticador.logout("Sair", location="sidebar", key="sair", callback=_esquecer_inicio)
    if not st.session_state.get("authentication_status"):
        st.rerun()  # "Sair" was clicked in this run
    return usuario


@lru_cache(maxsize=4)
def _credenciais(caminho: Path, modificado_em: float) -> dict[str, Any]:
    """The users with a password, as streamlit-authenticator wants them.

    One dict per version of the file for the whole server process: the package counts wrong
    passwords in it, so the attempt limit holds across sessions.
    """
    return {
        "usernames": {
            usuario.login: {
                "name": usuario.nome,
                "email": usuario.email,
                "password": usuario.senha_hash,
                "roles": [str(usuario.papel)],
            }
            for usuario in usuarios.carregar(caminho)
            if usuario.senha_hash
        }
    }


def _chave_do_cookie(settings: Settings) -> str:
    if settings.sessao_chave is not None:
        return settings.sessao_chave.get_secret_value()
    return _CHAVE_DO_PROCESSO


def _marcar_inicio(_evento: dict) -> None:
    st.session_state[_INICIO] = datetime.now(UTC)


def _esquecer_inicio(_evento: dict | None = None) -> None:
    st.session_state.pop(_INICIO, None)


def _inicio_pelo_cookie(chave: str, settings: Settings) -> datetime:
    """When the session that a re-login cookie carries on began: its expiry minus the duration.

    A session resumed from the cookie (a new tab, a reload) keeps its first login's clock.
    """
    token = st.context.cookies.get(COOKIE)
    if token:
        try:
            conteudo = jwt.decode(token, chave, algorithms=["HS256"])
            return datetime.fromtimestamp(float(conteudo["exp_date"]), UTC) - duracao(settings)
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):
            pass
    return datetime.now(UTC)


def _mensagem_de_erro_de_login(erro: str) -> str:
    if "login attempts" in erro:
        return (
            "Login bloqueado após tentativas erradas demais. "
            "Peça ao gestor para liberá-lo (reinício do painel)."
        )
    return f"Não foi possível entrar: {erro}"


def _mensagem_expirou(settings: Settings) -> str:
    horas = f"{settings.sessao_horas:g}".replace(".", ",")
    return f"Sua sessão expirou (limite de {horas} h). Entre novamente."


# --- OpenID Connect ------------------------------------------------------------------------------


def _login_oidc(todos: tuple[Usuario, ...], settings: Settings) -> Usuario | None:
    if not st.user.is_logged_in:
        st.title("Alicerce")
        st.write("Entre com a conta da empresa.")
        if st.button("Entrar", key="entrar_oidc"):
            st.login()
        return None

    emitido = st.user.get("iat")
    inicio = (
        datetime.fromtimestamp(float(emitido), UTC)
        if isinstance(emitido, int | float)
        else st.session_state.setdefault(_INICIO, datetime.now(UTC))
    )
    st.session_state[_INICIO] = inicio
    if expirada(inicio, settings):
        # Clears Streamlit's cookie, and ends the provider's session too when the provider
        # advertises an end-session endpoint.
        st.logout()
        return None

    email = st.user.get("email")
    # Absent counts as unverified: a provider that lets users type any e-mail must not match one.
    verificado = st.user.get("email_verified") in (True, "true")
    usuario = usuarios.por_email(todos, email) if verificado else None
    if usuario is None:
        st.error(
            f"O usuário {email or st.user.get('sub')} não tem acesso ao Alicerce: "
            "peça ao gestor para incluí-lo no arquivo de usuários."
        )
        if st.button("Sair", key="sair_oidc"):
            st.logout()
        return None
    st.sidebar.caption(f"Conectado como {usuario.descricao()}")
    if st.sidebar.button("Sair", key="sair"):
        st.logout()
        return None
    return usuario
