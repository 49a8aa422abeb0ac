"""Text that reaches HTML: hostile text in every text field, built with real MkDocs + Material.

Every page of the hostile site must contain no element, attribute or URL that the
same site built from harmless text (the valid fixture) does not have, beyond the
prose allow-list; every hostile string must read on the page exactly as written;
the search index, front matter and /data/kb.json must carry it intact and inert.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import VALID, assert_written_values_published, docs_copy, make_knowledge_base, mkdocs_build, site_config
from sitecheck import pages, target_file
from kbgen.core import prose, vocab
from kbgen.pipeline import read_knowledge_base
from kbgen.core.prose import render_prose
from kbgen.pipeline import render_site
from kbgen.core.urls import entity_page

# One line of every trick for a plain-text field. Each field gets it behind its own label.
HOSTILE = (
    '</title><script>alert(1)</script><img src=x onerror=alert(2)> <a href="javascript:alert(3)">a</a> '
    "[l](javascript:alert(4)) <javascript:alert(5)> [d](data:text/html,x) [v](vbscript:x) javascript&#58;alert(6) "
    '{: onclick="alert(7)" } { .evil #x onmouseover=alert(8) } {{ 7*191 }} {% raw %}{# c #} | cell | ]] ) '
    "# no heading *em* `code` &#60;script&#62;alert(9)&#60;/script&#62; &lt;b&gt; --8<-- \"/etc/passwd\" "
    ":smile: ==mark== $x$ \\x \"quote' -->"
)

# Prose that is valid (no raw HTML, only allowed links) but hostile to every later stage.
HOSTILE_PROSE = (
    "Prose *em* [ok](https://example.org/a?b=1&c=2 \"t\\\" onmouseover=\\\"alert(1)\") {: onclick=\"alert(2)\" }\n"
    "{{ 7*191 }} {% if 1 %}x{% endif %} &#60;script&#62;alert(3)&#60;/script&#62; &lt;img src=x onerror=alert(4)&gt;\n"
    "| a | b |\n\n--8&lt;-- \"/etc/passwd\" &lt;script>alert(5)&lt;/script> <https://example.org/auto>\n\n"
    "- item [mail](mailto:a@example.org)\n"
)


def hostile(label: str) -> str:
    return f"{label}: {HOSTILE}"


def hostile_files() -> dict[str, str]:
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
    quote = hostile("quote")
    return {
        "entities/tags.yml": dump({"militias": hostile("tag"), "airspace": "Airspace."}),
        "entities/actors/northland.yml": dump({
            "name": hostile("name"), "kind": "state", "summary": HOSTILE_PROSE,
            "aliases": [hostile("alias1"), hostile("alias2")],
            "relations": [{"type": "allied-with", "actor": "southland", "note": hostile("relnote"),
                           "citations": [{"source": "field-report", "locator": hostile("locator"), "quote": quote}]}],
            "tags": ["militias"],
            "citations": [{"source": "field-report", "quote": quote, "locator": hostile("locator2")}],
        }),
        "entities/events/border-post-attack.yml": dump({
            "title": hostile("title"), "date": "2025-06-22", "kind": "attack", "summary": HOSTILE_PROSE,
            "location": hostile("location"), "part_of": "border-war",
            "participants": [{"actor": "river-brigade", "role": "initiator", "note": hostile("pnote")},
                             {"actor": "northland", "role": "host"}],
            "relations": [{"type": "response-to", "event": "border-war", "note": hostile("enote")}],
            "tags": ["militias"],
            "citations": [{"source": "field-report", "quote": quote}],
        }),
        "entities/recommendations/resume-talks.yml": dump({
            "title": hostile("rtitle"), "addressee": "northland", "summary": HOSTILE_PROSE,
            "concerns": ["southland"], "motivated_by": ["border-post-attack"],
            "rationale": HOSTILE_PROSE, "risks": HOSTILE_PROSE,
            "citations": [{"source": "field-report"}],
        }),
        "entities/sources/field-report.yml": dump({
            "title": hostile("stitle"), "published": "2025-07-11", "author": hostile("author"),
            "publisher": hostile("publisher"), "url": "https://example.org/r?q=%3Cscript%3E&x='y'(z)",
            "notes": HOSTILE_PROSE,
        }),
        "entities/sources/field-report.txt": (VALID / "entities/sources/field-report.txt").read_text(encoding="utf-8") + "\n" + quote + "\n",
    }


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory) -> Path:
    return make_knowledge_base(tmp_path_factory.mktemp("hostile") / "kb", hostile_files())


@pytest.fixture(scope="session")
def hostile_site(hostile_root, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("hostile-site")
    result = mkdocs_build(site_config(hostile_root, docs_copy(work / "docs"), work / "site"), work)
    assert result.returncode == 0, result.stderr
    return work / "site"


class Page(HTMLParser):
    """Elements, attributes, scripts and visible text of a page, as a browser would see them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "title" and any(t == "title" for t, _ in self.elements[:-1]):
            return  # only the document's first <title> is the page title; an SVG <title> is a tooltip, read as text
        if tag in ("script", "title", "style"):
            self._in.append(tag)
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            self.scripts[-1] += data
        elif self._in and self._in[-1] == "title":
            self.title += data
        else:
            self.text.append(data)


