"""Section indexes split into pages above ``index_page_entries`` (kbgen.indexes).

The knowledge base here is the valid fixture plus a few entities, so that at a
limit of 2 every kind of split happens: years, a year by month (with an event
known only to the year), kinds, a kind by initial (with a name in another
script), addressees, an addressee by initial, sources by initial. Some new ids
are the names of the split folders (``years``, ``kinds``, ``addressees``,
``letters``): their entity pages and the split pages must both work.

Regenerate the golden pages with ``KBGEN_UPDATE_GOLDEN=1`` and review the diff.
"""

import posixpath
import re
from pathlib import Path

import pytest
import yaml

from conftest import page_links, VALID, assert_matches_golden, build_with_index_limit, make_knowledge_base
from sitecheck import broken_links, parse, target_file
from kbgen.core import vocab
from kbgen.site import indexes
from kbgen.mkdocs.config import KbgenConfig
from kbgen.pipeline import read_knowledge_base
from kbgen.pipeline import render_site

GOLDEN = Path(__file__).parent / "golden" / "split-indexes"
LIMIT = 2
CITED = "citations:\n  - source: field-report\n"

EXTRA = {
    # Actors: "state" gets five (split by initial: a, n, s, other), "political-party" one.
    "entities/actors/al-qasr.yml": f"name: Al-Qasr\nkind: state\nsummary: A state.\n{CITED}",
    "entities/actors/arabic-name.yml": f"name: العراق\nkind: state\nsummary: A state named in Arabic script.\n{CITED}",
    "entities/actors/sahel-league.yml": f"name: Sahel League\nkind: state\nsummary: A state.\n{CITED}",
    "entities/actors/kinds.yml": f"name: Ḥizb al-Kinds\nkind: political-party\nsummary: A party.\n{CITED}",
    # Events: 2019 (one), 2024 (three: split into the year-only events and March), 2025 (the fixture's two).
    "entities/events/old-raid.yml": f'title: Old raid\ndate: "2019-11~"\nkind: attack\nsummary: A raid.\n'
                                    f"participants:\n  - actor: river-brigade\n    role: initiator\n{CITED}",
    "entities/events/years.yml": f'title: Years of talks\ndate: "2024"\nkind: diplomatic\nsummary: Talks.\n'
                                 f"participants:\n  - actor: northland\n    role: participant\n{CITED}",
    "entities/events/talks-open.yml": f'title: Talks open\ndate: "2024-03-05"\nkind: diplomatic\nsummary: Talks open.\n'
                                      f"participants:\n  - actor: southland\n    role: participant\n{CITED}",
    "entities/events/talks-close.yml": f'title: Talks close\ndate: "2024-03-20"\nkind: diplomatic\nsummary: Talks end.\n'
                                       f"participants:\n  - actor: southland\n    role: participant\n{CITED}",
    # Recommendations: by the addressee's initial: N (Northland, one) and S (Southland three,
    # Sahel League one: over the limit, so a page per addressee).
    "entities/recommendations/addressees.yml": f"title: Arm the border guards\naddressee: southland\nsummary: Arm them.\n{CITED}",
    "entities/recommendations/stop-raids.yml": f"title: Stop raids\naddressee: southland\nsummary: Stop them.\n{CITED}",
    "entities/recommendations/open-border.yml": f"title: Open the border\naddressee: northland\nsummary: Open it.\n{CITED}",
    "entities/recommendations/hold-talks.yml": f"title: Hold talks\naddressee: sahel-league\nsummary: Talk.\n{CITED}",
    # Sources: three (split by initial: a, z; the opening quote mark is not the initial).
    "entities/sources/annual-review.yml": 'title: Annual review\npublished: "2024-01-02"\n',
    "entities/sources/letters.yml": 'title: “Zeta” letters\npublished: "2023"\n',
}

