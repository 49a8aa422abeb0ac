"""Section indexes split into pages when a section outgrows one page.

A section with at most ``limit`` entities keeps its one index page. Above it,
the index becomes an overview of the section's own groups, each on a page of
its own, and a group still above the limit is split again:

- events: by year (``events/years/2024.md``), then by month
  (``events/years/2024/03.md``; events dated only to the year on ``.../year-only.md``);
  events known only by their latest date ("by March 2024") on a page of their own after the
  years (``events/years/by-latest-date.md``, split by the year of that date if need be);
- actors: by kind (``actors/kinds/armed-group.md``), then by the name's initial
  (``actors/kinds/armed-group/a.md``; ``other.md`` for names not starting with a–z);
- recommendations: by the initial of the addressee's name (``recommendations/addressees/s.md``,
  grouped by addressee), then in runs of whole addressees named by the first
  (``recommendations/addressees/s/southland.md``);
- sources (one list by title): by the title's initial (``sources/letters/a.md``).

The second split is the last: a month, an initial or an addressee holding more
than the limit stays one page.

Every event has a year (``EdtfDate`` keeps a start or an end, each with a
year), so every event lands on a year page, or, with no start, on the page of
events known only by their latest date.

Entity pages are ``<folder>/<id>.md``, one level above every split page, so an
entity whose id is ``years`` or ``kinds`` never meets one. Pages are plain
data here; ``render`` turns them into Markdown with the section's templates.

A tag's page (``tags/<tag>/index.md``, :func:`tag_index`) splits the same way:
by type (``tags/<tag>/events.md``), then by the name's or title's initial
(``tags/<tag>/events/a.md``).
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Callable, Iterable, Iterator, Optional

from ..core import urls as paths
from ..core import vocab
from ..core.dates import MONTH_NAMES
from ..model import Entity
from ..model.entities import Participant

DEFAULT_INDEX_PAGE_ENTRIES = 500
"""Entities one index page lists at most: with the longest entry lines (events with their
participants) such a page stays well under the 300 KB of HTML a page may weigh, and a
knowledge base of a few hundred entities keeps its one-page indexes."""

OTHER_INITIAL = "other"
"""The bucket of names that do not start with a letter a–z (digits, other scripts)."""


@dataclass(frozen=True)
class IndexPart:
    """A line of an overview: a group, how many entities it holds and, when it has a page, where."""

    label: str
    count: int
    path: Optional[str] = None


@dataclass(frozen=True)
class IndexPage:
    """One page of a split section index.

    A page with ``children`` is an overview listing them (the section index
    itself, or a group split again); a page without lists its ``entities``
    with the same lines as the one-page index.
    """

    path: str
    title: str
    label: str  # how the page above lists it: "2024", "March", "Armed group", "A"
    entities: tuple[Entity, ...]
    children: tuple["IndexPage", ...] = ()
    grouping: str = ""  # how the children divide it: "by year", "by the first letter of the name"
    breakdown: tuple[IndexPart, ...] = ()  # the groups inside this page, for the overview above it
    parent: Optional["IndexPage"] = field(default=None, compare=False, repr=False)
    previous: Optional["IndexPage"] = field(default=None, compare=False, repr=False)
    next: Optional["IndexPage"] = field(default=None, compare=False, repr=False)

    @property
    def is_leaf(self) -> bool:
        return not self.children


def initial(name: str) -> str:
    """The letter a name is filed under: ``"Ḥizb"`` -> ``"h"``; ``"العراق"``, ``"1920 Revolution"`` -> ``"other"``."""
    plain = unicodedata.normalize("NFKD", name.strip()).casefold()
    for char in plain:
        if char.isalnum():
            return char if char in string.ascii_lowercase else OTHER_INITIAL
    return OTHER_INITIAL


def _initial_label(key: str) -> str:
    return "Other" if key == OTHER_INITIAL else key.upper()


def _by_initial(entities: list[Entity], page: Callable[[str], str], title: str, field_name: str,
                name: Callable[[Entity], str]) -> list[IndexPage]:
    """Leaf pages, one per initial (``page(letter)``), in alphabetical order, ``other`` last."""
    buckets: dict[str, list[Entity]] = {}
    for entity in entities:
        buckets.setdefault(initial(name(entity)), []).append(entity)
    order = sorted(buckets, key=lambda key: (key == OTHER_INITIAL, key))
    return [IndexPage(page(key),
                      f"{title}, {field_name}s not starting with A–Z" if key == OTHER_INITIAL
                      else f"{title}, {field_name}s starting with {key.upper()}",
                      _initial_label(key), tuple(buckets[key]))
            for key in order]


def _overview(path: str, title: str, label: str, entities: list[Entity], children: list[IndexPage],
              grouping: str) -> IndexPage:
    parts = tuple(IndexPart(child.label, len(child.entities), child.path) for child in children)
    return IndexPage(path, title, label, tuple(entities), tuple(children), grouping, parts)


def _group(path: str, title: str, label: str, entities: list[Entity], limit: int,
           split: Callable[[], list[IndexPage]], grouping: str, breakdown: tuple[IndexPart, ...] = ()) -> IndexPage:
    """A group's page: a leaf while it fits the limit, else an overview of ``split()``'s pages."""
    if len(entities) <= limit:
        return IndexPage(path, title, label, tuple(entities), breakdown=breakdown)
    return _overview(path, title, label, entities, split(), grouping)


def _event_years(events: list[Entity], limit: int) -> list[IndexPage]:
    by_year: dict[int, list[Entity]] = {}  # in the timeline's order: events come sorted by date
    for event in events:
        if not event.date.only_end_known:  # those have a page of their own, after the years
            by_year.setdefault(event.date.year, []).append(event)
    years = []
    for year, group in by_year.items():
        months: dict[Optional[int], list[Entity]] = {}
        for event in group:
            months.setdefault(event.date.month, []).append(event)
        # Calendar order, the events known only to the year first (the timeline may list
        # them after a few January days: it sorts by the first day a date can mean).
        order = sorted(months, key=lambda month: month or 0)
        breakdown = tuple(IndexPart(MONTH_NAMES[month] if month else "Year only", len(months[month]))
                          for month in order)

        def by_month(year=year, months=months, order=order) -> list[IndexPage]:
            pages = []
            for month in order:
                if month:
                    name = f"{MONTH_NAMES[month]} {year}"
                    pages.append(IndexPage(paths.split_index_page("event", str(year), f"{month:02d}"), f"Events in {name}",
                                           MONTH_NAMES[month], tuple(months[month])))
                else:
                    pages.append(IndexPage(paths.split_index_page("event", str(year), "year-only"),
                                           f"Events in {year} known only to the year", "Year only", tuple(months[month])))
            return pages

        years.append(_group(paths.split_index_page("event", str(year)), f"Events in {year}", str(year), group, limit, by_month,
                            "by month", breakdown))
    latest_only = known_only_by_latest_date(events)
    if latest_only:
        years.append(_latest_date_group(latest_only, limit))
    return years


LATEST_DATE_ONLY = "Known only by their latest date"
"""The heading of the events whose start is unknown ("by March 2024"), kept out of the years."""

LATEST_DATE_FOLDER = "by-latest-date"
"""The split index's page (``events/years/by-latest-date.md``) of the events known only by their
latest date; no year is written this way, so it never meets a year's page."""


