"""Entry point of the dashboards (`streamlit run dashboards/app.py`): login, then navigation.

Who may log in is `dashboards/sessao.py`; which pages each role sees, `dashboards/navegacao.py`.
"""

import streamlit as st

from dashboards import data_access, sessao
from dashboards.formatacao import data_hora_br
from dashboards.navegacao import lembrar_destino, secoes, seguir_para_o_destino


def _rodape() -> None:
    publicacao = data_access.publicacao_atual()
    if publicacao is None:
        st.sidebar.info(data_access.SEM_PUBLICACAO)
    else:
        st.sidebar.caption(f"dados atualizados em {data_hora_br(publicacao.publicado_em)}")


st.set_page_config(page_title="Alicerce", layout="wide")
if not st.get_option("client.disableDataExport"):
    # Tables' own "Download as CSV" would bypass the audited exports. The option reaches the
    # browser at the start of a run, so set it (for the whole server) and run again.
    st.set_option("client.disableDataExport", True)
    st.rerun()
if sessao.CHAVE_USUARIO not in st.session_state:
    # Before the login, which may rerun on its own (a re-login cookie): the page a URL asked for
    # opens after it.
    lembrar_destino()
usuario = sessao.exigir_login()
if usuario is None:
    st.stop()
paginas = secoes(usuario)
navegacao = st.navigation(paginas)
seguir_para_o_destino(navegacao, paginas)
_rodape()
navegacao.run()
