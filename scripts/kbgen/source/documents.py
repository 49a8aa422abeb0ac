"""A YAML file read and parsed: its data, its text, and where each of its values was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..core.problems import Problem
from .files import EntityFile, decode, read_bytes
from .parse import parse_yaml

Location = tuple
"""A place inside a document: ``("participants", 0, "actor")``."""


class SourceText:
    """A file's path and text, and the line and column of each value and key in it.

    A file without problems is parsed without its marks (:func:`~kbgen.source.parse.parse_yaml`),
    which only serve to place a problem: they are parsed from the text the first time
    :meth:`locate` needs them, and the same text gives the same marks."""

    __slots__ = ("path", "text", "_value_marks", "_key_marks")

    def __init__(self, path: str, text: str, value_marks: Optional[dict] = None, key_marks: Optional[dict] = None):
        self.path = path
        self.text = text
        self._value_marks = value_marks
        self._key_marks = key_marks

    def __getstate__(self) -> tuple:
        return (self.path, self.text, self._value_marks, self._key_marks)

    def __setstate__(self, state: tuple) -> None:
        self.path, self.text, self._value_marks, self._key_marks = state

    @property
    def value_marks(self) -> dict:
        """Location -> (line, column) of each value."""
        self._parse_marks()
        return self._value_marks

    @property
    def key_marks(self) -> dict:
        """Location -> (line, column) of the key naming each value."""
        self._parse_marks()
        return self._key_marks

    def _parse_marks(self) -> None:
        if self._value_marks is None:
            _, values, keys, _ = parse_yaml(self.text, self.path)
            self._value_marks, self._key_marks = values or {}, keys or {}

    def locate(self, loc: Location, *, key: bool = False) -> tuple[int, int]:
        """Line and column for a location, falling back to the nearest enclosing value."""
        loc = tuple(loc)
        values = self.value_marks
        marks = self.key_marks if key else values
        while True:
            if loc in marks:
                return marks[loc]
            if key and loc in values:
                return values[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def source_text(self) -> "SourceText":
        """Only the path and text (and marks, if parsed): what a later stage needs to place a problem."""
        return SourceText(self.path, self.text, self._value_marks, self._key_marks)


class RawDocument(SourceText):
    """One YAML file's data, as an entity of ``type`` with ``id`` (from its path)."""

    __slots__ = ("type", "id", "data")

    def __init__(self, path: str, type_: str, id_: str, data: dict, text: str,
                 value_marks: Optional[dict] = None, key_marks: Optional[dict] = None):
        super().__init__(path, text, value_marks, key_marks)
        self.type = type_
        self.id = id_
        self.data = data

    def __getstate__(self) -> tuple:
        return (*super().__getstate__(), self.type, self.id, self.data)

    def __setstate__(self, state: tuple) -> None:
        super().__setstate__(state[:4])
        self.type, self.id, self.data = state[4:]

    def __repr__(self) -> str:
        return f"RawDocument({self.path!r})"


@dataclass
class ReadFile:
    """One YAML file read and parsed: the document, or None with the reasons in ``problems``."""

    entry: EntityFile
    document: Optional[RawDocument]
    problems: list[Problem]


def read_file(entry: EntityFile, raw: Optional[bytes] = None) -> ReadFile:
    """One found YAML file read (or its bytes ``raw``, already read) and parsed into a mapping."""
    problems: list[Problem] = []
    if raw is None:
        raw, problems = read_bytes(entry.file, entry.path)
        if raw is None:
            return ReadFile(entry, None, problems)
    text, problems = decode(raw, entry.path)
    if text is None:
        return ReadFile(entry, None, problems)
    data, values, keys, parse_problems = parse_yaml(text, entry.path, marks=False)
    problems = problems + parse_problems
    if isinstance(data, dict):
        return ReadFile(entry, RawDocument(entry.path, entry.type, entry.id, data, text, values, keys), problems)
    not_mapping = "tags.yml must be a mapping of tag id to a one-line description" if entry.type == "tags" else ""
    if data is None:
        if not parse_problems:  # no YAML error explains the missing fields
            problems.append(Problem(entry.path, 1, 1, not_mapping or "file holds no fields; an entity file is a YAML mapping of fields"))
    else:
        line, col = values.get((), (1, 1))
        problems.append(Problem(entry.path, line, col, not_mapping or f"an entity file must be a YAML mapping of fields, not a {_kind(data)}"))
    return ReadFile(entry, None, problems)


@dataclass
class LoadedFiles:
    """What the files say beyond each entity: where each entity was written (to place a problem
    found later), the tags file, the sources' archived texts, and which files could not be read."""

    texts: dict[tuple[str, str], SourceText] = field(default_factory=dict)  # (type, id) -> its file
    tags: Optional[RawDocument] = None
    archives: dict[str, str] = field(default_factory=dict)  # source id -> archived text
    unreadable: set[tuple[str, str]] = field(default_factory=set)  # (type, id) of entity files that failed to load


def _kind(value: Any) -> str:
    return {list: "list", str: "text", bool: "boolean"}.get(type(value), type(value).__name__)


@dataclass
class Documents:
    """Every file under ``entities/`` read and parsed (:func:`read_documents`)."""

    documents: list[RawDocument]  # the entity files that are YAML mappings, in reading order
    tags: Optional[RawDocument]
    archives: dict[str, str]  # source id -> archived text
    problems: list[Problem]
