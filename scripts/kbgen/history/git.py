"""Reading a knowledge base's history from git: one ``git log`` pass, and the old versions of
files through one ``git cat-file --batch`` process.

Everything a pull request controls that reaches git (a revision, a path) goes as an argument
of its own, never through a shell; a revision that starts with ``-`` is refused (git would read
it as an option), and every revision is checked with ``git rev-parse --verify`` before use.
Without git, outside a repository or before the first commit there is no history: callers get
an empty one, never an error they did not ask for.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..core import urls

_COMMIT = "\x1e"  # starts each commit in the log
_FIELD = "\x1f"  # separates a commit's hash, day, time and subject
# A subject may hold any character but a line break: a commit starts only where a hash follows the mark.
_COMMIT_START = re.compile(_COMMIT + r"(?=[0-9a-f]{40,64}" + _FIELD + ")")
_LOG_FORMAT = _COMMIT + _FIELD.join(("%H", "%cs", "%cI", "%s"))
_NO_BLOB = re.compile(r"^0+$")


class GitError(Exception):
    """A revision git does not know, or git itself is missing: a message for the user."""


@dataclass(frozen=True)
class FileChange:
    """One file a commit added (A), modified (M), deleted (D) or renamed (R), with its blobs."""

    status: str  # A, M, D, R (a copy, C, is read as an addition)
    path: str  # the path after the commit (before it, for a deletion), relative to the root
    old_path: Optional[str]  # before the commit (a rename's old path, a modification's same path)
    old_blob: Optional[str]
    new_blob: Optional[str]


@dataclass(frozen=True)
class Commit:
    hash: str
    day: str  # YYYY-MM-DD, commit date
    time: str  # ISO 8601 with offset, commit date
    subject: str
    changes: tuple[FileChange, ...]


def _git(root: Path, *args: str, input_: Optional[bytes] = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, input=input_,
                          capture_output=True, check=False)


def refuse_option(revision: str) -> None:
    if revision.startswith("-"):
        raise GitError(f"'{revision}' is not a revision: a revision must not start with '-'")


def resolve_commit(root: Path, revision: str) -> str:
    """The commit hash ``revision`` names in the repository holding ``root``, or :class:`GitError`."""
    refuse_option(revision)
    try:
        result = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}")
    except OSError:
        raise GitError("git is not installed: revisions cannot be read") from None
    if result.returncode != 0:
        raise GitError(f"unknown revision '{revision}': no such commit, branch or tag in {root}")
    return result.stdout.decode("ascii").strip()


def head_commit(root: Path) -> Optional[str]:
    """The commit checked out in the repository holding ``root``; None outside a repository with commits."""
    try:
        result = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except OSError:
        return None
    return result.stdout.decode("ascii").strip() if result.returncode == 0 else None


def is_repository(root: Path) -> bool:
    return head_commit(root) is not None


def is_shallow(root: Path) -> bool:
    """A shallow clone (``fetch-depth: 1``) holds one commit of history, not the knowledge base's."""
    try:
        result = _git(root, "rev-parse", "--is-shallow-repository")
    except OSError:
        return False
    return result.stdout.strip() == b"true"


def read_log(root: Path, max_count: Optional[int] = None) -> list[Commit]:
    """Every commit (or the newest ``max_count``) that changed a file under ``root/entities``,
    newest first, each with its changed files: one ``git log`` pass, renames detected."""
    args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--relative", "--format=" + _LOG_FORMAT]
    if max_count is not None:
        args.append(f"--max-count={int(max_count)}")
    try:
        result = _git(root, *args, "--", urls.ENTITIES)
    except OSError:
        return []
    if result.returncode != 0:
        return []
    return parse_log(result.stdout.decode("utf-8", errors="replace"))


def parse_log(text: str) -> list[Commit]:
    commits = []
    for chunk in _COMMIT_START.split(text)[1:]:  # the split consumes each commit's mark
        header, _, body = chunk.partition("\0")
        hash_, day, time, subject = header.split(_FIELD, 3)
        tokens = body.lstrip("\n").split("\0")
        changes = []
        index = 0
        while index < len(tokens):
            meta = tokens[index]
            if not meta.startswith(":"):
                index += 1
                continue
            _, _, old_blob, new_blob, status = meta[1:].split(" ", 4)
            old = None if _NO_BLOB.match(old_blob) else old_blob
            new = None if _NO_BLOB.match(new_blob) else new_blob
            kind = status[0]
            if kind in "RC":
                old_path, path = tokens[index + 1], tokens[index + 2]
                index += 3
                changes.append(FileChange("R", path, old_path, old, new) if kind == "R" else FileChange("A", path, None, None, new))
            else:
                path = tokens[index + 1]
                index += 2
                changes.append(FileChange(kind if kind in "ADM" else "M", path, None if kind == "A" else path,
                                          old if kind != "A" else None, new if kind != "D" else None))
        commits.append(Commit(hash_, day, time, subject, tuple(changes)))
    return commits


class Blobs:
    """Old versions of files by blob hash, all read through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[str, Optional[bytes]] = {}

    def read(self, hashes: Iterable[str]) -> dict[str, Optional[bytes]]:
        wanted = [h for h in dict.fromkeys(hashes) if h and h not in self._cache and re.fullmatch(r"[0-9a-f]{40,64}", h)]
        if wanted:
            try:
                result = _git(self.root, "cat-file", "--batch", input_="".join(h + "\n" for h in wanted).encode("ascii"))
                self._cache.update(_parse_batch(result.stdout, wanted))
            except OSError:
                self._cache.update(dict.fromkeys(wanted))
        return {h: self._cache.get(h) for h in hashes if h}


def _parse_batch(out: bytes, wanted: list[str]) -> dict[str, Optional[bytes]]:
    found: dict[str, Optional[bytes]] = {}
    position = 0
    for hash_ in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) < 3:  # "<hash> missing"
            found[hash_] = None
            continue
        size = int(header[2])
        found[hash_] = out[position:position + size] if header[1] == b"blob" else None
        position += size + 1
    return found


def tree_blobs(root: Path, commit: str) -> dict[str, str]:
    """``{path relative to root: blob hash}`` of every file under ``root/entities`` at ``commit``
    (a hash from :func:`resolve_commit`)."""
    result = _git(root, "ls-tree", "-r", "-z", "--end-of-options", commit, "--", urls.ENTITIES)
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", errors="replace").strip() or f"cannot list {commit}")
    files = {}
    for record in result.stdout.decode("utf-8", errors="replace").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, blob = meta.split(" ")
        if kind == "blob" and mode in ("100644", "100755"):  # links and submodules are not entity files
            files[path] = blob
    return files


def write_tree(root: Path, commit: str, target: Path) -> None:
    """The files under ``entities/`` at ``commit`` written under ``target`` (a new folder)."""
    files = tree_blobs(root, commit)
    contents = Blobs(root).read(files.values())
    for path, blob in files.items():
        parts = Path(path).parts
        if ".." in parts or Path(path).is_absolute() or parts[:1] != (urls.ENTITIES,):
            continue
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(contents.get(blob) or b"")