def read_page(site: Path, url: str) -> Page:
    return Page(target_file(site, url).read_text(encoding="utf-8"))


def shape(site: Path) -> dict[str, set[str]]:
    """Every tag in a site, with every attribute name it carries anywhere."""
    found: dict[str, set[str]] = {}
    for page in pages(site):
        for tag, attrs in Page(page.read_text(encoding="utf-8")).elements:
            found.setdefault(tag, set()).update(attrs)
    return found


SCRIPT_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)


def test_no_live_element_attribute_or_script_url_anywhere(hostile_site, fixture_site):
    allowed = shape(fixture_site)
    for tag in prose.ALLOWED_TAGS:
        allowed.setdefault(tag, set()).update(prose.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"})
    for page in pages(hostile_site):
        parsed = Page(page.read_text(encoding="utf-8"))
        where = page.relative_to(hostile_site).as_posix()
        for tag, attrs in parsed.elements:
            assert tag in allowed, f"{where}: <{tag}> does not exist in the harmless site"
            assert set(attrs) <= allowed[tag], f"{where}: <{tag}> has {set(attrs) - allowed[tag]}"
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{where}: <{tag} {name}>"
                if name in ("href", "src", "action", "formaction"):
                    assert not SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value or "")), f"{where}: <{tag} {name}={value!r}>"
        for script in parsed.scripts:
            assert "alert" not in script, f"{where}: a script element holds entity text"


