"""Stage 3, graph: resolve every reference, build every inverse link, check cross-file rules.

Nothing here drops a dangling reference: each one is a located problem that
names the closest existing ids. Forward and inverse links come from one walk
over the :class:`~kbgen.model.Ref` annotations (:func:`iter_references`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple, Optional, get_args

from pydantic import BaseModel

from . import fork as forking
from . import vocab
from .load import LoadedFiles, RawDocument
from .model import Entity, Link, Ref, nested_model
from .problems import Problem, did_you_mean


# References and backlinks are named tuples, not frozen dataclasses: 50,000 of each are made
# for 10,000 entities, and a frozen dataclass takes over twice as long to make.
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
    None): read from the annotations once per class, not once per value (10,000 entities
    walk them all); text, dates and vocabularies are not walked at all."""
    fields = []
    for name, info in model.model_fields.items():
        ref = _ref_of(info.annotation) or next((m for m in info.metadata if isinstance(m, Ref)), None)
        if ref is not None or nested_model(info.annotation) is not None:
            fields.append((name, info.alias or name, ref))
    return tuple(fields)


# Appends to one list rather than yielding through every level: nested generators
# passed each of the 50,000 references of 10,000 entities up four frames.
def _walk(holder: Entity, value, ref: Optional[Ref], loc: tuple, owner: BaseModel, found: list[Reference]) -> None:
    if isinstance(value, BaseModel):
        for name, key, field_ref in _fields(type(value)):
            _walk(holder, getattr(value, name), field_ref, loc + (key,), value, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(holder, item, ref, loc + (index,), owner, found)
    elif isinstance(value, str) and ref is not None:
        label, inverse = owner.link_labels() if isinstance(owner, Link) else (ref.label, ref.inverse)
        found.append(Reference(holder, loc, ref.target, value, label, inverse))


def iter_references(entity: Entity) -> Iterator[Reference]:
    """Every reference an entity makes, with where it is written and how it reads both ways."""
    found: list[Reference] = []
    _walk(entity, entity, None, (), entity, found)
    return iter(found)


class Backlink(NamedTuple):
    entity: Entity
    label: str  # how the link reads from the target, e.g. "has proxy"


@dataclass
class KnowledgeBase:
    """The linked knowledge base: what render needs, nothing it must compute again."""

    entities: dict[str, dict[str, Entity]]
    tags: dict[str, str]
    paths: dict[tuple[str, str], str]  # (type, id) -> file path relative to the root
    archives: dict[str, str] = field(default_factory=dict)
    referenced_by: dict[tuple[str, str], list[Backlink]] = field(default_factory=dict)

    _sorted: dict[str, list[Entity]] = field(default_factory=dict, repr=False)
    _participations: Optional[dict[str, list[tuple[Entity, str]]]] = field(default=None, repr=False)
    _references: dict[tuple[str, str], tuple[Reference, ...]] = field(default_factory=dict, repr=False)

    def get(self, type_: str, id_: str) -> Entity:
        return self.entities[type_][id_]

    def all(self, type_: str) -> list[Entity]:
        """Entities of a type in reading order: events by date, the rest by title (sorted once)."""
        if type_ not in self._sorted:
            items = list(self.entities[type_].values())
            if type_ == "event":
                items.sort(key=lambda e: (e.date.sort_key, e.title.casefold(), e.id))
            else:
                items.sort(key=lambda e: (e.title.casefold(), e.id))
            self._sorted[type_] = items
        return self._sorted[type_]

    def references(self, entity: Entity) -> tuple[Reference, ...]:
        """:func:`iter_references` of an entity, walked once: diagrams, tables and STIX read each
        entity's references many times (a hub's neighbours once per page that draws them)."""
        key = (entity.type, entity.id)
        if key not in self._references:
            self._references[key] = tuple(iter_references(entity))
        return self._references[key]

    def participations(self, actor: Entity) -> list[tuple[Entity, str]]:
        """The events an actor took part in, by date, each with its role: the actor's timeline."""
        if self._participations is None:
            index: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
            for event in self.all("event"):
                for participant in event.participants:
                    index[participant.actor].append((event, participant.role))
            self._participations = dict(index)
        return self._participations.get(actor.id, [])

    def backlinks(self, entity: Entity) -> dict[str, dict[str, list[Entity]]]:
        """What points at ``entity``, grouped by referring type, then by how the link reads."""
        grouped: dict[str, dict[str, list[Entity]]] = {}
        seen: set[tuple[str, str, str]] = set()  # by id, not by ==: model equality compares every field
        for link in self.referenced_by.get((entity.type, entity.id), []):
            key = (link.entity.type, link.entity.id, link.label)
            if key not in seen:
                seen.add(key)
                grouped.setdefault(link.entity.type, {}).setdefault(link.label, []).append(link.entity)
        order = {t: i for i, t in enumerate(vocab.ENTITY_TYPES)}
        return {t: dict(sorted(grouped[t].items())) for t in sorted(grouped, key=order.get)}

    def tagged(self, tag: str) -> list[Entity]:
        return [e for t in vocab.ENTITY_TYPES for e in self.all(t) if tag in e.tags]


_SINGLE_QUOTES = re.compile(r"[\u2018\u2019\u201a\u201b\u2032`´]")
_DOUBLE_QUOTES = re.compile(r"[\u201c\u201d\u201e\u201f\u2033]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_OMISSION = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def _normalise(text: str) -> str:
    """Compare quotes as readers would: typographic quotes, dashes and spacing do not matter."""
    if not text.isascii() or "`" in text:  # ASCII without backticks: the first four steps change nothing
        text = unicodedata.normalize("NFKC", text)
        text = _SINGLE_QUOTES.sub("'", text)
        text = _DOUBLE_QUOTES.sub('"', text)
        text = _DASHES.sub("-", text)
    # Runs of whitespace as one space, none at the ends: str.split's whitespace is
    # exactly re's \s, and split-join is 5x faster than re.sub on 20,000 quotes.
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    """True when ``quote`` occurs verbatim in ``text``; '...' or '…' may mark omitted words."""
    return quote_in_normalised(quote, _normalise(text))


def quote_in_normalised(quote: str, haystack: str) -> bool:
    """:func:`quote_in_text` for a text already passed through :func:`_normalise`: a source's
    archive is normalised once, not once per citation (O(citations x text) otherwise)."""
    start, quote = 0, _normalise(quote)
    for fragment in _OMISSION.split(quote) if "..." in quote else (quote,):  # NFKC turned '…' into '...'
        if not fragment:
            continue
        found = haystack.find(fragment, start)
        if found < 0:
            return False
        start = found + len(fragment)
    return True


def resolve_references(entities: list[Entity], loaded: LoadedFiles, *,
                       fork: bool = False) -> tuple[KnowledgeBase, list[Problem]]:
    """Link every entity to what it names and back; report what cannot be linked.

    ``fork`` verifies most quotes in a forked child meanwhile (only in a process
    without threads): they need nothing the linking makes, and are half its work."""
    docs: dict[tuple[str, str], RawDocument] = {(d.type, d.id): d for d in loaded.documents}
    by_type: dict[str, dict[str, Entity]] = {t: {} for t in vocab.ENTITY_TYPES}
    for entity in entities:
        by_type[entity.type][entity.id] = entity
    tags, problems = _declared_tags(loaded.tags)
    kb = KnowledgeBase(
        entities={t: dict(sorted(v.items())) for t, v in by_type.items()},
        tags=tags,
        paths={key: doc.path for key, doc in docs.items()},
        archives=loaded.archives,
    )
    renamed, rename_problems = _former_ids(entities, by_type, docs)
    problems += rename_problems
    referenced_by: dict[tuple[str, str], list[Backlink]] = defaultdict(list)
    normalised_archives = _NormalisedArchives(loaded.archives)
    if fork:
        in_child = [entity for position, entity in enumerate(entities) if _quotes_in_child(position)]
        quote_problems = forking.start(lambda: _quote_problems(in_child, docs, by_type, normalised_archives))
    for position, entity in enumerate(entities):
        doc = docs[(entity.type, entity.id)]
        for ref in iter_references(entity):
            if ref.target_id not in by_type[ref.target_type]:
                if (ref.target_type, ref.target_id) in docs or (ref.target_type, ref.target_id) in loaded.unreadable:
                    continue  # the target's file exists but is invalid: its own errors say why
                if (ref.target_type, ref.target_id) in renamed:
                    new_id = renamed[(ref.target_type, ref.target_id)]
                    problems.append(Problem(doc.path, *doc.locate(ref.loc),
                        f"{ref.target_type} '{ref.target_id}' was renamed to '{new_id}'; use the new id"))
                    continue
                problems.append(Problem(doc.path, *doc.locate(ref.loc), _unknown_id_message(ref, by_type)))
                continue
            if (ref.target_type, ref.target_id) == (entity.type, entity.id):
                problems.append(Problem(doc.path, *doc.locate(ref.loc), f"{entity.type} '{entity.id}' refers to itself"))
                continue
            referenced_by[(ref.target_type, ref.target_id)].append(Backlink(entity, ref.inverse))
            if _cites_source(ref) and not (fork and _quotes_in_child(position)):
                problems += _check_quote(doc, ref, normalised_archives)
        for index, tag in enumerate(entity.tags):
            if tag not in tags:
                hint = did_you_mean(tag, tags)
                problems.append(Problem(doc.path, *doc.locate(("tags", index)),
                    f"tag '{tag}' is not declared in entities/tags.yml{hint}"))
    problems += _check_part_of_cycles(kb, docs)
    if fork:
        problems += quote_problems()
    kb.referenced_by = dict(referenced_by)
    return kb, problems


def _cites_source(ref: Reference) -> bool:
    return ref.target_type == "source" and ref.loc[-1] == "source"


def _quotes_in_child(position: int) -> bool:
    """Whether the forked child checks the quotes of the entity at this position: 5 in 6, since
    the child also walks their references again, which the parent does anyway while linking."""
    return position % 6 != 0


def _quote_problems(entities: list[Entity], docs, by_type, archives: "_NormalisedArchives") -> list[Problem]:
    """Every quote the linking loop would check, checked on its own (in a forked child):
    those citing a valid source other than the entity itself."""
    problems = []
    for entity in entities:
        doc = docs[(entity.type, entity.id)]
        for ref in iter_references(entity):
            if _cites_source(ref) and ref.target_id in by_type["source"] and (ref.target_type, ref.target_id) != (entity.type, entity.id):
                problems += _check_quote(doc, ref, archives)
    return problems


def _former_ids(entities: list[Entity], by_type, docs) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """(type, former id) -> current id; a former id must not be a current id or another entity's former id.

    Ids are unique per type (they are URLs under the type's folder), so former ids are too.
    """
    renamed: dict[tuple[str, str], str] = {}
    problems = []
    for entity in entities:
        doc = docs[(entity.type, entity.id)]
        for index, former in enumerate(entity.former_ids):
            where = doc.locate(("former_ids", index))
            folder = vocab.FOLDERS[entity.type]
            if former == entity.id:
                problems.append(Problem(doc.path, *where, f"former id '{former}' is this {entity.type}'s current id; remove it from former_ids"))
            elif former in by_type[entity.type]:
                problems.append(Problem(doc.path, *where,
                    f"former id '{former}' is the id of another {entity.type} (entities/{folder}/{former}.yml); "
                    "an old URL can redirect to one page only"))
            elif former in entity.former_ids[:index]:
                problems.append(Problem(doc.path, *where, f"former id '{former}' is listed twice; give it once"))
            elif (entity.type, former) in renamed:
                problems.append(Problem(doc.path, *where,
                    f"former id '{former}' is also a former id of {entity.type} '{renamed[(entity.type, former)]}'; "
                    "an old URL can redirect to one page only"))
            else:
                renamed[(entity.type, former)] = entity.id
    return renamed, problems


def _unknown_id_message(ref: Reference, by_type: dict[str, dict[str, Entity]]) -> str:
    message = f"unknown {ref.target_type} '{ref.target_id}'"
    hint = did_you_mean(ref.target_id, by_type[ref.target_type])
    if hint:
        return message + hint
    elsewhere = [t for t in vocab.ENTITY_TYPES if ref.target_id in by_type[t]]
    if elsewhere:
        return message + f" ('{ref.target_id}' is an {elsewhere[0]}, but this field needs an {ref.target_type})"
    return message + (f"; no file entities/{vocab.FOLDERS[ref.target_type]}/{ref.target_id}.yml "
                      f"(to add it: kbgen new {ref.target_type} {ref.target_id})")


class _NormalisedArchives(dict):
    """Source id -> its archived text normalised for quote matching, computed on first use."""

    def __init__(self, archives: dict[str, str]):
        super().__init__()
        self.archives = archives

    def __missing__(self, source_id: str) -> str:
        self[source_id] = _normalise(self.archives[source_id])
        return self[source_id]


def _check_quote(doc: RawDocument, ref: Reference, archives: _NormalisedArchives) -> list[Problem]:
    citation_loc = ref.loc[:-1]
    citation = ref.holder
    for part in citation_loc:
        citation = citation[part] if isinstance(part, int) else getattr(citation, part)
    if citation.quote is None or ref.target_id not in archives.archives:
        return []
    if quote_in_normalised(citation.quote, archives[ref.target_id]):
        return []
    return [Problem(doc.path, *doc.locate(citation_loc + ("quote",)),
        f"quote not found verbatim in entities/sources/{ref.target_id}.txt; copy the words exactly "
        "(spacing, curly quotes and dashes may differ; mark omissions with '...')")]


def _declared_tags(doc: RawDocument | None) -> tuple[dict[str, str], list[Problem]]:
    if doc is None:
        return {}, []
    tags, problems = {}, []
    for tag, description in doc.data.items():
        where = doc.locate((tag,), key=True)
        if not vocab.is_id(tag):
            problems.append(Problem(doc.path, *where, f"tag '{tag}' is not a valid id: {vocab.ID_RULE}"))
        elif not isinstance(description, str) or not description.strip():
            problems.append(Problem(doc.path, *doc.locate((tag,)), f"tag '{tag}' needs a one-line description as text"))
        else:
            tags[tag] = description
    return dict(sorted(tags.items())), problems


def _check_part_of_cycles(kb: KnowledgeBase, docs) -> list[Problem]:
    problems = []
    for event in kb.entities["event"].values():
        seen, current = {event.id}, event
        while current.part_of and current.part_of in kb.entities["event"]:
            current = kb.entities["event"][current.part_of]
            if current.id in seen:
                doc = docs[("event", event.id)]
                problems.append(Problem(doc.path, *doc.locate(("part_of",)),
                    f"'part_of' makes a cycle: event '{event.id}' ends up part of itself"))
                break
            seen.add(current.id)
    return problems
