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
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from . import diagram, indexes, paths, prose, vocab
from . import fork as forking
from .passthrough import passthrough
from .exports import data_files
from .exports.cite import cite_this
from .exports.common import json_text
from .exports.records import entity_record
from .graph import KnowledgeBase
from .model import Entity
from .schema import entity_schema, schema_files

TEMPLATES = Path(__file__).parent / "templates"

# Characters that open or delimit Markdown (core and pymdownx: emphasis, code,
# links, attribute lists, tables, critic/mark/caret/tilde, keys, emoji, math, magic
# links), raw HTML and character references. Line-start-only syntax ("- ",
# "1. ") cannot occur because templates never start a line with a value.
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_{}\[\]#!|~^=:<>&$@+]")


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


def front_matter_text(value: Any) -> Markup:
    """Plain text as a YAML front-matter string that themes print as HTML.

    MkDocs takes a page's title from its first heading, where the title is our
    character references; Material then prints it with ``| striptags``, which
    decodes them, into ``<title>`` unescaped: a name ``</title><script>`` would
    run. A front-matter ``title`` wins over the heading and Material prints it
    as it is, so it is given here as HTML-escaped text, inside a double-quoted
    YAML string that no character can end early.

    JSON's string syntax is YAML's double-quoted one; what YAML reads differently
    (line breaks JSON leaves as they are, characters YAML does not allow
    unescaped) is escaped too. ``yaml.safe_dump`` gave the same text at a
    sixth of page generation.
    """
    html = str(escape(str(value)))
    return Markup(_YAML_UNSAFE.sub(_yaml_escape, json.dumps(html, ensure_ascii=False)))


# Outside YAML's printable set, a YAML line break (NEL, LS, PS: folded into a space) or a byte order mark.
_YAML_UNSAFE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _yaml_escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def render_prose(text: str) -> Markup:
    """Markdown -> HTML -> nh3 allow-list (:mod:`kbgen.prose`): no raw HTML, attributes or script URLs survive.
    The conversion is cached there, shared with validation and with `mkdocs serve` rebuilds."""
    clean = prose.clean_html(text)
    # A raw-HTML block: MkDocs passes it through untouched, so entity text is
    # never parsed again as Markdown (no attribute lists, no second pass).
    return Markup(f'<div class="kb-prose">\n{clean}\n</div>')


class Footnotes:
    """One page's citation notes, written as the HTML Python-Markdown's footnotes extension makes
    of ``[^n]`` references and ``[^n]: ...`` definitions, so that Markdown has none to find (they
    were a tenth of a build's Markdown time). Notes are numbered in the order of
    ``Entity.all_citations``; a second reference to a note gets the id ``fnref2:n`` and the note a
    second way back, as the extension does. Material's footnote tooltips read the same HTML."""

    def __init__(self, entity: Entity):
        self.citations = entity.all_citations()
        self._numbers = {citation.key: number for number, citation in enumerate(self.citations, start=1)}
        self._references: dict[int, int] = {}  # note number -> references made so far

    def refs(self, citations: Iterable) -> Markup:
        """The superscript links to the notes of ``citations``, in order."""
        html = []
        for citation in citations:
            number = self._numbers[citation.key]
            count = self._references[number] = self._references.get(number, 0) + 1
            html.append(f'<sup id="{_reference_id(number, count)}"><a class="footnote-ref" href="#fn:{number}">{number}</a></sup>')
        return Markup("".join(html))

    def backlinks(self, number: int) -> Markup:
        """The links from note ``number`` back to each reference to it (one even if there is none)."""
        title = f"Jump back to footnote {number} in the text"
        return Markup("".join(f'<a class="footnote-backref" href="#{_reference_id(number, count)}" title="{title}">&#8617;</a>'
                              for count in range(1, max(self._references.get(number, 0), 1) + 1)))


def _reference_id(number: int, count: int) -> str:
    return f"fnref:{number}" if count == 1 else f"fnref{count}:{number}"


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


