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

from conftest import BIN, docs_copy, make_knowledge_base, site_config
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
