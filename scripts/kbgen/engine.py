"""``kbgen build`` and ``kbgen serve`` on any of three site engines, from the same ``mkdocs.yml``.

- **mkdocs** and **properdocs** (the fork of MkDocs 1.x that keeps its plugins) run the ``kbgen``
  plugin themselves: kbgen runs the engine's own command on the configuration.
- **zensical** runs no third-party plugin and silently builds a site without a single entity page
  when ``- kbgen`` is listed. kbgen therefore stages the site beside the hand-written docs
  (:data:`STAGING`): a copy of the docs folder with every generated page written into it, a copy of
  the theme overrides without those Zensical's theme renders its own way (:data:`ZENSICAL_OWN_PARTIALS`),
  and a configuration without the plugin; then it runs ``zensical build`` on that and moves the site
  where the configuration says. Zensical resolves every relative link in a page, raw HTML included,
  against the page's source file, so pages are rendered with ``Urls(source_relative=True)``.

Whatever the engine, a build fails loudly if any entity page is missing from the site
(:func:`missing_pages`): never a site without entries.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from .core.problems import Problem
from .core.urls import ENTITIES, Urls, entity_page
from .pipeline import check_knowledge_base, render_site

ENGINES = ("mkdocs", "properdocs", "zensical")
PLUGIN_ENGINES = ("mkdocs", "properdocs")
"""The engines that run the kbgen plugin from the configuration."""

STAGING = ".kbgen/zensical"
"""Where kbgen stages a Zensical build, relative to the configuration file (Zensical requires the
docs and site folders inside the configuration's folder)."""

ZENSICAL_OWN_PARTIALS = ("partials/search.html",)
"""Theme overrides of Material's partials that Zensical's theme renders differently: its header
search is a button opening a dialog of its own, and Material's search form in its place shows
stacked icons and "Initializing search" forever."""

ENV = {"NO_MKDOCS_2_WARNING": "1"}


class EngineError(Exception):
    """A build that cannot be made or did not make every page: the message says why."""


class _Tagged:
    """A YAML value with a tag kbgen does not interpret (``!ENV``, ``!!python/name:…``), kept as
    written so that a configuration handed to Zensical says what the user's says."""

    def __init__(self, tag: str, node: yaml.Node):
        self.tag, self.node = tag, node


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _tagged(loader, suffix, node):
    return _Tagged(node.tag, node)


_ConfigLoader.add_multi_constructor("!", _tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
# The node as read is written back as it was, tag and all.
_ConfigDumper.add_representer(_Tagged, lambda dumper, value: value.node)


@dataclass
class SiteConfig:
    """What kbgen needs to know of a ``mkdocs.yml``: where things are and how pages are addressed."""

    file: Path
    data: dict
    root: Path  # the folder holding entities/
    docs_dir: Path
    site_dir: Path
    directory_urls: bool
    site_url: Optional[str]
    site_name: Optional[str]
    plugin_options: dict

    @property
    def base(self) -> Path:
        return self.file.parent


def read_config(file: Path, site_dir: Optional[Path] = None) -> SiteConfig:
    file = Path(file).resolve()
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except yaml.YAMLError as error:
        raise EngineError(f"{file.name} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise EngineError(f"{file.name} is not a mapping of settings")
    base = file.parent
    options: dict = {}
    for entry in data.get("plugins") or []:
        if entry == "kbgen":
            options = {}
        elif isinstance(entry, dict) and "kbgen" in entry:
            options = dict(entry["kbgen"] or {})
    return SiteConfig(
        file=file, data=data,
        root=(base / str(options.get("root", "."))).resolve(),
        docs_dir=(base / str(data.get("docs_dir", "docs"))).resolve(),
        site_dir=Path(site_dir).resolve() if site_dir else (base / str(data.get("site_dir", "site"))).resolve(),
        directory_urls=data.get("use_directory_urls", True) is not False,
        site_url=data.get("site_url") or None,
        site_name=data.get("site_name"),
        plugin_options=options,
    )


def missing_pages(config: SiteConfig) -> list[str]:
    """Every entity page the knowledge base has and the built site lacks, as its address."""
    kb, problems = check_knowledge_base(config.root)
    if problems:
        return []  # the engine has reported them already, and failed
    urls = Urls(config.directory_urls)
    return [urls.page(entity_page(type_, id_)) for type_ in kb.entities for id_ in kb.entities[type_]
            if not (config.site_dir / urls.written(entity_page(type_, id_))).is_file()]


def _command(engine: str, *args: str) -> list[str]:
    # The engine of the interpreter running kbgen, as its module: no PATH lookup, the same venv.
    return [sys.executable, "-m", engine, *args]


def build(engine: str, config_file: Path, site_dir: Optional[Path] = None) -> int:
    """Build the site with ``engine``; 0 when every entity page is in it. Messages go to stderr."""
    config = read_config(config_file, site_dir)
    if engine in PLUGIN_ENGINES:
        if not _lists_plugin(config.data):
            raise EngineError(f"{config.file.name} does not list the kbgen plugin: {engine} would build a site without entity pages")
        result = subprocess.run(_command(engine, "build", "--strict", "-f", str(config.file), "--site-dir", str(config.site_dir)),
                                cwd=config.base, env={**os.environ, **ENV})
        if result.returncode != 0:
            return result.returncode
    else:
        staged = stage_zensical(config)
        if staged is None:
            return 1
        returncode = _run_without_traceback(_command("zensical", "build", "--strict", "-f", str(staged)), staged.parent, "zensical")
        if returncode != 0:
            return returncode
        if config.site_dir.exists():
            shutil.rmtree(config.site_dir)
        shutil.move(str(staged.parent / "site"), str(config.site_dir))
    missing = missing_pages(config)
    if missing:
        for address in missing:
            print(f"kbgen build: error: no page at /{address} in the site {engine} built", file=sys.stderr)
        print(f"kbgen build: {len(missing)} entity page(s) missing from {config.site_dir}", file=sys.stderr)
        return 1
    return 0


def _run_without_traceback(command: list[str], cwd: Path, engine: str) -> int:
    """Run ``command``, passing its output on as it comes, except a Python traceback, which is
    written as its last line: Zensical ends a strict build that found problems with one, after
    it has listed the problems."""
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **ENV}, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", errors="replace")
    assert process.stderr is not None
    in_traceback = False
    for line in process.stderr:
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
        elif in_traceback and not line.startswith(" "):  # the exception, after the indented frames
            in_traceback = False
            print(f"kbgen build: {engine} stopped: {line.split(': ', 1)[-1].rstrip()}", file=sys.stderr)
        elif not in_traceback:
            sys.stderr.write(line)
    return process.wait()


def _lists_plugin(data: dict) -> bool:
    return any(entry == "kbgen" or (isinstance(entry, dict) and "kbgen" in entry) for entry in data.get("plugins") or [])


def stage_zensical(config: SiteConfig) -> Optional[Path]:
    """Write the staged site for Zensical (see the module's docstring); its configuration file,
    or None after printing every problem of an invalid knowledge base."""
    if config.plugin_options.get("search") == "pagefind":
        raise EngineError("the kbgen option search: pagefind needs the mkdocs or properdocs engine; "
                          "Zensical's theme has a search of its own")
    kb, problems = check_knowledge_base(config.root)
    if problems:
        _print_problems(problems)
        return None
    staging = config.base / STAGING
    theme = dict(config.data.get("theme") or {})
    custom_dir = (config.base / theme["custom_dir"]).resolve() if theme.get("custom_dir") else None
    docs = _files_under(config.docs_dir, leave_out=custom_dir)
    from .site.history import last_changed  # git, only for a build

    templates = (config.base / config.plugin_options["templates"]).resolve() if config.plugin_options.get("templates") else None
    generated = render_site(kb, templates, last_changed(config.root),
                            urls=Urls(config.directory_urls, config.site_url, source_relative=True),
                            site_name=config.site_name, **_index_option(config))
    hidden = [f.path for f in generated if f.path in docs]
    if hidden:
        raise EngineError("; ".join(f"{config.docs_dir.name}/{path} would hide the generated page at the same path; "
                                    "rename or remove it" for path in hidden))
    docs.update((f.path, f.content.encode("utf-8")) for f in generated)
    _sync_folder(staging / "docs", docs)
    data = dict(config.data)
    data["docs_dir"], data["site_dir"] = "docs", "site"
    if custom_dir is not None:
        overrides = _files_under(custom_dir)
        for partial in ZENSICAL_OWN_PARTIALS:
            overrides.pop(partial, None)
        _sync_folder(staging / "overrides", overrides)
        theme["custom_dir"] = "overrides"
        data["theme"] = theme
    data["plugins"] = [entry for entry in data.get("plugins") or []
                       if not (entry == "kbgen" or (isinstance(entry, dict) and "kbgen" in entry))]
    staged = staging / "mkdocs.yml"
    _sync_file(staged, ("# Written by kbgen build --engine zensical from " + config.file.name + "; do not edit.\n"
                        + yaml.dump(data, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False)).encode("utf-8"))
    return staged


def _files_under(folder: Path, leave_out: Optional[Path] = None) -> dict[str, bytes]:
    """Every file under ``folder`` (path relative to it -> bytes), but those under ``leave_out``."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not (leave_out is not None and path.resolve().is_relative_to(leave_out))}


def _sync_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``files``, writing only what changed: a running ``zensical serve``
    rebuilds from this folder and must never see it half written."""
    for path in sorted(folder.rglob("*"), reverse=True) if folder.exists() else []:
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative, content in files.items():
        _sync_file(folder / relative, content)


def _sync_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` unless it holds it already, replacing the file at once."""
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".kbgen-partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def _index_option(config: SiteConfig) -> dict[str, Any]:
    value = config.plugin_options.get("index_page_entries")
    return {} if value is None else {"index_page_entries": int(value)}


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) found", file=sys.stderr)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def serve(engine: str, config_file: Path, dev_addr: str) -> int:
    """Serve the site with ``engine``, rebuilt on every change. For Zensical, kbgen watches
    ``entities/`` and the docs itself and stages the site again; Zensical rebuilds from the staging."""
    config = read_config(config_file)
    if engine in PLUGIN_ENGINES:
        # --dirty: after an edit only the pages whose content changed are rebuilt (kbgen.mkdocs.incremental).
        return subprocess.run(_command(engine, "serve", "--dirty", "-f", str(config.file), "--dev-addr", dev_addr),
                              cwd=config.base, env={**os.environ, **ENV}).returncode
    staged = stage_zensical(config)
    if staged is None:
        return 1
    # Stopped by a signal, kbgen stops the engine's server too rather than leave it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    watched = [config.root / ENTITIES, config.docs_dir]
    before = {folder: _snapshot(folder) for folder in watched}
    server = subprocess.Popen(_command("zensical", "serve", "-f", str(staged), "--dev-addr", dev_addr),
                              cwd=staged.parent, env={**os.environ, **ENV})
    try:
        while server.poll() is None:
            time.sleep(1)
            now = {folder: _snapshot(folder) for folder in watched}
            if now != before:
                before = now
                try:
                    stage_zensical(config)  # an invalid knowledge base is reported; the last good site stays
                except EngineError as error:
                    print(f"kbgen serve: error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait()
    return 0
