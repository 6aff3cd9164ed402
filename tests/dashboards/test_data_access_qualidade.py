"""The data-access functions of "Qualidade dos dados", on real publications and state databases.

Publications are DuckDB files written by conftest; state databases are written through
ingestion.state, as the pipeline writes them.
"""

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from dashboards import data_access
from dashboards.data_access import SituacaoFrescor
from dashboards.politica import Pagina
from ingestion import quality, state
from ingestion.crm.objects import OBJECTS

from .conftest import CONTEUDO_COM_CPF, FALHAS_RUN_2, GESTOR, QUARENTENA, USUARIOS, Quarentenado


def por_chave(linhas, *chave, valor="registros"):
    return {
        tuple(linha[coluna] for coluna in chave): linha[valor] for _, linha in linhas.iterrows()
    }


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "pagina", "conteudo"),
    [
        ("gestora", True, True),
        ("analista", True, False),
        ("compliance", False, False),
        ("imob1", False, False),
        ("corretor101", False, False),
    ],
)
def test_quem_ve_a_pagina_e_o_conteudo(publicador, login, pagina, conteudo):
    usuario = USUARIOS[login]
    assert data_access.pode_abrir(usuario, Pagina.QUALIDADE_DOS_DADOS) is pagina
    assert data_access.pode_ver_conteudo_da_quarentena(usuario) is conteudo


@pytest.mark.parametrize("login", ["corretor101", "imob1", "compliance"])
def test_papeis_sem_acesso_nao_leem_nada(publicacao, estado_padrao, login):
    usuario = USUARIOS[login]
    leituras = [
        data_access.quarentena_publicada,
        data_access.opcoes_quarentena,
        data_access.quarentena_por_dia,
        data_access.quarentena_registros,
        data_access.reconciliacao,
        data_access.reconciliacao_por_fonte,
        data_access.reprocessamentos,
        data_access.frescor,
        data_access.ultimas_execucoes,
    ]
    for leitura in leituras:
        with pytest.raises(data_access.AcessoNegado, match=f"“{usuario.papel}” não tem acesso"):
            leitura(usuario)


# --- quarantine -----------------------------------------------------------------------------------


def test_opcoes_da_quarentena(publicacao):
    assert data_access.quarentena_publicada(GESTOR)
    assert data_access.opcoes_quarentena(GESTOR) == data_access.OpcoesQuarentena(
        fontes=("crm/pessoas", "portal/eventos"),
        motivos=(
            "conflict:event_id",
            "invalid_json",
            "invalid_page",
            "missing_field:referencia",
            "unknown_event_type:foo",
        ),
        primeira_carga=date(2026, 11, 18),
        ultima_carga=date(2026, 11, 20),
        registros=7,
    )


def test_quarentena_por_fonte_motivo_e_dia(publicacao):
    resumo = data_access.quarentena_por_dia(GESTOR)
    assert list(resumo.columns) == ["fonte", "motivo", "data_carga", "registros"]
    assert por_chave(resumo, "fonte", "motivo", "data_carga") == {
        ("portal/eventos", "invalid_json", date(2026, 11, 19)): 1,
        ("portal/eventos", "unknown_event_type:foo", date(2026, 11, 19)): 1,
        ("portal/eventos", "invalid_json", date(2026, 11, 20)): 2,
        ("portal/eventos", "conflict:event_id", date(2026, 11, 20)): 1,
        ("crm/pessoas", "invalid_page", date(2026, 11, 20)): 1,
        ("crm/pessoas", "missing_field:referencia", date(2026, 11, 18)): 1,
    }
    # Newest load day first.
    assert list(resumo["data_carga"]) == sorted(resumo["data_carga"], reverse=True)


def test_filtros_da_quarentena(publicacao):
    def total(**filtros):
        return int(data_access.quarentena_por_dia(GESTOR, **filtros)["registros"].sum())

    assert total() == 7
    assert total(fontes=["crm/pessoas"]) == 2
    assert total(fontes=["crm/pessoas", "portal/eventos"]) == 7
    assert total(fontes=[]) == 7  # empty means every source
    assert total(motivos=["invalid_json"]) == 3
    assert total(motivos=["invalid_json", "invalid_page"]) == 4
    assert total(inicio=date(2026, 11, 19), fim=date(2026, 11, 19)) == 2  # inclusive
    assert total(inicio=date(2026, 11, 19)) == 6
    assert total(fim=date(2026, 11, 18)) == 1
    assert total(fontes=["portal/eventos"], motivos=["invalid_json"], fim=date(2026, 11, 19)) == 1
    assert total(fontes=["'; drop table marts.quarentena; --"]) == 0
    assert total(inicio=date(2026, 12, 1)) == 0


