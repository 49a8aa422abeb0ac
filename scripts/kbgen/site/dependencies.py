"""The dependency record of each generated file: what it reads of the knowledge base (and of its
history), each part with the version it was read at.

A file is a pure function of its record (and of the templates and build options, the same
for every file of a build): two builds whose records of a file are equal render it the same,
so a rebuild renders again only the files whose record changed (:mod:`kbgen.runtime` keeps
the earlier contents). A record is a tuple of ``(what, version)`` pairs: an entity as
``"type/id"`` with a version of it, or a named value with the value itself.

An entity is read at one of two versions. Its own page, its JSON and the data files show all of
it (:meth:`~kbgen.link.KnowledgeBase.version`); every other page shows it by its title, dates,
kind, tags, links and citations, never by its prose (:data:`OWN_PAGE_FIELDS`), so those read the
version of the rest (:meth:`Records.shown`): a new summary renders again its own page, not the
hundreds of pages that name its entity.

What each kind of file reads (the templates and exporters they run):

- an entity's page and its JSON: all of the entity, what is shown of every entity it names
  (their titles, names and dates are on the page) and of every entity that names it
  (backlinks, the timeline and the neighbourhood graph are made of those), its last-updated
  date, its changes in the history (:meth:`~kbgen.history.timeline.History.entry_fingerprint`)
  and, for a source, its archived text;
- a redirect: what is shown of the entity it sends readers to, and the former id;
- a page of a section index or of a tag: what is shown of the entities it lists and of every
  entity they name (an event's line names its participants, a recommendation's group its
  addressee), the outline of the index around it (its own, its parent's, its siblings' and
  children's titles, labels, paths and counts) and, for a tag, its description (a page of pages
  shows its entities only as counts: it reads the outlines alone); a section's first page that
  and what is shown of the section's retired entries, which it lists apart;
- the whole-graph page and the tags page: what is shown of every entity, and the tags
  (:meth:`Records.everything_shown`); ``/changes/`` reads that and the whole
  history, the page of a deleted entry that and its entry in the history, the feed of changes only
  the history;
- the data files (kb.json, the CSV tables, STIX, the feeds of entries): all of everything
  (:meth:`Records.everything`), the archives included (the tables of links, citations and claims,
  which show no prose: :meth:`Records.everything_shown`); each is made of a piece per entity
  (:class:`kbgen.exports.Assembled`) with a record of its own (:meth:`Records.piece`): all of its
  entity and what is shown of every entity it names;
- the vocabularies page and the JSON Schemas: nothing from the knowledge base (an empty record).
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Sequence

from ..core import urls, vocab
from ..core.digests import text_digest
from ..history.timeline import History, Tombstone
from ..link import KnowledgeBase
from ..model import Entity
from .indexes import IndexPage

Record = tuple[tuple[str, str], ...]

OWN_PAGE_FIELDS = frozenset({"summary", "rationale", "risks", "notes"})
"""An entity's prose: shown on its own page, in its JSON and in the data files, and nowhere else.
A template that shows one of these for another entity than the page's own must drop it from here."""


_SHOWING_NO_PROSE = frozenset({urls.RELATIONS_TABLE, urls.CITATIONS_TABLE, urls.CLAIMS_TABLE})
"""The data files that show no entity's prose (the tables of links, citations and claims)."""


