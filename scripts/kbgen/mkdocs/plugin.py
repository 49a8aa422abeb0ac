"""The ``kbgen`` MkDocs plugin: a thin adapter from the knowledge base to MkDocs' files.

All the work is in plain functions (:mod:`kbgen.pipeline`, :mod:`kbgen.site`); this module
only hands their output to MkDocs as generated files, points edit links at the YAML files,
watches ``entities/`` under ``mkdocs serve`` and stops the build with the same messages as
``kbgen validate``. With the option ``search: pagefind`` it also has Pagefind index the
written site (:mod:`kbgen.mkdocs.pagefind`).

In a one-off build (``mkdocs build``, ``gh-deploy``) the generated files are rendered ahead by
a worker process while MkDocs converts the pages it already has (:class:`kbgen.runtime.Ahead`,
where the platform allows it); each page's content is taken just before MkDocs reads it, and
the data files (JSON, CSV, STIX, feeds), which no page is made from, are written after MkDocs
has written the pages (:class:`WrittenAfterPages`): the worker renders them meanwhile.

Under ``mkdocs serve`` the files are rendered at once, each taken from the last rebuild when its
dependency record did not change; with ``--dirty`` MkDocs then rebuilds only the files whose
content changed (:mod:`kbgen.mkdocs.incremental`).
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import is_markdown_file

from .. import runtime
from ..core.urls import Urls
from ..history.git import head_commit
from ..history.timeline import knowledge_base_read, read_history
from ..link.retired import retired_reference_warnings
from ..core.problems import KnowledgeBaseError
from ..pipeline import check_knowledge_base, located, records_again, render_context
from ..site.history import last_changed
from ..site.plan import plan_site
from . import incremental, pagefind, unindexed
from .config import KbgenConfig

log = logging.getLogger("mkdocs.plugins.kbgen")


class WrittenAfterPages(File):
    """A generated data file of a one-off build that MkDocs leaves out of the static files it
    copies before writing the pages: the plugin writes it (:meth:`write`) once the pages are
    written. It is in MkDocs' files all along, so links to it from hand-written pages resolve."""

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing yet: see :meth:`write`."""

    def write(self, content: str) -> None:
        self.content_string = content
        super().copy_file()


class KbgenPlugin(BasePlugin[KbgenConfig]):
    def __init__(self):
        super().__init__()
        # Kept across `mkdocs serve` rebuilds (see on_startup): unchanged entity files are not
        # parsed or validated again after an edit.
        self.memo = runtime.FileMemo()
        self.one_off_build = False
        self.ahead: runtime.Ahead | None = None  # the generated files, rendered ahead (one-off builds)
        self.pending: dict[str, tuple[int, File]] = {}  # src_uri -> (job, file) of files not yet given their content
        # Under `mkdocs serve`: the rendered files by dependency record, and what the last build that
        # succeeded wrote (src_uri -> content, and -> output path), to tell a dirty build what changed.
        self.pages = runtime.FileMemo()
        self.history = runtime.FileMemo()  # the history and last commit days, by the commit checked out
        self.dirty = False
        self.written: dict[str, str] = {}
        self.outputs: dict[str, str] = {}
        self.building: dict[str, tuple[str, File]] = {}
        # Under `mkdocs serve --dirty`: the generated files of the last build that succeeded, given to the
        # next build again where their content is the same (incremental.KeptFiles).
        self.kept = incremental.KeptFiles()
        self.files: Files | None = None
        self.search_pages = incremental.SearchPages()
        self.set_aside: unindexed.SetAside | None = None  # of the page Material's search is indexing
        self.collector = runtime.RebuildCollector()  # under `mkdocs serve`

    def on_startup(self, *, command, dirty):
        """Defining this hook makes MkDocs keep this plugin instance, and so its memo, across
        the rebuilds of one ``mkdocs serve`` (MkDocs >= 1.4)."""
        self.one_off_build = command in ("build", "gh-deploy")
        self.dirty = dirty and not self.one_off_build

    @property
    def parse_count(self) -> int:
        """Files checked so far (the benchmark reports it after a one-file edit)."""
        return self.memo.computed

    @event_priority(100)  # before the other plugins' on_config: Material's search compiles templates there
    def _rebuild_begins(self, config):
        if not self.one_off_build:
            self.collector.begins()
        return config

    def _configure(self, config):
        base = Path(config.config_file_path).parent
        self.root = (base / self.config.root).resolve()
        self.templates = (base / self.config.templates).resolve() if self.config.templates else None
        if self.config.search == "pagefind":
            problem = pagefind.config_problem(config.plugins)
            if problem:
                raise PluginError(f"kbgen: {problem}")
            config.extra_css.extend(pagefind.STYLES)
            config.extra_javascript.extend(ExtraScriptValue(path) for path in pagefind.SCRIPTS)
        return config

    on_config = CombinedEvent(_rebuild_begins, _configure)

    def on_files(self, files: Files, config) -> Files:
        # A one-off build keeps nothing for a next build: no memo.
        kb, problems = check_knowledge_base(self.root, None if self.one_off_build else self.memo)
        if problems:
            for problem in problems:
                log.error(str(problem))
            raise Abort(f"kbgen: the knowledge base has {len(problems)} problem(s); run 'kbgen validate' for the list")
        if self.one_off_build:
            runtime.keep_for_good()  # the knowledge base lives until the build ends
        for warning in retired_reference_warnings(kb, self.root):
            log.info(f"kbgen: {warning}")  # a warning would stop `mkdocs build --strict`; this is no error
        history, updated = self._history(kb)
        if history is not None and not history.available:
            log.info(f"kbgen: {history.note}")
        # Under serve, the history is part of every file's context: a new commit renders them again.
        options = dict(urls=Urls(config.use_directory_urls, config.site_url), site_name=config.site_name,
                       index_page_entries=self.config.index_page_entries, history=history)
        records = None if self.one_off_build else records_again(kb, self.pages, history)
        plan = plan_site(kb, self.templates, updated, bytecode_cache=runtime.template_code(), records=records, **options)
        if not self.one_off_build:
            return self._serve_files(files, config, plan, render_context(self.templates, **options))
        generated = []
        written = set(files.src_uris)  # the docs folder's own files
        edit_uri = self._edit_uris(config)
        for planned in plan:
            if planned.path in written:
                raise Abort(f"kbgen: docs/{planned.path} would hide the generated page at the same path; rename or remove it")
            kind = File if is_markdown_file(planned.path) else WrittenAfterPages  # as File.is_documentation_page tells
            file = kind.generated(config, planned.path, content="")  # the content comes in on_pre_page or on_post_build
            if planned.source:
                file.edit_uri = edit_uri(planned.source)
            files.append(file)
            generated.append(file)
        if self.config.search == "pagefind":
            for path in pagefind.ASSETS:
                files.append(File.generated(config, path, content=pagefind.asset_text(path)))
        # Pages first, in the order MkDocs reads them; the data files follow. In a one-off build a worker
        # renders them meanwhile; under `mkdocs serve` (a server thread runs) each is rendered when taken.
        order = sorted(range(len(plan)), key=lambda i: not generated[i].is_documentation_page())
        jobs = [located(planned) for planned in plan]  # a failure names the file the page comes from
        self.ahead = runtime.Ahead(jobs, order) if self.one_off_build else runtime.Ahead(jobs)
        if self.ahead.forked:
            log.debug(f"Rendering {len(jobs)} generated files in a worker process")
        self.pending = {file.src_uri: (i, file) for i, file in enumerate(generated)}
        if self.one_off_build:
            runtime.keep_for_good()  # and so do its plan and files
        return files

    def _edit_uris(self, config):
        """The edit link of a page made from a YAML file (its path relative to the root): edit_uri is
        joined to the docs folder's edit URL, and '..' climbs from there to the YAML."""
        root = Path(os.path.relpath(self.root, config.docs_dir)).as_posix()
        return lambda source: posixpath.normpath(f"{root}/{source}")

    def _history(self, kb):
        """The history (None when the option is off) and each entity file's last commit day. Under
        ``mkdocs serve`` both are read again only after a new commit, or, for the history, when an
        entry's id, file, former ids or title changed (all it reads of the knowledge base)."""
        def read():
            return read_history(self.root, kb, self.config.recent_commits) if self.config.history else None
        if self.one_off_build:
            return read(), last_changed(self.root)
        head = head_commit(self.root)
        history = self.history.get(("history", head, self.config.recent_commits, knowledge_base_read(kb))
                                   if self.config.history else ("no history",), read)
        updated = self.history.get(("updated", head), lambda: last_changed(self.root))
        self.history.forget_unused()
        return history, updated

    def _serve_files(self, files: Files, config, plan, context: str) -> Files:
        """Under ``mkdocs serve``: every generated file with its content, each marked changed or not."""
        contents = self._rendered(lambda: runtime.render_with_memo(plan, self.pages, context, rendering=located))
        self.building = {}
        written = set(files.src_uris)  # the docs folder's own files
        edit_uri = self._edit_uris(config)
        kept = self.kept.for_build(config) if self.dirty else {}
        for planned, content in zip(plan, contents):
            if planned.path in written:
                raise Abort(f"kbgen: docs/{planned.path} would hide the generated page at the same path; rename or remove it")
            unchanged = self.written.get(planned.path) == content
            file = kept.get(planned.path) if unchanged else None
            if file is None:
                file = incremental.GeneratedFile.generated(config, planned.path, content=content)
                file.changed = not unchanged
            if planned.source:
                file.edit_uri = edit_uri(planned.source)
            files.append(file)
            self.building[planned.path] = (content, file)
        if self.config.search == "pagefind":
            for path in pagefind.ASSETS:
                files.append(File.generated(config, path, content=pagefind.asset_text(path)))
        if self.dirty:
            incremental.remove_stale(self.outputs, self.building, files)
        self.files = files
        return files

    def on_pre_build(self, *, config):
        search = incremental.material_search(config)
        # Material's search indexes each page it builds: drawings and unindexed lists are set aside meanwhile.
        self.set_aside = unindexed.SetAside() if search is not None else None
        if self.dirty:
            self.search_pages.begin(search)

    @event_priority(100)  # before Material's search indexes the page
    def _before_search(self, context, *, page, config, nav):
        if self.set_aside is not None:
            page.content = self.set_aside.take(page.content)
        if self.dirty:
            self.search_pages.before()
        return context

    @event_priority(-100)  # after
    def _after_search(self, context, *, page, config, nav):
        if self.set_aside is not None:
            page.content = self.set_aside.put_back(page.content)
        if self.dirty:
            self.search_pages.after(page)
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)

    def on_pre_page(self, page, *, config, files):
        """A generated page's content, just before MkDocs reads it."""
        if page.file.src_uri in self.pending:
            index, file = self.pending.pop(page.file.src_uri)
            file.content_string = self._rendered(lambda: self.ahead.take(index))
        return page

    def on_env(self, env, *, config, files):
        """Any generated page MkDocs did not read, before MkDocs writes the pages."""
        if not self.one_off_build:
            # The theme's templates, compiled once for the rebuilds of one `mkdocs serve`, as kbgen's are
            # (MkDocs makes a new Jinja environment for each build; Jinja checks each against its source).
            env.bytecode_cache = runtime.template_code()
        for path, (index, file) in list(self.pending.items()):
            if not isinstance(file, WrittenAfterPages):
                del self.pending[path]
                file.content_string = self._rendered(lambda: self.ahead.take(index))
        return env

    def on_post_page(self, output, *, page, config):
        if self.config.search == "pagefind" and pagefind.searchable(page):
            try:
                return pagefind.mark_indexed(output)
            except RuntimeError as error:
                raise Abort(f"kbgen: {error}") from None
        return output

    @event_priority(-100)  # after Material's search has written its index
    def on_post_build(self, *, config):
        # The data files of a one-off build, the last first: the parent renders any the worker has
        # not reached while the worker ends the rest.
        for index, file in reversed(list(self.pending.values())):
            file.write(self._rendered(lambda: self.ahead.take(index)))
        self._end()
        if not self.one_off_build:
            if self.dirty and self.files is not None:
                pages = [f.page for f in self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve) if f.page]
                self.search_pages.write(config, pages)
            # This build succeeded: what it wrote is what the next one compares with.
            self.written = {path: content for path, (content, _) in self.building.items()}
            self.outputs = {path: file.abs_dest_path for path, (_, file) in self.building.items()}
            if self.dirty:
                self.kept.keep(config, [file for _, file in self.building.values()])
            self.building, self.files = {}, None
            self.collector.ended()
        if self.config.search == "pagefind":
            try:
                pagefind.index_site(config.site_dir)
            except RuntimeError as error:
                raise Abort(f"kbgen: {error}") from None

    @staticmethod
    def _rendered(render):
        """What ``render`` returns; a page that fails to render (a template override's mistake, say)
        stops the build with the file it comes from, as ``kbgen generate`` reports it, not a traceback."""
        try:
            return render()
        except KnowledgeBaseError as error:
            for problem in error.problems:
                log.error(str(problem))
            raise Abort(f"kbgen: {len(error.problems)} generated file(s) could not be rendered") from None

    def on_build_error(self, *, error):
        self._end()
        if not self.one_off_build:
            self.collector.ended()

    def on_shutdown(self):
        self.collector.close()

    def _end(self):
        if self.ahead is not None:
            self.ahead.close()
        self.ahead, self.pending = None, {}

    def on_serve(self, server, config, builder):
        server.watch(str(self.root / "entities"))
        return server
