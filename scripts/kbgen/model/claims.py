"""Disagreements between sources, read from an entity's ``*_claims`` fields: one
:class:`Dispute` per value the sources differ on, which the page, the timeline, the CSV
claims table and the checks all read the same way. And how many independent sources
support an entry."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

from .entities import Citation, Entity, claim_fields, field_names

CLAIM_FIELDS = {"date_claims": "date", "location_claims": "location", "role_claims": "role", "holds_claims": None}
"""Each claims field and the field holding the preferred value (None: a relation is listed either way)."""


class Dispute(NamedTuple):
    """The claimed values of one field of an entry (or of one of its links), in the order written."""

    loc: tuple  # where the claims list is written, e.g. ("participants", 1, "role_claims")
    field: str  # what the values are of: "date", "location", "role", "holds"
    owner: Any  # the entity, participant or relation holding the field
    claims: list

    @property
    def preferred(self) -> Optional[Any]:
        """The claim the editors prefer, or None."""
        return next((claim for claim in self.claims if claim.preferred), None)


def disputes(entity: Entity) -> list[Dispute]:
    """Every value of ``entity`` that its sources differ on, the entity's own fields first."""
    found = []
    owners = [((), entity)]
    fields = field_names(type(entity))
    owners += [(("participants", i), p) for i, p in enumerate(entity.participants if "participants" in fields else [])]
    owners += [(("relations", i), r) for i, r in enumerate(entity.relations if "relations" in fields else [])]
    for where, owner in owners:
        for name in claim_fields(type(owner)):
            claims = getattr(owner, name)
            if claims:
                found.append(Dispute(where + (name,), CLAIM_FIELDS[name] or "holds", owner, list(claims)))
    return found


def claim_value_text(value: Any) -> str:
    """A claimed value as text (a date's EDTF text, a word)."""
    return getattr(value, "text", value)


def independent_sources(citations: list[Citation], based_on: Callable[[str], list[str]]) -> list[str]:
    """The independent sources behind ``citations``: a source that repeats others (its
    ``based_on``) counts as the sources it draws on, so two reports of one wire story are one
    source. Each source id once, in order of first mention."""
    roots: list[str] = []
    for citation in citations:
        pending, seen = [citation.source], set()
        while pending:
            source = pending.pop()
            if source in seen:
                continue
            seen.add(source)
            parents = based_on(source)
            if parents:
                pending.extend(parents)
            elif source not in roots:
                roots.append(source)
    return roots
