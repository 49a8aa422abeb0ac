"""Work done in a forked child process while the parent does its own share.

Page generation is a third of a big build's kbgen work, and MkDocs uses one core:
on a machine with two, a forked child renders part of the pages at the same time.
Forking copies the parent's memory (the linked knowledge base, the Jinja
environment) without pickling any of it; only the child's result comes back,
pickled through a pipe. Used only where the process runs no other threads
(``mkdocs build``, ``kbgen generate``), since forking a threaded process (``mkdocs
serve``'s server) is unsafe.
"""

from __future__ import annotations

import os
import pickle
import threading
import traceback
from typing import Callable, TypeVar

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
        status = 0
        try:
            os.close(read)
            try:
                payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
                payload = pickle.dumps((False, f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers twice
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        if not payload:
            raise RuntimeError("kbgen: the forked page renderer ended without a result")
        ok, value = pickle.loads(payload)
        if not ok:
            raise RuntimeError(f"kbgen: rendering in the forked process failed: {value}")
        return value

    return result
