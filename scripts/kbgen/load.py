"""Stage 1, load: files under ``entities/`` -> raw data with the line and column of every value.

YAML from a pull request is untrusted. We never construct Python objects from
it: we read PyYAML's event stream (the libyaml C parser where present) and
build plain dicts, lists and strings ourselves, so tags cannot run code,
anchors and aliases are refused at the first one (a billion-laughs file stops
at once), and duplicate keys are reported instead of silently overwritten.

Plain scalars keep exactly the text the editor wrote: ``no`` stays "no" and
``2011`` stays "2011" (YAML 1.1 would make them False and 2011); only
``true``/``false`` become booleans and ``null``/``~``/nothing become None.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import vocab
from .problems import Problem

try:  # the C parser is ~10x faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels is not allowed"
TAGS_FILE = "tags.yml"
ARCHIVE_SUFFIX = ".txt"
"""A source may keep the publisher's text beside its YAML, as ``sources/<id>.txt``."""

Path_ = tuple  # a location inside a document: ("participants", 0, "actor")


@dataclass
class RawDocument:
    """One YAML file's data, with where each value and key was written.

    The marks of a file read without problems are not kept: they are parsed again from
    ``text`` the first time a later stage asks for a line (see :func:`parse_yaml`)."""

    path: str
    type: str
    id: str
    data: dict
    value_marks: dict = field(default_factory=dict)  # Path_ -> (line, col)
    key_marks: dict = field(default_factory=dict)  # Path_ -> (line, col) of the key naming it
    digest: str = ""  # hash of the file's bytes, set when read through a ParseCache
    text: str = field(default="", repr=False)  # the file's text, which all of the above is parsed from

    _PARSED = ("data", "value_marks", "key_marks")

    def without_parse(self) -> "RawDocument":
        """This document as its text, without data and marks, which are parsed again from the
        text when first read. A forked child sends its documents back this way (pipeline): the
        parent only needs them to place a problem found while linking, and they are 60 % of the pickle."""
        light = copy.copy(self)
        for name in self._PARSED:
            light.__dict__.pop(name, None)
        return light

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute the instance lacks: the data of a document sent as
        # its text (without_parse), or the marks of one read without them (read_file), first
        # needed to place a problem. Parsing the same text gives the same data and marks.
        if name not in RawDocument._PARSED or "text" not in self.__dict__:
            raise AttributeError(name)
        data, values, keys, _ = parse_yaml(self.text, self.path, marks=name != "data")
        for attribute, value in zip(RawDocument._PARSED, (data, values, keys)):
            if value is not None:
                self.__dict__.setdefault(attribute, value)
        return self.__dict__[name]

    def locate(self, loc: tuple, *, key: bool = False) -> tuple[int, int]:
        """Line and column for a location, falling back to the nearest enclosing value."""
        loc = tuple(loc)
        while True:
            marks = self.key_marks if key else self.value_marks
            if loc in marks:
                return marks[loc]
            if key and loc in self.value_marks:
                return self.value_marks[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]


@dataclass
class LoadedFiles:
    documents: list[RawDocument] = field(default_factory=list)
    tags: Optional[RawDocument] = None
    archives: dict[str, str] = field(default_factory=dict)  # source id -> archived text
    unreadable: set[tuple[str, str]] = field(default_factory=set)  # (type, id) of entity files that failed to load
    problems: list[Problem] = field(default_factory=list)


_Parsed = tuple  # (text or None, data, value marks, key marks, problems) of one file; no marks (None) without problems


class ParseCache:
    """What was parsed from each file, by path and content hash, kept between builds.

    ``mkdocs serve`` runs the whole pipeline again after every edit; with a cache
    held across rebuilds only the files whose bytes changed are parsed and
    validated again (10,000 unchanged files cost a read and a hash each). The
    entries are plain results of pure functions of the file's bytes, so a hit
    gives exactly what parsing again would. ``parses`` counts real parses.
    """

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, str], _Parsed] = {}
        self.validated: dict[tuple[str, str], tuple] = {}  # filled by model.build_entities
        self.parses = 0

    def parse(self, file: str | Path, path: str) -> tuple[str, _Parsed]:
        """The file's digest and its parse, from the cache when its bytes are unchanged."""
        raw, problems = _read_bytes(file, path)
        if raw is None:
            return "", (None, None, {}, {}, problems)
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        key = (path, digest)
        if key not in self.parsed:
            self.parses += 1
            self.parsed[key] = _parse_bytes(raw, path)
        return digest, self.parsed[key]

    def forget_except(self, keys: set[tuple[str, str]]) -> None:
        """Drop entries of files that changed or went away, so the cache does not grow with every edit."""
        for store in (self.parsed, self.validated):
            for key in [k for k in store if k not in keys]:
                del store[key]