def _latest_date_group(events: list[Entity], limit: int) -> IndexPage:
    """The page of the events known only by their latest date, split by that date's year when
    it outgrows the limit: an event "by March 2024" may have happened long before 2024, so it is
    never listed among 2024's events, but readers can still look it up by its latest date."""
    by_year: dict[int, list[Entity]] = {}
    for event in events:
        by_year.setdefault(event.date.year, []).append(event)
    breakdown = tuple(IndexPart(f"by {year}", len(group)) for year, group in by_year.items())

    def by_latest_year() -> list[IndexPage]:
        return [IndexPage(paths.split_index_page("event", LATEST_DATE_FOLDER, str(year)),
                          f"Events known only to have happened by a date in {year}", f"by {year}", tuple(group))
                for year, group in by_year.items()]

    return _group(paths.split_index_page("event", LATEST_DATE_FOLDER), f"Events {LATEST_DATE_ONLY.lower()}",
                  LATEST_DATE_ONLY, events, limit, by_latest_year, "by the year of their latest date", breakdown)


def _actor_kinds(actors: list[Entity], limit: int) -> list[IndexPage]:
    kinds = []
    for kind in vocab.ACTOR_KINDS:
        group = [actor for actor in actors if actor.kind == kind]
        if group:
            label = kind.replace("-", " ").capitalize()
            title = f"Actors: {label}"
            kinds.append(_group(paths.split_index_page("actor", kind), title, label, group, limit,
                                lambda group=group, kind=kind, title=title: _by_initial(
                                    group, lambda letter: paths.split_index_page("actor", kind, letter), title, "name",
                                    lambda actor: actor.name),
                                "by the first letter of the name"))
    return kinds


