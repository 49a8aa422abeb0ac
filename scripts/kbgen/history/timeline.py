"""The knowledge base's history as the site shows it: the recent changes (``/changes/``, the
feed), each entry's history (when it was added, each change to it) and the entries deleted
outright (a page at their old address says when and why).

Bounded work: one ``git log`` pass over the files under ``entities/`` (renames followed), and
the old versions of only the files the newest ``recent_commits`` commits changed (plus the last
version of each deleted entry, for its title), read through one ``git cat-file --batch`` process
and parsed one file at a time: no old knowledge base is ever loaded whole. Changes older than
that window are listed by their date and commit subject.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..core import urls, vocab
from ..link import KnowledgeBase
from ..model import Entity, build_entity
from ..source import EntityFile, read_file
from ..source.files import MAX_FILE_BYTES
from . import git
from .changes import EntryChange, Namer, diff_entities, namer

DEFAULT_RECENT_COMMITS = 50
"""How many of the newest commits ``/changes/`` and the feed cover, and whose changes are read claim by claim."""

CHANGES_SHOWN_PER_COMMIT = 100
"""The most changes ``/changes/`` and the feed list for one commit (a first import adds every
entry); the rest are counted, and each entry's page still lists its own."""

_FOLDER_TYPES = {folder: type_ for type_, folder in vocab.FOLDERS.items()}
_STATUS_ACTIONS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed"}


@dataclass
class Change:
    """One entry's change in one commit: what happened (``change``, claim by claim when the commit
    is recent; None before that), and the page that shows the entry now (its own, a renamed
    entry's new one, or a deleted entry's tombstone)."""

    commit: git.Commit
    type: str
    id: str  # the entry's id in that commit
    action: str
    page: str  # the page path to link: urls.entity_page of the entry as it is known now
    change: Optional[EntryChange] = None  # filled in for recent commits

    @property
    def title(self) -> str:
        return self.change.title if self.change is not None else self.id

    def summary(self) -> str:
        if self.change is not None:
            return self.change.summary()
        return self.action


@dataclass(frozen=True)
class Tombstone:
    """An entry deleted outright: its old page's address says when it was removed and why."""

    type: str
    id: str
    title: str
    day: str
    subject: str  # the commit's subject: why it was removed
    renamed_to: Optional[str] = None  # for a file renamed without a former_ids entry: the new id
    blob: Optional[str] = None  # its last version, for its title

    @property
    def page(self) -> str:
        return urls.entity_page(self.type, self.id)


@dataclass
class History:
    """What the site shows of the past. ``note`` says why there is none (not a repository, a shallow clone)."""

    available: bool
    note: str = ""
    recent: list[tuple[git.Commit, list[Change]]] = field(default_factory=list)  # newest commit first
    entries: dict[tuple[str, str], list[Change]] = field(default_factory=dict)  # newest first
    tombstones: list[Tombstone] = field(default_factory=list)
    commits: int = 0  # how many commits the recent changes cover

    def of(self, entity: Entity) -> list[Change]:
        return self.entries.get((entity.type, entity.id), [])

    def entry_fingerprint(self, entity: Entity) -> str:
        """A digest of what an entry's page shows of the history (:meth:`of`, with each change's
        commit): equal while its *History* section stays the same."""
        hasher = hashlib.blake2b(digest_size=16)
        for change in self.of(entity):
            hasher.update(repr((_change_key(change), change.commit.day, change.commit.subject)).encode("utf-8"))
        return hasher.hexdigest()

    def fingerprint(self) -> str:
        """A digest of everything this history holds, each commit counted once: equal for equal
        histories. (Its ``repr`` would repeat a commit's list of files in each of its changes,
        which grows with the square of a large commit.)"""
        hasher = hashlib.blake2b(digest_size=16)
        commits: dict[str, git.Commit] = {}

        def change_text(change: Change) -> str:
            commits.setdefault(change.commit.hash, change.commit)
            return repr(_change_key(change))

        hasher.update(repr((self.available, self.note, self.commits, self.tombstones)).encode("utf-8"))
        for commit, changes in self.recent:
            commits.setdefault(commit.hash, commit)
            hasher.update(f"\nrecent {commit.hash}".encode("utf-8"))
            for change in changes:
                hasher.update(change_text(change).encode("utf-8"))
        for key, changes in self.entries.items():
            hasher.update(f"\nentry {key}".encode("utf-8"))
            for change in changes:
                hasher.update(change_text(change).encode("utf-8"))
        for commit in commits.values():
            hasher.update(f"\ncommit {commit!r}".encode("utf-8"))
        return hasher.hexdigest()


UNAVAILABLE_SHALLOW = ("History is unavailable: the site was built from a shallow clone, which holds only the "
                       "newest commit (check out the full history, e.g. actions/checkout with fetch-depth: 0).")
UNAVAILABLE_NO_GIT = "History is unavailable: the knowledge base is not in a git repository with commits."


def _key_of(path: str) -> Optional[tuple[str, str]]:
    """``entities/actors/iran.yml`` -> ``("actor", "iran")``; None for any other file."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != urls.ENTITIES or parts[1] not in _FOLDER_TYPES or not parts[2].endswith(".yml"):
        return None
    id_ = parts[2][:-4]
    return (_FOLDER_TYPES[parts[1]], id_) if vocab.is_id(id_) else None


def _entity(path: str, raw: Optional[bytes]) -> Optional[Entity]:
    """One old version of an entity file as its entity (None when it was not valid on its own)."""
    key = _key_of(path)
    if raw is None or key is None or len(raw) > MAX_FILE_BYTES:  # the limit the current files are read with
        return None
    document = read_file(EntityFile(path, path, *key), raw).document
    return build_entity(document)[0] if document is not None else None


def _change_key(change: Change) -> tuple:
    """A change as the fingerprints read it: its commit by hash, not with the commit's list of files."""
    return (change.commit.hash, change.type, change.id, change.action, change.page, change.change)


