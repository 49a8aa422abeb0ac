"""Placeholders left from ``kbgen new``: each one is a problem, so no skeleton is committed unfilled.

A skeleton's placeholders are quoted strings starting with ``FILL IN``; they are
valid YAML but never a valid value, and :func:`placeholder_problems` reports each
one by name, with what belongs there.
"""

from __future__ import annotations

from typing import Any

from ..core.problems import Problem
from .documents import RawDocument

PLACEHOLDER = "FILL IN"


def _placeholders(value: Any, loc: tuple, found: list[tuple[tuple, str]]) -> None:
    # Runs over every value of every file: text is checked in place, and only mappings and lists cost a call.
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            if item.lstrip().startswith(PLACEHOLDER):
                found.append((loc + (key,), item.strip()))
        elif isinstance(item, (dict, list)):
            _placeholders(item, loc + (key,), found)


def placeholder_problems(doc: RawDocument) -> list[Problem]:
    """Every ``FILL IN`` value of a document, named with what belongs there."""
    found: list[tuple[tuple, str]] = []
    _placeholders(doc.data, (), found)
    problems = []
    for loc, text in found:
        where = ".".join(str(part) for part in loc)
        # The hint is the editor's file text: one line, bounded, so the message stays one line.
        hint = " ".join(text[len(PLACEHOLDER):].lstrip(" :").split())[:200] or "a value"
        problems.append(Problem(doc.path, *doc.locate(loc),
            f"'{where}' still holds the placeholder from 'kbgen new'; replace it with {hint}"))
    return problems
