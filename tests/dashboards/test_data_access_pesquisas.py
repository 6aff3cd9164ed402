"""The data-access functions of the pages "Pesquisas" and "Registro do CRM" against real
publications (conftest's PROTOCOLOS and REGISTROS_CRM)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dashboards import data_access
from dashboards.data_access import RegistroCrm

from .conftest import (
    ALTERACOES,
    GESTOR,
    PROTOCOLOS,
    PUBLICADO_EM,
    REGISTROS_CRM,
    USUARIOS,
    Protocolo,
    escrever_publicacao,
)

TUDO = (date(2000, 1, 1), date(2030, 12, 31))


def ids(linhas) -> list[int]:
    return [int(idenvio) for idenvio in linhas["idenvio"]]


def test_envios_com_as_colunas_do_contrato(publicacao):
    linhas = data_access.envios_pesquisa(GESTOR, date(2026, 11, 1), date(2026, 11, 20))
    assert list(linhas.columns) == [
        "idenvio", "idpesquisa", "pesquisa", "gatilho", "protocolo", "tipo_registro",
        "origem_protocolo", "protocolo_atendimento", "registro_encontrado", "idpessoa",
        "enviado_em",
    ]  # fmt: skip
    assert ids(linhas) == [9004, 9007, 9006, 9005, 9003, 9002, 9001]
    assert linhas["registro_encontrado"].dtype == bool
    assert linhas.iloc[0]["enviado_em"] == datetime(2026, 11, 21, 1, 30)  # as stored: UTC
    assert ids(data_access.envios_pesquisa(GESTOR, *TUDO, limite=2)) == [9008, 9004]


def test_cobertura(publicacao):
    cobertura = data_access.cobertura_protocolos(GESTOR, date(2026, 10, 1), date(2026, 10, 31))
    assert cobertura.to_dict("records") == [
        {"gatilho": "assistencia_tecnica", "origem_protocolo": "servico", "envios": 1,
         "sem_protocolo": 0},
        {"gatilho": "atendimento", "origem_protocolo": "gatilho", "envios": 1,
         "sem_protocolo": 0},
        {"gatilho": "repasse", "origem_protocolo": "correspondencia", "envios": 1,
         "sem_protocolo": 0},
    ]  # fmt: skip
    todos = data_access.cobertura_protocolos(GESTOR, *TUDO)
    assert todos["envios"].sum() == len(PROTOCOLOS)
    assert todos["sem_protocolo"].sum() == 0


def _envio(idenvio: int, enviado_em: datetime, protocolo: str | None = "1") -> Protocolo:
    return Protocolo(
        idenvio, 1, "P", "reserva", protocolo, "reserva", "gatilho", False, 1001, enviado_em
    )


def test_dias_de_sao_paulo_quando_o_horario_de_verao_comecava_e_terminava(publicador):
    """Daylight saving time began at midnight on 04/11/2018 (the clocks jumped to 01:00) and
    ended at midnight on 17/02/2019 (back to 23:00 of the 16th): the days have 23 and 25
    hours, and no fixed offset finds their edges."""
    publicador.publicar(
        protocolos=[
            _envio(1, datetime(2018, 11, 4, 2, 59)),  # 03/11 23:59 (UTC-3)
            _envio(2, datetime(2018, 11, 4, 3, 0)),  # 04/11 01:00 (UTC-2): the day's start
            _envio(3, datetime(2018, 11, 5, 1, 59)),  # 04/11 23:59 (UTC-2)
            _envio(4, datetime(2018, 11, 5, 2, 0)),  # 05/11 00:00
            _envio(5, datetime(2019, 2, 17, 1, 30)),  # 16/02 23:30, the first time (UTC-2)
            _envio(6, datetime(2019, 2, 17, 2, 30)),  # 16/02 23:30, the second time (UTC-3)
            _envio(7, datetime(2019, 2, 17, 3, 0)),  # 17/02 00:00 (UTC-3)
        ]
    )
    dia = date(2018, 11, 4)
    assert sorted(ids(data_access.envios_pesquisa(GESTOR, dia, dia))) == [2, 3]
    dia = date(2019, 2, 16)
    assert sorted(ids(data_access.envios_pesquisa(GESTOR, dia, dia))) == [5, 6]
    dia = date(2019, 2, 17)
    assert ids(data_access.envios_pesquisa(GESTOR, dia, dia)) == [7]


def test_sem_protocolo_conta_nulo_e_em_branco(publicador):
    publicador.publicar(
        protocolos=[
            _envio(1, datetime(2026, 11, 2, 12, 0), ""),
            _envio(2, datetime(2026, 11, 2, 12, 0), "  "),
            _envio(3, datetime(2026, 11, 2, 12, 0), None),
            _envio(4, datetime(2026, 11, 2, 12, 0), "5001"),
        ]
    )
    (linha,) = data_access.cobertura_protocolos(GESTOR, *TUDO).to_dict("records")
    assert (linha["envios"], linha["sem_protocolo"]) == (4, 3)


def test_filtros_de_gatilho_e_origem(publicacao):
    reserva = data_access.envios_pesquisa(GESTOR, *TUDO, gatilhos=["reserva"])
    assert ids(reserva) == [9007, 9006, 9001, 9011]
    correspondencia = data_access.envios_pesquisa(GESTOR, *TUDO, origens=["correspondencia"])
    assert ids(correspondencia) == [9006, 9002, 9009, 9011]
    ambos = data_access.envios_pesquisa(GESTOR, *TUDO, ["reserva"], ["correspondencia"])
    assert ids(ambos) == [9006, 9011]
    assert data_access.envios_pesquisa(GESTOR, *TUDO, gatilhos=["nenhum"]).empty


def test_gatilhos_do_filtro_respeitam_o_escopo(publicacao):
    assert data_access.gatilhos_de_pesquisa(GESTOR) == (
        "assistencia_tecnica", "atendimento", "indicacao", "precadastro", "repasse", "reserva",
        "venda",
    )  # fmt: skip
    assert data_access.gatilhos_de_pesquisa(USUARIOS["imob2"]) == ("indicacao", "reserva")
    assert data_access.gatilhos_de_pesquisa(USUARIOS["corretor999"]) == ()


def test_registro(publicacao):
    assert data_access.registro_crm(GESTOR, "atendimento", 7001) == RegistroCrm(
        tipo_registro="atendimento",
        idregistro=7001,
        idpessoa=1001,
        cliente="João Conceição",
        situacao="Encerrado",
        criado_em=datetime(2026, 11, 9, 13, 0),
        protocolo_atendimento="ATD-2026-000123",
        idempreendimento=10,
        detalhe="Dúvida sobre boleto",
        excluido=False,
    )
    assert data_access.registro_crm(GESTOR, "reserva", 7001) is None  # another type
    assert data_access.registro_crm(GESTOR, "reserva", 2**63) is None  # beyond BIGINT
    assert data_access.registro_crm(GESTOR, "reserva' or '1' = '1", 5001) is None  # a parameter


def test_envios_do_registro_pelo_tipo_e_pelo_protocolo(publicacao):
    assert ids(data_access.envios_do_registro(GESTOR, "reserva", 5001)) == [9001, 9011]
    assert ids(data_access.envios_do_registro(GESTOR, "servico", 5001)) == [9012]
    assert data_access.envios_do_registro(GESTOR, "precadastro", 5001).empty
    assert data_access.envios_do_registro(GESTOR, "reserva", 2**63).empty


@pytest.mark.parametrize(
    ("login", "registro", "visivel"),
    [
        ("corretor101", ("reserva", 5001), True),
        ("corretor101", ("precadastro", 6001), False),  # Maria's: broker 102's client
        ("corretor102", ("precadastro", 6001), True),
        ("imob1", ("reserva", 5003), False),
        ("imob2", ("reserva", 5003), True),
        ("corretor999", ("reserva", 5001), False),
    ],
)
def test_registro_no_escopo_do_usuario(publicacao, login, registro, visivel):
    usuario = USUARIOS[login]
    assert (data_access.registro_crm(usuario, *registro) is not None) is visivel
    assert (not data_access.envios_do_registro(usuario, *registro).empty) is visivel


def test_publicacao_sem_os_marts(publicador):
    publicador.publicar(protocolos=None, registros=None)
    assert not data_access.protocolos_publicados(GESTOR)
    assert not data_access.registros_publicados(GESTOR)
    assert data_access.gatilhos_de_pesquisa(GESTOR) == ()
    assert data_access.registro_crm(GESTOR, "reserva", 5001) is None
    assert data_access.envios_do_registro(GESTOR, "reserva", 5001).empty


def test_sem_carteira_o_corretor_nao_ve_nada(publicador):
    escrever_publicacao(
        publicador.pasta, ALTERACOES, PUBLICADO_EM, "run-sem-carteira", carteira=None,
        protocolos=PROTOCOLOS, registros=REGISTROS_CRM,
    )  # fmt: skip
    corretor = USUARIOS["corretor101"]
    assert data_access.envios_pesquisa(corretor, *TUDO).empty
    assert data_access.registro_crm(corretor, "reserva", 5001) is None
    assert len(data_access.envios_pesquisa(GESTOR, *TUDO)) == len(PROTOCOLOS)
