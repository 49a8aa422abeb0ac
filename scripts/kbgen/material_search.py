"""Material's search index, built in a forked child while ``mkdocs build`` goes on.

Material's search plugin parses every page's HTML into sections (its ``SearchIndex``)
in the build's one process: a quarter of a big build. In a one-off build on a machine
with two cores, :func:`index_in_a_forked_process` puts a :class:`ForkedSearchIndex` in
its place, and a forked child runs Material's own ``SearchIndex`` on the pages. The
same code makes the same index, byte for byte: only where and when it runs changes.

Material indexes a page as MkDocs writes it (``on_page_context``), the last phase of a
build. The child gets each page as soon as it is converted (``on_page_content``, after
every other plugin's), so indexing overlaps the long Markdown phase instead of adding
to the writing one; when Material then asks for the page to be indexed, only a short
"commit" is sent, or the page again if anything in it changed since. Entries go into
the index in the order Material asks, as they would in one process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Optional

from . import fork

log = logging.getLogger("mkdocs.plugins.kbgen")


@dataclass(frozen=True)
class PageForSearch:
    """What Material's ``SearchIndex.add_entry_from_context`` reads of a page."""

    url: str
    title: Optional[str]
    meta: dict
    content: str
    toc: Any  # mkdocs.structure.toc.TableOfContents: AnchorLinks, pickled as they are


def _snapshot(page, content: str) -> PageForSearch:
    return PageForSearch(page.url, page.title, page.meta, content, page.toc)


class _ChildIndex:
    """The child's side: each page's entries made on arrival, added to Material's index on commit."""

    def __init__(self, index: Any):
        self.index = index
        self.converted: dict[str, list] = {}

    def entries(self, page: PageForSearch) -> list:
        one_page = type(self.index)(**self.index.config)
        one_page.add_entry_from_context(page)
        return one_page.entries

    def take(self, message: tuple) -> None:
        kind, key, page = message
        if kind == "converted":
            self.converted[key] = self.entries(page)
        else:  # "commit": Material indexes the page now; `page` is set if it changed since conversion
            entries = self.entries(page) if page is not None else self.converted.pop(key)
            self.converted.pop(key, None)
            self.index.entries.extend(entries)

    def finish(self) -> str:
        return self.index.generate_search_index(None)


class ForkedSearchIndex:
    """Stands in for Material's ``SearchIndex``: the same two methods, the work in a child."""

    def __init__(self, index: Any):
        child = _ChildIndex(index)
        # In the background: the index is wanted only when the build ends.
        self._child = fork.Sink(child.take, child.finish, background=True)
        self._sent: dict[str, tuple] = {}  # page -> what was sent for it, to see if it changed since

    def page_converted(self, page, content: str) -> None:
        """A page's HTML is final (MkDocs' ``on_page_content``, after every other plugin's)."""
        key = page.file.src_uri
        self._sent[key] = (content, page.meta, page.toc, page.title, page.url)
        self._child.send(("converted", key, _snapshot(page, content)))

    def add_entry_from_context(self, page) -> None:
        key = page.file.src_uri
        sent = self._sent.pop(key, None)
        unchanged = sent is not None and sent[0] is page.content and sent[1] is page.meta and \
            sent[2] is page.toc and sent[3:] == (page.title, page.url)
        self._child.send(("commit", key, None if unchanged else _snapshot(page, page.content)))

    def generate_search_index(self, prev) -> str:
        # A one-off build has no previous index (Material keeps one only under `mkdocs serve --dirty`).
        assert prev is None, "a forked search index is only used in one-off builds"
        return self._child.result()

    def close(self) -> None:
        self._child.close()


def index_in_a_forked_process(plugins) -> Optional[ForkedSearchIndex]:
    """Put a :class:`ForkedSearchIndex` in place of Material's search index, if Material's
    search plugin is in use and keeps its index where this version of Material does."""
    for plugin in plugins.values():
        index = getattr(plugin, "search_index", None)
        if type(plugin).__module__ == "material.plugins.search.plugin" and \
                type(index).__name__ == "SearchIndex" and plugin.config.enabled:
            plugin.search_index = ForkedSearchIndex(index)
            log.debug("Indexing the pages for search in a forked process")
            return plugin.search_index
    return None
