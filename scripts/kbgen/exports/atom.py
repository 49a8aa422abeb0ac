"""Atom feeds (RFC 4287): ``/events.atom``, ``/recommendations.atom`` and ``/changes.atom``.

They live at the site root because every page links them with ``<link rel="alternate">``, and
Material's JavaScript fetches ``sitemap.xml`` beside each such link (to map language
alternates): at the root that is the site's own sitemap, anywhere else a failed request.

Deterministic: entry ids are ``urn:uuid:`` UUIDv5 of the entity (a recommendation's id also
holds its status, so a status change reaches subscribers as a new entry), and every date
comes from the data, never the clock:

- events, newest first: ``published`` and ``updated`` are the first day of the event's date; a
  date known only by its latest bound ("by March 2024") has no ``published`` and is ``updated``
  at that bound's last day, the one instant the source supports (its first day would say the
  event happened then);
- recommendations, most recently evidenced first: ``updated`` is the publication date of the
  newest source the recommendation cites.

Each entry's ``summary`` is a plain-text lead line; its ``content`` is the entity's summary as
HTML, rendered and sanitised by the same code as the pages (nh3), so no script reaches a reader.

Links are absolute when the site's address (MkDocs ``site_url``) is known; otherwise they are
relative to the feed's own address (the site root), which Atom allows (RFC 4287 §4.2.7, IRI
references resolved against the document's base) and feed readers resolve.
"""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape
from functools import partial
from typing import TYPE_CHECKING, Any, Iterable, Optional

from ..core import urls as paths
from ..core.dates import EdtfDate
from ..core.prose import render_prose
from ..core.urls import Urls
from ..link import KnowledgeBase
from ..model import Entity
from .common import EPOCH, Assembled, evidence_date, stable_uuid, timestamp

from ..history.timeline import CHANGES_SHOWN_PER_COMMIT

if TYPE_CHECKING:
    from ..history.timeline import History

ATOM = "http://www.w3.org/2005/Atom"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _feed(name: str, title: str, entries: list[tuple[str, str]], alternate: str,
          urls: Urls, site_name: Optional[str]) -> str:
    """The feed's text: its own elements, then ``entries`` (each its ``updated`` and its XML, :func:`_entry_text`)."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    _text(feed, "id", f"urn:uuid:{stable_uuid(f'feed/{name}')}")
    _text(feed, "title", f"{title} — {site_name}" if site_name else title)
    _text(feed, "updated", max((updated for updated, _ in entries), default=timestamp(EPOCH)))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": urls.absolute(paths.feed(name))})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": urls.absolute(alternate)})
    author = ET.SubElement(feed, "author")
    _text(author, "name", site_name or "kbgen knowledge base")
    _text(feed, "generator", "kbgen")
    head = xml_text(feed)[:-len("\n</feed>")]
    body = "".join(f"{_ENTRY_INDENTATION}{text}" for _, text in entries)
    return f"<?xml version='1.0' encoding='utf-8'?>\n{head}{body}\n</feed>\n"


_ENTRY_INDENTATION = "\n  "
"""What precedes an entry in its feed: a line break and its indentation, one level in."""


def _entry_text(entry: ET.Element) -> str:
    """An entry's XML, indented as it is inside its feed (:func:`xml_text`)."""
    out: list[str] = []
    _write(entry, _ENTRY_INDENTATION, out)
    return "".join(out)


def xml_text(element: ET.Element) -> str:
    """The XML of a feed's elements, indented two spaces a level: the text of ``ET.indent`` then
    ``ET.tostring(encoding="unicode")``, for the trees feeds are made of (plain tag and attribute
    names, each element holding either text or child elements, no tails), written here because
    ElementTree's general writer (namespaces, comments, tails) is most of a feed's cost."""
    out: list[str] = []
    _write(element, "\n", out)
    return "".join(out)


_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
"""Beyond &, < and >, what ElementTree escapes in an attribute: line breaks and tabs as character
references, so that an XML reader, which normalises whitespace in attributes, keeps them."""


def _write(element: ET.Element, indentation: str, out: list[str]) -> None:
    out.append("<" + element.tag)
    for name, value in element.items():
        out.append(f' {name}="{escape(value, _ATTRIBUTE_ENTITIES)}"')
    if len(element):
        inner = indentation + "  "
        out.append(">")
        for child in element:
            out.append(inner)
            _write(child, inner, out)
        out.append(f"{indentation}</{element.tag}>")
    elif element.text:
        out.append(f">{escape(element.text)}</{element.tag}>")  # &, < and >, as ElementTree escapes text
    else:
        out.append(" />")


def _entry(entity: Entity, entry_id: str, title: str, updated: str, summary: str,
           categories: Iterable[str], urls: Urls, published: Optional[str] = None) -> ET.Element:
    """An entry: ``summary`` is plain text (a lead line); the entity's Markdown summary goes to
    ``content`` as HTML, rendered and sanitised exactly as on its page."""
    entry = ET.Element("entry")
    _text(entry, "id", entry_id)
    _text(entry, "title", title)
    _text(entry, "updated", updated)
    if published:
        _text(entry, "published", published)
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                  "href": urls.absolute(paths.entity_page(entity.type, entity.id))})
    ET.SubElement(entry, "link", {"rel": "related", "type": "application/json",
                                  "href": urls.absolute(paths.entity_data(entity.type, entity.id))})
    for term in categories:
        ET.SubElement(entry, "category", {"term": term})
    _text(entry, "summary", summary, type="text")  # plain text: readers never run it as HTML
    body = f"<p>{html.escape(summary)}</p>\n{render_prose(entity.summary)}"
    _text(entry, "content", body, type="html")  # escaped by ElementTree, as type="html" requires
    return entry


