"""The start every page shares: its title, then the logged-in user if their role may open it."""

from __future__ import annotations

import streamlit as st

from dashboards import data_access, sessao
from dashboards.politica import Pagina
from dashboards.usuarios import Usuario


def abrir(titulo: str, pagina: Pagina, exige_publicacao: bool = True) -> Usuario | None:
    """Show the title; return the user, or None after saying why the page shows nothing: the
    role may not open it (hidden from the menu, but a URL can be typed), or, when the page needs
    one, nothing was published yet."""
    st.title(titulo)
    usuario = sessao.usuario()
    if not data_access.pode_abrir(usuario, pagina):
        st.error(f"O perfil “{usuario.papel}” não tem acesso a esta página.")
        return None
    if exige_publicacao and data_access.publicacao_atual() is None:
        st.info(data_access.SEM_PUBLICACAO)
        return None
    return usuario
