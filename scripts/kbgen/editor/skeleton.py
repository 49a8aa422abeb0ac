"""``kbgen new``: a commented skeleton of a new entity file.

A skeleton's placeholders are quoted strings starting with ``FILL IN``: valid YAML but never a
valid value, each one reported by name until it is filled
(:func:`kbgen.source.placeholder_problems`), so an editor cannot commit a skeleton by mistake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..core import urls, vocab
from ..model.schema import schema_path
from ..source import PLACEHOLDER

TEMPLATES = Path(__file__).parent / "templates"
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


def render_skeleton(type_: str, id_: str, title: Optional[str] = None) -> str:
    """The skeleton's text; ``title`` (a name for actors) is written as a YAML string if given."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    schema = urls.relative(urls.entity_file(type_, id_), f"{SCHEMA_FOLDER}/{schema_path(type_)}")
    name = title_field(type_)
    # JSON strings are YAML double-quoted strings: any title is written safely, never as YAML syntax.
    value = json.dumps(title, ensure_ascii=False) if title else json.dumps(f"{PLACEHOLDER}: the {type_}'s {name}")
    return env.get_template(f"skeleton-{type_}.yml.j2").render(id=id_, schema=schema, vocab=vocab, **{name: value})


def write_skeleton(root: Path, type_: str, id_: str, title: Optional[str] = None) -> Path | Refusal:
    """Write a new entity file, or say why not: a bad id or an existing file (never overwritten)."""
    if not vocab.is_id(id_):
        return Refusal(f"'{id_}' is not a valid id: {vocab.ID_RULE}")
    if urls.reserved_id_problem(id_):
        return Refusal(urls.reserved_id_problem(id_))
    if not (root / urls.ENTITIES).is_dir():
        return Refusal(f"no entities/ folder in {root}; run kbgen new in a knowledge base, or pass --root DIR")
    target = root / urls.entity_file(type_, id_)
    relative = target.relative_to(root).as_posix()
    if target.exists() or target.is_symlink():
        return Refusal(f"{relative} already exists; kbgen new never overwrites a file (edit it, or choose another id)")
    text = render_skeleton(type_, id_, title)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as out:  # "x": fails rather than overwrite a file made meanwhile
        out.write(text)
    return target
