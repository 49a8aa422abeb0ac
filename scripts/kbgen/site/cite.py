""""Cite this page": a plain-text citation and a BibTeX entry for each entity page.

The access date cannot be known when the site is built (builds are reproducible), so it is a
placeholder that ``docs/assets/kbgen-cite.js`` fills with the reader's date; without
JavaScript the reader sees ``[date]``. The permalink is ``site_url`` + the page's path when the
site's address is configured, else the path (filled in with the page's full address by the
same script): kbgen never invents a host.
"""

from __future__ import annotations

import html
import re
from typing import Optional

from markupsafe import Markup

from ..core import urls as paths
from ..core.urls import Urls
from ..model import Entity

_BIBTEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
                    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}

# Placeholders: NUL never occurs in entity text (YAML cannot hold it).
_DATE, _LINK = "\x00date\x00", "\x00link\x00"


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: special characters escaped, on one line."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"[\\{}$&%#_^~]", lambda m: _BIBTEX_SPECIALS[m.group()], text)


def plain_citation(entity: Entity, site_name: Optional[str]) -> str:
    title = re.sub(r"\s+", " ", entity.title).strip()
    where = f" {site_name}." if site_name else ""
    return f"“{title}.”{where} {_LINK}. Accessed {_DATE}."


def bibtex_citation(entity: Entity, site_name: Optional[str]) -> str:
    lines = [f"@misc{{kbgen-{entity.type}-{entity.id},",
             f"  title = {{{{{bibtex_escape(entity.title)}}}}},"]
    if site_name:
        lines.append(f"  publisher = {{{bibtex_escape(site_name)}}},")
    lines += [f"  howpublished = {{\\url{{{_LINK}}}}},", f"  note = {{Accessed {_DATE}}},", "}"]
    return "\n".join(lines)


def citation_html(text: str, entity: Entity, urls: Urls, style: str) -> Markup:
    """A citation as a raw-HTML ``<pre>`` block: its content is HTML-escaped, so no entity text
    can close the block or be read as Markdown or HTML; the placeholders become the spans the
    script fills. Kept out of the search index (``data-search-exclude``): it repeats the title on
    every page, in two formats."""
    link = urls.permalink(paths.entity_page(entity.type, entity.id))
    body = html.escape(text, quote=False)
    if style == "bibtex":
        link = re.sub(r"[%#]", lambda m: "\\" + m.group(), link)
    span = f'<span class="kb-permalink"{"" if urls.site_url else " data-kb-fill"}>{html.escape(link)}</span>'
    body = body.replace(_LINK, span).replace(_DATE, '<span class="kb-access-date">[date]</span>')
    return Markup(f'<pre class="kb-cite kb-cite-{style}" data-search-exclude><code>{body}</code></pre>')


def cite_this(entity: Entity, style: str, urls: Urls, site_name: Optional[str]) -> Markup:
    text = bibtex_citation(entity, site_name) if style == "bibtex" else plain_citation(entity, site_name)
    return citation_html(text, entity, urls, style)
