"""Work done in a forked child process while the parent does its own share.

Three shapes: :func:`start` runs one piece of work and returns its result whole;
:class:`Stream` renders a list of items in the child and hands each to the parent
as soon as it is asked for, so the parent can begin using the first ones while the
child renders the rest (``mkdocs build`` converts pages while the child renders them);
:class:`Sink` takes items from the parent as it produces them and returns one result
at the end (Material's search index, built from the pages ``mkdocs build`` writes).

MkDocs and Python use one core; on a machine with two, a forked child does part
of the work at the same time. Forking copies the parent's memory (the linked
knowledge base, the Jinja environment) without pickling any of it; only what the
child makes comes back, pickled through a pipe. Used only where the process runs no
other threads (``mkdocs build``, ``kbgen validate``, ``kbgen generate``), since
forking a threaded process (``mkdocs serve``'s server) is unsafe.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import select
import signal
import struct
import threading
import traceback
from collections import deque
from typing import Callable, Optional, Sequence, TypeVar

T = TypeVar("T")


def available() -> bool:
    """Whether forking can help here: the platform forks and there is a second core."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def single_threaded() -> bool:
    """Whether no thread but this one runs: a lock another thread holds at the fork stays
    held forever in the child. Checked at the fork, for callers that cannot know (a plain
    function called from a command line or from a test that serves a site)."""
    return threading.active_count() == 1


def start(work: Callable[[], T]) -> Callable[[], T]:
    """Run ``work`` in a forked child; the returned function waits for its result.

    An exception in the child is raised again in the parent, with the child's traceback."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        os.close(read)
        _child(lambda: _write_all(write, _outcome(work)))
    os.close(write)
    return lambda: _result(read, pid)


def _outcome(work: Callable[[], object]) -> bytes:
    """``work``'s value, or the failure it raised with its traceback, pickled for the parent."""
    try:
        return pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        return pickle.dumps((False, f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))


def _value(outcome) -> object:
    """The value of an :func:`_outcome`, or the child's failure raised again in the parent."""
    ok, value = pickle.loads(outcome)
    if not ok:
        raise RuntimeError(f"kbgen: work in a forked process failed: {value}")
    return value


def _result(pipe: int, pid: int) -> object:
    """Read the child's one outcome to the end of ``pipe``, reap the child, return the value."""
    with os.fdopen(pipe, "rb") as reader:
        outcome = reader.read()
    os.waitpid(pid, 0)
    if not outcome:
        raise RuntimeError("kbgen: a forked process ended without a result")
    return _value(outcome)


def _write_all(pipe: int, data: bytes) -> None:
    with os.fdopen(pipe, "wb") as writer:
        writer.write(data)


