"""The ``kbgen`` MkDocs plugin: a thin adapter from the knowledge base to MkDocs' files.

All the work is in plain functions (``pipeline``, ``render``); this module only
hands their output to MkDocs as generated files, points edit links at the YAML
sources, watches ``entities/`` under ``mkdocs serve`` and stops the build with
the same messages as ``kbgen validate``. With the option ``search: pagefind`` it also
has Pagefind index the written site (:mod:`kbgen.pagefind_search`).

MkDocs uses one core. In a one-off build (``mkdocs build``, ``gh-deploy``) on a
machine with two, two forked children work beside it: one renders the generated
files, which MkDocs takes as it reaches them (:class:`kbgen.fork.Stream`), and one
builds Material's search index from the pages as MkDocs converts them
(:mod:`kbgen.material_search`). The site is the same, byte for byte.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import fork as forking
from . import material_search, pagefind_search
from .config import KbgenConfig
from .history import last_changed
from .load import ParseCache
from .pipeline import check_knowledge_base
from .render import plan_site

log = logging.getLogger("mkdocs.plugins.kbgen")


class KbgenPlugin(BasePlugin[KbgenConfig]):
    def __init__(self):
        super().__init__()
        # Held across `mkdocs serve` rebuilds (see on_startup): unchanged entity
        # files are not parsed or validated again after an edit.
        self.parse_cache = ParseCache()
        self.one_off_build = False
        self.stream: forking.Stream | None = None  # the files a forked child renders (one-off builds)
        self.streamed: dict[str, tuple[int, File]] = {}  # src_uri -> (position in the stream, file)
        self.search_index: material_search.ForkedSearchIndex | None = None  # one-off builds

    def on_startup(self, *, command, dirty):
        """Defining this hook makes MkDocs keep this plugin instance, and so its
        parse cache, across the rebuilds of one ``mkdocs serve`` (MkDocs >= 1.4).

        A one-off build renders pages in a second process (:class:`kbgen.fork.Stream`);
        ``mkdocs serve`` runs a server thread, and a threaded process must not fork."""
        self.one_off_build = command in ("build", "gh-deploy")

    @property
    def parse_count(self) -> int:
        """Files parsed so far (the benchmark reports it after a one-file edit)."""
        return self.parse_cache.parses

    def on_config(self, config):
        base = Path(config.config_file_path).parent
        self.root = (base / self.config.root).resolve()
        self.templates = (base / self.config.templates).resolve() if self.config.templates else None
        if self.config.search == "pagefind":
            problem = pagefind_search.config_problem(config.plugins)
            if problem:
                raise PluginError(f"kbgen: {problem}")
            config.extra_css.extend(pagefind_search.STYLES)
            config.extra_javascript.extend(ExtraScriptValue(path) for path in pagefind_search.SCRIPTS)
        return config

    def on_files(self, files: Files, config) -> Files:
        # A one-off build keeps nothing for a next build: no parse cache, and the checks use both cores.
        forked = self.one_off_build and forking.available() and forking.single_threaded()
        kb, problems = check_knowledge_base(self.root, None if forked else self.parse_cache, fork=forked)
        if problems:
            for problem in problems:
                log.error(str(problem))
            raise Abort(f"kbgen: the knowledge base has {len(problems)} problem(s); run 'kbgen validate' for the list")
        plan = plan_site(kb, self.templates, last_changed(self.root), site_url=config.site_url,
                         site_name=config.site_name, index_page_entries=self.config.index_page_entries)
        generated = []
        for planned in plan:
            if files.get_file_from_path(planned.path) is not None:
                raise Abort(f"kbgen: docs/{planned.path} would hide the generated page at the same path; rename or remove it")
            # Streamed files get their content from the child just before MkDocs reads it (on_pre_page, on_env).
            file = File.generated(config, planned.path, content="" if forked else planned.render())
            if planned.source:
                # edit_uri is joined to the docs folder's edit URL; '..' climbs to the YAML.
                file.edit_uri = Path(os.path.relpath(self.root / planned.source, config.docs_dir)).as_posix()
            files.append(file)
            generated.append(file)
        if self.config.search == "pagefind":
            for path in pagefind_search.ASSETS:
                files.append(File.generated(config, path, content=pagefind_search.asset_text(path)))
        if forked:
            # A one-off build renders the files in a forked child while MkDocs converts the pages it
            # has already received: kbgen's rendering runs on the second core, beside MkDocs' own work.
            # Pages come first, in the order MkDocs reads them; the data files follow.
            order = sorted(range(len(plan)), key=lambda i: not generated[i].is_documentation_page())
            self.stream = forking.Stream([planned.render for planned in plan], order)
            log.debug(f"Rendering {len(plan)} generated files in a forked process")
            # And another child indexes the pages for search as MkDocs converts them.
            self.search_index = material_search.index_in_a_forked_process(config.plugins)
            self.streamed = {file.src_uri: (i, file) for i, file in enumerate(generated)}
        if self.one_off_build:
            # What the knowledge base left in memory (every entity, and every value of the files with
            # its line) lives until the process ends; frozen, the collector stops rescanning it on
            # each of the many passes MkDocs' own allocations trigger. (Not under `mkdocs serve`, where
            # each rebuild would add a frozen generation that is never collected.)
            gc.freeze()
        return files

    def on_pre_page(self, page, *, config, files):
        """A streamed page's content, received just before MkDocs reads it."""
        if self.stream is not None and page.file.src_uri in self.streamed:
            index, file = self.streamed.pop(page.file.src_uri)
            file.content_string = self.stream.get(index)
        return page

    @event_priority(-100)  # after every other plugin's: the HTML is final
    def on_page_content(self, html, *, page, config, files):
        """A converted page goes to the search child now, to be indexed while MkDocs converts the rest."""
        if self.search_index is not None:
            self.search_index.page_converted(page, html)
        return html

    def on_env(self, env, *, config, files):
        """Every other streamed file (data files, and any page MkDocs did not read) before MkDocs
        writes the static files: the child has rendered them meanwhile."""
        if self.stream is not None:
            for index, file in self.streamed.values():
                file.content_string = self.stream.get(index)
            self._end_stream()
        return env

    def on_post_build(self, *, config):
        self.search_index = None  # Material's search plugin has taken the index (its on_post_build)
        if self.config.search == "pagefind":
            try:
                pagefind_search.index_site(config.site_dir)
            except RuntimeError as error:
                raise Abort(f"kbgen: {error}") from None

    def on_build_error(self, *, error):
        self._end_stream()
        if self.search_index is not None:
            self.search_index.close()
            self.search_index = None

    def _end_stream(self):
        if self.stream is not None:
            self.stream.close()
        self.stream, self.streamed = None, {}

    def on_serve(self, server, config, builder):
        server.watch(str(self.root / "entities"))
        return server
