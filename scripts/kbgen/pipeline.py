"""load -> model -> graph, run as far as the input allows, every problem collected."""

from __future__ import annotations

from pathlib import Path

from .graph import KnowledgeBase, resolve_references
from .load import load_entities
from .model import build_entities
from .problems import KnowledgeBaseError, Problem
from .skeleton import placeholder_problems


def check_knowledge_base(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The linked knowledge base and every problem found, from every file, in one pass."""
    loaded = load_entities(Path(root))
    entities, model_problems = build_entities(loaded.documents)
    kb, graph_problems = resolve_references(entities, loaded)
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
