"""Stage 2, typed entities: each document validated against its model, every problem an
editor-facing message at the place it concerns (the closest allowed names and values,
what a missing field should hold)."""

from __future__ import annotations

import re
from typing import Any, Literal, Optional, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..core.dates import EXAMPLES as DATE_EXAMPLES, EdtfDate
from ..core.problems import Problem, did_you_mean
from ..source import RawDocument
from .entities import MODELS, Entity, nested_model
from .limits import limit_problems


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items() if name not in ("id", "type")]


def _model_at(model: type[BaseModel], loc: tuple) -> Optional[type[BaseModel]]:
    """The model class that owns the last element of ``loc`` (for listing allowed fields)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        annotation = fields[part].annotation if part in fields else None
        inner = nested_model(annotation)
        if inner is None:
            return None
        model = inner
    return model


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def _expected(model: type[BaseModel], loc: tuple) -> str:
    """What a missing field should hold: its allowed values, the date form, or its description."""
    owner = _model_at(model, loc)
    fields = {f.alias or n: f for n, f in owner.model_fields.items()} if owner else {}
    info = fields.get(str(loc[-1]))
    if info is None:
        return ""
    if get_origin(info.annotation) is Literal:
        return "; allowed: " + ", ".join(get_args(info.annotation))
    if info.annotation is EdtfDate:
        return f"; an EDTF date, e.g. {DATE_EXAMPLES}"
    help_text = info.description
    return f" ({help_text[0].lower() + help_text[1:].rstrip('.')})" if help_text else ""


def _message(error: dict, model: type[BaseModel], entity_type: str) -> tuple[str, bool]:
    """An editor-facing message for one pydantic error, and whether it points at the key."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    name = str(loc[-1]) if loc else entity_type
    where = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        allowed = _field_names(owner) if owner else []
        hint = did_you_mean(name, allowed)
        extra = "; the id is the file name" if loc == ("id",) else ""
        grade = ("; a credibility grades one citation: put it on the citation, beside its source"
                 if name == "credibility" and "credibility" not in allowed else "")
        return f"unknown field '{name}'{hint}{extra}; allowed fields: {', '.join(allowed)}{grade}", True
    if kind == "missing":
        grade = ("; a credibility grades what a source says: name the source"
                 if loc[-1] == "source" and isinstance(value, dict) and "credibility" in value else "")
        return f"missing required field '{where}'{_expected(model, loc)}{grade}", False
    if kind == "literal_error":
        allowed = [v.strip("'") for v in re.findall(r"'[^']*'", error["ctx"]["expected"])]
        hint = did_you_mean(str(value), allowed)
        return f"{_describe(value)} is not an allowed value for '{where}'{hint}; allowed: {', '.join(allowed)}", False
    if kind in ("string_type",):
        return f"'{where}' must be text, not {_describe(value)}; put the value in quotes", False
    if kind in ("list_type",):
        return f"'{where}' must be a list (lines starting with '- '), not {_describe(value)}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{where}' must be a mapping of fields, not {_describe(value)}", False
    if kind == "too_short":
        return f"'{where}' needs at least {error['ctx'].get('min_length', 1)} item(s){_expected(model, loc)}", False
    if kind == "value_error":
        return f"'{where}': {error['msg'].removeprefix('Value error, ')}", False
    return f"'{where}': {error['msg']}", False


def build_entities(documents: list[RawDocument]) -> tuple[list[Entity], list[Problem]]:
    """Validate every raw document against its model; collect every problem from every file."""
    entities: list[Entity] = []
    problems: list[Problem] = []
    for doc in documents:
        entity, doc_problems = build_entity(doc)
        if entity is not None:
            entities.append(entity)
        problems += doc_problems
    return entities, problems


def build_entity(doc: RawDocument) -> tuple[Optional[Entity], list[Problem]]:
    """One document as its entity (None when it is invalid), and every problem in it."""
    model = MODELS[doc.type]
    problems: list[Problem] = limit_problems(doc)
    if problems:  # a value too long or a list too long is all this file is checked for: its work stays small
        return None, problems
    data = dict(doc.data)
    for reserved in ("id", "type"):
        if reserved in data:
            line, col = doc.locate((reserved,), key=True)
            problems.append(Problem(doc.path, line, col,
                f"'{reserved}' is not a field: an entity's {reserved} comes from its file path ({doc.path})"))
            del data[reserved]
    try:
        return model.model_validate({**data, "id": doc.id}), problems
    except ValidationError as invalid:
        for error in invalid.errors():
            message, at_key = _message(error, model, doc.type)
            line, col = doc.locate(error["loc"], key=at_key or error["type"] == "missing")
            problems.append(Problem(doc.path, line, col, message))
    return None, problems
