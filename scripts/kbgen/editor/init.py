"""``kbgen init DIR``: a new knowledge base from nothing, ready to validate, build and publish.

The starting files are in ``starter/`` (package data): a ``mkdocs.yml`` with the kbgen plugin,
``entities/`` with one small made-up example of each type and ``tags.yml``, a home page and an
editor guide, the theme overrides and assets kbgen's pages use, the pull-request and Pages
workflows, a pre-commit configuration, ``.vscode/settings.json`` mapping the JSON Schemas (written
into ``schemas/`` from the models) and a README. A file whose name ends in ``.j2`` is a template
given the title; a path part ``dot-x`` is written ``.x`` (package data keeps no hidden files).
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from ..model.schema import write_schemas
from .skeleton import SCHEMA_FOLDER, Refusal

STARTER = Path(__file__).parent / "starter"
DEFAULT_TITLE = "Knowledge base"


def _target_name(relative: Path) -> Path:
    parts = ["." + part[len("dot-"):] if part.startswith("dot-") else part for part in relative.parts]
    name = parts[-1]
    parts[-1] = name[:-len(".j2")] if name.endswith(".j2") else name
    return Path(*parts)


def starter_files(title: str = DEFAULT_TITLE) -> dict[str, bytes]:
    """Path (relative to the new knowledge base) -> content of every starting file but the schemas."""
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    # JSON strings are YAML double-quoted strings: any title is written as text, never as YAML syntax.
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)
    files = {}
    for path in sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(STARTER)
        if path.name.endswith(".j2"):
            content = env.from_string(path.read_text(encoding="utf-8")).render(title=title).encode("utf-8")
        else:
            content = path.read_bytes()
        files[_target_name(relative).as_posix()] = content
    return files


def init_knowledge_base(target: Path, title: str = DEFAULT_TITLE) -> list[Path] | Refusal:
    """Write a new knowledge base into ``target`` (created if missing); refuses a folder that is not empty."""
    if target.exists() and not target.is_dir():
        return Refusal(f"{target} is a file; kbgen init starts a knowledge base in a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        return Refusal(f"{target} is not empty; kbgen init starts a knowledge base in a new or empty folder, and never overwrites")
    if not title.strip():
        return Refusal("the title is blank; give the site a name with --title")
    written = []
    for relative, content in starter_files(title).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    written += write_schemas(target / SCHEMA_FOLDER)
    return written
