"""Each tag's own pages (/tags/<tag>/), split like the section indexes above ``index_page_entries``.

The knowledge base here is the valid fixture plus a few entities and two tags:
``index`` (the name whose page ``tags/index.md`` would have been served at
``/tags/``, the tags overview's address) carried by entities of every type, and
``border`` carried by few. At a limit of 2, ``index`` splits by type and then by
initial; ``border`` stays one page.

Regenerate the golden pages with ``KBGEN_UPDATE_GOLDEN=1`` and review the diff.
"""

import html
import json
import posixpath
import re
from pathlib import Path

import pytest

from conftest import page_links, assert_matches_golden, build_with_index_limit, make_knowledge_base
from sitecheck import broken_links, parse, target_file
from kbgen.site import indexes
from kbgen.pipeline import read_knowledge_base
from kbgen.pipeline import render_site

GOLDEN = Path(__file__).parent / "golden" / "tag-pages"
LIMIT = 2
CITED = "citations:\n  - source: field-report\n"
TAGS_YML = ("militias: Armed groups outside state control.\n"
            "airspace: Use and control of a country's airspace.\n"
            "index: Entries filed under a tag named like an index page.\n"
            "border: The border between Northland and Southland.\n")

EXTRA = {
    "entities/tags.yml": TAGS_YML,
    "entities/actors/al-qasr.yml": f"name: Al-Qasr\nkind: state\nsummary: A state.\ntags: [index]\n{CITED}",
    "entities/actors/arabic-name.yml": f"name: العراق\nkind: state\nsummary: A state named in Arabic script.\n"
                                       f"tags: [index, border]\n{CITED}",
    "entities/actors/zagros-front.yml": f"name: Zagros Front\nkind: armed-group\nsummary: A group.\n"
                                        f"tags: [index, militias]\n{CITED}",
    "entities/events/talks-open.yml": f'title: Talks open\ndate: "2024-03-05"\nkind: diplomatic\nsummary: Talks open.\n'
                                      f"participants:\n  - actor: southland\n    role: participant\ntags: [index]\n{CITED}",
    "entities/recommendations/stop-raids.yml": f"title: Stop raids\naddressee: southland\nsummary: Stop them.\n"
                                               f"tags: [index, border]\n{CITED}",
    "entities/sources/annual-review.yml": 'title: Annual review\npublished: "2024-01-02"\ntags: [index]\n',
}

EXPECTED_PAGES = {
    "index": ["tags/index/index.md", "tags/index/actors.md", "tags/index/actors/a.md", "tags/index/actors/z.md",
              "tags/index/actors/other.md", "tags/index/events.md", "tags/index/recommendations.md",
              "tags/index/sources.md"],
    "border": ["tags/border/index.md"],
    "militias": ["tags/militias/index.md", "tags/militias/actors.md", "tags/militias/events.md"],
}


@pytest.fixture(scope="module")
def tags_kb_root(tmp_path_factory) -> Path:
    return make_knowledge_base(tmp_path_factory.mktemp("tag-pages") / "kb", EXTRA)


@pytest.fixture(scope="module")
def generated(tags_kb_root) -> dict[str, str]:
    """Every generated file's content, by path."""
    return {f.path: f.content for f in render_site(read_knowledge_base(tags_kb_root), index_page_entries=LIMIT)}


def _entity_page(entity) -> str:
    return f"{entity.type}s/{entity.id}.md"


def test_each_used_tag_has_its_pages_and_an_unused_tag_none(generated):
    tag_pages = sorted(path for path in generated if path.startswith("tags/"))
    assert tag_pages == sorted(path for paths in EXPECTED_PAGES.values() for path in paths)  # no page for airspace


def test_every_tagged_entity_is_on_its_tags_pages_once_and_the_counts_match(tags_kb_root, generated):
    kb = read_knowledge_base(tags_kb_root)
    overview = generated["tags.md"]
    for tag in kb.tags:
        tagged = kb.tagged(tag)
        count_cell = re.search(rf"^\| (?:\[{tag}\]\(([^)]+)\)|{tag}) \| [^|]+ \| (\d+) \|$", overview, re.M)
        assert int(count_cell.group(2)) == len(tagged), tag
        if not tagged:
            assert count_cell.group(1) is None  # no link to a page that does not exist
            continue
        assert count_cell.group(1) == f"tags/{tag}/index.md"
        root = indexes.tag_index(tag, tagged, LIMIT)
        tree = list(indexes.pages(root))
        assert [page.path for page in tree] == EXPECTED_PAGES[tag]
        listed = []
        for leaf in indexes.leaves(root):
            entity_links = [link for link in page_links(leaf.path, generated[leaf.path], generated)
                            if not link.startswith("tags")]
            assert entity_links == [_entity_page(entity) for entity in leaf.entities]
            listed += entity_links
        assert sorted(listed) == sorted(_entity_page(entity) for entity in tagged)  # each once, none missing
        # Each overview line's count is the number of entries below it.
        for page in tree:
            for child in page.children:
                line = re.search(rf"^- \[{child.label}\]\({re.escape(posixpath.relpath(child.path, posixpath.dirname(page.path)))}\)"
                                 rf" — (\d+) entr", generated[page.path], re.M)
                assert int(line.group(1)) == len(child.entities) == sum(1 for leaf in indexes.leaves(child)
                                                                           for _ in leaf.entities)
        # Following the links from the tags overview reaches every page of the tag.
        reached, queue = set(), ["tags.md"]
        while queue:
            page = queue.pop()
            if page not in reached and page in generated:
                reached.add(page)
                queue += [link for link in page_links(page, generated[page], generated) if link.startswith("tags")]
        assert set(EXPECTED_PAGES[tag]) <= reached


