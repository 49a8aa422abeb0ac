"""`kbgen init DIR`: a new knowledge base from nothing. The end-to-end test installs kbgen from a wheel
built with `python -m build` into a fresh venv, as another repository depending on kbgen would, then
init -> validate -> build -> crawl: templates, starter files and assets ship as package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, kbgen
from kbgen.core import vocab
from sitecheck import broken_links, external_urls
from test_workflows import actionlint

STARTER_COPIES = ["docs/assets/kbgen.css", "docs/assets/kbgen-cite.js", "docs/overrides/main.html",
                  "docs/overrides/partials/search.html", ".vscode/settings.json"]


def _run(*command, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, env=env)


def test_init_from_a_built_wheel_in_a_fresh_venv_validates_builds_and_crawls(tmp_path):
    # The wheel, built from a copy of the package's sources (the checkout stays untouched).
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "scripts", source / "scripts", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", source, cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp_path / "dist").glob("kbgen-*.whl"))

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    installed = _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = _run(venv / "bin" / "python", "-c", "import kbgen; print(kbgen.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # the wheel's kbgen, not the checkout's

    kb = tmp_path / "new-kb"
    made = _run(venv / "bin" / "kbgen", "init", kb, "--title", "Example knowledge base", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    validated = _run(venv / "bin" / "kbgen", "validate", cwd=kb)
    assert validated.returncode == 0, validated.stdout
    assert "actors: 3, events: 1, recommendations: 1, sources: 1" in validated.stderr
    site_built = _run(venv / "bin" / "kbgen", "build", cwd=kb)
    assert site_built.returncode == 0, site_built.stderr

    site = kb / "site"
    for folder in vocab.FOLDERS.values():
        for entity_file in (kb / "entities" / folder).glob("*.yml"):
            assert (site / folder / entity_file.stem / "index.html").is_file(), f"/{folder}/{entity_file.stem}/"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Example knowledge base" in home
    assert (site / "assets" / "kbgen-cite.js").is_file() and (site / "data" / "kb.json").is_file()
    assert broken_links(site) == []
    assert external_urls(site) == []


def test_init_writes_what_a_knowledge_base_repository_needs(tmp_path):
    kb = tmp_path / "kb"
    result = kbgen("init", str(kb), "--title", 'Notes: "A" & B')
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((kb / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == 'Notes: "A" & B'  # any title stays text in YAML
    assert "kbgen" in config["plugins"]
    assert "kbgen build" in (kb / "README.md").read_text(encoding="utf-8")
    settings = json.loads((kb / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert all((kb / schema).is_file() for schema in settings)
    hooks = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hooks[0]["entry"] == "kbgen validate"
    assert (kb / ".gitignore").read_text(encoding="utf-8").splitlines()[:2] == ["/site/", "/.kbgen/"]
    workflows = sorted((kb / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["pages.yml", "pr.yml"]
    assert actionlint(*workflows) == (0, [])
    for path in STARTER_COPIES:  # the same files as the repository's own site uses, never drifting apart
        assert (kb / path).read_bytes() == (REPO / path).read_bytes(), path


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = kbgen("init", str(tmp_path))
    assert result.returncode == 1
    assert "is not empty" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_into_an_empty_folder_works(tmp_path):
    result = kbgen("init", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert kbgen("validate", "--root", str(tmp_path)).returncode == 0
