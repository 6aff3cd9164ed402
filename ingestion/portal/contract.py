"""The portal event contract's configurable part: event types and tracked fields beyond the
built-in ones (docs/sources.md). Accepting a new one and replaying the quarantine
(`alicerce quarantine replay`) loads the records that were rejected for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

EVENT_TYPES = ("login", "update_prompt_shown", "update_declined", "update_completed")
TRACKED_FIELDS = ("nome", "rg", "renda_familiar", "celular", "email", "cep", "endereco")

# Names end up in SQL literals and in the marts: plain snake_case only.
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class ContractError(ValueError):
    """The contract file is missing, unreadable or invalid; the message says where and why."""


class PortalContract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extra_event_types: tuple[Name, ...] = ()
    extra_tracked_fields: tuple[Name, ...] = ()

    @property
    def event_types(self) -> tuple[str, ...]:
        return EVENT_TYPES + tuple(t for t in self.extra_event_types if t not in EVENT_TYPES)

    @property
    def tracked_fields(self) -> tuple[str, ...]:
        extra = tuple(f for f in self.extra_tracked_fields if f not in TRACKED_FIELDS)
        return TRACKED_FIELDS + extra


def load_contract(path: Path) -> PortalContract:
    if not path.exists():
        return PortalContract()
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ContractError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise ContractError(f"{path}: expected a mapping (extra_event_types, extra_tracked_fields)")
    try:
        return PortalContract.model_validate(content)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ContractError(f"{path}: {problems}") from error
