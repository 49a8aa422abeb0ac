"""How kbgen's stages are run: in one process or two, with per-file results kept between
rebuilds, and with the garbage collector told what lives until the end.

Every stage is a plain function of its input that runs in one process. This module alone
knows about processes and memory; the pipeline and the engine adapters use it:

- :func:`split_map` and :class:`Ahead` give part of the work to a forked worker process
  (``concurrent.futures`` with the ``fork`` start method). MkDocs and Python use one core, and
  a build has independent work to spare (files to check, pages to render). A forked worker
  inherits the parent's memory, so the work and its inputs are not pickled, only results.
  Where forking is unavailable (Windows; macOS, where forking a process that has used the
  system's frameworks can crash it), unsafe (another thread runs: ``mkdocs serve``'s server;
  a lock it holds at the fork would stay held in the worker for ever) or no help (one core),
  the same functions run in this process and give the same results.
- :class:`FileMemo` keeps what each file gave, by its path and the hash of its bytes, across
  the rebuilds of one ``mkdocs serve``: a file whose bytes did not change is not parsed again.
- :func:`collector_paused` and :func:`keep_for_good` spare Python's cyclic garbage collector
  the many small, long-lived objects a knowledge base is made of, which it would otherwise
  rescan on every pass and never free; under ``mkdocs serve``, :class:`RebuildCollector` puts off
  its full passes until a rebuild has ended.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import gc
import hashlib
import multiprocessing
import operator
import os
import sys
import threading
import traceback
from contextlib import contextmanager
from functools import partial
from typing import Any, Callable, Generic, Hashable, Iterator, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


ONE_PROCESS = "KBGEN_PROCESSES"
"""Set this environment variable to ``1`` to run everything in one process, as on a platform that cannot fork."""


def forking_helps() -> bool:
    """Whether work can go to a forked worker here and now: the platform forks safely, there is
    a second core, no other thread runs, and ``KBGEN_PROCESSES=1`` does not ask for one process."""
    return (hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1 and os.environ.get(ONE_PROCESS) != "1")


def _fork_pool(work: tuple) -> concurrent.futures.ProcessPoolExecutor:
    """One forked worker that holds ``work`` (inherited with the parent's memory, not pickled)."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=_hold, initargs=(work,))


_held: tuple = ()  # in a worker: what its pool was made with (see _fork_pool)


def _hold(work: tuple) -> None:
    global _held
    _held = work


WORKER_SHARE = 9
"""Of every 20 items of :func:`split_map`, how many the worker takes: a little under half, since
it also pickles its results for the parent, which unpickles them."""


def _in_worker_share(position: int) -> bool:
    return position % 20 in range(1, 2 * WORKER_SHARE, 2)


def _apply_each(positions: Sequence[int]) -> tuple[list, Optional[BaseException]]:
    """In a worker: the held function applied to the held items at ``positions``, up to the first failure."""
    function, items = _held
    results, error = _apply(function, [items[i] for i in positions])
    return results, error if error is None else _with_traceback(error)


def _apply(function: Callable[[T], R], items: Sequence[T]) -> tuple[list[R], Optional[BaseException]]:
    results: list[R] = []
    try:
        for item in items:
            results.append(function(item))
    except Exception as error:  # noqa: BLE001 - raised again where one process would raise it
        return results, error
    return results, None


class WorkerTraceback(Exception):
    """Where an exception that a worker raised was raised there: the ``__cause__`` it is raised with."""


def _with_traceback(error: Exception) -> Exception:
    """``error`` with its traceback as text, which survives pickling (a traceback does not)."""
    error.worker_traceback = "".join(traceback.format_exception(error))  # type: ignore[attr-defined]
    return error


def _raise_again(error: BaseException) -> None:
    """Raise ``error`` (from this process or a worker's), with the worker's traceback as its cause."""
    text = error.__dict__.pop("worker_traceback", None)
    if text is None:
        raise error
    raise error from WorkerTraceback(text)


def split_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[function(item) for item in items]``, with part of the items done by a forked worker when
    :func:`forking_helps`: the same values in the same order, and the same first exception (by
    position), as in one process."""
    if len(items) < 2 or not forking_helps():
        return [function(item) for item in items]
    theirs = [i for i in range(len(items)) if _in_worker_share(i)]
    mine = [i for i in range(len(items)) if not _in_worker_share(i)]
    with _fork_pool((function, items)) as pool:
        pending = pool.submit(_apply_each, theirs)
        my_results, my_error = _apply(function, [items[i] for i in mine])
        their_results, their_error = pending.result()
    if my_error is not None or their_error is not None:
        # Every item before a failing one was done: the first failure by position is raised.
        my_failure = mine[len(my_results)] if my_error is not None else len(items)
        their_failure = theirs[len(their_results)] if their_error is not None else len(items)
        _raise_again(my_error if my_failure < their_failure else their_error)
    results: list = [None] * len(items)
    for positions, values in ((mine, my_results), (theirs, their_results)):
        for position, value in zip(positions, values):
            results[position] = value
    return results


def _run_jobs(indices: Sequence[int]) -> list[tuple[bool, object]]:
    """In a worker: the held jobs at ``indices``, each its value or the exception it raised."""
    (jobs,) = _held
    return [(ok, _with_traceback(value) if not ok else value) for ok, value in _run_each(jobs, indices)]


def _run_each(jobs: Sequence[Callable[[], T]], indices: Sequence[int]) -> list[tuple[bool, object]]:
    """The jobs at ``indices``, each its value or the exception it raised (raised again when taken)."""
    done: list[tuple[bool, object]] = []
    for index in indices:
        try:
            done.append((True, jobs[index]()))
        except Exception as error:  # noqa: BLE001 - raised again when the job is taken
            done.append((False, error))
    return done


class Ahead(Generic[T]):
    """``jobs`` (functions of no arguments) run ahead of need by a forked worker, in ``order``:
    :meth:`take` returns a job's value, waiting for it only if the worker has not reached it
    yet, so the parent uses the first values while the worker makes the rest. A job asked for
    before the worker started its chunk is run by the parent, with the rest of that chunk: a
    parent that takes the last jobs first shares the end of the work with the worker. Without a
    worker (see :func:`forking_helps`), :meth:`take` runs the job itself. A job's exception is
    raised by :meth:`take` of that job; the other jobs still come."""

    CHUNK = 16
    """Jobs sent to the worker at a time: enough to make each round trip worth it, few enough
    that the first values come at once."""

    def __init__(self, jobs: Sequence[Callable[[], T]], order: Optional[Sequence[int]] = None):
        self.jobs = jobs
        self._chunks: dict[int, tuple[int, int]] = {}  # job -> (chunk, position in it)
        self._futures: list[concurrent.futures.Future] = []
        self._chunk_jobs: list[list[int]] = []  # chunk -> its jobs
        self._run_here: dict[int, list[tuple[bool, object]]] = {}  # chunk -> its results, made by the parent
        self._pool: Optional[concurrent.futures.ProcessPoolExecutor] = None
        if len(jobs) > 1 and forking_helps():
            order = list(range(len(jobs))) if order is None else list(order)
            self._pool = _fork_pool((jobs,))
            for start in range(0, len(order), self.CHUNK):
                chunk = order[start:start + self.CHUNK]
                for position, index in enumerate(chunk):
                    self._chunks[index] = (len(self._futures), position)
                self._chunk_jobs.append(chunk)
                self._futures.append(self._pool.submit(_run_jobs, chunk))

    @property
    def forked(self) -> bool:
        """Whether a worker runs the jobs."""
        return self._pool is not None

    def take(self, index: int) -> T:
        """Job ``index``'s value (each job's value is taken once)."""
        if index not in self._chunks:
            if self._pool is not None:
                raise KeyError(f"job {index} was already taken")
            return self.jobs[index]()
        chunk, position = self._chunks.pop(index)
        if chunk not in self._run_here and self._futures[chunk].cancel():  # the worker has not started it
            self._run_here[chunk] = _run_each(self.jobs, self._chunk_jobs[chunk])
        done = self._run_here[chunk] if chunk in self._run_here else self._futures[chunk].result()
        ok, value = done[position]
        if not ok:
            _raise_again(value)  # type: ignore[arg-type]
        return value  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the worker: jobs not started are dropped (a build that failed), and it ends after
        the jobs it is running."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._futures, self._chunks, self._chunk_jobs, self._run_here = [], {}, [], {}


def run_all(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Every job's value, in order; a forked worker runs every other job meanwhile when it can."""
    return split_map(_call, jobs)


