"""Shared helpers: fixture knowledge bases and real MkDocs builds."""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import os
import posixpath
import re
import threading
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).parent
REPO = TESTS.parent
VALID = TESTS / "fixtures" / "valid"
BIN = Path(sys.executable).parent


def make_knowledge_base(target: Path, files: dict | None = None, remove: list | None = None,
                        binary: dict | None = None, base: Path = VALID) -> Path:
    """A copy of ``base`` with files replaced, added (text or base64 bytes) or removed."""
    shutil.copytree(base, target, symlinks=True)
    for path, content in (files or {}).items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(content, encoding="utf-8")
    for path, content in (binary or {}).items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_bytes(base64.b64decode(content))
    for path in remove or []:
        (target / path).unlink()
    return target


def kbgen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the installed ``kbgen`` command as a user would."""
    return subprocess.run([str(BIN / "kbgen"), *args], cwd=cwd, capture_output=True, text=True)


def site_config(root: Path, docs: Path, site: Path, *, plugin: bool = True, extra: dict | None = None) -> dict:
    """The repository's mkdocs.yml, pointed at another knowledge base and output folder."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    config["theme"]["custom_dir"] = str(REPO / "docs" / "overrides")
    plugins = []
    for entry in config["plugins"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "kbgen":
            if plugin:
                options = {} if isinstance(entry, str) else dict(entry["kbgen"])
                options["root"] = str(root)
                plugins.append({"kbgen": options})
        else:
            plugins.append(entry)
    config["plugins"] = plugins
    config.update(extra or {})
    return config


def mkdocs_build(config: dict, workdir: Path) -> subprocess.CompletedProcess:
    config_file = workdir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config_file)],
                          cwd=workdir, capture_output=True, text=True, env=env)


def docs_copy(target: Path) -> Path:
    """The repository's hand-written docs/ for builds of a fixture, with a home page of the fixture's own
    (the repository's home page links to the repository's entities)."""
    shutil.copytree(REPO / "docs", target)
    (target / "index.md").write_text("# Fixture knowledge base\n\nSee the [actors](actors/index.md).\n", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The valid fixture knowledge base built with real MkDocs + Material and the kbgen plugin."""
    work = tmp_path_factory.mktemp("fixture-site")
    docs = docs_copy(work / "docs")
    result = mkdocs_build(site_config(VALID, docs, work / "site"), work)
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own knowledge base, built exactly as `make build` does."""
    work = tmp_path_factory.mktemp("repo-site")
    site = work / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return site


def pagefind_config(root: Path, docs: Path, site: Path) -> dict:
    """The repository's mkdocs.yml with the kbgen option ``search: pagefind`` in place of Material's search plugin."""
    config = site_config(root, docs, site)
    config["plugins"] = [{"kbgen": {**entry["kbgen"], "search": "pagefind"}} if isinstance(entry, dict) and "kbgen" in entry
                         else entry for entry in config["plugins"] if entry != "search"]
    return config


@pytest.fixture(scope="session")
def pagefind_site(tmp_path_factory) -> Path:
    """The repository's own knowledge base built with the kbgen option ``search: pagefind``."""
    work = tmp_path_factory.mktemp("pagefind-site")
    result = mkdocs_build(pagefind_config(REPO, REPO / "docs", work / "site"), work)
    assert result.returncode == 0, result.stderr
    return work / "site"


def page_links(page: str, content: str, pages) -> list[str]:
    """The pages a generated page links to, in order, as paths under the docs root: Markdown links to
    ``.md`` files, and raw-HTML links (entries, lists) to built page addresses, which are an index
    page's folder when ``pages`` has that index page."""
    stem = posixpath.splitext(page)[0]
    built = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem  # directory URLs
    links = []
    for markdown_target, html_target in re.findall(r'\]\(([^)#]+\.md)\)|<a href="([^"#]*/)">', content):
        if markdown_target:
            links.append(posixpath.normpath(posixpath.join(posixpath.dirname(page), markdown_target)))
        else:
            folder = posixpath.normpath(posixpath.join(built, html_target))
            index = posixpath.join(folder, "index.md") if folder != "." else "index.md"
            links.append(index if index in pages else f"{folder}.md")
    return links


def assert_matches_golden(generated: dict[str, str], golden: Path) -> None:
    """Generated files equal the golden files under ``golden``, no more and no fewer.
    With ``KBGEN_UPDATE_GOLDEN=1`` they are written there first (review the diff)."""
    if os.environ.get("KBGEN_UPDATE_GOLDEN"):
        for path, content in generated.items():
            (golden / path).parent.mkdir(parents=True, exist_ok=True)
            (golden / path).write_text(content, encoding="utf-8")
    expected = {p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8") for p in golden.rglob("*") if p.is_file()}
    assert sorted(generated) == sorted(expected)
    for path in generated:
        assert generated[path] == expected[path], f"{path} differs from {golden.relative_to(TESTS.parent)}/{path}"


def build_with_index_limit(kb_root: Path, work: Path, limit: int) -> tuple[Path, str]:
    """A real ``mkdocs build --strict`` of ``kb_root`` with the plugin's ``index_page_entries`` set:
    the site folder and MkDocs' log."""
    config = site_config(kb_root, docs_copy(work / "docs"), work / "site")
    kbgen_options = next(entry["kbgen"] for entry in config["plugins"] if isinstance(entry, dict) and "kbgen" in entry)
    kbgen_options["index_page_entries"] = limit
    result = mkdocs_build(config, work)
    assert result.returncode == 0, result.stderr
    return work / "site", result.stderr


def assert_written_values_published(published, written, where):
    """Every value written in the file is published unchanged (defaults of unwritten fields may be added)."""
    if isinstance(written, dict):
        for key, value in written.items():
            assert key in published, f"{where}.{key} is missing"
            assert_written_values_published(published[key], value, f"{where}.{key}")
    elif isinstance(written, list):
        assert len(published) == len(written), where
        for index, (p, w) in enumerate(zip(published, written)):
            assert_written_values_published(p, w, f"{where}[{index}]")
    else:
        assert published == written, where


def pytest_collection_modifyitems(items):
    """Every test that drives the browser is marked ``browser``: ``pytest -m "not browser"`` is the quick run.

    Browser tests run last: the session's Playwright keeps a thread watching Chromium, and while
    another thread runs kbgen never forks, so the tests of forking (tests/test_runtime.py) must
    come before the first browser starts."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Debian's Chromium, or the browser `make test CHROMIUM=…` names (a hosted runner's preinstalled one).
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """A built site served by a plain static server on 127.0.0.1 (any free port); yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright, one per test session (the sync API allows one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
