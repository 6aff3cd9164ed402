"""Survey triggers (gatilhos): for each trigger type in the dispatch log, the CRM record type its
protocol points to, which of that record's events triggers the survey, and the window (days
before the dispatch) in which a dispatch without idorigem looks for it (DESIGN.md, "Survey
protocols"; docs/sources.md, "Survey triggers"). Validated here, written to the lake for dbt.
The file is `ingestion/surveys/gatilhos.yml` (ALICERCE_SURVEY_TRIGGERS_FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingestion.config_file import load_yaml_model
from ingestion.lake import replace_snapshot
from ingestion.settings import Settings

SOURCE, TABLE = "pesquisas", "gatilhos"
MAX_WINDOW_DAYS = 3650

# Record type -> its events, each with the CRM field it is read from (a date-only field counts
# from 00:00 São Paulo of that day). dbt's int_pesquisas__eventos_registro lists the same.
RECORD_EVENTS: dict[str, dict[str, str]] = {
    "precadastro": {"cadastro": "data_cad", "situacao": "data_ultima_alteracao_situacao"},
    "reserva": {"cadastro": "data_cad", "venda": "data_venda", "contrato": "data_contrato"},
    "venda": {"venda": "data_venda", "reserva": "data_reserva"},
    "repasse": {"cadastro": "data_cadastro", "registro": "data_registro"},
    "atendimento": {"abertura": "data_cad", "situacao": "data_situacao"},
    "assistencia": {"abertura": "data_cad", "conclusao": "data_conclusao"},
}

SCHEMA = pa.schema(
    [
        ("gatilho", pa.string()),
        ("tipo_registro", pa.string()),
        ("evento", pa.string()),
        ("janela_dias", pa.int32()),
    ]
)


class TriggersError(ValueError):
    """The triggers file is missing, unreadable or invalid; the message says where and why."""


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tipo_registro: str
    evento: str
    janela_dias: Annotated[int, Field(ge=0, le=MAX_WINDOW_DAYS)]

    @model_validator(mode="after")
    def _known_event(self) -> Trigger:
        events = RECORD_EVENTS.get(self.tipo_registro)
        if events is None:
            raise ValueError(
                f"unknown tipo_registro {self.tipo_registro!r}; known: {sorted(RECORD_EVENTS)}"
            )
        if self.evento not in events:
            raise ValueError(
                f"{self.tipo_registro} has no event {self.evento!r}; known: {sorted(events)}"
            )
        return self


class Triggers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gatilhos: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")], Trigger]


def load_triggers(path: Path) -> Triggers:
    return load_yaml_model(path, Triggers, TriggersError, "survey triggers")


def write_triggers(settings: Settings, triggers: Triggers, load_date: str) -> dict[str, Path]:
    """The triggers as the lake's settings snapshot of this load date, for dbt."""
    rows = [
        {"gatilho": name, **trigger.model_dump()} for name, trigger in triggers.gatilhos.items()
    ]
    return {
        TABLE: replace_snapshot(
            settings, SOURCE, TABLE, pa.Table.from_pylist(rows, SCHEMA), load_date
        )
    }
