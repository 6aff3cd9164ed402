"""The Serasa client against the local sandbox: tokens, authentication failures, outcomes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ingestion.serasa.client import BatchPause, NotSent, ReportQuery, SerasaClient, expiry_from
from ingestion.serasa.sandbox import Fault, running_serasa_sandbox
from tests.ingestion.serasa_batch import CLIENT_ID, CLIENT_SECRET, cpfs, sandbox_config


def _client(url: str, secret: str = CLIENT_SECRET, **options) -> SerasaClient:
    return SerasaClient(url, CLIENT_ID, secret, retailer_document="11222333000181", **options)


def _query(document: str) -> ReportQuery:
    return ReportQuery(document, "PF", "RELATORIO_BASICO_PF_PME")


def test_expires_in_is_read_as_an_epoch_or_as_a_lifetime():
    now = 1_800_000_000.0
    assert expiry_from("1800003600", now) == 1_800_003_600
    assert expiry_from("3600", now) == now + 3600
    assert expiry_from(3600, now) == now + 3600


@pytest.mark.parametrize("answer", ["gateway_500", "401"])
def test_an_expired_token_is_renewed_once_and_the_call_resent(answer):
    (document,) = cpfs(1, seed=31)
    with running_serasa_sandbox(sandbox_config([document], expired_token_answer=answer)) as sandbox:
        with _client(sandbox.url) as client:
            assert client.query(_query(document)).resultado == "ok"
            sandbox.expire_tokens()
            result = client.query(_query(document))
        assert result.resultado == "ok"
        assert result.renovacoes_token == 1
        assert sandbox.logins == 2
        assert sandbox.report_requests == 3  # the refused one was not processed
        assert sandbox.served[document] == 2


def test_the_reports_own_500_is_not_taken_for_an_expired_token():
    (document,) = cpfs(1, seed=32)
    config = sandbox_config([document], faults=[Fault(status=500, processing=True)])
    with running_serasa_sandbox(config) as sandbox, _client(sandbox.url) as client:
        result = client.query(_query(document))
        assert result.resultado == "desconhecido"
        assert "[ERROR][PROCESSING]" in result.motivo
        assert sandbox.logins == 1
        assert sandbox.report_requests == 1


def test_a_refused_login_means_the_call_was_not_sent():
    (document,) = cpfs(1, seed=33)
    with running_serasa_sandbox(sandbox_config([document])) as sandbox:
        with _client(sandbox.url, secret="wrong") as client, pytest.raises(NotSent, match="401"):
            client.query(_query(document))
        assert sandbox.report_requests == 0


def test_outcomes_of_a_document_serasa_lacks_and_of_an_invalid_one():
    known, unknown = cpfs(2, seed=34)
    with running_serasa_sandbox(sandbox_config([known])) as sandbox, _client(sandbox.url) as c:
        missing = c.query(_query(unknown))
        invalid = c.query(ReportQuery("123", "PF", "RELATORIO_BASICO_PF_PME"))
    assert (missing.resultado, missing.http_status, missing.cobrada) == (
        "nao_encontrado",
        404,
        False,
    )
    assert "DOCUMENT_NOT_FOUND" in missing.motivo
    assert (invalid.resultado, invalid.http_status) == ("invalido", 412)


def test_the_document_travels_in_a_header_never_in_the_url():
    (document,) = cpfs(1, seed=35)
    seen: list[str] = []
    with running_serasa_sandbox(sandbox_config([document])) as sandbox, _client(sandbox.url) as c:
        c._http.event_hooks["request"].append(  # noqa: SLF001 (watch what is sent)
            lambda request: seen.append((request.method, str(request.url), request.headers))
        )
        assert c.query(_query(document)).resultado == "ok"
    (login, report) = seen
    assert login[0] == "POST" and "x-document-id" not in login[2]
    assert report[0] == "GET" and document not in report[1]
    assert report[2]["x-document-id"] == document
    assert report[2]["x-retailer-document-id"] == "11222333000181"


def test_a_429_pauses_for_its_retry_after_then_backs_off_doubling():
    pause = BatchPause(base=60, cap=900)
    assert pause.too_many_requests("2") == 2
    assert [pause.too_many_requests(None) for _ in range(6)] == [60, 120, 240, 480, 900, 900]
    pause.succeeded()
    assert pause.too_many_requests(None) == 60


def test_a_score_saying_billing_false_is_not_billed():
    (document,) = cpfs(1, seed=36)
    config = sandbox_config([document])
    config.profiles[document] = dataclasses.replace(
        config.profiles[document], score_variant="not_calculated"
    )
    with running_serasa_sandbox(config) as sandbox, _client(sandbox.url) as client:
        result = client.query(_query(document))
    assert json.loads(result.resposta)["reports"][0]["score"]["billing"] is False
    assert (result.resultado, result.cobrada) == ("ok", False)
