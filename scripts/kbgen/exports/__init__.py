"""Open-data exports: plain functions from the linked knowledge base to file contents.

``data_files`` lists everything a build publishes beside the pages (``render_site`` adds
them, so ``mkdocs build`` and ``kbgen generate`` publish the same files); ``kbgen export``
calls the same functions. Nothing here reads the clock: re-exports are byte-identical.

==============================  =============================================================
``data/kb.json``                every entity, every field (``render.knowledge_base_json``)
``data/kb.schema.json``         JSON Schema of kb.json (:mod:`.records`)
``data/csv/<type>s.csv``        one row per entity (:mod:`.tables`)
``data/relations.csv``          one row per typed link; ``data/csv/citations.csv`` per citation
``data/kb.stix.json``           STIX 2.1 bundle (:mod:`.stix`)
``events.atom``                 Atom feed of events, newest first (:mod:`.atom`)
``recommendations.atom``        Atom feed of recommendations and their status
``<type>s/<id>.json``           one entity and what refers to it, beside its page
==============================  =============================================================
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Optional

from .. import vocab
from ..graph import KnowledgeBase
from .atom import events_feed, recommendations_feed
from .records import entity_json, knowledge_base_schema_json
from .stix import stix_json
from .tables import citations_table, csv_tables, entity_table, relations_table

__all__ = ["data_files", "csv_tables", "stix_json", "events_feed", "recommendations_feed",
           "entity_json", "knowledge_base_schema_json"]


def data_files(kb: KnowledgeBase, site_url: Optional[str] = None,
               site_name: Optional[str] = None) -> list[tuple[str, Callable[[], str]]]:
    """Every export as ``(path from the docs root, a function rendering it)``, in a stable order (kb.json aside).

    Rendered on demand: a build lists the files first and renders them later, maybe in a
    forked process (``render.plan_site``)."""
    files: list[tuple[str, Callable[[], str]]] = [("data/kb.schema.json", knowledge_base_schema_json)]
    files += [(f"data/csv/{vocab.FOLDERS[type_]}.csv", partial(entity_table, kb, type_)) for type_ in vocab.ENTITY_TYPES]
    files.append(("data/relations.csv", partial(relations_table, kb)))
    files.append(("data/csv/citations.csv", partial(citations_table, kb)))
    files.append(("data/kb.stix.json", partial(stix_json, kb)))
    files.append(("events.atom", partial(events_feed, kb, site_url, site_name)))
    files.append(("recommendations.atom", partial(recommendations_feed, kb, site_url, site_name)))
    for type_ in vocab.ENTITY_TYPES:
        for entity in kb.all(type_):
            files.append((f"{vocab.FOLDERS[type_]}/{entity.id}.json", partial(entity_json, kb, entity)))
    return files
