"""Material's search index, built in a forked child while ``mkdocs build`` writes the pages.

Material's search plugin parses every page's HTML into sections (its ``SearchIndex``)
in the build's one process: a quarter of a big build. In a one-off build on a machine
with two cores, :func:`index_in_a_forked_process` puts a stand-in in its place that
sends each page's HTML, table of contents, URL, title and front matter to a forked
child; the child runs Material's own ``SearchIndex`` on them, and the index it returns
is the one Material writes. The same code makes the same index: only where it runs changes.
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


class ForkedSearchIndex:
    """Stands in for Material's ``SearchIndex``: the same two methods, the work in a child."""

    def __init__(self, index: Any):
        self._index = index
        self._child = fork.Sink(index.add_entry_from_context, lambda: index.generate_search_index(None))

    def add_entry_from_context(self, page) -> None:
        self._child.send(PageForSearch(page.url, page.title, page.meta, page.content, page.toc))

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
