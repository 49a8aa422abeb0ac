"""Parts of a page that no search engine indexes, set aside while Material's search reads the page.

Material's search reads each page's HTML with Python's ``HTMLParser``, tag by tag, and leaves out
what is marked ``data-search-exclude``. Two kinds of kbgen's HTML are marked so and are most of the
tags of the pages that hold them, for none of their searchable text:

- drawings (:func:`kbgen.site.diagram.figure`): an SVG element for every box, line and label;
- lists no search shows (``html_list(searchable=false)``, a source's "What this source supports"),
  framed by :data:`kbgen.site.markup.UNINDEXED_START` and ``UNINDEXED_END`` inside their marked
  ``<div>``.

Set aside just before the search plugin reads the page and put back just after, they are never
parsed, and the page and the search index are what they would be without. No entity text can open
or close either: prose keeps no ``figure`` element or comment (:data:`kbgen.core.prose.ALLOWED_TAGS`,
comments stripped), other text is escaped. Another plugin whose ``on_page_context`` runs between the
two (at a priority from 99 down to -99) sees the comments, not the parts set aside.
"""

from __future__ import annotations

import secrets

from ..site.markup import UNINDEXED_END, UNINDEXED_START

FIGURE_START = '<figure class="kb-graph '
FIGURE_END = "</figure>"
FRAMES = ((FIGURE_START, FIGURE_END), (UNINDEXED_START, UNINDEXED_END))
"""Where each kind of part set aside starts and ends (both kept with it)."""


class SetAside:
    """The unindexed parts of the page being indexed, each replaced by a comment the parser skips."""

    def __init__(self) -> None:
        # Unguessable, so that no page's own text can hold one.
        self._mark = f"<!--kbgen-unindexed-{secrets.token_hex(8)}-"
        self._parts: list[str] = []

    def take(self, content: str) -> str:
        """``content`` without its unindexed parts, which are kept for :meth:`put_back`."""
        self._parts = []
        for start_text, end_text in FRAMES:
            if start_text not in content:
                continue
            pieces, position = [], 0
            while True:
                start = content.find(start_text, position)
                end = content.find(end_text, start) if start >= 0 else -1
                if end < 0:
                    break
                end += len(end_text)
                pieces += (content[position:start], f"{self._mark}{len(self._parts)}-->")
                self._parts.append(content[start:end])
                position = end
            pieces.append(content[position:])
            content = "".join(pieces)
        return content

    def put_back(self, content: str) -> str:
        """``content`` with the parts :meth:`take` kept in their places again."""
        # Last taken first: a part taken later may hold the mark of one taken earlier.
        for number in reversed(range(len(self._parts))):
            content = content.replace(f"{self._mark}{number}-->", self._parts[number], 1)
        self._parts = []
        return content
