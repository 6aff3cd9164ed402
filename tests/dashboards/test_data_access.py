"""The data-access module against real publications (DuckDB files written by conftest)."""

from datetime import UTC, date, datetime

import duckdb
import pytest

from dashboards import data_access
from dashboards.periodos import mes_anterior, mes_atual

from .conftest import GESTOR, USUARIOS

REFERENCIA = date(2026, 11, 20)  # the reference date the conftest rows are laid out around
MES_ATUAL = mes_atual(REFERENCIA)
MES_ANTERIOR = mes_anterior(REFERENCIA)
TUDO = (date(2000, 1, 1), date(2030, 12, 31))


def ids(linhas):
    return sorted(linhas["id_evento"])


def test_sem_publicacao(publicador):
    assert data_access.publicacao_atual() is None
    with pytest.raises(data_access.SemPublicacao, match="alicerce run"):
        data_access.alteracoes(GESTOR, MES_ATUAL.inicio, MES_ATUAL.fim)


def test_current_apontando_para_arquivo_inexistente_e_sem_publicacao(publicador):
    publicador.pasta.mkdir(parents=True)
    (publicador.pasta / "CURRENT").write_text("alicerce-sumiu.duckdb")
    assert data_access.publicacao_atual() is None


def test_publicacao_atual(publicacao):
    atual = data_access.publicacao_atual()
    assert atual.arquivo == publicacao.name
    assert atual.publicado_em == datetime(2026, 11, 27, 18, 30, 0, 123456, tzinfo=UTC)
    assert atual.run_id == "run-teste-1"


def test_filtra_pela_data_de_sao_paulo(publicacao):
    # ev-004 is 21/11 in UTC but 20/11 in São Paulo; ev-008 is 01/11 in UTC but 31/10 here.
    assert ids(data_access.alteracoes(GESTOR, MES_ATUAL.inicio, MES_ATUAL.fim)) == [
        "ev-001",
        "ev-002",
        "ev-003",
        "ev-004",
    ]
    assert ids(data_access.alteracoes(GESTOR, MES_ANTERIOR.inicio, MES_ANTERIOR.fim)) == [
        "ev-006",
        "ev-007",
        "ev-008",
    ]


def test_mais_recentes_primeiro_com_as_colunas_do_contrato(publicacao):
    linhas = data_access.alteracoes(GESTOR, MES_ATUAL.inicio, MES_ATUAL.fim)
    assert list(linhas["id_evento"]) == ["ev-004", "ev-003", "ev-002", "ev-001"]
    assert list(linhas.columns) == [
        "id_evento",
        "idpessoa",
        "nome",
        "documento",
        "campo",
        "valor_anterior",
        "valor_atual",
        "alterado_em",
        "data_local",
        "origem",
    ]
    assert linhas["data_local"].iloc[0] == date(2026, 11, 20)


@pytest.mark.parametrize("login", ["gestora", "compliance", "analista", "corretor102", "imob1"])
def test_cpf_mascarado_sem_revelar(publicacao, login):
    linhas = data_access.alteracoes(USUARIOS[login], *TUDO)
    documentos = dict(zip(linhas["idpessoa"], linhas["documento"], strict=False))
    assert documentos[1001] == "***.456.789-**"
    assert documentos[1002] == "***.654.321-**"
    assert documentos.get(1003) is None
    assert not any(d and d[0].isdigit() for d in linhas["documento"])


def test_filtro_de_campos(publicacao):
    inicio, fim = MES_ATUAL.inicio, MES_ATUAL.fim
    assert ids(data_access.alteracoes(GESTOR, inicio, fim, ["email"])) == ["ev-001"]
    assert ids(data_access.alteracoes(GESTOR, inicio, fim, ("email", "celular"))) == [
        "ev-001",
        "ev-002",
    ]
    assert len(data_access.alteracoes(GESTOR, inicio, fim, [])) == 4


@pytest.mark.parametrize(
    ("busca", "esperado"),
    [
        ("joao", ["ev-001", "ev-002"]),
        ("JOÃO conceicao", ["ev-001", "ev-002"]),
        ("  gonçalves ", ["ev-003", "ev-004"]),
        ("1002", ["ev-003", "ev-004"]),
        ("100", []),  # an ID matches exactly, never as a prefix
        ("99999999999999999999999", []),  # too long for BIGINT: no match, no error
        ("'; drop table marts.alteracoes_cadastrais; --", []),
        ("%", []),
        ("", ["ev-001", "ev-002", "ev-003", "ev-004"]),
    ],
)
def test_busca_por_nome_sem_acento_ou_por_id(publicacao, busca, esperado):
    assert (
        ids(data_access.alteracoes(GESTOR, MES_ATUAL.inicio, MES_ATUAL.fim, None, busca))
        == esperado
    )


def test_agregados(publicacao):
    inicio, fim = MES_ANTERIOR.inicio, MES_ANTERIOR.fim
    assert data_access.indicadores(GESTOR, inicio, fim) == data_access.Indicadores(3, 3)
    totais = data_access.totais_por_campo(GESTOR, inicio, fim)
    assert dict(zip(totais["campo"], totais["alteracoes"], strict=True)) == {
        "cep": 1,
        "endereco": 1,
        "rg": 1,
    }
    dias = data_access.por_dia(GESTOR, inicio, fim)
    assert list(dias["data_local"]) == [date(2026, 10, 5), date(2026, 10, 20), date(2026, 10, 31)]
    assert list(dias["alteracoes"]) == [1, 1, 1]


def test_nova_publicacao_e_vista_sem_reiniciar(publicacao, publicador):
    inicio, fim = MES_ATUAL.inicio, MES_ATUAL.fim
    assert data_access.indicadores(GESTOR, inicio, fim).total_alteracoes == 4  # now cached
    novo_arquivo = publicador.publicar_segunda()
    assert data_access.indicadores(GESTOR, inicio, fim).total_alteracoes == 5
    assert data_access.publicacao_atual().arquivo == novo_arquivo.name
    assert "ev-011" in ids(data_access.alteracoes(GESTOR, inicio, fim))


def test_publicacao_aberta_somente_leitura_e_fechada(publicacao):
    data_access.alteracoes(GESTOR, MES_ATUAL.inicio, MES_ATUAL.fim)
    # No connection is left open: a writer could take the file right away.
    with duckdb.connect(str(publicacao)) as conexao:
        assert conexao.execute("select count(*) from marts.alteracoes_cadastrais").fetchone() == (
            10,
        )
