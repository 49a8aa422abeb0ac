"""STIX 2.1 bundle of the knowledge base (``/data/kb.stix.json``), built with ``stix2``.

Mapping (also in the README):

- actor -> ``threat-actor`` when its kind is ``armed-group`` (a non-state group using force),
  else ``identity`` (``identity_class`` individual for a person, group for a coalition or
  collective, organization otherwise; ``sectors`` government-national or defense where they
  fit). ``intrusion-set`` is not used: it describes sets of cyber intrusions, which this
  knowledge base does not record. Aliases go to ``aliases`` (threat actors) or
  ``x_kbgen_aliases`` (identities have no aliases in STIX 2.1).
- event -> ``report``: the STIX object for "a described happening with the objects involved".
  ``published`` is the first day of the event's date (STIX has no event SDO; ``incident`` is a
  stub without dates, ``grouping`` needs an analysis context, ``observed-data`` is for
  cyber observables), ``object_refs`` holds its participants and the relationships it
  makes, ``labels`` its kind and tags, ``x_kbgen_date`` the exact EDTF date.
- recommendation -> ``course-of-action`` (summary, rationale and risks in ``description``,
  ``x_kbgen_status``, ``x_kbgen_instruments``).
- every typed link -> ``relationship`` from the entity that holds it to its target:
  actor relations and event relations by their type (``proxy-of``, ``response-to``),
  participants as ``has-<role>`` (event -> actor), ``part-of``, ``addressed-to``,
  ``concerns``, ``motivated-by``; a link's date is ``x_kbgen_date``, its note the description.
- source -> ``external_references`` on every object citing it: ``source_name`` the source's
  title, ``external_id`` its id, ``url`` its address, ``description`` the quote (and locator).
- kbgen's own properties (``x_kbgen_*``) are declared by an ``extension-definition``
  (toplevel-property-extension, created by an ``identity`` for kbgen) that every object using
  them names in ``extensions``.
- ids: ``<stix-type>--`` + UUIDv5(kbgen namespace, ``<kbgen type>/<id>``); relationships
  UUIDv5 of ``holder type/id relationship-type target type/id``. ``created`` and ``modified``
  are the publication date of the newest source the object cites (1970-01-01 when none):
  re-exports of unchanged data are byte-identical.
"""

from __future__ import annotations

import json
from typing import Any

import stix2

from .. import vocab
from ..graph import KnowledgeBase, iter_references
from ..model import Citation, Entity
from .common import EPOCH, evidence_date, stable_uuid, timestamp

# kbgen's own properties, declared by a STIX 2.1 extension definition (toplevel-property-extension)
# so that consumers can tell what they mean and validators know they are intended.
PROPERTIES = {
    "x_kbgen_id": "the entity's kbgen type and id, e.g. actor/iran",
    "x_kbgen_aliases": "an identity's other names (STIX identities have no aliases)",
    "x_kbgen_date": "the event's or link's date as written, in EDTF (Library of Congress Extended Date/Time Format)",
    "x_kbgen_location": "where the event took place, as the source describes it",
    "x_kbgen_status": "the recommendation's status: " + ", ".join(vocab.RECOMMENDATION_STATUSES),
    "x_kbgen_instruments": "the recommendation's instruments: " + ", ".join(vocab.INSTRUMENTS),
}
_EPOCH = timestamp(EPOCH)
KBGEN_IDENTITY = stix2.v21.Identity(
    id=f"identity--{stable_uuid('identity/kbgen')}", created=_EPOCH, modified=_EPOCH,
    name="kbgen", identity_class="system", description="The kbgen knowledge-base generator, which wrote this bundle.")
EXTENSION = stix2.v21.ExtensionDefinition(
    id=f"extension-definition--{stable_uuid('extension/kbgen-properties')}", created=_EPOCH, modified=_EPOCH,
    created_by_ref=KBGEN_IDENTITY.id, name="kbgen properties", version="1.0.0",
    description="Properties kbgen adds to keep every field of its knowledge base.",
    schema="; ".join(f"{name}: {meaning}" for name, meaning in PROPERTIES.items()),
    extension_types=["toplevel-property-extension"], extension_properties=list(PROPERTIES))
_EXTENDED = {"extensions": {EXTENSION.id: {"extension_type": "toplevel-property-extension"}}}

_IDENTITY_CLASS = {"person": "individual", "coalition": "group", "collective": "group"}
_SECTORS = {"state": ["government-national"], "government": ["government-national"],
            "government-body": ["government-national"], "armed-forces": ["defense"]}


def stix_type(entity: Entity) -> str:
    if entity.type == "actor":
        return "threat-actor" if entity.kind == "armed-group" else "identity"
    return {"event": "report", "recommendation": "course-of-action"}[entity.type]


def stix_id(entity: Entity) -> str:
    return f"{stix_type(entity)}--{stable_uuid(f'{entity.type}/{entity.id}')}"


def _references(kb: KnowledgeBase, citations: list[Citation]) -> list[stix2.v21.ExternalReference]:
    refs = []
    for citation in citations:
        source = kb.get("source", citation.source)
        fields: dict[str, Any] = {"source_name": source.title, "external_id": source.id}
        if source.url:
            fields["url"] = source.url
        words = [f"“{citation.quote}”" if citation.quote else "", f"({citation.locator})" if citation.locator else ""]
        if any(words):
            fields["description"] = " ".join(w for w in words if w)
        refs.append(stix2.v21.ExternalReference(**fields))
    return refs


