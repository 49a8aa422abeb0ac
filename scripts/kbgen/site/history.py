"""When each entity file last changed, from git: one ``git log`` for the whole knowledge base.

Dates are commit dates (``%cs``, YYYY-MM-DD), so two builds of the same commit
show the same dates. Outside a git repository, without git, or for files not
yet committed there is simply no date: a page never shows a made-up one.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_MARK = "\x1e"  # starts each commit's line in the log, before its date


def last_changed(root: Path) -> dict[str, str]:
    """``{path relative to root: 'YYYY-MM-DD'}`` for every committed file under ``root/entities``."""
    root = Path(root)
    try:
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--format=" + _MARK + "%cs", "--name-only",
             "--no-renames", "--relative", "--", "entities"],
            cwd=root, capture_output=True, text=True, encoding="utf-8", check=False,
        )
    except OSError:  # no git on this machine
        return {}
    if log.returncode != 0:  # not a repository, or no commits yet
        return {}
    dates: dict[str, str] = {}
    date = ""
    for line in log.stdout.split("\n"):  # not splitlines(): it also splits at the \x1e mark
        if line.startswith(_MARK):
            date = line[len(_MARK):]
        elif line and date:
            dates.setdefault(line, date)  # newest commit first: keep the first date seen
    return dates
