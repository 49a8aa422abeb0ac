"""load -> model -> graph, run as far as the input allows, every problem collected."""

from __future__ import annotations

from pathlib import Path

from .graph import KnowledgeBase, resolve_references
from .load import load_entities
from .model import build_entities
from .problems import KnowledgeBaseError, Problem


def check_knowledge_base(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The linked knowledge base and every problem found, from every file, in one pass."""
    loaded = load_entities(Path(root))
    entities, model_problems = build_entities(loaded.documents)
    kb, graph_problems = resolve_references(entities, loaded)
    return kb, sorted(set(loaded.problems + model_problems + graph_problems))


def read_knowledge_base(root: Path) -> KnowledgeBase:
    """The linked knowledge base, or :class:`KnowledgeBaseError` with every problem."""
    kb, problems = check_knowledge_base(root)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
