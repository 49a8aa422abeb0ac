"""Every kind of error an editor can make gives one exact, located message (cases in tests/cases/)."""

from pathlib import Path

import pytest
import yaml

from conftest import kbgen, make_knowledge_base

CASES = sorted((Path(__file__).parent / "cases").glob("*.yml"))


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_error_case(case_file, tmp_path):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root = make_knowledge_base(tmp_path / "kb", case.get("files"), case.get("remove"), case.get("binary"))
    result = kbgen("validate", "--root", str(root))
    assert result.stdout.splitlines() == case["expected"], case["description"]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
