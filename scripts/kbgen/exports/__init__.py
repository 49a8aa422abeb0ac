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

from typing import Optional

from .. import vocab
from ..graph import KnowledgeBase
from .atom import events_feed, recommendations_feed
from .records import entity_json, knowledge_base_schema_json
from .stix import stix_json
from .tables import csv_tables

__all__ = ["data_files", "csv_tables", "stix_json", "events_feed", "recommendations_feed",
           "entity_json", "knowledge_base_schema_json"]


def data_files(kb: KnowledgeBase, site_url: Optional[str] = None, site_name: Optional[str] = None) -> list[tuple[str, str]]:
    """Every export as ``(path from the docs root, content)``, in a stable order (kb.json aside)."""
    files = [("data/kb.schema.json", knowledge_base_schema_json())]
    for name, content in csv_tables(kb).items():
        files.append((f"data/{name}" if name == "relations.csv" else f"data/csv/{name}", content))
    files.append(("data/kb.stix.json", stix_json(kb)))
    files.append(("events.atom", events_feed(kb, site_url, site_name)))
    files.append(("recommendations.atom", recommendations_feed(kb, site_url, site_name)))
    for type_ in vocab.ENTITY_TYPES:
        for entity in kb.all(type_):
            files.append((f"{vocab.FOLDERS[type_]}/{entity.id}.json", entity_json(kb, entity)))
    return files
