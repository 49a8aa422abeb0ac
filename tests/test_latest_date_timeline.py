"""Events known only by their latest date ("by March 2024") are never filed under that date.

"/2024-03" (unknown start) and "../2024-03" (open start) say only that an event had happened,
or was going on, by March 2024: it may have happened years before. Listed among March 2024's
events it would read as having happened then. So the timeline (``/events/``), the split index's
year pages and each actor's timeline list such events apart, after the dated ones, ordered by
that latest date. The knowledge base here is the fictional fixture with a few such events.
"""

import re

import pytest
import yaml

from conftest import build_with_index_limit, make_knowledge_base
from sitecheck import broken_links, target_file
from kbgen.core.dates import EdtfDate
from kbgen.pipeline import read_knowledge_base, render_site
from kbgen.site import indexes

def _cited() -> list[dict]:
    return [{"source": "field-report"}]  # a new list each time: a shared one would be dumped as a YAML alias


def _event(title: str, date: str, actor: str = "river-brigade", follows: str = "") -> str:
    event = {"title": title, "date": date, "kind": "attack", "summary": f"{title}.",
             "participants": [{"actor": actor, "role": "initiator"}], "citations": _cited()}
    if follows:
        event["relations"] = [{"type": "follows", "event": follows, "citations": _cited()}]
    return yaml.safe_dump(event)


EVENTS = {
    # Known only by their latest date: two "by March 2024" (one an open start, which the reading
    # order puts first, but it follows the other) and one "by 2023".
    "entities/events/raids-before-the-truce.yml": _event("Raids before the truce", "/2024-03"),
    "entities/events/raiding-season.yml": _event("Raiding season", "../2024-03", follows="raids-before-the-truce"),
    "entities/events/first-ambush.yml": _event("First ambush", "/2023"),
    # Dated: in March 2024 itself and in 2023.
    "entities/events/truce-signed.yml": _event("Truce signed", "2024-03-15"),
    "entities/events/border-skirmish.yml": _event("Border skirmish", "2023-05"),
}
LATEST_ONLY = ["first-ambush", "raids-before-the-truce", "raiding-season"]  # by latest date, then stated sequence


@pytest.fixture(scope="module")
def kb_root(tmp_path_factory):
    return make_knowledge_base(tmp_path_factory.mktemp("latest-date") / "kb", EVENTS)


@pytest.fixture(scope="module")
def kb(kb_root):
    return read_knowledge_base(kb_root)


def _pages(kb, **options) -> dict[str, str]:
    return {f.path: f.content for f in render_site(kb, **options)}


