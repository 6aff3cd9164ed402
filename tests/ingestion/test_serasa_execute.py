"""Executing Serasa requests through the ledger, against the local sandbox over real HTTP."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing

import pytest

from ingestion.serasa.execute import ExecutionError, execute, plan_new_requests
from ingestion.serasa.ledger import Ledger
from ingestion.serasa.sandbox import Fault, running_serasa_sandbox
from tests.ingestion.serasa_batch import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENV,
    LOAD_DATE,
    config_for,
    cpfs,
    data_settings,
    lake_calls,
    land_requests,
    ledger_rows,
    request,
    sandbox_config,
)


def _expire_at(sandbox, thresholds: list[int], stop: threading.Event) -> threading.Thread:
    """Expire every token when the sandbox has answered each threshold's number of requests."""

    def watch() -> None:
        pending = list(thresholds)
        while pending and not stop.is_set():
            if sandbox.report_requests >= pending[0]:
                sandbox.expire_tokens()
                pending.pop(0)
            time.sleep(0.001)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_thousand_queries_across_two_forced_expiries_all_succeed(tmp_path):
    settings = data_settings(tmp_path)
    documents = cpfs(1000)
    land_requests(settings, [request(f"s{i}", d) for i, d in enumerate(documents)])
    config = sandbox_config(documents, latency_seconds=0.002)
    with running_serasa_sandbox(config) as sandbox:
        stop = threading.Event()
        watcher = _expire_at(sandbox, [300, 650], stop)
        report = execute(settings, config_for(sandbox.url, concorrencia=8), LOAD_DATE, env=ENV)
        stop.set()
        watcher.join()
        assert report.outcomes == Counter({"ok": 1000})
        # One login to start, then at most one per forced expiry, however many threads saw it.
        assert sandbox.logins <= 3
        assert sandbox.logins == report.logins
        # Every document answered exactly once: the expired-token faults were resent, nothing else.
        assert set(sandbox.served.values()) == {1}
        assert len(sandbox.served) == 1000
    calls = lake_calls(settings)
    assert len(calls) == 1000
    assert {c["resultado"] for c in calls} == {"ok"}
    assert sum(c["renovacoes_token"] for c in calls) >= 2
    assert all(json.loads(c["documento_normalizado"])["reports"] for c in calls)


def test_short_lived_tokens_are_renewed_before_they_expire(tmp_path):
    settings = data_settings(tmp_path)
    documents = cpfs(300, seed=3)
    land_requests(settings, [request(f"s{i}", d) for i, d in enumerate(documents)])
    # expiresIn as a lifetime ("2"), the mocks' way, instead of an epoch.
    config = sandbox_config(
        documents, token_lifetime_seconds=2, expires_in="seconds", latency_seconds=0.04
    )
    with running_serasa_sandbox(config) as sandbox:
        started = time.monotonic()
        report = execute(settings, config_for(sandbox.url, concorrencia=4), LOAD_DATE, env=ENV)
        elapsed = time.monotonic() - started
        assert report.outcomes == Counter({"ok": 300})
        # The batch outlived its first token, which was renewed once per lifetime, not per call.
        assert elapsed > 2
        assert 2 <= sandbox.logins <= elapsed / 1.8 + 2
        assert set(sandbox.served.values()) == {1}  # and no call met an expired token


