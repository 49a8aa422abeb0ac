"""What changed between two versions of a knowledge base, as entries and claims, not lines.

One change model (:class:`EntryChange` holding :class:`Claim` s), found by pure functions over
entities (:func:`diff_entities`, :func:`diff_knowledge_bases`) and written out by
:mod:`kbgen.history.formats` (text, Markdown, JSON) and by the site (``/changes/``, the feed,
each entry's History). Values are in words as pages show them: dates written out, references
by the name of what they name, vocabulary values without hyphens, and the quotes a citation adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from pydantic import BaseModel

from ..core import vocab
from ..core.dates import EdtfDate
from ..link import KnowledgeBase
from ..model import Entity, Ref

NOTHING = "nothing"
"""A field's value in words when it has none."""

Namer = Callable[[str, str], str]
"""``(type, id)`` -> the name a reader knows an entity by."""

ACTIONS = ("added", "renamed", "changed", "retired", "removed")
"""What can happen to an entry, in the order a diff lists them."""

_ITEM_LABELS = {"relations": "relation", "participants": "participant", "aliases": "alias", "tags": "tag",
                "citations": "citation", "concerns": "concerns", "motivated_by": "motivated by",
                "instruments": "instrument", "former_ids": "former id"}


@dataclass(frozen=True)
class Claim:
    """One thing said about an entry that was added or removed (an item of a list: a relation, an
    alias, a citation) or changed (a field, with its old and new value in words)."""

    field: str  # the field as written in the file ("relations", "date")
    action: str  # "added", "removed" or "changed"
    text: str  # the claim in words: "relation proxy of → Southland (around 2024)", or the field's label
    old: Optional[str] = None  # a changed field's old value, in words
    new: Optional[str] = None
    quotes: tuple[str, ...] = ()  # the verbatim quotes the claim is cited with

    def words(self) -> str:
        """The claim as one line of plain text."""
        if self.action == "changed":
            if self.old == NOTHING:
                return f"{self.text}: {self.new}"
            if self.new == NOTHING:
                return f"{self.text} removed (was {self.old})"
            return f"{self.text}: {self.old} → {self.new}"
        citing = (", citing " + ", ".join(f"“{q}”" for q in self.quotes)) if self.quotes else ""
        return f"{self.text} {self.action}{citing}"


@dataclass(frozen=True)
class EntryChange:
    """What happened to one entry: added, renamed (from ``former_id``), changed, retired or removed,
    and the claims that changed with it."""

    type: str
    id: str
    title: str
    action: str
    claims: tuple[Claim, ...] = ()
    former_id: Optional[str] = None

    def headline(self) -> str:
        """``River Brigade (actor): renamed from river-militia``."""
        what = f"{self.title} ({self.type})"
        if self.action == "renamed":
            return f"{what}: renamed from {self.former_id}"
        return f"{what}: {self.action}"

    def summary(self) -> str:
        """The change on one line: the headline, or the claims when only claims changed."""
        if self.action in ("changed", "retired") and self.claims:
            return "; ".join(claim.words() for claim in self.claims)
        return self.action if self.action != "renamed" else f"renamed from {self.former_id}"


def namer(*kbs: Optional[KnowledgeBase], known: Optional[dict[tuple[str, str], str]] = None) -> Namer:
    """Names from the first knowledge base that has the entity (the newer first), then from
    ``known`` (names seen in old versions of files), else the id."""
    def name(type_: str, id_: str) -> str:
        for kb in kbs:
            if kb is not None and id_ in kb.entities.get(type_, {}):
                return kb.get(type_, id_).title
        return (known or {}).get((type_, id_), id_)
    return name


def _ref_target(model: type[BaseModel], attr: str) -> Optional[str]:
    """The type a field refers to (``addressee`` -> ``actor``), from its :class:`~kbgen.model.Ref`; None for others."""
    return next((meta.target for meta in model.model_fields[attr].metadata if isinstance(meta, Ref)), None)


def value_words(value: Any, name: Namer, target: Optional[str] = None) -> str:
    """A field's value as a reader reads it."""
    if value is None or value == []:
        return NOTHING
    if isinstance(value, EdtfDate):
        return value.words
    if target is not None and isinstance(value, str):
        return name(target, value)
    if isinstance(value, BaseModel):
        return item_words(type(value).__name__, value, name)[0]
    if isinstance(value, list):
        return ", ".join(value_words(v, name, target) for v in value)
    if isinstance(value, str) and value in _VOCABULARY_VALUES:
        return value.replace("-", " ")
    return str(value)


_VOCABULARY_VALUES = {*vocab.ACTOR_KINDS, *vocab.EVENT_KINDS, *vocab.PARTICIPANT_ROLES, *vocab.ACTOR_RELATIONS,
                      *vocab.EVENT_RELATIONS, *vocab.INSTRUMENTS, *vocab.RECOMMENDATION_STATUSES}


