"""`kbgen diff BASE [HEAD]`: what changed as entries and claims, from a real git repository made
by the test (add, edit a field, add a relation, rename, retire, delete), checked against golden
outputs in text, Markdown and JSON."""

import json
import os
import shutil

import pytest

from conftest import TESTS, VALID, kbgen
from history_repo import git, make_history_repo

GOLDEN = TESTS / "golden" / "diff"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("history") / "kb"
    make_history_repo(repo)
    return repo


@pytest.mark.parametrize("format_, suffix", [("text", "txt"), ("markdown", "md"), ("json", "json")])
def test_diff_of_every_kind_of_change_matches_the_golden_output(repo, format_, suffix):
    result = kbgen("diff", "HEAD~6", "HEAD", "--format", format_, cwd=repo)
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"add-edit-relate-rename-retire-delete.{suffix}"
    if os.environ.get("KBGEN_UPDATE_GOLDEN"):  # regenerate, then review the diff
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_json_diff_says_each_claim_with_its_quotes(repo):
    data = json.loads(kbgen("diff", "HEAD~6", "HEAD", "--format", "json", cwd=repo).stdout)
    by_id = {entry["id"]: entry for entry in data["entries"]}
    assert {entry["action"] for entry in data["entries"]} == {"added", "changed", "renamed", "retired", "removed"}
    relation = by_id["river-brigade"]["claims"][0]
    assert relation["text"] == "relation linked to → Northland" and relation["quotes"] == ["Northland’s militia"]
    assert by_id["frontier-war"]["former_id"] == "border-war"
    assert {"field": "date", "action": "changed", "text": "date", "old": "22 June 2025", "new": "21 June 2025", "quotes": []} \
        in by_id["border-post-attack"]["claims"]


def test_head_defaults_to_the_working_tree(repo, tmp_path):
    work = tmp_path / "kb"
    shutil.copytree(repo, work)
    (work / "entities/actors/hill-guard.yml").write_text(
        (work / "entities/actors/hill-guard.yml").read_text(encoding="utf-8").replace("name: Hill Guard", "name: Hill Watch"), encoding="utf-8")
    result = kbgen("diff", "HEAD", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "Hill Watch (actor): changed" in result.stdout and "name: Hill Guard → Hill Watch" in result.stdout


def test_two_folders_are_diffed_without_git(tmp_path):
    result = kbgen("diff", str(VALID), str(VALID))
    assert result.returncode == 0, result.stderr
    assert "no change" in result.stdout


def test_an_unknown_revision_is_a_usage_error_not_a_traceback(repo):
    result = kbgen("diff", "no-such-branch", cwd=repo)
    assert result.returncode == 2
    assert "unknown revision 'no-such-branch'" in result.stderr and "Traceback" not in result.stderr


def test_a_revision_that_looks_like_an_option_is_refused(repo):
    result = kbgen("diff", "--", "--output=/tmp/x", cwd=repo)
    assert result.returncode == 2
    assert "must not start with '-'" in result.stderr


def test_an_invalid_side_is_reported_with_its_problems_not_diffed(repo, tmp_path):
    work = tmp_path / "kb"
    shutil.copytree(repo, work)
    (work / "entities/actors/hill-guard.yml").write_text("name: Hill Guard\nkind: stat\n", encoding="utf-8")
    git(work, "commit", "--quiet", "-am", "Break the Hill Guard", day=20)
    result = kbgen("diff", "HEAD~1", "HEAD", cwd=work)
    assert result.returncode == 1
    assert "HEAD (HEAD) is not a valid knowledge base" in result.stderr
    assert "entities/actors/hill-guard.yml:2:7: error: 'stat' is not an allowed value for 'kind'" in result.stderr
    assert result.stdout == ""
