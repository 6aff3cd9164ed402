"""The list of CRM objects is written once in Python (ingestion/crm/objects.py); dbt keeps a copy
(the var crm_tabelas and one source per object): they must agree."""

import yaml

from ingestion.crm.objects import OBJECTS, by_table, raw_schema
from ingestion.settings import PROJECT_ROOT

DBT = PROJECT_ROOT / "dbt_project"


def _source_tables(path: str, source: str) -> list[str]:
    document = yaml.safe_load((DBT / path).read_text(encoding="utf-8"))
    (found,) = [s for s in document["sources"] if s["name"] == source]
    return [table["name"] for table in found["tables"]]


def test_dbt_knows_every_crm_object():
    tables = [obj.table for obj in OBJECTS]
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"]["crm_tabelas"] == tables
    quarantine = _source_tables("models/staging/quarentena/_quarentena__sources.yml", "quarentena")
    assert [name for name in quarantine if name.startswith("crm_")] == [f"crm_{t}" for t in tables]
    raw = _source_tables("models/staging/crm/_crm__sources.yml", "crm")
    assert set(tables) <= set(raw)
    mart = yaml.safe_load(
        (DBT / "models/marts/qualidade/quarentena.yml").read_text(encoding="utf-8")
    )
    (fonte,) = [c for c in mart["models"][0]["columns"] if c["name"] == "fonte"]
    (accepted,) = [t["accepted_values"] for t in fonte["data_tests"] if "accepted_values" in t]
    assert accepted["arguments"]["values"] == [
        "portal/eventos",
        "pesquisas/envios",
        "serasa/solicitacoes",
        "serasa/consultas",  # the legacy archives' unreadable lines
        *(f"crm/{t}" for t in tables),
    ]


def test_every_object_keeps_its_id_as_an_integer_and_the_rest_as_text():
    for obj in OBJECTS:
        schema = raw_schema(obj)
        assert str(schema.field(obj.id_field).type) == "int64"
        assert {"referencia", "referencia_data", "ativo"} <= set(obj.columns)
        assert ("cpf_hash" in schema.names) == (obj.cpf_field is not None)
    assert by_table("unidades").path == "cvdw/unidades"
