"""Survey triggers: the bundled file is valid, each mistake gets its own message, and the record
events Python validates against are the ones dbt matches on (dbt var registros_pesquisa)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from ingestion.settings import PROJECT_ROOT, Settings
from ingestion.surveys.triggers import (
    RECORD_EVENTS,
    TriggersError,
    load_triggers,
    write_triggers,
)

BUNDLED = PROJECT_ROOT / "ingestion" / "surveys" / "gatilhos.yml"


def test_the_bundled_triggers_load_and_reach_the_lake(settings: Settings):
    triggers = load_triggers(BUNDLED)
    assert set(triggers.gatilhos) >= {"precadastro", "reserva", "atendimento"}
    [written] = write_triggers(settings, triggers, "2026-11-27").values()
    rows = pq.read_table(written).to_pylist()
    assert {row["gatilho"]: row["tipo_registro"] for row in rows}["assistencia_tecnica"] == (
        "assistencia"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("gatilhos: [", "not valid YAML"),
        ("gatilhos:\n  x: {tipo_registro: sala, evento: cadastro, janela_dias: 3}\n",
         "gatilhos.x: unknown tipo_registro 'sala'"),
        ("gatilhos:\n  x: {tipo_registro: reserva, evento: entrega, janela_dias: 3}\n",
         "gatilhos.x: reserva has no event 'entrega'"),
        ("gatilhos:\n  x: {tipo_registro: reserva, evento: cadastro, janela_dias: -1}\n",
         "gatilhos.x.janela_dias: Input should be greater than or equal to 0"),
        ("gatilhos:\n  Nova-Venda: {tipo_registro: venda, evento: venda, janela_dias: 3}\n",
         "gatilhos.Nova-Venda.[key]"),
        ("gatilhos:\n  x: {tipo_registro: venda, evento: venda}\n",
         "gatilhos.x.janela_dias: Field required"),
    ],
)  # fmt: skip
def test_each_mistake_is_named(tmp_path: Path, content: str, message: str):
    path = tmp_path / "gatilhos.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TriggersError, match="gatilhos.yml: ") as error:
        load_triggers(path)
    assert message in str(error.value)


def test_dbt_matches_on_the_events_python_accepts():
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text())
    in_dbt = {
        tipo: {evento: coluna.removesuffix("_utc") for evento, coluna in record["eventos"].items()}
        for tipo, record in project["vars"]["registros_pesquisa"].items()
    }
    assert in_dbt == RECORD_EVENTS
