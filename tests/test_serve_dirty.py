"""`mkdocs serve --dirty` (what `make serve` runs): after an entity file is edited, added, deleted or
renamed, the served site shows the change on every page that shows the value, drops what is gone,
and keeps its search index complete, while MkDocs rebuilds only the pages whose content changed."""

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yaml

from conftest import BIN, docs_copy, make_knowledge_base, mkdocs_build, site_config
from test_serve import fetch, free_port, wait_for


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def search_pages(base: str) -> dict[str, str]:
    """Page URL -> the text of its entries in the served search index."""
    try:
        index = json.loads(fetch(base + "search/search_index.json") or "{}")
    except ValueError:  # read while being written
        return {}
    pages: dict[str, str] = {}
    for entry in index.get("docs", []):
        page = entry["location"].split("#")[0]
        pages[page] = pages.get(page, "") + " " + entry["title"] + " " + entry["text"]
    return pages


@contextmanager
def dirty_serve(root: Path, docs: Path, site: Path, config_file: Path, log_file: Path) -> Iterator[str]:
    """`mkdocs serve --dirty` of the knowledge base at ``root`` (its config written to
    ``config_file``, run from that folder, its output to ``log_file``): yields the served site's URL."""
    config_file.write_text(yaml.safe_dump(site_config(root, docs, site), allow_unicode=True), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with log_file.open("w") as log:
        server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "-f", str(config_file), "-a", f"127.0.0.1:{port}"],
                                  cwd=config_file.parent, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


def test_dirty_serve_shows_each_change_everywhere_and_keeps_the_search_index_whole(tmp_path):
    root = make_knowledge_base(tmp_path / "repo")
    with dirty_serve(root, docs_copy(root / "docs"), tmp_path / "site", root / "mkdocs.yml", tmp_path / "serve.log") as base:
        actor = base + "actors/river-brigade/"
        assert wait_for(lambda: "River Brigade" in fetch(actor), 120), "the served site never came up"
        assert wait_for(lambda: "actors/river-brigade/" in search_pages(base))
        first_index = search_pages(base)

        # An edit: the actor's page, the event naming it, the section index and the search index show the new name.
        file = root / "entities/actors/river-brigade.yml"
        file.write_text(file.read_text(encoding="utf-8").replace("name: River Brigade", "name: Riverside Brigade"),
                        encoding="utf-8")
        for page in ("actors/river-brigade/", "events/border-post-attack/", "actors/", "recommendations/resume-talks/"):
            assert wait_for(lambda: "Riverside Brigade" in fetch(base + page)), f"{page} still shows the old name"
        assert wait_for(lambda: "Riverside Brigade" in search_pages(base).get("actors/river-brigade/", ""))
        index = search_pages(base)
        assert set(index) == set(first_index)  # every page still searchable, not only those rebuilt
        assert index["actors/northland/"] == first_index["actors/northland/"]

        # An addition: its page is served and listed.
        new = root / "entities/actors/delta-council.yml"
        new.write_text("name: Delta Council\nkind: armed-group\nsummary: A fictional council.\n"
                       "citations:\n  - source: field-report\n", encoding="utf-8")
        assert wait_for(lambda: "Delta Council" in fetch(base + "actors/delta-council/")), "the new page is not served"
        assert wait_for(lambda: "Delta Council" in fetch(base + "actors/"))
        assert wait_for(lambda: "actors/delta-council/" in search_pages(base))
        assert set(search_pages(base)) == set(first_index) | {"actors/delta-council/"}

        # A deletion: its page and its data are gone, and so are its index line and search entries.
        new.unlink()
        assert wait_for(lambda: status(base + "actors/delta-council/") == 404), "the deleted page is still served"
        assert status(base + "actors/delta-council.json") == 404
        assert wait_for(lambda: "Delta Council" not in fetch(base + "actors/"))
        assert wait_for(lambda: set(search_pages(base)) == set(first_index))

        # A rename (nothing names the recommendation): the new page, and a redirect at the old address.
        old = root / "entities/recommendations/resume-talks.yml"
        text = old.read_text(encoding="utf-8")
        old.unlink()
        (root / "entities/recommendations/resume-negotiations.yml").write_text(
            text + "former_ids: [resume-talks]\n", encoding="utf-8")
        assert wait_for(lambda: "Resume talks" in fetch(base + "recommendations/resume-negotiations/"))
        assert wait_for(lambda: 'http-equiv="refresh"' in fetch(base + "recommendations/resume-talks/")), "no redirect"
        assert "resume-negotiations" in fetch(base + "recommendations/resume-talks/")
        assert wait_for(lambda: "recommendations/resume-negotiations/" in search_pages(base)
                        and "recommendations/resume-talks/" not in search_pages(base))
        served = (tmp_path / "serve.log").read_text(encoding="utf-8")
        assert "Traceback" not in served and "A 'dirty' build is being performed" in served


