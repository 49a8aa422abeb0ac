"""Every reference an entity makes, found from the models' :class:`~kbgen.model.Ref` annotations:
one walk serves both directions of a link, the forward one as written and the inverse one
read from the target."""

from __future__ import annotations

import functools
from typing import Iterator, NamedTuple, Optional, get_args

from pydantic import BaseModel

from ..model import Entity, Ref, TypedLink
from ..model.entities import nested_model


# A named tuple, not a frozen dataclass: every entity makes several, and a named tuple is cheaper to make.
class Reference(NamedTuple):
    """``holder`` names ``target_type``/``target_id`` at ``loc`` in its file."""

    holder: Entity
    loc: tuple
    target_type: str
    target_id: str
    label: str
    inverse: str


def _ref_of(annotation) -> Ref | None:
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Ref):
            return meta
    for arg in get_args(annotation):
        found = _ref_of(arg)
        if found:
            return found
    return None


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, Optional[Ref]], ...]:
    """A model's fields that can hold a reference, as (attribute, name in the file, Ref or
    None): read from the annotations once per class, not once per value; text, dates and
    vocabularies are not walked at all."""
    fields = []
    for name, info in model.model_fields.items():
        ref = _ref_of(info.annotation) or next((m for m in info.metadata if isinstance(m, Ref)), None)
        if ref is not None or nested_model(info.annotation) is not None:
            fields.append((name, info.alias or name, ref))
    return tuple(fields)


# Appends to one list rather than yielding through every level of nested generators. A model's
# fields are taken in place: text at once, absent values (None, empty lists: most claims and
# retirements) skipped, and only the models inside cost a call.
def _walk_model(holder: Entity, model: BaseModel, loc: tuple, found: list[Reference]) -> None:
    typed = isinstance(model, TypedLink)
    for name, key, ref in _fields(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, str):
            if ref is not None:
                label, inverse = model.link_labels() if typed else (ref.label, ref.inverse)
                found.append(Reference(holder, loc + (key,), ref.target, value, label, inverse))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _walk_model(holder, item, loc + (key, index), found)
                elif isinstance(item, str):
                    if ref is not None:
                        label, inverse = model.link_labels() if typed else (ref.label, ref.inverse)
                        found.append(Reference(holder, loc + (key, index), ref.target, item, label, inverse))
                else:
                    _walk(holder, item, ref, loc + (key, index), model, found)
        elif isinstance(value, BaseModel):
            _walk_model(holder, value, loc + (key,), found)


def _walk(holder: Entity, value, ref: Optional[Ref], loc: tuple, owner: BaseModel, found: list[Reference]) -> None:
    """Any value (a list in a list): what :func:`_walk_model` does not take in place."""
    if isinstance(value, BaseModel):
        _walk_model(holder, value, loc, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(holder, item, ref, loc + (index,), owner, found)
    elif isinstance(value, str) and ref is not None:
        label, inverse = owner.link_labels() if isinstance(owner, TypedLink) else (ref.label, ref.inverse)
        found.append(Reference(holder, loc, ref.target, value, label, inverse))


def iter_references(entity: Entity) -> Iterator[Reference]:
    """Every reference an entity makes, with where it is written and how it reads both ways."""
    found: list[Reference] = []
    _walk_model(entity, entity, (), found)
    return iter(found)
