"""A fixture git repository made by the test: the valid fixture knowledge base and a series of
commits (add, edit a field, add a relation, rename, retire, delete), each with a fixed date."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import VALID

LAKE_WATCH = "name: Lake Watch\nkind: armed-group\nsummary: A fictional patrol used in kbgen's tests.\ncitations:\n  - source: field-report\n"
HILL_GUARD = "name: Hill Guard\nkind: armed-group\nsummary: A fictional guard unit used in kbgen's tests.\ncitations:\n  - source: field-report\n"
LINK = """  - type: linked-to
    actor: northland
    citations:
      - source: field-report
        quote: "Northland’s militia"
"""
RETIRED = """retired:
  status: withdrawn
  reason: The report's call for talks was misread.
  date: "2025-07-12"
"""

STEPS = [
    ("Add the Hill Guard", {"entities/actors/hill-guard.yml": HILL_GUARD}, []),
    ("Correct the attack's date", {"entities/events/border-post-attack.yml": lambda t: t.replace('"2025-06-22"', '"2025-06-21"')}, []),
    ("River Brigade: linked to Northland", {"entities/actors/river-brigade.yml": lambda t: t.replace("tags: [militias]", LINK.rstrip("\n") + "\ntags: [militias]", 1).replace("relations:\n", "relations:\n", 1)}, []),
    ("Rename the border war to the frontier war", {
        "entities/events/frontier-war.yml": lambda _: (VALID / "entities/events/border-war.yml").read_text(encoding="utf-8").replace("title: Border war", "title: Frontier war") + "former_ids: [border-war]\n",
        "entities/events/border-post-attack.yml": lambda t: t.replace("part_of: border-war", "part_of: frontier-war"),
    }, ["entities/events/border-war.yml"]),
    ("Withdraw the talks recommendation", {"entities/recommendations/resume-talks.yml": lambda t: t + RETIRED}, []),
    ("Remove the Lake Watch: the report does not name it", {}, ["entities/actors/lake-watch.yml"]),
]


def git(repo: Path, *args: str, day: int = 1) -> str:
    stamp = f"2025-07-{day:02d}T10:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def make_history_repo(repo: Path) -> list[str]:
    """The repository at ``repo``; returns the commit hashes, oldest first (the base, then one per step)."""
    shutil.copytree(VALID, repo)
    (repo / "entities/actors/lake-watch.yml").write_text(LAKE_WATCH, encoding="utf-8")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "Start the knowledge base")
    commits = [git(repo, "rev-parse", "HEAD")]
    for day, (subject, files, removed) in enumerate(STEPS, start=2):
        for path, content in files.items():
            file = repo / path
            text = content(file.read_text(encoding="utf-8") if file.exists() else "") if callable(content) else content
            file.write_text(text, encoding="utf-8")
        for path in removed:
            (repo / path).unlink()
        git(repo, "add", "-A")
        git(repo, "commit", "--quiet", "-m", subject, day=day)
        commits.append(git(repo, "rev-parse", "HEAD"))
    return commits