class _YamlRefused(Exception):
    def __init__(self, mark, message: str):
        self.line = mark.line + 1 if mark else 1
        self.col = mark.column + 1 if mark else 1
        self.message = message


_PLAIN_NULL = {"", "~", "null", "Null", "NULL"}
# Control characters (other than tab and line breaks) and lone surrogates can only
# arrive through escapes in quoted scalars ("\x1b", "\x02"); in text they would
# forge terminal output, splice Markdown's internal placeholders (STX/ETX) or
# break writing UTF-8. No editor means them, so they are refused, named by code point.
_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_PLAIN_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class _MarksNeeded(Exception):
    """A problem found while building data without marks: its message needs them."""


class _TreeBuilder:
    """Builds plain data from YAML events, recording marks unless told not to, refusing what we do not allow."""

    def __init__(self, loader, text: str, marks: bool = True):
        # Events straight from the (C) parser: yaml.parse's generator wrapper costs as much again.
        self.next = loader.get_event
        self.value_marks: Optional[dict] = {} if marks else None
        self.key_marks: Optional[dict] = {} if marks else None
        self.problems: list[tuple[int, int, str]] = []  # non-fatal: duplicate keys
        # A value holds only characters of the file's text, spaces, line breaks and what
        # backslash escapes make: without a backslash or a forbidden character in the
        # text (nearly every file), no value needs the check (340,000 searches at 10,000 entities).
        self.may_hold_forbidden = "\\" in text or _FORBIDDEN_CHARACTERS.search(text) is not None

    def document(self) -> Any:
        event = self.next()
        assert isinstance(event, yaml.StreamStartEvent)
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            raise _YamlRefused(event.start_mark, "file is empty; an entity file is a YAML mapping of fields")
        root = self.node(self.next(), (), 0)
        end = self.next()
        assert isinstance(end, yaml.DocumentEndEvent)
        following = self.next()
        if not isinstance(following, yaml.StreamEndEvent):
            raise _YamlRefused(following.start_mark, "only one YAML document per file is allowed; remove the '---' separator")
        return root

    def check_characters(self, event) -> None:
        found = _FORBIDDEN_CHARACTERS.search(event.value)
        if found:
            self.problems.append((event.start_mark.line + 1, event.start_mark.column + 1,
                f"control character U+{ord(found.group()):04X} is not allowed in text; remove it"))

    @staticmethod
    def refuse_decorations(event) -> None:
        """Aliases, anchors and tags (but a quoted scalar's non-specific '!') are refused."""
        if event.__class__ is yaml.AliasEvent:
            raise _YamlRefused(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise _YamlRefused(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "tag", None) and not (event.__class__ is yaml.ScalarEvent and event.tag == "!" and event.style):
            raise _YamlRefused(event.start_mark, f"YAML tags ({event.tag}) are not allowed; write plain values")

    # node() runs for every value of every file (340,000 times at 10,000 entities):
    # it dispatches on the event's exact class and checks the rare cases only when present.
    # Without marks, no location (``path``) is made either.
    def node(self, event, path: Optional[tuple], depth: int) -> Any:
        cls = event.__class__
        if cls is yaml.AliasEvent or event.anchor is not None or event.tag is not None:
            self.refuse_decorations(event)
        if depth > MAX_DEPTH:
            raise _YamlRefused(event.start_mark, _TOO_DEEP)
        marking = self.value_marks is not None
        if marking:
            mark = event.start_mark
            self.value_marks[path] = (mark.line + 1, mark.column + 1)
        if cls is yaml.ScalarEvent:
            value = event.value
            if self.may_hold_forbidden and _FORBIDDEN_CHARACTERS.search(value):
                self.check_characters(event)
            if not event.style:  # plain: resolve only the unambiguous forms
                if value in _PLAIN_NULL:
                    return None
                if value in _PLAIN_BOOL:
                    return _PLAIN_BOOL[value]
            return value
        if cls is yaml.SequenceStartEvent:
            items = []
            next_event = self.next
            while (event := next_event()).__class__ is not yaml.SequenceEndEvent:
                items.append(self.node(event, path + (len(items),) if marking else None, depth + 1))
            return items
        if cls is yaml.MappingStartEvent:
            mapping: dict = {}
            next_event = self.next
            while (event := next_event()).__class__ is not yaml.MappingEndEvent:
                if event.__class__ is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
                    raise _YamlRefused(event.start_mark, "a mapping key must be a plain name")
                key = event.value
                if self.may_hold_forbidden and _FORBIDDEN_CHARACTERS.search(key):
                    self.check_characters(event)
                if not marking:
                    if key in mapping:
                        raise _MarksNeeded  # the message names the line of the first
                    mapping[key] = self.node(next_event(), None, depth + 1)
                    continue
                key_mark = (event.start_mark.line + 1, event.start_mark.column + 1)
                if key in mapping:
                    first = self.key_marks[path + (key,)]
                    self.problems.append((*key_mark, f"duplicate key '{key}' (first given on line {first[0]}); give each field once"))
                    self.node(next_event(), ("<duplicate>",) + path + (key,), depth + 1)
                    continue
                self.key_marks[path + (key,)] = key_mark
                mapping[key] = self.node(next_event(), path + (key,), depth + 1)
            return mapping
        raise _YamlRefused(event.start_mark, f"unexpected YAML element {cls.__name__}")


def parse_yaml(text: str, path: str, *, marks: bool = True) -> tuple[Any, Optional[dict], Optional[dict], list[Problem]]:
    """Parse one YAML document into plain data and marks, or report why not.

    Without ``marks``, a file that is a mapping and has no problem gives its data alone (no marks:
    None), any other file its data, marks and problems as with them. Most files have no problem,
    and their marks, parsed again from the text when a later stage needs a line, are most of the
    parse's time and memory (0.15 of 0.97 s and half the memory at 10,000 entities)."""
    if not marks:
        loader = _Loader(text)
        builder = _TreeBuilder(loader, text, marks=False)
        try:
            data = builder.document()
        except (_MarksNeeded, _YamlRefused, yaml.YAMLError):
            data = None
        finally:
            loader.dispose()
        if isinstance(data, dict) and not builder.problems:
            return data, None, None, []
        return parse_yaml(text, path)
    loader = _Loader(text)
    builder = _TreeBuilder(loader, text)
    try:
        data = builder.document()
    except _YamlRefused as refused:
        return None, {}, {}, [Problem(path, refused.line, refused.col, refused.message)]
    except yaml.MarkedYAMLError as error:
        if error.problem == _LIBYAML_TOO_DEEP and error.problem_mark is not None:
            return None, {}, {}, [_too_deep(text, path, error.problem_mark)]
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or str(error)
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            reason += " (YAML indentation must use spaces, not tabs)"
        return None, {}, {}, [Problem(path, line, col, f"invalid YAML: {reason}")]
    except yaml.YAMLError as error:  # e.g. a reader error on a control character
        return None, {}, {}, [Problem(path, 1, 1, f"invalid YAML: {error}")]
    finally:
        loader.dispose()
    problems = [Problem(path, line, col, message) for line, col, message in builder.problems]
    return data, builder.value_marks, builder.key_marks, problems


_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _too_deep(text: str, path: str, mark) -> Problem:
    """Our refusal of deep nesting, for a file libyaml refused as nested too deep.

    libyaml 0.2.6 (in PyYAML 6.0.4) stops at 1,000 levels of brackets while it scans ahead,
    before its events reach the tree builder's limit of 20. The text before that point holds
    the 21st level, which the builder refuses where it is, as with earlier libyaml versions:
    the same message at the same place, whichever libyaml PyYAML brings."""
    if 0 < mark.index < len(text):
        _, _, _, problems = parse_yaml(text[:mark.index], path)
        if problems and problems[0].message == _TOO_DEEP:
            return problems[0]
    return Problem(path, mark.line + 1, mark.column + 1, _TOO_DEEP)


def read_text(file: str | Path, path: str) -> tuple[Optional[str], list[Problem]]:
    """Read a file as UTF-8 within the size limit, or say precisely why not."""
    raw, problems = _read_bytes(file, path)
    if raw is None:
        return None, problems
    return _decode(raw, path)


def _read_bytes(file: str | Path, path: str) -> tuple[Optional[bytes], list[Problem]]:
    # Read at most the limit and one byte, rather than stat the file and then read it through a
    # buffered file object: a third of the time at 10,000 files, and a file that grows between
    # a stat and the read cannot get past the limit.
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        raw = b""
        while len(raw) <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - len(raw))
            if not chunk:
                return raw, []
            raw += chunk
        size = os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)
    return None, [Problem(path, 1, 1, f"file is {max(size, len(raw)):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")]