def _section(page: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = page.index(heading + "\n")
    following = re.compile(rf"^#{{1,{level}}} ", re.M).search(page, start + len(heading))
    return page[start:following.start() if following else len(page)]


def _linked_ids(text: str) -> list[str]:
    return re.findall(r'href="(?:\.\./)*(?:events/)?([a-z0-9-]+)/"', text)


@pytest.mark.parametrize("text, only_end", [("/2024-03", True), ("../2024-03", True), ("/2025-07-11", True),
                                             ("2024-03", False), ("2024-03/..", False), ("2024-03/", False),
                                             ("2025-06/2025-07~", False), ("2011", False)])
def test_a_date_without_a_start_is_known_only_by_its_end(text, only_end):
    assert EdtfDate.parse(text).only_end_known is only_end


def test_the_events_timeline_lists_them_after_the_years_not_under_march_2024(kb):
    page = _pages(kb)["events/index.md"]
    march = _section(page, "### March 2024")
    assert _linked_ids(march) == ["truce-signed"]  # "by March 2024" is not "in March 2024"
    assert "raids-before-the-truce" not in _linked_ids(_section(page, "## 2024"))
    assert "first-ambush" not in _linked_ids(_section(page, "## 2023"))
    latest = _section(page, "## Known only by their latest date")
    assert _linked_ids(latest) == LATEST_ONLY
    assert page.index("## 2025") < page.index("## Known only by their latest date")  # after every year
    assert "<strong>by 2023</strong>" in latest and "<strong>until March 2024</strong>" in latest
    assert "<strong>by March 2024</strong>" in latest


def test_every_event_is_listed_once_on_the_timeline(kb):
    ids = _linked_ids(_pages(kb)["events/index.md"])
    assert sorted(ids) == sorted(event.id for event in kb.all("event"))


def test_split_year_pages_leave_them_out_and_a_page_of_their_own_lists_them(kb):
    pages = _pages(kb, index_page_entries=2)
    root = indexes.split_index("event", kb.all("event"), 2)
    assert [child.label for child in root.children] == ["2023", "2024", "2025", "Known only by their latest date"]
    assert _linked_ids(pages["events/years/2024.md"]) == ["truce-signed"]
    assert _linked_ids(pages["events/years/2023.md"]) == ["border-skirmish"]
    # Three such events are over the limit of two: their page is split by the year of the latest date.
    latest = root.children[-1]
    assert latest.path == "events/years/by-latest-date.md"
    assert [(page.label, [e.id for e in page.entities]) for page in latest.children] == \
        [("by 2023", ["first-ambush"]), ("by 2024", ["raids-before-the-truce", "raiding-season"])]
    assert _linked_ids(pages["events/years/by-latest-date/2024.md"]) == ["raids-before-the-truce", "raiding-season"]
    overview = pages["events/index.md"]
    assert "[Known only by their latest date](years/by-latest-date.md) — 3 events" in overview
    listed = [e.id for leaf in indexes.leaves(root) for e in leaf.entities]
    assert sorted(listed) == sorted(e.id for e in kb.all("event"))  # each once


def test_their_unsplit_page_lists_them_by_latest_date(kb):
    pages = _pages(kb, index_page_entries=3)
    page = pages["events/years/by-latest-date.md"]
    assert "# Events known only by their latest date\n" in page
    assert _linked_ids(page) == LATEST_ONLY
    assert "may have happened long before it" in page


def test_an_actors_timeline_lists_them_apart_after_its_dated_events(kb):
    page = _pages(kb)["actors/river-brigade.md"]
    timeline = _section(page, "## Timeline")
    dated, _, latest = timeline.partition("### Known only by their latest date")
    assert _linked_ids(dated) == ["border-skirmish", "truce-signed", "border-post-attack"]
    assert _linked_ids(latest) == LATEST_ONLY
    assert "by March 2024" in latest and "by March 2024" not in dated


def test_an_actor_with_only_dated_events_has_no_such_heading(kb):
    assert "Known only by their latest date" not in _pages(kb)["actors/northland.md"]


def test_a_real_build_serves_their_split_pages_with_working_links(kb_root, tmp_path):
    site, log = build_with_index_limit(kb_root, tmp_path, 2)
    assert broken_links(site) == []
    for url in ("/events/years/by-latest-date/", "/events/years/by-latest-date/2023/", "/events/years/by-latest-date/2024/"):
        assert target_file(site, url).is_file(), url
    html = target_file(site, "/events/years/by-latest-date/2024/").read_text(encoding="utf-8")
    assert "Raids before the truce" in html and "Truce signed" not in html


def test_with_the_same_latest_date_an_event_comes_after_those_it_follows(tmp_path):
    """No dates to sort by: the sources' own sequence (follows, response-to, caused-by) orders them,
    through chains of any length, and a cycle of relations does not stop the listing."""
    chain = {f"entities/events/step-{n}.yml": _event(f"Step {n}", "/2020", follows=f"step-{n - 1}" if n > 1 else "")
             for n in range(1, 6)}
    chain["entities/events/loop-a.yml"] = _event("Loop A", "/2020", follows="loop-b")
    chain["entities/events/loop-b.yml"] = _event("Loop B", "/2020", follows="loop-a")
    reversed_titles = {path: text.replace("Step", "A step") if "step-5" in path else text for path, text in chain.items()}
    kb = read_knowledge_base(make_knowledge_base(tmp_path / "kb", reversed_titles))
    listed = [event.id for event in indexes.known_only_by_latest_date(kb.all("event")) if event.id.startswith("step")]
    assert listed == ["step-1", "step-2", "step-3", "step-4", "step-5"]  # "A step 5" sorts first by title
    assert {"loop-a", "loop-b"} <= {event.id for event in indexes.known_only_by_latest_date(kb.all("event"))}
