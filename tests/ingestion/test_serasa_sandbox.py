"""The Serasa sandbox over HTTP (httpx): login, the report variants with the reference's field
names, PF vs PJ, error bodies, faults, token expiry, the daily limit; and the profile draw."""

from __future__ import annotations

import base64
import re
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

import httpx
import numpy as np
import pytest

from ingestion.demo.cpf import cpf_numbers, format_cnpj
from ingestion.serasa.reports import (
    KINDS,
    UNKNOWN_REGISTRATION_KEY,
    UNKNOWN_TOP_LEVEL_KEY,
    Annotation,
    CreditProfile,
    build_report,
    draw_profiles,
    write_profiles,
)
from ingestion.serasa.sandbox import (
    LOGIN_PATH,
    PF_PATH,
    PJ_PATH,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    Fault,
    SerasaSandboxConfig,
    running_serasa_sandbox,
)

CPF = str(int(cpf_numbers(np.array([123456789]))[0]))  # 12345678909
CPF_OTHER = str(int(cpf_numbers(np.array([987654321]))[0]))
CPF_UNKNOWN = str(int(cpf_numbers(np.array([111222333]))[0]))
CNPJ = re.sub(r"\D", "", format_cnpj(np.array([11222333]))[0])  # 11222333000181
PF_REPORT = "RELATORIO_BASICO_PF_PME"
PJ_REPORT = "RELATORIO_BASICO_PJ_PME"


def pefin(day: str, amount: str) -> Annotation:
    return Annotation(
        date=day,
        amount=Decimal(amount),
        creditor="EMPRESA CREDORA SA",
        contract="0000000000123456",
        nature_id="OO",
        nature="OUTRAS OPER",
        city="SAO PAULO",
        uf="SP",
    )


PERSON = CreditProfile(
    document=CPF,
    tipo_pessoa="PF",
    name="FULANO DE TAL DA SILVA",
    mother_name="BELTRANA DE TAL",
    birth_date="1985-04-12",
    gender="M",
    city="SAO PAULO",
    uf="SP",
    annotations={
        "pefin": (pefin("2023-06-12", "418.51"),),
        "notary": (Annotation(date="2022-12-05", amount=Decimal("1500"), office="02"),),
    },
    score=943,
    score_range="A",
    default_rate=Decimal("3.70"),
)
COMPANY = CreditProfile(
    document=CNPJ,
    tipo_pessoa="PJ",
    name="EMPRESA EXEMPLO LTDA",
    birth_date="2010-03-01",
    status_date="2026-01-10",
    score=900,
    score_model="HPJ9",
    default_rate=Decimal("0.30"),
)


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=10) as client:
        yield client


