"""Closed vocabularies, defined once.

The validator, the JSON Schemas, the templates and the editor's guide all read
these tables, so adding a value here is the only change needed to allow it.
Each value maps to a one-line description shown to editors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENTITY_TYPES = ("actor", "event", "recommendation", "source")
"""Entity types in the order they are loaded, linked and listed."""

FOLDERS = {t: t + "s" for t in ENTITY_TYPES}
"""Each type lives in its own folder under ``entities/`` (and URL prefix)."""

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
ID_RULE = (f"use lowercase letters a-z, digits and single hyphens (pattern {ID_PATTERN}), "
           f"at most {ID_MAX_LENGTH} characters")
"""How an id is made, as an error message tells an editor."""
_ID = re.compile(ID_PATTERN)  # compiled once: every file name, id and reference of every file is checked


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid id (a file name, an id, a reference): :data:`ID_RULE`."""
    return _ID.fullmatch(text) is not None and len(text) <= ID_MAX_LENGTH


ACTOR_KINDS = {
    "state": "A sovereign state, e.g. Iraq or Iran.",
    "government": "A state's government or administration as a whole, e.g. an administration.",
    "government-body": "A ministry, court, parliament, embassy or agency of a state.",
    "armed-forces": "A state's regular military or one of its services.",
    "armed-group": "A non-state armed group or militia.",
    "coalition": "An alliance or network of states or groups.",
    "political-party": "A political party or movement.",
    "person": "An individual, named or, where the source does not name them, described.",
    "company": "A business or state-owned enterprise.",
    "organization": "A non-governmental or international organization, think tank or publisher.",
    "collective": "An unnamed or loosely defined group of people, e.g. a panel of judges.",
}

EVENT_KINDS = {
    "war": "An armed conflict between states or groups.",
    "attack": "A strike, raid or drone or missile attack.",
    "military-activity": "Military operations or movements other than a single attack, e.g. overflights.",
    "withdrawal": "A withdrawal or drawdown of forces or personnel.",
    "evacuation": "An evacuation of personnel or civilians.",
    "threat": "A threat or warning of action.",
    "statement": "A declaration, announcement or public position.",
    "sanctions": "Sanctions or designations imposed by a state or body.",
    "arms-procurement": "A purchase, sale or transfer of weapons or defence systems.",
    "judicial": "A court ruling, appointment or removal in the judiciary.",
    "political": "A political decision, session, vote or change of office.",
    "protest": "A demonstration or public protest.",
    "diplomatic": "A diplomatic meeting, agreement or change of mission.",
}

PARTICIPANT_ROLES = {
    "initiator": "Carried out, launched or started the event.",
    "target": "Was attacked, sanctioned or otherwise acted upon.",
    "participant": "Took part without a more specific role.",
    "affected": "Was affected without taking part.",
    "host": "The event took place on its territory or in its airspace.",
    "organizer": "Organized or called for the event.",
    "decision-maker": "Took the decision the event records.",
    "subject": "The person or body the event is about, e.g. one removed from office.",
    "supplier": "Supplies or sells goods, weapons or services in the event.",
    "purchaser": "Buys or acquires goods, weapons or services in the event.",
}


@dataclass(frozen=True)
class RelationType:
    """A typed link. ``label`` reads from the holder, ``inverse`` from the target."""

    label: str
    inverse: str
    description: str


ACTOR_RELATIONS = {
    "proxy-of": RelationType("proxy of", "has proxy", "Acts on behalf of the target, which backs it."),
    "backed-by": RelationType("backed by", "backs", "Receives support (arms, money, direction) from the target."),
    "member-of": RelationType("member of", "has member", "Belongs to the target group, coalition or body."),
    "part-of": RelationType("part of", "has part", "Is a component of the target, e.g. a body of a state."),
    "leads": RelationType("leads", "led by", "Heads or commands the target."),
    "aligned-with": RelationType("aligned with", "has aligned", "Is politically aligned with the target."),
    "allied-with": RelationType("allied with", "allied with", "Is allied with the target (symmetric)."),
    "adversary-of": RelationType("adversary of", "adversary of", "Is in conflict with the target (symmetric)."),
    "linked-to": RelationType("linked to", "linked to", "Has a reported link to the target (symmetric)."),
    "supplier-of": RelationType("supplier of", "supplied by", "Supplies weapons, goods or services to the target."),
    "designated-by": RelationType("designated by", "designates", "Is listed (e.g. as a terrorist group) by the target."),
}

