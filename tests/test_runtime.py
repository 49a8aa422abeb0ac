"""How the stages run (kbgen.runtime): work spread over a forked worker gives exactly what one process
gives, failures surface where one process would raise them, and no worker is left behind."""

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import BIN, REPO, VALID, docs_copy, make_knowledge_base, site_config
from kbgen import runtime

CASES = sorted((Path(__file__).parent / "cases").glob("*.yml"))
needs_fork = pytest.mark.skipif(not (hasattr(os, "fork") and (os.cpu_count() or 1) > 1),
                                reason="forking needs os.fork and a second core")


@pytest.fixture
def alone():
    """This test process without the idle threads earlier tests may leave (a served site's
    request threads): forking is off while another thread runs."""
    deadline = time.monotonic() + 10
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runtime.forking_helps(), "another thread still runs in the test process"


@needs_fork
def test_split_map_gives_what_one_process_gives_with_part_done_in_a_worker(alone):
    parent = os.getpid()
    results = runtime.split_map(lambda n: (n * n, os.getpid()), list(range(200)))
    assert [value for value, _ in results] == [n * n for n in range(200)]
    workers = {pid for _, pid in results} - {parent}
    assert len(workers) == 1 and 60 <= sum(pid != parent for _, pid in results) <= 100
    assert multiprocessing.active_children() == []  # the worker has ended


@needs_fork
@pytest.mark.parametrize("failing", [(3, 50), (4, 51), (50,)], ids=["worker's first", "parent's first", "worker only"])
def test_split_map_raises_the_first_failure_by_position_as_one_process_would(alone, failing):
    def work(n):
        if n in failing:
            raise PermissionError(13, "Permission denied", f"file-{n}")
        return n

    with pytest.raises(PermissionError, match=f"file-{failing[0]}'$"):
        runtime.split_map(work, list(range(100)))
    os.environ[runtime.ONE_PROCESS] = "1"
    try:
        with pytest.raises(PermissionError, match=f"file-{failing[0]}'$"):
            runtime.split_map(work, list(range(100)))
    finally:
        del os.environ[runtime.ONE_PROCESS]


def test_no_worker_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not runtime.forking_helps()
        assert {pid for pid in runtime.split_map(lambda _: os.getpid(), list(range(50)))} == {os.getpid()}
        ahead = runtime.Ahead([lambda: os.getpid()] * 3)
        assert not ahead.forked and ahead.take(2) == os.getpid()
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_ahead_hands_over_each_value_in_any_order_while_the_worker_makes_them(alone):
    parent = os.getpid()
    jobs = [lambda i=i: (i, os.getpid(), "x" * (i * 40_000)) for i in range(60)]  # ~70 MB in all
    ahead = runtime.Ahead(jobs, order=list(reversed(range(60))))
    try:
        assert ahead.forked
        assert ahead.take(59)[1] != parent  # the first the worker makes
        for i in [0, 30, *range(1, 30), *range(31, 59)]:
            index, pid, text = ahead.take(i)
            assert index == i and len(text) == i * 40_000
        with pytest.raises(KeyError, match="already taken"):
            ahead.take(59)
    finally:
        ahead.close()
    assert multiprocessing.active_children() == []


@needs_fork
def test_the_parent_runs_the_jobs_the_worker_has_not_started_when_it_asks_for_them(alone):
    parent = os.getpid()
    jobs = [lambda: (time.sleep(0.05), os.getpid())[1]] * (6 * runtime.Ahead.CHUNK)  # six chunks, 0.8 s each
    ahead = runtime.Ahead(jobs)
    try:
        # The worker's first chunk; meanwhile the next ones were queued for it, but not the last.
        assert ahead.take(0) != parent
        last = len(jobs) - 1
        assert ahead.take(last) == parent and ahead.take(last - 1) == parent
        rest = [ahead.take(i) for i in range(1, last - 1)]
        assert parent not in rest[:runtime.Ahead.CHUNK - 1]
    finally:
        ahead.close()
    assert multiprocessing.active_children() == []


@needs_fork
def test_a_failing_job_is_raised_when_taken_with_the_workers_traceback_and_the_others_still_come(alone):
    def broken():
        raise ValueError("template broke")

    ahead = runtime.Ahead([lambda: "fine", broken, lambda: "after"])
    try:
        assert ahead.take(0) == "fine"
        with pytest.raises(ValueError, match="template broke") as raised:
            ahead.take(1)
        assert isinstance(raised.value.__cause__, runtime.WorkerTraceback)
        assert "in broken" in str(raised.value.__cause__)
        assert ahead.take(2) == "after"
    finally:
        ahead.close()


@needs_fork
def test_closing_before_every_value_is_taken_stops_the_worker(alone):
    ahead = runtime.Ahead([lambda: time.sleep(0.2)] * 200)  # a build that failed early
    started = time.monotonic()
    ahead.close()
    assert time.monotonic() - started < 10  # the jobs not started are dropped
    assert multiprocessing.active_children() == []


def test_a_memo_gives_back_what_was_computed_and_forgets_what_was_not_asked_for():
    memo, calls = runtime.FileMemo(), []
    compute = lambda key: lambda: calls.append(key) or key.upper()  # noqa: E731
    assert memo.get("a", compute("a")) == "A" and memo.get("a", compute("a")) == "A" and calls == ["a"]
    memo.forget_unused()
    memo.get("b", compute("b"))
    memo.forget_unused()  # "a" was not asked for since the last call
    assert memo.get("a", compute("a")) == "A" and calls == ["a", "b", "a"] and memo.computed == 3
    assert memo.digest(b"x", "y") == memo.digest(b"x", b"y") != memo.digest(b"xy")