def _recommendation_addressees(recommendations: list[Entity], limit: int,
                               addressee_name: Callable[[str], str]) -> list[IndexPage]:
    """Pages by the first letter of the addressee's name, grouped by addressee. A letter over
    the limit is split into runs of whole addressees of at most ``limit`` recommendations,
    each page named by its first addressee: a page per addressee would mostly hold one line
    (1,500 synthetic recommendations have 1,000 addressees, all named "Actor ...")."""
    by_letter: dict[str, list[Entity]] = {}
    # The one-page index groups by addressee id (Jinja's groupby sorts): the same order here.
    for recommendation in sorted(recommendations, key=lambda r: r.addressee):
        by_letter.setdefault(initial(addressee_name(recommendation.addressee)), []).append(recommendation)
    pages = []
    for letter in sorted(by_letter, key=lambda key: (key == OTHER_INITIAL, key)):
        group = by_letter[letter]
        title = ("Recommendations to addressees not starting with A–Z" if letter == OTHER_INITIAL
                 else f"Recommendations to addressees starting with {letter.upper()}")
        addressees = [(addressee, list(items)) for addressee, items in groupby(group, key=lambda r: r.addressee)]
        breakdown = tuple(IndexPart(addressee_name(addressee), len(items)) for addressee, items in addressees)

        def runs(letter=letter, addressees=addressees) -> list[IndexPage]:
            split = []
            for run in _runs(addressees, limit):
                first, last = addressee_name(run[0][0]), addressee_name(run[-1][0])
                names = first if len(run) == 1 else f"{first} – {last}"
                split.append(IndexPage(paths.split_index_page("recommendation", letter, run[0][0]),
                                       f"Recommendations to {names}", names,
                                       tuple(item for _, items in run for item in items)))
            return split

        pages.append(_group(paths.split_index_page("recommendation", letter), title, _initial_label(letter), group, limit, runs,
                            "by addressee", breakdown))
    return pages


def _runs(groups: list[tuple[str, list[Entity]]], limit: int) -> list[list[tuple[str, list[Entity]]]]:
    """Consecutive groups packed into runs of at most ``limit`` entities; a larger group is a run of its own."""
    runs: list[list[tuple[str, list[Entity]]]] = []
    count = 0
    for key, items in groups:
        if not runs or count + len(items) > limit:
            runs.append([])
            count = 0
        runs[-1].append((key, items))
        count += len(items)
    return runs


def split_index(type_: str, entities: list[Entity], limit: int,
                actor_name: Callable[[str], str] = str) -> Optional[IndexPage]:
    """The section's index as a tree of pages, or None when one page holds it (``len(entities) <= limit``).

    ``entities`` are the section's in reading order (``KnowledgeBase.all``);
    ``actor_name`` gives an addressee's name from its id.
    """
    if limit < 1:
        raise ValueError(f"an index page must list at least one entry; got {limit}")
    entities = list(entities)
    if len(entities) <= limit:
        return None
    folder = vocab.FOLDERS[type_]
    if type_ == "event":
        children, grouping = _event_years(entities, limit), "by year"
    elif type_ == "actor":
        children, grouping = _actor_kinds(entities, limit), "by kind"
    elif type_ == "recommendation":
        children, grouping = _recommendation_addressees(entities, limit, actor_name), "by the first letter of the addressee"
    else:
        children = _by_initial(entities, lambda letter: paths.split_index_page("source", letter), "Sources", "title",
                               lambda source: source.title)
        grouping = "by the first letter of the title"
    return _overview(paths.section_index(type_), folder.capitalize(), folder.capitalize(), entities, children, grouping)


def tag_index(tag: str, entities: Iterable[Entity], limit: int) -> IndexPage:
    """A tag's pages: ``tags/<tag>/index.md`` (URL ``/tags/<tag>/``) lists its entities grouped by type.

    Above ``limit`` it becomes an overview of one page per type (``tags/<tag>/events.md``), and a
    type still above the limit is split by the first letter of the name or title
    (``tags/<tag>/events/a.md``), as the section indexes are. ``entities`` are the tag's in
    reading order (``KnowledgeBase.tagged``).

    The tag's page is ``index.md`` in a folder of its own, not ``tags/<tag>.md``: a tag named
    ``index`` would then be ``tags/index.md``, which MkDocs serves at ``/tags/``, the address of
    the tags overview (``tags.md``). In its own folder no tag name can meet another page.
    """
    if limit < 1:
        raise ValueError(f"an index page must list at least one entry; got {limit}")
    entities = list(entities)
    title = f"Tag: {tag}"
    if len(entities) <= limit:
        return IndexPage(paths.tag_page(tag), title, tag, tuple(entities))
    types = []
    for type_ in vocab.ENTITY_TYPES:
        group = [entity for entity in entities if entity.type == type_]
        if group:
            plural = vocab.FOLDERS[type_]
            field_name = "name" if type_ == "actor" else "title"
            types.append(_group(paths.tag_group_page(tag, plural), f"{title}, {plural}", plural.capitalize(), group, limit,
                                lambda group=group, plural=plural, field_name=field_name: _by_initial(
                                    group, lambda letter: paths.tag_group_page(tag, plural, letter),
                                    f"{title}, {plural}", field_name,
                                    lambda entity: entity.title),
                                f"by the first letter of the {field_name}"))
    return _overview(paths.tag_page(tag), title, tag, entities, types, "by type")


