"""Settings files in YAML (the update campaign, the re-engagement segments): read, validated by a
pydantic model, every mistake reported in one error that names the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def load_yaml_model(
    path: Path,
    model: type[M],
    error: type[Exception],
    what: str,
    describe: Callable[[ValidationError, Any], str] | None = None,
) -> M:
    """`path` validated as `model`; otherwise `error` with the file and each problem.

    `describe` turns the validation problems into text (default: "location: message" each)."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as cause:
        raise error(f"{path}: cannot read the {what}: {cause}") from cause
    except yaml.YAMLError as cause:
        raise error(f"{path}: not valid YAML: {cause}") from cause
    try:
        return model.model_validate(content)
    except ValidationError as problems:
        raise error(f"{path}: {(describe or _problems)(problems, content)}") from None


def _problems(error: ValidationError, _content: Any) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg'].removeprefix('Value error, ')}"
        for e in error.errors()
    )
