"""The pages of the dashboards by section, as the user's role may see them.

`app.py` hands this to `st.navigation`. A page the role may not open is left out of the menu, so
its URL leads nowhere; each page still checks the role itself (`data_access` refuses its data).

A page's URL (a link of "Pesquisas" to "Registro do CRM", say) also works when it opens a new
session: the login runs before `st.navigation`, so the run that shows the login form (or reads
the re-login cookie) cannot open the page yet. `lembrar_destino` keeps the page and query
parameters the browser asked for, and `seguir_para_o_destino` opens them right after the login.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import streamlit as st

from dashboards import data_access
from dashboards.paginas import (
    alcadas,
    alteracoes_cadastrais,
    auditoria,
    pesquisas,
    qualidade_dados,
    reengajamento,
    registro,
    serasa,
)
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario

# Section -> its pages in menu order: (page, module with TITULO and render()).
_SECOES = {
    "Cadastro": [(Pagina.ALTERACOES_CADASTRAIS, alteracoes_cadastrais)],
    "Campanhas": [(Pagina.REENGAJAMENTO, reengajamento)],
    # "Registro do CRM" is listed too (it has inputs for a type and an ID); the links of
    # "Pesquisas" open it by URL: registro?tipo=<tipo_registro>&id=<ID>.
    "Relacionamento": [(Pagina.PESQUISAS, pesquisas), (Pagina.REGISTRO, registro)],
    # "Alçadas" opens one reservation's cycles by URL too: alcadas?idreserva=<ID>.
    # "Serasa": the credit queries' usage and cost, and the clients' credit summaries.
    "Vendas": [(Pagina.ALCADAS, alcadas), (Pagina.SERASA, serasa)],
    "Operação": [
        (Pagina.QUALIDADE_DOS_DADOS, qualidade_dados),
        (Pagina.AUDITORIA, auditoria),
    ],
}


def secoes(usuario: Usuario) -> dict[str, list[st.Page]]:
    """Section title -> its pages the user may open (only sections with a page)."""
    resultado: dict[str, list[st.Page]] = {}
    for secao, paginas in _SECOES.items():
        permitidas = [
            st.Page(
                modulo.render,
                title=modulo.TITULO,
                url_path=pagina,
                default=pagina == Pagina.ALTERACOES_CADASTRAIS,  # every role opens it
            )
            for pagina, modulo in paginas
            if data_access.pode_abrir(usuario, pagina)
        ]
        if permitidas:
            resultado[secao] = permitidas
    return resultado


# Where the page a browser asked for before its login is kept, in the session.
CHAVE_DESTINO = "alicerce_destino"


@dataclass(frozen=True)
class Destino:
    url_path: str  # "registro"; "" for the default page
    query_params: dict[str, str]


def destino_da_url(url: str | None, caminho_base: str = "") -> str | None:
    """The page's URL path in a browser URL, without the server's base path:
    "https://h/alicerce/registro" with base "alicerce" -> "registro"; None without a URL."""
    if not url:
        return None
    caminho = urlparse(url).path.strip("/")
    base = caminho_base.strip("/")
    if base and (caminho == base or caminho.startswith(f"{base}/")):
        caminho = caminho[len(base) :].strip("/")
    return caminho


def lembrar_destino() -> None:
    """While nobody is logged in, remember which page (and query parameters) the browser asked
    for, to open after the login."""
    url_path = destino_da_url(st.context.url, st.get_option("server.baseUrlPath") or "")
    if url_path is None:
        return
    st.session_state[CHAVE_DESTINO] = Destino(url_path, st.query_params.to_dict())


def seguir_para_o_destino(atual: st.Page, paginas: dict[str, list[st.Page]]) -> None:
    """Right after a login, open the page the browser asked for before it, with its query
    parameters, when it is one of the user's pages and not the one `st.navigation` chose.
    Only once: later runs follow the menu."""
    destino = st.session_state.pop(CHAVE_DESTINO, None)
    if not isinstance(destino, Destino) or destino.url_path == atual.url_path:
        return
    for pagina in (pagina for lista in paginas.values() for pagina in lista):
        if pagina.url_path == destino.url_path:
            st.switch_page(pagina, query_params=destino.query_params)