def _citation_words(citation: BaseModel, name: Namer) -> tuple[str, tuple[str, ...]]:
    where = f", {citation.locator}" if citation.locator else ""
    return f"citation of {name('source', citation.source)}{where}", ((citation.quote,) if citation.quote else ())


def item_words(field: str, item: Any, name: Namer) -> tuple[str, tuple[str, ...]]:
    """One item of a list field in words, and the quotes it is cited with."""
    label = _ITEM_LABELS.get(field, field.replace("_", " "))
    if field == "citations" or type(item).__name__ == "Citation":
        return _citation_words(item, name)
    if field == "relations":
        relation = vocab.ACTOR_RELATIONS.get(item.type) or vocab.EVENT_RELATIONS[item.type]
        target = name("actor", item.actor) if hasattr(item, "actor") else name("event", item.event)
        when = f" ({item.date.words})" if getattr(item, "date", None) else ""
        note = f": {item.note}" if item.note else ""
        quotes = tuple(c.quote for c in item.citations if c.quote)
        return f"relation {relation.label} → {target}{when}{note}", quotes
    if field == "participants":
        note = f": {item.note}" if item.note else ""
        return f"participant {name('actor', item.actor)} ({vocab.ROLE_LABELS[item.role]}){note}", ()
    if field == "concerns":
        return f"concerns {name('actor', item)}", ()
    if field == "motivated_by":
        return f"motivated by {name('event', item)}", ()
    if field in ("aliases",):
        return f"{label} “{item}”", ()
    if type(item).__name__.endswith("Retirement"):
        return retirement_words(item, name), ()
    return f"{label} {value_words(item, name)}", ()


def retirement_words(retired: BaseModel, name: Namer) -> str:
    """``withdrawn: the source was corrected`` or ``superseded by X: …``, with its date."""
    status = retired.status
    words = f"{status} by {name(retired.__class__.target_type, retired.replaced_by)}" if retired.replaced_by else status
    when = f" on {retired.date.words}" if retired.date else ""
    return f"{words}{when}: {retired.reason}"


def _item_key(item: Any) -> Any:
    return item.model_dump_json() if isinstance(item, BaseModel) else item


def diff_entities(old: Optional[Entity], new: Optional[Entity], name: Namer) -> Optional[EntryChange]:
    """What changed from ``old`` to ``new`` (either may be None: added, removed), or None when
    nothing did. Two versions with different ids are a rename."""
    if old is None and new is None:
        return None
    if old is None:
        return EntryChange(new.type, new.id, new.title, "added")
    if new is None:
        return EntryChange(old.type, old.id, old.title, "removed")
    claims = []
    model = type(new)
    for attr, info in model.model_fields.items():
        if attr in ("id", "type"):
            continue
        field = info.alias or attr
        before, after = getattr(old, attr, None), getattr(new, attr, None)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            before, after = before or [], after or []
            old_keys = {_item_key(i) for i in before}
            new_keys = {_item_key(i) for i in after}
            for item in before:
                if _item_key(item) not in new_keys:
                    text, quotes = item_words(field, item, name)
                    claims.append(Claim(field, "removed", text, quotes=quotes))
            for item in after:
                if _item_key(item) not in old_keys and not (field == "former_ids" and item == old.id):
                    text, quotes = item_words(field, item, name)
                    claims.append(Claim(field, "added", text, quotes=quotes))
            continue
        target = _ref_target(model, attr)
        claims.append(Claim(field, "changed", field.replace("_", " "), value_words(before, name, target),
                            value_words(after, name, target)))
    if old.id != new.id:
        return EntryChange(new.type, new.id, new.title, "renamed", tuple(claims), former_id=old.id)
    if not claims:
        return None
    retired_now = getattr(new, "retired", None) is not None and getattr(old, "retired", None) is None
    return EntryChange(new.type, new.id, new.title, "retired" if retired_now else "changed", tuple(claims))


def diff_knowledge_bases(old: KnowledgeBase, new: KnowledgeBase) -> list[EntryChange]:
    """Every entry added, renamed (an id that moved to a ``former_ids`` list), changed, retired or
    removed from ``old`` to ``new``, by type, then in the order of :data:`ACTIONS`, then by id."""
    name = namer(new, old)
    changes: list[EntryChange] = []
    for type_ in vocab.ENTITY_TYPES:
        before, after = old.entities.get(type_, {}), new.entities.get(type_, {})
        renamed = {former: entity for entity in after.values() for former in entity.former_ids
                   if former in before and former not in after and entity.id not in before}
        renamed_to = {entity.id for entity in renamed.values()}
        found = []
        for id_ in sorted(set(before) | set(after)):
            if id_ in renamed or id_ in renamed_to:
                continue
            change = diff_entities(before.get(id_), after.get(id_), name)
            if change is not None:
                found.append(change)
        for former, entity in renamed.items():
            found.append(diff_entities(before[former], entity, name))
        changes += sorted(found, key=lambda c: (ACTIONS.index(c.action), c.id))
    return changes
