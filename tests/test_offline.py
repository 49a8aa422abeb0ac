"""A site built with ``use_directory_urls: false``, as a site read from disk needs (``file://``): every
page at ``<path>.html``, every link kbgen writes to a file rather than a folder, and a reader can
follow them in a browser opened on the files themselves."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from conftest import REPO, VALID, docs_copy, mkdocs_build, site_config
from kbgen.source import read_documents
from sitecheck import broken_links, external_urls, pages, parse


def _build(tmp_path_factory, name, root, docs=None):
    work = tmp_path_factory.mktemp(name)
    config = site_config(root, docs or docs_copy(work / "docs"), work / "site", extra={"use_directory_urls": False})
    result = mkdocs_build(config, work)
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="session")
def fixture_file_site(tmp_path_factory):
    return _build(tmp_path_factory, "fixture-file-site", VALID)


@pytest.fixture(scope="session")
def repo_file_site(tmp_path_factory):
    return _build(tmp_path_factory, "repo-file-site", REPO, REPO / "docs")


def folder_links(site: Path) -> list[str]:
    """Same-site links to a folder: from disk, a folder's address opens a listing, not its index page."""
    found = []
    for page in pages(site):
        for tag, url in parse(page).links:
            parts = urlsplit(url)
            if not parts.scheme and not parts.netloc and parts.path and (parts.path.endswith("/") or parts.path in (".", "..")):
                found.append(f"{page.relative_to(site)}: <{tag}> {url}")
    return found


@pytest.mark.parametrize("which", ["fixture_file_site", "repo_file_site"])
def test_every_page_is_a_file_and_every_link_resolves_to_one(request, which):
    site = request.getfixturevalue(which)
    root = VALID if which.startswith("fixture") else REPO
    for type_ in ("actor", "event", "recommendation", "source"):
        assert (site / f"{type_}s" / "index.html").is_file()
    for doc in read_documents(root).documents:
        assert (site / f"{doc.type}s" / f"{doc.id}.html").is_file(), doc.path
    assert broken_links(site) == []
    assert folder_links(site) == []
    assert external_urls(site) == []


def test_links_kbgen_writes_itself_name_the_html_files(fixture_file_site):
    page = fixture_file_site / "actors" / "river-brigade.html"
    links = {url for tag, url in parse(page).links if tag == "a"}
    assert {"southland.html", "../events/border-post-attack.html", "../sources/field-report.html",
            "../tags/militias/index.html", "river-brigade.json", "../data/kb.json"} <= links
    graph = [url for tag, url in parse(fixture_file_site / "graph.html").links if tag == "a" and url.startswith("actors/")]
    assert "actors/southland.html" in graph


def test_a_former_id_redirects_from_its_html_file(fixture_file_site):
    redirect = (fixture_file_site / "actors" / "river-militia.html").read_text(encoding="utf-8")
    assert 'content="0; url=river-brigade.html"' in redirect and 'href="river-brigade.html"' in redirect


def test_published_data_names_the_html_pages_and_keeps_to_its_schema(fixture_file_site):
    data = json.loads((fixture_file_site / "data" / "kb.json").read_text(encoding="utf-8"))
    schema = json.loads((fixture_file_site / "data" / "kb.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert {e["page"] for e in data["entities"]["actors"]} >= {"actors/river-brigade.html", "actors/southland.html"}
    feed = (fixture_file_site / "events.atom").read_text(encoding="utf-8")
    assert 'href="events/border-war.html"' in feed


# Material's own limits on a page opened from disk, not kbgen's links: browsers refuse its fetches of
# sitemap.xml (cross-origin from file://), and its search looks for the index as the script that
# Material's offline plugin writes (that plugin loads a shim from a CDN, which kbgen's sites never do).
MATERIAL_OFFLINE_LIMITS = ("sitemap.xml", "search/search_index.js")
CONSOLE_ABOUT_REQUESTS = ("has been blocked by CORS policy", "Failed to load resource")


def test_a_reader_follows_links_between_pages_opened_from_disk(repo_file_site, browser):
    context = browser.new_context()
    page = context.new_page()
    errors, failed, foreign = [], [], []
    page.on("console", lambda m: m.type == "error" and not any(s in m.text for s in CONSOLE_ABOUT_REQUESTS)
            and errors.append(m.text))
    page.on("pageerror", lambda e: not any(limit in str(e) for limit in MATERIAL_OFFLINE_LIMITS) and errors.append(str(e)))
    page.on("requestfailed", lambda r: not r.url.endswith(MATERIAL_OFFLINE_LIMITS) and failed.append(r.url))
    page.on("request", lambda r: r.url.startswith(("http:", "https:")) and foreign.append(r.url))
    start = (repo_file_site / "actors" / "kataib-hezbollah.html").as_uri()
    visited = []
    for selector in (".kb-infobox a.kb-tag",  # the tag's page
                     ".md-content li a[href$='.html']",  # an entry on the tag's page
                     "svg a:not(.kb-graph-centre)",  # a node of that entry's neighbourhood graph
                     ".md-content ul a[href$='.html']"):  # a link in its lists
        if not visited:
            page.goto(start)
        link = page.locator(selector).first
        expected = link.get_attribute("href")
        link.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and page.url.endswith(".html"), (selector, expected, page.url)
        assert page.locator("article h1").count() == 1, page.url  # a page of the site, not a folder listing
        assert page.url != (visited[-1] if visited else start)
        visited.append(page.url)
    assert errors == [], "\n".join(errors)
    assert failed == [] and foreign == []
    context.close()
