"""The stages in order, run as far as the input allows, every problem collected:
files (:mod:`kbgen.source`) -> typed entities (:mod:`kbgen.model`) -> the linked knowledge base
(:mod:`kbgen.link`) -> pages and data files (:mod:`kbgen.site`).

Each file's own checks (read, parse, validate against its model, placeholders, quotes) need
nothing but the file and the archives, and are most of the work: :func:`check_knowledge_base`
hands them to :mod:`kbgen.runtime`, which may spread them over two processes or take them from
a memo of an earlier rebuild. Linking needs every entity and runs once, after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from . import runtime
from .core.problems import KnowledgeBaseError, Problem
from .link import Archives, KnowledgeBase, link_entities, quote_problems
from .link.references import Reference, iter_references
from .model import Entity, build_entity
from .model.limits import limit_problems
from .source import (EntityFile, LoadedFiles, SourceText, find_files, placeholder_problems, read_archives,
                     read_file)
from .source.documents import RawDocument
from .source.files import read_bytes

if TYPE_CHECKING:
    from .history.timeline import History
    from .site.dependencies import Records
    from .site.plan import GeneratedFile


@dataclass
class FileChecked:
    """What one file says on its own: its problems, its entity (None when it has none or is
    invalid), where its values are (to place problems found later) and, for ``tags.yml``, its document."""

    entry: EntityFile
    read_problems: list[Problem]  # reading and parsing it
    problems: list[Problem]  # its values: the model's checks and the quotes
    placeholders: list[Problem]
    entity: Optional[Entity] = None
    text: Optional[SourceText] = None
    tags: Optional[RawDocument] = None
    references: tuple[Reference, ...] = ()  # the entity's, walked once: its quotes are checked and it is linked by them


def check_file(entry: EntityFile, archives: Archives, raw: Optional[bytes] = None) -> FileChecked:
    """One file read (or its bytes ``raw``), parsed, validated against its model, searched for
    placeholders, and its quotes looked up in the archives. Whatever goes wrong in doing so is a
    problem of this file, never a traceback."""
    try:
        return _check_file(entry, archives, raw)
    except Exception as error:  # noqa: BLE001 - any failure at all is reported, located, with exit 1
        return FileChecked(entry, [unexpected_problem(entry.path, "checking", error)], [], [])


def unexpected_problem(path: str, doing: str, error: BaseException) -> Problem:
    """A located problem for an exception no check foresaw: kbgen's own fault, made a value like any other."""
    return Problem(path, 1, 1, f"kbgen failed while {doing} this file ({type(error).__name__}: {str(error)[:200]}); "
                               "please report it with the file")


def _check_file(entry: EntityFile, archives: Archives, raw: Optional[bytes]) -> FileChecked:
    read = read_file(entry, raw)
    document = read.document
    if document is None:
        return FileChecked(entry, read.problems, [], [])
    if entry.type == "tags":
        return FileChecked(entry, read.problems, limit_problems(document), [], tags=document)
    entity, problems = build_entity(document)
    references: tuple[Reference, ...] = ()
    if entity is not None:
        references = tuple(iter_references(entity))
        problems += quote_problems(entity, document, archives, references)
    return FileChecked(entry, read.problems, problems, placeholder_problems(document), entity, document.source_text(),
                       references=references)


def check_knowledge_base(root: Path, memo: Optional[runtime.FileMemo] = None) -> tuple[KnowledgeBase, list[Problem]]:
    """The linked knowledge base and every problem found, from every file, in one pass.

    ``memo`` (kept by the MkDocs plugin across ``mkdocs serve`` rebuilds) gives each file whose
    bytes did not change what it gave before; linking is done again."""
    with runtime.collector_paused():
        root = Path(root)
        found = find_files(root)
        texts, archive_problems = read_archives(found)
        archives = Archives(texts)
        if memo is None:
            checked = runtime.split_map(lambda entry: check_file(entry, archives), found.yaml)
        else:
            # A file's result depends on its bytes and, through its quotes, on the archives.
            archives_digest = memo.digest(*(part for source_id in sorted(texts) for part in (source_id, texts[source_id])))
            checked = [_check_file_with_memo(entry, archives, archives_digest, memo) for entry in found.yaml]
            memo.forget_unused()
        loaded = LoadedFiles(archives=texts)
        entities: list[Entity] = []
        references: list[tuple[Reference, ...]] = []
        read_problems = list(found.problems) + archive_problems
        problems: list[Problem] = []
        placeholders: list[Problem] = []
        for result in checked:
            read_problems += result.read_problems
            problems += result.problems
            placeholders += result.placeholders
            key = (result.entry.type, result.entry.id)
            if result.tags is not None:
                loaded.tags = result.tags
            elif result.text is None:
                loaded.unreadable.add(key)
            else:
                loaded.texts[key] = result.text
            if result.entity is not None:
                entities.append(result.entity)
                references.append(result.references)
        try:
            kb, link_problems = link_entities(entities, loaded, references)
        except Exception as error:  # noqa: BLE001 - as in check_file
            kb = link_entities([], LoadedFiles(archives=texts))[0]
            link_problems = [unexpected_problem("entities", "linking the entities of", error)]
    # A placeholder left by `kbgen new` is one problem, not also a bad value or an unknown id at the same place.
    filled = {(p.path, p.line, p.col) for p in placeholders}
    others = [p for p in problems + link_problems if (p.path, p.line, p.col) not in filled]
    return kb, sorted(set(read_problems + placeholders + others))