EXPECTED_PAGES = {
    "actor": ["actors/index.md", "actors/kinds/state.md", "actors/kinds/state/a.md", "actors/kinds/state/n.md",
              "actors/kinds/state/s.md", "actors/kinds/state/other.md", "actors/kinds/armed-group.md",
              "actors/kinds/political-party.md"],
    "event": ["events/index.md", "events/years/2019.md", "events/years/2024.md", "events/years/2024/year-only.md",
              "events/years/2024/03.md", "events/years/2025.md"],
    "recommendation": ["recommendations/index.md", "recommendations/addressees/n.md", "recommendations/addressees/s.md",
                       "recommendations/addressees/s/sahel-league.md", "recommendations/addressees/s/southland.md"],
    "source": ["sources/index.md", "sources/letters/a.md", "sources/letters/z.md"],
}


@pytest.fixture(scope="module")
def split_kb_root(tmp_path_factory) -> Path:
    return make_knowledge_base(tmp_path_factory.mktemp("split-indexes") / "kb", EXTRA)


@pytest.fixture(scope="module")
def split_pages(split_kb_root) -> dict[str, str]:
    """The generated index pages (one-page or split) of every section, by path."""
    files = render_site(read_knowledge_base(split_kb_root), index_page_entries=LIMIT)
    return {f.path: f.content for f in files if f.path in _all_expected() or _is_split_page(f.path)}


def _all_expected() -> set[str]:
    return {path for paths in EXPECTED_PAGES.values() for path in paths}


def _is_split_page(path: str) -> bool:
    return bool(re.match(r"(actors/kinds|events/years|recommendations/addressees|sources/letters)/", path))


def _entity_page(entity) -> str:
    return f"{vocab.FOLDERS[entity.type]}/{entity.id}.md"


def test_each_section_splits_into_the_expected_pages(split_pages):
    assert sorted(split_pages) == sorted(_all_expected())


def test_every_entity_is_on_exactly_one_leaf_page_and_every_page_is_reachable(split_kb_root, split_pages):
    kb = read_knowledge_base(split_kb_root)
    for type_, expected in EXPECTED_PAGES.items():
        root = indexes.split_index(type_, kb.all(type_), LIMIT, actor_name=lambda id_: kb.get("actor", id_).name)
        tree = list(indexes.pages(root))
        assert [page.path for page in tree] == expected
        listed = [entity.id for leaf in indexes.leaves(root) for entity in leaf.entities]
        assert sorted(listed) == sorted(entity.id for entity in kb.all(type_))  # each once, none missing
        for leaf in indexes.leaves(root):
            links = page_links(leaf.path, split_pages[leaf.path], split_pages)
            assert [_entity_page(e) for e in leaf.entities] == [link for link in links if link.count("/") == 1
                                                                and not link.endswith("index.md")]
        # Following the Markdown links from the section index reaches every page of the section.
        reached, queue = set(), [expected[0]]
        while queue:
            page = queue.pop()
            if page not in reached and page in split_pages:
                reached.add(page)
                queue += page_links(page, split_pages[page], split_pages)
        assert reached == set(expected)


def test_a_limit_at_the_section_size_changes_nothing():
    kb = read_knowledge_base(VALID)
    largest = max(len(kb.all(type_)) for type_ in vocab.ENTITY_TYPES)
    assert render_site(kb, index_page_entries=largest) == render_site(kb)  # the golden files of tests/golden/valid
    assert render_site(kb, index_page_entries=largest - 1) != render_site(kb)
    assert indexes.split_index("actor", kb.all("actor"), largest) is None


@pytest.mark.parametrize("value, errors", [(None, 0), (2, 0), (0, 1), (-5, 1), ("ten", 1), (True, 1)])
def test_plugin_option_is_a_whole_number_of_at_least_one(value, errors):
    config = KbgenConfig()
    config.load_dict({} if value is None else {"index_page_entries": value})
    assert len(config.validate()[0]) == errors
    if not errors:
        assert config.index_page_entries == (indexes.DEFAULT_INDEX_PAGE_ENTRIES if value is None else value)


def test_initials_fold_case_and_diacritics():
    assert [indexes.initial(name) for name in ("Ḥizb", "al-Nujaba", "“Zeta”", "العراق", "1920 Revolution", "")] == \
        ["h", "a", "z", "other", "other", "other"]


def test_split_pages_match_golden_files(split_pages):
    assert_matches_golden(split_pages, GOLDEN)