def _decode(raw: bytes, path: str) -> tuple[Optional[str], list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(path, line, col, f"file is not UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8")]
    return text.removeprefix("\ufeff"), []


def _within(root: Path, file: Path) -> bool:
    try:
        file.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _parse_bytes(raw: bytes, path: str) -> _Parsed:
    """A YAML file's text, data and marks, with every problem reading or parsing it."""
    text, problems = _decode(raw, path)
    if text is None:
        return None, None, {}, {}, problems
    data, values, keys, parse_problems = parse_yaml(text, path, marks=False)
    return text, data, values, keys, problems + parse_problems


@dataclass(frozen=True)
class EntityFile:
    """A YAML file the walk found, not yet read: where it is and what it must hold."""

    file: str  # the file as the walk reached it (root / "entities" / ...)
    path: str  # relative to the root, with forward slashes
    type: str  # "tags" for entities/tags.yml
    id: str


@dataclass
class FoundFiles:
    """What is under ``entities/``, from names and file types alone; nothing is read yet."""

    yaml: list[EntityFile] = field(default_factory=list)  # in reading order
    archives: dict[str, tuple[str, str]] = field(default_factory=dict)  # source id -> (file, path) of its .txt
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ReadFile:
    """One YAML file read and parsed: the document, or None with the reasons in ``problems``."""

    entry: EntityFile
    digest: str
    document: Optional[RawDocument]
    problems: list[Problem]


