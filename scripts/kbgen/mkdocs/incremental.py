"""``mkdocs serve --dirty``: after an edit MkDocs rebuilds only the generated files whose content
changed, and the site stays what a clean build of the same files makes.

- :class:`GeneratedFile` is a MkDocs file that reports itself modified (:meth:`File.is_modified`,
  which a dirty build asks before reading, rendering and writing a page or copying a file) only
  when its content differs from the one written by the last build that succeeded, or when its
  output is missing.
- :class:`KeptFiles` gives a build the generated files of the build before whose content did not
  change, so MkDocs does not make them and work out their paths and URLs again: tens of thousands of
  files for a large knowledge base, each edit.
- :func:`remove_stale` deletes what the last build wrote for generated files that are gone (an
  entity deleted or renamed): a dirty build never cleans the site folder.
- :class:`SearchPages` keeps Material's search index complete. A dirty build indexes only the
  pages it rebuilds, and Material's search, which merges them into its previous index, assumes
  one rebuilt page; kbgen takes the entries Material's search made of each rebuilt page (from
  its public ``search_index``, so no page is parsed twice), keeps each page's entries across
  builds, and writes the index of every page after Material's: Material's own empty index (its
  public ``SearchIndex``) with each page's entries, encoded once when the page is rebuilt, joined
  into its list.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Collection, Optional

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.kbgen")

SEARCH_INDEX = os.path.join("search", "search_index.json")


class GeneratedFile(File):
    """A generated file that a dirty build rebuilds only when its content changed (``changed``)."""

    changed: bool = True
    output_present: Optional[bool] = None
    """Whether its output is there, once a build asked (MkDocs asks up to three times a build)."""

    def is_modified(self) -> bool:
        if self.changed:
            return True
        if self.output_present is None:
            self.output_present = os.path.isfile(self.abs_dest_path)
        return not self.output_present


class KeptFiles:
    """The generated files of the last build that succeeded, for the next build of the same
    configuration. A file is given again only with the same content (the caller checks), and
    without its page: MkDocs makes each build's pages of its files (a page holds its HTML, and a
    rebuild makes again only the pages whose files changed). What else MkDocs works out of a file,
    its output path and URL from the site folder and ``use_directory_urls``, and which of
    ``exclude_docs``, ``draft_docs`` and ``not_in_nav`` it is in, is the same while those settings are."""

    def __init__(self) -> None:
        self._files: dict[str, GeneratedFile] = {}
        self._settings: Optional[tuple] = None

    @staticmethod
    def _settings_of(config) -> tuple:
        return (config.docs_dir, config.site_dir, config.use_directory_urls,
                config.exclude_docs, config.draft_docs, config.not_in_nav)

    def keep(self, config, files: Collection[GeneratedFile]) -> None:
        """The files of a build that succeeded; their pages are let go."""
        for file in files:
            file.page = None
            file.changed = False
            file.output_present = None  # asked again by the next build
        self._files = {file.src_uri: file for file in files}
        self._settings = self._settings_of(config)

    def for_build(self, config) -> dict[str, GeneratedFile]:
        """The kept files by path, for a build of ``config`` (none when its settings differ). Once
        given, they are let go: a build that fails keeps nothing of them."""
        files, self._files = self._files, {}
        return files if self._settings == self._settings_of(config) else {}


def remove_stale(previous: dict[str, str], generated: Collection[str], files: Files) -> None:
    """Delete each output in ``previous`` (source path -> output written) of a generated file that is
    gone (not in ``generated``), unless a current file writes the same output."""
    gone = [dest for path, dest in previous.items() if path not in generated]
    if not gone:
        return  # the usual edit: no file went away, and no output path need be worked out
    current = {file.abs_dest_path for file in files}
    for dest in set(gone) - current:
        try:
            os.remove(dest)
        except FileNotFoundError:
            continue
        try:
            os.rmdir(os.path.dirname(dest))  # a page's folder with directory URLs, once empty
        except OSError:
            pass


def material_search(config) -> Optional[object]:
    """The Material search plugin of this site, when it is enabled."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ == "material.plugins.search.plugin" and plugin.config.enabled:
            return plugin
    return None


class SearchPages:
    """Each page's search entries, by page URL, across the dirty builds of one ``mkdocs serve``."""

    def __init__(self) -> None:
        self.entries: dict[str, list[dict]] = {}
        self._encoded: dict[str, str] = {}  # each page's entries as the index's JSON writes them
        self._search = None
        self._start = 0
        self._built: dict[str, list[dict]] = {}

    def begin(self, search) -> None:
        """A build starts (after Material's search made its new index, in its ``on_config``);
        ``search``: the site's Material search plugin (:func:`material_search`), or None."""
        self._built = {}
        self._search = search

    def before(self) -> None:
        """Material's search is about to index a page: its entries so far are not this page's."""
        if self._search is not None:
            self._start = len(self._search.search_index.entries)

    def after(self, page) -> None:
        """Material's search indexed ``page``, which this build rebuilt: the entries it added are the page's."""
        if self._search is not None:
            self._built[page.url] = self._search.search_index.entries[self._start:]

    def write(self, config, pages: list) -> None:
        """After Material's search wrote its index: the index of every page, each with the entries
        of the build that last rebuilt it, in the order of ``pages`` (as a clean build has them)."""
        if self._search is None:
            return
        from material.plugins.search.plugin import SearchIndex

        urls = [page.url for page in pages]
        self.entries.update(self._built)
        self.entries = {url: self.entries[url] for url in urls if url in self.entries}
        empty = SearchIndex(**self._search.config).generate_search_index(None)
        if not empty.endswith(_NO_DOCS):  # not the layout this knows: Material writes the whole index
            index = SearchIndex(**self._search.config)
            index.entries = [entry for url in urls for entry in self.entries.get(url, [])]
            text = index.generate_search_index(None)
        else:
            # Only the rebuilt pages' entries are encoded again: the index is the same JSON as
            # Material's, its "docs" list joined from each page's encoded entries.
            self._encoded = {url: self._encoded[url] if url in self._encoded and url not in self._built
                             else _entries_json(entries) for url, entries in self.entries.items()}
            docs = ",".join(text for text in self._encoded.values() if text)  # in the order of pages
            text = empty[: -len(_NO_DOCS)] + '"docs":[' + docs + "]}"
        with open(os.path.join(config.site_dir, SEARCH_INDEX), "w", encoding="utf-8") as file:
            file.write(text)
        self._search = None


_NO_DOCS = '"docs":[]}'
"""How Material's search index ends when it has no entries: its list of entries is the last member."""


def _entries_json(entries: list[dict]) -> str:
    """A page's entries as Material's index writes them (its ``json.dumps`` arguments), without the brackets."""
    return json.dumps(entries, separators=(",", ":"), default=str)[1:-1]
