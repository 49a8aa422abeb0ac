"""The repository's knowledge base built by `kbgen build --engine E` with each of the three engines
(MkDocs, ProperDocs, Zensical), all real: every entity page at its SPEC address, every internal link
and fragment resolving, nothing loaded from another host; in the browser, the header search finds an
actor by an alias with no console error and no request to another host. A build that lacks entity
pages fails loudly."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from conftest import REPO, VALID, docs_copy, kbgen, serve_directory
from searching import follow_first, settled
from kbgen.core import vocab
from kbgen.engine import missing_pages, read_config
from kbgen.pipeline import read_knowledge_base
from sitecheck import broken_links, external_urls

ENGINES = ["mkdocs", "properdocs", "zensical"]
SITE_NAME = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request, tmp_path_factory) -> tuple[str, Path]:
    """(engine, site folder): the repository's knowledge base built by that engine from mkdocs.yml."""
    site = tmp_path_factory.mktemp(f"{request.param}-site") / "site"
    result = kbgen("build", "--engine", request.param, "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return request.param, site


def test_every_entity_page_is_at_its_address_with_its_name_and_the_cited_site_name(engine_site):
    engine, site = engine_site
    kb = read_knowledge_base(REPO)
    count = 0
    for type_, entities in kb.entities.items():
        for id_, entity in entities.items():
            page = site / vocab.FOLDERS[type_] / id_ / "index.html"  # /actors/<id>/
            assert page.is_file(), f"{engine}: no page at /{vocab.FOLDERS[type_]}/{id_}/"
            html = unescape(page.read_text(encoding="utf-8"))
            assert entity.title in html, (engine, id_)
            # "Cite this page" names the site, whichever engine built it.
            plain = re.search(r'class="[^"]*kb-cite-plain[^"]*"[^>]*><code>(.*?)</code>', html, re.S)
            assert plain and SITE_NAME in plain.group(1), (engine, id_)
            count += 1
    assert count > 40
    for folder in vocab.FOLDERS.values():
        assert (site / folder / "index.html").is_file()


def test_every_internal_link_and_fragment_resolves_and_nothing_comes_from_another_host(engine_site):
    engine, site = engine_site
    assert broken_links(site) == [], engine
    assert external_urls(site) == [], engine


def search_results(page, engine: str, query: str):
    """Type the query into the header's search, as a reader would; the result links."""
    if engine == "zensical":
        page.locator(".md-header .md-search__button").click()  # Zensical's search opens a dialog
        page.keyboard.type(query, delay=20)
        results = page.locator("dialog ol[role=listbox] a[href]")
    else:
        box = page.locator(".md-header input.md-search__input")
        box.click()
        box.press_sequentially(query, delay=20)
        results = page.locator(".md-search-result__item > a")
    expect(results.first).to_be_visible(timeout=15000)
    return results


def test_header_search_finds_an_actor_by_alias_with_no_console_error_or_foreign_request(engine_site, browser):
    engine, site = engine_site
    problems = []
    with serve_directory(site) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda r: urlsplit(r.url).hostname not in (None, "127.0.0.1")
                   and r.url.startswith("http") and problems.append(f"request to another host: {r.url}"))
        context.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        page.goto(url + "/", wait_until="networkidle")
        results = search_results(page, engine, "Kataib Hizballah")  # an alias, not the name
        settled(results, "/actors/kataib-hezbollah/", within="dialog" if engine == "zensical" else ".md-search-result__list")
        assert urlsplit(results.first.get_attribute("href")).path == "/actors/kataib-hezbollah/", engine
        follow_first(page, results, re.compile(re.escape(url + "/actors/kataib-hezbollah/")))
        context.close()
    assert problems == [], f"{engine}: " + "\n".join(problems)


def _fixture_project(tmp_path: Path, plugins: list) -> Path:
    """The valid fixture with the repository's hand-written docs and a small mkdocs.yml of its own."""
    project = tmp_path / "kb"
    shutil.copytree(VALID, project)
    docs_copy(project / "docs")  # the editor guide, which generated pages link to, and the theme overrides
    config = {"site_name": "Fixture", "theme": {"name": "material", "font": False, "custom_dir": "docs/overrides"},
              "exclude_docs": "/overrides/\n", "plugins": plugins}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return project


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_a_plugin_engine_refuses_a_configuration_without_the_plugin(engine, tmp_path):
    project = _fixture_project(tmp_path, ["search"])
    result = kbgen("build", "--engine", engine, cwd=project)
    assert result.returncode == 1
    assert "does not list the kbgen plugin" in result.stderr
    assert not (project / "site").exists()


def test_zensical_builds_the_fixture_and_missing_pages_names_a_page_the_site_lacks(tmp_path):
    """The check every build ends with: after a good build nothing is missing; a site without a page
    (as Zensical builds when it silently ignores the plugin) is reported page by page."""
    project = _fixture_project(tmp_path, ["search", "kbgen"])
    result = kbgen("build", "--engine", "zensical", cwd=project)
    assert result.returncode == 0, result.stderr
    config = read_config(project / "mkdocs.yml")
    assert missing_pages(config) == []
    shutil.rmtree(project / "site" / "actors" / "northland")
    assert missing_pages(config) == ["actors/northland/"]


