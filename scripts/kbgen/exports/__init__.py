"""Open-data exports: plain functions from the linked knowledge base to file contents.

``data_files`` lists everything a build publishes beside the pages (the site's plan adds them,
so ``mkdocs build`` and ``kbgen generate`` publish the same files); ``kbgen export`` calls the
same functions. Nothing here reads the clock: re-exports are byte-identical.

==============================  =============================================================
``data/kb.json``                every entity, every field (:mod:`.records`)
``data/kb.schema.json``         JSON Schema of kb.json (:mod:`.records`)
``data/csv/<type>s.csv``        one row per entity (:mod:`.tables`)
``data/relations.csv``          one row per typed link; ``data/csv/citations.csv`` per citation;
                                ``data/csv/claims.csv`` per value claimed where sources differ
``data/kb.stix.json``           STIX 2.1 bundle (:mod:`.stix`)
``events.atom``                 Atom feed of events, newest first (:mod:`.atom`)
``recommendations.atom``        Atom feed of recommendations and their status
``<type>s/<id>.json``           one entity and what refers to it, beside its page
==============================  =============================================================
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Optional

from ..core import urls as paths
from ..core import vocab
from ..core.urls import Urls
from ..link import KnowledgeBase
from .atom import events_feed, events_pieces, recommendations_feed, recommendations_pieces
from .common import Assembled
from .records import entity_json, knowledge_base_json, knowledge_base_pieces, knowledge_base_schema_json
from .stix import stix_json, stix_pieces
from .tables import citations_table_pieces, claims_table_pieces, csv_tables, entity_table_pieces, relations_table_pieces

__all__ = ["data_files", "Assembled", "csv_tables", "stix_json", "events_feed", "recommendations_feed",
           "entity_json", "knowledge_base_json", "knowledge_base_schema_json"]


def data_files(kb: KnowledgeBase, urls: Urls = Urls(),
               site_name: Optional[str] = None) -> list[tuple[str, Callable[[], str]]]:
    """Every export as ``(path under the docs folder, a function rendering it)``, in a stable order.

    Rendered on demand: a build lists the files first and renders them later. Those made of
    every entity are :class:`Assembled` of a piece per entity."""
    files: list[tuple[str, Callable[[], str]]] = [(paths.KB_JSON, knowledge_base_pieces(kb, urls)),
                                                  (paths.KB_SCHEMA, knowledge_base_schema_json)]
    files += [(paths.entity_table(type_), entity_table_pieces(kb, type_, urls)) for type_ in vocab.ENTITY_TYPES]
    files.append((paths.RELATIONS_TABLE, relations_table_pieces(kb)))
    files.append((paths.CITATIONS_TABLE, citations_table_pieces(kb)))
    files.append((paths.CLAIMS_TABLE, claims_table_pieces(kb)))
    files.append((paths.STIX_BUNDLE, stix_pieces(kb)))
    files.append((paths.feed("events"), events_pieces(kb, urls, site_name)))
    files.append((paths.feed("recommendations"), recommendations_pieces(kb, urls, site_name)))
    for type_ in vocab.ENTITY_TYPES:
        for entity in kb.all(type_):
            files.append((paths.entity_data(type_, entity.id), partial(entity_json, kb, entity, urls)))
    return files
