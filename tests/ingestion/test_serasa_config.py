"""Serasa configuration: the bundled file loads; each mistake gets a message naming the item; key
resolution, report planning and the environment lock refuse with a clear reason; credentials come
from the environment or the secrets file and never show; CPF/CNPJ check digits."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ingestion.serasa.config import (
    DEFAULT_CONFIG,
    ConfigError,
    PlannedCall,
    Refusal,
    SerasaConfig,
    check_environment,
    credentials,
    host_environment,
    load_config,
    plan_calls,
    price_rows,
    resolve_key,
)
from ingestion.serasa.documents import Document, InvalidDocument, masked, parse_document

BUNDLED = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def _config(**changes) -> SerasaConfig:
    return SerasaConfig.model_validate(copy.deepcopy(BUNDLED) | changes)


def _refused(tmp_path: Path, content: dict) -> str:
    path = tmp_path / "serasa.yml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="serasa.yml: ") as refused:
        load_config(path)
    return str(refused.value)


def _with_key(**key) -> dict:
    content = copy.deepcopy(BUNDLED)
    content["chaves"].append({"ambiente": "sandbox", "limite_diario": 10} | key)
    return content


# The configuration file


def test_the_bundled_configuration_loads():
    config = load_config()
    assert config.ambiente == "sandbox" and config.base_url is None  # the local sandbox
    assert config.cnpj_incorporadora == "11222333000181"
    assert [key.id for key in config.chaves] == ["incorporadora", "imobiliaria-3", "corretor-12"]
    assert "Renda estimada" in config.relatorios


def test_the_base_url_is_the_real_host_unless_given():
    assert _config().uses_local_sandbox
    assert _config(ambiente="producao").base_url == "https://api.serasaexperian.com.br"
    assert _config(ambiente="homologacao").base_url == "https://uat-api.serasaexperian.com.br"
    assert _config(url="http://127.0.0.1:8010/").base_url == "http://127.0.0.1:8010"


@pytest.mark.parametrize(
    "url", ["http://api.serasaexperian.com.br", "http://serasa.interno.example:8080"]
)
def test_only_a_local_sandbox_may_go_without_tls(tmp_path, url):
    ambiente = "producao" if "api." in url else "sandbox"
    assert "use https" in _refused(tmp_path, BUNDLED | {"url": url, "ambiente": ambiente})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"ambiente": "teste"},
            "ambiente: 'teste' não aceito; use 'sandbox', 'homologacao' ou 'producao'",
        ),
        ({"cor": "azul"}, "cor: campo desconhecido"),
        (
            {"cnpj_incorporadora": "11222333000182"},
            "cnpj_incorporadora: CNPJ **.222.333/0001-** inválido: dígitos verificadores",
        ),
        (
            {"cnpj_incorporadora": "52998224725"},
            "cnpj_incorporadora: deve ser um CNPJ (14 dígitos), não um CPF",
        ),
        (
            {"centro_de_custo": "1234567890123"},
            "centro_de_custo: '1234567890123' inválido: até 12 dígitos",
        ),
        ({"reuso_dias": -1}, "reuso_dias: deve ser ≥ 0"),
        ({"concorrencia": 0}, "concorrencia: deve ser ≥ 1"),
        ({"concorrencia": 65}, "concorrencia: deve ser ≤ 64"),
        (
            {"url": "api.serasaexperian.com.br"},
            "url: 'api.serasaexperian.com.br' não é uma URL http(s)://host",
        ),
        (
            {"url": "https://api.serasaexperian.com.br"},
            "url https://api.serasaexperian.com.br é de produção, mas o ambiente é sandbox",
        ),
        (
            {"pacotes": [{"report_name": "relatorio_basico", "tipo_pessoa": "PF"}]},
            "pacote 'relatorio_basico': report_name: 'relatorio_basico' não é um nome da Serasa",
        ),
        (
            {"pacotes": [{"report_name": "R", "tipo_pessoa": "PX"}]},
            "pacote 'R': tipo_pessoa: 'PX' não aceito; use 'PF' ou 'PJ'",
        ),
        (
            {
                "pacotes": [
                    {"report_name": "R", "tipo_pessoa": "PF", "optional_features": ["A", "A"]}
                ]
            },
            "pacote 'R': feature repetida: A",
        ),
        (
            {
                "pacotes": [
                    {"report_name": "R", "tipo_pessoa": "PF"},
                    {"report_name": "R", "tipo_pessoa": "PF"},
                ]
            },
            "pacote 'R': listado duas vezes",
        ),
        (
            {"relatorios": {"Escore": {"PX": {"report_name": "R"}}}},
            "relatório 'Escore': PX: 'PX' não aceito; use 'PF' ou 'PJ'",
        ),
        (
            {"relatorios": {"Escore": {"PF": {"report_name": "R", "features": ["A"]}}}},
            "relatório 'Escore': PF.features: campo desconhecido",
        ),
        ({"relatorios": {"Escore": {}}}, "relatório 'Escore': sem PF nem PJ"),
        ({"precos": {"relatorios": {"R": "-1"}}}, "precos: relatorios.R: preço -1 negativo"),
        (
            {"precos": {"optional_features": {"QSA": "3.105"}}},
            "precos: optional_features.QSA: preço 3.105 com mais de 2 casas decimais",
        ),
        (
            {"precos": {"relatorios": {"R": "caro"}}},
            'precos: relatorios.R: deve ser um valor em reais, ex.: "9.80"',
        ),
        (
            {"compartilhar_chave_incorporadora": {"gestor": True}},
            "compartilhar_chave_incorporadora: gestor: campo desconhecido",
        ),
    ],
)
def test_each_mistake_is_named(tmp_path: Path, change: dict, message: str):
    assert message in _refused(tmp_path, copy.deepcopy(BUNDLED) | change)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            {"id": "corretor-9", "dono": {"corretor": 12}},
            "chave 'corretor-9': dono corretor 12 já tem a chave 'corretor-12'",
        ),
        (
            {"id": "outra", "dono": "incorporadora"},
            "chave 'outra': dono incorporadora já tem a chave 'incorporadora'",
        ),
        ({"id": "corretor-12", "dono": {"corretor": 13}}, "chave 'corretor-12': id repetido"),
        (
            {"id": "Corretor_13", "dono": {"corretor": 13}},
            "chave 'Corretor_13': id: id 'Corretor_13' inválido",
        ),
        (
            {"id": "x", "dono": {"gerente": 4}},
            "chave 'x': dono: deve ser incorporadora, {imobiliaria: <id do CRM>} ou {corretor: <id",
        ),
        ({"id": "x", "dono": {"corretor": "doze"}}, "chave 'x': dono: deve ser incorporadora"),
        (
            {"id": "x", "dono": {"corretor": 4}, "ambiente": "prod"},
            "chave 'x': ambiente: 'prod' não aceito",
        ),
        (
            {"id": "x", "dono": {"corretor": 4}, "limite_diario": 0},
            "chave 'x': limite_diario: deve ser ≥ 1",
        ),
        (
            {"id": "x", "dono": {"corretor": 4}, "segredo": "abc"},
            "chave 'x': segredo: campo desconhecido",
        ),
        ({"dono": {"corretor": 4}}, "chave #4: id: campo obrigatório"),
    ],
)
def test_each_key_mistake_names_the_key(tmp_path: Path, key: dict, message: str):
    assert message in _refused(tmp_path, _with_key(**key))


def test_the_incorporadora_key_is_required(tmp_path: Path):
    content = copy.deepcopy(BUNDLED)
    content["chaves"] = content["chaves"][1:]
    assert "chaves: falta a chave da incorporadora (dono: incorporadora)" in _refused(
        tmp_path, content
    )


def test_every_mistake_is_in_one_message(tmp_path: Path):
    message = _refused(tmp_path, copy.deepcopy(BUNDLED) | {"reuso_dias": -1, "concorrencia": 0})
    assert "reuso_dias" in message and "concorrencia" in message


def test_a_choice_may_name_what_is_not_contracted():
    config = _config(relatorios={"Novo": {"PF": {"report_name": "RELATORIO_AVANCADO_PF"}}})
    assert config.relatorios["Novo"]["PF"].report_name == "RELATORIO_AVANCADO_PF"


def test_invalid_yaml_is_refused(tmp_path: Path):
    path = tmp_path / "serasa.yml"
    path.write_text("ambiente: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_prices_are_rows_for_the_lake():
    rows = price_rows(load_config())
    assert {
        "item_tipo": "relatorio",
        "item": "RELATORIO_BASICO_PF_PME",
        "preco": Decimal("9.80"),
    } in rows
    assert {row["item_tipo"] for row in rows} == {"relatorio", "optional_feature"}


# Key resolution


def test_a_key_by_id():
    assert _config().key("corretor-12").dono.id == 12
    with pytest.raises(ConfigError, match="chave 'corretor-99' não está na configuração"):
        _config().key("corretor-99")


def test_the_gestor_uses_the_incorporadora_key():
    assert resolve_key(_config(), "gestor", None).id == "incorporadora"


def test_a_corretor_with_a_key_uses_it():
    assert resolve_key(_config(), "corretor", 12).id == "corretor-12"


def test_a_corretor_without_a_key_uses_the_shared_one():
    config = _config(compartilhar_chave_incorporadora={"corretor": True})
    assert resolve_key(config, "corretor", 7).id == "incorporadora"


def test_a_corretor_without_a_key_or_sharing_is_refused():
    config = _config(compartilhar_chave_incorporadora={"corretor": False})
    assert resolve_key(config, "corretor", 7) == Refusal(
        "O corretor 7 não tem chave própria e a chave da incorporadora não é compartilhada com "
        "o painel do corretor."
    )


def test_a_brokerage_key_serves_its_panel_but_not_its_brokers():
    config = _config(compartilhar_chave_incorporadora={"corretor": False})
    assert resolve_key(config, "imobiliaria", 3).id == "imobiliaria-3"
    # Corretor 3 is not imobiliária 3: ids are per panel type.
    assert isinstance(resolve_key(config, "corretor", 3), Refusal)


def test_an_imobiliaria_without_a_key_follows_its_sharing_switch():
    refused = resolve_key(_config(), "imobiliaria", 1)
    assert refused == Refusal(
        "A imobiliária 1 não tem chave própria e a chave da incorporadora não é compartilhada "
        "com o painel da imobiliária."
    )
    shared = _config(compartilhar_chave_incorporadora={"imobiliaria": True})
    assert resolve_key(shared, "imobiliaria", 1).id == "incorporadora"


# Planning the calls


def test_choices_sharing_a_report_go_in_one_call():
    calls = plan_calls(
        _config(), ["Participações societárias", "Anotação negativa", "Escore de crédito"], "PJ"
    )
    assert calls == [
        PlannedCall(
            "RELATORIO_BASICO_PJ_PME",
            ["QSA"],
            ["Anotação negativa", "Escore de crédito", "Participações societárias"],
        )
    ]


def test_choices_on_different_reports_are_separate_calls_with_features_combined():
    config = _config(
        pacotes=[
            {"report_name": "B", "tipo_pessoa": "PF", "optional_features": ["Y", "X", "Z"]},
            {"report_name": "A", "tipo_pessoa": "PF"},
        ],
        relatorios={
            "um": {"PF": {"report_name": "B", "optional_features": ["Y", "X"]}},
            "dois": {"PF": {"report_name": "A"}},
            "três": {"PF": {"report_name": "B", "optional_features": ["X", "Z"]}},
        },
    )
    expected = [
        PlannedCall("A", [], ["dois"]),
        PlannedCall("B", ["X", "Y", "Z"], ["um", "três"]),
    ]
    assert plan_calls(config, ["três", "dois", "um", "um"], "PF") == expected
    assert plan_calls(config, ["um", "dois", "três"], "PF") == expected


def test_a_feature_not_contracted_is_refused():
    assert plan_calls(_config(), ["Anotação negativa", "Renda estimada"], "PF") == Refusal(
        "'Renda estimada' não está contratado: a feature RENDA_ESTIMADA_PF não faz parte do "
        "pacote RELATORIO_BASICO_PF_PME."
    )


def test_a_report_not_contracted_for_the_person_type_is_refused():
    config = _config(relatorios={"Avançado": {"PF": {"report_name": "RELATORIO_BASICO_PJ_PME"}}})
    assert plan_calls(config, ["Avançado"], "PF") == Refusal(
        "'Avançado' não está contratado: o relatório RELATORIO_BASICO_PJ_PME não faz parte dos "
        "pacotes contratados para PF."
    )


def test_a_choice_without_the_person_type_is_refused():
    assert plan_calls(_config(), ["Renda estimada"], "PJ") == Refusal(
        "'Renda estimada' não está disponível para PJ."
    )


def test_unknown_and_empty_choices_are_refused():
    refusal = plan_calls(_config(), ["Score"], "PF")
    assert isinstance(refusal, Refusal) and "Relatório desconhecido: 'Score'" in refusal.motivo
    assert plan_calls(_config(), [], "PF") == Refusal("Nenhum relatório escolhido.")


# The environment lock


@pytest.mark.parametrize(
    ("url", "environment"),
    [
        (None, "sandbox"),
        ("http://127.0.0.1:8010", "sandbox"),
        ("https://api.serasaexperian.com.br", "producao"),
        ("https://API.serasaexperian.com.br/", "producao"),
        ("https://uat-api.serasaexperian.com.br", "homologacao"),
        ("https://sandbox-api.serasaexperian.com.br", "homologacao"),
        ("https://api.serasaexperian.com.br.example.org", "sandbox"),
    ],
)
def test_host_environment(url: str | None, environment: str):
    assert host_environment(url) == environment


def test_a_sandbox_key_never_reaches_production():
    key = load_config().chaves[0]
    assert check_environment(key, "http://127.0.0.1:8010") is None
    assert check_environment(key, "https://api.serasaexperian.com.br") == Refusal(
        "A chave 'incorporadora' é de sandbox e não pode consultar a produção."
    )


def test_a_production_key_never_reaches_the_sandbox():
    key = load_config().chaves[0].model_copy(update={"ambiente": "producao"})
    assert check_environment(key, "https://api.serasaexperian.com.br") is None
    assert check_environment(key, None) == Refusal(
        "A chave 'incorporadora' é de produção e não pode consultar o sandbox."
    )
    assert check_environment(key, "https://uat-api.serasaexperian.com.br") == Refusal(
        "A chave 'incorporadora' é de produção e não pode consultar a homologação."
    )


# Credentials


def _key(id_: str = "corretor-12"):
    return next(key for key in load_config().chaves if key.id == id_)


def test_credentials_from_the_environment():
    env = {
        "ALICERCE_SERASA_CORRETOR_12_CLIENT_ID": "cid",
        "ALICERCE_SERASA_CORRETOR_12_CLIENT_SECRET": "s3cr3t",
    }
    found = credentials(_key(), env)
    assert found == ("cid", "s3cr3t")
    assert "s3cr3t" not in repr(found) and "s3cr3t" not in str(found)


def test_credentials_from_the_secrets_file(tmp_path: Path):
    secrets = tmp_path / "segredos.yml"
    secrets.write_text("corretor-12: {client_id: cid, client_secret: s3cr3t}\n", encoding="utf-8")
    client_id, client_secret = credentials(_key(), {}, secrets)
    assert (client_id, client_secret) == ("cid", "s3cr3t")


def test_the_environment_wins_over_the_secrets_file(tmp_path: Path):
    secrets = tmp_path / "segredos.yml"
    secrets.write_text("incorporadora: {client_id: a, client_secret: b}\n", encoding="utf-8")
    env = {
        "ALICERCE_SERASA_INCORPORADORA_CLIENT_ID": "c",
        "ALICERCE_SERASA_INCORPORADORA_CLIENT_SECRET": "d",
    }
    assert credentials(_key("incorporadora"), env, secrets) == ("c", "d")


def test_missing_credentials_name_what_to_set(tmp_path: Path):
    secrets = tmp_path / "segredos.yml"
    secrets.write_text("incorporadora: {client_id: a, client_secret: s3cr3t}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as missing:
        credentials(_key(), {"ALICERCE_SERASA_CORRETOR_12_CLIENT_ID": "cid"}, secrets)
    message = str(missing.value)
    assert (
        "chave 'corretor-12' sem credenciais: defina ALICERCE_SERASA_CORRETOR_12_CLIENT_ID e "
        "ALICERCE_SERASA_CORRETOR_12_CLIENT_SECRET ou a entrada 'corretor-12'"
    ) in message
    assert "s3cr3t" not in message


def test_a_broken_secrets_file_is_reported_without_its_content(tmp_path: Path):
    secrets = tmp_path / "segredos.yml"
    secrets.write_text("corretor-12: {client_id: cid, client_secret: s3cr3t\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="não é YAML válido") as broken:
        credentials(_key(), {}, secrets)
    assert "s3cr3t" not in str(broken.value)
    secrets.write_text("corretor-12: {client_id: cid, secret: s3cr3t}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="deve ter só client_id e client_secret") as wrong:
        credentials(_key(), {}, secrets)
    assert "s3cr3t" not in str(wrong.value)


# CPF and CNPJ


@pytest.mark.parametrize(
    ("text", "digits", "tipo"),
    [
        ("529.982.247-25", "52998224725", "PF"),
        ("52998224725", "52998224725", "PF"),
        (" 123.456.789-09 ", "12345678909", "PF"),
        ("11.222.333/0001-81", "11222333000181", "PJ"),
        ("11222333000181", "11222333000181", "PJ"),
        ("00.000.000/0001-91", "00000000000191", "PJ"),
    ],
)
def test_valid_documents(text: str, digits: str, tipo: str):
    assert parse_document(text) == Document(digits, tipo)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("123.456.789-00", "CPF ***.456.789-** inválido: dígitos verificadores não conferem"),
        ("529.982.247-52", "CPF ***.982.247-** inválido: dígitos verificadores não conferem"),
        ("111.111.111-11", "CPF ***.111.111-** inválido: todos os dígitos são iguais"),
        (
            "11.222.333/0001-82",
            "CNPJ **.222.333/0001-** inválido: dígitos verificadores não conferem",
        ),
        ("00000000000000", "CNPJ **.000.000/0000-** inválido: todos os dígitos são iguais"),
        ("5299822472", "Documento com 10 dígitos inválido: um CPF tem 11 e um CNPJ 14"),
        ("529.982.247-2X", "Documento inválido: use só dígitos"),
        ("", "Documento inválido: use só dígitos"),
    ],
)
def test_invalid_documents(text: str, message: str):
    with pytest.raises(InvalidDocument) as invalid:
        parse_document(text)
    assert message in str(invalid.value)


def test_a_document_shows_only_masked():
    cpf, cnpj = parse_document("529.982.247-25"), parse_document("11.222.333/0001-81")
    assert masked(cpf) == "***.982.247-**" and masked(cnpj) == "**.222.333/0001-**"
    assert "52998224725" not in repr(cpf) and "11222333000181" not in repr(cnpj)
