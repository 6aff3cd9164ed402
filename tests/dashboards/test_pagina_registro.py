"""The page "Registro do CRM" as a user drives it, through Streamlit's AppTest, on real
publications: opened by the URL's query parameters (the links of "Pesquisas") or by its inputs.

The page's `render()` runs as the script, with `AppTest.query_params` as the URL's; the last
tests run the whole app (dashboards/app.py) at a page's URL (`AppTest.context["url"]`), which is
how a link of "Pesquisas" opens it: in a new session, where the login comes first.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from dashboards import data_access, sessao
from dashboards.navegacao import destino_da_url

from .conftest import APP, USUARIOS, entrar

PAGINA = """
from dashboards.paginas import registro

registro.render()
"""

TIPOS = "Pré-cadastro, Reserva, Venda, Repasse, Atendimento, Assistência técnica"


def abrir_pagina(login: str = "gestora", **query_params: str) -> AppTest:
    """The page alone, as if opened at registro?<query_params>, with `login` logged in."""
    at = AppTest.from_string(PAGINA, default_timeout=60)
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    at.query_params.update(query_params)
    at.run()
    assert not at.exception, at.exception
    return at


def campos(at: AppTest) -> dict[str, str | None]:
    """The record's fields as shown."""
    (tabela,) = [df.value for df in at.dataframe if "Campo" in df.value.columns]
    return {
        campo: None if pd.isna(valor) else valor
        for campo, valor in zip(tabela["Campo"], tabela["Valor"], strict=True)
    }


def envios(at: AppTest) -> pd.DataFrame:
    (tabela,) = [df.value for df in at.dataframe if "Envio" in df.value.columns]
    return tabela


def mensagens(at: AppTest) -> dict[str, list[str]]:
    return {
        "error": [e.value for e in at.error],
        "warning": [w.value for w in at.warning],
        "info": [i.value for i in at.info],
    }


# --- a record by URL ------------------------------------------------------------------------------


def test_reserva_pela_url(publicacao):
    at = abrir_pagina(tipo="reserva", id="5001")
    assert at.title[0].value == "Registro do CRM"
    assert at.selectbox(key="registro_tipo").value == "reserva"
    assert at.text_input(key="registro_id").value == "5001"
    assert [subtitulo.value for subtitulo in at.subheader] == [
        "Reserva 5001",
        "Pesquisas enviadas com este protocolo",
    ]
    assert campos(at) == {
        "Tipo": "Reserva",
        "ID": "5001",
        "Cliente": "João Conceição",
        "Cliente (ID)": "1001",
        "Situação": "Vendida",
        "Criado em": "20/11/2018 10:00",  # 12:00 UTC under daylight saving time (UTC-2)
        "Empreendimento (ID)": "10",
        "Detalhe": "Residencial Aurora, bloco A, apto 301",
        "Excluído no CRM": "não",
    }
    assert not at.warning and not at.error
    # Its two dispatches, newest first; 9012 carries the text "5001" too, but of a service.
    linhas = envios(at)
    assert list(linhas["Envio"]) == [9001, 9011]
    assert list(linhas["Enviado em"]) == [
        pd.Timestamp("2026-11-05 10:00"),
        pd.Timestamp("2018-12-01 13:00"),  # 15:00 UTC, UTC-2 then
    ]
    assert list(linhas["Origem do protocolo"]) == ["Gatilho", "Correspondência"]
    assert list(linhas["Gatilho"]) == ["Reserva", "Reserva"]


def test_atendimento_mostra_o_seu_protocolo(publicacao):
    at = abrir_pagina(tipo="atendimento", id="7001")
    assert campos(at)["Protocolo do atendimento"] == "ATD-2026-000123"
    assert campos(at)["Detalhe"] == "Dúvida sobre boleto"
    linhas = envios(at)
    assert list(linhas["Envio"]) == [9002]
    assert linhas.iloc[0]["Protocolo do atendimento"] == "ATD-2026-000123"


def test_registro_excluido_no_crm(publicacao):
    at = abrir_pagina(tipo="atendimento", id="7002")
    assert mensagens(at)["warning"] == ["Este registro foi excluído no CRM."]
    assert campos(at)["Excluído no CRM"] == "sim"
    assert campos(at)["Cliente"] is None
    assert list(envios(at)["Envio"]) == [9010]


