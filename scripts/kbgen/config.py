"""The ``kbgen`` plugin's options, declared and validated by MkDocs."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class KbgenConfig(Config):
    root = c.Type(str, default=".")
    """Folder holding ``entities/``, relative to ``mkdocs.yml``."""

    templates = c.Optional(c.Type(str))
    """Folder of templates overriding the built-in ones by name (e.g. ``actor.md.j2``), relative to ``mkdocs.yml``."""
