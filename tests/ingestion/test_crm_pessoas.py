"""CRM `pessoas` pages: versions, duplicates, conflicts, bad pages, the CPF keyed hash."""

from __future__ import annotations

import hashlib
import hmac

import duckdb

from ingestion.crm.pages import ingest_pages
from ingestion.settings import Settings
from tests.conftest import write_pessoas_page

LOAD_DATE = "2026-11-27"


def pessoa(idpessoa: int, referencia_data: str = "2026-01-10 08:00:00", **fields) -> dict:
    row = {
        "referencia": str(idpessoa),
        "referencia_data": referencia_data,
        "ativo": "S",
        "idpessoa": idpessoa,
        "documento_tipo": "CPF",
        "documento": "529.982.247-25",
        "nome": "João da Silva",
        "renda_familiar": "5000.00",
    }
    return {**row, **fields}


def lake(settings: Settings) -> list[tuple]:
    glob = str(settings.raw_dir / "crm" / "pessoas" / "*" / "*.parquet")
    return duckdb.sql(
        f"select idpessoa, referencia_data, nome, cpf_hash from read_parquet('{glob}', "
        f"union_by_name = true) order by idpessoa, referencia_data"
    ).fetchall()


def test_versions_and_duplicates(settings: Settings):
    folder = settings.landing_dir / "crm" / "pessoas" / "extracao-1"
    write_pessoas_page(folder / "pagina-00001.json", [pessoa(1), pessoa(2), pessoa(1)])
    write_pessoas_page(
        folder / "pagina-00002.json",
        [
            pessoa(1, "2026-02-01 09:00:00", nome="João da Silva Santos"),  # a new version
            # Same key, other content: the row changed without its referencia_data moving (a
            # sweep finds such changes). A version too, loaded after the first.
            pessoa(2, nome="Outro nome"),
            {"referencia": "3", "referencia_data": "2026-01-01 00:00:00", "idpessoa": "três"},
            {"referencia": "4", "idpessoa": 4},
        ],
    )

    report = ingest_pages(settings, "pessoas", LOAD_DATE)

    assert [(row[0], row[1]) for row in lake(settings)] == [
        (1, "2026-01-10 08:00:00"),
        (1, "2026-02-01 09:00:00"),
        (2, "2026-01-10 08:00:00"),
        (2, "2026-01-10 08:00:00"),
    ]
    assert (report.records_in, report.loaded, report.quarantined, report.duplicates) == (7, 4, 2, 1)
    assert report.reasons == {
        "bad_type:idpessoa": 1,
        "missing_field:referencia_data": 1,
    }


def test_a_page_that_is_not_an_envelope_is_quarantined_whole(settings: Settings):
    folder = settings.landing_dir / "crm" / "pessoas" / "extracao-1"
    folder.mkdir(parents=True)
    (folder / "pagina-00001.json").write_text('{"erro": "token inválido"}')

    report = ingest_pages(settings, "pessoas", LOAD_DATE)

    assert report.reasons == {"invalid_page": 1}
    assert report.reconciles and report.loaded == 0


def test_cpf_hash_is_keyed_and_computed_in_ingestion(settings: Settings, monkeypatch):
    monkeypatch.setenv("ALICERCE_CPF_HASH_KEY", "segredo-de-teste")
    folder = Settings().landing_dir / "crm" / "pessoas" / "x"
    write_pessoas_page(folder / "pagina-00001.json", [pessoa(1), pessoa(2, documento="123")])

    ingest_pages(Settings(), "pessoas", LOAD_DATE)

    expected = hmac.new(b"segredo-de-teste", b"52998224725", hashlib.sha256).hexdigest()
    assert [row[3] for row in lake(settings)] == [expected, None]