def test_refusals_make_no_request(tmp_path):
    settings = data_settings(tmp_path)
    doc_a, doc_b, doc_c = cpfs(3, seed=11)
    land_requests(
        settings,
        [
            request("nao-contratado", doc_a, ["Renda estimada"]),
            request("corretor-sem-chave", doc_b, painel="corretor", idusuario=7),
            request("imobiliaria-sem-chave", doc_c, painel="imobiliaria", idusuario=9),
            request("cpf-invalido", "123.456.789-00"),
            request("relatorio-inexistente", doc_a, ["Relatório mágico"]),
        ],
    )
    config = sandbox_config([doc_a, doc_b, doc_c])
    sharing = {"corretor": False, "imobiliaria": False}
    with running_serasa_sandbox(config) as sandbox:
        base = config_for(sandbox.url)
        sharing_off = base.compartilhar_chave_incorporadora.model_copy(update=sharing)
        no_sharing = base.model_copy(update={"compartilhar_chave_incorporadora": sharing_off})
        report = execute(settings, no_sharing, LOAD_DATE, env=ENV)
        assert sandbox.report_requests == 0
        assert sandbox.logins == 0
    assert report.sent == 0
    rows = ledger_rows(settings)
    assert {r["id_solicitacao"]: r["estado"] for r in rows.values()} == {
        "nao-contratado": "recusada",
        "corretor-sem-chave": "recusada",
        "imobiliaria-sem-chave": "recusada",
        "cpf-invalido": "recusada",
        "relatorio-inexistente": "recusada",
    }
    motivos = {r["id_solicitacao"]: r["motivo"] for r in rows.values()}
    assert "Renda estimada" in motivos["nao-contratado"]
    assert "corretor 7" in motivos["corretor-sem-chave"]
    assert "123.456.789-00" not in json.dumps(motivos)  # the typed CPF is echoed masked only
    assert all(r["documento"] is None for r in rows.values())  # nothing kept for a refusal
    assert {c["resultado"] for c in lake_calls(settings)} == {"recusado"}


def test_only_what_cannot_have_been_processed_is_resent(tmp_path):
    settings = data_settings(tmp_path)
    documents = cpfs(7, seed=5)
    land_requests(settings, [request(f"f{i}", d) for i, d in enumerate(documents)])
    faults = [  # one per request, in order (one call at a time)
        Fault(status=429, retry_after=1),  # f0: paused, then resent...
        Fault(),  # ...and answered: ok
        Fault(status=503),  # f1: desconhecido
        Fault(status=500, processing=True),  # f2: desconhecido
        Fault(status=200, drop_after_processing=True),  # f3: processed, answer lost
        Fault(status=200, delay_seconds=3.0),  # f4: processed, answered after our timeout
    ]
    config = sandbox_config(documents, faults=faults)
    with running_serasa_sandbox(config) as sandbox:
        report = execute(
            settings,
            config_for(sandbox.url, concorrencia=1, tempo_limite_segundos=1.0),
            LOAD_DATE,
            env=ENV,
        )
        rows = ledger_rows(settings)
        by_request = {r["id_solicitacao"]: r for r in rows.values()}
        assert by_request["f0"]["resultado"] == "ok"
        for unknown in ("f1", "f2", "f3", "f4"):
            assert by_request[unknown]["estado"] == "desconhecido", unknown
            assert by_request[unknown]["cobrada"] is None
        assert by_request["f3"]["motivo"].startswith("RemoteProtocolError")
        assert by_request["f4"]["motivo"].startswith("ReadTimeout")
        assert by_request["f5"]["resultado"] == "ok"
        assert report.pauses == 1
        # Never resent: each unknown document reached the sandbox once at most.
        assert max(sandbox.served.values()) == 1

        # A user decides to resend one: it goes out as a new call in the next execution.
        with closing(Ledger(settings.state_db)) as ledger:
            new_id = ledger.resend(by_request["f1"]["id_consulta"], "gestor.teste")
            with pytest.raises(ValueError, match="já foi reenviada"):
                ledger.resend(by_request["f1"]["id_consulta"], "gestor.teste")
            with pytest.raises(ValueError, match="desconhecido"):
                ledger.resend(by_request["f0"]["id_consulta"], "gestor.teste")
        execute(settings, config_for(sandbox.url), LOAD_DATE, env=ENV)
        rows = ledger_rows(settings)
        assert rows[new_id]["resultado"] == "ok"
        assert rows[new_id]["reenvio_de"] == by_request["f1"]["id_consulta"]
        assert rows[by_request["f1"]["id_consulta"]]["estado"] == "desconhecido"
    assert len({c["id_consulta"] for c in lake_calls(settings)}) == len(rows)