def basic(client_id: str = SANDBOX_CLIENT_ID, secret: str = SANDBOX_CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def login(http: httpx.Client, url: str) -> str:
    response = http.post(url + LOGIN_PATH, headers={"Authorization": basic()})
    assert response.status_code == 201
    return response.json()["accessToken"]


def get_report(
    http: httpx.Client,
    url: str,
    token: str,
    document: str = CPF,
    report: str = PF_REPORT,
    features: str | None = None,
    path: str = PF_PATH,
    **kwargs,
) -> httpx.Response:
    params = {"reportName": report}
    if features is not None:
        params["optionalFeatures"] = features
    headers = {"Authorization": f"Bearer {token}", "X-Document-Id": document}
    return http.get(url + path, params=params, headers=headers, **kwargs)


def sandbox(*profiles: CreditProfile, **options):
    config = SerasaSandboxConfig(profiles={p.document: p for p in profiles}, **options)
    return running_serasa_sandbox(config)


def message(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == str(response.status_code)
    return body[0]["message"]


# --- login ----------------------------------------------------------------------------------


def test_login_answers_201_with_an_epoch_expiry_by_default(http):
    with sandbox(PERSON) as server:
        before = time.time()
        response = http.post(server.url + LOGIN_PATH, headers={"Authorization": basic()})
        assert response.status_code == 201
        body = response.json()
        assert set(body) == {"accessToken", "tokenType", "expiresIn", "scope"}
        assert body["accessToken"].startswith("eyJ") and body["accessToken"].count(".") == 2
        assert body["tokenType"] == "Bearer" and body["scope"] == ["READ", "WRITE"]
        assert isinstance(body["expiresIn"], str)
        assert before + 3598 <= int(body["expiresIn"]) <= time.time() + 3600
        assert server.logins == 1


def test_login_can_answer_expires_in_as_seconds(http):
    with sandbox(PERSON, expires_in="seconds", token_lifetime_seconds=600) as server:
        body = http.post(server.url + LOGIN_PATH, headers={"Authorization": basic()}).json()
        assert body["expiresIn"] == "600"


@pytest.mark.parametrize("authorization", [basic(secret="wrong"), basic("nobody"), None])
def test_bad_credentials_are_401_authorization_failed(authorization, http):
    with sandbox(PERSON) as server:
        headers = {"Authorization": authorization} if authorization else {}
        response = http.post(server.url + LOGIN_PATH, headers=headers)
        assert response.status_code == 401
        assert response.json() == [{"code": "401", "message": "Authorization Failed"}]
        assert server.logins == 0


# --- report shapes ----------------------------------------------------------------------------


def test_pf_report_has_the_reference_field_names(http):
    with sandbox(PERSON) as server:
        response = get_report(http, server.url, login(http, server.url))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"reports", "optionalFeatures"} and body["optionalFeatures"] == {}
        (report,) = body["reports"]
        assert report["reportName"] == PF_REPORT
        registration = report["registration"]
        assert registration["documentNumber"] == CPF
        assert registration["consumerName"] == "FULANO DE TAL DA SILVA"
        assert registration["motherName"] == "BELTRANA DE TAL"
        assert registration["birthDate"] == "1985-04-12"
        assert registration["statusRegistration"] == "REGULAR"
        assert set(registration["address"]) == {
            "addressLine", "district", "zipCode", "country", "city", "state",
        }  # fmt: skip
        assert isinstance(registration["phone"]["areaCode"], int)
        negative = report["negativeData"]
        assert list(negative) == list(KINDS)
        assert negative["pefin"]["pefinResponse"] == [
            {
                "occurrenceDate": "2023-06-12",
                "legalNatureId": "OO",
                "legalNature": "OUTRAS OPER",
                "contractId": "0000000000123456",
                "creditorName": "EMPRESA CREDORA SA",
                "amount": 418.51,
                "principal": True,
                "publicAgency": False,
                "city": "SAO PAULO",
                "federalUnit": "SP",
                "cadus": "",
            }
        ]
        assert negative["pefin"]["summary"] == {
            "count": 1,
            "balance": 418.51,
            "firstOccurrence": "2023-06-12",
            "lastOccurrence": "2023-06-12",
        }
        assert negative["notary"]["notaryResponse"][0]["officeNumber"] == "02"
        assert negative["notary"]["summary"]["balance"] == 1500.0
        assert negative["refin"] == {"refinResponse": [], "summary": {"count": 0, "balance": 0.0}}
        assert negative["check"]["summary"]["checkCount"] == 0
        assert report["score"] == {
            "score": 943,
            "scoreModel": "HRLN",
            "range": "A",
            "defaultRate": "3,70",
            "codeMessage": 99,
            "message": "ESPACO RESERVADO PARA MENSAGEM DA INSTITUICAO",
        }
        assert set(report["facts"]) >= {"inquiry", "inquirySummary", "judgementFilings"}
        assert server.served == Counter({CPF: 1}) and server.billed == 1


@pytest.mark.parametrize(
    ("variant", "score"),
    [
        (
            "not_calculated",
            {
                "scoreModel": "HRLN",
                "codeMessage": 836,
                "message": "SCORE NAO CALCULADO - INSUFICIENCIA INFORMACOES BASE DE DADOS "
                "SERASA EXPERIAN",
                "billing": False,
            },
        ),
        ("not_found", {"codeMessage": 404, "message": "404 Score not found in CI-DATA-API."}),
        ("older", {"score": 943, "scoreModel": "HRLN", "defaultRate": "3,7"}),
    ],
)
def test_score_variants(variant, score, http):
    profile = replace(PERSON, score_variant=variant)
    with sandbox(profile) as server:
        body = get_report(http, server.url, login(http, server.url)).json()
        assert body["reports"][0]["score"] == score
        assert server.served[CPF] == 1
        assert server.billed == (0 if variant == "not_calculated" else 1)


def test_summary_counts_more_than_listed_and_blocks_can_lack_summary_or_be_missing(http):
    items = tuple(pefin(f"2024-0{month}-01", "100.00") for month in range(1, 8))
    profile = replace(
        PERSON,
        annotations={"pefin": items, "refin": items[:3], "notary": items[:1]},
        listed_limit={"pefin": 5, "refin": 0},
        omit_summary=("notary",),
        omit_blocks=("check",),
    )
    with sandbox(profile) as server:
        negative = get_report(http, server.url, login(http, server.url)).json()["reports"][0][
            "negativeData"
        ]
        assert len(negative["pefin"]["pefinResponse"]) == 5
        assert negative["pefin"]["pefinResponse"][0]["occurrenceDate"] == "2024-07-01"  # newest
        assert negative["pefin"]["summary"]["count"] == 7
        assert negative["pefin"]["summary"]["balance"] == 700.0
        assert negative["refin"]["refinResponse"] == []
        assert negative["refin"]["summary"]["count"] == 3
        assert set(negative["notary"]) == {"notaryResponse"}
        assert "check" not in negative


def test_unknown_fields_are_in_the_answer(http):
    with sandbox(replace(PERSON, unknown_fields=True)) as server:
        body = get_report(http, server.url, login(http, server.url)).json()
        assert UNKNOWN_TOP_LEVEL_KEY in body
        assert UNKNOWN_REGISTRATION_KEY in body["reports"][0]["registration"]


def test_pj_path_basic_and_advanced_reports(http):
    with sandbox(PERSON, COMPANY) as server:
        token = login(http, server.url)
        response = get_report(http, server.url, token, CNPJ, PJ_REPORT, path=PJ_PATH)
        assert response.status_code == 200
        report = response.json()["reports"][0]
        assert report["registration"]["companyDocument"] == CNPJ
        assert report["registration"]["statusRegistration"] == (
            "SITUACAO DO CNPJ EM 10/01/2026: ATIVA"
        )
        assert report["score"] == {
            "score": 900,
            "scoreModel": "HPJ9",
            "defaultRate": "00030",
            "message": "PROBABILIDADE DE INADIMPLENCIA: 0,3%",
            "billing": True,
        }
        assert "inquiryCompanyResponse" in report["facts"]
        advanced = get_report(http, server.url, token, CNPJ, "RELATORIO_AVANCADO_PJ", path=PJ_PATH)
        report = advanced.json()["reports"][0]
        assert "registration" not in report
        assert report["identificationReport"]["documentNumber"] == CNPJ
        assert isinstance(report["identificationReport"]["phone"]["areaCode"], str)
        # A CPF on the PJ path, a PJ report on the PF path.
        wrong_path = get_report(http, server.url, token, CPF, PJ_REPORT, path=PJ_PATH)
        assert wrong_path.status_code == 412
        assert get_report(http, server.url, token, CPF, PJ_REPORT).status_code == 404
        assert server.served == Counter({CNPJ: 2})


def test_features_go_under_top_level_optional_features(http):
    with sandbox(PERSON) as server:
        body = get_report(
            http,
            server.url,
            login(http, server.url),
            features="PARTICIPACAO_SOCIETARIA,RENDA_ESTIMADA_PF",
        ).json()
        features = body["optionalFeatures"]
        assert features["partner"]["partnershipResponse"][0]["businessDocument"]
        assert features["attributes"]["attributesResponse"] == [
            {"name": "RENDA_ESTIMADA_PF", "value": "1"}
        ]
        assert "partner" in body["reports"][0]  # the report's own (empty) partner block


def test_build_report_amounts_have_two_decimals():
    profile = replace(PERSON, annotations={"pefin": (pefin("2024-01-01", "10.005"),)})
    item = build_report(profile, PF_REPORT, [])["reports"][0]["negativeData"]["pefin"]
    assert item["pefinResponse"][0]["amount"] == 10.0  # Decimal rounding: half even


# --- errors --------------------------------------------------------------------------------


def test_error_bodies(http):
    contracted = {SANDBOX_CLIENT_ID: {PF_REPORT: {"PARTICIPACAO_SOCIETARIA"}}}
    with sandbox(PERSON, contracted=contracted) as server:
        token = login(http, server.url)
        for document in ("123", CPF[:-1] + str((int(CPF[-1]) + 1) % 10), "123.456.789-09", ""):
            response = get_report(http, server.url, token, document)
            assert response.status_code == 412
            assert message(response) == (
                "[ERROR][INVALID-REQUEST] informe o documento a ser consultado válido em "
                "[X-Document-Id]"
            )
        response = get_report(http, server.url, token, features="RENDA_ESTIMADA_PF")
        assert response.status_code == 412
        assert message(response) == (
            "[ERROR][INVALID-REQUEST] Features solicitadas não existem ou não estão autorizadas "
            "para o relatório"
        )
        response = get_report(http, server.url, token, features="PARTICIPACAO_SOCIETARIA, SCORE")
        assert response.status_code == 412  # a space makes an unknown feature
        response = get_report(http, server.url, token, report="RELATORIO_INTERMEDIARIO_PF")
        assert response.status_code == 412
        assert message(response) == "[ERROR][USER-NOT-AUTHORIZED] Transações negadas"
        not_found = "[ERROR][DOCUMENT_NOT_FOUND] Documento nao encontrado na Serasa Experian."
        for response in (
            get_report(http, server.url, token, CPF_UNKNOWN),
            get_report(http, server.url, token, report="RELATORIO_QUE_NAO_EXISTE"),
        ):
            assert response.status_code == 404 and message(response) == not_found
        ok = get_report(http, server.url, token, features="PARTICIPACAO_SOCIETARIA")
        assert ok.status_code == 200
        assert server.served == Counter({CPF: 1}) and server.report_requests == 10


def test_document_in_the_url_is_refused(http):
    with sandbox(PERSON) as server:
        token = login(http, server.url)
        response = http.get(
            server.url + PF_PATH,
            params={"reportName": PF_REPORT, "documentNumber": CPF},
            headers={"Authorization": f"Bearer {token}", "X-Document-Id": CPF},
        )
        assert response.status_code == 400
        assert server.served == Counter()


def test_faults_are_answered_in_order(http):
    faults = [
        Fault(429, retry_after=7),
        Fault(429),
        Fault(500, processing=True),
        Fault(500),
        Fault(503),
        Fault(504),
    ]
    with sandbox(PERSON, faults=faults) as server:
        token = login(http, server.url)
        answers = [get_report(http, server.url, token, features="SCORE") for _ in range(7)]
        assert [a.status_code for a in answers] == [429, 429, 500, 500, 503, 504, 200]
        assert answers[0].headers["Retry-After"] == "7"
        assert message(answers[0]) == "Too Many Requests"
        assert "Retry-After" not in answers[1].headers
        assert message(answers[2]) == (
            "[ERROR][PROCESSING] Ocorreu um erro com as features: [SCORE]"
        )
        assert message(answers[3]) == "Internal Server Error"
        assert message(answers[4]) == "Service Unavailable"
        assert server.served == Counter({CPF: 1})


def test_slow_and_dropped_answers_are_processed_and_billed(http):
    faults = [Fault(delay_seconds=1.0), Fault(drop_after_processing=True)]
    with sandbox(PERSON, faults=faults) as server:
        token = login(http, server.url)
        with pytest.raises(httpx.ReadTimeout):
            get_report(http, server.url, token, timeout=0.3)
        with pytest.raises(httpx.RemoteProtocolError):
            get_report(http, server.url, token)
        assert server.served == Counter({CPF: 2}) and server.billed == 2


@pytest.mark.parametrize("answer", ["gateway_500", "401"])
def test_tokens_expire_on_the_server_clock(answer, http):
    with sandbox(PERSON, token_lifetime_seconds=0.5, expired_token_answer=answer) as server:
        token = login(http, server.url)
        assert get_report(http, server.url, token).status_code == 200
        time.sleep(0.6)
        response = get_report(http, server.url, token)
        if answer == "401":
            assert response.status_code == 401
            assert message(response) == "Authorization Failed"
        else:
            assert response.status_code == 500
            fault = response.json()["fault"]
            assert "auth-header-validator.js" in fault["faultstring"]
            assert fault["faultstring"].startswith("Execution of Auth-Header-Validator failed")
            assert fault["detail"] == {"errorcode": "steps.javascript.ScriptExecutionFailed"}
        assert get_report(http, server.url, login(http, server.url)).status_code == 200
        assert server.logins == 2 and server.served[CPF] == 2


def test_expire_tokens_and_unknown_tokens(http):
    with sandbox(PERSON) as server:
        token = login(http, server.url)
        server.expire_tokens()
        assert get_report(http, server.url, token).status_code == 500
        assert get_report(http, server.url, "eyJnot.a.token").status_code == 500
        assert http.get(server.url + PF_PATH, params={"reportName": PF_REPORT}).status_code == 500
        assert get_report(http, server.url, login(http, server.url)).status_code == 200


def test_daily_limit_per_client(http):
    credentials = {SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET, "outro": "segredo"}
    with sandbox(PERSON, daily_limit=2, credentials=credentials) as server:
        token = login(http, server.url)
        statuses = [get_report(http, server.url, token).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        other = httpx.post(
            server.url + LOGIN_PATH, headers={"Authorization": basic("outro", "segredo")}
        )
        assert get_report(http, server.url, other.json()["accessToken"]).status_code == 200


def test_profiles_from_the_dataset_dir(tmp_path, http):
    write_profiles(tmp_path / "perfis.jsonl", [PERSON, COMPANY])
    config = SerasaSandboxConfig(dataset_dir=tmp_path)
    with running_serasa_sandbox(config) as server:
        token = login(http, server.url)
        assert get_report(http, server.url, token).status_code == 200
        assert get_report(http, server.url, token, CNPJ, PJ_REPORT, path=PJ_PATH).status_code == 200


# --- profiles ------------------------------------------------------------------------------


def test_draw_profiles_mix_is_deterministic_and_round_trips():
    documents = [(f"{n:011d}", "PJ" if n % 10 == 0 else "PF", "José da Silva") for n in range(2000)]
    first = draw_profiles(np.random.default_rng(7), documents, as_of=date(2026, 6, 30))
    again = draw_profiles(np.random.default_rng(7), documents, as_of=date(2026, 6, 30))
    assert first == again
    assert all(CreditProfile.from_json(p.to_json()) == p for p in first)
    share = lambda test: sum(map(test, first)) / len(first)  # noqa: E731
    assert 0.25 < share(lambda p: bool(p.items("pefin") or p.items("refin"))) < 0.4
    assert 0.03 < share(lambda p: bool(p.listed_limit)) < 0.08
    assert 0.05 < share(lambda p: p.score_variant == "not_calculated") < 0.11
    assert 0.01 < share(lambda p: p.score_variant == "not_found") < 0.05
    assert 0.005 < share(lambda p: p.unknown_fields) < 0.04
    assert 0 < share(lambda p: bool(p.items("check"))) < share(lambda p: bool(p.items("notary")))
    assert share(lambda p: bool(p.omit_blocks or p.omit_summary)) > 0.02
    assert first[0].name == "JOSE DA SILVA"
    dates = [a.date for p in first for items in p.annotations.values() for a in items]
    assert max(dates) <= "2026-06-30"
    for profile in first[:200]:  # every drawn profile builds (PJ advanced too)
        name = "RELATORIO_AVANCADO_PJ" if profile.tipo_pessoa == "PJ" else PF_REPORT
        build_report(profile, name, [])


def test_as_of_drops_later_annotations():
    profile = replace(
        PERSON, annotations={"pefin": (pefin("2020-01-01", "1"), pefin("2025-01-01", "2"))}
    )
    assert [a.date for a in profile.as_of(date(2023, 1, 1)).items("pefin")] == ["2020-01-01"]
