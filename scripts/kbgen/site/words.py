"""Words for readers: dates written out, and the spellings a reader may search a name by."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from ..core.dates import MONTH_NAMES


def day_in_words(iso_day: str) -> str:
    """``2025-07-11`` -> ``11 July 2025``, as every other date on the site is written."""
    year, month, day = (int(part) for part in iso_day.split("-"))
    return f"{day} {MONTH_NAMES[month]} {year}"


_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4]")


def search_variants(names: Iterable[str]) -> list[str]:
    """Spellings a reader may type for ``names`` that the names themselves do not contain.

    Each name without apostrophes and ayn/hamza marks ("Kata'ib" -> "Kataib"),
    without diacritics ("Ḥizb" -> "Hizb") and with hyphenated words joined
    ("al-Nujaba" -> "alNujaba"); the search already splits words at hyphens.
    """
    names = list(names)
    seen = {name.casefold() for name in names}
    variants: list[str] = []
    for name in names:
        plain = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", name))
        plain = unicodedata.normalize("NFC", "".join(c for c in plain if not unicodedata.combining(c)))
        for variant in (plain, plain.replace("-", "")):
            if variant.casefold() not in seen:
                seen.add(variant.casefold())
                variants.append(variant)
    return variants
