"""The one scheme of addresses (kbgen.core.urls): relative links computed without the file system,
equal to what posixpath and MkDocs compute, with directory URLs and without."""

import itertools
import posixpath

import pytest
from mkdocs.utils import get_relative_url

from kbgen.core.urls import Urls, relative

PAGES = ["index.md", "tags.md", "actors/index.md", "actors/iran.md", "events/x.md",
         "editors/vocabularies.md", "actors/index-x.md", "a/b/c.md", "a/b/index.md", "tags/x/index.md"]
FILES = ["actors/iran.json", "data/kb.json", "data/csv/actors.csv", "events.atom", "a/b/c.json"]


def test_relative_equals_posixpath_relpath():
    for source, target in itertools.product(PAGES, PAGES + FILES):
        assert relative(source, target) == posixpath.relpath(target, posixpath.dirname(source) or "."), (source, target)


def _mkdocs_url(path: str, directory_urls: bool) -> str:
    """The address MkDocs gives a file (mkdocs.structure.files.File.url), from the site root."""
    from mkdocs.structure.files import File

    file = File(path, "/docs", "/site", directory_urls)
    return file.url


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory URLs", ".html URLs"])
def test_every_link_is_the_address_mkdocs_gives_the_target_relative_to_the_page(directory_urls):
    urls = Urls(directory_urls)
    for page, target in itertools.product(PAGES, PAGES + FILES):
        built, wanted = _mkdocs_url(page, directory_urls), _mkdocs_url(target, directory_urls)
        assert urls.page(target) == ("" if wanted == "./" else wanted), target
        assert urls.link(page, target) == get_relative_url(wanted, built), (page, target)


def test_addresses_with_directory_urls_and_without():
    with_folders, with_files = Urls(True), Urls(False)
    assert with_folders.link("actors/iran.md", "tags.md") == "../../tags/"
    assert with_files.link("actors/iran.md", "tags.md") == "../tags.html"
    assert with_folders.link("actors/index.md", "actors/iran.md") == "iran/"
    assert with_files.link("actors/index.md", "actors/iran.md") == "iran.html"
    assert with_folders.link("events/x.md", "index.md") == "../../"
    assert with_files.link("events/x.md", "index.md") == "../index.html"
    assert with_folders.written("actors/iran.md") == "actors/iran/index.html"
    assert with_files.written("actors/iran.md") == "actors/iran.html"
    assert with_folders.redirect("actor", "old", "new") == ("actors/old/index.html", "../new/")
    assert with_files.redirect("actor", "old", "new") == ("actors/old.html", "new.html")


def test_addresses_for_readers_outside_the_site():
    assert Urls(True, "https://kb.example.org/").absolute("actors/iran.md") == "https://kb.example.org/actors/iran/"
    assert Urls(False, "https://kb.example.org").absolute("actors/iran.md") == "https://kb.example.org/actors/iran.html"
    assert Urls(True).absolute("events.atom") == "events.atom"  # relative to a feed at the root
    assert Urls(True).permalink("actors/iran.md") == "/actors/iran/"
    assert Urls(True, "https://kb.example.org/").permalink("actors/iran.md") == "https://kb.example.org/actors/iran/"
