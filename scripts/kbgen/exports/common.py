"""What every export shares: stable identifiers and timestamps derived from the data.

Re-exporting an unchanged knowledge base must give byte-identical files (reproducible
builds), so nothing here reads the clock: identifiers are UUIDv5 of an entity's
``type/id`` and timestamps come from the dates the knowledge base itself holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from pydantic_core import to_json

from ..link import KnowledgeBase
from ..model import Entity

NAMESPACE = uuid.UUID("6f1c2c0e-7d4b-5a8e-9c3f-2b1d4e5a6c70")
"""Fixed namespace for every kbgen UUIDv5: changing it would change every exported id."""

EPOCH = dt.date(1970, 1, 1)
"""The timestamp of an entity that cites no dated source: constant, never 'now'."""


@functools.lru_cache(maxsize=None)
def stable_uuid(name: str) -> uuid.UUID:
    """UUIDv5 of ``name`` (e.g. ``actor/iran``) in kbgen's namespace: the same on every export."""
    return uuid.uuid5(NAMESPACE, name)


def cited_sources(entity: Entity) -> list[str]:
    """Ids of every source an entity cites, at top level or on its links, in order, once each."""
    return list(dict.fromkeys(citation.source for citation in entity.all_citations()))


def evidence_date(kb: KnowledgeBase, entity: Entity) -> dt.date:
    """When the evidence for an entity was last published: the latest publication date among
    the sources it cites (a source's own publication date for a source), else :data:`EPOCH`.
    It changes only when the entity's evidence changes, so exports do not churn."""
    if entity.type == "source":
        return entity.published.anchor
    dates = [kb.get("source", source).published.anchor for source in cited_sources(entity)]
    return max(dates, default=EPOCH)


def timestamp(day: dt.date) -> str:
    """RFC 3339 / ISO 8601 UTC midnight of ``day``, as Atom and STIX write timestamps."""
    return f"{day.isoformat()}T00:00:00Z"


def json_text(data: Any) -> str:
    """A data file's JSON text: UTF-8 as written, compact, one final line break.

    Compact because browsers and ``jq`` show it indented when a person wants to read it, and
    there are as many data files as pages. Written by pydantic's serialiser (the same one the
    models use): its text is what ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``
    writes for the strings, integers, booleans, nulls, lists and objects exports are made of
    (every character escaped alike: tests check every code point), written faster."""
    return to_json(data).decode("utf-8") + "\n"


@dataclass(frozen=True)
class Assembled:
    """A data file made of one piece per entity: ``pieces`` pairs each entity with the function
    making its piece (a value of any kind, picklable), ``join`` makes the file's text of the
    pieces, in order. Called, it makes every piece and joins them.

    A piece is a function of its entity and of what the entity names (its targets' names and
    kinds, its sources' dates: what other pages show of them), so a rebuild after an edit may
    keep every other entity's piece from the build before (:func:`kbgen.runtime.render_with_memo`):
    a file made of every entity then costs what the changed entity's piece costs, and the join."""

    pieces: Sequence[tuple[Entity, Callable[[], Any]]]
    join: Callable[[list[Any]], str]

    def __call__(self) -> str:
        return self.join([make() for _, make in self.pieces])