def test_hostile_text_reads_exactly_as_written(hostile_site):
    page = read_page(hostile_site, "/actors/northland/")
    site_name = yaml.safe_load((Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]
    assert page.title.strip() == f"{hostile('name')} - {site_name}"
    text = " ".join(" ".join(page.text).split())
    for label in ("name", "alias1", "alias2", "relnote", "locator", "quote", "locator2"):
        assert " ".join(hostile(label).split()) in text, label
    event = " ".join(" ".join(read_page(hostile_site, "/events/border-post-attack/").text).split())
    for label in ("title", "location", "pnote", "enote", "quote"):
        assert " ".join(hostile(label).split()) in event, label
    source = " ".join(" ".join(read_page(hostile_site, "/sources/field-report/").text).split())
    for label in ("stitle", "author", "publisher"):
        assert " ".join(hostile(label).split()) in source, label
    assert "https://example.org/r?q=%3Cscript%3E&x='y'(z)" in source
    index = " ".join(" ".join(read_page(hostile_site, "/actors/").text).split())
    assert " ".join(hostile("name").split()) in index and " ".join(hostile("alias1").split()) in index


def test_entity_text_is_never_template_or_markdown_source(hostile_site):
    for page in pages(hostile_site):
        text = page.read_text(encoding="utf-8")
        assert "1337" not in text  # {{ 7*191 }} was never evaluated, by Jinja or any plugin
    page = " ".join(read_page(hostile_site, "/recommendations/resume-talks/").text)
    assert "{{ 7*191 }}" in page and "{% if 1 %}x{% endif %}" in page and '{: onclick="alert(2)" }' in page
    assert "<script>alert(3)</script>" in page  # shown as text, never as an element
    assert '--8<-- "/etc/passwd"' in page  # a snippet marker included nothing
    assert "root:" not in page


def test_search_index_titles_and_text_hold_no_markup(hostile_site):
    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            parsed = Page(doc[field])
            # Material shows these as HTML: only its own attribute-less formatting tags may appear
            for tag, attrs in parsed.elements:
                assert tag in {"p", "code", "pre", "li", "ol", "ul", "em", "strong", "sup", "a", "blockquote", "br", "del", "sub"}, (doc["location"], tag)
                assert not attrs, (doc["location"], tag, attrs)
    titles = {doc["location"]: html.unescape(doc["title"]) for doc in index["docs"]}
    assert titles["actors/northland/"] == hostile("name")


def test_heading_ids_are_plain_slugs(hostile_site):
    for url in ("/actors/northland/", "/events/border-post-attack/", "/recommendations/resume-talks/", "/sources/field-report/"):
        for tag, attrs in read_page(hostile_site, url).elements:
            if re.fullmatch(r"h[1-6]", tag) and "id" in attrs:
                assert re.fullmatch(r"[a-z0-9_-]*", attrs["id"]), attrs["id"]


def test_front_matter_cannot_be_broken_out_of(hostile_root):
    kb = read_knowledge_base(hostile_root)
    generated = {f.path: f.content for f in render_site(kb)}
    for entity in (e for type_ in vocab.ENTITY_TYPES for e in kb.all(type_)):
        front, body = generated[entity_page(entity.type, entity.id)].split("---\n", 2)[1:]
        meta = yaml.safe_load(front)
        assert meta["kbgen"] == {"type": entity.type, "id": entity.id}
        assert set(meta) <= {"title", "tags", "kbgen", "search"}
        assert meta.get("search", {"boost": 3}) == {"boost": 3}  # actors rank first for their names
        assert meta["title"] == html.escape(entity.title, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
        assert meta.get("tags", []) == list(entity.tags)
        assert Page(meta["title"]).elements == []


def test_kb_json_carries_hostile_text_exactly(hostile_site, hostile_root):
    data = json.loads((hostile_site / "data/kb.json").read_text(encoding="utf-8"))
    written = {path: yaml.safe_load(text) for path, text in hostile_files().items() if path.endswith(".yml")}
    assert data["tags"]["militias"] == written["entities/tags.yml"]["militias"]
    for path, fields in written.items():
        if path == "entities/tags.yml":
            continue
        folder, id_ = Path(path).parent.name, Path(path).stem
        entity = next(e for e in data["entities"][folder] if e["id"] == id_)
        assert_written_values_published(entity, fields, path)


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](javascript&#58;alert(1))", "[x](&#106;avascript:alert(1))", "[x]( JaVaScRiPt:alert(1))",
    "[x](java&#x0A;script:alert(1))", "<javascript:alert(1)>", "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))", '<a href="javascript:alert(1)">x</a>', "<div onclick=alert(1)>x</div>",
    "![x](https://tracker.example/p.gif)", "<svg><script>alert(1)</script></svg>", "<iframe src=//evil>",
    '<p style="x" onmouseover="alert(1)">x</p>', "<!-- <script>alert(1)</script> -->", "{: onclick=alert(1) }",
    "<style>body{}</style>", "<form action=javascript:alert(1)><button>x</button></form>",
])
def test_nh3_is_the_second_line_of_defence(markdown):
    """Whatever validation let through, rendering removes: every trick is also a validation error."""
    assert prose.prose_problems(markdown) or "{" in markdown
    rendered = Page(str(render_prose(markdown)))
    for tag, attrs in rendered.elements:
        assert tag in prose.ALLOWED_TAGS | {"div"}, tag
        for name, value in attrs.items():
            assert name in prose.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel", "class"}, name
            if name == "href":
                assert not SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value)), value
    assert not rendered.scripts
