"""The ``kbgen`` MkDocs plugin: a thin adapter from the knowledge base to MkDocs' files.

All the work is in plain functions (``pipeline``, ``render``); this module only
hands their output to MkDocs as generated files, points edit links at the YAML
sources, watches ``entities/`` under ``mkdocs serve`` and stops the build with
the same messages as ``kbgen validate``.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .config import KbgenConfig
from .history import last_changed
from .load import ParseCache
from .pipeline import check_knowledge_base
from .render import render_site

log = logging.getLogger("mkdocs.plugins.kbgen")


class KbgenPlugin(BasePlugin[KbgenConfig]):
    def __init__(self):
        super().__init__()
        # Held across `mkdocs serve` rebuilds (see on_startup): unchanged entity
        # files are not parsed or validated again after an edit.
        self.parse_cache = ParseCache()
        self.one_off_build = False

    def on_startup(self, *, command, dirty):
        """Defining this hook makes MkDocs keep this plugin instance, and so its
        parse cache, across the rebuilds of one ``mkdocs serve`` (MkDocs >= 1.4).

        A one-off build renders pages in two processes; ``mkdocs serve`` runs a
        server thread, and a threaded process must not fork."""
        self.one_off_build = command in ("build", "gh-deploy")

    @property
    def parse_count(self) -> int:
        """Files parsed so far (the benchmark reports it after a one-file edit)."""
        return self.parse_cache.parses

    def on_config(self, config):
        base = Path(config.config_file_path).parent
        self.root = (base / self.config.root).resolve()
        self.templates = (base / self.config.templates).resolve() if self.config.templates else None
        return config

    def on_files(self, files: Files, config) -> Files:
        kb, problems = check_knowledge_base(self.root, self.parse_cache)
        if problems:
            for problem in problems:
                log.error(str(problem))
            raise Abort(f"kbgen: the knowledge base has {len(problems)} problem(s); run 'kbgen validate' for the list")
        for generated in render_site(kb, self.templates, last_changed(self.root),
                                     site_url=config.site_url, site_name=config.site_name,
                                     index_page_entries=self.config.index_page_entries, fork=self.one_off_build):
            if files.get_file_from_path(generated.path) is not None:
                raise Abort(f"kbgen: docs/{generated.path} would hide the generated page at the same path; rename or remove it")
            file = File.generated(config, generated.path, content=generated.content)
            if generated.source:
                # edit_uri is joined to the docs folder's edit URL; '..' climbs to the YAML.
                file.edit_uri = Path(os.path.relpath(self.root / generated.source, config.docs_dir)).as_posix()
            files.append(file)
        if self.one_off_build:
            # What the knowledge base left in memory (the parse cache: every value and its line)
            # lives until the process ends; frozen, the collector stops rescanning it on each of
            # the many passes MkDocs' own allocations trigger. (Not under `mkdocs serve`, where
            # each rebuild would add a frozen generation that is never collected.)
            gc.freeze()
        return files

    def on_serve(self, server, config, builder):
        server.watch(str(self.root / "entities"))
        return server
