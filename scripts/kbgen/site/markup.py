"""Text made safe for a generated Markdown page, and the HTML kbgen writes into pages itself.

Entity text is only ever data: every ``{{ value }}`` in a template passes through
:func:`md_escape` (the environment's ``finalize``) unless it is :class:`~markupsafe.Markup`
made by kbgen. HTML that kbgen renders itself is framed by :func:`passthrough` so that a
Markdown parser with kbgen's extension (``kbgen.passthrough``) hands it through unparsed.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from markupsafe import Markup, escape

from ..model import Entity

# Characters that open or delimit Markdown (core and pymdownx: emphasis, code,
# links, attribute lists, tables, critic/mark/caret/tilde, keys, emoji, math, magic
# links), raw HTML and character references. Line-start-only syntax ("- ",
# "1. ") cannot occur because templates never start a line with a value.
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_{}\[\]#!|~^=:<>&$@+]")


def md_escape(value: Any) -> str:
    """Plain text made inert for Markdown and HTML: every special character becomes a character reference.

    Character references survive every Markdown extension unchanged and the
    browser shows the original character, so a name like ``[x](javascript:…)``
    or ``<b>`` or ``*A*`` reads exactly as written and does nothing.
    """
    if isinstance(value, Markup):
        return value
    text = str(value)
    text = _MARKDOWN_SPECIALS.sub(_character_reference, text)
    # A line break would end a list item or table cell; text fields are one line on a page.
    # (Looked for before the substitution: this runs for every value on every page.)
    return _LINE_BREAKS.sub(" ", text) if "\n" in text or "\r" in text else text


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _character_reference(match: re.Match) -> str:
    return f"&#{ord(match.group())};"


def front_matter_text(value: Any) -> Markup:
    """Plain text as a YAML front-matter string that themes print as HTML.

    MkDocs takes a page's title from its first heading, where the title is our
    character references; Material then prints it with ``| striptags``, which
    decodes them, into ``<title>`` unescaped: a name ``</title><script>`` would
    run. A front-matter ``title`` wins over the heading and Material prints it
    as it is, so it is given here as HTML-escaped text, inside a double-quoted
    YAML string that no character can end early.

    JSON's string syntax is YAML's double-quoted one; what YAML reads differently
    (line breaks JSON leaves as they are, characters YAML does not allow
    unescaped) is escaped too (``yaml.safe_dump`` gives the same text, much more slowly).
    """
    html = str(escape(str(value)))
    return Markup(_YAML_UNSAFE.sub(_yaml_escape, json.dumps(html, ensure_ascii=False)))


# Outside YAML's printable set, a YAML line break (NEL, LS, PS: folded into a space) or a byte order mark.
_YAML_UNSAFE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _yaml_escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


PASSTHROUGH_START = "<!-- kbgen:html -->"
PASSTHROUGH_END = "<!-- /kbgen:html -->"

UNINDEXED_START = "<!-- kbgen:unindexed -->"
UNINDEXED_END = "<!-- /kbgen:unindexed -->"
"""The frame of a block every search engine skips (it is inside an element marked so), framed
again so a search plugin's HTML parser can be spared it (:mod:`kbgen.mkdocs.unindexed`): the
end of a ``<div>`` that holds other ``<div>``s cannot be found without parsing them."""


def passthrough(html: str) -> Markup:
    """``html`` (one or more block-level elements, already safe) framed as a Markdown block of its own
    that kbgen's Markdown extension (:mod:`kbgen.passthrough`) sets aside unparsed. Without the
    extension the frame lines are ordinary HTML comments and the block ordinary raw HTML, so the
    page stays valid Markdown for any site generator."""
    return Markup(f"{PASSTHROUGH_START}\n{html.strip()}\n{PASSTHROUGH_END}")


class Footnotes:
    """One page's citation notes, written as the HTML Python-Markdown's footnotes extension makes
    of ``[^n]`` references and ``[^n]: ...`` definitions, so that Markdown has none to find.
    Notes are numbered in the order of ``Entity.all_citations``; a second reference to a note
    gets the id ``fnref2:n`` and the note a second way back, as the extension does. Material's
    footnote tooltips read the same HTML."""

    def __init__(self, entity: Entity):
        self.citations = entity.all_citations()
        self._numbers = {citation.key: number for number, citation in enumerate(self.citations, start=1)}
        self._references: dict[int, int] = {}  # note number -> references made so far

    def refs(self, citations: Iterable) -> Markup:
        """The superscript links to the notes of ``citations``, in order."""
        html = []
        for citation in citations:
            number = self._numbers[citation.key]
            count = self._references[number] = self._references.get(number, 0) + 1
            html.append(f'<sup id="{_reference_id(number, count)}"><a class="footnote-ref" href="#fn:{number}">{number}</a></sup>')
        return Markup("".join(html))

    def backlinks(self, number: int) -> Markup:
        """The links from note ``number`` back to each reference to it (one even if there is none)."""
        title = f"Jump back to footnote {number} in the text"
        return Markup("".join(f'<a class="footnote-backref" href="#{_reference_id(number, count)}" title="{title}">&#8617;</a>'
                              for count in range(1, max(self._references.get(number, 0), 1) + 1)))


def _reference_id(number: int, count: int) -> str:
    return f"fnref:{number}" if count == 1 else f"fnref{count}:{number}"
