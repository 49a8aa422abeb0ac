"""Fingerprints of text: what tells two versions of an entry, or of what a page reads, apart."""

from __future__ import annotations

import hashlib


def text_digest(text: str) -> str:
    """``text``'s 128-bit BLAKE2b digest in hex: equal for equal text, and no two different texts
    of any knowledge base share one."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
