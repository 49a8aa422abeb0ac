"""Checks on qualified and disputed claims that need more than one field at a time: each a
located problem saying what would be right."""

from __future__ import annotations

from ..model import Entity
from ..model.claims import CLAIM_FIELDS, claim_value_text, disputes
from ..core.problems import Problem
from ..source import SourceText


def claim_problems(entity: Entity, text: SourceText) -> list[Problem]:
    """Every problem with the qualifiers and disputed values of one entity's claims."""
    problems = []

    def problem(loc: tuple, message: str, key: bool = False) -> None:
        problems.append(Problem(text.path, *text.locate(loc, key=key), message))

    if entity.type == "event" and entity.part_of_certainty and not entity.part_of:
        problem(("part_of_certainty",), "'part_of_certainty' qualifies part_of, which this event does not have: "
                "add part_of (the id of the larger event) or remove part_of_certainty", key=True)
    for dispute in disputes(entity):
        where = ".".join(str(part) for part in dispute.loc)
        values = [claim_value_text(claim.value) for claim in dispute.claims]
        if len(set(values)) < 2:
            problem(dispute.loc, f"'{where}' claims only one value ('{values[0]}'): a disagreement needs two different "
                    f"values; with one, write it in {dispute.field} and move its citations to the citations there"
                    if dispute.field != "holds" else
                    f"'{where}' claims only one value ('{values[0]}'): a disagreement needs both holds and does-not-hold; "
                    "with one, keep the relation's own citations and remove holds_claims", key=True)
            continue
        preferred = [index for index, claim in enumerate(dispute.claims) if claim.preferred]
        for index in preferred[1:]:
            problem(dispute.loc + (index, "preferred"), f"only one claimed value can be preferred, and '{where}.{preferred[0]}' "
                    f"already is; remove preferred: true here, or there")
        main = CLAIM_FIELDS[dispute.loc[-1]]
        if main is None:
            continue
        shown = claim_value_text(getattr(dispute.owner, main))
        owner_loc = dispute.loc[:-1]
        if preferred and shown != values[preferred[0]]:
            field_where = ".".join(str(part) for part in owner_loc + (main,))
            if shown is None:
                problem(dispute.loc, f"'{field_where}' is missing: it holds the preferred value; write {main}: '{values[preferred[0]]}'", key=True)
            else:
                problem(owner_loc + (main,), f"'{field_where}' is '{shown}', but the value preferred in '{where}' is "
                        f"'{values[preferred[0]]}': {main} holds the preferred value; write '{values[preferred[0]]}' here, "
                        f"or remove preferred: true to prefer none (claimed: {', '.join(values)})")
    return problems


def based_on_problems(sources: dict[str, Entity], texts: dict) -> list[Problem]:
    """A source drawing on itself through ``based_on`` would count as no source at all."""
    problems = []
    for source in sources.values():
        seen, pending = set(), [other for other in source.based_on if other != source.id]  # itself: "refers to itself"
        while pending:
            current = pending.pop()
            if current == source.id:
                doc = texts[("source", source.id)]
                problems.append(Problem(doc.path, *doc.locate(("based_on",)),
                    f"'based_on' makes a cycle: source '{source.id}' ends up drawing on itself; "
                    "name only the sources it takes its information from"))
                break
            if current in seen or current not in sources:
                continue
            seen.add(current)
            pending.extend(sources[current].based_on)
    return problems
