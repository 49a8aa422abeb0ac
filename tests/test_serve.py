"""`mkdocs serve` rebuilds when an entity file changes (the plugin watches entities/)."""

import os
import socket
import subprocess
import time
import urllib.request

import yaml

from conftest import BIN, docs_copy, make_knowledge_base, site_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_editing_an_entity_rebuilds_the_served_page(tmp_path):
    root = make_knowledge_base(tmp_path / "repo")
    config = site_config(root, docs_copy(root / "docs"), tmp_path / "site")
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-f", str(config_file), "-a", f"127.0.0.1:{port}"],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        url = f"http://127.0.0.1:{port}/actors/river-brigade/"
        assert wait_for(lambda: "River Brigade" in fetch(url)), "the served site never came up"
        entity = root / "entities" / "actors" / "river-brigade.yml"
        entity.write_text(entity.read_text(encoding="utf-8").replace("name: River Brigade", "name: Riverside Brigade"), encoding="utf-8")
        assert wait_for(lambda: "Riverside Brigade" in fetch(url)), "the page was not rebuilt after the edit"
    finally:
        server.terminate()
        server.wait(timeout=10)
