"""Citations checked against the sources' archived texts: a quote must occur in its source verbatim.

A source may keep the publisher's text beside its YAML (``sources/<id>.txt``); every quote
citing it is then looked up in that text, compared as a reader would compare them
(typographic quotes, dashes and spacing do not matter; ``...`` marks omitted words). The
check needs nothing but the entity and the archives, so it is made file by file.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from ..core import urls
from ..core.problems import Problem
from ..model import Citation, Entity
from ..source import SourceText
from .references import Reference

_SINGLE_QUOTES = re.compile(r"[\u2018\u2019\u201a\u201b\u2032`´]")
_DOUBLE_QUOTES = re.compile(r"[\u201c\u201d\u201e\u201f\u2033]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_OMISSION = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def _normalise(text: str) -> str:
    """Compare quotes as readers would: typographic quotes, dashes and spacing do not matter."""
    if not text.isascii() or "`" in text:  # ASCII without backticks: the first four steps change nothing
        text = unicodedata.normalize("NFKC", text)
        text = _SINGLE_QUOTES.sub("'", text)
        text = _DOUBLE_QUOTES.sub('"', text)
        text = _DASHES.sub("-", text)
    # Runs of whitespace as one space, none at the ends: str.split's whitespace is exactly re's \s.
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    """True when ``quote`` occurs verbatim in ``text``; '...' or '…' may mark omitted words."""
    return quote_in_normalised(quote, _normalise(text))


def quote_in_normalised(quote: str, haystack: str) -> bool:
    """:func:`quote_in_text` for a text already passed through :func:`_normalise`: a source's
    archive is normalised once, not once per citation."""
    start, quote = 0, _normalise(quote)
    for fragment in _OMISSION.split(quote) if "..." in quote else (quote,):  # NFKC turned '…' into '...'
        if not fragment:
            continue
        found = haystack.find(fragment, start)
        if found < 0:
            return False
        start = found + len(fragment)
    return True


class Archives:
    """The sources' archived texts (source id -> text), each normalised for matching once, when first needed."""

    def __init__(self, texts: dict[str, str]):
        self.texts = texts
        self._normalised: dict[str, str] = {}

    def __contains__(self, source_id: str) -> bool:
        return source_id in self.texts

    def normalised(self, source_id: str) -> str:
        if source_id not in self._normalised:
            self._normalised[source_id] = _normalise(self.texts[source_id])
        return self._normalised[source_id]


def quote_problems(entity: Entity, text: SourceText, archives: Archives, references: Sequence[Reference]) -> list[Problem]:
    """Every quote of ``entity`` citing an archived source that the archive does not contain.
    ``references``: the entity's (:func:`~kbgen.link.references.iter_references`), which linking reads too."""
    problems = []
    for ref in references:
        if ref.target_type != "source" or ref.loc[-1] != "source" or ref.target_id not in archives:
            continue
        citation = ref.holder
        for part in ref.loc[:-1]:
            citation = citation[part] if isinstance(part, int) else getattr(citation, part)
        assert isinstance(citation, Citation)
        if citation.quote is not None and not quote_in_normalised(citation.quote, archives.normalised(ref.target_id)):
            problems.append(Problem(text.path, *text.locate(ref.loc[:-1] + ("quote",)),
                f"quote not found verbatim in {urls.archive_file(ref.target_id)}; copy the words exactly "
                "(spacing, curly quotes and dashes may differ; mark omissions with '...')"))
    return problems


def unverified_quote_warnings(entities: list[Entity], paths: dict[tuple[str, str], str], archives) -> list[Problem]:
    """One warning per cited source without an archived text, saying how many quotes citing it
    nothing checked: a quote that cannot be looked up proves nothing by being there."""
    # Only a source that exists and has no archive is warned of: when every source has one (a
    # knowledge base that keeps its sources' texts), no citation needs counting.
    unarchived = {source_id for type_, source_id in paths if type_ == "source" and source_id not in archives}
    if not unarchived:
        return []
    counts: dict[str, int] = {}
    for entity in entities:
        for citation in entity.all_citations():
            if citation.quote is not None and citation.source in unarchived:
                counts[citation.source] = counts.get(citation.source, 0) + 1
    return [Problem(paths[("source", source_id)], 1, 1,
                    f"{count:,} quote(s) citing this source are not verified: it has no archived text "
                    f"({urls.archive_file(source_id)}); save the source's text there to check them", "warning")
            for source_id, count in sorted(counts.items())]