def test_registros_da_quarentena_mais_recentes_primeiro(publicacao):
    registros = data_access.quarentena_registros(GESTOR)
    assert list(registros.columns) == [
        "fonte",
        "data_carga",
        "motivo",
        "arquivo",
        "linha",
        "conteudo",
    ]
    assert len(registros) == 7
    assert list(registros["data_carga"]) == sorted(registros["data_carga"], reverse=True)
    primeira = registros.iloc[0]
    # 20/11: crm/pessoas comes before portal/eventos; the page had no line number.
    assert (primeira["fonte"], primeira["motivo"]) == ("crm/pessoas", "invalid_page")
    assert pd.isna(primeira["linha"])
    assert registros["linha"].dtype.name == "Int64"
    assert CONTEUDO_COM_CPF in set(registros["conteudo"])


def test_limite_de_registros(publicacao):
    registros = data_access.quarentena_registros(GESTOR, limite=3)
    assert len(registros) == 3
    assert set(registros["data_carga"]) == {date(2026, 11, 20)}
    filtrados = data_access.quarentena_registros(GESTOR, motivos=["invalid_json"], limite=2)
    assert list(filtrados["linha"]) == [1, 5]


def test_analista_nao_recebe_o_conteudo(publicacao):
    analista = USUARIOS["analista"]
    registros = data_access.quarentena_registros(analista)
    assert "conteudo" not in registros.columns
    assert len(registros) == 7
    assert "12345678901" not in registros.to_string()
    # The summary carries no record content: same figures for every role allowed on the page.
    assert int(data_access.quarentena_por_dia(analista)["registros"].sum()) == 7


def test_publicacao_sem_quarentena(publicador):
    publicador.publicar(quarentena=None)
    assert not data_access.quarentena_publicada(GESTOR)
    assert data_access.opcoes_quarentena(GESTOR) == data_access.OpcoesQuarentena(
        (), (), None, None, 0
    )
    assert data_access.quarentena_por_dia(GESTOR).empty
    registros = data_access.quarentena_registros(GESTOR)
    assert registros.empty
    assert list(registros.columns) == [
        "fonte",
        "data_carga",
        "motivo",
        "arquivo",
        "linha",
        "conteudo",
    ]


def test_quarentena_vazia(publicador):
    publicador.publicar(quarentena=[])
    assert data_access.quarentena_publicada(GESTOR)
    assert data_access.opcoes_quarentena(GESTOR).registros == 0
    assert data_access.quarentena_por_dia(GESTOR).empty


def test_sem_publicacao(publicador):
    with pytest.raises(data_access.SemPublicacao):
        data_access.quarentena_publicada(GESTOR)


def test_nova_publicacao_traz_a_quarentena_sem_reiniciar(publicador):
    publicador.publicar(quarentena=None)
    assert not data_access.quarentena_publicada(GESTOR)
    mais_um = Quarentenado(
        "portal/eventos", date(2026, 11, 21), "invalid_utf8", "portal/eventos/x.jsonl", 2, None
    )
    publicador.publicar(
        publicado_em=datetime(2026, 11, 28, 9, 5), quarentena=[*QUARENTENA, mais_um]
    )
    assert data_access.quarentena_publicada(GESTOR)
    assert data_access.opcoes_quarentena(GESTOR).registros == 8


# --- reconciliation -------------------------------------------------------------------------------


def test_reconciliacao_por_dia(estado_padrao):
    linhas = data_access.reconciliacao(GESTOR)
    assert list(linhas.columns) == [
        "fonte",
        "data_carga",
        "arquivos",
        "entrada",
        "carregados",
        "quarentena",
        "duplicados",
        "arquivos_divergentes",
        "confere",
    ]
    por_dia = {
        (linha.fonte, linha.data_carga): linha._asdict() for linha in linhas.itertuples(index=False)
    }
    assert list(por_dia) == [
        ("crm/pessoas", date(2026, 11, 20)),
        ("portal/eventos", date(2026, 11, 20)),
        ("portal/eventos", date(2026, 11, 19)),
    ]
    dia_19 = por_dia[("portal/eventos", date(2026, 11, 19))]
    assert (dia_19["arquivos"], dia_19["entrada"], dia_19["carregados"]) == (1, 100, 95)
    assert (dia_19["quarentena"], dia_19["duplicados"], dia_19["confere"]) == (3, 2, True)
    dia_20 = por_dia[("portal/eventos", date(2026, 11, 20))]
    assert (dia_20["arquivos"], dia_20["entrada"], dia_20["carregados"]) == (2, 1510, 1497)
    assert (dia_20["quarentena"], dia_20["duplicados"]) == (8, 4)
    assert dia_20["arquivos_divergentes"] == 1
    assert not dia_20["confere"]  # the file with 10 = 7 + 2 + 0 + 1 missing
    assert por_dia[("crm/pessoas", date(2026, 11, 20))]["confere"]