def test_a_recent_answer_is_reused_unless_forced_and_the_daily_cap_holds(tmp_path):
    settings = data_settings(tmp_path)
    doc, other, third, fourth, twice = cpfs(5, seed=21)
    config = sandbox_config([doc, other, third, fourth, twice])
    with running_serasa_sandbox(config) as sandbox:
        serasa = config_for(sandbox.url)
        land_requests(settings, [request("r1", doc)], "a.jsonl")
        execute(settings, serasa, LOAD_DATE, env=ENV)
        land_requests(
            settings,
            [
                request("r2", doc),  # same document, reports and key: reused
                request("r3", doc, forcar=True),  # forced: a new, paid call
                request("r4", doc, ["Participações societárias"]),  # other reports: a new call
                request("r5", twice),
                request("r6", twice),  # the same in one batch: waits for r5's answer, reused
            ],
            "b.jsonl",
        )
        execute(settings, serasa, LOAD_DATE, env=ENV)
        assert sandbox.served[doc] == 3
        assert sandbox.served[twice] == 1
        rows = {r["id_solicitacao"]: r for r in ledger_rows(settings).values()}
        assert rows["r2"]["estado"] == "reutilizada"
        assert rows["r2"]["id_consulta_reutilizada"] == rows["r1"]["id_consulta"]
        assert rows["r3"]["resultado"] == "ok"
        assert rows["r6"]["estado"] == "reutilizada"
        assert rows["r6"]["id_consulta_reutilizada"] == rows["r5"]["id_consulta"]

        # The incorporadora's key may make 6 calls a day here (4 made: r1, r3, r4, r5): the 7th
        # is refused, not sent.
        keys = [k.model_copy(update={"limite_diario": 6}) for k in serasa.chaves]
        land_requests(
            settings,
            [request(f"cap{i}", d) for i, d in enumerate([other, third, fourth])],
            "c.jsonl",
        )
        execute(settings, serasa.model_copy(update={"chaves": keys}), LOAD_DATE, env=ENV)
        rows = {r["id_solicitacao"]: r for r in ledger_rows(settings).values()}
        states = [rows[f"cap{i}"]["estado"] for i in range(3)]
        assert states == ["concluida", "concluida", "recusada"]
        assert "limite diário" in rows["cap2"]["motivo"]
        assert sandbox.served[fourth] == 0


_CHILD = """
import sys
from ingestion.serasa.execute import ExecutionError, execute, plan_new_requests
from tests.ingestion.serasa_batch import ENV, LOAD_DATE, config_for, data_settings
from pathlib import Path
execute(data_settings(Path(sys.argv[1])), config_for(sys.argv[2], concorrencia=4), LOAD_DATE,
        print, env=ENV)
"""


def test_a_process_killed_mid_batch_leaves_no_request_run_twice(tmp_path):
    settings = data_settings(tmp_path)
    documents = cpfs(300, seed=9)
    land_requests(settings, [request(f"k{i}", d) for i, d in enumerate(documents)])
    config = sandbox_config(documents, latency_seconds=0.03)
    with running_serasa_sandbox(config) as sandbox:
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tmp_path), sandbox.url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "ALICERCE_DATA_DIR": str(tmp_path)},
        )
        deadline = time.monotonic() + 60
        while sandbox.report_requests < 60 and time.monotonic() < deadline:
            assert child.poll() is None, child.stderr.read().decode()
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        child.wait()
        interrupted = [r for r in ledger_rows(settings).values() if r["estado"] == "enviando"]
        assert 0 < len(interrupted) <= 4  # the calls in flight when it died

        report = execute(settings, config_for(sandbox.url), LOAD_DATE, env=ENV)
        assert report.interrupted == len(interrupted)
        rows = ledger_rows(settings)
        assert len(rows) == 300
        for row in interrupted:
            assert rows[row["id_consulta"]]["estado"] == "desconhecido"
        assert Counter(r["estado"] for r in rows.values()) == Counter(
            {"concluida": 300 - len(interrupted), "desconhecido": len(interrupted)}
        )
        # No document reached the Serasa twice, the interrupted ones included.
        assert max(sandbox.served.values()) == 1
    assert len(lake_calls(settings)) == 300


