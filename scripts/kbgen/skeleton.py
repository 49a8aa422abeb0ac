"""``kbgen new``: commented skeletons of entity files, and the check that none is committed unfilled.

A skeleton's placeholders are quoted strings starting with ``FILL IN``; they
are valid YAML but never a valid value, and :func:`placeholder_problems` reports
each one by name, so an editor cannot commit a skeleton by mistake.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from . import vocab
from .model import _slug
from .problems import Problem
from .schema import schema_path

TEMPLATES = Path(__file__).parent / "templates"
PLACEHOLDER = "FILL IN"
SCHEMA_FOLDER = "schemas"
"""Where the repository keeps the JSON Schemas (``kbgen schema -o schemas``); skeletons point at them."""

_TITLE_FIELD = {"actor": "name", "event": "title", "recommendation": "title", "source": "title"}


@dataclass(frozen=True)
class Refusal:
    """Why ``kbgen new`` wrote nothing."""

    message: str


def title_field(type_: str) -> str:
    """The field naming an entity of this type: ``name`` for actors, ``title`` for the rest."""
    return _TITLE_FIELD[type_]


def entity_file(root: Path, type_: str, id_: str) -> Path:
    return root / "entities" / vocab.FOLDERS[type_] / f"{id_}.yml"


def render_skeleton(type_: str, id_: str, title: Optional[str] = None) -> str:
    """The skeleton's text; ``title`` (a name for actors) is written as a YAML string if given."""
    # Imported here: the pipeline imports this module for placeholder_problems, and validating needs no Jinja.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    schema = posixpath.join("../..", SCHEMA_FOLDER, schema_path(type_))  # relative to entities/<folder>/<id>.yml
    name = title_field(type_)
    # JSON strings are YAML double-quoted strings: any title is written safely, never as YAML syntax.
    value = json.dumps(title, ensure_ascii=False) if title else json.dumps(f"{PLACEHOLDER}: the {type_}'s {name}")
    return env.get_template(f"skeleton-{type_}.yml.j2").render(id=id_, schema=schema, vocab=vocab, **{name: value})


def write_skeleton(root: Path, type_: str, id_: str, title: Optional[str] = None) -> Path | Refusal:
    """Write a new entity file, or say why not: a bad id or an existing file (never overwritten)."""
    try:
        _slug(id_)
    except ValueError as error:
        return Refusal(str(error))
    if not (root / "entities").is_dir():
        return Refusal(f"no entities/ folder in {root}; run kbgen new in a knowledge base, or pass --root DIR")
    target = entity_file(root, type_, id_)
    relative = target.relative_to(root).as_posix()
    if target.exists() or target.is_symlink():
        return Refusal(f"{relative} already exists; kbgen new never overwrites a file (edit it, or choose another id)")
    text = render_skeleton(type_, id_, title)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as out:  # "x": fails rather than overwrite a file made meanwhile
        out.write(text)
    return target


def _placeholders(value: Any, loc: tuple, found: list[tuple[tuple, str]]) -> None:
    # Runs over every value of every file: text is checked in place, and only
    # mappings and lists cost a call (a generator per value took 0.1 s at 10,000 entities).
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            if item.lstrip().startswith(PLACEHOLDER):
                found.append((loc + (key,), item.strip()))
        elif isinstance(item, (dict, list)):
            _placeholders(item, loc + (key,), found)


def placeholder_problems(documents) -> list[Problem]:
    """Every ``FILL IN`` value left from ``kbgen new``, named with what belongs there."""
    problems = []
    for doc in documents:
        found: list[tuple[tuple, str]] = []
        _placeholders(doc.data, (), found)
        for loc, text in found:
            where = ".".join(str(part) for part in loc)
            # The hint is the editor's file text: one line, bounded, so the message stays one line.
            hint = " ".join(text[len(PLACEHOLDER):].lstrip(" :").split())[:200] or "a value"
            problems.append(Problem(doc.path, *doc.locate(loc),
                f"'{where}' still holds the placeholder from 'kbgen new'; replace it with {hint}"))
    return problems
