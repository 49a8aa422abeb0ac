"""The command line as a user runs it: exit codes, output format, no tracebacks."""

import json

from conftest import VALID, kbgen, make_knowledge_base


def test_validate_valid_exits_0():
    result = kbgen("validate", "--root", str(VALID))
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert "knowledge base is valid" in result.stderr


def test_validate_reports_every_problem_then_exits_1(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {
        "entities/actors/southland.yml": "name: Southland\nkind: stat\nsummary: x\n",
        "entities/events/border-war.yml": "title: War\ndate: \"2025\"\nkind: war\nsummary: x\nparticipants:\n  - actor: nortland\n    role: participant\n",
    })
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("entities/actors/southland.yml:2:7: error: 'stat' is not an allowed value")
    assert lines[1] == "entities/events/border-war.yml:6:12: error: unknown actor 'nortland' (did you mean 'northland'?)"


def test_validate_github_annotations(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml": "name: Southland\nkind: stat\nsummary: x\n"})
    result = kbgen("validate", "--root", str(root), "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=entities/actors/southland.yml,line=2,col=7::'stat' is not an allowed value")


def test_wrong_usage_exits_2():
    assert kbgen("validate", "--nonsense").returncode == 2
    assert kbgen().returncode == 2
    assert kbgen("generate").returncode == 2  # --out is required


def test_missing_entities_folder_is_an_error_not_a_traceback(tmp_path):
    result = kbgen("validate", "--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.startswith("entities:1:1: error: no entities/ folder here")
    assert "Traceback" not in result.stderr


def test_generate_writes_pages_and_data(tmp_path):
    result = kbgen("generate", "--root", str(VALID), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    for page in ["actors/index.md", "actors/river-brigade.md", "events/index.md", "events/border-war.md",
                 "recommendations/resume-talks.md", "sources/field-report.md", "data/kb.json"]:
        assert (out / page).is_file(), page
    data = json.loads((out / "data/kb.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in data["entities"]["actors"]] == ["northland", "river-brigade", "southland"]


def test_generate_refuses_an_invalid_knowledge_base(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml": "name: x\n"})
    result = kbgen("generate", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert not (tmp_path / "out").exists()
