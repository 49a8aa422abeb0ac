"""The ``kbgen`` plugin's options, declared and validated by MkDocs."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..history.timeline import DEFAULT_RECENT_COMMITS
from ..site.indexes import DEFAULT_INDEX_PAGE_ENTRIES


class _AtLeastOne(c.Type):
    """An int option that must be 1 or more (MkDocs reports other values as a config error)."""

    def __init__(self, default: int):
        super().__init__(int, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or value < 1:
            raise c.ValidationError(f"must be a whole number of at least 1, got {value!r}")
        return value


class KbgenConfig(Config):
    root = c.Type(str, default=".")
    """Folder holding ``entities/``, relative to ``mkdocs.yml``."""

    templates = c.Optional(c.Type(str))
    """Folder of templates overriding the built-in ones by name (e.g. ``actor.md.j2``), relative to ``mkdocs.yml``."""

    index_page_entries = _AtLeastOne(default=DEFAULT_INDEX_PAGE_ENTRIES)
    """The most entities one section index page lists. A section with more is split into pages
    (events by year then month, actors by kind then initial, recommendations by addressee then
    initial, sources by initial), so no index page grows with the knowledge base. Small knowledge
    bases keep one page."""

    search = c.Choice(("material", "pagefind"), default="material")
    """Which search readers get. ``material``: Material's search plugin (``- search`` in ``plugins``),
    one index the browser downloads whole. ``pagefind``: Pagefind's chunked index and search dialog,
    for large knowledge bases, whose whole index takes the browser long to load; it replaces
    Material's search plugin, which must then be removed from ``plugins``, and needs
    ``pip install 'pagefind[bin]'`` (kbgen's ``pagefind`` extra)."""

    history = c.Type(bool, default=True)
    """Read the knowledge base's history from git at build time: ``/changes/``, ``/changes.atom``, each
    entry's History section and a page at each deleted entry's old address. In a shallow clone (or
    outside git) the site still builds, and says that history is unavailable."""

    recent_commits = _AtLeastOne(default=DEFAULT_RECENT_COMMITS)
    """How many of the newest commits ``/changes/`` and its feed cover, read claim by claim; older
    changes are listed on entry pages by their date and commit subject only."""