def _child(work: Callable[[], None]) -> None:
    """End a forked child after ``work``: it never returns into the parent's code, runs no atexit
    handlers and does not flush the parent's buffers a second time. A failure here (the parent
    stopped listening: a failed build) just ends it."""
    status = 0
    try:
        work()
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _stop(pid: int) -> None:
    """End a child that may still be working (a build that failed) and reap it; one already done is reaped."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


_FRAME = struct.Struct(">QQ")  # each streamed item: its index and its outcome's length, then the outcome
# Linux lets an unprivileged pipe hold 1 MiB (fs.pipe-max-size): a writer runs that far ahead
# of its reader instead of 64 KiB.
_PIPE_BYTES = 1 << 20


def _large_pipe() -> tuple[int, int]:
    read, write = os.pipe()
    try:
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or a lower limit: the default size works, slower
        pass
    return read, write


class Stream:
    """``items`` rendered in a forked child, in ``order``; :meth:`get` waits for the one asked for.

    Each item is a function of no arguments. The parent never blocks the child for long: every
    :meth:`get` first takes in all the child has sent so far, so the child renders ahead at its
    own pace (it is the parent that waits, and only for items not rendered yet). An exception in
    the child is raised again in the parent, with the child's traceback.
    """

    def __init__(self, items: Sequence[Callable[[], T]], order: Sequence[int]):
        read, write = _large_pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _child(lambda: _send_all(items, order, write))
        os.close(write)
        os.set_blocking(read, False)
        self._pid, self._pipe = pid, read
        self._received: dict[int, bytes] = {}  # index -> outcome, unpickled when asked for
        self._unread = bytearray()
        self._ended = False

    def get(self, index: int) -> T:
        """The rendered item ``index`` (each item can be taken once)."""
        self._take_in(wait=False)
        while index not in self._received:
            if self._ended:
                raise RuntimeError(f"kbgen: the forked renderer ended without item {index}")
            self._take_in(wait=True)
        return _value(self._received.pop(index))

    def close(self) -> None:
        """Stop the child if it is still running (a build that failed) and reap it."""
        if self._pipe is None:
            return
        os.close(self._pipe)
        self._pipe = None
        _stop(self._pid)

    def _take_in(self, wait: bool) -> None:
        """Read what the pipe holds (waiting for something first if ``wait``) and keep whole frames."""
        if wait:
            select.select([self._pipe], [], [])
        while True:
            try:
                chunk = os.read(self._pipe, _PIPE_BYTES)
            except BlockingIOError:
                break
            if not chunk:
                self._ended = True
                break
            self._unread += chunk
        start = 0
        while len(self._unread) - start >= _FRAME.size:
            index, size = _FRAME.unpack_from(self._unread, start)
            end = start + _FRAME.size + size
            if end > len(self._unread):
                break
            self._received[index] = bytes(self._unread[start + _FRAME.size:end])
            start = end
        del self._unread[:start]


def _send_all(items: Sequence[Callable[[], object]], order: Sequence[int], pipe: int) -> None:
    with os.fdopen(pipe, "wb") as out:
        for index in order:
            outcome = _outcome(items[index])
            out.write(_FRAME.pack(index, len(outcome)))
            out.write(outcome)
            out.flush()  # the parent may be waiting for this very item


class Sink:
    """A forked child that takes items from the parent one by one and, once they have all
    been sent, returns one result: the parent goes on with its own work while the child
    does something with each item.

    ``take`` runs in the child for each item; ``finish`` there after the last one, and its
    value is what :meth:`result` returns. An exception in the child is raised again in the
    parent (by :meth:`send` or :meth:`result`), with the child's traceback.

    :meth:`send` never waits for the child: what the pipe cannot take yet is kept and
    written on later calls, so a child that falls behind costs the parent memory, not time.
    With ``background``, the child runs at a lower priority: its result is wanted only at the
    end, and meanwhile the parent (and any other child it waits for) comes first for the cores.
    """

    def __init__(self, take: Callable[[object], None], finish: Callable[[], T], *, background: bool = False):
        items_read, items_write = _large_pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(items_write)
            os.close(result_read)
            if background:
                os.nice(10)
            _child(lambda: _write_all(result_write, _outcome(lambda: _take_all(take, finish, items_read))))
        os.close(items_read)
        os.close(result_write)
        os.set_blocking(items_write, False)
        self._pid = pid
        self._items: Optional[int] = items_write
        self._unsent: deque[memoryview] = deque()
        self._result = result_read

    def send(self, item: object) -> None:
        self._unsent.append(memoryview(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)))
        self._write(wait=False)

    def result(self) -> T:
        """Wait for the child to finish the items sent and return its result."""
        self._write(wait=True)
        os.close(self._items)
        self._items = None
        return _result(self._result, self._pid)

    def close(self) -> None:
        """Stop the child without waiting for a result (a build that failed)."""
        if self._items is None:
            return
        os.close(self._result)
        os.close(self._items)
        self._items = None
        _stop(self._pid)

    def _write(self, wait: bool) -> None:
        """Write what is unsent while the pipe takes it; with ``wait``, all of it."""
        while self._unsent:
            try:
                written = os.write(self._items, self._unsent[0])
            except BlockingIOError:
                if not wait:
                    return
                select.select([], [self._items], [])
                continue
            except BrokenPipeError:  # the child stopped taking items: it failed, and says why
                self._unsent.clear()
                os.close(self._items)
                self._items = None
                _result(self._result, self._pid)
                raise
            if written == len(self._unsent[0]):
                self._unsent.popleft()
            else:
                self._unsent[0] = self._unsent[0][written:]


def _take_all(take: Callable[[object], None], finish: Callable[[], T], items: int) -> T:
    with os.fdopen(items, "rb", buffering=_PIPE_BYTES) as pipe:
        while True:
            try:
                item = pickle.load(pipe)
            except EOFError:
                return finish()
            take(item)
