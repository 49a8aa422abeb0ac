"""Page generation split over two processes (kbgen.fork): the same files, and failures surface."""

import pytest

from conftest import REPO, VALID
from kbgen import exports, fork, render
from kbgen.pipeline import read_knowledge_base


@pytest.mark.parametrize("root", [VALID, REPO], ids=["fixture", "repository"])
def test_forked_rendering_gives_the_same_files_in_the_same_order(root):
    kb = read_knowledge_base(root)
    assert fork.available()  # CI and this machine have two cores: the forked path is the one tested
    assert render.render_site(kb, fork=True) == render.render_site(kb)


def test_a_failure_in_the_forked_child_is_raised_in_the_parent(monkeypatch):
    import os

    parent = os.getpid()
    render_json = exports.entity_json

    def broken_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise ValueError("the exports broke")
        return render_json(*args, **kwargs)

    monkeypatch.setattr(exports, "entity_json", broken_in_the_child)
    with pytest.raises(RuntimeError, match="ValueError: the exports broke"):
        render.render_site(read_knowledge_base(VALID), fork=True)


def test_work_runs_in_another_process_and_its_result_comes_back():
    import os

    result = fork.start(lambda: (os.getpid(), {"pages": ["a", "b"]}))
    child_pid, value = result()
    assert child_pid != os.getpid() and value == {"pages": ["a", "b"]}
