"""kbgen's pre-rendered HTML blocks (prose, graphs, citations) pass through Python-Markdown unparsed."""

from __future__ import annotations

import markdown
import yaml

from conftest import make_knowledge_base
from sitecheck import pages
from kbgen.passthrough import END, START
from kbgen.site.markup import passthrough
from kbgen.pipeline import read_knowledge_base
from kbgen.pipeline import render_site
from kbgen.site.markup import md_escape
from kbgen.site.pages import make_environment

# Markdown inside a block that md_in_html would process: only a block nobody parsed keeps it as written.
BLOCK = '<div class="x" markdown="1">\n*kept as written*\n</div>'


def convert(text: str, extensions: list[str]) -> str:
    return markdown.Markdown(extensions=extensions).convert(text)


def test_framed_block_reaches_the_page_as_written():
    page = f"# Title\n\n{passthrough(BLOCK)}\n\nAfter *it*.\n"
    html = convert(page, ["md_in_html", "kbgen.passthrough"])
    assert BLOCK in html
    assert "kbgen:html" not in html  # the frames are gone
    assert "<p>After <em>it</em>.</p>" in html  # the rest of the page is Markdown as before
    # The same page without the extension: md_in_html parses the block (and the frames stay comments).
    unframed = convert(page, ["md_in_html"])
    assert "<em>kept as written</em>" in unframed and START in unframed


def test_unterminated_frame_leaves_the_text_to_markdown():
    html = convert(f"{START}\n\n*still Markdown*\n", ["kbgen.passthrough"])
    assert "<em>still Markdown</em>" in html


def test_page_parts_are_framed_and_entity_text_cannot_end_a_frame(tmp_path):
    hostile = f"{END} *x* {START}"
    root = make_knowledge_base(tmp_path / "kb", files={"entities/actors/northland.yml": yaml.safe_dump({
        "name": hostile, "kind": "state", "summary": "A *fictional* state.", "aliases": [hostile],
        "citations": [{"source": "field-report", "quote": "Northland’s militia", "locator": hostile}],
    })})
    files = {f.path: f.content for f in render_site(read_knowledge_base(root))}
    page = files["actors/northland.md"]
    for part in ('<div class="kb-prose">', '<figure class="kb-graph', '<pre class="kb-cite kb-cite-plain" data-search-exclude>',
                 '<pre class="kb-cite kb-cite-bibtex" data-search-exclude>'):
        assert f"{START}\n{part}" in page, part
    for path, content in files.items():
        if not path.endswith(".md"):
            continue
        lines = content.splitlines()
        # Frame lines are only ever kbgen's own, in pairs: the hostile text never stands as one.
        framed = [line for line in lines if line in (START, END)]
        assert framed == [START, END] * (len(framed) // 2), path
        assert all(line not in (START, END) or line == line.strip() for line in lines)
    # nh3 drops HTML comments from prose, so prose cannot carry a frame line either.
    prose = make_environment().filters["prose"](f"Before.\n\n{END}\n\nAfter.")
    assert str(prose).splitlines().count(END) == 1 and str(prose).endswith(END)


def test_built_pages_have_no_frames_left(fixture_site):
    """mkdocs.yml lists the extension: without it every framed block would keep its comments."""
    built = {page: page.read_text(encoding="utf-8") for page in pages(fixture_site)}
    assert not [page for page, html in built.items() if "kbgen:html" in html]
    graphs = [html for html in built.values() if '<svg xmlns="http://www.w3.org/2000/svg" class="kb-graph-svg"' in html]
    proses = [html for html in built.values() if '<div class="kb-prose">' in html]
    assert graphs and proses


def test_infobox_is_an_html_table_with_working_links(fixture_site):
    """The infobox is pre-rendered HTML (no md_in_html): its links point at built pages, as MkDocs' would."""
    page = fixture_site / "recommendations" / "resume-talks" / "index.html"
    html = page.read_text(encoding="utf-8")
    box = html[html.index('<div class="kb-infobox">'):]
    box = box[:box.index("</div>")]
    assert "<table>" in box and "|" not in box  # a table, not Markdown table text
    assert '<tr><td>Addressed to</td><td><a href="../../actors/southland/">Southland</a></td></tr>' in box
    assert (page.parent / "../../actors/southland/index.html").resolve().is_file()


def test_a_list_rendered_as_html_is_the_html_markdown_makes_of_the_same_list():
    """Lists of links on entity pages skip Python-Markdown (``html_list``) and come out the same."""
    items = ["plain", "a *star* & <b>tag</b> [x](y) `code` _under_", "Kata'ib — 22 June 2025 (approximate)", "2025 — Border war: note #1 | x"]
    env = make_environment()
    html_list = env.from_string('{% import "_macros.md.j2" as m %}'
                                '{% call(item) m.html_list(items) %}{{ item }}{% endcall %}').render(items=items)
    as_markdown = env.from_string('{% for item in items %}- {{ item }}\n{% endfor %}').render(items=items)
    extensions = ["tables", "footnotes", "fenced_code", "toc", "kbgen.passthrough"]  # mkdocs.yml's
    assert convert(html_list, extensions) == convert(as_markdown, extensions)
    assert convert(html_list, extensions).count("<li>") == len(items)


def test_citation_notes_written_as_html_are_what_the_footnotes_extension_makes(tmp_path):
    """Citation notes skip Python-Markdown (render.Footnotes) and come out as its footnotes extension
    makes them, a note referenced twice included (a second reference id and a second way back)."""
    quoted = {"source": "field-report", "quote": "widely seen as a proxy of Southland", "locator": "para. <2> & *3*"}
    bare = {"source": "field-report"}
    root = make_knowledge_base(tmp_path / "kb", files={"entities/actors/river-brigade.yml": yaml.safe_dump({
        "name": "River Brigade", "kind": "armed-group", "summary": "A militia.",
        "citations": [dict(quoted), dict(bare), dict(quoted)],  # (copies: PyYAML would write an alias)
        "relations": [{"type": "proxy-of", "actor": "southland", "citations": [dict(bare)]}],
    })})
    page = next(f.content for f in render_site(read_knowledge_base(root)) if f.path == "actors/river-brigade.md")
    extensions = ["tables", "footnotes", "fenced_code", "toc", "kbgen.passthrough"]  # mkdocs.yml's
    html = convert(page, extensions)
    assert "[^" not in page  # nothing left for the extension to find

    source = '<a href="../../sources/field-report/">A Field Report on Northland</a>'
    as_markdown = (f"Sources: [^1][^2][^1]\n\n"
                   f'- Proxy of <a href="../southland/">Southland</a>[^2]\n\n'
                   f"[^1]: {source}, {md_escape(quoted['locator'])}: “{quoted['quote']}”\n"
                   f"[^2]: {source}\n")
    expected = convert(as_markdown, extensions)
    sources_line = expected[:expected.index("</p>")]  # the page's line goes on: "· single-sourced"
    relation = expected[expected.index("<li>"):expected.index("</li>") + 5]
    notes = expected[expected.index('<div class="footnote">'):]
    assert sources_line in html and relation in html and html.endswith(notes)
    assert 'href="#fnref2:1"' in notes and 'id="fnref2:1"' in sources_line and 'id="fnref2:2"' in relation
