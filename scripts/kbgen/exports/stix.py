"""STIX 2.1 bundle of the knowledge base (``/data/kb.stix.json``).

The objects are written as plain JSON objects, properties in the specification's
order, not through the ``stix2`` library, which validates every object as it is built
(slow enough to dominate page generation at scale). The OASIS ``stix2-validator``
checks the bundle in the tests instead, and ``stix2`` parses it there.

Mapping (also in the README):

- actor -> ``threat-actor`` when its kind is ``armed-group`` (a non-state group using force),
  else ``identity`` (``identity_class`` individual for a person, group for a coalition or
  collective, organization otherwise; ``sectors`` government-national or defense where they
  fit). ``intrusion-set`` is not used: it describes sets of cyber intrusions, which this
  knowledge base does not record. Aliases go to ``aliases`` (threat actors) or
  ``x_kbgen_aliases`` (identities have no aliases in STIX 2.1).
- event -> ``report``: the STIX object for "a described happening with the objects involved".
  ``published`` is when the report was published, as ``created`` (STIX has no event SDO; ``incident`` is a
  stub without dates, ``grouping`` needs an analysis context, ``observed-data`` is for
  cyber observables), ``object_refs`` holds its participants and the relationships it
  makes, ``labels`` its kind and tags, ``x_kbgen_date`` the exact EDTF date: the event's
  only date, since a timestamp would claim a day that "March 2024" or "by March 2024" does not know.
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
- ``confidence`` (0–100) by the STIX 2.1 specification's own scale tables (Part 1, appendix
  "Confidence Scales"): a link's ``certainty`` by the DNI scale for ICD 203's seven words
  (almost-no-chance 5, very-unlikely 15, unlikely 30, even-chance 50, likely 70, very-likely 85,
  almost-certain 95) and by the Admiralty credibility scale for the three words that are no
  estimate (confirmed 90, its "1 – confirmed"; possible and suspected 50, its "3 – possibly
  true": not confirmed, not ruled out). Without a certainty, an object's or link's confidence is
  the best ``credibility`` among its citations by the Admiralty credibility scale (1 → 90,
  2 → 70, 3 → 50, 4 → 30, 5 → 10; 6, "truth cannot be judged", has no value). A link the
  sources differ on (``holds_claims``, ``role_claims``) is graded by its preferred value's
  citations, and has no confidence when none is preferred. The certainty itself is
  ``x_kbgen_certainty``; each external reference's description ends with its Admiralty code ("[B2]").
- a retired entry's object is ``revoked`` (STIX: its creator no longer considers it valid), and
  ``x_kbgen_retired`` says its status, reason, replacement and date. A retired source stays
  in the external references of what cites it.
- ids: ``<stix-type>--`` + UUIDv5(kbgen namespace, ``<kbgen type>/<id>``); relationships
  UUIDv5 of ``holder type/id relationship-type target type/id``. ``created`` and ``modified``
  are the publication date of the newest source the object cites (1970-01-01 when none):
  re-exports of unchanged data are byte-identical.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from pydantic_core import to_json

from ..core import vocab
from ..link import KnowledgeBase
from ..model import Citation, Entity
from ..model.entities import field_names
from .common import EPOCH, NAMESPACE, Assembled, evidence_date, stable_uuid

# kbgen's own properties, declared by a STIX 2.1 extension definition (toplevel-property-extension)
# so that consumers can tell what they mean and validators know they are intended.
PROPERTIES = {
    "x_kbgen_id": "the entity's kbgen type and id, e.g. actor/iran",
    "x_kbgen_aliases": "an identity's other names (STIX identities have no aliases)",
    "x_kbgen_date": "the event's or link's date as written, in EDTF (Library of Congress Extended Date/Time Format)",
    "x_kbgen_location": "where the event took place, as the source describes it",
    "x_kbgen_status": "the recommendation's status: " + ", ".join(vocab.RECOMMENDATION_STATUSES),
    "x_kbgen_instruments": "the recommendation's instruments: " + ", ".join(vocab.INSTRUMENTS),
    "x_kbgen_certainty": "how sure the source is that the link holds, an estimative word: " + ", ".join(vocab.CERTAINTIES),
    "x_kbgen_retired": "why a revoked object's entry was retired: its status (withdrawn or superseded), reason, "
                       "replaced_by (the replacing entry's type and id) and date (EDTF)",
}

# STIX 2.1, Part 1, appendix "Confidence Scales": the DNI scale (ICD 203's words) and the
# Admiralty credibility scale, each row's STIX confidence value as the specification gives it.
CERTAINTY_CONFIDENCE = {
    "almost-no-chance": 5,  # DNI: Almost No Chance / Remote
    "very-unlikely": 15,  # DNI: Very Unlikely / Highly Improbable
    "unlikely": 30,  # DNI: Unlikely / Improbable
    "even-chance": 50,  # DNI: Roughly Even Chance / Roughly Even Odds
    "likely": 70,  # DNI: Likely / Probable
    "very-likely": 85,  # DNI: Very Likely / Highly Probable
    "almost-certain": 95,  # DNI: Almost Certain / Nearly Certain
    "confirmed": 90,  # Admiralty credibility: 1 - Confirmed by other sources
    "possible": 50,  # Admiralty credibility: 3 - Possibly True
    "suspected": 50,  # Admiralty credibility: 3 - Possibly True
}
CREDIBILITY_CONFIDENCE = {"1": 90, "2": 70, "3": 50, "4": 30, "5": 10, "6": None}
"""Admiralty credibility -> STIX confidence; 6 ("truth cannot be judged") has none."""


def credibility_confidence(citations: list[Citation]) -> int | None:
    """The best-supported reading of a claim: the highest confidence among its graded citations."""
    values = [CREDIBILITY_CONFIDENCE[c.credibility] for c in citations if c.credibility]
    values = [v for v in values if v is not None]
    return max(values, default=None)


def link_confidence(link: Any) -> int | None:
    """A typed link's STIX confidence (the rules in the module's docstring)."""
    if link is None:
        return None
    fields = field_names(type(link))
    certainty = link.certainty if "certainty" in fields else None
    if certainty:
        return CERTAINTY_CONFIDENCE[certainty]
    claims = (link.holds_claims if "holds_claims" in fields else None) or (link.role_claims if "role_claims" in fields else None)
    if claims:
        preferred = next((claim for claim in claims if claim.preferred), None)
        return credibility_confidence(preferred.citations) if preferred else None
    return credibility_confidence(link.citations if "citations" in fields else [])


def stix_timestamp(day) -> str:
    """A STIX timestamp: UTC midnight of ``day``, with the milliseconds STIX producers usually write
    (Atom's :func:`.common.timestamp` has none)."""
    return f"{day.isoformat()}T00:00:00.000Z"


def _object(type_: str, id_: str, when: str, **properties: Any) -> dict[str, Any]:
    """A STIX object: common properties first, then the given ones in order, ``None`` left out."""
    return {"type": type_, "spec_version": "2.1", "id": id_,
            **({"created_by_ref": properties.pop("created_by_ref")} if "created_by_ref" in properties else {}),
            "created": when, "modified": when,
            **{name: value for name, value in properties.items() if value is not None}}


_EPOCH = stix_timestamp(EPOCH)
KBGEN_IDENTITY = _object(
    "identity", f"identity--{stable_uuid('identity/kbgen')}", _EPOCH,
    name="kbgen", description="The kbgen knowledge-base generator, which wrote this bundle.", identity_class="system")
EXTENSION = _object(
    "extension-definition", f"extension-definition--{stable_uuid('extension/kbgen-properties')}", _EPOCH,
    created_by_ref=KBGEN_IDENTITY["id"], name="kbgen properties",
    description="Properties kbgen adds to keep every field of its knowledge base.",
    schema="; ".join(f"{name}: {meaning}" for name, meaning in PROPERTIES.items()),
    version="1.0.0", extension_types=["toplevel-property-extension"], extension_properties=list(PROPERTIES))
_EXTENSIONS = {EXTENSION["id"]: {"extension_type": "toplevel-property-extension"}}

_IDENTITY_CLASS = {"person": "individual", "coalition": "group", "collective": "group"}
_SECTORS = {"state": ["government-national"], "government": ["government-national"],
            "government-body": ["government-national"], "armed-forces": ["defense"]}


def stix_type(entity: Entity) -> str:
    if entity.type == "actor":
        return "threat-actor" if entity.kind == "armed-group" else "identity"
    return {"event": "report", "recommendation": "course-of-action"}[entity.type]


def stix_id(entity: Entity) -> str:
    return f"{stix_type(entity)}--{stable_uuid(f'{entity.type}/{entity.id}')}"


def _retirement(entity: Entity) -> dict[str, str] | None:
    """A retired entry's ``x_kbgen_retired``: what its ``retired`` field says, in kbgen's words."""
    retired = entity.retired
    if retired is None:
        return None
    said = {"status": retired.status, "reason": retired.reason,
            "replaced_by": f"{entity.type}/{retired.replaced_by}" if retired.replaced_by else None,
            "date": retired.date.text if retired.date else None}
    return {name: value for name, value in said.items() if value is not None}


class _Bundle:
    """The objects of one bundle, and what many of them share, each made once per bundle: an
    entity's STIX id (every relationship naming it repeats it), its timestamp (its own object and
    each relationship it holds), and a source's part of each external reference to it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._ids: dict[tuple[str, str], str] = {}
        self._times: dict[tuple[str, str], str] = {}
        self._sources: dict[str, tuple[str, str | None, str | None]] = {}

    def id(self, entity: Entity) -> str:
        key = (entity.type, entity.id)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = stix_id(entity)
        return found

    def when(self, entity: Entity) -> str:
        key = (entity.type, entity.id)
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = stix_timestamp(evidence_date(self.kb, entity))
        return found

    def references(self, citations: list[Citation]) -> list[dict[str, Any]]:
        refs = []
        for citation in citations:
            source = self._sources.get(citation.source)
            if source is None:
                entity = self.kb.get("source", citation.source)
                source = self._sources[citation.source] = (entity.title, entity.url or None, entity.reliability)
            title, url, reliability = source
            code = vocab.grade_code(reliability, citation.credibility)
            words = [f"“{citation.quote}”" if citation.quote else "", f"({citation.locator})" if citation.locator else "",
                     f"[{code}]" if code else ""]
            ref = {"source_name": title, "description": " ".join(w for w in words if w) or None,
                   "url": url, "external_id": citation.source}
            refs.append({name: value for name, value in ref.items() if value is not None})
        return refs

    def entity_object(self, entity: Entity, standard: dict[str, Any], custom: dict[str, Any]) -> dict[str, Any]:
        """An entity's object: its standard properties, then its sources, the extension, and kbgen's properties by name."""
        custom = {**custom, "x_kbgen_id": f"{entity.type}/{entity.id}", "x_kbgen_retired": _retirement(entity)}
        return _object(stix_type(entity), self.id(entity), self.when(entity), **standard,
                       revoked=True if entity.retired else None,  # STIX: no longer considered valid by its creator
                       confidence=credibility_confidence(entity.citations),
                       external_references=self.references(entity.citations) or None, extensions=_EXTENSIONS,
                       **{name: custom[name] for name in sorted(custom) if custom[name] is not None})

    def actor(self, actor: Entity) -> dict[str, Any]:
        labels = [actor.kind, *actor.tags]
        aliases = list(actor.aliases) or None
        if stix_type(actor) == "threat-actor":
            return self.entity_object(actor, {"name": actor.name, "description": actor.summary, "aliases": aliases,
                                              "labels": labels}, {})
        return self.entity_object(actor, {"name": actor.name, "description": actor.summary,
                                          "identity_class": _IDENTITY_CLASS.get(actor.kind, "organization"),
                                          "sectors": _SECTORS.get(actor.kind), "labels": labels},
                                  {"x_kbgen_aliases": aliases})

    def relationships(self, entity: Entity) -> list[dict[str, Any]]:
        kb = self.kb
        made, seen = [], set()
        when, source_ref, holder = self.when(entity), self.id(entity), f"{entity.type}/{entity.id}"
        part_of_certainty = entity.part_of_certainty if entity.type == "event" else None
        for ref in kb.references(entity):
            loc = ref.loc
            if "citations" in loc:
                continue  # citations are external references, not relationships
            link = getattr(entity, loc[0])[loc[1]] if len(loc) == 3 else None
            fields = field_names(type(link))
            if loc[0] == "participants":
                kind = f"has-{link.role}"
            elif link is not None:
                kind = link.type
            else:
                kind = loc[0].replace("_", "-").replace("addressee", "addressed-to")
            target = kb.get(ref.target_type, ref.target_id)
            name = f"{holder} {kind} {target.type}/{target.id}"
            if name in seen:
                continue  # the same link written twice is one relationship
            seen.add(name)
            date = link.date if "date" in fields else None
            certainty = (link.certainty if "certainty" in fields else None) or (part_of_certainty if loc == ("part_of",) else None)
            confidence = CERTAINTY_CONFIDENCE[certainty] if certainty else link_confidence(link)
            # What _object makes, written out: a bundle holds more relationships than anything else.
            relationship = {"type": "relationship", "spec_version": "2.1", "id": f"relationship--{stable_uuid(name)}",
                            "created": when, "modified": when, "relationship_type": kind}
            note = link.note if "note" in fields else None
            if note:
                relationship["description"] = note
            relationship["source_ref"] = source_ref
            relationship["target_ref"] = self.id(target)
            if confidence is not None:
                relationship["confidence"] = confidence
            citations = link.citations if "citations" in fields else None
            if citations:
                relationship["external_references"] = self.references(citations)
            if date or certainty:
                relationship["extensions"] = _EXTENSIONS
            if certainty:
                relationship["x_kbgen_certainty"] = certainty
            if date:
                relationship["x_kbgen_date"] = date.text
            made.append(relationship)
        return made

    def event(self, event: Entity, relationships: list[dict[str, Any]]) -> dict[str, Any]:
        participants = list(dict.fromkeys(self.id(self.kb.get("actor", p.actor)) for p in event.participants))
        return self.entity_object(event, {"name": event.title, "description": event.summary,
                                          # A report's publication, not the event's date
                                          # (that is x_kbgen_date, as hedged as written):
                                          "published": self.when(event),
                                          "object_refs": participants + [r["id"] for r in relationships],
                                          "labels": [event.kind, *event.tags]},
                                  {"x_kbgen_date": event.date.text, "x_kbgen_location": event.location or None})

    def recommendation(self, rec: Entity) -> dict[str, Any]:
        text = rec.summary
        for heading, value in (("Rationale", rec.rationale), ("Risks", rec.risks)):
            if value:
                text += f"\n\n{heading}: {value}"
        return self.entity_object(rec, {"name": rec.title, "description": text, "labels": list(rec.tags) or None},
                                  {"x_kbgen_status": rec.status, "x_kbgen_instruments": list(rec.instruments) or None})


def _entity_objects(bundle: _Bundle, entity: Entity) -> tuple[list[str], str, list[str], str]:
    """An entity's piece of the bundle: the ids and JSON text of the objects it adds to the
    bundle's first part (an actor's own object: actors come first, so that every relationship's
    target precedes it), then of those it adds after (the relationships it holds, after an event's
    or a recommendation's own object)."""
    relationships = bundle.relationships(entity)
    first: list[dict[str, Any]] = []
    if entity.type == "actor":
        first.append(bundle.actor(entity))
    elif entity.type == "event":
        relationships.insert(0, bundle.event(entity, relationships))
    else:
        relationships.insert(0, bundle.recommendation(entity))
    return ([o["id"] for o in first], _objects_text(first),
            [o["id"] for o in relationships], _objects_text(relationships))


def _objects_text(objects: list[dict[str, Any]]) -> str:
    """The objects as JSON, comma-separated: the text :func:`.common.json_text` writes for them in a list."""
    return to_json(objects).decode("utf-8")[1:-1]


_HEAD = (KBGEN_IDENTITY, EXTENSION)


def _bundle_text(pieces: list[tuple[list[str], str, list[str], str]]) -> str:
    """The bundle's JSON (what :func:`.common.json_text` writes for it) of the entities' pieces."""
    ids, texts = [o["id"] for o in _HEAD], [_objects_text(list(_HEAD))]
    for part in (0, 2):
        for piece in pieces:
            ids += piece[part]
            if piece[part + 1]:
                texts += (",", piece[part + 1])
    bundle_id = f"bundle--{uuid.uuid5(NAMESPACE, ' '.join(ids))}"
    # One join of every part: the bundle is the largest data file, and each join copies all of it.
    return "".join([f'{{"type":"bundle","id":"{bundle_id}","objects":[', *texts, "]}\n"])


def stix_pieces(kb: KnowledgeBase) -> Assembled:
    """``kb.stix.json`` made of a piece per actor, event and recommendation (sources are the
    external references of what cites them)."""
    bundle = _Bundle(kb)
    return Assembled([(entity, partial(_entity_objects, bundle, entity))
                      for type_ in ("actor", "event", "recommendation") for entity in kb.all(type_)], _bundle_text)


def stix_json(kb: KnowledgeBase) -> str:
    """``kb.stix.json``: the STIX 2.1 bundle, byte-identical from run to run."""
    return stix_pieces(kb)()
