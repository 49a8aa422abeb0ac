"""Search by Pagefind, for large knowledge bases (the plugin's option ``search: pagefind``).

Material's search ships the whole site's text as one JSON index, which the reader's
browser downloads and indexes in full before the first result: slow for a large site.
Pagefind indexes the built site into a chunked index, and a query loads only the chunks
it needs, whatever the site's size (``make bench`` measures both).

With the option, every page gets Pagefind's own search dialog (its component UI: a
button in the header, Ctrl+K or ⌘K) and the site is indexed once MkDocs has written it.
Only each page's article is indexed, not the navigation around it, so an actor's aliases
and "also searched as" forms find its page as they do with Material's search; and the pages
Material's search leaves out are left out here too.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

BUNDLE = "pagefind/"
"""Where Pagefind writes its index and scripts, under the site."""

_CONTENT_CLASS = "md-content__inner"
"""The class of Material's element holding a page's content: all that is indexed."""

ARTICLE = f'<article class="{_CONTENT_CLASS}'
"""The start of that element in a page's HTML."""

ROOT = f"article.{_CONTENT_CLASS}"
"""The same element as a selector: Pagefind reads nothing outside it (a site built without the
plugin's marks, such as the benchmark's bare build, is indexed the same way)."""

BODY = "data-pagefind-body"
"""Marks the element Pagefind indexes. Once any page has it, Pagefind leaves out every page without
it: so the pages Material's search would leave out (``search: exclude`` in their front matter: a
retired entry's, a deleted entry's) go unmarked, and Pagefind's index leaves them out too."""

_MARKED = ARTICLE.replace("<article", f"<article {BODY}", 1)

IGNORED = ".headerlink"
"""Within it, what is not text: the '¶' anchors that Markdown's toc extension puts after each heading."""

ASSETS = {"assets/kbgen-pagefind.js": "pagefind.js", "assets/kbgen-pagefind.css": "pagefind.css"}
"""Files the plugin adds to the site (path in the site -> file in kbgen/assets/)."""

SCRIPTS = ["assets/kbgen-pagefind.js", BUNDLE + "pagefind-component-ui.js"]
STYLES = [BUNDLE + "pagefind-component-ui.css", "assets/kbgen-pagefind.css"]

_SEARCH_PLUGINS = ("material.plugins.search", "mkdocs.contrib.search")


def config_problem(plugins) -> Optional[str]:
    """Why ``search: pagefind`` cannot be used with these MkDocs plugins here, or None when it can."""
    others = other_search_plugins(plugins)
    if others:
        return f"search: pagefind replaces the search plugin '{others[0]}'; remove it from plugins in mkdocs.yml"
    return missing()


def missing() -> Optional[str]:
    """Why Pagefind cannot run here, or None when it can."""
    if importlib.util.find_spec("pagefind") is None:
        return "search: pagefind needs the pagefind package: pip install 'pagefind[bin]'"
    if not any(importlib.util.find_spec(name) for name in ("pagefind_bin", "pagefind_bin_extended")) \
            and shutil.which("pagefind") is None:
        return "search: pagefind needs Pagefind's program: pip install 'pagefind[bin]'"
    return None


def other_search_plugins(plugins) -> list[str]:
    """The configured search plugins that Pagefind would run beside (MkDocs' or Material's), by the
    name written in mkdocs.yml (MkDocs keys Material's ``search`` as ``material/search``)."""
    return [name.rsplit("/", 1)[-1] for name, plugin in plugins.items()
            if type(plugin).__module__.startswith(_SEARCH_PLUGINS)]


def asset_text(site_path: str) -> str:
    return (Path(__file__).parent / "assets" / ASSETS[site_path]).read_text(encoding="utf-8")


def searchable(page) -> bool:
    """Whether a page goes into the index: Material's own rule, its front matter's ``search: exclude``."""
    search = page.meta.get("search")
    return not (isinstance(search, dict) and search.get("exclude") is True)


def mark_indexed(html: str) -> str:
    """The page's HTML with its article marked for Pagefind to index.

    Raises RuntimeError when the page has no article of Material's (a theme that is not Material,
    or a Material release that renamed it): indexing nothing silently would be worse."""
    if ARTICLE not in html:
        raise RuntimeError(f"search: pagefind found no {ARTICLE}...> element to index; it needs the Material theme")
    return html.replace(ARTICLE, _MARKED, 1)


def index_site(site_dir: str | Path) -> None:
    """Index the built site with Pagefind (its index and scripts go to ``site_dir/pagefind/``).

    Raises RuntimeError with Pagefind's own message if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--root-selector", ROOT,
         "--exclude-selectors", IGNORED, "--silent"],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind could not index the site: {(result.stderr or result.stdout).strip()}")
