"""End to end: real MkDocs + Material builds, the SPEC's URLs, links that resolve, complete data."""

import json
import subprocess


from conftest import BIN, REPO, VALID, assert_written_values_published, docs_copy, make_knowledge_base, mkdocs_build, site_config
from sitecheck import broken_links, external_urls, parse, target_file
from kbgen.source import read_documents

SPEC_URLS = ["/actors/", "/events/", "/recommendations/", "/sources/"]


def test_fixture_site_has_every_page_at_its_url(fixture_site):
    loaded = read_documents(VALID)
    for url in SPEC_URLS:
        assert target_file(fixture_site, url).is_file(), url
    for doc in loaded.documents:
        url = f"/{doc.type}s/{doc.id}/"
        assert target_file(fixture_site, url).is_file(), url


def test_fixture_site_links_all_resolve(fixture_site):
    assert broken_links(fixture_site) == []


def test_no_request_to_another_host(fixture_site):
    assert external_urls(fixture_site) == []


def test_entity_page_links_both_ways_and_cites(fixture_site):
    links = [url for tag, url in parse(target_file(fixture_site, "/actors/river-brigade/")).links if tag == "a"]
    assert "../southland/" in links  # relation
    assert "../../events/border-post-attack/" in links  # timeline and "Referenced by"
    assert "../../recommendations/resume-talks/" in links  # "Referenced by"
    assert "../../sources/field-report/" in links  # citation
    southland = target_file(fixture_site, "/actors/southland/").read_text(encoding="utf-8")
    assert "Has proxy" in southland and "../river-brigade/" in southland
    html = target_file(fixture_site, "/actors/river-brigade/").read_text(encoding="utf-8")
    assert "“widely seen as a proxy of Southland”" in html


def test_timeline_is_in_date_order(fixture_site):
    html = target_file(fixture_site, "/events/").read_text(encoding="utf-8")
    assert html.index("June 2025 – July 2025 (approximate)") < html.index("22 June 2025")


def test_search_index_holds_what_readers_search_for_not_the_citation_boilerplate(fixture_site):
    """Entity pages are searchable by their text and the quotes they cite; the "Cite this page"
    blocks, which repeat each title in two formats, stay out of the index."""
    docs = json.loads((fixture_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    page = " ".join(d["text"] for d in docs if d["location"].startswith("actors/river-brigade/"))
    assert "A militia in" in page and "widely seen as a proxy of Southland" in page
    texts = " ".join(d["text"] for d in docs)
    assert "@misc{" not in texts and "Accessed [date]" not in texts


def test_kb_json_holds_every_field_of_every_file(fixture_site):
    data = json.loads((fixture_site / "data" / "kb.json").read_text(encoding="utf-8"))
    for doc in read_documents(VALID).documents:
        published = next(e for e in data["entities"][doc.type + "s"] if e["id"] == doc.id)
        assert_written_values_published(published, doc.data, doc.path)


def test_plain_mkdocs_builds_generated_pages_without_the_plugin(tmp_path):
    docs = docs_copy(tmp_path / "docs")
    result = subprocess.run([str(BIN / "kbgen"), "generate", "--root", str(VALID), "--out", str(docs)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    result = mkdocs_build(site_config(VALID, docs, tmp_path / "site", plugin=False), tmp_path)
    assert result.returncode == 0, result.stderr
    assert target_file(tmp_path / "site", "/actors/river-brigade/").is_file()
    assert broken_links(tmp_path / "site") == []


def test_build_stops_with_the_validate_messages(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml": "name: Southland\nkind: stat\nsummary: x\n"})
    validate = subprocess.run([str(BIN / "kbgen"), "validate", "--root", str(root)], capture_output=True, text=True)
    result = mkdocs_build(site_config(root, docs_copy(tmp_path / "docs"), tmp_path / "site"), tmp_path)
    assert result.returncode == 1
    for line in validate.stdout.splitlines():
        assert line in result.stderr
    assert "Traceback" not in result.stderr


def test_edit_link_points_at_the_yaml_file(tmp_path):
    # As in a repository: docs/ beside entities/, edit_uri naming the docs folder.
    root = make_knowledge_base(tmp_path / "repo")
    extra = {"repo_url": "https://example.org/kb", "edit_uri": "edit/main/docs/"}
    result = mkdocs_build(site_config(root, docs_copy(root / "docs"), tmp_path / "site", extra=extra), tmp_path)
    assert result.returncode == 0, result.stderr
    html = target_file(tmp_path / "site", "/actors/river-brigade/").read_text(encoding="utf-8")
    assert 'href="https://example.org/kb/edit/main/entities/actors/river-brigade.yml"' in html


def test_repository_site_builds_with_every_page_and_working_links(repo_site):
    for url in SPEC_URLS + ["/", "/about/", "/data/kb.json"]:
        assert target_file(repo_site, url).is_file(), url
    for doc in read_documents(REPO).documents:
        assert target_file(repo_site, f"/{doc.type}s/{doc.id}/").is_file(), doc.path
    assert broken_links(repo_site) == []
    assert external_urls(repo_site) == []


def test_a_source_s_unindexed_list_is_set_aside_while_material_s_search_reads_its_page(fixture_site):
    """The "What this source supports" list, which no search shows, is never parsed by Material's
    search: set aside (with any drawing) just before it reads the page, put back just after."""
    from kbgen.mkdocs.unindexed import SetAside

    html = target_file(fixture_site, "/sources/field-report/").read_text(encoding="utf-8")
    assert "proxy of Southland: “widely seen as a proxy of Southland”" in html
    aside = SetAside()
    taken = aside.take(html)
    assert "widely seen as a proxy of Southland" not in taken and "Talks should resume." not in taken
    assert "<div data-search-exclude data-pagefind-ignore>" in taken and "What this source supports" in taken
    assert aside.put_back(taken) == html
    docs = json.loads((fixture_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    page = " ".join(d["text"] + d["title"] for d in docs if d["location"].startswith("sources/field-report/"))
    assert "A Field Report on Northland" in page and "widely seen as a proxy of Southland" not in page
