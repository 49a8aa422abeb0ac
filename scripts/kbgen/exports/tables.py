"""CSV tables: one file per entity type, ``relations.csv`` and ``citations.csv``.

Conventions (documented in the README, tested with the csv module and pandas):

- UTF-8 with a byte-order mark (without it, Excel reads UTF-8 as the system's code page and
  garbles every non-ASCII name; pandas skips it, Python's csv module with ``utf-8-sig``),
  comma-separated, a header row, every cell quoted
  (RFC 4180 quoting, ``\\n`` line ends); one row per entity, link or citation.
- Lists (aliases, tags, instruments, concerns, ...) are joined with ``|``; a ``|`` or
  ``\\`` inside an item is written ``\\|`` or ``\\\\``. Ids, tags and vocabulary values
  never contain either.
- Dates keep their EDTF text (``date``) and add their ISO bounds (``date_start``,
  ``date_end``: the first and last day the date can mean; empty when open or unknown),
  so spreadsheets can sort and filter them.
- Formula injection is neutralised (OWASP): a cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is prefixed with ``'``.
- Multi-line prose keeps its line breaks inside a quoted cell.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Optional

from ..core import urls as paths
from ..core import vocab
from ..core.dates import EdtfDate
from ..core.urls import Urls
from ..link import KnowledgeBase
from ..model import Entity
from ..model.claims import claim_value_text, disputes
from ..model.entities import field_names
from .common import Assembled

LIST_SEPARATOR = "|"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell as text, made inert for spreadsheets that would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def join_list(items: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(str(i).replace("\\", "\\\\").replace("|", "\\|") for i in items)


def split_list(cell: str) -> list[str]:
    """The inverse of :func:`join_list` (for readers of these files and for tests)."""
    items, current, escaped = [], "", False
    for char in cell:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == LIST_SEPARATOR:
            items.append(current)
            current = ""
        else:
            current += char
    return items + [current] if cell else []


def _date_columns(date: Optional[EdtfDate]) -> list[str]:
    if date is None:
        return ["", "", ""]
    start = date.start.lower.isoformat() if date.start else ""
    end = date.end.upper.isoformat() if date.end else ""
    return [date.text, start, end]


BOM = "\ufeff"


def csv_table(header: list[str], rows: Iterable[list[Any]]) -> str:
    """A CSV file's text in the conventions above: byte-order mark, header row, every cell quoted and made inert.

    Written directly rather than by the csv module, as ``csv.writer(quoting=csv.QUOTE_ALL,
    lineterminator="\\n")`` writes it (tests compare them): with every cell quoted, a row is its
    cells in double quotes, a quote inside one doubled, joined by commas. Every cell is quoted
    because with "\\n" line ends, QUOTE_MINIMAL would leave a lone "\\r" (YAML's "\\r" escape)
    unquoted, and readers would split the row there."""
    lines = [BOM + '"' + '","'.join([name.replace('"', '""') for name in header]) + '"\n']
    lines += [_csv_line(row) for row in rows]
    return "".join(lines)


_FORMULA_FIRST = frozenset(_FORMULA_STARTS)  # each a single character


def _csv_line(row: list[Any]) -> str:
    """A row's line, each cell made inert by :func:`safe_cell`, in quotes, a quote inside doubled.
    A text cell starting no formula is its own inert form: it skips the call (most cells are)."""
    return '"' + '","'.join([(cell if type(cell) is str and cell[:1] not in _FORMULA_FIRST else safe_cell(cell)).replace('"', '""')
                             for cell in row]) + '"\n'


_DATE = ["date", "date_start", "date_end"]
# Whether the entry is retired (its status: withdrawn or superseded), why, by which entry, since when:
# a spreadsheet that read only the other columns would take a withdrawn entry for a standing one.
_RETIRED = ["retired", "retired_reason", "replaced_by", "retired_date"]

COLUMNS = {
    "actor": ["id", "name", "kind", "aliases", "summary", "tags", "page", *_RETIRED],
    "event": ["id", "title", *_DATE, "kind", "location", "part_of", "summary", "tags", "page", "part_of_certainty",
              *_RETIRED],
    "recommendation": ["id", "title", "addressee", "status", "instruments", "concerns", "motivated_by",
                       "summary", "rationale", "risks", "tags", "page", *_RETIRED],
    "source": ["id", "title", "published", "author", "publisher", "url", "notes", "tags", "page", "reliability",
               *_RETIRED],
}


def _retired_columns(entity: Entity) -> list[Any]:
    retired = entity.retired
    if retired is None:
        return ["", "", "", ""]
    return [retired.status, retired.reason, retired.replaced_by, retired.date.text if retired.date else ""]


def _row(entity: Entity, urls: Urls) -> list[Any]:
    return _own_columns(entity, urls) + _retired_columns(entity)


def _own_columns(entity: Entity, urls: Urls) -> list[Any]:
    e, page, tags = entity, urls.page(paths.entity_page(entity.type, entity.id)), join_list(entity.tags)
    if e.type == "actor":
        return [e.id, e.name, e.kind, join_list(e.aliases), e.summary, tags, page]
    if e.type == "event":
        return [e.id, e.title, *_date_columns(e.date), e.kind, e.location, e.part_of, e.summary, tags, page, e.part_of_certainty]
    if e.type == "recommendation":
        return [e.id, e.title, e.addressee, e.status, join_list(e.instruments), join_list(e.concerns),
                join_list(e.motivated_by), e.summary, e.rationale, e.risks, tags, page]
    return [e.id, e.title, e.published.text, e.author, e.publisher, e.url, e.notes, tags, page, e.reliability]


def entity_table(kb: KnowledgeBase, type_: str, urls: Urls = Urls()) -> str:
    """``<type>s.csv``: one row per entity of ``type_``, in reading order."""
    return entity_table_pieces(kb, type_, urls)()


def entity_table_pieces(kb: KnowledgeBase, type_: str, urls: Urls = Urls()) -> Assembled:
    """:func:`entity_table` made of a piece per entity: its row's line."""
    return Assembled([(entity, partial(_row_line, entity, urls)) for entity in kb.all(type_)],
                     partial(_table_text, COLUMNS[type_]))


def _row_line(entity: Entity, urls: Urls) -> str:
    return _csv_line(_row(entity, urls))


def _table_text(header: list[str], lines: list[str]) -> str:
    return csv_table(header, ()) + "".join(lines)


RELATION_COLUMNS = ["source_type", "source_id", "field", "relation", "label", "target_type", "target_id",
                    *_DATE, "note", "citation_sources", "citation_quotes", "certainty"]


def _link_at(entity: Entity, loc: tuple):
    """The typed link (relation, participant) holding the reference at ``loc``, if any."""
    if len(loc) < 3 or not isinstance(loc[1], int):
        return None
    return getattr(entity, loc[0])[loc[1]]


def relation_rows(kb: KnowledgeBase, entity: Entity) -> Iterable[list[Any]]:
    """Every typed link of ``entity`` to other entities, from :func:`~kbgen.graph.iter_references`
    (citations are in ``citations.csv``): actor and event relations, participants with their roles,
    ``part_of``, and a recommendation's addressee, concerns and motivating events."""
    for ref in kb.references(entity):
        if "citations" in ref.loc:
            continue
        link = _link_at(entity, ref.loc)
        # What the link has, asked of its class (see field_names); a plain reference (part_of) has no link.
        fields = field_names(type(link))
        relation = (link.type if "type" in fields else None) or (link.role if "role" in fields else None) or ref.loc[0]
        citations = link.citations if "citations" in fields else []
        certainty = ((link.certainty if "certainty" in fields else None)
                     or (entity.part_of_certainty if ref.loc == ("part_of",) else None))
        yield [entity.type, entity.id, ref.loc[0], relation, ref.label, ref.target_type, ref.target_id,
               *_date_columns(link.date if "date" in fields else None), link.note if "note" in fields else None,
               join_list(c.source for c in citations), join_list(c.quote or "" for c in citations), certainty]


def relations_table(kb: KnowledgeBase) -> str:
    """``relations.csv``: one row per typed link (source, relation, target, dates, citations)."""
    return relations_table_pieces(kb)()


def relations_table_pieces(kb: KnowledgeBase) -> Assembled:
    """:func:`relations_table` made of a piece per entity: the lines of its links."""
    return _table_pieces(kb, RELATION_COLUMNS, relation_rows)


CITATION_COLUMNS = ["entity_type", "entity_id", "field", "source", "quote", "locator", "credibility"]


def citation_rows(kb: KnowledgeBase, entity: Entity) -> Iterable[list[Any]]:
    """Every citation of ``entity``, on it (field ``citations``) or on one of its links (field ``relations``)."""
    for ref in kb.references(entity):
        if ref.loc[-2:-1] and ref.loc[-1] == "source" and "citations" in ref.loc:
            citation = entity
            for part in ref.loc[:-1]:
                citation = citation[part] if isinstance(part, int) else getattr(citation, part)
            yield [entity.type, entity.id, ref.loc[0], citation.source, citation.quote, citation.locator, citation.credibility]


def citations_table(kb: KnowledgeBase) -> str:
    """``citations.csv``: one row per citation, on an entity (field ``citations``) or on one of
    its links (field ``relations``)."""
    return citations_table_pieces(kb)()


def citations_table_pieces(kb: KnowledgeBase) -> Assembled:
    """:func:`citations_table` made of a piece per entity: the lines of its citations."""
    return _table_pieces(kb, CITATION_COLUMNS, citation_rows)


CLAIM_COLUMNS = ["entity_type", "entity_id", "field", "value", "value_start", "value_end", "preferred", "note",
                 "citation_sources", "citation_quotes", "citation_credibilities"]


def claim_rows(kb: KnowledgeBase, entity: Entity) -> Iterable[list[Any]]:
    """A row per value claimed in one of ``entity``'s ``*_claims`` fields."""
    for dispute in disputes(entity):
        field = ".".join(str(part) for part in dispute.loc).removesuffix("_claims")
        for claim in dispute.claims:
            date = claim.value if isinstance(claim.value, EdtfDate) else None
            bounds = _date_columns(date)[1:] if date else ["", ""]
            yield [entity.type, entity.id, field, claim_value_text(claim.value), *bounds,
                   "true" if claim.preferred else "false", claim.note,
                   join_list(c.source for c in claim.citations), join_list(c.quote or "" for c in claim.citations),
                   join_list(c.credibility or "" for c in claim.citations)]


def claims_table(kb: KnowledgeBase) -> str:
    """``claims.csv``: one row per claimed value where sources differ (``*_claims`` fields).
    ``field`` says what the value is of, as a path in the entity's file without ``_claims``
    (``date``, ``participants.0.role``, ``relations.1.holds``); a date's ISO bounds are given
    as for other dates; ``preferred`` is ``true`` for the value the editors prefer."""
    return claims_table_pieces(kb)()


def claims_table_pieces(kb: KnowledgeBase) -> Assembled:
    """:func:`claims_table` made of a piece per entity: the lines of its claimed values."""
    return _table_pieces(kb, CLAIM_COLUMNS, claim_rows)


def _table_pieces(kb: KnowledgeBase, header: list[str], rows) -> Assembled:
    """A table of every entity's ``rows(kb, entity)``, in reading order, made of a piece per entity."""
    return Assembled([(entity, partial(_rows_text, rows, kb, entity)) for type_ in vocab.ENTITY_TYPES for entity in kb.all(type_)],
                     partial(_table_text, header))


def _rows_text(rows, kb: KnowledgeBase, entity: Entity) -> str:
    return "".join([_csv_line(row) for row in rows(kb, entity)])


def csv_tables(kb: KnowledgeBase, urls: Urls = Urls()) -> dict[str, str]:
    """Every CSV file by name: ``actors.csv`` ... ``sources.csv``, ``relations.csv``, ``citations.csv``, ``claims.csv``."""
    tables = {f"{vocab.FOLDERS[t]}.csv": entity_table(kb, t, urls) for t in vocab.ENTITY_TYPES}
    tables["relations.csv"] = relations_table(kb)
    tables["citations.csv"] = citations_table(kb)
    tables["claims.csv"] = claims_table(kb)
    return tables