EVENT_RELATIONS = {
    "caused-by": RelationType("caused by", "led to", "The target event brought this one about."),
    "response-to": RelationType("in response to", "prompted", "This event answers the target event."),
    "follows": RelationType("follows", "followed by", "This event comes after the target, in sequence."),
    "parallels": RelationType("parallels", "paralleled by", "This event mirrors or repeats the pattern of the target."),
}

INSTRUMENTS = {
    "military-action": "Use or threat of force, e.g. strikes on militia leaders.",
    "deterrence": "Setting and enforcing a boundary the other side must not cross.",
    "arms-sales": "Selling or withholding weapons and defence systems.",
    "security-assistance": "Training, advising or equipping security forces.",
    "diplomatic-engagement": "Talks, pressure and persuasion through diplomacy.",
    "diplomatic-presence": "Keeping, restoring or reducing an embassy or mission.",
    "sanctions": "Economic sanctions and designations.",
    "policy": "Forming or declaring a policy.",
}

RECOMMENDATION_STATUSES = {
    "proposed": "Put forward by the source; no known action yet.",
    "adopted": "Acted on by the addressee.",
    "partially-adopted": "Acted on in part.",
    "rejected": "Declined by the addressee.",
    "superseded": "Overtaken by events or by another recommendation.",
}

ROLE_LABELS = {role: role.replace("-", " ") for role in PARTICIPANT_ROLES}


@dataclass(frozen=True)
class Certainty:
    """An estimative word: how sure the source is that a claim holds. ``probability`` is the
    range ICD 203 gives the word, in percent, or None for the words that are not estimates."""

    label: str
    description: str
    probability: tuple[int, int] | None = None


CERTAINTIES = {
    # ICD 203 (U.S. Intelligence Community Directive 203, Analytic Standards, 2015): its seven
    # expressions of likelihood, each with its range of probability.
    "almost-no-chance": Certainty("almost no chance", "Remote: the source gives it a 1–5 % chance (ICD 203).", (1, 5)),
    "very-unlikely": Certainty("very unlikely", "Highly improbable: a 5–20 % chance (ICD 203).", (5, 20)),
    "unlikely": Certainty("unlikely", "Improbable, probably not: a 20–45 % chance (ICD 203).", (20, 45)),
    "even-chance": Certainty("even chance", "Roughly even odds: a 45–55 % chance (ICD 203).", (45, 55)),
    "likely": Certainty("likely", "Probable: a 55–80 % chance (ICD 203).", (55, 80)),
    "very-likely": Certainty("very likely", "Highly probable: an 80–95 % chance (ICD 203).", (80, 95)),
    "almost-certain": Certainty("almost certain", "Nearly certain: a 95–99 % chance (ICD 203).", (95, 99)),
    # Words a source's own hedges need, which give no probability.
    "confirmed": Certainty("confirmed", "The source states it as established fact (observed, acknowledged or officially confirmed), not as an estimate."),
    "possible": Certainty("possible", "The source says it may be so, with no probability given: it cannot be ruled out, no more."),
    "suspected": Certainty("suspected", "The source reports it as suspected or alleged, not established."),
}
"""The ``certainty`` of a participant, a relation or ``part_of``: a claim without one is stated
by its sources without qualification."""

CERTAINTY_LABELS = {word: certainty.label for word, certainty in CERTAINTIES.items()}
