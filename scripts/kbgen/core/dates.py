"""EDTF dates: parsed by the ``edtf`` library, shown to readers in words, sorted by bounds.

kbgen accepts the EDTF forms an analyst needs and can show honestly: a year,
a month or a day, each optionally qualified (``~`` approximate, ``?``
uncertain, ``%`` both), and intervals of those with open (``..``) or unknown
(empty) ends. Anything else is rejected with an example, never guessed at.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

EXAMPLES = "2025-06-22, 2024-03, 2011, 2024-03~ (approximate), 2011? (uncertain), 2025-06-13/2025-06-24 (interval), 2025-06/.. (open-ended)"


class DateError(ValueError):
    """The text is not an EDTF date kbgen can show honestly."""


_POINT_FORM = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
EDTF_PATTERN = rf"^({_POINT_FORM}|({_POINT_FORM}|\.\.)?/({_POINT_FORM}|\.\.)?)$"
"""Every form kbgen accepts, as a pattern (also JSON Schema's, ECMA-262): text of any other form is
refused before the ``edtf`` library sees it, so that its grammar's cost stays bounded (a date is at
most 25 characters) and no date kbgen publishes fails the published schema (a trailing space)."""
_EDTF_FORM = re.compile(EDTF_PATTERN)


MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
"""Month names by number, as every date on the site is written. Not ``calendar.month_name``,
which follows the locale the build runs in: the same files must give the same site anywhere."""


@dataclass(frozen=True)
class _Point:
    year: int
    month: Optional[int]
    day: Optional[int]
    approximate: bool = False
    uncertain: bool = False

    @property
    def lower(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def upper(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def words(self, *, with_year: bool = True, with_month: bool = True) -> str:
        parts = []
        if self.day:
            parts.append(str(self.day))
        if self.month and with_month:
            parts.append(MONTH_NAMES[self.month])
        if with_year:
            parts.append(str(self.year))
        return " ".join(parts)

    @property
    def qualifier(self) -> str:
        if self.approximate and self.uncertain:
            return "approximate, uncertain"
        if self.approximate:
            return "approximate"
        if self.uncertain:
            return "uncertain"
        return ""


def _point(node) -> _Point:
    import edtf

    approximate = uncertain = False
    if isinstance(node, edtf.UncertainOrApproximate):
        qualifier = str(node.ua)  # "~" approximate, "?" uncertain, "%" both
        approximate = qualifier in ("~", "%")
        uncertain = qualifier in ("?", "%")
        node = node.date
    if type(node) is not edtf.Date or node._year is None or not str(node._year).isdigit():
        raise DateError(f"unsupported EDTF form '{node}'")
    if not dt.MINYEAR <= int(node._year) <= dt.MAXYEAR:
        # Python's dates (sorting, the timeline, the feed) start at year 1: "0000" is refused, not a crash later.
        raise DateError(f"year {node._year} is out of range; years run from {dt.MINYEAR:04} to {dt.MAXYEAR}")
    month = int(node._month) if node._month else None
    day = int(node._day) if node._day else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist (seasons are not supported)")
    if day is not None and day > calendar.monthrange(int(node._year), month)[1]:
        raise DateError(f"day {day} does not exist in {MONTH_NAMES[month]} {node._year}")
    return _Point(int(node._year), month, day, approximate, uncertain)


@dataclass(frozen=True)
class EdtfDate:
    """A parsed date; ``text`` is exactly what the editor wrote."""

    text: str
    start: Optional[_Point] = field(repr=False)
    end: Optional[_Point] = field(repr=False)
    is_interval: bool = field(repr=False)
    start_open: bool = field(default=False, repr=False)  # ".." : no lower bound
    end_open: bool = field(default=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> "EdtfDate":
        """Parse an EDTF date. The common forms (a day, month or year, qualified or not, and
        intervals of two of them) take a fast path, since the ``edtf`` library's pyparsing grammar
        is slow enough to dominate validation of a large knowledge base. Everything else, errors
        included, goes through the library."""
        if not _EDTF_FORM.match(text) or text.endswith("\n"):  # '$' also matches before a final line break
            raise DateError(f"'{_shown(text)}' is not an EDTF date; use one of: {EXAMPLES}")
        return _parse_simple(text) or cls.parse_with_library(text)

    @classmethod
    def parse_with_library(cls, text: str) -> "EdtfDate":
        # Imported on first use: the library and its pyparsing grammar are slow to import,
        # and most knowledge bases never need them.
        import edtf

        try:
            node = edtf.parse_edtf(text)
        except Exception:  # the library raises several types for bad text
            raise DateError(f"'{text}' is not an EDTF date; use one of: {EXAMPLES}") from None
        if isinstance(node, (edtf.Interval, edtf.Level1Interval)):
            ends = []
            for part in (node.lower, node.upper):
                if isinstance(part, edtf.UnspecifiedIntervalSection):
                    ends.append((None, str(part) == ".."))
                else:
                    ends.append((_point(part), False))
            (start, start_open), (end, end_open) = ends
            if start is None and end is None:
                raise DateError(f"'{text}' has no known end; give at least one date")
            if start and end and start.lower > end.upper:
                raise DateError(f"'{text}' ends before it starts")
            return cls(text, start, end, True, start_open, end_open)
        try:
            point = _point(node)
        except DateError as error:
            raise DateError(f"'{text}': {error}; use one of: {EXAMPLES}") from None
        return cls(text, point, point, False)

    # -- sorting --------------------------------------------------------
    @property
    def lower(self) -> dt.date:
        return self.start.lower if self.start else dt.date.min

    @property
    def upper(self) -> dt.date:
        return self.end.upper if self.end else dt.date.max

    @property
    def sort_key(self) -> tuple:
        """Where the date sits on a timeline: at its start, or at its end when only the end is
        known ("by March 2024" sits in March 2024, not at the beginning of time); among equal
        positions, the narrower date first."""
        return (self.anchor, self.upper, self.text)

    @property
    def anchor(self) -> dt.date:
        """The day a timeline places this date at: its first day, or, when only the end is
        known, the first day of its end."""
        return self.start.lower if self.start else self.end.lower

    @property
    def only_end_known(self) -> bool:
        """Whether the date is known only by its latest bound ("by March 2024", ``/2024-03``, or
        ``../2024-03``): an interval without a start. A timeline must not file such a date under
        its end as if the event happened then."""
        return self.start is None

    @property
    def year(self) -> Optional[int]:
        """The year a timeline files this date under (its start, else its end)."""
        point = self.start or self.end
        return point.year if point else None

    @property
    def month(self) -> Optional[int]:
        point = self.start or self.end
        return point.month if point else None

    # -- words ----------------------------------------------------------
    def __str__(self) -> str:
        return self.words

    @property
    def words(self) -> str:
        """The date as a reader should see it, e.g. 'March 2024 (approximate)'."""
        if not self.is_interval:
            return _qualified(self.start.words(), self.start.qualifier)
        start, end = self.start, self.end
        if start is None:
            # ".." (open) start: ongoing since before; "" (unknown) start: only the end is known.
            prefix = "until" if self.start_open else "by"
            return f"{prefix} {_qualified(end.words(), end.qualifier)}"
        if end is None:
            return f"from {_qualified(start.words(), start.qualifier)}" + ("" if self.end_open else " (end unknown)")
        if start.qualifier or end.qualifier:
            return f"{_qualified(start.words(), start.qualifier)} – {_qualified(end.words(), end.qualifier)}"
        same_year = start.year == end.year
        same_month = same_year and start.month == end.month and start.month is not None
        if same_month and start.day and end.day:
            return f"{start.day}–{end.words()}"
        if same_year and start.month and end.month and bool(start.day) == bool(end.day):
            return f"{start.words(with_year=False)} – {end.words()}"
        return f"{start.words()} – {end.words()}"


_SIMPLE_POINT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)")


def _simple_point(text: str) -> Optional[_Point]:
    """A valid day, month or year with an optional qualifier, or None for anything else."""
    match = _SIMPLE_POINT.fullmatch(text)
    if not match:
        return None
    year, month, day, qualifier = match.groups()
    year, month, day = int(year), int(month) if month else None, int(day) if day else None
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return _Point(year, month, day, qualifier in ("~", "%"), qualifier in ("?", "%"))


def _parse_simple(text: str) -> Optional[EdtfDate]:
    """The fast path of :meth:`EdtfDate.parse`: same result as the library for the forms it accepts."""
    if text.count("/") == 1:
        first, second = text.split("/")
        start, end = _simple_point(first), _simple_point(second)
        if start is None or end is None or start.lower > end.upper:
            return None  # open or unknown ends, errors: the library path handles them
        return EdtfDate(text, start, end, True)
    point = _simple_point(text)
    return EdtfDate(text, point, point, False) if point else None


def _shown(text: str) -> str:
    """A refused date as a message quotes it: a long one cut short, so a message stays short."""
    return text if len(text) <= 40 else text[:37] + "..."


def _qualified(words: str, qualifier: str) -> str:
    return f"{words} ({qualifier})" if qualifier else words