@pass_context
def _link(context, entity: Entity, text: Optional[str] = None) -> Markup:
    target = paths.relative(context["page"], page_path(entity))
    return Markup(f"[{md_escape(text if text is not None else entity.title)}]({target})")


def tag_path(tag: str) -> str:
    """Where a tag's page lives (:func:`kbgen.indexes.tag_index`): ``tags/<tag>/index.md`` -> ``/tags/<tag>/``."""
    return f"tags/{tag}/index.md"


@pass_context
def _page_link(context, entity: Entity) -> Markup:
    """A link to an entity's page as raw HTML, for pre-rendered blocks (the infobox), which Markdown
    does not parse: its address is the built page's, as MkDocs would have rewritten ``[..](x.md)``."""
    url = paths.page_url(context["page"], page_path(entity))
    return Markup(f'<a href="{url}">{md_escape(entity.title)}</a>')


@pass_context
def _tag_link(context, tag: str) -> Markup:
    # Raw HTML, so that the link keeps its class (no attribute lists in our Markdown).
    url = paths.page_url(context["page"], tag_path(tag))
    return Markup(f'<a href="{url}" class="kb-tag">{md_escape(tag)}</a>')


@pass_context
def _link_path(context, path: str) -> Markup:
    return Markup(paths.relative(context["page"], path))


@pass_context
def _file_url(context, path: str) -> Markup:
    return Markup(escape(paths.file_url(context["page"], path)))


def timeline(events: Iterable[Entity]) -> list[tuple[int, list[tuple[str, list[Entity]]]]]:
    """Events (already in date order) grouped by year, then month; '' for year-only dates."""
    years: dict[int, dict[str, list[Entity]]] = {}
    for event in events:
        month = calendar.month_name[event.date.month] if event.date.month else ""
        years.setdefault(event.date.year, {}).setdefault(month, []).append(event)
    # Year-only events head their year even where a dated one sorts first ("1 January 1998" before
    # "1998", the narrower date first): after a month's heading they would read as of that month.
    return [(year, sorted(months.items(), key=lambda month: month[0] != "")) for year, months in years.items()]


@pass_context
def _neighbourhood_graph(context, entity: Entity) -> Markup:
    figure = diagram.neighbourhood_figure(context["kb"], entity, context["page"])
    return passthrough(figure) if figure else Markup("")  # most of a page's HTML tags: never parsed


@pass_context
def _whole_graph(context) -> Markup:
    return passthrough(diagram.whole_figure(context["kb"], context["page"]))


def day_in_words(iso_day: str) -> str:
    """``2025-07-11`` -> ``11 July 2025``, as every other date on the site is written."""
    year, month, day = (int(part) for part in iso_day.split("-"))
    return f"{day} {calendar.month_name[month]} {year}"


_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4]")


def search_variants(names: Iterable[str]) -> list[str]:
    """Spellings a reader may type for ``names`` that the names themselves do not contain.

    Each name without apostrophes and ayn/hamza marks ("Kata'ib" -> "Kataib"),
    without diacritics ("Ḥizb" -> "Hizb") and with hyphenated words joined
    ("al-Nujaba" -> "alNujaba"); the search already splits words at hyphens.
    """
    names = list(names)
    seen = {name.casefold() for name in names}
    variants: list[str] = []
    for name in names:
        plain = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", name))
        plain = unicodedata.normalize("NFC", "".join(c for c in plain if not unicodedata.combining(c)))
        for variant in (plain, plain.replace("-", "")):
            if variant.casefold() not in seen:
                seen.add(variant.casefold())
                variants.append(variant)
    return variants


