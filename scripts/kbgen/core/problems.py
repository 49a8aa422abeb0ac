"""Problems are values: a file, a line, a column and a message, collected and reported together."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Collection, Iterable

# Messages quote the editor's values. A line break or control character in a
# value must not start a forged "PATH:LINE:COL: error:" line or drive a terminal.
# Paths too: a file or folder name may hold any of them. Bidirectional controls would reorder what
# a terminal shows of the line.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(message: str) -> str:
    """The message on one printable line: line breaks and control characters as escapes (\\n, \\x1b)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], message)


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the knowledge-base root, with forward slashes
    line: int  # 1-based; 1 when the problem concerns the whole file
    col: int  # 1-based
    message: str

    severity: str = "error"  # or "warning": reported, but the knowledge base is still valid

    def __str__(self) -> str:
        return f"{one_line(self.path)}:{self.line}:{self.col}: {self.severity}: {one_line(self.message)}"

    def github(self) -> str:
        """The same problem as a GitHub Actions annotation, escaped as GitHub's workflow commands
        escape data (``%``, CR, LF) and properties (also ``:`` and ``,``)."""
        message = _github_data(one_line(self.message))
        path = _github_data(one_line(self.path)).replace(":", "%3A").replace(",", "%2C")
        return f"::{self.severity} file={path},line={self.line},col={self.col}::{message}"


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class KnowledgeBaseError(Exception):
    """Raised once, after every stage that can run has run, with all problems found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(self):  # raised in a forked worker, it is pickled back: by its problems, not its text
        return (KnowledgeBaseError, (self.problems,))


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """' (did you mean 'a', 'b'?)' for the closest candidates, or '' when none is close."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=0.6)
    if not matches:
        return ""
    return " (did you mean " + ", ".join(f"'{m}'" for m in matches) + "?)"


MAX_SUGGESTION_COMPARISONS = 20_000
"""How many (unknown id, candidate) pairs one run compares for did-you-mean hints: a comparison of
two similar ids costs a string match (tens of microseconds), and without a bound 2,000 unknown ids
among 2,000 ids would make four million of them. With it, hints cost at most a second or two; among
a few hundred ids, dozens of typos get theirs, among 10,000 the first two."""


class Suggestions:
    """:func:`did_you_mean` within one budget of comparisons for a whole run: once it is spent,
    problems come without a hint (they still name the unknown value)."""

    def __init__(self, budget: int = MAX_SUGGESTION_COMPARISONS):
        self.budget = budget

    def hint(self, word: str, candidates: Collection[str]) -> str:
        if len(candidates) > self.budget:
            self.budget = 0
            return ""
        self.budget -= len(candidates)
        return did_you_mean(word, candidates)
