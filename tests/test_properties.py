"""Property-based: arbitrary Unicode in every text field never yields a live element or attribute,
and round-trips exactly through /data/kb.json.

Pages are rendered with ``render_site`` and converted with exactly the Markdown
extensions MkDocs uses for this site (read from mkdocs.yml by MkDocs' own config
loader), not built with MkDocs per example; test_untrusted_html.py does one real
build of a fixed hostile knowledge base.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import markupsafe
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from conftest import REPO, assert_written_values_published, make_knowledge_base
from kbgen.core import prose
from kbgen.source.parse import FORBIDDEN_CHARACTERS as _FORBIDDEN_CHARACTERS
from kbgen.pipeline import check_knowledge_base
from kbgen.core.prose import render_prose
from kbgen.pipeline import render_site
from kbgen.site.markup import front_matter_text, md_escape

# Any character a YAML file can carry as text: control characters are refused by
# the loader (tests/cases/control-character.yml), surrogates cannot be UTF-8.
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(lambda c: not _FORBIDDEN_CHARACTERS.match(c))
# Text must show something: a name of only zero-width or filler characters is blank (tests/cases/invisible-name.yml).
FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
VISIBLE = lambda s: any(unicodedata.category(c)[0] in "LNPS" and c not in FILLERS for c in s)
TEXT = st.text(CHARACTERS, min_size=1, max_size=30).filter(VISIBLE)
# Text biased towards the characters every syntax on the way is made of.
SYNTAX = st.lists(st.sampled_from(list("<>&\"'`*_[](){}#!|~^=:;/\\-+. \n\tajsx0123") + [
    "javascript:", "data:", "{{", "{%", "&#", "&#58;", "--8<--", "</", "<script>", "++ctrl++", "{++", "==", "^^", ":smile:", "\u2028", "é", "\u202e", "\ufeff"]),
    min_size=1, max_size=15).map("".join).filter(VISIBLE)
ANY_TEXT = st.one_of(TEXT, SYNTAX)

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@functools.lru_cache(maxsize=1)
def site_markdown() -> markdown.Markdown:
    """The Markdown converter MkDocs builds for this site's pages."""
    config = load_config(str(REPO / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


# "Also searched as" (actor pages) is there only when a name has a spelling variant: its
# presence depends on the text by design, so structure is compared without it. Its text is
# escaped like any other, so a '</p>' inside it could not end it early.
SEARCH_VARIANTS = re.compile(r'<p class="kb-search-variants"[^>]*>.*?</p>', re.S)
# A graph drawing wraps long labels onto more lines, so its element count depends on the text
# too: it is compared apart, against an allow-list of what a drawing may hold.
GRAPH = re.compile(r'<figure class="kb-graph.*?</figure>', re.S)
GRAPH_ELEMENTS = {"figure", "figcaption", "div", "svg", "defs", "marker", "g", "a", "rect", "text", "tspan",
                  "title", "path", "polygon", "polyline", "line", "desc"}


def to_page_html(page_markdown: str) -> tuple[str, dict]:
    body, meta = get_data(page_markdown)
    md = site_markdown()
    md.reset()
    html = md.convert(body)
    for drawing in GRAPH.findall(html):
        for tag, attributes in Structure(drawing).outside:
            assert tag in GRAPH_ELEMENTS, tag
            assert not any(a.lower().startswith("on") for a in attributes), (tag, attributes)
    return SEARCH_VARIANTS.sub("", GRAPH.sub("", html)), meta


class Structure(HTMLParser):
    """The sequence of elements and attribute names outside prose, and what is inside prose."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.outside: list[tuple[str, tuple[str, ...]]] = []
        self.inside: list[tuple[str, dict]] = []
        self._prose_depth = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._prose_depth:
            self._prose_depth += tag == "div"
            self.inside.append((tag, attrs))
        elif tag == "div" and attrs.get("class") == "kb-prose":
            self._prose_depth = 1
        else:
            self.outside.append((tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        if self._prose_depth and tag == "div":
            self._prose_depth -= 1


SCRIPT_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)


def assert_inert_prose(elements):
    for tag, attrs in elements:
        assert tag in prose.ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert name in prose.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
            if name == "href":
                assert not SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value or "")), value


def entity_files(t: dict) -> dict[str, str]:
    """The valid fixture with every text and prose field replaced by generated text."""
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
    return {
        "entities/tags.yml": dump({"militias": t["tag"], "airspace": "Airspace."}),
        "entities/actors/northland.yml": dump({
            "name": t["name"], "kind": "state", "summary": t["summary"], "aliases": t["aliases"],
            "relations": [{"type": "allied-with", "actor": "southland", "note": t["note"],
                           "citations": [{"source": "other-report", "locator": t["locator"], "quote": t["quote"]}]}],
            "tags": ["militias"],
        }),
        "entities/events/border-post-attack.yml": dump({
            "title": t["title"], "date": "2025-06-22", "kind": "attack", "summary": t["summary"],
            "location": t["location"], "participants": [{"actor": "river-brigade", "role": "initiator", "note": t["note"]}],
            "tags": ["militias"], "citations": [{"source": "other-report", "quote": t["quote"], "locator": t["locator"]}],
        }),
        "entities/recommendations/resume-talks.yml": dump({
            "title": t["title"], "addressee": "southland", "summary": t["summary"], "concerns": ["northland"],
            "rationale": t["summary"], "risks": t["summary"],
        }),
        "entities/sources/other-report.yml": dump({
            "title": t["title"], "published": "2025", "author": t["author"], "publisher": t["publisher"], "notes": t["summary"],
        }),
    }


FIELD_STRATEGIES = {
    "tag": ANY_TEXT, "name": ANY_TEXT, "aliases": st.lists(ANY_TEXT, min_size=1, max_size=3), "note": ANY_TEXT,
    "locator": ANY_TEXT, "quote": ANY_TEXT.filter(lambda s: any(c.isalnum() for c in s)), "title": ANY_TEXT, "location": ANY_TEXT, "author": ANY_TEXT,
    "publisher": ANY_TEXT, "summary": ANY_TEXT.filter(lambda s: not prose.prose_problems(s)),
}
FIELDS = st.fixed_dictionaries(FIELD_STRATEGIES)
HARMLESS = {key: (["x"] if key == "aliases" else "x") for key in FIELD_STRATEGIES}


def build(fields: dict, workdir: Path):
    files = entity_files(fields)
    root = make_knowledge_base(workdir / "kb", files)
    kb, problems = check_knowledge_base(root)
    assert problems == [], problems
    return kb, files, render_site(kb)


@functools.lru_cache(maxsize=1)
def harmless_structure() -> dict[str, list]:
    with tempfile.TemporaryDirectory() as work:
        _, _, generated = build(HARMLESS, Path(work))
    return {f.path: Structure(to_page_html(f.content)[0]).outside for f in generated if f.path.endswith(".md")}


@settings(SETTINGS, max_examples=20)  # each example renders a whole site
@given(FIELDS)
def test_arbitrary_text_is_inert_on_every_page_and_exact_in_kb_json(fields):
    expected = harmless_structure()
    with tempfile.TemporaryDirectory() as work:
        kb, files, generated = build(fields, Path(work))
    for page in generated:
        if not page.path.endswith(".md"):
            continue
        page_html, meta = to_page_html(page.content)
        structure = Structure(page_html)
        assert structure.outside == expected[page.path], page.path  # text fields add no element or attribute
        assert_inert_prose(structure.inside)
        if "kbgen" in meta:  # an entity page
            # Material prints a page's title unescaped: it must come from front matter, HTML-escaped
            assert Structure(meta["title"]).outside == []
            entity = kb.get(meta["kbgen"]["type"], meta["kbgen"]["id"])
            assert html.unescape(meta["title"]) == entity.title
    data = json.loads(next(f.content for f in generated if f.path == "data/kb.json"))
    assert data["tags"]["militias"] == fields["tag"]
    for path, text in files.items():
        if path != "entities/tags.yml":
            folder, id_ = Path(path).parent.name, Path(path).stem
            entity = next(e for e in data["entities"][folder] if e["id"] == id_)
            assert_written_values_published(entity, yaml.safe_load(text), path)


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_front_matter_title_reads_back_exactly_as_mkdocs_reads_it(text):
    """Any title (line separators, BOMs and characters YAML cannot hold raw included) is one
    double-quoted YAML string that MkDocs' front-matter reader gives back as the escaped text."""
    _, meta = get_data(f"---\ntitle: {front_matter_text(text)}\n---\n\n# x\n")
    assert meta == {"title": str(markupsafe.escape(text))}


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_rendered_prose_is_inert_whatever_validation_says(text):
    structure = Structure(str(render_prose(text)))
    assert structure.outside == []  # everything is inside the prose block
    assert_inert_prose(structure.inside)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_escaped_text_is_one_text_node_in_a_heading_a_table_cell_and_a_link(text):
    shown = " ".join(text.split())
    escaped = md_escape(text)
    cases = {
        f"# {escaped}\n": "h1",
        f"| a | b |\n|---|---|\n| {escaped} | x |\n": "td",
        f"- [{escaped}](page.md)\n": "a",
    }
    for source, holder in cases.items():
        page_html, _ = to_page_html(source)
        parsed = Structure(page_html)
        tags = [tag for tag, _ in parsed.outside]
        assert tags.count(holder) == (2 if holder == "td" else 1), (source, page_html)
        assert set(tags) <= {"h1", "a", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}, page_html
        text_of = TextOf(page_html, holder)
        assert " ".join(text_of.text.split()) == shown, (source, page_html)


class TextOf(HTMLParser):
    """The text inside the first ``holder`` element (without a heading's permalink)."""

    def __init__(self, page_html: str, holder: str):
        super().__init__(convert_charrefs=True)
        self.holder, self.depth, self.text, self.done, self.skip = holder, 0, "", False, 0
        self.feed(page_html)

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == self.holder:
            self.depth += 1
        elif self.depth and tag == "a" and dict(attrs).get("class") == "headerlink":
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self.skip:
            self.skip -= 1
        elif tag == self.holder and self.depth:
            self.depth -= 1
            self.done = True

    def handle_data(self, data):
        if self.depth and not self.skip and not self.done:
            self.text += data


# Extensions other parts of the site may enable later: entity text must stay text under them too.
MORE_EXTENSIONS = ["attr_list", "def_list", "abbr", "admonition", "pymdownx.critic", "pymdownx.mark", "pymdownx.caret",
                   "pymdownx.tilde", "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.inlinehilite", "pymdownx.keys",
                   "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.emoji", "pymdownx.snippets"]


@functools.lru_cache(maxsize=1)
def extended_markdown() -> markdown.Markdown:
    config = load_config(str(REPO / "mkdocs.yml"))
    extensions = list(dict.fromkeys(config.markdown_extensions + MORE_EXTENSIONS))
    return markdown.Markdown(extensions=extensions, extension_configs=config.mdx_configs)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_text_and_prose_stay_inert_under_extensions_others_may_enable(text):
    md = extended_markdown()
    escaped = md_escape(text)
    source = f"# {escaped}\n\n| a | b |\n|---|---|\n| {escaped} | x |\n\n- [{escaped}](page.md)\n\n{render_prose(text)}\n"
    md.reset()
    structure = Structure(md.convert(source))
    assert [tag for tag, _ in structure.outside] == ["h1", "a", "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td", "ul", "li", "a"]
    assert_inert_prose(structure.inside)
