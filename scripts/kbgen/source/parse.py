"""YAML text -> plain data with the line and column of every value, or a located refusal.

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

import re
from typing import Any, NamedTuple, Optional

import yaml

from ..core.problems import Problem

try:  # the C parser where PyYAML was built with libyaml; the pure-Python one behaves the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_DEPTH = 20
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels is not allowed"


class Parsed(NamedTuple):
    """A YAML text's data, the line and column of each value and key (None where not recorded), and its problems."""

    data: Any
    value_marks: Optional[dict]
    key_marks: Optional[dict]
    problems: list[Problem]


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
# U+FFFE and U+FFFF are not characters at all: XML 1.0 forbids them (with C0 controls and
# surrogates), and one in a title would make the Atom feed not well-formed.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PLAIN_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class _MarksNeeded(Exception):
    """A problem found while building data without marks: its message needs them."""


class _TreeBuilder:
    """Builds plain data from YAML events, recording marks unless told not to, refusing what we do not allow."""

    def __init__(self, loader, text: str, marks: bool = True):
        # Events straight from the (C) parser, without yaml.parse's generator around it.
        self.next = loader.get_event
        self.value_marks: Optional[dict] = {} if marks else None
        self.key_marks: Optional[dict] = {} if marks else None
        self.problems: list[tuple[int, int, str]] = []  # non-fatal: duplicate keys
        # A value holds only characters of the file's text, spaces, line breaks and what
        # backslash escapes make: without a backslash or a forbidden character in the
        # text (nearly every file), no value needs the check.
        self.may_hold_forbidden = "\\" in text or FORBIDDEN_CHARACTERS.search(text) is not None

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
        found = FORBIDDEN_CHARACTERS.search(event.value)
        if found:
            what = "non-character" if found.group() in "\ufffe\uffff" else "control character"
            self.problems.append((event.start_mark.line + 1, event.start_mark.column + 1,
                f"{what} U+{ord(found.group()):04X} is not allowed in text; remove it"))

    @staticmethod
    def refuse_decorations(event) -> None:
        """Aliases, anchors and tags (but a quoted scalar's non-specific '!') are refused."""
        if event.__class__ is yaml.AliasEvent:
            raise _YamlRefused(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise _YamlRefused(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "tag", None) and not (event.__class__ is yaml.ScalarEvent and event.tag == "!" and event.style):
            raise _YamlRefused(event.start_mark, f"YAML tags ({event.tag}) are not allowed; write plain values")

    # node() runs for every value of every file: it dispatches on the event's exact class and
    # checks the rare cases only when present. Without marks, no location (``path``) is made either.
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
            if self.may_hold_forbidden and FORBIDDEN_CHARACTERS.search(value):
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
                if self.may_hold_forbidden and FORBIDDEN_CHARACTERS.search(key):
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


def parse_yaml(text: str, path: str, *, marks: bool = True) -> Parsed:
    """Parse one YAML document into plain data and marks, or report why not.

    Without ``marks``, a file that is a mapping and has no problem gives its data alone (no marks:
    None), any other file its data, marks and problems as with them. Most files have no problem,
    and a file's marks, which only place a problem, cost as much memory as its data
    (:class:`~kbgen.source.documents.SourceText` parses them again when a problem needs a line)."""
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
            return Parsed(data, None, None, [])
        return parse_yaml(text, path)
    loader = _Loader(text)
    builder = _TreeBuilder(loader, text)
    try:
        data = builder.document()
    except _YamlRefused as refused:
        return Parsed(None, {}, {}, [Problem(path, refused.line, refused.col, refused.message)])
    except yaml.MarkedYAMLError as error:
        if error.problem == _LIBYAML_TOO_DEEP and error.problem_mark is not None:
            return Parsed(None, {}, {}, [_too_deep(text, path, error.problem_mark)])
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or str(error)
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            reason += " (YAML indentation must use spaces, not tabs)"
        return Parsed(None, {}, {}, [Problem(path, line, col, f"invalid YAML: {reason}")])
    except yaml.YAMLError as error:  # e.g. a reader error on a control character
        return Parsed(None, {}, {}, [Problem(path, 1, 1, f"invalid YAML: {error}")])
    finally:
        loader.dispose()
    problems = [Problem(path, line, col, message) for line, col, message in builder.problems]
    return Parsed(data, builder.value_marks, builder.key_marks, problems)


_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _too_deep(text: str, path: str, mark) -> Problem:
    """Our refusal of deep nesting, for a file libyaml refused as nested too deep.

    libyaml 0.2.6 (in PyYAML 6.0.4) stops at 1,000 levels of brackets while it scans ahead,
    before its events reach the tree builder's limit of 20. The text before that point holds
    the 21st level, which the builder refuses where it is, as with earlier libyaml versions:
    the same message at the same place, whichever libyaml PyYAML brings."""
    if 0 < mark.index < len(text):
        problems = parse_yaml(text[:mark.index], path).problems
        if problems and problems[0].message == _TOO_DEEP:
            return problems[0]
    return Problem(path, mark.line + 1, mark.column + 1, _TOO_DEEP)