def _call(job: Callable[[], T]) -> T:
    return job()


K = TypeVar("K", bound=Hashable)


class FileMemo:
    """What each file gave, by path and the hash of its bytes (and of whatever else the result
    depends on), kept across the rebuilds of one ``mkdocs serve``. Results must be pure functions
    of the key: a hit gives exactly what computing again would. ``computed`` counts real computations,
    ``pieces_made`` the pieces :func:`render_with_memo` made of files made of pieces."""

    def __init__(self) -> None:
        self._results: dict[Hashable, object] = {}
        self._used: set[Hashable] = set()
        self.computed = 0
        self.pieces_made = 0

    @staticmethod
    def digest(*parts: bytes | str) -> str:
        hasher = hashlib.blake2b(digest_size=16)
        for part in parts:
            hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
            hasher.update(b"\x00")
        return hasher.hexdigest()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._results

    def get(self, key: Hashable, compute: Callable[[], R]) -> R:
        """The result kept for ``key``, or ``compute()``'s, kept."""
        self._used.add(key)
        if key not in self._results:
            self.computed += 1
            self._results[key] = compute()
        return self._results[key]  # type: ignore[return-value]

    def kept(self, key: Hashable, default: R) -> R:
        """The result kept for ``key`` (kept on, as :meth:`get` keeps it), or ``default``."""
        if key in self._results:
            self._used.add(key)
            return self._results[key]  # type: ignore[return-value]
        return default

    def keep(self, key: Hashable, result: object) -> None:
        """Keep ``result`` for ``key``, in place of what was kept."""
        self._used.add(key)
        self._results[key] = result

    def forget_unused(self) -> None:
        """Drop what was not asked for since the last call (files that changed or went away), so the
        memo does not grow with every edit."""
        for key in [key for key in self._results if key not in self._used]:
            del self._results[key]
        self._used = set()


