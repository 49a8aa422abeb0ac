"""load -> model -> graph, run as far as the input allows, every problem collected."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from . import fork as forking
from .graph import KnowledgeBase, resolve_references
from .load import EntityFile, LoadedFiles, ParseCache, ReadFile, find_files, gather, load_entities, read_file
from .model import Entity, build_entities
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
        # What was made while paused is all in the youngest generation, which the
        # collector's next pass (the first 700 allocations after) scans whole: 0.2 s at
        # 10,000 entities. It is long-lived, so it goes to the oldest generation unscanned
        # (frozen, then thawed into it), unless a caller keeps objects frozen we must not thaw.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def check_knowledge_base(root: Path, cache: Optional[ParseCache] = None, *,
                         fork: bool = False) -> tuple[KnowledgeBase, list[Problem]]:
    """The linked knowledge base and every problem found, from every file, in one pass.

    ``cache`` (held by the MkDocs plugin across ``mkdocs serve`` rebuilds) skips
    parsing and validating files whose bytes did not change; linking is redone.
    ``fork`` uses a second core: a forked child reads and validates 9 files in 20,
    then another verifies the quotes while the links are made. Only in processes
    without threads (``kbgen validate``); not with a cache, whose entries would
    stay in the child."""
    with _collector_paused():
        fork = fork and cache is None and forking.available() and forking.single_threaded()
        if fork:
            loaded, entities, model_problems, placeholders = _check_files_in_two_processes(Path(root))
        else:
            loaded = load_entities(Path(root), cache)
            entities, model_problems = build_entities(loaded.documents, cache)
            # Inside the pause too: re-enabled earlier, the collector's first full pass over
            # everything loaded came here (0.13 s at 10,000 entities) and found nothing to free.
            placeholders = placeholder_problems(loaded.documents)
        kb, graph_problems = resolve_references(entities, loaded, fork=fork)
    # A placeholder left by `kbgen new` is one problem, not also a bad value or an unknown id at the same place.
    filled = {(p.path, p.line, p.col) for p in placeholders}
    others = [p for p in model_problems + graph_problems if (p.path, p.line, p.col) not in filled]
    return kb, sorted(set(loaded.problems + placeholders + others))


@dataclass
class _FileChecked:
    """What one file says on its own: read, validated against its model, searched for placeholders."""

    read: ReadFile
    entity: Optional[Entity]
    model_problems: list[Problem]
    placeholders: list[Problem]


def _check_read(read: ReadFile) -> _FileChecked:
    if read.document is None or read.entry.type == "tags":
        return _FileChecked(read, None, [], [])
    entities, model_problems = build_entities([read.document])
    return _FileChecked(read, entities[0] if entities else None, model_problems, placeholder_problems([read.document]))


def _check_share(entries: list[EntityFile]) -> tuple[list[_FileChecked], Optional[Exception]]:
    """Each file's own checks, up to the first error that stops a run (e.g. a file the
    user may not read): returned, so the error of the first such file in reading order is raised.

    All files are read and parsed first, then validated: done file by file, the parser's
    and pydantic's code took turns on the processor, 10 % slower (1.75 s against 1.59 s of CPU
    for 10,000 files)."""
    reads: list[ReadFile] = []
    read_error: Optional[Exception] = None
    try:
        for entry in entries:
            reads.append(read_file(entry))
    except Exception as error:  # noqa: BLE001 - raised again by the parent, as one process would
        read_error = error
    checked: list[_FileChecked] = []
    try:
        for read in reads:
            checked.append(_check_read(read))
    except Exception as error:  # noqa: BLE001
        return checked, error
    return checked, read_error


def _for_child(position: int) -> bool:
    """Whether the forked child checks the file at this position: 9 files in 20, spread evenly,
    since the child also pickles its results and the parent unpickles them."""
    return position % 20 in (1, 3, 5, 7, 9, 11, 13, 15, 17)


def _check_files_in_two_processes(root: Path) -> tuple[LoadedFiles, list[Entity], list[Problem], list[Problem]]:
    """load, build_entities and placeholder_problems, with part of the files done by a forked child.

    Those checks need nothing but the file, and they are most of the work (1.4 s of
    2.0 s in one process at 10,000 entities). The child sends its documents back as their text
    (see RawDocument.without_parse); the results are merged back into reading order,
    so everything after is as in one process."""
    found = find_files(root)
    theirs_at = [i for i in range(len(found.yaml)) if _for_child(i)]
    mine_at = [i for i in range(len(found.yaml)) if not _for_child(i)]

    def child_share() -> tuple[list[_FileChecked], Optional[Exception]]:
        checked, error = _check_share([found.yaml[i] for i in theirs_at])
        return [replace(c, read=replace(c.read, document=c.read.document and c.read.document.without_parse()))
                for c in checked], error

    wait = forking.start(child_share)
    mine, my_error = _check_share([found.yaml[i] for i in mine_at])
    theirs, their_error = wait()
    if my_error is not None or their_error is not None:
        # Every file before a failing one was checked; the first failure in reading order is raised.
        my_failure = mine_at[len(mine)] if my_error is not None else len(found.yaml)
        their_failure = theirs_at[len(theirs)] if their_error is not None else len(found.yaml)
        raise my_error if my_failure < their_failure else their_error
    checked: list[_FileChecked] = [None] * len(found.yaml)  # type: ignore[list-item]
    for positions, results in ((mine_at, mine), (theirs_at, theirs)):
        for position, result in zip(positions, results):
            checked[position] = result
    loaded = gather(found, [c.read for c in checked])
    entities = [c.entity for c in checked if c.entity is not None]
    model_problems = [p for c in checked for p in c.model_problems]
    placeholders = [p for c in checked for p in c.placeholders]
    return loaded, entities, model_problems, placeholders


def read_knowledge_base(root: Path) -> KnowledgeBase:
    """The linked knowledge base, or :class:`KnowledgeBaseError` with every problem."""
    kb, problems = check_knowledge_base(root)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
