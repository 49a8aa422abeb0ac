"""Problems are values: a file, a line, a column and a message, collected and reported together."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

# Messages quote the editor's values. A line break or control character in a
# value must not start a forged "PATH:LINE:COL: error:" line or drive a terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def one_line(message: str) -> str:
    """The message on one printable line: line breaks and control characters as escapes (\\n, \\x1b)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the knowledge-base root, with forward slashes
    line: int  # 1-based; 1 when the problem concerns the whole file
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {one_line(self.message)}"

    def github(self) -> str:
        """The same problem as a GitHub Actions annotation."""
        message = one_line(self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
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


@dataclass(frozen=True, order=True)
class Caution(Problem):
    """A problem that does not make the knowledge base invalid (``warning:``), e.g. an active entry
    that refers to a retired one: reported, never a reason to stop a build."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: warning: {one_line(self.message)}"

    def github(self) -> str:
        return super().github().replace("::error ", "::warning ", 1)
