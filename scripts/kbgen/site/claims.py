"""What pages say about the weight of claims: how many independent sources support an entry,
how a disputed value reads, and every claim that cites a source (for the source's page)."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..core import vocab
from ..link import KnowledgeBase
from ..model import Citation, Entity
from ..model.claims import Dispute, claim_value_text, disputes, independent_sources

__all__ = ["Dispute", "disputes", "support", "dispute_title", "claim_value_words", "source_claims", "SourceClaim"]


def support(kb: KnowledgeBase, citations: list[Citation]) -> list[str]:
    """The ids of the independent sources behind ``citations`` (see :func:`~kbgen.model.claims.independent_sources`)."""
    sources = kb.entities["source"]
    return independent_sources(citations, lambda source: sources[source].based_on if source in sources else [])


def claim_value_words(dispute: Dispute, value: Any) -> str:
    """A claimed value as a reader reads it: a date in words, a role or a holding in plain words."""
    if dispute.field == "date":
        return value.words
    if dispute.field == "holds":
        return "holds" if value == "holds" else "does not hold"
    return str(value).replace("-", " ") if dispute.field == "role" else str(value)


def dispute_title(kb: KnowledgeBase, entity: Entity, dispute: Dispute) -> str:
    """What the sources differ on, as a caption: "Date", "Role of Tern Lodge", "Tern Lodge backed by Marsh Council"."""
    if dispute.field == "role":
        return f"Role of {kb.get('actor', dispute.owner.actor).name}"
    if dispute.field == "holds":
        relation = dispute.owner
        target = kb.get("actor", relation.actor) if hasattr(relation, "actor") else kb.get("event", relation.event)
        label = relation.link_labels()[0]
        return f"Whether {entity.title} is {label} {target.title}" if entity.type == "actor" else f"Whether it is {label} {target.title}"
    return dispute.field.capitalize()


class SourceClaim(NamedTuple):
    """A claim of an entry that cites a source: what it says, and the citation."""

    claim: str
    citation: Citation


def _claim_text(kb: KnowledgeBase, entity: Entity, loc: tuple) -> str:
    """What the citation at ``loc`` (a path ending in ``citations, n, source``) supports, in words."""
    head = loc[:-3]
    if not head:
        return "the entry"
    owner: Any = entity
    for part in head:
        owner = owner[part] if isinstance(part, int) else getattr(owner, part)
    if head[0] == "participants":
        participant = entity.participants[head[1]]
        role = owner.value if len(head) > 2 else participant.role
        certainty = f" ({vocab.CERTAINTY_LABELS[participant.certainty]})" if participant.certainty and len(head) == 2 else ""
        return f"{kb.get('actor', participant.actor).name} as {role.replace('-', ' ')}{certainty}"
    if head[0] == "relations":
        relation = entity.relations[head[1]]
        target = kb.get("actor", relation.actor) if entity.type == "actor" else kb.get("event", relation.event)
        text = f"{relation.link_labels()[0]} {target.title}"
        if len(head) > 2:
            text += ": " + ("holds" if owner.value == "holds" else "does not hold")
        elif relation.certainty:
            text += f" ({vocab.CERTAINTY_LABELS[relation.certainty]})"
        return text
    field = head[0].removesuffix("_claims")
    value = owner.value
    return f"{field}: {value.words if field == 'date' else claim_value_text(value)}"


def source_claims(kb: KnowledgeBase, source: Entity) -> list[tuple[Entity, list[SourceClaim]]]:
    """Every claim that cites ``source``, grouped by entry in reading order (type, then the
    entries' own order), each claim with its citation: what depends on the source."""
    citing = {(b.entity.type, b.entity.id): b.entity for b in kb.referenced_by.get(("source", source.id), [])}
    grouped = []
    order = {t: i for i, t in enumerate(vocab.ENTITY_TYPES)}
    for key in sorted(citing, key=lambda k: order[k[0]]):
        entity = citing[key]
        claims = []
        for ref in kb.references(entity):
            if ref.target_type != "source" or ref.target_id != source.id or "citations" not in ref.loc:
                continue
            citation: Any = entity
            for part in ref.loc[:-1]:
                citation = citation[part] if isinstance(part, int) else getattr(citation, part)
            claims.append(SourceClaim(_claim_text(kb, entity, ref.loc), citation))
        if claims:
            grouped.append((entity, claims))
    # kb.all's reading order, for these entries only
    grouped.sort(key=lambda group: (order[group[0].type], group[0].date.sort_key if group[0].type == "event" else 0,
                                    group[0].title.casefold(), group[0].id))
    return grouped