def test_a_key_without_credentials_waits_and_the_others_go_out(tmp_path):
    settings = data_settings(tmp_path)
    gestor_doc, corretor_doc = cpfs(2, seed=51)
    land_requests(
        settings,
        [
            request("g1", gestor_doc),
            request("c1", corretor_doc, painel="corretor", idusuario=12),  # its own key
        ],
    )
    with running_serasa_sandbox(sandbox_config([gestor_doc, corretor_doc])) as sandbox:
        with pytest.raises(ExecutionError, match="ALICERCE_SERASA_CORRETOR_12_CLIENT_ID"):
            execute(settings, config_for(sandbox.url), LOAD_DATE, env=ENV)
        rows = {r["id_solicitacao"]: r for r in ledger_rows(settings).values()}
        assert (rows["g1"]["resultado"], rows["c1"]["estado"]) == ("ok", "pendente")
        assert [c["id_solicitacao"] for c in lake_calls(settings)] == ["g1"]

        with_key = {
            **ENV,
            "ALICERCE_SERASA_CORRETOR_12_CLIENT_ID": CLIENT_ID,
            "ALICERCE_SERASA_CORRETOR_12_CLIENT_SECRET": CLIENT_SECRET,
        }
        execute(settings, config_for(sandbox.url), LOAD_DATE, env=with_key)
        rows = {r["id_solicitacao"]: r for r in ledger_rows(settings).values()}
        assert (rows["c1"]["resultado"], rows["c1"]["chave"]) == ("ok", "corretor-12")
        assert sandbox.served[corretor_doc] == 1


def test_when_the_serasa_cannot_be_used_the_calls_wait_unsent(tmp_path):
    """A refused login or a Serasa that keeps answering 429: nothing was processed, so the calls
    go back to pending (not 'desconhecido') and go out in a later run."""
    settings = data_settings(tmp_path)
    documents = cpfs(4, seed=61)
    land_requests(settings, [request(f"w{i}", d) for i, d in enumerate(documents)])
    wrong = {**ENV, "ALICERCE_SERASA_INCORPORADORA_CLIENT_SECRET": "not-it"}
    with running_serasa_sandbox(sandbox_config(documents, daily_limit=2)) as sandbox:
        with pytest.raises(ExecutionError, match="401"):
            execute(settings, config_for(sandbox.url), LOAD_DATE, env=wrong)
        assert sandbox.report_requests == 0
        assert {r["estado"] for r in ledger_rows(settings).values()} == {"pendente"}

        # The sandbox allows 2 a day: the others meet 429 after 429, and are left pending.
        with pytest.raises(ExecutionError, match="429"):
            execute(settings, config_for(sandbox.url, concorrencia=1), LOAD_DATE, env=ENV)
        states = sorted(r["estado"] for r in ledger_rows(settings).values())
        assert states == ["concluida", "concluida", "pendente", "pendente"]
        assert sum(sandbox.served.values()) == 2


def test_a_planned_call_the_configuration_no_longer_allows_is_refused_unsent(tmp_path):
    settings = data_settings(tmp_path)
    (document,) = cpfs(1, seed=71)
    land_requests(settings, [request("c1", document, painel="corretor", idusuario=7)])
    with running_serasa_sandbox(sandbox_config([document])) as sandbox:
        shared = config_for(sandbox.url)
        with closing(Ledger(settings.state_db)) as ledger:
            plan_new_requests(settings, shared, ledger)  # planned on the shared key...
        sharing_off = shared.compartilhar_chave_incorporadora.model_copy(update={"corretor": False})
        execute(
            settings,
            shared.model_copy(update={"compartilhar_chave_incorporadora": sharing_off}),
            LOAD_DATE,
            env=ENV,
        )  # ...and the sharing was switched off before it went out
        assert sandbox.report_requests == 0
    (row,) = ledger_rows(settings).values()
    assert (row["estado"], row["resultado"]) == ("recusada", "recusado")
    assert "corretor 7" in row["motivo"]


def test_two_executions_never_run_at_once(tmp_path):
    settings = data_settings(tmp_path)
    lock = tmp_path / "state" / "serasa-execucao.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ExecutionError, match="outra execução"):
            execute(settings, config_for("http://127.0.0.1:9"), LOAD_DATE, env=ENV)
