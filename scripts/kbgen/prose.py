"""Prose fields (summary, rationale, risks, notes): Markdown limited to text formatting and links.

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
from collections import Counter
from html.parser import HTMLParser

import markdown
import nh3

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

# Python-Markdown's inline parser is superlinear on pathological text: 4,000 '['
# take seconds, 50,000 take hours, and a pull request's build would hang. Prose is
# short (the longest summary in the repository is under 1,000 characters), so
# these limits cost editors nothing and bound the work per field to well under a second.
MAX_PROSE_CHARACTERS = 10_000
MAX_PROSE_BRACKETS = 100
"""At most this many '[' (links) and this many '<' in one prose field."""

_markdown = markdown.Markdown(extensions=[], output_format="html")


@functools.lru_cache(maxsize=65_536)
def _convert(text: str) -> tuple[str, tuple[str, ...]]:
    """The prose as HTML, and the raw-HTML blocks Python-Markdown set aside while converting.

    Cached: validation (:func:`prose_problems`) and rendering (:func:`clean_html`) convert the
    same texts in one build, and Python-Markdown is most of what either costs.
    """
    _markdown.reset()
    html = _markdown.convert(text)
    return html, tuple(str(block) for block in _markdown.htmlStash.rawHtmlBlocks)


def to_html(text: str) -> str:
    """The prose as HTML, before sanitising: the same conversion for checking and rendering."""
    return _convert(text)[0]


@functools.lru_cache(maxsize=65_536)
def clean_html(text: str) -> str:
    """The prose as a reader gets it: converted, then sanitised."""
    return sanitise(to_html(text))


def sanitise(html: str) -> str:
    """nh3 on the allow-list, then braces as character references.

    The result sits in a raw-HTML block of a generated Markdown page; braces
    made inert there mean no Markdown preprocessor or page-templating plugin
    (attribute lists, CriticMarkup, mkdocs-macros' ``{{ }}``) can act on entity text.
    """
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return clean.replace("{", "&#123;").replace("}", "&#125;")


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
    html, blocks = _convert(text)
    raw = [block.strip() for block in blocks if block.lstrip().startswith("<")]
    if raw:
        shown = raw[0] if len(raw[0]) <= 40 else raw[0][:37] + "..."
        return [f"raw HTML is not allowed in prose (found {shown}); use Markdown (*emphasis*, **strong**, "
                "[text](https://...)) and write &lt; for a literal '<'"]
    before, after = _Elements(html), _Elements(clean_html(text))
    problems = []
    for tag in sorted(before.tags - after.tags):
        problems.append(f"{_DESCRIBED.get(tag, f'<{tag}>')} is not allowed in prose; only text formatting and links")
    for tag, name, value in sorted((before.attributes - after.attributes), key=str):
        if tag not in ALLOWED_TAGS:
            continue  # already reported with its element
        if name == "href":
            schemes = ", ".join(f"{s}:" for s in sorted(ALLOWED_URL_SCHEMES))
            problems.append(f"link target '{value}' is not allowed; links start with {schemes} or are relative")
        else:
            problems.append(f"attribute '{name}' on <{tag}> is not allowed in prose")
    return problems