def load_entities(root: Path, cache: Optional[ParseCache] = None) -> LoadedFiles:
    """Read every file under ``root/entities`` in a stable order; every problem is collected.

    With a :class:`ParseCache`, files whose bytes did not change since the last
    call are not parsed again."""
    found = find_files(root)
    return gather(found, [read_file(entry, cache) for entry in found.yaml], cache)


def find_files(root: Path) -> FoundFiles:
    """Walk ``root/entities`` in a stable order, sorting out what is not an entity file."""
    found = FoundFiles()
    entities_dir = root / "entities"
    if not entities_dir.is_dir():
        found.problems.append(Problem("entities", 1, 1, "no entities/ folder here; pass --root DIR to point at a knowledge base"))
        return found
    if not _within(root, entities_dir):
        # A pull request can replace entities/ by a link to the build machine's files.
        found.problems.append(Problem("entities", 1, 1, "entities/ is a symbolic link pointing outside the knowledge base; it is not read"))
        return found
    folder_types = {folder: type_ for type_, folder in vocab.FOLDERS.items()}
    for dirpath, dirnames, filenames in os.walk(entities_dir, followlinks=False):
        dirnames.sort()
        # Paths are joined as strings and each name costs one lstat: the pathlib
        # equivalents took a tenth of `kbgen validate` at 10,000 files.
        folder_parts = Path(dirpath).relative_to(entities_dir).parts
        folder_path = Path(dirpath).relative_to(root).as_posix()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            file = os.path.join(dirpath, name)
            path = f"{folder_path}/{name}"
            parts = folder_parts + (name,)
            try:
                mode = os.lstat(file).st_mode
            except FileNotFoundError:  # gone since the folder was listed: as a broken link would be
                mode = 0
            is_link = stat.S_ISLNK(mode)
            is_file = stat.S_ISREG(mode) or (is_link and os.path.isfile(file))
            if name.startswith(".") and stat.S_ISREG(mode):
                continue  # editors' and OS' dot-files (.gitkeep, .DS_Store) are not content
            if is_link and not _within(entities_dir, Path(file)):
                found.problems.append(Problem(path, 1, 1, "symbolic link pointing outside entities/ is not allowed"))
                continue
            if not is_file:
                # A FIFO would block the build, a device would be read forever; git stores neither.
                what = "a link to a folder" if os.path.isdir(file) else "a broken link" if not os.path.exists(file) else "a special file"
                found.problems.append(Problem(path, 1, 1, f"not an entity file: {what}; entity files are regular files"))
                continue
            if parts == (TAGS_FILE,):
                found.yaml.append(EntityFile(file, path, "tags", "tags"))
                continue
            if len(parts) != 2 or parts[0] not in folder_types:
                where = ", ".join(f"entities/{f}/" for f in vocab.FOLDERS.values())
                found.problems.append(Problem(path, 1, 1, f"not an entity file: entity files go in {where} as <id>.yml"))
                continue
            dot = name.rfind(".")  # split as pathlib's stem and suffix do: ".yml" is all stem
            stem, suffix = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
            type_ = folder_types[parts[0]]
            if type_ == "source" and suffix == ARCHIVE_SUFFIX:
                found.archives[stem] = (file, path)
                continue
            if suffix != ".yml":
                hint = "rename it to .yml" if suffix == ".yaml" else "entity files end in .yml"
                found.problems.append(Problem(path, 1, 1, f"not an entity file: {hint}"))
                continue
            if not vocab.is_id(stem):
                found.problems.append(Problem(path, 1, 1, f"file name '{stem}' is not a valid id: {vocab.ID_RULE}"))
                continue
            found.yaml.append(EntityFile(file, path, type_, stem))
    return found


