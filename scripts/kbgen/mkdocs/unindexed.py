"""Relationship drawings set aside while Material's search indexes a page.

Material's search reads each page's HTML with Python's ``HTMLParser``, tag by tag, and leaves out
what is marked ``data-search-exclude``. kbgen's drawings (:func:`kbgen.site.diagram.figure`, marked
so) hold an SVG element for every box, line and label: on an entry's page they are most of its
tags and none of its searchable text. Set aside just before the search plugin reads the page and
put back just after, they are never parsed, and the page and the search index are what they would
be without. No entity text can open such a figure: prose keeps no ``figure`` element
(:data:`kbgen.core.prose.ALLOWED_TAGS`), other text is escaped. Another plugin whose
``on_page_context`` runs between the two (at a priority from 99 down to -99) sees the comments, not
the drawings.
"""

from __future__ import annotations

import secrets

FIGURE_START = '<figure class="kb-graph '
FIGURE_END = "</figure>"


class SetAside:
    """The drawings of the page being indexed, each replaced by a comment the parser skips."""

    def __init__(self) -> None:
        # Unguessable, so that no page's own text can hold one.
        self._mark = f"<!--kbgen-drawing-{secrets.token_hex(8)}-"
        self._drawings: list[str] = []

    def take(self, content: str) -> str:
        """``content`` without its drawings, which are kept for :meth:`put_back`."""
        self._drawings = []
        if FIGURE_START not in content:
            return content
        parts, position = [], 0
        while True:
            start = content.find(FIGURE_START, position)
            end = content.find(FIGURE_END, start) if start >= 0 else -1
            if end < 0:
                break
            end += len(FIGURE_END)
            parts += (content[position:start], f"{self._mark}{len(self._drawings)}-->")
            self._drawings.append(content[start:end])
            position = end
        parts.append(content[position:])
        return "".join(parts)

    def put_back(self, content: str) -> str:
        """``content`` with the drawings :meth:`take` kept in their places again."""
        for number, drawing in enumerate(self._drawings):
            content = content.replace(f"{self._mark}{number}-->", drawing, 1)
        self._drawings = []
        return content
