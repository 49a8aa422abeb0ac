"""Stage 3, linking: typed entities -> the linked knowledge base, every reference resolved and
every inverse link built.

Nothing here drops a dangling reference: each one is a located problem that names the
closest existing ids. Forward and inverse links come from one walk over the models'
:class:`~kbgen.model.Ref` annotations (:func:`~kbgen.link.references.iter_references`).
Renames (``former_ids``), tags and ``part_of`` cycles are checked here too: they need
every entity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Sequence

from ..core import urls, vocab
from ..core.digests import text_digest
from ..core.problems import Problem, Suggestions
from ..model import Entity
from ..model.entities import Participant
from ..source import LoadedFiles, RawDocument, SourceText
from .claims import based_on_problems, claim_problems
from .quotes import unverified_quote_warnings
from .references import Reference, iter_references


MAX_UNKNOWN_REFERENCES_PER_FILE = 20
"""Unknown ids listed per file; the rest are counted in one more problem."""


class Backlink(NamedTuple):
    entity: Entity
    label: str  # how the link reads from the target, e.g. "has proxy"


@dataclass
class KnowledgeBase:
    """The linked knowledge base: what the site and the exports need, nothing they must compute again."""

    entities: dict[str, dict[str, Entity]]
    tags: dict[str, str]
    paths: dict[tuple[str, str], str]  # (type, id) -> file path relative to the root
    archives: dict[str, str] = field(default_factory=dict)
    referenced_by: dict[tuple[str, str], list[Backlink]] = field(default_factory=dict)
    # (type, id) -> digest of the text its entity was read from: an entity is a function of that text,
    # so pages compare these to tell whether what they show changed (kbgen.site.dependencies).
    versions: dict[tuple[str, str], str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # reported, but they do not make it invalid

    _sorted: dict[str, list[Entity]] = field(default_factory=dict, repr=False)
    _participations: Optional[dict[str, list[tuple[Entity, Participant]]]] = field(default=None, repr=False)
    _references: dict[tuple[str, str], tuple[Reference, ...]] = field(default_factory=dict, repr=False)
    _tagged: Optional[dict[str, list[Entity]]] = field(default=None, repr=False)

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

    def participations(self, actor: Entity) -> list[tuple[Entity, Participant]]:
        """The events an actor took part in, by date, each with the actor's part in it (its role,
        how certain, its sources): the actor's timeline."""
        if self._participations is None:
            index: dict[str, list[tuple[Entity, Participant]]] = defaultdict(list)
            for event in self.all("event"):
                for participant in event.participants:
                    index[participant.actor].append((event, participant))
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

    def version(self, type_: str, id_: str) -> str:
        """What changes whenever the entity ``type_``/``id_`` changes: the digest of its file's text
        (of its fields, for an entity not read from a file)."""
        key = (type_, id_)
        if key not in self.versions:
            self.versions[key] = text_digest(self.get(type_, id_).model_dump_json())
        return self.versions[key]

    def tagged(self, tag: str) -> list[Entity]:
        """The entities carrying ``tag``, in reading order. Indexed once: every tag's page asks, and
        a walk of every entity per tag would cost tags times entities."""
        if self._tagged is None:
            index: dict[str, list[Entity]] = defaultdict(list)
            for t in vocab.ENTITY_TYPES:
                for entity in self.all(t):
                    for name in dict.fromkeys(entity.tags):
                        index[name].append(entity)
            self._tagged = dict(index)
        return list(self._tagged.get(tag, []))


