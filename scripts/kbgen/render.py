"""Stage 4, render: the linked knowledge base -> Markdown pages and data files.

Templates are files under ``templates/`` run with ``StrictUndefined``. Entity
text is only ever data: every ``{{ value }}`` passes through :func:`md_escape`
(the environment's ``finalize``) unless it is :class:`~markupsafe.Markup` made
here — links built from ids, and prose rendered to HTML and sanitised by nh3.
Nothing in this stage knows about MkDocs: ``kbgen generate`` writes the same
pages to disk for any Markdown site generator.
"""

from __future__ import annotations

import calendar
import functools
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import markdown
import nh3
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import vocab
from .graph import KnowledgeBase
from .model import Citation, Entity

TEMPLATES = Path(__file__).parent / "templates"

# Characters that open or delimit Markdown (core and pymdownx: emphasis, code,
# links, attribute lists, tables, critic/mark/caret/tilde, emoji, math, magic
# links), raw HTML and character references. Line-start-only syntax ("- ",
# "1. ") cannot occur because templates never start a line with a value.
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_{}\[\]#!|~^=:<>&$@]")


def md_escape(value: Any) -> str:
    """Plain text made inert for Markdown and HTML: every special character becomes a character reference.

    Character references survive every Markdown extension unchanged and the
    browser shows the original character, so a name like ``[x](javascript:…)``
    or ``<b>`` or ``*A*`` reads exactly as written and does nothing.
    """
    if isinstance(value, Markup):
        return value
    text = str(value)
    text = _MARKDOWN_SPECIALS.sub(_character_reference, text)
    # A line break would end a list item or table cell; text fields are one line on a page.
    # (Checked first: this runs for every value on every page, 600,000 times at 10,000 entities.)
    return _LINE_BREAKS.sub(" ", text) if "\n" in text or "\r" in text else text


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _character_reference(match: re.Match) -> str:
    return f"&#{ord(match.group())};"


# Prose is Markdown limited to text formatting and links (SPEC "Entities").
_PROSE_TAGS = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote", "br", "del", "sub", "sup"}
_PROSE_ATTRIBUTES = {"a": {"href", "title"}}
_PROSE_SCHEMES = {"http", "https", "mailto"}
_prose_markdown = markdown.Markdown(extensions=[], output_format="html")


@functools.lru_cache(maxsize=65_536)  # a pure function of the text: `mkdocs serve` rebuilds reuse it
def render_prose(text: str) -> Markup:
    """Markdown -> HTML -> nh3 allow-list: no raw HTML, attributes or script URLs survive."""
    _prose_markdown.reset()
    html = _prose_markdown.convert(text)
    clean = nh3.clean(
        html,
        tags=_PROSE_TAGS,
        attributes=_PROSE_ATTRIBUTES,
        url_schemes=_PROSE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # A raw-HTML block: MkDocs passes it through untouched, so entity text is
    # never parsed again as Markdown (no attribute lists, no second pass).
    return Markup(f'<div class="kb-prose">\n{clean}\n</div>')


def page_path(entity: Entity) -> str:
    """Where an entity's page lives in the site's sources: ``actors/<id>.md`` -> ``/actors/<id>/``."""
    return f"{vocab.FOLDERS[entity.type]}/{entity.id}.md"


def index_path(type_: str) -> str:
    return f"{vocab.FOLDERS[type_]}/index.md"


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the site's docs root, with forward slashes
    content: str
    source: Optional[str] = None  # the YAML file it was generated from, relative to the KB root


def _relative(from_page: str, to_path: str) -> str:
    """``posixpath.relpath`` for two clean paths under the docs root, without its two
    ``abspath`` calls (an ``os.getcwd`` each): 120,000 links at 10,000 entities."""
    start = posixpath.dirname(from_page).split("/") if posixpath.dirname(from_page) else []
    target = to_path.split("/")
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


@pass_context
def _link(context, entity: Entity, text: Optional[str] = None) -> Markup:
    target = _relative(context["page"], page_path(entity))
    return Markup(f"[{md_escape(text if text is not None else entity.title)}]({target})")


@pass_context
def _link_path(context, path: str) -> Markup:
    return Markup(_relative(context["page"], path))


def citation_notes(entity: Entity) -> list[Citation]:
    """Every distinct citation on an entity, in the order it first appears (top level, then links)."""
    notes: list[Citation] = []
    seen: set[tuple] = set()  # by field values: model == is slow and this runs for every cited link
    for citation in list(entity.citations) + [c for link in getattr(entity, "relations", []) for c in link.citations]:
        key = (citation.source, citation.quote, citation.locator)
        if key not in seen:
            seen.add(key)
            notes.append(citation)
    return notes


def timeline(events: Iterable[Entity]) -> list[tuple[int, list[tuple[str, list[Entity]]]]]:
    """Events (already in date order) grouped by year, then month; '' for year-only dates."""
    years: dict[int, dict[str, list[Entity]]] = {}
    for event in events:
        month = calendar.month_name[event.date.month] if event.date.month else ""
        years.setdefault(event.date.year, {}).setdefault(month, []).append(event)
    return [(year, list(months.items())) for year, months in years.items()]


def make_environment(overrides: Optional[Path] = None) -> Environment:
    """The Jinja environment; a folder of same-named templates overrides the built-in ones."""
    search = ([str(overrides)] if overrides else []) + [str(TEMPLATES)]
    env = Environment(
        loader=FileSystemLoader(search),
        undefined=StrictUndefined,
        autoescape=False,  # output is Markdown, escaped by finalize for Markdown and HTML at once
        finalize=md_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["prose"] = render_prose
    env.globals.update(
        link=_link,
        link_path=_link_path,
        vocab=vocab,
        folders=vocab.FOLDERS,
        citation_notes=citation_notes,
        timeline=timeline,
    )
    return env


def render_site(kb: KnowledgeBase, templates: Optional[Path] = None) -> list[GeneratedFile]:
    """Every generated page and data file, in a stable order."""
    env = make_environment(templates)
    files: list[GeneratedFile] = []
    for type_ in vocab.ENTITY_TYPES:
        template = env.get_template(f"{type_}.md.j2")
        for entity in kb.all(type_):
            path = page_path(entity)
            content = template.render(page=path, entity=entity, kb=kb, backlinks=kb.backlinks(entity))
            files.append(GeneratedFile(path, content, kb.paths.get((type_, entity.id))))
        path = index_path(type_)
        index = env.get_template(f"{vocab.FOLDERS[type_]}-index.md.j2")
        files.append(GeneratedFile(path, index.render(page=path, kb=kb, type=type_, entities=kb.all(type_))))
    files.append(GeneratedFile("data/kb.json", knowledge_base_json(kb)))
    return files


def knowledge_base_json(kb: KnowledgeBase) -> str:
    """Every entity with every field, as written (dates as their EDTF text), plus its URL."""
    data = {
        "generator": "kbgen",
        "tags": kb.tags,
        "entities": {
            vocab.FOLDERS[type_]: [
                {**entity.model_dump(mode="json", by_alias=True), "url": f"{vocab.FOLDERS[type_]}/{entity.id}/"}
                for entity in kb.all(type_)
            ]
            for type_ in vocab.ENTITY_TYPES
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_files(files: Iterable[GeneratedFile], out: Path) -> int:
    """Write generated files under ``out``; returns how many were written."""
    count = 0
    for generated in files:
        target = out / generated.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(generated.content, encoding="utf-8")
        count += 1
    return count