class Records:
    """The records of the files of one knowledge base and its history; each is worked out once."""

    def __init__(self, kb: KnowledgeBase, history: History, earlier: Optional[Records] = None) -> None:
        """``earlier``: the records of the build before (under ``mkdocs serve``), of which those of the
        entities that neither changed nor name or are named by one that changed are taken over
        (:meth:`_take_over`): they are what working them out again would give."""
        self.kb = kb
        self.history = history
        self._shown: dict[tuple[str, str], str] = {}
        self._everything: dict[bool, Record] = {}
        self._entities: dict[tuple[str, str, str], Record] = {}
        self._pieces: dict[tuple[str, str], Record] = {}
        self._history: Optional[Record] = None
        self._parts: dict[tuple[str, str], tuple[str, str]] = {}
        self._named: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        # What is shown of the entities of a list (an index page's), by their keys; and, from the build
        # before, those lists and the entities whose parts may differ from that build's.
        self._lists: dict[tuple[tuple[str, str], ...], Record] = {}
        self._earlier_lists: dict[tuple[tuple[str, str], ...], Record] = {}
        self._affected: frozenset[tuple[str, str]] = frozenset()
        if earlier is not None:
            self._take_over(earlier)

    def _take_over(self, earlier: Records) -> None:
        """Take over from ``earlier`` what depends only on what did not change.

        What is shown of an entity is a function of its file's text: it stays while the entity's
        version does. An entity's names (the existing entities it names), its page's record and its
        pieces' records read it, what is shown of the entities it names and of those naming it, and
        which entities those are. So they stay unless the entity changed, or names or is named by one
        that changed (a link it made or dropped changes who names whom), or names or is named by one
        whose shown part changed (added and deleted entities included). A summary edited leaves the
        pages of the hundreds of entries naming its entity as they were. The entities naming a changed
        one are looked up in the earlier names and in the new ones, so that a link an edit made or
        dropped counts either way. A source's page reads its archived text too, and every entity's
        page its history: page records are taken over only with a history equal to the earlier one,
        and never a source's. What an index page reads of the entities it lists is taken over when
        none of them is affected (:meth:`_listed`); its outline is worked out again."""
        kb, before = self.kb, earlier.kb
        keys = [(type_, id_) for type_ in vocab.ENTITY_TYPES for id_ in kb.entities[type_]]
        earlier_keys = [(type_, id_) for type_ in vocab.ENTITY_TYPES for id_ in before.entities[type_]]
        changed = {key for key in keys if key[1] not in before.entities[key[0]] or before.version(*key) != kb.version(*key)}
        changed.update(key for key in earlier_keys if key[1] not in kb.entities[key[0]])
        present = {key for key in changed if key[1] in kb.entities[key[0]]}
        # The changed entities whose part on other pages changed: added, deleted, or shown anew.
        shown_anew = {key for key in changed if key not in present or key[1] not in before.entities[key[0]]
                      or earlier.shown(*key) != self.shown(*key)}
        affected = set(changed)
        for key in changed:
            affected.update(earlier._named.get(key, ()))
            if key in present:
                affected.update(self._names(kb.get(*key)))
        for key, named in earlier._named.items():
            if not shown_anew.isdisjoint(named):
                affected.add(key)  # it named an entity whose part changed
        for key in shown_anew & present:
            affected.update((link.entity.type, link.entity.id) for link in kb.referenced_by.get(key, ()))
        for key in keys:
            if key not in changed:
                if key in earlier._shown:
                    self._shown[key] = earlier._shown[key]
                if key in earlier._parts:
                    self._parts[key] = earlier._parts[key]
        for key, named in earlier._named.items():
            if key not in affected:
                self._named.setdefault(key, named)
        for key, record in earlier._pieces.items():
            if key not in affected:
                self._pieces[key] = record
        self._earlier_lists, self._affected = earlier._lists, frozenset(affected)
        # Histories compared by their digests: equal ones read again are other objects, and comparing
        # those field by field compares each commit's list of files once per change it made.
        if earlier.history is self.history or earlier.changes_feed() == self.changes_feed():
            for key, record in earlier._entities.items():
                if key[:2] not in affected and key[0] != "source":
                    self._entities[key] = record

    def shown(self, type_: str, id_: str) -> str:
        """What changes whenever what other pages show of ``type_``/``id_`` changes: all its fields but
        its prose."""
        key = (type_, id_)
        if key not in self._shown:
            self._shown[key] = text_digest(self.kb.get(type_, id_).model_dump_json(exclude=OWN_PAGE_FIELDS))
        return self._shown[key]

    def _everything_of(self, whole: bool) -> Record:
        if whole not in self._everything:
            kb, version = self.kb, (self.kb.version if whole else self.shown)
            hasher = hashlib.blake2b(digest_size=16)
            for type_ in vocab.ENTITY_TYPES:
                for id_ in kb.entities[type_]:
                    hasher.update(f"{type_}/{id_}={version(type_, id_)}\n".encode("utf-8"))
            for tag, description in kb.tags.items():
                hasher.update(f"tag {tag}={description}\n".encode("utf-8"))
            if whole:
                for source_id, text in sorted(kb.archives.items()):
                    hasher.update(f"archive {source_id}\n".encode("utf-8"))
                    hasher.update(text.encode("utf-8"))
            self._everything[whole] = (("everything" if whole else "everything shown", hasher.hexdigest()),)
        return self._everything[whole]

    def everything(self) -> Record:
        """A record that changes with any entity, the tags or the archives: one digest of them all."""
        return self._everything_of(True)

    def everything_shown(self) -> Record:
        """A record that changes with what other pages show of any entity, or with the tags."""
        return self._everything_of(False)

    def _part(self, key: tuple[str, str]) -> tuple[str, str]:
        """The part of a record that is what is shown of the entity ``key``."""
        part = self._parts.get(key)
        if part is None:
            part = self._parts[key] = (f"{key[0]}/{key[1]}", self.shown(*key))
        return part

    def _names(self, entity: Entity) -> tuple[tuple[str, str], ...]:
        """The entities that ``entity`` names and that exist, each once, in the order it names them:
        an entity's page, its pieces and every index listing it read them."""
        key = (entity.type, entity.id)
        named = self._named.get(key)
        if named is None:
            entities = self.kb.entities
            named = self._named[key] = tuple(dict.fromkeys(
                (ref.target_type, ref.target_id) for ref in self.kb.references(entity)
                if ref.target_id in entities[ref.target_type]))
        return named

    def _shown_around(self, entities: Iterable[Entity], *, referrers: bool) -> list[tuple[str, str]]:
        referenced_by = self.kb.referenced_by
        keys: dict[tuple[str, str], None] = {}
        for entity in entities:
            key = (entity.type, entity.id)
            keys[key] = None
            keys.update(dict.fromkeys(self._names(entity)))
            if referrers:
                for link in referenced_by.get(key, ()):
                    keys[(link.entity.type, link.entity.id)] = None
        return [self._part(key) for key in keys]

    def _listed(self, entities: Sequence[Entity]) -> Record:
        """What is shown of ``entities`` and of every entity they name: an index page's list, taken
        over from the build before when none of them is affected by what changed."""
        keys = tuple((entity.type, entity.id) for entity in entities)
        listed = self._lists.get(keys)
        if listed is None:
            listed = self._earlier_lists.get(keys)
            if listed is None or not self._affected.isdisjoint(keys):
                listed = tuple(self._shown_around(entities, referrers=False))
            self._lists[keys] = listed
        return listed

    def entity(self, entity: Entity, updated: str = "") -> Record:
        """What an entity's page (and its JSON, which reads the same) reads."""
        key = (entity.type, entity.id, updated)
        if key not in self._entities:
            parts = [("entity", self.kb.version(entity.type, entity.id))]
            parts += self._shown_around([entity], referrers=True)
            parts.append(("updated", updated))
            if entity.type == "source":
                text = self.kb.archives.get(entity.id)
                parts.append(("archive", "" if text is None else text_digest(text)))
            parts.append(("history", self.history.entry_fingerprint(entity)))
            self._entities[key] = tuple(parts)
        return self._entities[key]

    def piece(self, entity: Entity) -> Record:
        """What an entity's piece of a data file made of every entity reads (:class:`kbgen.exports.Assembled`):
        all of the entity, and what is shown of every entity it names (a target's name and kind, a
        source's title and date)."""
        key = (entity.type, entity.id)
        if key not in self._pieces:  # the same for each file that has a piece of the entity
            self._pieces[key] = (("entity", self.kb.version(*key)),) + tuple(self._shown_around([entity], referrers=False))
        return self._pieces[key]

    def data_file(self, path: str) -> Record:
        """What a data file made of every entity reads (kb.json's schema: nothing)."""
        if path == urls.KB_SCHEMA:
            return ()
        return self.everything_shown() if path in _SHOWING_NO_PROSE else self.everything()

    def changes_feed(self) -> Record:
        """What the feed of changes reads: the whole history."""
        if self._history is None:
            self._history = (("history", self.history.fingerprint()),)
        return self._history

    def changes(self) -> Record:
        """What ``/changes/`` reads: the whole history, and the names of the entries it links to."""
        return self.everything_shown() + self.changes_feed()

    def tombstone(self, tombstone: Tombstone) -> Record:
        """What the page of a deleted entry reads: its entry in the history, and the entry it was renamed to."""
        return self.everything_shown() + (("tombstone", repr(tombstone)),)

    def redirect(self, entity: Entity, former: str) -> Record:
        """What the redirect from ``entity``'s former id ``former`` reads."""
        return ((f"{entity.type}/{entity.id}", self.shown(entity.type, entity.id)), ("former", former))

    def section_index(self, entities: list[Entity], retired: list[Entity], page: Optional[IndexPage] = None) -> Record:
        """What a section's index reads: what is shown of its retired entries, listed apart, and of the
        entities it lists and every entity they name; or, when the index is split, what its first page
        ``page`` reads (:meth:`index`), which lists the retired entries."""
        listed = self.index(page) if page is not None else self._listed(entities)
        return listed + (("retired", str(len(retired))),) + self._listed(retired)

    def index(self, page: IndexPage, description: Optional[str] = None) -> Record:
        """What a page of a split section index or of a tag reads. A page of pages (with children)
        shows its entities only by their count and their pages' outlines, not one by one."""
        parts = [] if page.children else list(self._listed(page.entities))
        grandparent = page.parent.parent if page.parent is not None else None
        parts += [("page", _outline(page)), ("parent", _outline(page.parent)), ("grandparent", _outline(grandparent)),
                  ("previous", _outline(page.previous)), ("next", _outline(page.next))]
        parts += [("child", _outline(child)) for child in page.children]
        if description is not None:
            parts.append(("description", description))
        return tuple(parts)


def _outline(page: Optional[IndexPage]) -> str:
    if page is None:
        return ""
    return repr((page.path, page.title, page.label, page.grouping, page.breakdown, len(page.entities)))
