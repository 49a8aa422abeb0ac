"""The built site in a real browser: Debian's headless Chromium driven by Playwright, served on 127.0.0.1.

A reader's paths by clicking, search by alias through the search box, the
graphs, and every page of the site loaded once with no console error, no
failed request and no request to another host. axe-core checks one page of
each type. Screenshots of each page type, desktop and phone width, go to
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from conftest import docs_copy, make_knowledge_base, mkdocs_build, pagefind_config, serve_directory
from searching import follow_first, quiet, settled
from sitecheck import pages, url_of

ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# One page of each type a reader meets (URL path, screenshot name).
PAGE_TYPES = [
    ("/", "home"),
    ("/actors/", "actors-index"),
    ("/actors/kataib-hezbollah/", "actor"),
    ("/events/", "events-timeline"),
    ("/events/erbil-airport-drone-strike/", "event"),
    ("/recommendations/", "recommendations-index"),
    ("/recommendations/decisive-action-against-militia-leaders/", "recommendation"),
    ("/sources/us-iran-competition-over-iraq/", "source"),
    ("/graph/", "graph"),
    ("/tags/", "tags"),
    ("/tags/militias/", "tag"),
    ("/about/", "about"),
]


@pytest.fixture(scope="session")
def site_url(repo_site):
    """The repository's built site served by a plain static server on 127.0.0.1 (any free port)."""
    with serve_directory(repo_site) as url:
        yield url


