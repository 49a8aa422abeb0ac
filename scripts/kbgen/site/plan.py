"""Every file a site is made of, listed before it is rendered: each page and data file by its
path, with the function that renders it.

A build lists the files first (so that the site generator knows them all) and renders each when
it is needed, maybe elsewhere (:mod:`kbgen.runtime`). Nothing here knows about MkDocs: ``kbgen
generate`` writes the same files to disk for any Markdown site generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from jinja2 import BytecodeCache, Environment
from markupsafe import Markup, escape

from ..core import urls as paths
from ..core import vocab
from ..core.urls import Urls
from ..exports import Assembled, data_files
from ..exports.atom import changes_feed
from ..history.timeline import CHANGES_SHOWN_PER_COMMIT, History
from ..link import KnowledgeBase
from ..model import Entity
from ..model.schema import TAGS_SCHEMA, entity_schema, schema_files, schema_path
from . import dependencies, indexes
from .pages import make_environment


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the site's docs root, with forward slashes
    content: str
    source: Optional[str] = None  # the YAML file it was generated from, relative to the KB root


@dataclass(frozen=True)
class PlannedFile:
    """A generated file known by its path before it is rendered, and a function giving what it
    reads (:mod:`kbgen.site.dependencies`; None: not recorded, so never taken from an earlier build).
    The record is made only when asked for: a one-off build renders every file and needs none."""

    path: str
    render: Callable[[], str]
    source: Optional[str] = None
    inputs: Optional[Callable[[], dependencies.Record]] = None
    # A data file made of a piece per entity (kbgen.exports.Assembled): its pieces, what each reads
    # and how they are joined, so that a rebuild makes again only the pieces whose record changed.
    pieces: Optional[Sequence[tuple[Entity, Callable[[], Any]]]] = None
    piece_inputs: Optional[Callable[[Entity], dependencies.Record]] = None
    join: Optional[Callable[[list[Any]], str]] = None

    def generated(self) -> GeneratedFile:
        return GeneratedFile(self.path, self.render(), self.source)


_NOT_READ = History(False, "History was not read for this build.")
"""The history of a build that was given none."""


def plan_site(kb: KnowledgeBase, templates: Optional[Path] = None,
              last_updated: Optional[dict[str, str]] = None, *,
              urls: Urls = Urls(), site_name: Optional[str] = None,
              index_page_entries: int = indexes.DEFAULT_INDEX_PAGE_ENTRIES,
              history: Optional[History] = None,
              bytecode_cache: Optional[BytecodeCache] = None,
              records: Optional[dependencies.Records] = None) -> list[PlannedFile]:
    """Every generated page and data file, in a stable order, each rendered when asked.

    ``last_updated`` maps an entity file (relative to the root) to the date it last changed
    (:func:`kbgen.site.history.last_changed`); pages of files not in it show no date. ``urls``
    says how pages are addressed (directory URLs or not) and where the site is published, which
    makes feed links and citations absolute; ``site_name`` names the site in citations and feeds.
    A section index or a tag's page listing more than ``index_page_entries`` entities is split
    into pages (:mod:`kbgen.site.indexes`). ``history`` (:func:`kbgen.history.timeline.read_history`)
    gives ``/changes/``, its feed, each entry's History section and the pages of deleted entries;
    without it they say that history is unavailable. ``bytecode_cache``: Jinja's,
    templates compiled before. ``records``: the files' dependency records, :func:`records_of` ``kb``
    and ``history`` (a rebuild's, made with the build before's); by default made here.
    """
    env = make_environment(templates, urls, site_name, bytecode_cache)
    last_updated = last_updated or {}
    history = history or _NOT_READ
    reads = records if records is not None else records_of(kb, history)
    if reads.kb is not kb or reads.history is not history:
        raise ValueError("plan_site: the records given are of another knowledge base or history")

    def entity_page(entity: Entity) -> PlannedFile:
        path = paths.entity_page(entity.type, entity.id)
        source = kb.paths.get((entity.type, entity.id))

        updated = last_updated.get(source or "", "")

        def render() -> str:
            return env.get_template(f"{entity.type}.md.j2").render(
                page=path, entity=entity, kb=kb, backlinks=kb.backlinks(entity), updated=updated,
                history=history.of(entity))
        return PlannedFile(path, render, source, partial(reads.entity, entity, updated))

    files: list[PlannedFile] = []
    for type_ in vocab.ENTITY_TYPES:
        files += index_pages(kb, env, type_, index_page_entries, reads)
        files += [entity_page(entity) for entity in kb.all(type_)]
    for name in ("graph", "tags"):
        files.append(PlannedFile(f"{name}.md", rendering(env, f"{name}.md.j2", page=f"{name}.md", kb=kb),
                                 inputs=reads.everything_shown))
    files += tag_pages(kb, env, index_page_entries, reads)
    files += redirect_pages(kb, env, urls, reads)
    files += history_pages(kb, env, history, urls, site_name, reads)
    schema_paths = {**{t: paths.schema_file(schema_path(t)) for t in vocab.ENTITY_TYPES}, "tags": paths.schema_file(TAGS_SCHEMA)}
    files.append(PlannedFile(paths.VOCABULARIES, lambda: env.get_template("vocabularies.md.j2").render(
        page=paths.VOCABULARIES, schemas={t: entity_schema(t) for t in vocab.ENTITY_TYPES}, schema_files=schema_paths),
        inputs=tuple))
    files += [PlannedFile(paths.schema_file(name), write, inputs=tuple) for name, write in schema_files().items()]
    # One entity's JSON reads what its page reads; the other data files are made of every entity.
    entity_data = {paths.entity_data(t, e.id): e for t in vocab.ENTITY_TYPES for e in kb.all(t)}
    for path, render in data_files(kb, urls, site_name):
        if isinstance(render, Assembled):
            files.append(PlannedFile(path, render, inputs=partial(reads.data_file, path), pieces=render.pieces,
                                     piece_inputs=reads.piece, join=render.join))
        else:
            files.append(PlannedFile(path, render, inputs=partial(reads.entity, entity_data[path]) if path in entity_data
                                     else partial(reads.data_file, path)))
    return files


def records_of(kb: KnowledgeBase, history: Optional[History] = None,
               earlier: Optional[dependencies.Records] = None) -> dependencies.Records:
    """The dependency records of the files :func:`plan_site` plans for ``kb`` and ``history``; those
    that did not change since the ``earlier`` build's are taken over (:class:`~.dependencies.Records`)."""
    return dependencies.Records(kb, history or _NOT_READ, earlier)


