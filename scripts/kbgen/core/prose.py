"""Prose fields (summary, rationale, risks, notes): CommonMark limited to text formatting and links.

Prose is converted by cmark-gfm, GitHub's C implementation of the CommonMark
spec, not by the site's Python-Markdown: it is converted on its own and
sanitised before it is placed in a page, so the two never need to agree, and
the same conversion serves validation, pages and feeds (:func:`render_prose`).

Two lines of defence, one definition of what is allowed:

1. :func:`prose_problems` (run by the model, so ``kbgen validate`` reports it
   with a file and line) refuses what a reader would not get: raw HTML, and any
   element, attribute or link the sanitiser would remove (headings, images,
   ``javascript:`` links...). An editor learns their text would be lost instead
   of it vanishing silently.
2. :func:`sanitise` cleans the HTML with nh3 on the same allow-list at render
   time, whatever got through.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from typing import Iterable, Optional

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote", "br", "del", "sub", "sup"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_DESCRIBED = {
    **{f"h{n}": "a heading ('#')" for n in range(1, 7)},
    "img": "an image ('![...](...)'; images would make readers' browsers contact other hosts)",
    "pre": "a code block (indented lines)",
    "hr": "a horizontal rule",
}

# Prose is short (the longest summary in the repository is under 1,000 characters), so these
# limits cost editors nothing and keep every field's work small whatever converts it
# (Python-Markdown's inline parser, which prose used first, is superlinear on runs of '[').
MAX_PROSE_CHARACTERS = 10_000
MAX_PROSE_BRACKETS = 100
"""At most this many '[' (links) and this many '<' in one prose field."""
MAX_PROSE_DEPTH = 12
"""At most this many elements inside one another (quotes in lists in quotes...): the site's later
stages (Python-Markdown's raw-HTML handling, the search indexer) slow down with depth, which
10,000 characters of '> > > ...' would otherwise take to 4,000 levels."""
_OPEN_OR_CLOSE = re.compile(r"<(/?)(?!br\b)[a-z]")

# cmark's safe mode writes this in place of raw HTML; an editor cannot write it
# as text, since their own "<!--" would be raw HTML too.
_RAW_HTML_OMITTED = "<!-- raw HTML omitted -->"
_HTML_TAG_IN_TEXT = re.compile(r"<[A-Za-z/!?][^>\n]*>?")


@functools.lru_cache(maxsize=65_536)
def _convert(text: str) -> tuple[str, bool]:
    """The prose as HTML (raw HTML kept, for the sanitiser and the checks to see), and whether it had raw HTML.

    Cached: validation (:func:`prose_problems`) and rendering (:func:`clean_html`)
    convert the same texts in one build.
    """
    # cmark ends its output with a line break; in a page, a blank line would end the raw HTML block around it.
    html = cmarkgfm.markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE).rstrip("\n")
    has_raw_html = "<" in text and _RAW_HTML_OMITTED in cmarkgfm.markdown_to_html(text)
    return html, has_raw_html


def to_html(text: str) -> str:
    """The prose as HTML, before sanitising: the same conversion for checking and rendering."""
    return _convert(text)[0]


@functools.lru_cache(maxsize=65_536)
def clean_html(text: str) -> str:
    """The prose as a reader gets it: converted, then sanitised."""
    return sanitise(to_html(text))


def render_prose(text: str) -> Markup:
    """Prose as a reader gets it, as one block of HTML: converted, sanitised (no raw HTML,
    attributes or script URLs survive), in a ``kb-prose`` block that no Markdown parser needs
    to read again (no attribute lists, no second pass)."""
    return Markup(f'<div class="kb-prose">\n{clean_html(text)}\n</div>')


# One cleaner for every field: nh3 builds its allow-list once here, not again at each call.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitise(html: str) -> str:
    """nh3 on the allow-list, then braces as character references.

    The result sits in a raw-HTML block of a generated Markdown page; braces
    made inert there mean no Markdown preprocessor or page-templating plugin
    (attribute lists, CriticMarkup, mkdocs-macros' ``{{ }}``) can act on entity text.
    """
    return _CLEANER.clean(html).replace("{", "&#123;").replace("}", "&#125;")


# cmark's output is regular: every tag is "<name", then attributes as ' name="value"'.
_TAG = re.compile(r"<([a-z][a-z0-9]*)([^>]*)>")
_ATTRIBUTES = re.compile(r'(?:\s[a-z]+="[^"]*")*\s*/?')
_ATTRIBUTE = re.compile(r'\s([a-z]+)="([^"]*)"')
_SAFE_HREF = re.compile(r"(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def _depth(html: str) -> int:
    """How many elements deep converted prose goes (cmark's output closes every element it opens)."""
    depth = deepest = 0
    for closing in _OPEN_OR_CLOSE.findall(html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def _allowed_links(html: str) -> Optional[list[str]]:
    """The link targets of converted prose that plainly holds only allowed elements, attributes
    and link targets; None when it may hold anything else.

    A quick look for the common case (nearly every field), and a conservative one:
    anything unusual gives None, and the exact comparison with the sanitiser's
    output decides.
    """
    links = []
    for tag, attributes in _TAG.findall(html):
        if tag not in ALLOWED_TAGS or not _ATTRIBUTES.fullmatch(attributes):
            return None
        for name, value in _ATTRIBUTE.findall(attributes):
            if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
                return None
            if name == "href":
                if "&" in value or not _SAFE_HREF.match(value):
                    return None
                links.append(value)
    return links


class _Elements(HTMLParser):
    """Every element and attribute in an HTML fragment, with character references decoded."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.attributes: Counter = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            if name != "rel":  # added by the sanitiser to links
                self.attributes[(tag, name, value)] += 1

    handle_startendtag = handle_starttag


def prose_problems(text: str) -> list[str]:
    """Why this prose would not reach a reader as written; empty when it would."""
    if len(text) > MAX_PROSE_CHARACTERS:
        return [f"prose is {len(text):,} characters; the limit is {MAX_PROSE_CHARACTERS:,}: shorten it"]
    for char, what in (("[", "'[' (links)"), ("<", "'<'")):
        if text.count(char) > MAX_PROSE_BRACKETS:
            return [f"prose has {text.count(char):,} {what}; the limit is {MAX_PROSE_BRACKETS} per field"]
    html, has_raw_html = _convert(text)
    if has_raw_html:
        found = _HTML_TAG_IN_TEXT.search(text)
        shown = "" if found is None else found.group().strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        return [f"raw HTML is not allowed in prose (found {shown}); use Markdown (*emphasis*, **strong**, "
                "[text](https://...)) and write &lt; for a literal '<'"]
    # No deeper than the elements it opens: most prose opens a handful, and needs no count of depth.
    depth = _depth(html) if html.count("<") - html.count("</") > MAX_PROSE_DEPTH else 0
    if depth > MAX_PROSE_DEPTH:
        return [f"prose nests {depth:,} levels deep (quotes, lists, emphasis inside one another); "
                f"the limit is {MAX_PROSE_DEPTH}"]
    links = _allowed_links(html)
    if links is not None:
        return _relative_link_problems(unescape(value) for value in links)
    before, after = _Elements(html), _Elements(clean_html(text))
    problems = []
    for tag in sorted(before.tags - after.tags):
        problems.append(f"{_DESCRIBED.get(tag, f'<{tag}>')} is not allowed in prose; only text formatting and links")
    # A target with a colon before any '/', '?' or '#' and no allowed scheme is not
    # a relative address either (RFC 3986 forbids that), though the sanitiser keeps
    # it: cmark percent-encodes "java&#x0A;script:" into such a target.
    odd_targets = {(tag, name, value) for (tag, name, value) in after.attributes
                   if name == "href" and not _SAFE_HREF.match(value)}
    for tag, name, value in sorted((before.attributes - after.attributes) + Counter(odd_targets), key=str):
        if tag not in ALLOWED_TAGS:
            continue  # already reported with its element
        if name == "href":
            schemes = ", ".join(f"{s}:" for s in sorted(ALLOWED_URL_SCHEMES))
            problems.append(f"link target '{value}' is not allowed; links start with {schemes} or are relative")
        else:
            problems.append(f"attribute '{name}' on <{tag}> is not allowed in prose")
    return problems + _relative_link_problems(value for (tag, name, value) in after.attributes
                                              if name == "href" and tag in ALLOWED_TAGS and (tag, name, value) not in odd_targets)


_ABSOLUTE_HREF = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def _relative_link_problems(targets: Iterable[str]) -> list[str]:
    """Links in prose must name their host. A relative one ('../x/', 'iran.md') is not checked as a
    reference is, reaches the page as written and resolves elsewhere in a feed or an export."""
    relative = sorted({target for target in targets if not _ABSOLUTE_HREF.match(target)})
    if not relative:
        return []
    shown = ", ".join(f"'{t if len(t) <= 60 else t[:57] + '...'}'" for t in relative[:5]) + (", ..." if len(relative) > 5 else "")
    return [f"relative link {shown} is not allowed in prose: nothing checks where it leads, and it leads "
            "elsewhere in the Atom feed; name entities in the reference fields (participants, concerns, "
            "motivated_by, relations, part_of), which are checked, or link a full https:// address"]
