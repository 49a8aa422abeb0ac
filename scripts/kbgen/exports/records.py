"""JSON records: one entity as published (``/data/kb.json``, ``/<type>s/<id>.json``) and the
JSON Schema of ``kb.json`` (``/data/kb.schema.json``).

The schema is derived from the same pydantic models that validate the entity files, so
it cannot drift from what kb.json holds; it adds what publishing adds (``page``).
"""

from __future__ import annotations

import functools
import json
from functools import partial
from typing import Any

from pydantic.json_schema import models_json_schema
from pydantic_core import to_json

from ..core import urls as paths
from ..core import vocab
from ..core.urls import Urls
from ..link import KnowledgeBase
from ..model import MODELS, Entity
from .common import Assembled, json_text

SCHEMA_ID = "kb.schema.json"


def entity_record(entity: Entity, urls: Urls = Urls()) -> dict[str, Any]:
    """Every field of an entity as written (dates as their EDTF text), plus its page's address from
    the site root as ``page`` (not ``url``: a source's ``url`` is one of its fields, the publisher's address)."""
    fields = entity.model_dump(mode="json", by_alias=True)
    if "page" in fields:  # pragma: no cover - only a model change could add such a field
        raise ValueError("an entity field is named 'page'; kb.json would lose it")
    return {**fields, "page": urls.page(paths.entity_page(entity.type, entity.id))}


def knowledge_base_json(kb: KnowledgeBase, urls: Urls = Urls()) -> str:
    """``kb.json``: every entity with every field, as written (dates as their EDTF text), plus its
    page (schema: :func:`knowledge_base_schema`).

    The text :func:`.common.json_text` writes for ``{"generator": "kbgen", "tags": ..., "entities":
    {"actors": [entity_record(...), ...], ...}}``, put together from each entity's own JSON
    (:func:`_record_text`) rather than through dictionaries of every field."""
    return knowledge_base_pieces(kb, urls)()


def knowledge_base_pieces(kb: KnowledgeBase, urls: Urls = Urls()) -> Assembled:
    """:func:`knowledge_base_json` made of a piece per entity: its type and its record's JSON."""
    return Assembled([(entity, partial(_typed_record_text, entity, urls))
                      for type_ in vocab.ENTITY_TYPES for entity in kb.all(type_)],
                     partial(_knowledge_base_text, to_json(kb.tags).decode("utf-8")))


def _typed_record_text(entity: Entity, urls: Urls) -> tuple[str, str]:
    return entity.type, _record_text(entity, urls)


def _knowledge_base_text(tags: str, pieces: list[tuple[str, str]]) -> str:
    records: dict[str, list[str]] = {type_: [] for type_ in vocab.ENTITY_TYPES}
    for type_, text in pieces:
        records[type_] += (",", text)
    parts = ['{"generator":"kbgen","tags":', tags, ',"entities":{']
    for position, type_ in enumerate(vocab.ENTITY_TYPES):
        # Each list's texts after the comma that leads them: one join copies the whole file once.
        parts += ("," if position else "", to_json(vocab.FOLDERS[type_]).decode("utf-8"), ":[", *records[type_][1:], "]")
    parts.append("}}\n")
    return "".join(parts)


def _record_text(entity: Entity, urls: Urls) -> str:
    """:func:`entity_record` as JSON text: the model's serialised fields (the serialiser
    :func:`.common.json_text` uses, so the same text), then ``page``."""
    if "page" in _serialised_names(type(entity)):  # pragma: no cover - only a model change could add such a field
        raise ValueError("an entity field is named 'page'; kb.json would lose it")
    fields = entity.model_dump_json(by_alias=True)
    return f'{fields[:-1]},"page":{to_json(urls.page(paths.entity_page(entity.type, entity.id))).decode("utf-8")}}}'


@functools.cache
def _serialised_names(model: type[Entity]) -> frozenset[str]:
    return frozenset(info.alias or name for name, info in model.model_fields.items())


def entity_json(kb: KnowledgeBase, entity: Entity, urls: Urls = Urls()) -> str:
    """``/<type>s/<id>.json``: the entity's record and every entity that refers to it."""
    record = entity_record(entity, urls)
    links = [{"type": link.entity.type, "id": link.entity.id, "relation": link.label}
             for link in kb.referenced_by.get((entity.type, entity.id), [])]
    record["referenced_by"] = list({tuple(link.values()): link for link in links}.values())  # each once, in order
    return json_text(record)


def knowledge_base_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of ``kb.json``: the models' serialised form, each with its ``url``."""
    models = [(MODELS[t], "serialization") for t in vocab.ENTITY_TYPES]
    refs, top = models_json_schema(models, ref_template="#/$defs/{model}", by_alias=True)
    defs = top["$defs"]
    entities = {}
    for type_ in vocab.ENTITY_TYPES:
        ref = refs[(MODELS[type_], "serialization")]["$ref"]
        definition = defs[ref.rsplit("/", 1)[1]]
        definition["properties"]["page"] = {
            "type": "string",
            "description": "The entity's page, relative to the site root (actors/iran/, or actors/iran.html "
                           "in a site built without directory URLs).",
            "pattern": f"^{vocab.FOLDERS[type_]}/[a-z0-9-]+(/|\\.html)$",
        }
        entities[vocab.FOLDERS[type_]] = {"type": "array", "items": {"$ref": ref}}
    for definition in defs.values():
        # kb.json writes every field, defaults and nulls included: all of them are required.
        definition["required"] = sorted(definition.get("properties", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kbgen knowledge base export (kb.json)",
        "type": "object",
        "additionalProperties": False,
        "required": ["generator", "tags", "entities"],
        "properties": {
            "generator": {"const": "kbgen"},
            "tags": {
                "type": "object",
                "description": "Declared tags and their descriptions (entities/tags.yml).",
                "propertyNames": {"pattern": vocab.ID_PATTERN},
                "additionalProperties": {"type": "string"},
            },
            "entities": {
                "type": "object",
                "additionalProperties": False,
                "required": list(entities),
                "properties": entities,
            },
        },
        "$defs": defs,
    }


@functools.cache
def knowledge_base_schema_json() -> str:
    """``kb.schema.json``'s text. A function of the models alone, the same for every build in a process
    (made once: pydantic derives a schema by walking every model)."""
    return json.dumps(knowledge_base_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