def test_mesmo_id_de_outro_tipo_e_outro_registro(publicacao):
    at = abrir_pagina(tipo="precadastro", id="5001")
    assert campos(at)["Cliente"] == "Ana Lúcia"
    assert "Protocolo do atendimento" not in campos(at)
    assert mensagens(at)["info"] == ["Nenhuma pesquisa enviada com este protocolo."]
    assert not [df for df in at.dataframe if "Envio" in df.value.columns]


# --- messages -------------------------------------------------------------------------------------


def test_registro_nao_encontrado(publicacao):
    at = abrir_pagina(tipo="reserva", id="424242")
    assert mensagens(at) == {
        "error": [],
        "warning": ["Registro não encontrado: Reserva 424242."],
        "info": [],
    }
    assert not at.dataframe


def test_registro_fora_da_copia_com_pesquisas(publicacao):
    """A dispatch may point to a record the CRM copy lacks (no link on "Pesquisas"): the page
    says the record is not found, and still lists what points to it."""
    at = abrir_pagina(tipo="reserva", id="5999")
    assert mensagens(at)["warning"] == ["Registro não encontrado: Reserva 5999."]
    assert list(envios(at)["Envio"]) == [9007]


@pytest.mark.parametrize("tipo", ["foo", "servico", "pesquisa", "Reserva"])
def test_tipo_desconhecido(publicacao, tipo):
    at = abrir_pagina(tipo=tipo, id="5001")
    assert mensagens(at)["error"] == [
        f"Tipo de registro desconhecido: “{tipo}”. Os tipos são: {TIPOS}."
    ]
    assert at.selectbox(key="registro_tipo").value is None
    assert not at.dataframe


def test_tipo_desconhecido_com_markdown_nao_e_repetido(publicacao):
    at = abrir_pagina(tipo="![x](https://exemplo.com/x.png)", id="1")
    assert mensagens(at)["error"] == [f"Tipo de registro desconhecido. Os tipos são: {TIPOS}."]


@pytest.mark.parametrize(
    ("texto", "eco"),
    [
        ("abc", ": “abc”"),
        ("-5", ": “-5”"),
        ("12.5", ""),
        ("99999999999999999999", ": “99999999999999999999”"),  # beyond BIGINT
        ("٣", ""),  # an Arabic-Indic digit: not an ID
    ],
)
def test_id_invalido(publicacao, texto, eco):
    at = abrir_pagina(tipo="reserva", id=texto)
    assert mensagens(at)["error"] == [
        f"ID inválido{eco}: o ID de um registro do CRM é um número inteiro (por exemplo, 5001)."
    ]
    assert not at.dataframe


def test_sem_parametros_pede_tipo_e_id(publicacao):
    at = abrir_pagina()
    assert mensagens(at)["info"] == ["Escolha o tipo de registro e informe o ID."]
    at.selectbox(key="registro_tipo").set_value("venda").run()
    assert mensagens(at)["info"] == ["Informe o ID do registro."]
    assert at.query_params == {"tipo": "venda"}


def test_entradas_mudam_o_registro_e_a_url(publicacao):
    at = abrir_pagina(tipo="reserva", id="5001")
    at.selectbox(key="registro_tipo").set_value("venda")
    at.text_input(key="registro_id").input(" 8001 ").run()
    assert campos(at)["Tipo"] == "Venda"
    assert campos(at)["Situação"] == "Contrato assinado"
    assert list(envios(at)["Envio"]) == [9008]
    assert at.query_params == {"tipo": "venda", "id": "8001"}  # the URL to share
    at.text_input(key="registro_id").input("").run()
    assert at.query_params == {"tipo": "venda"}


# --- who sees what --------------------------------------------------------------------------------


def test_corretor_ve_os_registros_dos_seus_clientes(publicacao):
    at = abrir_pagina("corretor101", tipo="reserva", id="5001")
    assert campos(at)["Cliente"] == "João Conceição"
    assert list(envios(at)["Envio"]) == [9001, 9011]
    assert "Somente os registros dos clientes de Corretor 101 (corretor, corretor 101)." in [
        legenda.value for legenda in at.caption
    ]


