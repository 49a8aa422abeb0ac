"""The dependency record of each generated file: what it reads of the knowledge base, each
part with the version it was read at.

A file is a pure function of its record (and of the templates and build options, the same
for every file of a build): two builds whose records of a file are equal render it the same,
so a rebuild renders again only the files whose record changed (:mod:`kbgen.runtime` keeps
the earlier contents). A record is a tuple of ``(what, version)`` pairs: an entity as
``"type/id"`` with its :meth:`~kbgen.link.KnowledgeBase.version`, or a named value with
the value itself.

What each kind of file reads (the templates and exporters they run):

- an entity's page, its JSON and its redirects: the entity, every entity it names (their
  titles, names and dates are on the page), every entity that names it (backlinks, the
  timeline and the neighbourhood graph are made of those), its last-updated date and, for a
  source, its archived text;
- a page of a section index or of a tag: the entities it lists, every entity they name (an
  event's line names its participants, a recommendation's group its addressee), the outline
  of the index around it (its own, its parent's, its siblings' and children's titles, labels,
  paths and counts) and, for a tag, its description;
- the whole-graph page, the tags page, a one-page section index and the data files (kb.json,
  the CSV tables, STIX, the feeds): everything (:func:`everything`);
- the vocabularies page and the JSON Schemas: nothing from the knowledge base (an empty record).
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional

from ..core import vocab
from ..link import KnowledgeBase
from ..model import Entity
from .indexes import IndexPage

Record = tuple[tuple[str, str], ...]


def _entity_part(kb: KnowledgeBase, type_: str, id_: str) -> tuple[str, str]:
    return (f"{type_}/{id_}", kb.version(type_, id_))


def everything(kb: KnowledgeBase) -> Record:
    """A record that changes with any entity, the tags or the archives: one digest of them all."""
    hasher = hashlib.blake2b(digest_size=16)
    for type_ in vocab.ENTITY_TYPES:
        for id_ in kb.entities[type_]:
            hasher.update(f"{type_}/{id_}={kb.version(type_, id_)}\n".encode("utf-8"))
    for tag, description in kb.tags.items():
        hasher.update(f"tag {tag}={description}\n".encode("utf-8"))
    for source_id, text in sorted(kb.archives.items()):
        hasher.update(f"archive {source_id}\n".encode("utf-8"))
        hasher.update(text.encode("utf-8"))
    return (("everything", hasher.hexdigest()),)


def _with_neighbours(kb: KnowledgeBase, entities: Iterable[Entity], *, referrers: bool) -> list[tuple[str, str]]:
    keys: dict[tuple[str, str], None] = {}
    for entity in entities:
        keys[(entity.type, entity.id)] = None
        for ref in kb.references(entity):
            if ref.target_id in kb.entities[ref.target_type]:
                keys[(ref.target_type, ref.target_id)] = None
        if referrers:
            for link in kb.referenced_by.get((entity.type, entity.id), []):
                keys[(link.entity.type, link.entity.id)] = None
    return [_entity_part(kb, *key) for key in keys]


def entity_record(kb: KnowledgeBase, entity: Entity, updated: str = "") -> Record:
    """What an entity's page (and its JSON, and its redirects) reads."""
    parts = _with_neighbours(kb, [entity], referrers=True)
    parts.append(("updated", updated))
    if entity.type == "source":
        text = kb.archives.get(entity.id)
        parts.append(("archive", "" if text is None else hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()))
    return tuple(parts)


def _outline(page: Optional[IndexPage]) -> str:
    if page is None:
        return ""
    return repr((page.path, page.title, page.label, page.grouping, page.breakdown, len(page.entities)))


def index_record(kb: KnowledgeBase, page: IndexPage, description: Optional[str] = None) -> Record:
    """What a page of a split section index or of a tag reads."""
    parts = _with_neighbours(kb, page.entities, referrers=False)
    grandparent = page.parent.parent if page.parent is not None else None
    parts += [("page", _outline(page)), ("parent", _outline(page.parent)), ("grandparent", _outline(grandparent)),
              ("previous", _outline(page.previous)), ("next", _outline(page.next))]
    parts += [("child", _outline(child)) for child in page.children]
    if description is not None:
        parts.append(("description", description))
    return tuple(parts)