_template_code = None


def template_code():
    """The process's compiled templates, kept for its life in Jinja's bytecode cache: each build makes
    a new Jinja environment, and compiling the templates again would be most of a small rebuild's
    time. Jinja checks each entry against its template's source, so an edited template is compiled
    again. Made on first use: checking a knowledge base (``kbgen validate``) needs no Jinja."""
    global _template_code
    if _template_code is None:
        import jinja2

        class TemplateCode(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self._code: dict[str, bytes] = {}

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                if bucket.key in self._code:
                    bucket.bytecode_from_string(self._code[bucket.key])

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                self._code[bucket.key] = bucket.bytecode_to_string()

        _template_code = TemplateCode()
    return _template_code


def render_with_memo(files: Sequence, memo: FileMemo, context: str = "",
                     rendering: Callable[[Any], Callable[[], str]] = operator.attrgetter("render")) -> list[str]:
    """Each file's content, in order: the one kept in ``memo`` when the file's dependency record
    (what its ``inputs()`` gives) and ``context`` (the templates and options, the same for every file) are those
    of an earlier render, else what ``rendering(file)`` (its ``render``) returns, kept. A file without a
    record (``inputs`` None) is always rendered. What no file asked for is dropped (pages that went away).

    A file made of pieces (its ``pieces``, pairs of an item and the function making its piece, and
    ``join``, which makes its content of them: :class:`kbgen.exports.Assembled`) that must be
    rendered again makes again only the pieces whose record (``piece_inputs(item)``) is not one
    its last render had; its pieces are kept until its next render. ``rendering`` is then given the
    file (a dataclass) with a ``render`` that does so.

    The files to render are rendered as :func:`run_all` renders them: by a forked worker too on the
    first build of ``mkdocs serve``, before its server thread starts, and in this process after."""
    # A record is a tuple of strings: it is its own key (hashed and compared by the dict), not a digest of it.
    context_digest = memo.digest(context)
    keys = [None if file.inputs is None else _Key((file.path, context_digest, file.inputs())) for file in files]
    pieced = {position: ("pieces", file.path, context_digest) for position, file in enumerate(files)
              if keys[position] is not None and getattr(file, "pieces", None) is not None}
    missing = [position for position, key in enumerate(keys) if key is None or key not in memo]
    jobs = [rendering(dataclasses.replace(files[position], render=partial(
                _assemble, files[position], memo.kept(pieced[position], {}))))
            if position in pieced else rendering(files[position]) for position in missing]
    rendered = dict(zip(missing, run_all(jobs)))
    for position, key in pieced.items():
        if position in rendered:
            rendered[position], pieces, made = rendered[position]
            memo.keep(key, pieces)
            memo.pieces_made += made
        else:
            memo.kept(key, {})  # its pieces stay for its next render
    contents = [rendered[position] if key is None else memo.get(key, lambda: rendered[position])
                for position, key in enumerate(keys)]
    memo.forget_unused()
    return contents


class _Key:
    """A file's key in the memo, hashed once: Python hashes a tuple again, element by element, each
    time a dict or set is asked for it, and an index page's record has thousands of parts."""

    __slots__ = ("parts", "_hash")

    def __init__(self, parts: tuple) -> None:
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self._hash == other._hash and self.parts == other.parts


def _assemble(file: Any, earlier: dict) -> tuple[str, dict, int]:
    """``file``'s content made of its pieces, each taken from ``earlier`` (record -> piece) when its
    record is there; the pieces by record; how many were made."""
    pieces: dict = {}
    values = []
    made = 0
    for item, make in file.pieces:
        record = file.piece_inputs(item)
        value = pieces.get(record, earlier.get(record, _MISSING))
        if value is _MISSING:
            value = make()
            made += 1
        pieces[record] = value
        values.append(value)
    return file.join(values), pieces, made


_MISSING = object()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a knowledge base is built: loading makes a
    great many small, long-lived, acyclic objects (values, marks, models), which each full pass
    would rescan and none would free. Reference counting still frees what is dropped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was made meanwhile is all in the youngest generation, which the collector's next
        # pass would scan whole; it is long-lived, so it goes to the oldest generation unscanned
        # (frozen, then thawed into it), unless a caller keeps objects frozen we must not thaw.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def keep_for_good() -> None:
    """Everything alive now lives until the process ends (a one-off build's knowledge base):
    the collector stops rescanning it on the many passes that the rest of the build triggers.
    Not for a long-running process (``mkdocs serve``), whose rebuilds would each leave a frozen
    generation that is never collected."""
    gc.freeze()


class RebuildCollector:
    """The garbage collector across the rebuilds of a long-running process (``mkdocs serve``).

    What is alive when a rebuild begins (the knowledge base, the memos, the last build's files and
    pages) is mostly alive when it ends, yet a rebuild makes enough long-lived objects (MkDocs' files
    and pages, the dependency records) to set off full passes of the collector, each scanning all of
    it. So between :meth:`begins` and :meth:`ended` only the young generations are collected, as
    usual (what a page's rendering leaves behind), and full passes come far more rarely (a rebuild of
    every page still has some). Once the rebuild ended, one full collection runs when the process is
    idle (``idle_after`` seconds later, on a timer thread, so the pages the rebuild wrote are served
    first) and frees what the rebuild left behind, such as the last build's files and pages."""

    FULL_PASS_SPACING = 1000
    """During a rebuild, the passes of the middle generation between two full passes (Python's default: 10)."""

    def __init__(self, idle_after: float = 0.3) -> None:
        self.idle_after = idle_after
        self._timer: Optional[threading.Timer] = None
        self._thresholds: Optional[tuple[int, int, int]] = None

    def begins(self) -> None:
        self._cancel()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, full = self._thresholds
            gc.set_threshold(young, middle, max(full, self.FULL_PASS_SPACING))

    def ended(self) -> None:
        self._restore()
        if self._timer is None:
            self._timer = threading.Timer(self.idle_after, gc.collect)
            self._timer.daemon = True
            self._timer.start()

    def close(self) -> None:
        """The process ends: no collection is waited for."""
        self._cancel()
        self._restore()

    def _cancel(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join()  # a collection already running ends first

    def _restore(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