def test_reconciliacao_pega_arquivos_que_se_compensam(estado):
    # The day's sums add up (11 = 5 + 3 + 3), yet each file is off by one.
    estado.arquivo("portal/eventos", "2026-11-22", 6, 5, 0, 0, nome="a.jsonl")
    estado.arquivo("portal/eventos", "2026-11-22", 5, 0, 3, 3, nome="b.jsonl")
    linha = data_access.reconciliacao(GESTOR).iloc[0]
    assert linha["entrada"] == linha["carregados"] + linha["quarentena"] + linha["duplicados"]
    assert linha["arquivos_divergentes"] == 2
    assert not linha["confere"]


def test_reconciliacao_por_fonte_desconta_os_reprocessamentos(estado_padrao):
    totais = data_access.reconciliacao_por_fonte(GESTOR).set_index("fonte")
    portal = totais.loc["portal/eventos"]
    assert (portal["arquivos"], portal["entrada"], portal["carregados"]) == (3, 1610, 1592)
    assert (portal["quarentena"], portal["duplicados"]) == (11, 6)
    assert not portal["confere"]
    assert (portal["reprocessados_carregados"], portal["reprocessados_duplicados"]) == (3, 1)
    assert portal["quarentena_atual"] == 11 - 3 - 1
    crm = totais.loc["crm/pessoas"]
    assert (crm["entrada"], crm["quarentena_atual"], crm["confere"]) == (0, 0, True)


def test_reprocessamentos(estado_padrao):
    estado_padrao.reprocessamento("replay-2", "crm/pessoas", "2026-11-22", 2, 0, 0, 2)
    linhas = data_access.reprocessamentos(GESTOR)
    assert list(linhas.columns) == [
        "replay_id",
        "fonte",
        "data_carga",
        "reprocessado_em",
        "examinados",
        "carregados",
        "duplicados",
        "ainda_em_quarentena",
    ]
    assert list(linhas["replay_id"]) == ["replay-2", "replay-1"]  # newest first
    replay = linhas.iloc[1]
    assert (replay["fonte"], replay["data_carga"]) == ("portal/eventos", date(2026, 11, 21))
    assert (replay["examinados"], replay["carregados"]) == (5, 3)
    assert (replay["duplicados"], replay["ainda_em_quarentena"]) == (1, 1)
    # Naive UTC, like the marts' timestamps; recorded a moment ago.
    assert replay["reprocessado_em"].tzinfo is None
    agora = datetime.now(UTC).replace(tzinfo=None)
    assert agora - timedelta(minutes=5) < replay["reprocessado_em"] <= agora


# --- freshness ------------------------------------------------------------------------------------


def test_frescor(estado_padrao):
    medidas = {medida.nome: medida for medida in data_access.frescor(GESTOR)}
    crm = [obj.source_table for obj in OBJECTS]
    assert set(crm) <= set(quality.SOURCES)
    assert list(medidas) == ["portal/eventos", *quality.SOURCES[1:], "publicacao"]
    portal = medidas["portal/eventos"]
    assert portal.situacao is SituacaoFrescor.EM_DIA
    assert portal.limite == timedelta(hours=26)
    # An empty CRM page brings no data: the source was never fresh.
    assert medidas["crm/pessoas"] == data_access.Frescor(
        "crm/pessoas", None, None, timedelta(hours=26), SituacaoFrescor.NUNCA
    )
    publicacao = medidas["publicacao"]
    assert publicacao.ultima_em == datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    assert publicacao.situacao is SituacaoFrescor.ATRASADO