class Watch:
    """Everything that went wrong on a browser context: console errors, failed and foreign requests."""

    def __init__(self, context):
        self.problems: list[str] = []
        context.on("request", self._request)
        context.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        context.on("response", self._response)
        context.on("page", self.page)

    def page(self, page: Page) -> Page:
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error on {page.url}: {e}"))
        return page

    def _request(self, request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != "127.0.0.1":
            self.problems.append(f"request to another host: {request.url}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def watched(browser):
    """A fresh desktop page whose problems the test asserts at the end."""
    context = browser.new_context(viewport=DESKTOP)
    watch = Watch(context)
    page = watch.page(context.new_page())
    yield page, watch
    context.close()


def test_every_page_loads_with_no_error_and_no_foreign_request(browser, site_url, repo_site):
    context = browser.new_context(viewport=DESKTOP)
    watch = Watch(context)
    page = watch.page(context.new_page())
    urls = [url_of(repo_site, p) for p in pages(repo_site)]
    assert len(urls) > 50
    for url in urls:
        page.goto(site_url + url, wait_until="networkidle")
    context.close()
    assert watch.problems == [], "\n".join(watch.problems)


def test_reader_clicks_from_home_to_actor_to_event_to_source(watched, site_url):
    page, watch = watched
    page.goto(site_url + "/", wait_until="networkidle")
    page.get_by_role("link", name="Actors", exact=True).first.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    page.get_by_role("link", name="Kataib Hezbollah", exact=True).first.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    expect(page).to_have_url(site_url + "/actors/kataib-hezbollah/")
    expect(page.locator("h1")).to_contain_text("Kataib Hezbollah")
    timeline = page.locator("h2#timeline + ul")
    timeline.get_by_role("link").first.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    expect(page).to_have_url(site_url + "/events/militias-threaten-to-join-war/")
    # The event lists the actor among its participants and cites its source in a note.
    expect(page.locator("h2#participants + ul")).to_contain_text("Kataib Hezbollah")
    page.locator(".footnote").get_by_role("link", name="U.S.-Iran Competition Over Iraq", exact=False).first.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    expect(page).to_have_url(site_url + "/sources/us-iran-competition-over-iraq/")
    expect(page.locator("h1")).to_contain_text("U.S.-Iran Competition Over Iraq")
    assert watch.problems == [], "\n".join(watch.problems)


def test_tags_lead_to_the_tags_page_and_back(watched, site_url):
    page, watch = watched
    page.goto(site_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
    expect(page.locator(".kb-updated time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    page.locator(".kb-infobox").get_by_role("link", name="militias").click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(site_url + "/tags/militias/")  # the tag's own page
    expect(page.locator("article")).to_contain_text("Iran-backed armed groups in Iraq")  # the tag's description
    page.locator("h2#actors + ul").get_by_role("link", name="Kataib Hezbollah", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(site_url + "/actors/kataib-hezbollah/")
    # From the tag's page up to the tags overview, whose table leads back to the tag.
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("article").get_by_role("link", name="Tags", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(site_url + "/tags/")
    expect(page.locator("table")).to_contain_text("Iran-backed armed groups in Iraq")
    page.locator("table").get_by_role("link", name="militias", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(site_url + "/tags/militias/")
    assert watch.problems == [], "\n".join(watch.problems)


def search(page: Page, query: str):
    """Type into Material's search box; wait for the worker's results."""
    box = page.locator("input.md-search__input")
    box.click()  # on a desktop-wide page the box is in the header
    box.press_sequentially(query, delay=20)  # Material searches on key events, not on a filled value
    results = page.locator(".md-search-result__item > a")
    expect(results.first).to_be_visible(timeout=15000)
    return results


# An actor searched by each of its names and spellings, and the actor's page, which must come first.
BY_ANY_NAME = [
    ("Kataib Hizballah", "kataib-hezbollah"),
    ("Kata'ib Hezbollah", "kataib-hezbollah"),
    ("Kataib Hizbullah", "kataib-hezbollah"),  # the alias "Kata'ib Hizbullah" without its apostrophe
    ("KH", "kataib-hezbollah"),
    ("Nujaba", "harakat-hezbollah-al-nujaba"),
    ("alNujaba", "harakat-hezbollah-al-nujaba"),
    ("Harakat Hizballah al-Nujaba", "harakat-hezbollah-al-nujaba"),
]


@pytest.mark.parametrize("query, actor", BY_ANY_NAME)
def test_search_finds_the_actor_first_by_any_name(watched, site_url, query, actor):
    page, watch = watched
    page.goto(site_url + "/", wait_until="networkidle")
    results = search(page, query)
    settled(results, f"/actors/{actor}/", within=".md-search-result__list")
    first = urlsplit(results.first.get_attribute("href")).path
    assert first == f"/actors/{actor}/", [urlsplit(r.get_attribute("href")).path for r in results.all()]
    follow_first(page, results, re.compile(re.escape(site_url + f"/actors/{actor}/") + r"(\?h=.*)?$"))
    assert watch.problems == [], "\n".join(watch.problems)


# -- the kbgen option `search: pagefind` -----------------------------------------------

@pytest.fixture(scope="module")
def pagefind_url(pagefind_site, tmp_path_factory):
    """The site built with `search: pagefind`, served under a path (/kb/) as a GitHub project page is:
    Pagefind must find its files and link its results under that path."""
    served = tmp_path_factory.mktemp("pagefind-served")
    (served / "kb").symlink_to(pagefind_site, target_is_directory=True)
    with serve_directory(served) as url:
        yield url + "/kb"


def pagefind_search(page: Page, query: str):
    """Open Pagefind's search dialog from the header's button, type, wait for the results."""
    page.locator(".md-header pagefind-modal-trigger button").click()
    page.keyboard.type(query, delay=20)
    results = page.locator("pagefind-modal a[href]")
    expect(results.first).to_be_visible(timeout=15000)
    return results


@pytest.mark.parametrize("query, actor", BY_ANY_NAME)
def test_pagefind_finds_the_actor_first_by_any_name(watched, pagefind_url, query, actor):
    page, watch = watched
    page.goto(pagefind_url + "/events/", wait_until="networkidle")
    results = pagefind_search(page, query)
    settled(results, f"/kb/actors/{actor}/", within="pagefind-modal")
    assert urlsplit(results.first.get_attribute("href")).path == f"/kb/actors/{actor}/"
    shown = page.locator("pagefind-modal").inner_text()
    assert "¶" not in shown and "Editor guide" not in shown  # the article alone: no heading anchors, no navigation
    follow_first(page, results, pagefind_url + f"/actors/{actor}/")
    assert watch.problems == [], "\n".join(watch.problems)


@pytest.fixture(scope="module")
def pagefind_retired_url(tmp_path_factory):
    """The fixture knowledge base with one actor retired, built with `search: pagefind`."""
    work = tmp_path_factory.mktemp("pagefind-retired")
    root = make_knowledge_base(work / "kb")
    with (root / "entities/actors/river-brigade.yml").open("a", encoding="utf-8") as file:
        file.write("retired:\n  status: withdrawn\n  reason: The report named another group.\n")
    result = mkdocs_build(pagefind_config(root, docs_copy(work / "docs"), work / "site"), work)
    assert result.returncode == 0, result.stderr
    with serve_directory(work / "site") as url:
        yield url


def test_pagefind_leaves_out_a_retired_entry_as_materials_search_does(watched, pagefind_retired_url):
    page, watch = watched
    page.goto(pagefind_retired_url + "/actors/", wait_until="networkidle")
    results = pagefind_search(page, "Brigade")  # the retired actor's name, which other pages still show
    expect(page.locator("pagefind-modal")).to_contain_text("results for Brigade", timeout=15000)
    quiet(page, "pagefind-modal")
    found = [urlsplit(a.get_attribute("href")).path for a in results.all()]
    assert "/events/border-post-attack/" in found  # a page that stands and names it is found
    assert "/actors/river-brigade/" not in found, found
    assert watch.problems == [], "\n".join(watch.problems)


def test_pagefind_search_fits_a_phone_and_follows_dark_mode(browser, pagefind_url):
    context = browser.new_context(viewport=PHONE)
    watch = Watch(context)
    page = watch.page(context.new_page())
    page.goto(pagefind_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
    button = page.locator(".md-header pagefind-modal-trigger button")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] and box["width"] < 60  # the magnifier only
    expect(page.locator("html")).to_have_attribute("data-pf-theme", "light")
    page.locator("label.md-header__button[for^=__palette]:visible").first.click()
    expect(page.locator("html")).to_have_attribute("data-pf-theme", "dark")
    results = pagefind_search(page, "Nujaba")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pagefind-dark-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert results.count() >= 1
    context.close()
    assert watch.problems == [], "\n".join(watch.problems)


def test_no_serious_accessibility_violation_with_pagefinds_search(watched, pagefind_url):
    page, watch = watched
    page.goto(pagefind_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
    found = []
    for state in ("closed", "open with results"):
        if state != "closed":
            pagefind_search(page, "Nujaba")
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"dialog {state}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    assert found == [], "\n".join(found)
    assert watch.problems == [], "\n".join(watch.problems)


def test_neighbourhood_graph_shows_and_its_nodes_navigate(watched, site_url):
    page, watch = watched
    page.goto(site_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
    graph = page.locator("figure.kb-graph svg")
    expect(graph).to_be_visible()
    assert graph.bounding_box()["height"] > 50
    assert graph.locator("a.kb-graph-node").count() >= 1  # its neighbours, each a link (the entity itself is not)
    node = graph.locator("a.kb-graph-node", has_text="Iran-backed militias")
    expect(node).to_be_visible()
    node.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    expect(page).to_have_url(site_url + "/actors/iran-backed-militias-iraq/")
    assert watch.problems == [], "\n".join(watch.problems)


def test_graph_prints_whole(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url + "/events/twelve-day-war/", wait_until="networkidle")
    page.emulate_media(media="print")
    scroll = page.locator(".kb-graph-scroll")
    svg = page.locator(".kb-graph-svg")
    assert scroll.bounding_box()["height"] >= svg.bounding_box()["height"]  # nothing cut off
    assert svg.bounding_box()["width"] <= scroll.bounding_box()["width"] + 1  # scaled to the page
    assert len(page.pdf()) > 10_000
    context.close()


def test_whole_graph_shows_every_entry_and_its_nodes_navigate(watched, site_url):
    page, watch = watched
    page.goto(site_url + "/graph/", wait_until="networkidle")
    nodes = page.locator("figure.kb-graph svg a.kb-graph-node")
    assert nodes.count() > 50
    node = nodes.filter(has_text="Erbil")
    node.first.scroll_into_view_if_needed()
    node.first.click()
    page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
    expect(page).to_have_url(site_url + "/events/erbil-airport-drone-strike/")
    assert watch.problems == [], "\n".join(watch.problems)


def test_footnote_shows_its_quote_on_hover(watched, site_url):
    page, watch = watched
    page.goto(site_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
    page.locator("a.footnote-ref").first.hover()
    expect(page.locator(".md-tooltip2, .md-tooltip").filter(has_text="voiced threats").first).to_be_visible()
    assert watch.problems == [], "\n".join(watch.problems)


def test_no_serious_accessibility_violation_on_any_page_type(watched, site_url):
    page, _ = watched
    axe = Axe()
    found = []
    for url, name in PAGE_TYPES:
        page.goto(site_url + url, wait_until="networkidle")
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    assert found == [], "\n".join(found)


def test_screenshots_of_every_page_type_desktop_phone_and_dark(browser, site_url):
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        watch = Watch(context)
        page = watch.page(context.new_page())
        for url, name in PAGE_TYPES:
            page.goto(site_url + url, wait_until="networkidle")
            target = ARTIFACTS / f"{name}-{size}.png"
            page.screenshot(path=str(target), full_page=False)
            assert target.stat().st_size > 10_000
        # The same reader in dark mode: the palette toggle is kept across pages.
        page.goto(site_url + "/actors/kataib-hezbollah/", wait_until="networkidle")
        page.locator("label.md-header__button[for^=__palette]:visible").first.click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.goto(site_url + "/events/erbil-airport-drone-strike/", wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / f"event-dark-{size}.png"), full_page=True)
        context.close()
        assert watch.problems == []


def test_infobox_fits_a_phone_screen(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for url in ("/actors/kataib-hezbollah/", "/events/erbil-airport-drone-strike/"):
        page.goto(site_url + url)
        box = page.locator(".kb-infobox").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (url, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    context.close()
