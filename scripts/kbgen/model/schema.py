"""JSON Schemas (draft 2020-12) of entity FILES, generated from the models the validator uses,
and of ``entities/tags.yml`` (:func:`tags_schema`).

A schema describes what an editor writes in ``entities/<type>s/<id>.yml``, so
``id`` and ``type`` (which come from the path) are not in it, fields carry their
YAML names (``title``, not ``title_``), closed vocabularies are enums with one
description per value (``enumDescriptions`` and ``markdownEnumDescriptions``,
which VS Code's YAML language server shows while completing), and every object
is closed (``additionalProperties: false``).

Text and lists carry kbgen's size limits (:mod:`kbgen.model.limits`, prose's own in
:mod:`kbgen.core.prose`) as ``maxLength`` and ``maxItems``, so an editor flags a name too long
as it is typed. The schema accepts what ``kbgen validate`` accepts, with one widening: kbgen's
loader reads an unquoted number (``2011``) as text, a YAML language server as a
number, so text fields accept numbers too. What only kbgen checks: that every
reference resolves, that quotes occur in the source, that a date exists in the
calendar, and the YAML-level rules (no anchors, aliases, tags, duplicate keys).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, Callable

from ..core import vocab
from ..core.prose import MAX_PROSE_CHARACTERS
from .entities import MODELS
from .limits import LABEL_FIELDS, MAX_LABEL_CHARACTERS, MAX_LIST_ITEMS, MAX_TEXT_CHARACTERS, PROSE_FIELDS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_VOCABULARIES = [
    vocab.ACTOR_KINDS,
    vocab.EVENT_KINDS,
    vocab.PARTICIPANT_ROLES,
    vocab.ACTOR_RELATIONS,
    vocab.EVENT_RELATIONS,
    vocab.INSTRUMENTS,
    vocab.RECOMMENDATION_STATUSES,
    vocab.CERTAINTIES,
]

def _descriptions(values: dict) -> list[str]:
    return [v if isinstance(v, str) else v.description for v in values.values()]


_ENUM_DESCRIPTIONS = {tuple(values): _descriptions(values) for values in _VOCABULARIES}


def _tidy(node: Any) -> Any:
    """Post-process pydantic's schema: per-value descriptions, numbers as text."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: value for key, value in node.items() if key != "title"}  # pydantic's titles repeat the names
    if "properties" in node:
        node["properties"] = {key: _tidy(value) for key, value in node["properties"].items()}
    for key, value in list(node.items()):
        if key != "properties":
            node[key] = _tidy(value)
    if "enum" in node and tuple(node["enum"]) in _ENUM_DESCRIPTIONS:
        described = _ENUM_DESCRIPTIONS[tuple(node["enum"])]
        node["enumDescriptions"] = described
        node["markdownEnumDescriptions"] = described
    elif node.get("type") == "string":
        node["type"] = ["string", "number"]
    return node


def _with_limits(node: Any, limit: int = MAX_TEXT_CHARACTERS) -> Any:
    """The limits of :func:`kbgen.model.limits.limit_problems` on a tidied schema: text of a label
    field (its items too) at most a label's length, prose at most prose's, any other text at most
    ``limit``; every list at most :data:`~kbgen.model.limits.MAX_LIST_ITEMS` items."""
    if isinstance(node, list):
        return [_with_limits(item, limit) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: (value if key in ("properties", "enum", "default", "examples") else _with_limits(value, limit))
            for key, value in node.items()}
    if "properties" in node:
        node["properties"] = {name: _with_limits(value, MAX_LABEL_CHARACTERS if name in LABEL_FIELDS
                                                 else MAX_PROSE_CHARACTERS if name in PROSE_FIELDS else limit)
                              for name, value in node["properties"].items()}
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds and "enum" not in node and "maxLength" not in node:
        node["maxLength"] = limit
    if "array" in kinds:
        node["maxItems"] = MAX_LIST_ITEMS
    return node


def entity_schema(type_: str) -> dict:
    """The JSON Schema of one entity type's file."""
    model = MODELS[type_]
    generated = model.model_json_schema(by_alias=True, mode="validation")
    for reserved in ("id", "type"):
        generated["properties"].pop(reserved, None)
        if reserved in generated.get("required", []):
            generated["required"].remove(reserved)
    body = _with_limits(_tidy(generated))
    folder = vocab.FOLDERS[type_]
    return {
        "$schema": DIALECT,
        "$id": f"urn:kbgen:schema:{type_}",
        "title": f"kbgen {type_}",
        "description": (f"{'An' if type_[0] in 'aeiou' else 'A'} {type_} file, entities/{folder}/<id>.yml: its id is the file name, its type the folder. "
                        + (model.__doc__ or "").strip()).strip(),
        **{key: body[key] for key in ("type", "properties", "required", "additionalProperties", "$defs") if key in body},
    }


TAGS_SCHEMA = "tags.schema.json"


def tags_schema() -> dict:
    """The JSON Schema of ``entities/tags.yml``: each tag's id mapped to what it means.

    As the graph stage checks it: a tag is an id, its description non-blank text (an
    unquoted number is text to kbgen, so numbers pass, as in the entity schemas)."""
    return {
        "$schema": DIALECT,
        "$id": "urn:kbgen:schema:tags",
        "title": "kbgen tags",
        "description": ("entities/tags.yml: every theme tag, its id mapped to a one-line description. "
                        "Entities name their tags in their tags list."),
        "type": "object",
        "propertyNames": {"pattern": vocab.ID_PATTERN, "maxLength": vocab.ID_MAX_LENGTH},
        "additionalProperties": {"type": ["string", "number"], "pattern": r"\S", "maxLength": MAX_LABEL_CHARACTERS,
                                 "description": "What the tag means, in one line."},
    }


def schema_path(type_: str) -> str:
    return f"{type_}.schema.json"


def _json_text(schema: dict) -> str:
    """A JSON Schema as a file's text, stable byte for byte."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def schema_files() -> dict[str, Callable[[], str]]:
    """File name -> a function writing the file's JSON text, for every entity type and for
    tags.yml: the one list of kbgen's schemas, which ``kbgen schema`` writes and the site
    publishes (rendered when the site's files are, maybe in a forked child)."""
    files: dict[str, Callable[[], str]] = {schema_path(t): partial(schema_text, t) for t in vocab.ENTITY_TYPES}
    files[TAGS_SCHEMA] = lambda: _json_text(tags_schema())
    return files


def schema_text(type_: str) -> str:
    """One entity type's JSON Schema as a file's text."""
    return _json_text(entity_schema(type_))


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, for every file of :func:`schema_files`."""
    return {name: write() for name, write in schema_files().items()}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written