def test_an_invalid_knowledge_base_stops_a_zensical_build_with_validate_s_messages(tmp_path):
    project = _fixture_project(tmp_path, ["search", "kbgen"])
    (project / "entities/actors/southland.yml").write_text("name: Southland\nkind: stat\nsummary: x\n", encoding="utf-8")
    result = kbgen("build", "--engine", "zensical", cwd=project)
    assert result.returncode == 1
    assert "entities/actors/southland.yml:2:7: error: 'stat' is not an allowed value for 'kind'" in result.stdout
    assert not (project / "site").exists()


def test_a_zensical_strict_failure_lists_the_problem_without_a_traceback(tmp_path):
    project = _fixture_project(tmp_path, ["search", "kbgen"])
    (project / "docs" / "index.md").write_text("# Home\n\n[A page that is not there](nowhere.md)\n", encoding="utf-8")
    result = kbgen("build", "--engine", "zensical", cwd=project)
    assert result.returncode != 0
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # Zensical colours each character
    assert "nowhere.md" in output and "kbgen build: zensical stopped: Aborted because --strict flag is set" in result.stderr
    assert "Traceback" not in output and 'File "' not in output


SEARCH_INDEX = {"mkdocs": ("search/search_index.json", "docs"), "zensical": ("search.json", "items")}


@pytest.mark.parametrize("engine", SEARCH_INDEX)
def test_a_source_s_list_of_the_claims_citing_it_stays_out_of_search_and_each_claim_is_found_once(engine, tmp_path):
    """Zensical refuses a search section longer than its index can address, a limit that shrinks as
    the site grows (8,192 token positions at 65,000 sections: a 10,000-entity knowledge base). A
    source's "What this source supports" lists every claim citing it, so one much-cited source
    stopped the whole build. The list stays out of search; each claim is found on its entry's page."""
    project = _fixture_project(tmp_path, ["search", "kbgen"])
    (project / "entities/sources/long-survey.yml").write_text(
        'title: A Long Survey\npublished: "2025-08-01"\n', encoding="utf-8")
    for n in range(20):
        (project / f"entities/actors/party-{n}.yml").write_text(
            f"name: Party {n}\nkind: political-party\nsummary: A fictional party.\n"
            f"citations:\n  - source: long-survey\n    quote: the words marker{n} cites\n", encoding="utf-8")
    result = kbgen("build", "--engine", engine, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    index, key = SEARCH_INDEX[engine]
    sections = json.loads((project / "site" / index).read_text(encoding="utf-8"))[key]
    holding = sorted({item["location"].split("#")[0] for item in sections if re.search(r"\bmarker7\b", item["text"])})
    assert holding == ["actors/party-7/"]
    supports = next(item for item in sections if item["location"] == "sources/long-survey/#what-this-source-supports")
    assert supports["text"].startswith("<p>Every claim that cites this source")
    page = (project / "site" / "sources" / "long-survey" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"\bmarker\d+\b", page)) == 20  # every claim still shown to readers


def test_links_relative_to_the_source_file_for_an_engine_that_resolves_them_so():
    """Zensical resolves a page's raw-HTML links against its source file (actors/iran.md, folder
    actors/), MkDocs leaves them as written, relative to the built page (actors/iran/)."""
    from kbgen.core.urls import Urls

    assert Urls().link("actors/iran.md", "events/strike.md") == "../../events/strike/"
    assert Urls(source_relative=True).link("actors/iran.md", "events/strike.md") == "../events/strike/"
    assert Urls(source_relative=True).link("actors/iran.md", "actors/iran.json") == "iran.json"
    assert Urls(source_relative=True).link("actors/index.md", "index.md") == "../"
    assert Urls(directory_urls=False, source_relative=True).link("actors/iran.md", "events/strike.md") == "../events/strike.html"
    # A redirect is a file written as is, which no engine rewrites: relative to its own address.
    assert Urls(source_relative=True).redirect("actor", "old", "iran") == ("actors/old/index.html", "../iran/")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _page_text(url: str) -> str:
    from urllib.error import URLError
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (URLError, OSError):
        return ""


def _wait_for(condition, timeout: float = 90) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_zensical_serve_rebuilds_when_an_entity_changes_and_stops_its_server(tmp_path):
    """kbgen watches entities/ itself for Zensical, which knows nothing of them."""
    import signal
    import subprocess

    from conftest import BIN

    project = _fixture_project(tmp_path, ["search", "kbgen"])
    port = _free_port()
    server = subprocess.Popen([str(BIN / "kbgen"), "serve", "--engine", "zensical", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"http://127.0.0.1:{port}/actors/northland/"
    try:
        assert _wait_for(lambda: "fictional" in _page_text(page)), "the page was never served"
        entity = project / "entities/actors/northland.yml"
        entity.write_text(entity.read_text(encoding="utf-8").replace("A *fictional* state", "A *made-up* state"), encoding="utf-8")
        assert _wait_for(lambda: "made-up" in _page_text(page)), "the edit never reached the served page"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert _wait_for(lambda: _page_text(page) == "", timeout=15), "Zensical's server outlived kbgen serve"


def test_zensical_refuses_the_pagefind_option_which_only_the_plugin_engines_apply(tmp_path):
    project = _fixture_project(tmp_path, [{"kbgen": {"search": "pagefind"}}])
    result = kbgen("build", "--engine", "zensical", cwd=project)
    assert result.returncode == 1
    assert "search: pagefind needs the mkdocs or properdocs engine" in result.stderr
    assert "Traceback" not in result.stderr and not (project / "site").exists()
