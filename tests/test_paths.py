"""Relative addresses between pages: computed without the file system, equal to posixpath's."""

import itertools
import posixpath

from kbgen.paths import file_url, page_url, relative

PAGES = ["index.md", "tags.md", "actors/index.md", "actors/iran.md", "events/x.md",
         "editors/vocabularies.md", "actors/index-x.md", "a/b/c.md", "a/b/index.md"]


def test_relative_equals_posixpath_relpath():
    for source, target in itertools.product(PAGES, PAGES):
        assert relative(source, target) == posixpath.relpath(target, posixpath.dirname(source) or "."), (source, target)


def test_page_url_uses_directory_urls():
    assert page_url("actors/iran.md", "tags.md") == "../../tags/"
    assert page_url("actors/index.md", "actors/iran.md") == "iran/"
    assert page_url("actors/iran.md", "actors/iran.md") == "./"
    assert page_url("events/x.md", "index.md") == "../../"
    assert page_url("index.md", "events/x.md") == "events/x/"
    assert page_url("graph.md", "actors/index.md") == "../actors/"


def test_file_url_is_the_address_mkdocs_gives_a_file_linked_from_a_page():
    from mkdocs.utils import get_relative_url

    files = ["actors/iran.json", "data/kb.json", "data/csv/actors.csv", "events.atom", "a/b/c.json"]
    for page, target in itertools.product(PAGES, files):
        stem = posixpath.splitext(page)[0]
        built = "" if stem == "index" else (stem[:-len("index")] if stem.endswith("/index") else stem + "/")
        assert file_url(page, target) == get_relative_url(target, built or "."), (page, target)