def link_entities(entities: list[Entity], loaded: LoadedFiles,
                  references: Optional[Sequence[tuple[Reference, ...]]] = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Link every entity to what it names and back; report what cannot be linked.

    ``loaded`` says where each entity was written (to place a problem), which files could
    not be read (a reference to one is not reported again), the tags and the archives.
    ``references``: each entity's :func:`iter_references`, in the order of ``entities``, where
    the checks of its file walked them already (else they are walked here)."""
    texts = loaded.texts
    by_type: dict[str, dict[str, Entity]] = {t: {} for t in vocab.ENTITY_TYPES}
    for entity in entities:
        by_type[entity.type][entity.id] = entity
    tags, problems = _declared_tags(loaded.tags)
    kb = KnowledgeBase(
        entities={t: dict(sorted(v.items())) for t, v in by_type.items()},
        tags=tags,
        paths={key: text.path for key, text in texts.items()},
        archives=loaded.archives,
        versions={(entity.type, entity.id): text_digest(texts[(entity.type, entity.id)].text) for entity in entities},
    )
    renamed, rename_problems = _former_ids(entities, by_type, texts)
    problems += rename_problems
    referenced_by: dict[tuple[str, str], list[Backlink]] = defaultdict(list)
    suggestions = Suggestions()
    for position, entity in enumerate(entities):
        text = texts[(entity.type, entity.id)]
        unknown = 0
        made = tuple(iter_references(entity)) if references is None else references[position]
        if by_type[entity.type][entity.id] is entity:
            kb._references[(entity.type, entity.id)] = made  # walked once: what kb.references() gives
        for ref in made:
            if ref.target_id not in by_type[ref.target_type]:
                if (ref.target_type, ref.target_id) in texts or (ref.target_type, ref.target_id) in loaded.unreadable:
                    continue  # the target's file exists but is invalid: its own errors say why
                if (ref.target_type, ref.target_id) in renamed:
                    new_id = renamed[(ref.target_type, ref.target_id)]
                    problems.append(Problem(text.path, *text.locate(ref.loc),
                        f"{ref.target_type} '{ref.target_id}' was renamed to '{new_id}'; use the new id"))
                    continue
                unknown += 1
                if unknown <= MAX_UNKNOWN_REFERENCES_PER_FILE:
                    problems.append(Problem(text.path, *text.locate(ref.loc), _unknown_id_message(ref, by_type, suggestions)))
                elif unknown == MAX_UNKNOWN_REFERENCES_PER_FILE + 1:
                    first_unreported = text.locate(ref.loc)
                continue
            if (ref.target_type, ref.target_id) == (entity.type, entity.id):
                problems.append(Problem(text.path, *text.locate(ref.loc), f"{entity.type} '{entity.id}' refers to itself"))
                continue
            referenced_by[(ref.target_type, ref.target_id)].append(Backlink(entity, ref.inverse))
        problems += claim_problems(entity, text)
        if unknown > MAX_UNKNOWN_REFERENCES_PER_FILE:
            problems.append(Problem(text.path, *first_unreported,
                f"{unknown - MAX_UNKNOWN_REFERENCES_PER_FILE:,} more unknown ids from here on in this file "
                f"(only the first {MAX_UNKNOWN_REFERENCES_PER_FILE} are listed)"))
        for index, tag in enumerate(entity.tags):
            if tag not in tags:
                hint = suggestions.hint(tag, tags)
                problems.append(Problem(text.path, *text.locate(("tags", index)),
                    f"tag '{tag}' is not declared in entities/tags.yml{hint}"))
    problems += _check_part_of_cycles(kb, texts)
    problems += based_on_problems(kb.entities["source"], texts)
    kb.referenced_by = dict(referenced_by)
    kb.warnings = unverified_quote_warnings(entities, kb.paths, loaded.archives)
    return kb, problems


def _former_ids(entities: list[Entity], by_type, texts: dict[tuple[str, str], SourceText]) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """(type, former id) -> current id; a former id must not be a current id or another entity's former id.

    Ids are unique per type (they are URLs under the type's folder), so former ids are too.
    """
    renamed: dict[tuple[str, str], str] = {}
    problems = []
    for entity in entities:
        doc = texts[(entity.type, entity.id)]
        for index, former in enumerate(entity.former_ids):
            where = doc.locate(("former_ids", index))
            if urls.reserved_id_problem(former):
                problems.append(Problem(doc.path, *where, f"former id {urls.reserved_id_problem(former)}"))
            elif former == entity.id:
                problems.append(Problem(doc.path, *where, f"former id '{former}' is this {entity.type}'s current id; remove it from former_ids"))
            elif former in by_type[entity.type]:
                problems.append(Problem(doc.path, *where,
                    f"former id '{former}' is the id of another {entity.type} ({urls.entity_file(entity.type, former)}); "
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


def _unknown_id_message(ref: Reference, by_type: dict[str, dict[str, Entity]], suggestions: Suggestions) -> str:
    message = f"unknown {ref.target_type} '{ref.target_id}'"
    hint = suggestions.hint(ref.target_id, by_type[ref.target_type])
    if hint:
        return message + hint
    elsewhere = [t for t in vocab.ENTITY_TYPES if ref.target_id in by_type[t]]
    if elsewhere:
        return message + f" ('{ref.target_id}' is an {elsewhere[0]}, but this field needs an {ref.target_type})"
    return message + (f"; no file {urls.entity_file(ref.target_type, ref.target_id)} "
                      f"(to add it: kbgen new {ref.target_type} {ref.target_id})")


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


def _check_part_of_cycles(kb: KnowledgeBase, texts: dict[tuple[str, str], SourceText]) -> list[Problem]:
    """Every event whose chain of ``part_of`` ends in a cycle. Each event is walked once: a chain
    of 10,000 events costs 10,000 steps, not one walk of the rest of the chain per event."""
    events = kb.entities["event"]
    reaches_cycle: dict[str, bool] = {}  # decided events
    for start in events:
        path: list[str] = []
        on_path: set[str] = set()
        current: Optional[str] = start
        while current is not None and current in events and current not in reaches_cycle:
            if current in on_path:
                verdict = True
                break
            path.append(current)
            on_path.add(current)
            current = events[current].part_of
        else:
            verdict = reaches_cycle.get(current, False) if current is not None else False
        for event_id in path:
            reaches_cycle[event_id] = verdict
    problems = []
    for event_id, verdict in reaches_cycle.items():
        if verdict:
            doc = texts[("event", event_id)]
            problems.append(Problem(doc.path, *doc.locate(("part_of",)),
                f"'part_of' makes a cycle: event '{event_id}' ends up part of itself"))
    return problems