def _common(kb: KnowledgeBase, entity: Entity) -> dict[str, Any]:
    when = timestamp(evidence_date(kb, entity))
    fields: dict[str, Any] = {"id": stix_id(entity), "created": when, "modified": when,
                              "x_kbgen_id": f"{entity.type}/{entity.id}", "allow_custom": True, **_EXTENDED}
    if entity.citations:
        fields["external_references"] = _references(kb, entity.citations)
    return fields


def _actor(kb: KnowledgeBase, actor: Entity):
    labels = [actor.kind, *actor.tags]
    if stix_type(actor) == "threat-actor":
        extra = {"aliases": list(actor.aliases)} if actor.aliases else {}
        return stix2.v21.ThreatActor(name=actor.name, description=actor.summary, labels=labels,
                                     **extra, **_common(kb, actor))
    extra = {"x_kbgen_aliases": list(actor.aliases)} if actor.aliases else {}
    if actor.kind in _SECTORS:
        extra["sectors"] = _SECTORS[actor.kind]
    return stix2.v21.Identity(name=actor.name, description=actor.summary, labels=labels,
                              identity_class=_IDENTITY_CLASS.get(actor.kind, "organization"),
                              **extra, **_common(kb, actor))


def _relationships(kb: KnowledgeBase, entity: Entity) -> list[stix2.v21.Relationship]:
    made, seen = [], set()
    for ref in iter_references(entity):
        if "citations" in ref.loc:
            continue  # citations are external references, not relationships
        link = getattr(entity, ref.loc[0])[ref.loc[1]] if len(ref.loc) == 3 else None
        if ref.loc[0] == "participants":
            kind = f"has-{link.role}"
        elif link is not None:
            kind = link.type
        else:
            kind = ref.loc[0].replace("_", "-").replace("addressee", "addressed-to")
        target = kb.get(ref.target_type, ref.target_id)
        name = f"{entity.type}/{entity.id} {kind} {target.type}/{target.id}"
        if name in seen:
            continue  # the same link written twice is one relationship
        seen.add(name)
        when = timestamp(evidence_date(kb, entity))
        fields: dict[str, Any] = {}
        if getattr(link, "note", None):
            fields["description"] = link.note
        if getattr(link, "date", None):
            fields["x_kbgen_date"] = link.date.text
            fields.update(_EXTENDED)
        if getattr(link, "citations", None):
            fields["external_references"] = _references(kb, link.citations)
        made.append(stix2.v21.Relationship(
            id=f"relationship--{stable_uuid(name)}", created=when, modified=when,
            relationship_type=kind, source_ref=stix_id(entity), target_ref=stix_id(target),
            allow_custom=True, **fields))
    return made


def _event(kb: KnowledgeBase, event: Entity, relationships: list) -> stix2.v21.Report:
    participants = list(dict.fromkeys(stix_id(kb.get("actor", p.actor)) for p in event.participants))
    extra = {"x_kbgen_location": event.location} if event.location else {}
    return stix2.v21.Report(name=event.title, description=event.summary, labels=[event.kind, *event.tags],
                            published=timestamp(event.date.anchor), x_kbgen_date=event.date.text,
                            object_refs=participants + [r.id for r in relationships],
                            **extra, **_common(kb, event))


def _recommendation(kb: KnowledgeBase, rec: Entity) -> stix2.v21.CourseOfAction:
    text = rec.summary
    for heading, value in (("Rationale", rec.rationale), ("Risks", rec.risks)):
        if value:
            text += f"\n\n{heading}: {value}"
    extra = {"labels": list(rec.tags)} if rec.tags else {}
    if rec.instruments:
        extra["x_kbgen_instruments"] = list(rec.instruments)
    return stix2.v21.CourseOfAction(name=rec.title, description=text, x_kbgen_status=rec.status,
                                    **extra, **_common(kb, rec))


def stix_bundle(kb: KnowledgeBase) -> stix2.v21.Bundle:
    objects: list = [KBGEN_IDENTITY, EXTENSION]
    for actor in kb.all("actor"):
        objects.append(_actor(kb, actor))
    for type_ in ("actor", "event", "recommendation"):
        for entity in kb.all(type_):
            relationships = _relationships(kb, entity)
            if type_ == "event":
                objects.append(_event(kb, entity, relationships))
            elif type_ == "recommendation":
                objects.append(_recommendation(kb, entity))
            objects.extend(relationships)
    bundle_id = f"bundle--{stable_uuid(' '.join(o.id for o in objects))}"
    return stix2.v21.Bundle(objects=objects, id=bundle_id, allow_custom=True)


def _custom_last(value: Any) -> Any:
    """Standard properties in ``stix2``'s order, then custom ones by name: ``stix2`` collects custom
    properties in a set, whose order changes with Python's hash seed from one run to the next."""
    if isinstance(value, dict):
        standard = {k: _custom_last(v) for k, v in value.items() if not k.startswith("x_")}
        return {**standard, **{k: _custom_last(value[k]) for k in sorted(value) if k.startswith("x_")}}
    if isinstance(value, list):
        return [_custom_last(v) for v in value]
    return value


def stix_json(kb: KnowledgeBase) -> str:
    """``kb.stix.json``: the STIX 2.1 bundle, byte-identical from run to run. (Not
    ``pretty=True``: its spec-order sort takes seconds.)"""
    data = _custom_last(json.loads(stix_bundle(kb).serialize()))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
