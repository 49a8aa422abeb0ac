"""Retired entries (``retired: {status: withdrawn|superseded, reason, replaced_by, date}``) stay
valid targets: a reference to one is not an error, since old claims may rightly name it, but an
active entry that still leans on one gets a warning at the reference."""

from __future__ import annotations

from pathlib import Path

from ..core.problems import Problem
from ..source import SourceText
from .graph import KnowledgeBase


def retired_reference_warnings(kb: KnowledgeBase, root: Path) -> list[Problem]:
    """A warning at each reference an active entry makes to a retired one (its file under ``root``
    read again only to place the warning)."""
    warnings: list[Problem] = []
    if not any(entity.retired is not None for entities in kb.entities.values() for entity in entities.values()):
        return warnings  # the usual case: no reference needs walking
    texts: dict[str, SourceText] = {}
    for entities in kb.entities.values():
        for entity in entities.values():
            if entity.retired is not None:
                continue
            for ref in kb.references(entity):
                target = kb.entities.get(ref.target_type, {}).get(ref.target_id)
                if target is None or target.retired is None:
                    continue
                path = kb.paths[(entity.type, entity.id)]
                if path not in texts:
                    texts[path] = SourceText(path, (Path(root) / path).read_text(encoding="utf-8"))
                replaced = f"; it is replaced by '{target.retired.replaced_by}'" if target.retired.replaced_by else ""
                warnings.append(Problem(path, *texts[path].locate(ref.loc),
                                        f"{ref.target_type} '{ref.target_id}' is retired ({target.retired.status}: "
                                        f"{target.retired.reason}){replaced}", severity="warning"))
    return sorted(warnings)
