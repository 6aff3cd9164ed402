"""The JSON answer and the legacy answer for the same person agree on the subset docs/serasa.md
defines, once both have gone the real way into the warehouse: the JSON as the sandbox's report
builder sends it, the legacy string encoded from the same report, archived, parsed and ingested,
then both through the same dbt models."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ingestion.serasa.config import load_config
from ingestion.serasa.execute import RAW_SCHEMA, document_hash, write_calls
from ingestion.serasa.legacy_encode import encode_answer, encode_archive
from ingestion.serasa.legacy_ingest import ingest_legacy_archives
from ingestion.serasa.prices import write_prices
from ingestion.serasa.reports import build_report, draw_profiles
from ingestion.settings import Settings
from tests.dbt.test_serasa import build_serasa_models
from tests.ingestion.serasa_batch import cpfs

PEOPLE = 80
QUERIED_AT = datetime(2023, 5, 17, 10, 20, 30)  # São Paulo


def _profiles() -> list:
    rng = np.random.default_rng(17)
    documents = [(d, "PF", f"PESSOA {i}") for i, d in enumerate(cpfs(PEOPLE, seed=17))]
    return draw_profiles(rng, documents, as_of=date(2023, 5, 1))


def write_both_formats(settings: Settings) -> None:
    key = settings.cpf_hash_key.get_secret_value()
    profiles = _profiles()
    reports = [build_report(p, "RELATORIO_BASICO_PF_PME", []) for p in profiles]
    rows = [
        {
            **dict.fromkeys(RAW_SCHEMA.names),
            "id_consulta": f"json-{p.document}",
            "id_solicitacao": f"json-{p.document}",
            "formato": "json",
            "resultado": "ok",
            "tipo_pessoa": "PF",
            "documento_hash": document_hash(p.document, key),
            "consultado_em": QUERIED_AT,
            "resposta": json.dumps(report),
            "documento_normalizado": json.dumps(report),
        }
        for p, report in zip(profiles, reports, strict=True)
    ]
    write_calls(settings, rows, "2023-05-17")
    write_prices(settings, load_config(settings.serasa_config_file), "2023-05-17")
    archive = encode_archive(
        [encode_answer(r, queried_at=QUERIED_AT, records_per_part=9) for r in reports]
    )
    folder = settings.landing_dir / "serasa" / "legado"
    folder.mkdir(parents=True)
    (folder / "legado-2023.txt").write_bytes(archive)
    legacy = ingest_legacy_archives(settings, "2023-05-17")
    assert legacy.as_metadata()["loaded"] == PEOPLE and legacy.reconciles
    with duckdb.connect(str(settings.warehouse)) as con:  # no CRM people: matched by hash here
        con.execute("create schema if not exists intermediate")
        con.execute(
            """create table intermediate.int_crm__pessoas_atual
               (idpessoa bigint, cpf_hash varchar, nome varchar, documento varchar)"""
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_serasa_models(tmp_path_factory.mktemp("formatos") / "data", write_both_formats)


def _by_format(warehouse: Path, sql: str) -> dict[str, dict[str, list[tuple]]]:
    """formato -> documento_hash -> the query's rows (sorted), for a query whose first two
    columns are formato and documento_hash."""
    found: dict[str, dict[str, list[tuple]]] = {"json": {}, "legado": {}}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for formato, person, *rest in con.execute(sql).fetchall():
            found[formato].setdefault(person, []).append(tuple(rest))
    return {
        f: {p: sorted(rows, key=repr) for p, rows in people.items()} for f, people in found.items()
    }


CALLS = "from intermediate.int_serasa__consultas as c"


def test_every_person_has_both_answers(warehouse):
    counts = _by_format(warehouse, f"select formato, documento_hash, resultado {CALLS}")
    assert len(counts["json"]) == len(counts["legado"]) == PEOPLE
    assert counts["json"].keys() == counts["legado"].keys()


def test_identity_agrees(warehouse):
    identity = _by_format(
        warehouse,
        f"""select c.formato, c.documento_hash, r.documento, r.nome, r.data_nascimento {CALLS}
            join intermediate.int_serasa__cadastro as r using (id_consulta)""",
    )
    assert identity["json"] == identity["legado"]


def test_counts_and_totals_per_kind_agree(warehouse):
    kinds = _by_format(
        warehouse,
        f"""select c.formato, c.documento_hash, a.tipo, a.quantidade,
                   case when a.tipo <> 'cheques' then a.valor_total end {CALLS}
            join intermediate.int_serasa__anotacoes_resumo as a using (id_consulta)
            where a.quantidade > 0""",
    )
    assert kinds["json"] == kinds["legado"]
    assert sum(len(rows) for rows in kinds["json"].values()) > PEOPLE // 5  # many have some


def test_the_first_five_details_agree(warehouse):
    details = _by_format(
        warehouse,
        # A cheque's amount is not in the JSON's check items: not part of the subset.
        f"""select c.formato, c.documento_hash, d.tipo, d.posicao, d.data_ocorrencia,
                   case when d.tipo <> 'cheques' then d.valor end, d.credor, d.contrato {CALLS}
            join intermediate.int_serasa__anotacoes as d using (id_consulta)
            where d.posicao <= 5""",
    )
    assert details["json"] == details["legado"]


def test_score_and_range_agree(warehouse):
    scores = _by_format(
        warehouse,
        f"""select c.formato, c.documento_hash, s.score, s.faixa {CALLS}
            join intermediate.int_serasa__scores as s using (id_consulta)
            where s.score_da_consulta""",
    )
    json_scores = {p: rows for p, rows in scores["json"].items() if rows[0][0] is not None}
    legacy_scores = {p: rows for p, rows in scores["legado"].items() if rows[0][0] is not None}
    assert json_scores == legacy_scores
    assert len(json_scores) > PEOPLE // 2
