"""Relationship diagrams, search spellings and last-updated dates: plain functions, no MkDocs."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import REPO, VALID, make_knowledge_base
from kbgen.core import vocab
from kbgen.site import diagram
from kbgen.site.history import last_changed
from kbgen.pipeline import read_knowledge_base
from kbgen.core.urls import Urls
from kbgen.pipeline import render_site
from kbgen.site.words import search_variants

SVG = "{http://www.w3.org/2000/svg}"

DRAW_ALL = """
import sys
from kbgen.site import diagram
from kbgen.pipeline import read_knowledge_base
kb = read_knowledge_base(sys.argv[1])
for type_ in diagram.DRAWN_TYPES:
    for entity in kb.all(type_):
        sys.stdout.write(diagram.neighbourhood_figure(kb, entity, "page.md"))
sys.stdout.write(diagram.whole_figure(kb, "graph.md"))
"""


def svg_of(figure: str) -> ET.Element:
    start, end = figure.index("<svg"), figure.index("</svg>") + len("</svg>")
    return ET.fromstring(figure[start:end])  # well-formed XML, or this raises


def test_drawing_is_the_same_in_every_process():
    # Each process places objects at other addresses and hashes text with another seed:
    # the drawing must depend on neither (grandalf's own parts are sets of objects).
    drawings = {
        subprocess.run([sys.executable, "-c", DRAW_ALL, str(REPO)], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3", "4", "5")
    }
    assert len(drawings) == 1
    assert "<svg" in drawings.pop()


def test_neighbourhood_has_every_one_hop_link_labelled_and_every_node_links_to_its_page():
    kb = read_knowledge_base(VALID)
    svg = svg_of(diagram.neighbourhood_figure(kb, kb.get("actor", "river-brigade"), "actors/river-brigade.md"))
    nodes = {a.get("href"): a for a in svg.iter(SVG + "a")}
    # River Brigade, what it names (Southland, by relation) and what names it (an event, a recommendation).
    assert set(nodes) == {"./", "../southland/", "../../events/border-post-attack/", "../../recommendations/resume-talks/"}
    assert "kb-graph-centre" in nodes["./"].get("class")
    labels = [t.text for t in svg.iter(SVG + "text") if t.get("class") == "kb-graph-label"]
    # River Brigade -> Southland; the attack -> River Brigade (its role); the recommendation -> River Brigade.
    assert sorted(labels) == ["concerns", "initiator", "proxy of"]
    for href, node in nodes.items():
        assert node.get("class").split()[1] in ("kb-graph-actor", "kb-graph-event", "kb-graph-recommendation"), href
    assert not any("sources/" in href for href in nodes)  # citations are notes, not graph nodes


def test_labels_are_escaped(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    path = root / "entities/actors/southland.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Southland", 'name: "<b>South</b> & \\"land\\""'), encoding="utf-8")
    kb = read_knowledge_base(root)
    figure = diagram.neighbourhood_figure(kb, kb.get("actor", "river-brigade"), "actors/river-brigade.md")
    assert "<b>" not in figure
    texts = "".join(t.text or "" for t in svg_of(figure).iter(SVG + "text"))
    assert '<b>South</b> & "land"' in texts


def test_whole_graph_draws_every_actor_event_and_recommendation():
    kb = read_knowledge_base(VALID)
    svg = svg_of(diagram.whole_figure(kb, "graph.md"))
    hrefs = {a.get("href") for a in svg.iter(SVG + "a")}
    expected = {f"../{t}s/{e.id}/" for t in diagram.DRAWN_TYPES for e in kb.all(t)}
    assert hrefs == expected
    edges = [p for p in svg.iter(SVG + "path") if p.get("class") == "kb-graph-edge"]
    assert len(edges) == len(diagram.whole_graph(kb)[1])
    assert all(e.find(SVG + "title") is not None for e in edges)  # each arrow names its relation on hover


def test_a_link_is_the_built_address():
    assert Urls().link("actors/x.md", "tags.md") == "../../tags/"
    assert Urls().link("tags.md", "tags.md") == "./"
    assert Urls().link("actors/index.md", "events/y.md") == "../events/y/"


def test_search_variants_drop_apostrophes_diacritics_and_hyphens():
    variants = search_variants(["Kataib Hezbollah", "Kata'ib Hizbullah", "al-Nujaba", "Ḥizb ʿAlī", "KH"])
    assert "Kataib Hizbullah" in variants
    assert "alNujaba" in variants
    assert "Hizb Ali" in variants
    assert not any(v.casefold() == "kataib hezbollah" for v in variants)  # already the name
    assert "KH" not in variants


def test_actor_page_carries_the_variants_and_a_search_boost():
    kb = read_knowledge_base(VALID)
    page = next(f for f in render_site(kb) if f.path == "actors/river-brigade.md").content
    assert "search:\n  boost: 3\n" in page
    assert '<p class="kb-search-variants" data-pagefind-weight="7">Also searched as: Liwa alNahr</p>' in page  # alias "Liwa al-Nahr"


def git(*args, cwd, date="2025-07-11T12:00:00+00:00"):
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_last_updated_comes_from_the_last_commit_of_each_file(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    git("init", "-q", cwd=root)
    git("add", ".", cwd=root)
    git("commit", "-qm", "first", cwd=root, date="2025-07-11T12:00:00+00:00")
    path = root / "entities/actors/southland.yml"
    path.write_text(path.read_text(encoding="utf-8") + "tags: []\n", encoding="utf-8")
    git("commit", "-qam", "second", cwd=root, date="2025-08-01T12:00:00+00:00")
    dates = last_changed(root)
    assert dates["entities/actors/southland.yml"] == "2025-08-01"
    assert dates["entities/actors/river-brigade.yml"] == "2025-07-11"
    page = next(f for f in render_site(read_knowledge_base(root), last_updated=dates) if f.path == "actors/southland.md")
    assert '<time datetime="2025-08-01">1 August 2025</time>' in page.content


def test_no_date_outside_git(tmp_path, monkeypatch):
    root = make_knowledge_base(tmp_path / "kb")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # git must not find a repository above
    assert last_changed(root) == {}
    page = next(f for f in render_site(read_knowledge_base(root), last_updated=last_changed(root)) if f.path == "actors/southland.md")
    assert "Last updated" not in page.content


def test_large_drawings_are_bounded(monkeypatch):
    kb = read_knowledge_base(REPO)
    iraq = kb.get("actor", "iraq")
    assert len(diagram.neighbourhood(kb, iraq)[1]) > 5
    monkeypatch.setattr(diagram, "MAX_PAGE_LINKS", 5)
    figure = diagram.neighbourhood_figure(kb, iraq, "actors/iraq.md")
    drawn = [a.get("href") for a in svg_of(figure).iter(SVG + "a")]
    assert drawn[0] == "./" and 2 <= len(drawn) <= 6  # the centre and the other ends of 5 links
    assert "The first 5 of" in figure
    monkeypatch.setattr(diagram, "MAX_WHOLE_ENTITIES", 10)
    assert "<svg" not in diagram.whole_figure(kb, "graph.md")
    assert "too many to draw readably" in diagram.whole_figure(kb, "graph.md")


def _boxes(figure: str) -> dict[str, tuple[float, float, float, float]]:
    """Each entity node's rectangle (x, y, width, height), by its link."""
    return {a.get("href"): tuple(float(a.find(SVG + "rect").get(k)) for k in ("x", "y", "width", "height"))
            for a in svg_of(figure).iter(SVG + "a")}


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_neighbourhood_reads_left_to_right_without_overlaps():
    """On every page of the repository: what names the entry stands left of it, what it names right, nothing overlaps."""
    kb = read_knowledge_base(REPO)
    drawn = 0
    for type_ in diagram.DRAWN_TYPES:
        for entity in kb.all(type_):
            page = f"{vocab.FOLDERS[type_]}/{entity.id}.md"
            figure = diagram.neighbourhood_figure(kb, entity, page)
            if not figure:
                continue
            drawn += 1
            boxes = _boxes(figure)
            centre = boxes.pop("./")
            nodes, links = diagram.neighbourhood(kb, entity)
            key = (entity.type, entity.id)
            names = {link.target for link in links if link.source == key}
            for node in nodes:
                if node.key == key:
                    continue
                box = boxes[Urls().link(page, f"{vocab.FOLDERS[node.entity.type]}/{node.entity.id}.md")]
                if node.key in names:
                    assert box[0] > centre[0] + centre[2], (entity.id, node.key)
                else:
                    assert box[0] + box[2] < centre[0], (entity.id, node.key)
            rects = [centre, *boxes.values()]
            assert not any(_overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:]), entity.id
    assert drawn > 40


