"""Finding and reading the files under ``entities/``: what is an entity file, and its bytes within limits.

Every file is read with one bounded read, so no file can make the build read more than
:data:`MAX_FILE_BYTES`; links that leave the knowledge base, special files (a FIFO would
block the build, a device would be read forever) and names that are not ids are refused
with a located problem before anything is read.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..core import urls, vocab
from ..core.problems import Problem

MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class EntityFile:
    """A YAML file the walk found, not yet read: where it is and what it must hold."""

    file: str  # the file as the walk reached it (root / "entities" / ...)
    path: str  # relative to the root, with forward slashes
    type: str  # "tags" for entities/tags.yml
    id: str


@dataclass
class FoundFiles:
    """What is under ``entities/``, from names and file types alone; nothing is read yet."""

    yaml: list[EntityFile] = field(default_factory=list)  # in reading order
    archives: dict[str, tuple[str, str]] = field(default_factory=dict)  # source id -> (file, path) of its .txt
    problems: list[Problem] = field(default_factory=list)


def find_files(root: Path) -> FoundFiles:
    """Walk ``root/entities`` in a stable order, sorting out what is not an entity file."""
    found = FoundFiles()
    entities_dir = root / urls.ENTITIES
    if not entities_dir.is_dir():
        found.problems.append(Problem("entities", 1, 1, "no entities/ folder here; pass --root DIR to point at a knowledge base"))
        return found
    if not _within(root, entities_dir):
        # A pull request can replace entities/ by a link to the build machine's files.
        found.problems.append(Problem("entities", 1, 1, "entities/ is a symbolic link pointing outside the knowledge base; it is not read"))
        return found
    folder_types = {folder: type_ for type_, folder in vocab.FOLDERS.items()}
    for dirpath, dirnames, filenames in os.walk(entities_dir, followlinks=False):
        dirnames.sort()
        # Paths are joined as strings and each name costs one lstat (pathlib's equivalents cost several).
        folder_parts = Path(dirpath).relative_to(entities_dir).parts
        folder_path = Path(dirpath).relative_to(root).as_posix()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            file = os.path.join(dirpath, name)
            path = f"{folder_path}/{name}"
            parts = folder_parts + (name,)
            try:
                mode = os.lstat(file).st_mode
            except FileNotFoundError:  # gone since the folder was listed: as a broken link would be
                mode = 0
            is_link = stat.S_ISLNK(mode)
            is_file = stat.S_ISREG(mode) or (is_link and os.path.isfile(file))
            if name.startswith(".") and stat.S_ISREG(mode):
                continue  # editors' and OS' dot-files (.gitkeep, .DS_Store) are not content
            if is_link and not _within(entities_dir, Path(file)):
                found.problems.append(Problem(path, 1, 1, "symbolic link pointing outside entities/ is not allowed"))
                continue
            if not is_file:
                # A FIFO would block the build, a device would be read forever; git stores neither.
                what = ("a link to a folder" if os.path.isdir(file) else "a link that loops" if _loops(file)
                        else "a broken link" if not os.path.exists(file) else "a special file")
                found.problems.append(Problem(path, 1, 1, f"not an entity file: {what}; entity files are regular files"))
                continue
            if parts == (urls.TAGS_FILE,):
                found.yaml.append(EntityFile(file, path, "tags", "tags"))
                continue
            if len(parts) != 2 or parts[0] not in folder_types:
                where = ", ".join(f"entities/{f}/" for f in vocab.FOLDERS.values())
                found.problems.append(Problem(path, 1, 1, f"not an entity file: entity files go in {where} as <id>.yml"))
                continue
            dot = name.rfind(".")  # split as pathlib's stem and suffix do: ".yml" is all stem
            stem, suffix = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
            type_ = folder_types[parts[0]]
            if type_ == "source" and suffix == urls.ARCHIVE_SUFFIX:
                found.archives[stem] = (file, path)
                continue
            if suffix != ".yml":
                hint = "rename it to .yml" if suffix == ".yaml" else "entity files end in .yml"
                found.problems.append(Problem(path, 1, 1, f"not an entity file: {hint}"))
                continue
            if not vocab.is_id(stem):
                found.problems.append(Problem(path, 1, 1, f"file name '{stem}' is not a valid id: {vocab.ID_RULE}"))
                continue
            if urls.reserved_id_problem(stem):
                found.problems.append(Problem(path, 1, 1, f"file name {urls.reserved_id_problem(stem)}"))
                continue
            found.yaml.append(EntityFile(file, path, type_, stem))
    return found

def read_archives(found: FoundFiles) -> tuple[dict[str, str], list[Problem]]:
    """The sources' archived texts (source id -> text) and the problems reading them. An archive
    is read only beside its source's file (``sources/<id>.yml``); one without is a problem."""
    sources = {entry.id for entry in found.yaml if entry.type == "source"}
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for stem, (file, path) in sorted(found.archives.items()):
        if stem not in sources:
            problems.append(Problem(path, 1, 1, f"archived text without a source: add sources/{stem}.yml or remove this file"))
            continue
        text, read_problems = read_text(file, path)
        problems += read_problems
        if text is not None:
            texts[stem] = text
    return texts, problems


def read_text(file: str | Path, path: str) -> tuple[Optional[str], list[Problem]]:
    """Read a file as UTF-8 within the size limit, or say precisely why not."""
    raw, problems = read_bytes(file, path)
    if raw is None:
        return None, problems
    return decode(raw, path)


def read_bytes(file: str | Path, path: str) -> tuple[Optional[bytes], list[Problem]]:
    """A file's bytes within the size limit, or why not. One read of at most the limit and one
    byte: a file that grows while it is read cannot get past the limit."""
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        raw = b""
        while len(raw) <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - len(raw))
            if not chunk:
                return raw, []
            raw += chunk
        size = os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)
    return None, [Problem(path, 1, 1, f"file is {max(size, len(raw)):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")]


def decode(raw: bytes, path: str) -> tuple[Optional[str], list[Problem]]:
    """The text of a file's bytes, which must be UTF-8 (a byte-order mark is dropped), or where they are not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(path, line, col, f"file is not UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8")]
    return text.removeprefix("\ufeff"), []


def _within(root: Path, file: Path) -> bool:
    """Whether ``file``, its links followed, is under ``root``. A link that loops (``a.yml`` -> ``b.yml``
    -> ``a.yml``) reaches nothing, outside or in: it counts as within, to be refused as a link that loops."""
    try:
        file.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False
    except (RuntimeError, OSError):  # Python 3.11-3.12 raise RuntimeError on a loop, later ones OSError
        return _loops(str(file))


def _loops(file: str) -> bool:
    try:
        os.stat(file)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False