def _check_file_with_memo(entry: EntityFile, archives: Archives, archives_digest: str,
                          memo: runtime.FileMemo) -> FileChecked:
    raw, problems = read_bytes(entry.file, entry.path)
    if raw is None:
        return FileChecked(entry, problems, [], [])
    return memo.get((entry.path, entry.type, memo.digest(raw), archives_digest), lambda: check_file(entry, archives, raw))


def read_knowledge_base(root: Path) -> KnowledgeBase:
    """The linked knowledge base, or :class:`KnowledgeBaseError` with every problem."""
    kb, problems = check_knowledge_base(root)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def render_site(kb: KnowledgeBase, templates: Optional[Path] = None, last_updated: Optional[dict[str, str]] = None,
                *, pages: Optional[runtime.FileMemo] = None, **options) -> list["GeneratedFile"]:
    """Every generated page and data file of :func:`kbgen.site.plan_site` (same options), rendered,
    in its order; a forked worker renders every other file meanwhile where it can.

    ``pages`` (kept across rebuilds, like :func:`check_knowledge_base`'s memo) gives each file whose
    dependency record did not change the content it had (:func:`kbgen.runtime.render_with_memo`)."""
    # Imported here: checking a knowledge base (`kbgen validate`) needs no templates, Jinja or exporters.
    from .site.plan import GeneratedFile, plan_site

    records = None if pages is None else records_again(kb, pages, options.get("history"))
    plan = plan_site(kb, templates, last_updated, bytecode_cache=runtime.template_code(), records=records, **options)
    if pages is not None:
        contents = runtime.render_with_memo(plan, pages, render_context(templates, **options))
    else:
        contents = runtime.run_all([located(planned) for planned in plan])
    return [GeneratedFile(planned.path, content, planned.source) for planned, content in zip(plan, contents)]


_LAST_RECORDS = "the dependency records of the last build"


def records_again(kb: KnowledgeBase, pages: runtime.FileMemo, history: Optional["History"] = None) -> "Records":
    """The dependency records of a rebuild whose rendered files ``pages`` keeps (for
    :func:`kbgen.site.plan.plan_site`): made with the last build's, which ``pages`` keeps too, so that
    only the records of what changed and of what shows it are worked out again."""
    from .site.plan import records_of

    records = records_of(kb, history, pages.kept(_LAST_RECORDS, None))
    pages.keep(_LAST_RECORDS, records)
    return records


def render_context(templates: Optional[Path] = None, **options) -> str:
    """What every generated file of a build depends on besides its own dependency record: the
    options of :func:`kbgen.site.plan_site` and the text of every overriding template. Not the
    history: the few files that show it have what they show of it in their records, so a new
    commit or a rename renders again those, not every file."""
    parts = [repr([(name, value) for name, value in sorted(options.items(), key=lambda item: item[0])
                   if name != "history"]), str(templates)]
    if templates is not None and Path(templates).is_dir():
        for template in sorted(Path(templates).rglob("*")):
            if template.is_file():
                parts += [template.relative_to(templates).as_posix(), runtime.FileMemo.digest(template.read_bytes())]
    return "\n".join(parts)


def located(planned) -> Callable[[], str]:
    """``planned.render``, an exception in which becomes a :class:`KnowledgeBaseError` naming the
    entity file the page comes from (or the page), never a traceback."""
    def render() -> str:
        try:
            return planned.render()
        except Exception as error:  # noqa: BLE001 - as in check_file
            raise KnowledgeBaseError([unexpected_problem(planned.source or planned.path, f"rendering {planned.path} from",
                                                         error)]) from None
    return render


def write_files(files: Iterable["GeneratedFile"], out: Path) -> int:
    """Write generated files under ``out``; returns how many were written."""
    count = 0
    for generated in files:
        target = out / generated.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(generated.content, encoding="utf-8")
        count += 1
    return count


def check_revision(root: Path, revision: str) -> tuple[KnowledgeBase, list[Problem]]:
    """:func:`check_knowledge_base` of the knowledge base as it was at a git ``revision`` of the
    repository holding ``root`` (its ``entities/`` written to a temporary folder; problems name
    the files as they are in the repository). An unknown revision is a
    :class:`kbgen.history.git.GitError`."""
    import tempfile

    from .history import git

    commit = git.resolve_commit(root, revision)
    with tempfile.TemporaryDirectory(prefix="kbgen-diff-") as folder:
        git.write_tree(root, commit, Path(folder))
        return check_knowledge_base(Path(folder))