def make_environment(overrides: Optional[Path] = None) -> Environment:
    """The Jinja environment; a folder of same-named templates overrides the built-in ones."""
    search = ([str(overrides)] if overrides else []) + [str(TEMPLATES)]
    env = Environment(
        loader=FileSystemLoader(search),
        undefined=StrictUndefined,
        autoescape=False,  # output is Markdown, escaped by finalize for Markdown and HTML at once
        finalize=md_escape,
        # Templates do not change during a build (`mkdocs serve` makes a new environment for each
        # rebuild): no file-system check each time a page looks its template up.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Pre-rendered HTML blocks on pages are framed so Python-Markdown passes them through unparsed.
    env.filters["prose"] = lambda text: passthrough(render_prose(text))
    env.filters["passthrough"] = passthrough
    env.filters["day_in_words"] = day_in_words
    env.filters["front_matter_text"] = front_matter_text
    env.globals.update(
        link=_link,
        page_link=_page_link,
        link_path=_link_path,
        file_url=_file_url,
        tag_link=_tag_link,
        tag_path=tag_path,
        vocab=vocab,
        folders=vocab.FOLDERS,
        timeline=timeline,
        neighbourhood_graph=_neighbourhood_graph,
        whole_graph=_whole_graph,
        search_variants=search_variants,
        footnotes=Footnotes,
    )
    return env


@dataclass(frozen=True)
class PlannedFile:
    """A generated file known by its path before it is rendered: a build lists the files
    first and renders them later, possibly in another process (:mod:`kbgen.fork`)."""

    path: str
    render: Callable[[], str]
    source: Optional[str] = None

    def generated(self) -> GeneratedFile:
        return GeneratedFile(self.path, self.render(), self.source)


def plan_site(kb: KnowledgeBase, templates: Optional[Path] = None,
              last_updated: Optional[dict[str, str]] = None, *,
              site_url: Optional[str] = None, site_name: Optional[str] = None,
              index_page_entries: int = indexes.DEFAULT_INDEX_PAGE_ENTRIES) -> list[PlannedFile]:
    """Every generated page and data file, in a stable order, each rendered when asked.

    ``last_updated`` maps an entity file (relative to the root) to the date it
    last changed (``history.last_changed``); pages of files not in it show no date.
    ``site_url`` and ``site_name`` (MkDocs' settings, when known) make feed links
    and citations absolute and named. A section index or a tag's page listing more
    than ``index_page_entries`` entities is split into pages (:mod:`kbgen.indexes`).
    """
    env = make_environment(templates)
    env.globals["cite_this"] = lambda entity, style: passthrough(cite_this(entity, style, site_url, site_name))
    last_updated = last_updated or {}

    def entity_page(entity: Entity) -> PlannedFile:
        path = page_path(entity)
        source = kb.paths.get((entity.type, entity.id))

        def render() -> str:
            return env.get_template(f"{entity.type}.md.j2").render(
                page=path, entity=entity, kb=kb, backlinks=kb.backlinks(entity), updated=last_updated.get(source or "", ""))
        return PlannedFile(path, render, source)

    files: list[PlannedFile] = []
    for type_ in vocab.ENTITY_TYPES:
        files += index_pages(kb, env, type_, index_page_entries)
        files += [entity_page(entity) for entity in kb.all(type_)]
    for name in ("graph", "tags"):
        files.append(PlannedFile(f"{name}.md", rendering(env, f"{name}.md.j2", page=f"{name}.md", kb=kb)))
    files += tag_pages(kb, env, index_page_entries)
    files.append(PlannedFile("data/kb.json", partial(knowledge_base_json, kb)))
    files += [PlannedFile(f"data/schema/{name}", write) for name, write in schema_files().items()]
    files += redirect_pages(kb, env)
    files.append(PlannedFile("editors/vocabularies.md", lambda: env.get_template("vocabularies.md.j2").render(
        page="editors/vocabularies.md", schemas={t: entity_schema(t) for t in vocab.ENTITY_TYPES})))
    files += [PlannedFile(path, render) for path, render in data_files(kb, site_url, site_name)]
    return files


def rendering(env: Environment, template: str, **context: Any) -> Callable[[], str]:
    """A function that renders ``template`` with ``context``. The template is looked up (and compiled,
    the first time) when the file is rendered, maybe in a forked child, not when it is planned."""
    return lambda: env.get_template(template).render(**context)


def render_site(kb: KnowledgeBase, templates: Optional[Path] = None,
                last_updated: Optional[dict[str, str]] = None, *,
                site_url: Optional[str] = None, site_name: Optional[str] = None,
                index_page_entries: int = indexes.DEFAULT_INDEX_PAGE_ENTRIES,
                fork: bool = False) -> list[GeneratedFile]:
    """Every generated page and data file of :func:`plan_site`, rendered, in its order.

    With ``fork`` (only in a process without threads), a forked child renders every
    other file meanwhile (:mod:`kbgen.fork`); the files are the same, in the same order.
    """
    plan = plan_site(kb, templates, last_updated, site_url=site_url, site_name=site_name,
                     index_page_entries=index_page_entries)
    if not (fork and forking.available() and len(plan) > 1):
        return [planned.generated() for planned in plan]
    child = forking.start(lambda: [planned.render() for planned in plan[1::2]])
    contents: list[str] = [""] * len(plan)
    contents[::2] = [planned.render() for planned in plan[::2]]
    contents[1::2] = child()
    return [GeneratedFile(planned.path, content, planned.source) for planned, content in zip(plan, contents)]


def index_pages(kb: KnowledgeBase, env: Environment, type_: str, limit: int) -> list[PlannedFile]:
    """A section's index: one page while it lists at most ``limit`` entities, else the split pages."""
    entities = kb.all(type_)
    split = indexes.split_index(type_, entities, limit, actor_name=lambda id_: kb.get("actor", id_).name)
    if split is None:
        path = index_path(type_)
        return [PlannedFile(path, rendering(env, f"{vocab.FOLDERS[type_]}-index.md.j2", page=path, kb=kb, type=type_,
                                            entities=entities))]
    return [PlannedFile(page.path, rendering(env, "index-page.md.j2", page=page.path, index=page, kb=kb, type=type_))
            for page in indexes.pages(split)]


def tag_pages(kb: KnowledgeBase, env: Environment, limit: int) -> list[PlannedFile]:
    """Each tag's page of its entries (a tag no entity carries has none), split like a section
    index above ``limit`` entries (:func:`kbgen.indexes.tag_index`)."""
    files = []
    for tag, description in kb.tags.items():
        tagged = kb.tagged(tag)
        if tagged:
            files += [PlannedFile(page.path, rendering(env, "tag-page.md.j2", page=page.path, index=page, kb=kb,
                                                       description=description))
                      for page in indexes.pages(indexes.tag_index(tag, tagged, limit))]
    return files


def redirect_pages(kb: KnowledgeBase, env: Environment) -> list[PlannedFile]:
    """A small HTML page at each former id's URL that sends readers (and search engines) to the new page."""
    pages = []
    for type_ in vocab.ENTITY_TYPES:
        for entity in kb.all(type_):
            for former in entity.former_ids:
                target = f"../{entity.id}/"
                pages.append(PlannedFile(f"{vocab.FOLDERS[type_]}/{former}/index.html", rendering(
                    env, "redirect.html.j2", target=Markup(escape(target)), title=Markup(escape(entity.title)))))
    return pages


def knowledge_base_json(kb: KnowledgeBase) -> str:
    """Every entity with every field, as written (dates as their EDTF text), plus its page (schema: exports.records)."""
    data = {
        "generator": "kbgen",
        "tags": kb.tags,
        "entities": {
            vocab.FOLDERS[type_]: [
                entity_record(entity) for entity in kb.all(type_)
            ]
            for type_ in vocab.ENTITY_TYPES
        },
    }
    return json_text(data)


def write_files(files: Iterable[GeneratedFile], out: Path) -> int:
    """Write generated files under ``out``; returns how many were written."""
    count = 0
    for generated in files:
        target = out / generated.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(generated.content, encoding="utf-8")
        count += 1
    return count