# In a fresh process: the collector's schedule depends on everything the process made and froze before.
REBUILD_COLLECTION = r"""
import gc, sys, time, weakref
from kbgen import runtime

class Node:  # a cyclic object the collector alone can free (reference counting cannot)
    def __init__(self):
        self.itself = self

def full_passes_during(work):
    passes = []
    def count(phase, info):
        if phase == "start" and info["generation"] == 2:
            passes.append(1)
    gc.callbacks.append(count)
    try:
        work()
    finally:
        gc.callbacks.remove(count)
    return len(passes)

collector = runtime.RebuildCollector(idle_after=0.05)
thresholds = gc.get_threshold()
# As many new long-lived objects as set off full passes on Python's schedule (a quarter more than
# lived through the last one): what a rebuild's new files and pages are to the rest.
count = len(gc.get_objects()) + 200_000
made = []
gc.collect()
before = full_passes_during(lambda: made.append([[] for _ in range(count)]))
made.clear()
left = Node()
gone = weakref.ref(left)
gc.collect()  # it lived through a full pass, as the last build's pages have when an edit comes
collector.begins()
during = full_passes_during(lambda: made.append([[] for _ in range(count)]))
del left  # the rebuild replaces it: now garbage that only a full pass finds
collector.ended()
restored = gc.get_threshold() == thresholds
deadline = time.monotonic() + 10
while gone() is not None and time.monotonic() < deadline:
    time.sleep(0.02)
collector.close()
print(before, during, restored, gone() is None)
"""


def test_a_rebuild_makes_many_long_lived_objects_without_a_full_collection_and_one_frees_its_garbage_once_idle():
    result = subprocess.run([sys.executable, "-c", REBUILD_COLLECTION], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    before, during, restored, freed = result.stdout.split()
    assert int(before) > 0  # Python's own schedule: full passes
    assert int(during) == 0, "a full pass ran during the rebuild"
    assert restored == "True", "the collector's schedule was not restored when the rebuild ended"
    assert freed == "True", "no full collection ran once the rebuild ended"


# Every error case and the repository, checked in a fresh process (no idle threads of other tests)
# both ways: in one process (KBGEN_PROCESSES=1) and with a worker.
SAME_BOTH_WAYS = r"""
import json, os, sys
from kbgen import runtime
from kbgen.pipeline import check_knowledge_base

def check(root):
    kb, problems = check_knowledge_base(root)
    return [str(p) for p in problems], {t: list(e) for t, e in kb.entities.items()}, \
        sorted((k, sorted((b.entity.type, b.entity.id, b.label) for b in v)) for k, v in kb.referenced_by.items())

different = []
for root in sys.argv[1:]:
    assert runtime.forking_helps()
    forked = check(root)
    os.environ[runtime.ONE_PROCESS] = "1"
    alone = check(root)
    del os.environ[runtime.ONE_PROCESS]
    if json.dumps(forked) != json.dumps(alone):
        different.append(root)
print(json.dumps(different))
"""


@needs_fork
def test_every_error_case_and_the_repository_give_the_same_result_with_a_worker_and_in_one_process(tmp_path):
    roots = [str(REPO)]
    for case_file in CASES:
        case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        roots.append(str(make_knowledge_base(tmp_path / case_file.stem, case.get("files"), case.get("remove"),
                                             case.get("binary"))))
    result = subprocess.run([str(BIN / "python"), "-c", SAME_BOTH_WAYS, *roots], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def _site_files(site):
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@needs_fork
def test_a_build_with_pages_rendered_by_a_worker_writes_the_same_site_as_one_process(tmp_path):
    config_file = tmp_path / "mkdocs.yml"
    config = site_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    sites, logs = {}, {}
    for name, processes in (("worker", {}), ("one process", {runtime.ONE_PROCESS: "1"})):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1752192000", **processes}
        result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--verbose", "-f", str(config_file),
                                 "--site-dir", str(tmp_path / name)], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        sites[name], logs[name] = _site_files(tmp_path / name), result.stderr
    assert "generated files in a worker process" in logs["worker"]
    assert "generated files in a worker process" not in logs["one process"]
    assert "actors/river-brigade/index.html" in sites["worker"] and "data/kb.stix.json" in sites["worker"]
    assert sorted(sites["worker"]) == sorted(sites["one process"])
    assert [path for path in sites["worker"] if sites["worker"][path] != sites["one process"][path]] == []


# As on Windows: no fcntl module, no os.fork. kbgen must import and run the same stages in one process.
WITHOUT_FORK = r"""
import os, sys
sys.modules["fcntl"] = None  # importing it now raises ImportError, as on Windows
del os.fork
command = sys.argv.pop(1)
if command == "kbgen":
    from kbgen.cli import main
    sys.exit(main())
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
sys.exit(cli())
"""


def test_kbgen_runs_where_there_is_no_fork_and_no_fcntl(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1752192000"}

    def run(*args):
        result = subprocess.run([str(BIN / "python"), "-c", WITHOUT_FORK, *args], cwd=tmp_path,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    assert "knowledge base is valid" in run("kbgen", "validate", "--root", str(REPO)).stderr
    run("kbgen", "generate", "--root", str(VALID), "--out", str(tmp_path / "generated"))
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(site_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")), encoding="utf-8")
    run("mkdocs", "build", "--strict", "-f", str(config_file))
    normal = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config_file), "--site-dir",
                             str(tmp_path / "normal")], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert normal.returncode == 0, normal.stderr
    assert _site_files(tmp_path / "site") == _site_files(tmp_path / "normal")
    generated = {p.relative_to(tmp_path / "generated").as_posix() for p in (tmp_path / "generated").rglob("*") if p.is_file()}
    assert "actors/river-brigade.md" in generated and "data/kb.json" in generated
