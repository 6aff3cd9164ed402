"""Who sees what, through the whole app as each user logs in (AppTest), and the audit it leaves.

The expected rows are computed here from the publication's rows (ALTERACOES) and the broker links
(CARTEIRA) in conftest, apart from the app's SQL.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data_access, exportacao, sessao
from dashboards.politica import Pagina
from ingestion import state
from ingestion.settings import get_settings

from .conftest import (
    ALTERACOES,
    APP,
    GESTOR,
    JOAO,
    PUBLICADO_EM,
    SENHA,
    USUARIOS,
    Alteracao,
    app_como,
    clientes_de,
    entrar,
    escrever_publicacao,
    escrever_usuarios,
)

INICIO, FIM = date(2000, 1, 1), date(2030, 12, 31)
ATE_AMANHA = datetime.now(UTC) + timedelta(days=1)  # a session still valid


def todo_o_periodo(at: AppTest) -> AppTest:
    at.radio(key="periodo").set_value("Período personalizado").run()
    at.date_input(key="inicio").set_value(INICIO)
    at.date_input(key="fim").set_value(FIM)
    return at.run()


def tabela(at: AppTest) -> pd.DataFrame:
    (unica,) = [df.value for df in at.dataframe if "Valor anterior" in df.value.columns]
    return unica


def metricas(at: AppTest) -> dict[str, str]:
    return {metrica.label: metrica.value for metrica in at.metric}


def pagina_de_auditoria(login: str) -> AppTest:
    """The "Auditoria" page alone, in a session where `login` is logged in."""
    at = AppTest.from_string(
        "from dashboards.paginas import auditoria\n\nauditoria.render()\n", default_timeout=60
    )
    at.session_state[sessao.CHAVE_USUARIO] = USUARIOS[login]
    return at.run()


def auditoria_no_banco() -> list[dict]:
    caminho = get_settings().state_db
    if not caminho.exists():
        return []
    with closing(sqlite3.connect(caminho)) as conexao:
        conexao.row_factory = sqlite3.Row
        return [dict(linha) for linha in conexao.execute("select * from audit_log order by at")]


# --- row scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "login", ["corretor101", "corretor102", "imob1", "imob2", "gestora", "compliance", "analista"]
)
def test_cada_usuario_ve_exatamente_os_seus_clientes(publicacao, login):
    usuario = USUARIOS[login]
    esperadas = [a for a in ALTERACOES if a.idpessoa in clientes_de(usuario)]
    assert esperadas, "each user of this test has some rows to see"

    at = todo_o_periodo(app_como(login))
    assert not at.exception, at.exception
    assert sorted(tabela(at)["ID"]) == sorted(a.idpessoa for a in esperadas)
    assert metricas(at) == {
        "Alterações": str(len(esperadas)),
        "Clientes": str(len({a.idpessoa for a in esperadas})),
    }
    totais = next(df.value for df in at.dataframe if "Alterações" in df.value.columns)
    assert totais["Alterações"].sum() == len(esperadas)


def test_os_numeros_de_um_corretor(publicacao):
    # 101 has client 1001 twice in CARTEIRA (reserva and associado): 1001's 4 changes, once each.
    at = todo_o_periodo(app_como("corretor101"))
    assert metricas(at) == {"Alterações": "4", "Clientes": "1"}
    assert set(tabela(at)["ID"]) == {1001}
    assert "Somente os clientes de Corretor 101 (corretor, corretor 101)." in [
        legenda.value for legenda in at.caption
    ]


def test_corretor_sem_clientes_nao_ve_nada(publicacao):
    at = todo_o_periodo(app_como("corretor999"))
    assert metricas(at) == {"Alterações": "0", "Clientes": "0"}
    assert not at.dataframe


def test_busca_nao_escapa_do_escopo(publicacao):
    at = todo_o_periodo(app_como("corretor101"))
    at.text_input(key="busca").input("1002").run()  # 1002 exists, but is 102's client
    assert metricas(at) == {"Alterações": "0", "Clientes": "0"}


def test_publicacao_sem_carteira_mostra_nada_ao_corretor(publicador):
    # A publication of an older kind, without the broker links.
    escrever_publicacao(
        publicador.pasta, ALTERACOES, PUBLICADO_EM, "run-sem-carteira", carteira=None
    )
    assert data_access.indicadores(USUARIOS["corretor101"], INICIO, FIM).total_alteracoes == 0
    assert data_access.indicadores(GESTOR, INICIO, FIM).total_alteracoes == len(ALTERACOES)


# --- masking and reveal ---------------------------------------------------------------------------


def test_corretor_ve_mascarado_ate_revelar_e_a_revelacao_fica_auditada(publicacao):
    at = todo_o_periodo(app_como("corretor102"))
    linhas = tabela(at).set_index("Campo")
    # 1002's RG, income and 1001's e-mail and phone come masked.
    assert linhas.loc["RG", "Valor atual"] == "******78X"
    assert linhas.loc["Renda familiar", "Valor atual"] == "***"
    assert set(tabela(at)["CPF"]) == {"***.456.789-**", "***.654.321-**"}
    assert auditoria_no_banco() == []

    at.toggle(key="revelar").set_value(True).run()
    linhas = tabela(at).set_index("Campo")
    assert linhas.loc["RG", "Valor atual"] == "12345678X"
    assert linhas.loc["Renda familiar", "Valor atual"] != "***"
    assert set(tabela(at)["CPF"]) == {"12345678901", "98765432100"}
    (registro,) = auditoria_no_banco()
    assert registro["login"] == "corretor102"
    assert registro["role"] == "corretor"
    assert registro["action"] == "revelacao"
    assert registro["page"] == "alteracoes-cadastrais"
    assert registro["row_count"] == len(tabela(at))
    assert json.loads(registro["filters_json"]) == {
        "inicio": "2000-01-01", "fim": "2030-12-31", "campos": [], "busca": "", "sem_mascara": True,
    }  # fmt: skip

    at.run()  # the same reveal again in this session is not a new one
    assert len(auditoria_no_banco()) == 1
    at.multiselect(key="campos").set_value(["rg"]).run()  # other filters: a new reveal
    assert [registro["row_count"] for registro in auditoria_no_banco()] == [len(linhas), 1]


def test_revelacao_de_outro_login_na_mesma_sessao_e_auditada(publicacao):
    """The reveal de-duplication is per user: a second login in the same browser session that
    reveals the same filters leaves its own row."""
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from datetime import date\n"
        "from dashboards import data_access\n"
        "data_access.alteracoes(\n"
        "    st.session_state['quem'], date(2000, 1, 1), date(2030, 12, 31), revelar=True\n"
        ")\n",
        default_timeout=60,
    )
    at.session_state["quem"] = USUARIOS["corretor101"]
    at.run()
    at.run()
    at.session_state["quem"] = USUARIOS["corretor102"]
    at.run()
    assert [registro["login"] for registro in auditoria_no_banco()] == [
        "corretor101",
        "corretor102",
    ]


def test_gestor_ve_contatos_e_renda_mas_revela_documentos(publicacao):
    at = todo_o_periodo(app_como("gestora"))
    linhas = tabela(at)
    assert "joao@novo.com.br" in linhas["Valor atual"].tolist()
    assert linhas.set_index("Campo").loc["RG", "Valor atual"] == "******78X"
    assert set(linhas["CPF"]) == {"***.456.789-**", "***.654.321-**", None, "***.222.333-**"}
    at.toggle(key="revelar").set_value(True).run()
    assert tabela(at).set_index("Campo").loc["RG", "Valor atual"] == "12345678X"


def test_analista_revela_contatos_mas_nunca_documentos(publicacao):
    at = todo_o_periodo(app_como("analista"))
    assert "joao@novo.com.br" not in tabela(at)["Valor atual"].tolist()
    at.toggle(key="revelar").set_value(True).run()
    linhas = tabela(at)
    assert "joao@novo.com.br" in linhas["Valor atual"].tolist()
    assert linhas.set_index("Campo").loc["RG", "Valor atual"] == "******78X"
    assert "12345678901" not in linhas.to_string()


def test_campo_sem_classificacao_fica_mascarado_como_documento(publicador):
    """A field the policy does not know yet (a new one in the portal) is masked like a document:
    the gestor sees it only on a reveal, the analista never."""
    novo = Alteracao(
        "ev-novo", **JOAO, campo="nome_da_mae", valor_anterior=None,
        valor_atual="Teresa Conceição", alterado_em=datetime(2026, 11, 4, 9, 0),
    )  # fmt: skip
    publicador.publicar([*ALTERACOES, novo])

    def valor(login: str, revelar: bool) -> str:
        linhas = data_access.alteracoes(
            USUARIOS[login], INICIO, FIM, ["nome_da_mae"], revelar=revelar
        )
        (unico,) = linhas["valor_atual"]
        return unico

    assert valor("gestora", revelar=False) == "***"
    assert valor("gestora", revelar=True) == "Teresa Conceição"
    assert valor("analista", revelar=True) == "***"
    nomes = data_access.alteracoes(USUARIOS["analista"], INICIO, FIM, ["nome"])
    assert nomes["valor_atual"].tolist() == [a.valor_atual for a in ALTERACOES if a.campo == "nome"]


# --- exports --------------------------------------------------------------------------------------


def test_exportacao_deixa_linha_na_auditoria(publicacao):
    usuario = USUARIOS["imob1"]
    linhas = data_access.alteracoes(usuario, INICIO, FIM)
    filtros = data_access.filtros_auditados(INICIO, FIM, ["rg", "email"], "  Maria ", False)
    arquivo = data_access.exportacao_auditada(
        usuario, ATE_AMANHA, Pagina.ALTERACOES_CADASTRAIS, filtros, linhas, "csv",
        exportacao.csv_excel,
    )  # fmt: skip
    assert auditoria_no_banco() == []  # nothing until the file is really downloaded
    conteudo = arquivo()
    assert conteudo.startswith(b"\xef\xbb\xbf")
    (registro,) = auditoria_no_banco()
    assert (registro["login"], registro["action"], registro["row_count"], registro["detail"]) == (
        "imob1", "exportacao", len(linhas), "csv",
    )  # fmt: skip
    assert json.loads(registro["filters_json"]) == {
        "inicio": "2000-01-01", "fim": "2030-12-31", "campos": ["email", "rg"], "busca": "Maria",
        "sem_mascara": False,
    }  # fmt: skip


def test_exportacao_recusada_depois_do_fim_da_sessao(publicacao):
    """The download does not rerun the page: a button left open past the session's end exports
    nothing and writes no audit row."""
    usuario = USUARIOS["imob1"]
    linhas = data_access.alteracoes(usuario, INICIO, FIM)
    encerrada = datetime.now(UTC) - timedelta(seconds=1)
    arquivo = data_access.exportacao_auditada(
        usuario, encerrada, Pagina.ALTERACOES_CADASTRAIS, {}, linhas, "csv", exportacao.csv_excel
    )
    with pytest.raises(data_access.SessaoEncerrada):
        arquivo()
    assert auditoria_no_banco() == []


@pytest.mark.parametrize("mudanca", ["saiu", "outra imobiliaria", "outro nome"])
def test_exportacao_conferida_com_o_arquivo_de_usuarios_de_agora(
    publicacao, tmp_path, monkeypatch, mudanca
):
    """Removed from the users file, or moved to another scope: no file. A new name only (nothing
    that decides what they see): the export goes ahead."""
    usuario = USUARIOS["imob1"]
    linhas = data_access.alteracoes(usuario, INICIO, FIM)
    arquivo = data_access.exportacao_auditada(
        usuario, ATE_AMANHA, Pagina.ALTERACOES_CADASTRAIS, {}, linhas, "csv", exportacao.csv_excel
    )
    outros = [outro for login, outro in USUARIOS.items() if login != "imob1"]
    if mudanca == "outra imobiliaria":
        outros.append(usuario.model_copy(update={"idimobiliaria": 2}))
    elif mudanca == "outro nome":
        outros.append(usuario.model_copy(update={"nome": "Imobiliária Um Ltda"}))
    monkeypatch.setenv(
        "ALICERCE_USUARIOS_FILE", str(escrever_usuarios(tmp_path / "agora.yaml", outros))
    )
    if mudanca == "outro nome":
        assert arquivo().startswith(b"\xef\xbb\xbf")
        assert len(auditoria_no_banco()) == 1
    else:
        with pytest.raises(data_access.SessaoEncerrada):
            arquivo()
        assert auditoria_no_banco() == []


# --- the audit page -------------------------------------------------------------------------------


def test_gestor_le_a_auditoria(publicacao):
    usuario = USUARIOS["corretor101"]
    linhas = data_access.alteracoes(usuario, INICIO, FIM, revelar=True)
    data_access.exportacao_auditada(
        usuario, ATE_AMANHA, Pagina.ALTERACOES_CADASTRAIS, {"inicio": "2026-11-01"}, linhas,
        "xlsx", exportacao.xlsx,
    )()  # fmt: skip

    at = pagina_de_auditoria("gestora")
    assert at.title[0].value == "Auditoria"
    assert metricas(at) == {"Registros": "2", "Exportações": "1", "Revelações": "1"}
    (registros,) = [df.value for df in at.dataframe]
    assert list(registros["Usuário"]) == ["corretor101", "corretor101"]
    assert list(registros["Ação"]) == ["Exportação", "Revelação de dados"]
    assert list(registros["Formato"].fillna("")) == ["xlsx", ""]
    assert registros.iloc[0]["Filtros"] == "de 01/11/2026"


@pytest.mark.parametrize("login", ["compliance", "analista", "imob1", "corretor101"])
def test_so_o_gestor_le_a_auditoria(publicacao, login):
    with pytest.raises(data_access.AcessoNegado):
        data_access.auditoria(USUARIOS[login])
    at = pagina_de_auditoria(login)  # as if its URL were typed in
    assert [erro.value for erro in at.error] == [
        f"O perfil “{USUARIOS[login].papel}” não tem acesso a esta página."
    ]
    assert not at.dataframe


# --- login, logout, expiry ------------------------------------------------------------------------


def test_sem_login_nada_aparece(publicacao):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.title and not at.dataframe and not at.metric
    assert [campo.label for campo in at.text_input] == ["Usuário", "Senha"]


def test_senha_errada_e_recusada(publicacao):
    at = entrar(AppTest.from_file(str(APP), default_timeout=60).run(), "gestora", "errada")
    assert [erro.value for erro in at.error] == ["Usuário ou senha incorretos."]
    assert not at.dataframe


def test_usuario_desconhecido_e_recusado(publicacao):
    at = entrar(AppTest.from_file(str(APP), default_timeout=60).run(), "ninguem", SENHA)
    assert [erro.value for erro in at.error] == ["Usuário ou senha incorretos."]


def test_sair(publicacao):
    at = app_como("gestora")
    assert at.title[0].value == "Alterações cadastrais"
    at.sidebar.button(key="sair").click().run()
    assert not at.exception, at.exception
    assert not at.dataframe
    assert [campo.label for campo in at.text_input] == ["Usuário", "Senha"]


def test_sessao_expira(publicacao, monkeypatch):
    monkeypatch.setenv("ALICERCE_SESSAO_HORAS", str(2 / 3600))  # two seconds
    at = app_como("gestora")
    assert at.title[0].value == "Alterações cadastrais"
    time.sleep(2.5)
    at.run()
    assert not at.exception, at.exception
    assert not at.dataframe
    assert "Sua sessão expirou" in at.warning[0].value
    assert [campo.label for campo in at.text_input] == ["Usuário", "Senha"]
    at = entrar(at, "gestora")  # a new login starts a new session
    assert at.title[0].value == "Alterações cadastrais"


def test_arquivo_de_usuarios_invalido_fecha_o_login_sem_expor_o_motivo(
    publicacao, tmp_path, monkeypatch, caplog
):
    arquivo = tmp_path / "ruim.yaml"
    arquivo.write_text("usuarios:\n  - login: ana\n    nome: Ana\n    papel: corretor\n", "utf-8")
    monkeypatch.setenv("ALICERCE_USUARIOS_FILE", str(arquivo))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert "alicerce usuarios verificar" in at.error[0].value
    assert "ana" not in at.error[0].value
    assert not at.text_input
    assert "o papel corretor exige idcorretor" in caplog.text  # the reason is in the server's log


def test_auditoria_por_dia_de_sao_paulo(publicacao):
    state.record_audit(get_settings().state_db, "x", "gestor", "exportacao", "p", {}, 1)
    with closing(sqlite3.connect(get_settings().state_db)) as conexao, conexao:
        conexao.execute("delete from audit_log")
        conexao.executemany(
            "insert into audit_log values (?, 'ana', 'corretor', 'exportacao', 'p', '{}', ?, null)",
            [
                ("2026-10-31T12:00:00+00:00", 1),
                ("2026-11-01T02:59:59.999999+00:00", 2),  # 31/10 23:59:59 in São Paulo
                ("2026-11-01T03:00:00+00:00", 3),  # 01/11 00:00 in São Paulo
                ("2026-11-02T02:59:59+00:00", 4),  # 01/11 23:59:59
                ("2026-11-02T03:00:00+00:00", 5),  # 02/11
            ],
        )
    dia = date(2026, 11, 1)
    assert list(data_access.auditoria(GESTOR, dia, dia)["linhas"]) == [4, 3]
    assert list(data_access.auditoria(GESTOR, fim=date(2026, 10, 31))["linhas"]) == [2, 1]
    assert list(data_access.auditoria(GESTOR, limite=2)["linhas"]) == [5, 4]


def test_login_bloqueado_apos_senhas_erradas(publicacao):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    for _ in range(sessao.TENTATIVAS_DE_LOGIN):
        at = entrar(at, "analista", "errada")
        assert [erro.value for erro in at.error] == ["Usuário ou senha incorretos."]
    at = entrar(at, "analista", SENHA)  # the right password, too late
    assert "Login bloqueado" in at.error[0].value
    assert not at.title
    # Another login is not affected.
    assert app_como("gestora").title[0].value == "Alterações cadastrais"