def pages(root: IndexPage) -> Iterator[IndexPage]:
    """Every page of the tree, the overview first, each with its parent and its previous and next sibling."""
    yield root
    yield from _descendants(root)


def _descendants(parent: IndexPage) -> Iterator[IndexPage]:
    siblings = parent.children
    for position, child in enumerate(siblings):
        linked = replace(child, parent=parent,
                         previous=siblings[position - 1] if position > 0 else None,
                         next=siblings[position + 1] if position + 1 < len(siblings) else None)
        yield linked
        yield from _descendants(linked)


def leaves(root: IndexPage) -> Iterable[IndexPage]:
    return [page for page in pages(root) if page.is_leaf]


def timeline(events: Iterable[Entity]) -> list[tuple[int, list[tuple[str, list[Entity]]]]]:
    """Events (already in date order) grouped by year, then month; '' for year-only dates.

    Events known only by their latest date ("by March 2024") are left out: filed under March
    2024 they would read as having happened then. :func:`known_only_by_latest_date` lists them."""
    years: dict[int, dict[str, list[Entity]]] = {}
    for event in events:
        if event.date.only_end_known:
            continue
        month = MONTH_NAMES[event.date.month] if event.date.month else ""
        years.setdefault(event.date.year, {}).setdefault(month, []).append(event)
    # Year-only events head their year even where a dated one sorts first ("1 January 1998" before
    # "1998", the narrower date first): after a month's heading they would read as of that month.
    return [(year, sorted(months.items(), key=lambda month: month[0] != "")) for year, months in years.items()]


def known_only_by_latest_date(events: Iterable[Entity]) -> list[Entity]:
    """The events whose date has no start ("by March 2024"), ordered by that latest date and,
    among events with the same one, after the events they follow, answer or were caused by
    (:func:`_sequence_order`), else in reading order: what :func:`timeline` leaves out."""
    latest_only = [event for event in events if event.date.only_end_known]
    order = _sequence_order(latest_only)
    return sorted(latest_only, key=lambda event: (event.date.upper, order[event.id]))


def _sequence_order(events: list[Entity]) -> dict[str, int]:
    """How many events, among ``events``, each one comes after through a chain of ``follows``,
    ``response-to`` or ``caused-by`` relations: with no dates to sort by, the only order the
    sources give ("in the aftermath of" the attacks, the threats came; then the strikes)."""
    ids = {event.id for event in events}
    before = {event.id: [r.event for r in event.relations if r.type != "parallels" and r.event in ids] for event in events}
    depth: dict[str, int] = {}
    for start in before:  # iterative depth-first walk: chains of any length, cycles cut where met
        stack, visiting = [(start, iter(before[start]))], {start}
        while stack:
            node, successors = stack[-1]
            child = next((c for c in successors if c not in depth and c not in visiting), None)
            if child is not None:
                visiting.add(child)
                stack.append((child, iter(before[child])))
                continue
            stack.pop()
            visiting.discard(node)
            depth[node] = 1 + max((depth.get(c, 0) for c in before[node] if c in depth), default=-1)
    return depth


def actor_timeline(participations: Iterable[tuple[Entity, Participant]]) -> tuple[list, list]:
    """An actor's ``(event, participant)`` pairs (in date order, ``KnowledgeBase.participations``) as two
    lists: the events with a known start, in date order, and those known only by their latest date,
    by that date, which the actor's page lists apart as the section index does."""
    participations = list(participations)
    dated = [pair for pair in participations if not pair[0].date.only_end_known]
    order = {event.id: position for position, event in enumerate(known_only_by_latest_date(
        pair[0] for pair in participations))}
    latest_only = sorted((pair for pair in participations if pair[0].date.only_end_known),
                         key=lambda pair: order[pair[0].id])
    return dated, latest_only