# -- a real MkDocs build with the plugin option ---------------------------------

@pytest.fixture(scope="module")
def split_site(split_kb_root, tmp_path_factory):
    return build_with_index_limit(split_kb_root, tmp_path_factory.mktemp("split-site"), LIMIT)


def test_split_site_builds_strict_with_working_links_and_no_split_page_in_the_nav(split_site):
    site, log = split_site
    assert broken_links(site) == []
    assert "not included in the \"nav\"" not in log  # not_in_nav covers the split pages
    home_links = [url for tag, url in parse(target_file(site, "/")).links if tag == "a"]
    for paths in EXPECTED_PAGES.values():
        for path in paths:
            url = "/" + path.removesuffix("index.md").removesuffix(".md") + ("/" if not path.endswith("index.md") else "")
            assert target_file(site, url).is_file(), url
            if not path.endswith("index.md"):
                assert not any(link.rstrip("/").endswith(url.rstrip("/")) for link in home_links), url


def _heading(page: Path) -> str:
    return re.search(r"<h1[^>]*>([^<]*)", page.read_text(encoding="utf-8")).group(1)


def test_entity_ids_named_like_split_folders_keep_their_pages(split_site):
    site, _ = split_site
    for url, title in [("/events/years/", "Years of talks"), ("/actors/kinds/", "Ḥizb al-Kinds"),
                       ("/recommendations/addressees/", "Arm the border guards"), ("/sources/letters/", "“Zeta” letters")]:
        assert _heading(target_file(site, url)) == title, url
    assert _heading(target_file(site, "/events/years/2024/")) == "Events in 2024"
    year_links = [url for tag, url in parse(target_file(site, "/events/years/2024/")).links if tag == "a"]
    assert "year-only/" in year_links and "03/" in year_links and "../2019/" in year_links and "../2025/" in year_links
    only = [url for tag, url in parse(target_file(site, "/events/years/2024/year-only/")).links if tag == "a"]
    assert "../../" in only  # /events/years/: the event "years", listed on the page of 2024's year-only events


def test_a_crowded_letter_is_split_into_runs_of_whole_addressees_not_a_page_each(split_kb_root):
    """Many addressees with a recommendation or two each share pages, up to the limit, none cut in two."""
    kb = read_knowledge_base(split_kb_root)
    recommendations = kb.all("recommendation")
    names = {"southland": "Southland", "northland": "Sahel North", "sahel-league": "Sahel League"}
    root = indexes.split_index("recommendation", recommendations, 3, names.__getitem__)
    (letter,) = root.children
    assert letter.path == "recommendations/addressees/s.md"
    runs = [[r.addressee for r in page.entities] for page in letter.children]
    # By addressee id: Northland (1) and Sahel League (1) fit one page; Southland's three fill the next.
    assert runs == [["northland", "sahel-league"], ["southland"] * 3]
    assert [page.path for page in letter.children] == ["recommendations/addressees/s/northland.md",
                                                       "recommendations/addressees/s/southland.md"]
    assert letter.children[0].title == "Recommendations to Sahel North – Sahel League"


def test_an_event_known_only_to_its_year_heads_the_year_even_after_one_on_its_first_day(tmp_path):
    event = {"kind": "attack", "summary": "An event.", "participants": [{"actor": "northland", "role": "host"}],
             "citations": [{"source": "field-report"}]}
    root = make_knowledge_base(tmp_path / "kb", files={
        "entities/events/new-year.yml": yaml.safe_dump({**event, "title": "On new year's day", "date": "1998-01-01"}),
        "entities/events/some-time.yml": yaml.safe_dump({**event, "title": "Some time that year", "date": "1998"}),
        "entities/events/later.yml": yaml.safe_dump({**event, "title": "Later in January", "date": "1998-01-20"}),
    })
    timeline = next(f.content for f in render_site(read_knowledge_base(root)) if f.path == "events/index.md")
    year = timeline[timeline.index("## 1998"):timeline.index("## 2025")]
    # The year-only event comes before the month's heading, not under it.
    assert year.index("Some time that year") < year.index("### January 1998") < year.index("On new year") < year.index("Later in")