def read_file(entry: EntityFile, cache: Optional[ParseCache] = None) -> ReadFile:
    """One found YAML file read and parsed (through the cache if given) into a mapping with its marks.

    Without a cache nothing is hashed: the digest only serves the cache."""
    if cache is not None:
        digest, parsed = cache.parse(entry.file, entry.path)
    else:
        raw, problems = _read_bytes(entry.file, entry.path)
        digest, parsed = "", ((None, None, {}, {}, problems) if raw is None else _parse_bytes(raw, entry.path))
    text, data, values, keys, parse_problems = parsed
    problems = list(parse_problems)
    if isinstance(data, dict):
        document = RawDocument(entry.path, entry.type, entry.id, data, values or {}, keys or {}, digest, text)
        if values is None:  # parsed without marks (a file without problems): they are parsed again if needed
            del document.value_marks, document.key_marks
        return ReadFile(entry, digest, document, problems)
    if text is not None:  # unreadable files are already reported
        not_mapping = "tags.yml must be a mapping of tag id to a one-line description" if entry.type == "tags" else ""
        if data is None:
            if not parse_problems:  # no YAML error explains the missing fields
                problems.append(Problem(entry.path, 1, 1, not_mapping or "file holds no fields; an entity file is a YAML mapping of fields"))
        else:
            line, col = values.get((), (1, 1))
            problems.append(Problem(entry.path, line, col, not_mapping or f"an entity file must be a YAML mapping of fields, not a {_kind(data)}"))
    return ReadFile(entry, digest, None, problems)


def gather(found: FoundFiles, reads: list[ReadFile], cache: Optional[ParseCache] = None) -> LoadedFiles:
    """The loaded knowledge base from the files read (in ``found.yaml``'s order), with the sources' archived texts."""
    loaded = LoadedFiles(problems=list(found.problems))
    for read in reads:
        loaded.problems += read.problems
        if read.entry.type == "tags":
            loaded.tags = read.document
        elif read.document is None:
            loaded.unreadable.add((read.entry.type, read.entry.id))
        else:
            loaded.documents.append(read.document)
    ids = {doc.id for doc in loaded.documents if doc.type == "source"}
    for stem, (file, path) in sorted(found.archives.items()):
        if stem not in ids:
            loaded.problems.append(Problem(path, 1, 1, f"archived text without a source: add sources/{stem}.yml or remove this file"))
            continue
        text, problems = read_text(file, path)
        loaded.problems += problems
        if text is not None:
            loaded.archives[stem] = text
    if cache is not None:
        cache.forget_except({(read.entry.path, read.digest) for read in reads})
    return loaded


def _kind(value: Any) -> str:
    return {list: "list", str: "text", bool: "boolean"}.get(type(value), type(value).__name__)