def knowledge_base_read(kb: KnowledgeBase) -> str:
    """A digest of what :func:`read_history` reads of the current knowledge base: each entry's id,
    file, former ids and title. Beside the commit checked out, it is all the history depends on."""
    hasher = hashlib.blake2b(digest_size=16)
    for type_ in vocab.ENTITY_TYPES:
        for id_, entity in kb.entities[type_].items():
            hasher.update(repr((type_, id_, kb.paths.get((type_, id_)), entity.former_ids, entity.title)).encode("utf-8"))
    return hasher.hexdigest()


def read_history(root: Path, kb: KnowledgeBase, recent_commits: int = DEFAULT_RECENT_COMMITS) -> History:
    """The history of the knowledge base at ``root`` (whose current state is ``kb``), from git."""
    root = Path(root)
    if not git.is_repository(root):
        return History(False, UNAVAILABLE_NO_GIT)
    if git.is_shallow(root):
        return History(False, UNAVAILABLE_SHALLOW)
    commits = git.read_log(root)
    renamed_ids = {(t, former) for t in vocab.ENTITY_TYPES for e in kb.entities[t].values() for former in e.former_ids}
    current: dict[str, tuple[str, str]] = {path: key for key, path in kb.paths.items()}  # path then -> entry now
    history = History(True, commits=min(len(commits), recent_commits))
    seen_paths: set[str] = set()
    recent_files: list[tuple[git.FileChange, Change]] = []

    def gone(key: tuple[str, str]) -> bool:
        """No page has this id now, and no entry names it among its former ids (whose address redirects)."""
        return key[1] not in kb.entities[key[0]] and key not in renamed_ids

    for index, commit in enumerate(commits):  # newest first
        changes = []
        for file in commit.changes:
            key = _key_of(file.path)
            if key is None:
                continue
            now = current.get(file.path)
            if file.path not in seen_paths and file.status == "D" and now is None and gone(key):
                history.tombstones.append(Tombstone(*key, key[1], commit.day, commit.subject, blob=file.old_blob))
            seen_paths.add(file.path)
            old_key = _key_of(file.old_path) if file.status == "R" and file.old_path else None
            if old_key is not None:
                if file.old_path not in seen_paths and gone(old_key):  # renamed without former_ids
                    history.tombstones.append(Tombstone(*old_key, old_key[1], commit.day, commit.subject,
                                                        now[1] if now else key[1], file.old_blob))
                seen_paths.add(file.old_path)
                if now is not None:
                    current[file.old_path] = now  # older commits name the file by its old path
            change = Change(commit, *key, _STATUS_ACTIONS[file.status], urls.entity_page(*(now or key)))
            changes.append(change)
            if now is not None:
                history.entries.setdefault(now, []).append(change)
            if index < recent_commits:
                recent_files.append((file, change))
        if index < recent_commits:
            history.recent.append((commit, changes))
    _read_claims(root, kb, history, recent_files)
    return history


def _read_claims(root: Path, kb: KnowledgeBase, history: History, recent_files: list[tuple[git.FileChange, Change]]) -> None:
    """Each recent change claim by claim, and each tombstone's title: the old versions of only
    those files, in one ``git cat-file --batch``."""
    # An addition of an entry that is still there reads by its name now: its first version is not
    # read at all (a knowledge base's first commit adds every file).
    added_now = {id(change) for file, change in recent_files
                 if file.status == "A" and change.id in kb.entities[change.type]}
    wanted = [blob for file, change in recent_files if id(change) not in added_now
              for blob in (file.old_blob, file.new_blob) if blob]
    blobs = git.Blobs(root).read(wanted + [t.blob for t in history.tombstones if t.blob])
    parsed: dict[tuple[str, str], Optional[Entity]] = {}
    known: dict[tuple[str, str], str] = {}  # names of entries no longer in the knowledge base, from their old versions
    name: Namer = namer(kb, known=known)

    def entity(path: Optional[str], blob: Optional[str]) -> Optional[Entity]:
        if path is None or blob is None:
            return None
        if (path, blob) not in parsed:
            parsed[(path, blob)] = found = _entity(path, blobs.get(blob))
            if found is not None:
                known.setdefault((found.type, found.id), found.title)
        return parsed[(path, blob)]

    # Every version parsed first, so that a reference to an entry deleted since reads by its old name.
    versions = [(entity(file.old_path, file.old_blob), entity(file.path, file.new_blob)) if id(change) not in added_now
                else (None, None) for file, change in recent_files]
    for (_, change), (old, new) in zip(recent_files, versions):
        if id(change) in added_now:
            change.change = EntryChange(change.type, change.id, kb.get(change.type, change.id).title, "added")
            continue
        found = diff_entities(old, new, name)
        if found is None or (old is None and new is None):
            # Not valid on its own at one end, or only its layout changed: the commit's subject tells.
            either = new or old
            found = EntryChange(change.type, change.id, either.title if either else change.id, change.action)
        change.change = found
    for position, tombstone in enumerate(history.tombstones):
        old = entity(urls.entity_file(tombstone.type, tombstone.id), tombstone.blob)
        if old is not None:
            history.tombstones[position] = Tombstone(tombstone.type, tombstone.id, old.title, tombstone.day,
                                                     tombstone.subject, tombstone.renamed_to, tombstone.blob)