def test_corretor_nao_ve_registro_de_outro_cliente(publicacao):
    # Reserva 5003 is Pedro's (1003), broker 201's client; dispatch 9006 points to it.
    at = abrir_pagina("corretor101", tipo="reserva", id="5003")
    assert mensagens(at)["warning"] == ["Registro não encontrado: Reserva 5003."]
    assert not at.dataframe  # nor the dispatch that points to it
    assert data_access.envios_do_registro(USUARIOS["corretor101"], "reserva", 5003).empty
    # Brokerage 2 (broker 201's) sees it.
    at = abrir_pagina("imob2", tipo="reserva", id="5003")
    assert campos(at)["Cliente"] == "Pedro Álvares"
    assert list(envios(at)["Envio"]) == [9006]


@pytest.mark.parametrize("login", ["analista", "compliance"])
def test_papel_sem_acesso_e_recusado(publicacao, login):
    at = abrir_pagina(login, tipo="reserva", id="5001")
    assert mensagens(at)["error"] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe
    with pytest.raises(data_access.AcessoNegado):
        data_access.registro_crm(USUARIOS[login], "reserva", 5001)


# --- nothing there yet ----------------------------------------------------------------------------


def test_publicacao_sem_registros(publicador):
    publicador.publicar(registros=None)
    at = abrir_pagina(tipo="reserva", id="5001")
    assert mensagens(at)["info"] == [
        "A publicação atual não traz os registros do CRM: eles aparecem a partir da próxima "
        "execução do pipeline (`alicerce run`)."
    ]
    assert not at.dataframe


def test_publicacao_sem_protocolos_mostra_o_registro(publicador):
    publicador.publicar(protocolos=None)
    at = abrir_pagina(tipo="reserva", id="5001")
    assert campos(at)["Cliente"] == "João Conceição"
    assert mensagens(at)["info"] == ["Nenhuma pesquisa enviada com este protocolo."]


# --- by URL, through the whole app ----------------------------------------------------------------


def app_na_url(url: str, login: str, **query_params: str) -> AppTest:
    """The app opened at `url` (a new session: the login form first), after `login` logged in."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context["url"] = url
    at.query_params.update(query_params)
    at.run()
    assert not at.title, "nothing before the login"
    at = entrar(at, login)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("login", ["gestora", "corretor101"])
def test_link_abre_o_registro_depois_do_login(publicacao, login):
    at = app_na_url("http://localhost:8501/registro", login, tipo="reserva", id="5001")
    assert [titulo.value for titulo in at.title] == ["Registro do CRM"]
    assert campos(at)["Cliente"] == "João Conceição"
    assert at.query_params == {"tipo": "reserva", "id": "5001"}
    at.run()  # the next runs stay on the page
    assert [titulo.value for titulo in at.title] == ["Registro do CRM"]


@pytest.fixture
def caminho_base():
    """The server serves the app under /alicerce (server.baseUrlPath), as behind a proxy."""
    anterior = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", "alicerce")
    yield
    config.set_option("server.baseUrlPath", anterior)


def test_link_sob_um_caminho_base(publicacao, caminho_base):
    at = app_na_url("https://exemplo.com.br/alicerce/registro", "gestora", tipo="venda", id="8001")
    assert [titulo.value for titulo in at.title] == ["Registro do CRM"]
    assert campos(at)["Tipo"] == "Venda"


def test_url_de_pagina_sem_acesso_leva_a_pagina_padrao(publicacao):
    at = app_na_url("http://localhost:8501/auditoria", "corretor101")
    assert [titulo.value for titulo in at.title] == ["Alterações cadastrais"]
    at = app_na_url("http://localhost:8501/registro", "analista", tipo="reserva", id="5001")
    assert [titulo.value for titulo in at.title] == ["Alterações cadastrais"]


@pytest.mark.parametrize(
    ("url", "base", "caminho"),
    [
        ("http://localhost:8501/registro", "", "registro"),
        ("http://localhost:8501/", "", ""),
        ("http://localhost:8501", "", ""),
        ("https://h.com.br/alicerce/registro", "alicerce", "registro"),
        ("https://h.com.br/alicerce/registro/", "/alicerce/", "registro"),
        ("https://h.com.br/alicerce", "alicerce", ""),
        ("https://h.com.br/alicerce-2/registro", "alicerce", "alicerce-2/registro"),
        (None, "", None),
    ],
)
def test_destino_da_url(url, base, caminho):
    assert destino_da_url(url, base) == caminho