def test_frescor_no_limite_ainda_em_dia(estado_padrao):
    (portal,) = [m for m in data_access.frescor(GESTOR) if m.nome == "portal/eventos"]
    no_limite = portal.ultima_em + timedelta(hours=26)
    (medida,) = [
        m for m in data_access.frescor(GESTOR, agora=no_limite) if m.nome == "portal/eventos"
    ]
    assert (medida.idade, medida.situacao) == (timedelta(hours=26), SituacaoFrescor.EM_DIA)
    depois = no_limite + timedelta(seconds=1)
    (medida,) = [m for m in data_access.frescor(GESTOR, agora=depois) if m.nome == "portal/eventos"]
    assert medida.situacao is SituacaoFrescor.ATRASADO


# --- runs -----------------------------------------------------------------------------------------


def test_ultimas_execucoes(estado_padrao):
    execucoes = data_access.ultimas_execucoes(GESTOR)
    assert [e.run_id for e in execucoes] == ["run-3", "run-2", "run-1", "run-0"]
    em_andamento, falha, sucesso, antiga = execucoes
    assert em_andamento.status == "running"
    assert em_andamento.terminada_em is None
    assert em_andamento.duracao is None
    assert em_andamento.modelos is None
    assert em_andamento.testes_que_falharam == ()

    assert falha.status == "failure"
    assert falha.iniciada_em == datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    assert falha.duracao == timedelta(seconds=75.5)  # the run's own measure
    assert (falha.modelos, falha.testes_ok, falha.testes_com_falha) == (5, 29, 2)
    assert falha.testes_que_falharam == tuple(FALHAS_RUN_2)
    assert falha.carga_completa is True

    assert (sucesso.testes_com_falha, sucesso.testes_que_falharam) == (0, ())
    assert sucesso.carga_completa is False
    # An older summary without failed_checks nor full_refresh.
    assert (antiga.modelos, antiga.testes_que_falharam, antiga.carga_completa) == (4, (), None)
    assert antiga.duracao == timedelta(seconds=3725)


def test_ultimas_execucoes_limite_e_resumo_estragado(estado):
    inicio = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    for dia in range(25):
        estado.execucao(f"run-{dia:02d}", inicio + timedelta(days=dia), "success", {"seconds": 1})
    with closing(state.connect(estado.caminho)) as conexao, conexao:
        conexao.execute("update runs set summary_json = '{nao e json' where run_id = 'run-24'")
        conexao.execute("update runs set summary_json = '[1, 2]' where run_id = 'run-23'")
    execucoes = data_access.ultimas_execucoes(GESTOR)
    assert len(execucoes) == 20
    assert execucoes[0].run_id == "run-24"
    assert execucoes[-1].run_id == "run-05"
    assert execucoes[0].modelos is None  # unreadable summary: figures unknown, no crash
    assert execucoes[1].modelos is None
    assert execucoes[0].duracao is not None  # from the recorded start and end
    assert [e.run_id for e in data_access.ultimas_execucoes(GESTOR, 3)] == [
        "run-24",
        "run-23",
        "run-22",
    ]


# --- a state database that is not there yet -------------------------------------------------------


def test_sem_banco_de_estado(publicador):
    caminho = publicador.data_dir / "state" / "alicerce.sqlite"
    assert data_access.reconciliacao(GESTOR).empty
    assert data_access.reconciliacao_por_fonte(GESTOR).empty
    assert data_access.reprocessamentos(GESTOR).empty
    assert data_access.ultimas_execucoes(GESTOR) == []
    assert {m.situacao for m in data_access.frescor(GESTOR)} == {SituacaoFrescor.NUNCA}
    assert not caminho.exists()  # reading never creates it


def test_banco_de_estado_sem_as_tabelas(publicador):
    caminho = publicador.data_dir / "state" / "alicerce.sqlite"
    caminho.parent.mkdir(parents=True)
    with closing(sqlite3.connect(caminho)) as conexao, conexao:
        conexao.execute("create table outra (x integer)")
    assert data_access.reconciliacao(GESTOR).empty
    assert data_access.reconciliacao_por_fonte(GESTOR).empty
    assert data_access.reprocessamentos(GESTOR).empty
    assert data_access.ultimas_execucoes(GESTOR) == []
    assert {m.situacao for m in data_access.frescor(GESTOR)} == {SituacaoFrescor.NUNCA}


def test_banco_de_estado_aberto_somente_leitura(estado_padrao):
    data_access.reconciliacao(GESTOR)
    data_access.ultimas_execucoes(GESTOR)
    # Nothing is left open nor locked: the pipeline can write right away.
    estado_padrao.arquivo("portal/eventos", "2026-11-23", 1, 1, 0, 0)
    assert len(data_access.reconciliacao(GESTOR)) == 4  # and nothing is cached: the new day shows