def test_entity_pages_link_each_of_their_tags_to_the_tags_own_page(tags_kb_root, generated):
    kb = read_knowledge_base(tags_kb_root)
    for type_ in ("actor", "event", "recommendation", "source"):
        for entity in kb.all(type_):
            links = re.findall(r'<a href="([^"]+)" class="kb-tag">([^<]+)</a>', generated[_entity_page(entity)])
            assert links == [(f"../../tags/{tag}/", tag) for tag in entity.tags], entity.id


def test_a_tag_page_at_the_limit_is_one_page_grouped_by_type(tags_kb_root):
    kb = read_knowledge_base(tags_kb_root)
    tagged = kb.tagged("index")
    assert indexes.tag_index("index", tagged, len(tagged)).is_leaf
    assert not indexes.tag_index("index", tagged, len(tagged) - 1).is_leaf
    with pytest.raises(ValueError):
        indexes.tag_index("index", tagged, 0)


def test_tag_pages_match_golden_files(generated):
    assert_matches_golden({path: content for path, content in generated.items() if path.startswith("tags")}, GOLDEN)


# -- a real MkDocs build ---------------------------------------------------------

@pytest.fixture(scope="module")
def tags_site(tags_kb_root, tmp_path_factory):
    return build_with_index_limit(tags_kb_root, tmp_path_factory.mktemp("tags-site"), LIMIT)


def _heading(page: Path) -> str:
    return html.unescape(re.search(r"<h1[^>]*>([^<]*)", page.read_text(encoding="utf-8")).group(1))


def test_tags_site_builds_strict_with_working_links_and_no_tag_page_in_the_nav(tags_site):
    site, log = tags_site
    assert broken_links(site) == []
    assert "WARNING" not in log and "not included in the \"nav\"" not in log
    nav_links = [url for tag, url in parse(target_file(site, "/")).links if tag == "a"]
    assert "tags/" in nav_links and not any(re.match(r"tags/[^/]+/", url) for url in nav_links)  # no tag's page
    for paths in EXPECTED_PAGES.values():
        for path in paths:
            url = "/" + path.removesuffix("index.md").removesuffix(".md") + ("" if path.endswith("index.md") else "/")
            assert target_file(site, url).is_file(), url


def test_a_tag_named_index_has_its_own_page_beside_the_tags_overview(tags_site):
    site, _ = tags_site
    assert _heading(target_file(site, "/tags/")) == "Tags"
    assert _heading(target_file(site, "/tags/index/")) == "Tag: index"
    overview_links = [url for tag, url in parse(target_file(site, "/tags/")).links if tag == "a"]
    assert {"index/", "border/", "militias/"} <= set(overview_links)
    # An entity carrying the tag reaches its page, and the page leads back to the overview.
    source = target_file(site, "/sources/annual-review/").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]+)" class="kb-tag">', source) == ["../../tags/index/"]
    assert "../" in [url for tag, url in parse(target_file(site, "/tags/index/")).links if tag == "a"]


def test_search_still_ranks_pages_by_their_tags_without_materials_tags_plugin(tags_site):
    site, _ = tags_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["fields"]["tags"]["boost"] > index["config"]["fields"]["title"]["boost"]
    tagged = {doc["location"]: doc.get("tags") for doc in index["docs"] if "#" not in doc["location"]}
    assert tagged["sources/annual-review/"] == ["index"]
    assert tagged["actors/arabic-name/"] == ["index", "border"]
    assert not (site / "tags.json").exists()  # the tags plugin's export: the plugin is gone


@pytest.mark.parametrize("description", ["\tIndented like code", "1. Numbered like a list", "    - four spaces"])
def test_a_tag_description_reads_as_written_whatever_it_starts_with(tmp_path, description):
    """Found by test_properties: a description starting a Markdown line became a code block."""
    import markdown

    root = make_knowledge_base(tmp_path / "kb", files={
        "entities/tags.yml": json.dumps({"militias": description, "airspace": "Use of airspace."})})
    page = next(f.content for f in render_site(read_knowledge_base(root)) if f.path == "tags/militias/index.md")
    converted = markdown.Markdown(extensions=["tables", "footnotes", "fenced_code", "toc", "kbgen.passthrough"]).convert(page)
    paragraph = re.search(r"<p>([^<]*)</p>", converted[converted.index("Up:"):][4:]).group(1)
    assert html.unescape(paragraph).strip() == description.strip()
    assert "<pre>" not in converted and "<ol>" not in converted
