"""The workflows and history: a pull request's job summary holds the Markdown diff against its
base, and the Pages build checks out the whole history (still passing actionlint: test_workflows.py)."""

import yaml

from conftest import REPO


def steps(workflow: str, job: str) -> list[dict]:
    return yaml.safe_load((REPO / ".github/workflows" / workflow).read_text(encoding="utf-8"))["jobs"][job]["steps"]


def test_pull_request_job_summary_holds_the_markdown_diff_against_the_base():
    check = steps("pr.yml", "check")
    assert check[0]["uses"].startswith("actions/checkout@") and check[0]["with"]["fetch-depth"] == 0
    summary = next(step for step in check if "kbgen diff" in step.get("run", ""))
    assert summary["run"] == '.venv/bin/kbgen diff "$BASE_SHA" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"'
    assert summary["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}


def test_pages_build_checks_out_the_whole_history():
    build = steps("pages.yml", "build")
    assert build[0]["uses"].startswith("actions/checkout@") and build[0]["with"]["fetch-depth"] == 0
