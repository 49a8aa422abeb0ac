"""`kbgen validate` in two processes (per-file checks in pipeline, quotes in graph): the same result as one process."""

import pickle
import threading
from pathlib import Path

import pytest
import yaml

from conftest import REPO, make_knowledge_base
from kbgen import fork, load, pipeline
from kbgen.load import load_entities
from kbgen.pipeline import check_knowledge_base

CASES = sorted((Path(__file__).parent / "cases").glob("*.yml"))


def _count_forks(monkeypatch) -> list:
    made = []
    real_start = fork.start

    def counted_start(work):
        made.append(work)
        return real_start(work)

    monkeypatch.setattr(fork, "start", counted_start)
    return made


@pytest.fixture
def forks(monkeypatch) -> list:
    """Records each fork made, so a test knows the two-process path ran. Tests before may leave
    idle server threads in this process (conftest.serve_directory), which turn forking off;
    the children forked here take no lock such a thread could hold, so it is allowed."""
    monkeypatch.setattr(fork, "single_threaded", lambda: True)
    return _count_forks(monkeypatch)


def _same_result(root: Path) -> list:
    """Checks ``root`` both ways, asserts the results are equal, and returns the problems."""
    single_kb, single_problems = check_knowledge_base(root)
    forked_kb, forked_problems = check_knowledge_base(root, fork=True)
    assert forked_problems == single_problems
    assert forked_kb.entities == single_kb.entities
    assert [list(group) for group in forked_kb.entities.values()] == [list(group) for group in single_kb.entities.values()]
    assert forked_kb.referenced_by == single_kb.referenced_by
    assert (forked_kb.tags, forked_kb.paths, forked_kb.archives) == (single_kb.tags, single_kb.paths, single_kb.archives)
    return single_problems


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_every_error_case_gives_the_same_problems_in_two_processes(case_file, tmp_path, forks):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root = make_knowledge_base(tmp_path / "kb", case.get("files"), case.get("remove"), case.get("binary"))
    assert _same_result(root)
    assert fork.available() and len(forks) == 2  # CI and this machine have two cores: files, then quotes


def test_problems_found_after_loading_are_located_in_the_childs_files(tmp_path, forks):
    """Unknown ids, unfound quotes and placeholders in many files, so both processes have some:
    the child's documents come back without their marks, which are parsed again for a problem's line."""
    files = {}
    for n in range(12):
        files[f"entities/actors/extra-{n:02d}.yml"] = (
            f"name: Extra {n}\nkind: state\nsummary: An extra actor.\n"
            f"relations:\n  - type: allied-with\n    actor: nowhere-{n}\n"
            f"citations:\n  - source: field-report\n    quote: words the report never says {n}\n"
            + ("tags: [no-such-tag]\n" if n % 3 == 0 else "")
            + ("former_ids: [northland]\n" if n == 5 else ""))
        files[f"entities/events/extra-{n:02d}.yml"] = (
            f'title: "FILL IN: the event\'s title"\ndate: "2025-06"\nkind: war\nsummary: An event.\n'
            f"participants:\n  - actor: extra-{n:02d}\n    role: participant\n")
    root = make_knowledge_base(tmp_path / "kb", files)
    problems = _same_result(root)
    child_paths = {entry.path for i, entry in enumerate(load.find_files(root).yaml) if pipeline._for_child(i)}
    located_in_child = [p for p in problems if p.path in child_paths and p.line > 1]
    assert len(located_in_child) >= 12 and len(forks) == 2
    assert len([p for p in problems if p.message.startswith("quote not found")]) == 12  # found by the quotes' child


def test_the_repository_knowledge_base_is_the_same_in_two_processes(forks):
    assert _same_result(REPO) == []
    assert len(forks) == 2


def test_a_document_sent_as_its_text_gives_the_same_data_and_lines():
    for doc in load_entities(REPO).documents:
        light = pickle.loads(pickle.dumps(doc.without_parse()))
        for loc in list(doc.value_marks) + [("no-such-field",), ("citations", 99, "quote")]:
            assert light.locate(loc) == doc.locate(loc)
        for loc in doc.key_marks:
            assert light.locate(loc, key=True) == doc.locate(loc, key=True)
        assert light == doc
    sent = pickle.loads(pickle.dumps(doc.without_parse()))
    assert not {"data", "value_marks", "key_marks"} & vars(sent).keys()  # the parse stayed behind
    assert sent.data == doc.data and "value_marks" not in vars(sent)  # data alone is parsed without marks
    assert sent.locate(("title",)) == doc.locate(("title",)) and set(vars(sent)) >= {"value_marks", "key_marks"}


# Reading order: tags.yml, then actors/northland, river-brigade, southland, events/border-post-attack,
# border-war, recommendations/resume-talks, sources/field-report; the child checks every second one.
@pytest.mark.parametrize("failing", [
    ("entities/actors/northland.yml", "entities/recommendations/resume-talks.yml"),  # the child's first
    ("entities/actors/river-brigade.yml", "entities/sources/field-report.yml"),  # the parent's first
    ("entities/events/border-war.yml",),
], ids=["child-first", "parent-first", "child-only"])
def test_an_error_reading_a_file_is_raised_as_in_one_process(failing, tmp_path, monkeypatch, forks):
    """An error that stops a run (an unreadable file) is raised in the parent whichever process
    met it; with two failing files, the first in reading order, as one process would."""
    root = make_knowledge_base(tmp_path / "kb")
    read_bytes = load._read_bytes

    def refusing(file, path):
        if path in failing:
            raise PermissionError(13, "Permission denied", str(file))
        return read_bytes(file, path)

    monkeypatch.setattr(load, "_read_bytes", refusing)
    with pytest.raises(PermissionError) as single:
        check_knowledge_base(root)
    with pytest.raises(PermissionError) as forked:
        check_knowledge_base(root, fork=True)
    assert str(forked.value) == str(single.value) and failing[0] in str(single.value)
    assert len(forks) == 1  # no linking after an error that stops the run


def test_no_fork_while_another_thread_runs(monkeypatch):
    forks = _count_forks(monkeypatch)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        kb, problems = check_knowledge_base(REPO, fork=True)
    finally:
        stop.set()
        thread.join()
    assert forks == [] and not problems
    assert kb.entities == check_knowledge_base(REPO)[0].entities