def events_feed(kb: KnowledgeBase, urls: Urls = Urls(), site_name: Optional[str] = None) -> str:
    """Every event, newest first, dated by when it happened."""
    return events_pieces(kb, urls, site_name)()


def events_pieces(kb: KnowledgeBase, urls: Urls = Urls(), site_name: Optional[str] = None) -> Assembled:
    """:func:`events_feed` made of a piece per event: its place in the feed, its date and its entry."""
    return Assembled([(event, partial(_event_entry, event, urls)) for event in kb.all("event")],
                     partial(_newest_first, "events", "Events", paths.section_index("event"), urls, site_name))


def _event_entry(event: Entity, urls: Urls) -> tuple[tuple, str, str]:
    day = _event_day(event.date)
    when = timestamp(day)
    entry = _entry(event, f"urn:uuid:{stable_uuid(f'event/{event.id}')}", event.title, when,
                   f"{event.date.words} · {event.kind.replace('-', ' ')}", [event.kind, *event.tags],
                   urls, published=None if event.date.only_end_known else when)
    return (day, event.date.sort_key), when, _entry_text(entry)


def _newest_first(name: str, title: str, alternate: str, urls: Urls, site_name: Optional[str],
                  pieces: list[tuple[Any, str, str]]) -> str:
    """A feed of entries (each piece its sort key, ``updated`` and XML), the greatest key first; entries
    with equal keys in their order."""
    entries = sorted(pieces, key=lambda piece: piece[0], reverse=True)
    return _feed(name, title, [(when, text) for _, when, text in entries], alternate, urls, site_name)


def _event_day(date: EdtfDate) -> dt.date:
    """The day an event's entry is dated: its first day, or the last day by which it had happened."""
    return date.upper if date.only_end_known else date.anchor


def recommendations_feed(kb: KnowledgeBase, urls: Urls = Urls(), site_name: Optional[str] = None) -> str:
    """Every recommendation in its current status, most recently evidenced first."""
    return recommendations_pieces(kb, urls, site_name)()


def recommendations_pieces(kb: KnowledgeBase, urls: Urls = Urls(), site_name: Optional[str] = None) -> Assembled:
    """:func:`recommendations_feed` made of a piece per recommendation."""
    return Assembled([(rec, partial(_recommendation_entry, kb, rec, urls)) for rec in kb.all("recommendation")],
                     partial(_newest_first, "recommendations", "Recommendations", paths.section_index("recommendation"),
                             urls, site_name))


def _recommendation_entry(kb: KnowledgeBase, rec: Entity, urls: Urls) -> tuple[dt.date, str, str]:
    evidenced = evidence_date(kb, rec)
    when = timestamp(evidenced)
    status = rec.status.replace("-", " ")
    entry = _entry(rec, f"urn:uuid:{stable_uuid(f'recommendation/{rec.id}#status={rec.status}')}",
                   f"{rec.title} ({status})", when, f"Status: {status}. Addressed to {kb.get('actor', rec.addressee).title}.",
                   [rec.status, *rec.instruments, *rec.tags], urls)
    return evidenced, when, _entry_text(entry)


def changes_feed(history: "History", urls: Urls = Urls(), site_name: Optional[str] = None) -> str:
    """The recent changes (``/changes/``), one entry per commit, newest first, dated by the commit:
    its subject as the title, each entry's change as a line of the content, linked to the entry.
    Without history (a shallow clone, no git) the feed holds no entry."""
    entries = []
    for commit, changes in history.recent:
        if not changes:
            continue
        entry = ET.Element("entry")
        _text(entry, "id", f"urn:uuid:{stable_uuid(f'commit/{commit.hash}')}")
        _text(entry, "title", commit.subject or commit.hash[:12])
        when = dt.datetime.fromisoformat(commit.time).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        _text(entry, "updated", when)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": urls.absolute(paths.CHANGES)})
        shown, more = changes[:CHANGES_SHOWN_PER_COMMIT], len(changes) - CHANGES_SHOWN_PER_COMMIT
        lines = [f"{change.title} ({change.type}): {change.summary()}" for change in shown]
        tail = f" … and {more} more changes" if more > 0 else ""
        _text(entry, "summary", "; ".join(lines) + tail, type="text")
        items = "".join(f'<li><a href="{html.escape(urls.absolute(change.page))}">{html.escape(change.title)}</a> '
                        f"({change.type}): {html.escape(change.summary())}</li>" for change in shown)
        _text(entry, "content", f"<ul>{items}</ul>{html.escape(tail)}", type="html")  # escaped by ElementTree, as type="html" requires
        entries.append((when, _entry_text(entry)))
    return _feed("changes", "Changes", entries, paths.CHANGES, urls, site_name)