def test_an_entity_both_naming_and_named_stands_once(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    path = root / "entities/actors/southland.yml"
    path.write_text(path.read_text(encoding="utf-8") + "relations:\n  - type: adversary-of\n    actor: river-brigade\n",
                    encoding="utf-8")
    kb = read_knowledge_base(root)
    figure = diagram.neighbourhood_figure(kb, kb.get("actor", "river-brigade"), "actors/river-brigade.md")
    hrefs = [a.get("href") for a in svg_of(figure).iter(SVG + "a")]
    assert hrefs.count("../southland/") == 1
    labels = sorted(t.text for t in svg_of(figure).iter(SVG + "text") if t.get("class") == "kb-graph-label")
    assert labels == ["adversary of", "concerns", "initiator", "proxy of"]
    boxes = _boxes(figure)
    assert boxes["../southland/"][0] > boxes["./"][0]  # on the right, where what the entry names stands


def test_the_drawings_of_one_build_are_those_each_page_draws_alone():
    """A build's drawings (each entry's links worked out once, for its page and its neighbours' pages)
    are, page after page, what the page's own drawing is: for the repository and the fixture knowledge base."""
    for root in (REPO, VALID):
        kb = read_knowledge_base(root)
        drawings = diagram.Neighbourhoods(kb, Urls(directory_urls=False))
        drawn = 0
        for type_ in diagram.DRAWN_TYPES:
            for entity in kb.all(type_):
                page = f"{vocab.FOLDERS[type_]}/{entity.id}.md"
                figure = drawings.figure(entity, page)
                assert figure == diagram.neighbourhood_figure(kb, entity, page, Urls(directory_urls=False)), page
                drawn += bool(figure)
        assert drawn > 3


def test_drawings_set_aside_while_material_s_search_indexes_a_page_come_back_in_their_places():
    from kbgen.mkdocs.unindexed import SetAside

    kb = read_knowledge_base(VALID)
    drawings = [diagram.neighbourhood_figure(kb, kb.get("actor", name), f"actors/{name}.md")
                for name in ("river-brigade", "northland")]
    # A page with two drawings and, at its end, a figure that is never closed (left as it is).
    page = (f"<h1>River Brigade</h1>\n<p>Before.</p>\n{drawings[0]}\n<p>Between.</p>\n{drawings[1]}"
            '<p>After.</p><figure class="kb-graph kb-graph-neighbourhood">')
    aside = SetAside()
    taken = aside.take(page)
    assert "<svg" not in taken and "</figure>" not in taken
    assert [text in taken for text in ("Before.", "Between.", "After.")] == [True, True, True]
    assert taken.endswith('<figure class="kb-graph kb-graph-neighbourhood">')
    assert aside.put_back(taken) == page
    assert aside.put_back("<p>A page without drawings.</p>") == "<p>A page without drawings.</p>"