def test_serve_in_a_repository_shows_uncommitted_edits_and_each_new_commit_in_the_history(tmp_path):
    from history_repo import git, make_history_repo

    root = tmp_path / "repo"
    make_history_repo(root)
    with dirty_serve(root, docs_copy(tmp_path / "docs"), tmp_path / "site", tmp_path / "mkdocs.yml", tmp_path / "serve.log") as base:
        changes = base + "changes/"
        assert wait_for(lambda: "Withdraw the talks recommendation" in fetch(changes), 120), "the served site never came up"

        # An uncommitted edit of a summary: the page shows it; the history, read from commits, is as it was.
        file = root / "entities/actors/northland.yml"
        file.write_text(file.read_text(encoding="utf-8").replace("summary: ", "summary: Edited. ", 1), encoding="utf-8")
        assert wait_for(lambda: "Edited." in fetch(base + "actors/northland/"))
        assert "Describe Northland anew" not in fetch(changes)

        # Committed, then another edit starts a rebuild: the new commit is in /changes/ and on the entry's page.
        git(root, "commit", "--quiet", "-am", "Describe Northland anew", day=20)
        other = root / "entities/actors/hill-guard.yml"
        other.write_text(other.read_text(encoding="utf-8").replace("summary: ", "summary: Also edited. ", 1), encoding="utf-8")
        assert wait_for(lambda: "Also edited." in fetch(base + "actors/hill-guard/"))
        assert wait_for(lambda: "Describe Northland anew" in fetch(changes)), "the new commit is not in /changes/"
        northland = fetch(base + "actors/northland/")
        assert "Describe Northland anew" in northland and 'datetime="2025-07-20"' in northland

        # An uncommitted rename: the history names entries as they are named now.
        file.write_text(file.read_text(encoding="utf-8").replace("name: Northland", "name: Northern Republic", 1),
                        encoding="utf-8")
        assert wait_for(lambda: "Northern Republic" in fetch(changes)), "/changes/ names the entry by its old name"
        assert "Traceback" not in (tmp_path / "serve.log").read_text(encoding="utf-8")


SERVED = "http://127.0.0.1:8000/"


def _site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def test_rebuilds_after_each_kind_of_edit_leave_the_site_a_clean_build_writes(tmp_path, monkeypatch):
    """In one process, as `mkdocs serve --dirty` rebuilds after each save (MkDocs' own build, as its
    server calls it): after a rename, a retitling, a summary edit, an addition, a deletion and an id
    renamed, every file of the served folder is the one a clean build of the same files writes, and
    no other file is left. The navigation's titles too: a dirty build reads again only the pages that
    changed, so the site's navigation titles each hand-written page itself rather than by its heading."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the sitemap's dates: the same for every build
    root = make_knowledge_base(tmp_path / "kb")
    config_file = tmp_path / "mkdocs.yml"
    docs = docs_copy(tmp_path / "docs")
    config_file.write_text(yaml.safe_dump(site_config(root, docs, tmp_path / "unused"), allow_unicode=True), encoding="utf-8")

    def config_for(site: Path, command: str, dirty: bool):
        config = load_config(config_file=str(config_file), site_dir=str(site))
        config.site_url = SERVED
        if command:
            config.plugins.on_startup(command=command, dirty=dirty)
        return config

    entities = root / "entities"
    def replace(path: str, old: str, new: str) -> None:
        file = entities / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    edits = [
        lambda: replace("actors/river-brigade.yml", "name: River Brigade", "name: Riverside Brigade"),
        lambda: replace("events/border-war.yml", "title: Border war", "title: Border conflict"),
        lambda: replace("actors/northland.yml", "summary: ", "summary: Revised. "),
        lambda: (entities / "actors/delta-council.yml").write_text(
            "name: Delta Council\nkind: armed-group\nsummary: A fictional council.\n"
            "citations:\n  - source: field-report\n", encoding="utf-8"),
        lambda: (entities / "actors/delta-council.yml").unlink(),
        lambda: (entities / "recommendations/resume-negotiations.yml").write_text(
            (entities / "recommendations/resume-talks.yml").read_text(encoding="utf-8") + "former_ids: [resume-talks]\n",
            encoding="utf-8") and (entities / "recommendations/resume-talks.yml").unlink(),
    ]
    served = tmp_path / "served"
    config = config_for(served, "serve", True)
    try:
        build(config, serve_url=SERVED, dirty=True)
        for edit in edits:
            edit()
            build(config_for(served, "", True), serve_url=SERVED, dirty=True)
    finally:
        config.plugins.on_shutdown()
    assert "Riverside Brigade" in (served / "events/border-post-attack/index.html").read_text(encoding="utf-8")

    clean = tmp_path / "clean"  # `mkdocs build --strict`, in a process of its own
    (tmp_path / "clean-build").mkdir()
    built = mkdocs_build(site_config(root, docs, clean, extra={"site_url": SERVED}), tmp_path / "clean-build")
    assert built.returncode == 0, built.stderr
    served_files, clean_files = _site_files(served), _site_files(clean)
    assert sorted(served_files) == sorted(clean_files)
    assert [path for path in clean_files if served_files[path] != clean_files[path]] == []


def test_a_rebuild_writes_again_what_the_served_folder_lost(tmp_path):
    """A generated page and data file deleted from the served folder (by hand, say) are written again
    by the next rebuild, though their content did not change: after any number of rebuilds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_knowledge_base(tmp_path / "kb")
    config_file = tmp_path / "mkdocs.yml"
    served = tmp_path / "served"
    config_file.write_text(yaml.safe_dump(site_config(root, docs_copy(tmp_path / "docs"), served), allow_unicode=True),
                           encoding="utf-8")

    def config_for(command: str = ""):
        config = load_config(config_file=str(config_file))
        config.site_url = SERVED
        if command:
            config.plugins.on_startup(command=command, dirty=True)
        return config

    first = config_for("serve")
    try:
        build(first, serve_url=SERVED, dirty=True)
        edited = root / "entities/actors/river-brigade.yml"
        lost = [served / "actors/northland/index.html", served / "actors/northland.json"]
        contents = [path.read_bytes() for path in lost]
        for edit in range(3):  # lost before the second rebuild and before the third, not before the first
            edited.write_text(edited.read_text(encoding="utf-8").replace("summary: ", f"summary: Edit {edit}. ", 1),
                              encoding="utf-8")
            for path in lost if edit else []:
                path.unlink()
            build(config_for(), serve_url=SERVED, dirty=True)
            assert [path.read_bytes() if path.exists() else None for path in lost] == contents
    finally:
        first.plugins.on_shutdown()
