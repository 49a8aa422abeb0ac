"""Problems are values: a file, a line, a column and a message, collected and reported together."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the knowledge-base root, with forward slashes
    line: int  # 1-based; 1 when the problem concerns the whole file
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"

    def github(self) -> str:
        """The same problem as a GitHub Actions annotation."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::error file={path},line={self.line},col={self.col}::{message}"


class KnowledgeBaseError(Exception):
    """Raised once, after every stage that can run has run, with all problems found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """' (did you mean 'a', 'b'?)' for the closest candidates, or '' when none is close."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=0.6)
    if not matches:
        return ""
    return " (did you mean " + ", ".join(f"'{m}'" for m in matches) + "?)"