def rendering(env: Environment, template: str, **context: Any) -> Callable[[], str]:
    """A function that renders ``template`` with ``context``. The template is looked up (and compiled,
    the first time) when the file is rendered, not when it is planned."""
    return lambda: env.get_template(template).render(**context)


def index_pages(kb: KnowledgeBase, env: Environment, type_: str, limit: int,
                reads: dependencies.Records) -> list[PlannedFile]:
    """A section's index: one page while it lists at most ``limit`` entities, else the split pages."""
    entities = [entity for entity in kb.all(type_) if entity.retired is None]
    retired_entities = [entity for entity in kb.all(type_) if entity.retired is not None]
    retired = rendering(env, "retired-entries.md.j2", page=paths.section_index(type_), kb=kb, type=type_,
                        retired=retired_entities)
    split = indexes.split_index(type_, entities, limit, actor_name=lambda id_: kb.get("actor", id_).name)
    if split is None:
        path = paths.section_index(type_)
        return [PlannedFile(path, _followed_by(rendering(env, f"{vocab.FOLDERS[type_]}-index.md.j2", page=path, kb=kb,
                                                         type=type_, entities=entities), retired),
                            inputs=partial(reads.section_index, entities, retired_entities))]
    # The section's first page also lists its retired entries.
    return [PlannedFile(page.path, _followed_by(rendering(env, "index-page.md.j2", page=page.path, index=page, kb=kb, type=type_),
                                                retired if page.path == paths.section_index(type_) else None),
                        inputs=partial(reads.section_index, entities, retired_entities, page) if page.path == paths.section_index(type_)
                        else partial(reads.index, page))
            for page in indexes.pages(split)]


def _followed_by(render: Callable[[], str], after: Optional[Callable[[], str]]) -> Callable[[], str]:
    """A page's rendering with another part after it (a section's retired entries, listed apart)."""
    return render if after is None else (lambda: render() + after())


def tag_pages(kb: KnowledgeBase, env: Environment, limit: int,
              reads: dependencies.Records) -> list[PlannedFile]:
    """Each tag's page of its entries (a tag no entity carries has none), split like a section
    index above ``limit`` entries (:func:`kbgen.site.indexes.tag_index`)."""
    files = []
    for tag, description in kb.tags.items():
        tagged = kb.tagged(tag)
        if tagged:
            files += [PlannedFile(page.path, rendering(env, "tag-page.md.j2", page=page.path, index=page, kb=kb,
                                                       description=description),
                                   inputs=partial(reads.index, page, description))
                      for page in indexes.pages(indexes.tag_index(tag, tagged, limit))]
    return files


def redirect_pages(kb: KnowledgeBase, env: Environment, urls: Urls,
                   reads: dependencies.Records) -> list[PlannedFile]:
    """A small HTML page at each former id's address that sends readers (and search engines) to the new page."""
    pages = []
    for type_ in vocab.ENTITY_TYPES:
        for entity in kb.all(type_):
            for former in entity.former_ids:
                path, target = urls.redirect(type_, former, entity.id)
                pages.append(PlannedFile(path, rendering(
                    env, "redirect.html.j2", target=Markup(escape(target)), title=Markup(escape(entity.title))),
                    inputs=partial(reads.redirect, entity, former)))
    return pages


def history_pages(kb: KnowledgeBase, env: Environment, history: History, urls: Urls, site_name: Optional[str],
                  reads: dependencies.Records) -> list[PlannedFile]:
    """``/changes/`` (by day, then by commit), its feed, and a page at each deleted entry's old address.
    The first two read the whole history, a deleted entry's page its own entry; the pages read the
    names of the entries they link to too."""
    days: dict[str, list] = {}
    for commit, changes in history.recent:
        if changes:
            days.setdefault(commit.day, []).append((commit, changes))
    files = [PlannedFile(paths.CHANGES, rendering(env, "changes.md.j2", page=paths.CHANGES, kb=kb, history=history,
                                                  days=list(days.items()), shown=CHANGES_SHOWN_PER_COMMIT),
                         inputs=reads.changes),
             PlannedFile(paths.feed("changes"), lambda: changes_feed(history, urls, site_name), inputs=reads.changes_feed)]
    taken = {paths.entity_page(t, e.id) for t in vocab.ENTITY_TYPES for e in kb.all(t)}
    taken |= {paths.entity_page(t, former) for t in vocab.ENTITY_TYPES for e in kb.all(t) for former in e.former_ids}
    for tombstone in history.tombstones:
        if tombstone.page not in taken:
            taken.add(tombstone.page)
            files.append(PlannedFile(tombstone.page, rendering(env, "tombstone.md.j2", page=tombstone.page, kb=kb,
                                                               tombstone=tombstone),
                                     inputs=partial(reads.tombstone, tombstone)))
    return files
