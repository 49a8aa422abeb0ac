"""load -> model -> graph, run as far as the input allows, every problem collected."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from .graph import KnowledgeBase, resolve_references
from .load import ParseCache, load_entities
from .model import build_entities
from .problems import KnowledgeBaseError, Problem
from .skeleton import placeholder_problems


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while the stages build their objects.

    Loading creates hundreds of thousands of small, long-lived, acyclic objects
    (values, marks, models); each generation-2 pass rescans all of them, which
    cost 1.6 s of a 4.4 s ``kbgen validate`` at 10,000 entities. Reference
    counting still frees everything; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_knowledge_base(root: Path, cache: Optional[ParseCache] = None) -> tuple[KnowledgeBase, list[Problem]]:
    """The linked knowledge base and every problem found, from every file, in one pass.

    ``cache`` (held by the MkDocs plugin across ``mkdocs serve`` rebuilds) skips
    parsing and validating files whose bytes did not change; linking is redone."""
    with _collector_paused():
        loaded = load_entities(Path(root), cache)
        entities, model_problems = build_entities(loaded.documents, cache)
        kb, graph_problems = resolve_references(entities, loaded)
        # Inside the pause too: re-enabled earlier, the collector's first full pass over
        # everything loaded came here (0.13 s at 10,000 entities) and found nothing to free.
        placeholders = placeholder_problems(loaded.documents)
    # A placeholder left by `kbgen new` is one problem, not also a bad value or an unknown id at the same place.
    filled = {(p.path, p.line, p.col) for p in placeholders}
    others = [p for p in model_problems + graph_problems if (p.path, p.line, p.col) not in filled]
    return kb, sorted(set(loaded.problems + placeholders + others))


def read_knowledge_base(root: Path) -> KnowledgeBase:
    """The linked knowledge base, or :class:`KnowledgeBaseError` with every problem."""
    kb, problems = check_knowledge_base(root)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
