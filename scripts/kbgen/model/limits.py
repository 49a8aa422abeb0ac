"""Limits on every dimension of an entity file that later stages multiply, checked on the raw
data before the model sees it, each a located problem.

A name or title is repeated wherever the entity is named (every index line, backlink, graph node,
search entry, feed entry): a 1 MB name once grew a site by 155 MB. A list is walked by every stage,
and its items are named on other pages. So labels are short, other text moderately so, and lists
bounded. Each limit is far above anything a real knowledge base holds (the repository's longest
title is 91 characters, its longest list 5 items): only a file written to hurt the build meets them.
Prose has its own limits (:mod:`kbgen.core.prose`); nesting depth is bounded by the YAML loader
(:data:`kbgen.source.parse.MAX_DEPTH`); file size by :data:`kbgen.source.files.MAX_FILE_BYTES`.
"""

from __future__ import annotations

from typing import Any

from ..core.problems import Problem
from ..source import RawDocument

MAX_LABEL_CHARACTERS = 500
"""Names, titles, aliases, locations, authors, publishers, locators and tag descriptions."""
MAX_TEXT_CHARACTERS = 2_000
"""Every other plain-text value: quotes, notes on links (and any value of an unknown field)."""
MAX_KEY_CHARACTERS = 100
"""A field's name (every real one is under 20 characters)."""
MAX_LIST_ITEMS = 200
"""Items in one list: aliases, participants, relations, citations, tags, concerns..."""

LABEL_FIELDS = frozenset({"name", "title", "aliases", "location", "author", "publisher", "locator"})
PROSE_FIELDS = frozenset({"summary", "rationale", "risks", "notes"})  # limited by kbgen.core.prose


def limit_problems(doc: RawDocument) -> list[Problem]:
    """Every value of ``doc`` beyond its limit, at its place. Linear in the data's size."""
    problems: list[Problem] = []
    limit = MAX_LABEL_CHARACTERS if doc.type == "tags" else MAX_TEXT_CHARACTERS
    _walk(doc, doc.data, (), limit, problems)
    return problems


# Runs over every value of every file: text within its limit (nearly all of it) is passed over in
# place, and only mappings, lists and text beyond its limit cost a call.
def _walk(doc: RawDocument, value: Any, loc: tuple, limit: int, problems: list[Problem]) -> None:
    if isinstance(value, str):
        if len(value) > limit:
            what = "a label (name, title, alias...)" if limit == MAX_LABEL_CHARACTERS else "a text value"
            problems.append(Problem(doc.path, *doc.locate(loc),
                f"'{_where(loc)}' is {len(value):,} characters; the limit for {what} is {limit:,}: shorten it"))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            problems.append(Problem(doc.path, *doc.locate(loc),
                f"'{_where(loc)}' has {len(value):,} items; the limit is {MAX_LIST_ITEMS:,} per list"))
            return  # one problem for the list, not one per item beyond it
        for index, item in enumerate(value):
            if len(item) > limit if isinstance(item, str) else isinstance(item, (list, dict)):
                _walk(doc, item, loc + (index,), limit, problems)
    elif isinstance(value, dict):
        tags = doc.type == "tags"
        for key, item in value.items():
            if len(key) > MAX_KEY_CHARACTERS:
                problems.append(Problem(doc.path, *doc.locate(loc + (key,), key=True),
                    f"a field name of {len(key):,} characters; the limit is {MAX_KEY_CHARACTERS}"))
                continue
            if key in PROSE_FIELDS and not tags:
                continue
            item_limit = MAX_LABEL_CHARACTERS if key in LABEL_FIELDS or tags else limit
            if len(item) > item_limit if isinstance(item, str) else isinstance(item, (list, dict)):
                _walk(doc, item, loc + (key,), item_limit, problems)


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "file"
