"""The Markdown extension ``kbgen.passthrough``: blocks of HTML that kbgen rendered itself, passed
through Python-Markdown untouched.

kbgen renders most page parts to HTML itself: sanitised prose, the SVG
neighbourhood graphs, the "Cite this page" blocks, infoboxes, lists of links and
entries, and the citation notes (as the HTML of Python-Markdown's footnotes
extension). In a Markdown page they are raw-HTML blocks, and Python-Markdown costs
a lot on raw HTML: MkDocs' anchor collector and Python-Markdown's (or
``md_in_html``'s) block extractor each run Python's ``HTMLParser`` over every tag.

:func:`kbgen.site.markup.passthrough` frames such a block between two HTML comments.
This extension, listed in ``mkdocs.yml``'s ``markdown_extensions`` (any engine that runs
Python-Markdown extensions can list it), sets each framed block aside in Python-Markdown's
HTML stash before either HTML parser runs, the way those parsers set raw HTML aside
themselves, so it reaches the page as it was written and is never parsed as HTML or Markdown.

A frame only holds HTML kbgen made safe before framing it (nh3-cleaned prose,
escaped text): no entity text can contain a frame line, since nh3 drops HTML
comments and escaping turns ``<`` into ``&lt;``. Frames hold no element ``id``s
that Markdown links point at (MkDocs' anchor check does not see inside them).
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .site.markup import PASSTHROUGH_END as END
from .site.markup import PASSTHROUGH_START as START


class PassthroughPreprocessor(Preprocessor):
    """Replaces each framed block by an HTML-stash placeholder; the core ``raw_html``
    postprocessor puts the block back into the page's HTML."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == START:
                    block = []
                else:
                    out.append(line)
            elif line == END:
                out.append(self.md.htmlStash.store("\n".join(block)))
                block = None
            else:
                block.append(line)
        if block is not None:  # no end frame: leave the text to Markdown as it was
            out.append(START)
            out.extend(block)
        return out


class PassthroughExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After 'normalize_whitespace' (30), which removes the stash's placeholder characters
        # from the source, and before MkDocs' 'mkdocs_raw_html' (21) and 'html_block' (20).
        md.preprocessors.register(PassthroughPreprocessor(md), "kbgen_passthrough", 27)


def makeExtension(**kwargs) -> PassthroughExtension:  # the name Python-Markdown looks for
    return PassthroughExtension(**kwargs)
