"""Checks on qualified and disputed claims that need more than one field at a time: each a
located problem saying what would be right."""

from __future__ import annotations

from ..core.problems import Problem
from ..model import Entity
from ..source import SourceText


def claim_problems(entity: Entity, text: SourceText) -> list[Problem]:
    """Every problem with the qualifiers of one entity's claims."""
    problems = []
    if entity.type == "event" and entity.part_of_certainty and not entity.part_of:
        problems.append(Problem(text.path, *text.locate(("part_of_certainty",), key=True),
            "'part_of_certainty' qualifies part_of, which this event does not have: "
            "add part_of (the id of the larger event) or remove part_of_certainty"))
    return problems
