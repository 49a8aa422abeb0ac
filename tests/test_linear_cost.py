"""Work linear in the input, for inputs written to make it grow faster: each adversarial knowledge
base is made at two sizes, one twice the other, and validation (and, where it is valid, rendering)
must take about twice as long (under 3x; quadratic work takes 4x). Times are compared within one
run, so the machine's speed
cancels; each is the best of five, the sizes timed in turn, after a first run that warms the caches."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from kbgen.pipeline import check_knowledge_base, render_site

MAX_RATIO = 3.0
"""Twice the input, at most this many times the time: quadratic work shows 4x; linear work measures
2.0-2.3x here, and the rest is room for a shared machine's noise."""

SOURCE = 'title: A Fictional Report\npublished: "2025"\n'


def actor(index: int) -> str:
    return f"name: Actor {index}\nkind: state\nsummary: A fictional state.\n"


def event(date: str, part_of: str | None = None, participant: str = "actor-0") -> str:
    return (f'title: Event\ndate: "{date}"\nkind: war\nsummary: A fictional war.\n'
            f"participants:\n  - actor: {participant}\n    role: participant\n"
            + (f"part_of: {part_of}\n" if part_of else ""))


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def unknown_ids(n: int) -> dict[str, str]:
    """n actors, and one recommendation per 100 actors naming 100 ids that are none of theirs."""
    files = {f"entities/actors/actor-{i}.yml": actor(i) for i in range(n)}
    for r in range(n // 100):
        concerns = "".join(f"  - actor-{i}x\n" for i in range(r * 100, r * 100 + 100))
        files[f"entities/recommendations/rec-{r}.yml"] = (
            f"title: Recommendation\naddressee: actor-0\nsummary: A fictional recommendation.\nconcerns:\n{concerns}")
    return files


def graph_edges(n: int) -> dict[str, str]:
    """100 actors and 100 recommendations (few enough entries for the whole-site drawing), each
    recommendation naming n/100 actors: n links and more, the whole-site graph's layout grows with them."""
    files = {f"entities/actors/actor-{i}.yml": actor(i) for i in range(100)}
    for r in range(100):
        concerns = "".join(f"  - actor-{(r + k) % 100}\n" for k in range(1, n // 100 + 1))
        files[f"entities/recommendations/rec-{r}.yml"] = (
            f"title: Recommendation {r}\naddressee: actor-{r}\nsummary: A fictional recommendation.\nconcerns:\n{concerns}")
    return files


def edtf_forms(n: int) -> dict[str, str]:
    """n events whose dates the fast path leaves to the edtf library (open and unknown ends)."""
    files = {"entities/actors/actor-0.yml": actor(0)}
    forms = ["2024-03/..", "../2024-03", "/2025-06~", "2011?/", "2024-03-01/.."]
    for i in range(n):
        files[f"entities/events/event-{i}.yml"] = event(forms[i % len(forms)])
    return files


def part_of_cycle(n: int) -> dict[str, str]:
    """One chain of n events, each part of the next, the last part of the first."""
    files = {"entities/actors/actor-0.yml": actor(0)}
    for i in range(n):
        files[f"entities/events/event-{i}.yml"] = event("2024", part_of=f"event-{(i + 1) % n}")
    return files


def deep_nesting(n: int) -> dict[str, str]:
    """n actors whose summaries nest quotes 1,000 levels deep, and n files of YAML nested 500 levels."""
    files = {f"entities/actors/actor-{i}.yml": f'name: A\nkind: state\nsummary: "{"> " * 1000}x"\n' for i in range(n)}
    files.update({f"entities/events/event-{i}.yml": "title: " + "[" * 500 + "]" * 500 + "\n" for i in range(n)})
    return files


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def stages(tmp_path: Path, make, n: int, render: bool) -> list:
    """The stages to time for the knowledge base ``make(n)``: validation, and rendering when it is valid."""
    root = write(tmp_path / f"kb-{n}", {"entities/sources/report.yml": SOURCE, **make(n)})
    kb, problems = check_knowledge_base(root)  # also warms the caches
    if not render:
        assert problems, "an adversarial knowledge base that is invalid must be reported"
        return [lambda: check_knowledge_base(root)]
    assert problems == [], problems[:3]
    return [lambda: check_knowledge_base(root), lambda: render_site(kb)]


@pytest.fixture
def one_process_collector_set_aside(monkeypatch):
    # In one process: a forked worker's start and hand-back cost the same at both sizes, and would
    # make the ratio depend on the machine's load rather than on the work.
    monkeypatch.setenv("KBGEN_PROCESSES", "1")
    # What earlier tests left in this process is set aside from the garbage collector: its passes
    # would scan it, and the larger input, which triggers more passes, would pay more for it.
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def assert_about_twice(stage: str, run_small, run_large, n: int) -> None:
    """``run_large`` (of twice the input of ``run_small``, of size ``n``) takes at most MAX_RATIO times as long.
    The two sizes in turn, the best of five of each: a change in the machine's load meets both."""
    a, b = float("inf"), float("inf")
    for _ in range(5):
        a, b = min(a, timed(run_small)), min(b, timed(run_large))
    assert b / a <= MAX_RATIO, f"{stage}: {a:.3f} s at {n}, {b:.3f} s at {2 * n} (x{b / a:.2f})"


@pytest.mark.parametrize("make, n, render", [
    (unknown_ids, 500, False),
    (graph_edges, 1_200, True),
    (edtf_forms, 30, True),
    (part_of_cycle, 1_000, False),
    (deep_nesting, 200, False),
], ids=["unknown ids", "graph edges", "EDTF forms", "part_of cycle", "nesting"])
def test_twice_the_input_takes_at_most_about_twice_the_time(make, n, render, tmp_path, one_process_collector_set_aside):
    small, large = stages(tmp_path, make, n, render), stages(tmp_path, make, 2 * n, render)
    for stage, run_small, run_large in zip(("validate", "render"), small, large):
        assert_about_twice(stage, run_small, run_large, n)


def test_a_rebuild_with_its_history_read_again_is_linear_in_a_large_commit(tmp_path, one_process_collector_set_aside):
    """Under ``mkdocs serve`` the history is read again after a commit or a retitling: a rebuild
    then compares it with the last build's, which for one commit of every file must not compare
    that commit's files once per file (the knowledge base's first commit, say)."""
    from history_repo import git
    from kbgen.history.timeline import read_history
    from kbgen.runtime import FileMemo

    def rebuild_of(n: int):
        root = write(tmp_path / f"repo-{n}", {"entities/sources/report.yml": SOURCE,
                                              **{f"entities/actors/actor-{i}.yml": actor(i) for i in range(n)}})
        git(root, "init", "--quiet", "--initial-branch=main")
        git(root, "add", "-A")
        git(root, "commit", "--quiet", "-m", "Start the knowledge base")
        kb, problems = check_knowledge_base(root)
        assert problems == [], problems[:3]
        pages = FileMemo()
        render_site(kb, pages=pages, history=read_history(root, kb))
        # Each rebuild with the history read again: equal to the last build's, another object.
        return lambda: render_site(kb, pages=pages, history=read_history(root, kb))

    assert_about_twice("rebuild", rebuild_of(800), rebuild_of(1600), 800)
