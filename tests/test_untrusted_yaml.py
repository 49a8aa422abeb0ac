"""Untrusted YAML and files: no code runs, nothing outside entities/ is read, every value is the editor's text.

One-message error cases live in tests/cases/; these tests cover what a case file
cannot express: memory bounds, code that must not run, symlinks, FIFOs, exact values.
"""

import json
import os
import tracemalloc

import pytest

from conftest import REPO, kbgen, make_knowledge_base
from kbgen.source import read_documents
from kbgen.source.files import MAX_FILE_BYTES
from kbgen.source.parse import parse_yaml
from kbgen.pipeline import check_knowledge_base
from kbgen.exports import knowledge_base_json

ACTOR = "entities/actors/southland.yml"


def published(root, folder, id_):
    kb, problems = check_knowledge_base(root)
    assert problems == []
    data = json.loads(knowledge_base_json(kb))
    return next(e for e in data["entities"][folder] if e["id"] == id_)


# -- YAML 1.1 surprises: plain scalars stay exactly the text the editor wrote ---------------

SURPRISES = ["no", "NO", "No", "off", "on", "yes", "y", "n", "1e3", "12:30", "2025-06-22", "0x1F", "010", "0o17",
             ".inf", "-.inf", ".nan", "+1", "1_000", "0.5", "2011", "=", "<<"]


def test_yaml_11_surprises_stay_the_editors_text(tmp_path):
    aliases = "".join(f"  - {s}\n" for s in SURPRISES)
    root = make_knowledge_base(tmp_path / "kb", {
        ACTOR: f"name: NO\nkind: state\nsummary: Norway's ISO code.\naliases:\n{aliases}",
        "entities/events/border-post-attack.yml": (
            "title: 12:30\ndate: 2025-06-22\nkind: attack\nsummary: on\nlocation: 2025-06-22\n"
            "participants:\n  - actor: northland\n    role: initiator\n    note: off\n"
            "citations:\n  - source: field-report\n    locator: 1e3\n"),
    })
    actor = published(root, "actors", "southland")
    assert actor["name"] == "NO"
    assert actor["aliases"] == SURPRISES
    event = published(root, "events", "border-post-attack")
    assert (event["title"], event["date"], event["summary"], event["location"]) == ("12:30", "2025-06-22", "on", "2025-06-22")
    assert event["participants"][0]["note"] == "off"
    assert event["citations"][0]["locator"] == "1e3"


def test_a_byte_order_mark_is_not_part_of_the_first_key(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {ACTOR: "\ufeffname: Southland\nkind: state\nsummary: A state.\n"})
    assert published(root, "actors", "southland")["name"] == "Southland"


def test_utf16_is_refused_as_not_utf8(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    (root / ACTOR).write_bytes("name: Southland\n".encode("utf-16"))
    _, problems = check_knowledge_base(root)
    assert [str(p) for p in problems] == [f"{ACTOR}:1:1: error: file is not UTF-8 (byte 0xff); save it as UTF-8"]


# -- tags never construct anything -------------------------------------------------------

@pytest.mark.parametrize("yaml_text, where", [
    ('name: !!python/object/apply:os.system ["touch {marker}"]\n', (1, 7)),
    ('name: !!python/object/new:os.system ["touch {marker}"]\n', (1, 7)),
    ("name: !!python/name:os.system\n", (1, 7)),
    ('%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\nname: !p!os.system ["touch {marker}"]\n', (3, 7)),
    ('!!python/object/apply:os.system ["touch {marker}"]: x\n', (1, 1)),
    ('name: !!binary aGVsbG8=\n', (1, 7)),
    ('name: !!str Southland\n', (1, 7)),
    ("name: !!map {a: b}\n", (1, 7)),
])
def test_yaml_tags_run_no_code_and_are_located(tmp_path, yaml_text, where):
    marker = tmp_path / "pwned"
    root = make_knowledge_base(tmp_path / "kb", {ACTOR: yaml_text.replace("{marker}", str(marker)) + "kind: state\nsummary: x\n"})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert f"{ACTOR}:{where[0]}:{where[1]}: error: " in result.stdout
    assert "tags (" in result.stdout or "mapping key must be a plain name" in result.stdout
    assert not marker.exists()


# -- anchors, aliases, nesting: fail fast in bounded memory ------------------------------

def billion_laughs(levels: int = 30, width: int = 12) -> str:
    """Each level refers `width` times to the one before: width**levels strings if expanded."""
    lines = ['l0: &l0 "' + "lol" * 100 + '"']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nname: *l{levels - 1}\n"


def test_billion_laughs_fails_at_the_first_anchor_in_bounded_memory():
    text = billion_laughs()
    assert len(text.encode()) < MAX_FILE_BYTES  # within the size limit: only the parser stands in the way
    tracemalloc.start()
    try:
        data, _, _, problems = parse_yaml(text, ACTOR)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data is None
    assert [str(p) for p in problems] == [f"{ACTOR}:1:5: error: YAML anchors (&l0) are not allowed; write the value out in full"]
    assert peak < 1_000_000, f"parsing a refused file allocated {peak:,} bytes"


def test_an_alias_is_refused_even_without_an_anchor_in_this_file():
    _, _, _, problems = parse_yaml("name: *elsewhere\n", ACTOR)
    assert [p.message for p in problems] == ["YAML aliases (*elsewhere) are not allowed; write the value out in full"]


@pytest.mark.parametrize("text, where", [
    ("aliases: " + "[" * 100_000 + "]" * 100_000 + "\n", (1, 30)),
    ("aliases:\n" + "".join("  " * i + "- \n" for i in range(1, 2000)), (22, 43)),
    ("a:\n" + "".join("  " * i + "k:\n" for i in range(1, 2000)), (22, 43)),
])
def test_deep_nesting_is_a_located_error_not_a_crash(text, where):
    _, _, _, problems = parse_yaml(text, ACTOR)
    assert [(p.line, p.col, p.message) for p in problems] == [(*where, "nesting deeper than 20 levels is not allowed")]


# -- characters that are not text -------------------------------------------------------

@pytest.mark.parametrize("escape, code", [("\\0", "0000"), ("\\a", "0007"), ("\\e", "001B"), ("\\x7f", "007F"),
                                          ("\\N", "0085"), ("\\x9b", "009B"), ("\\x02", "0002")])
def test_control_characters_in_values_and_keys_are_refused(escape, code):
    _, _, _, problems = parse_yaml(f'name: "a{escape}b"\n"k{escape}": x\n', ACTOR)
    assert [(p.line, p.col, p.message) for p in problems] == [
        (1, 7, f"control character U+{code} is not allowed in text; remove it"),
        (2, 1, f"control character U+{code} is not allowed in text; remove it"),
    ]


def test_every_problem_prints_on_one_line(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {ACTOR: 'name: Southland\nkind: "a\\nb\\rc\\u2028d\\e[2J"\nsummary: x\n'})
    result = kbgen("validate", "--root", str(root))
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # the control character, and the kind, each on its own line
    assert all(line.startswith(f"{ACTOR}:2:7: error: ") for line in lines)
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout
    github = kbgen("validate", "--root", str(root), "--format", "github").stdout.splitlines()
    assert len(github) == 2 and all(line.startswith(f"::error file={ACTOR},line=2,col=7::") for line in github)


# -- files: size, symlinks, special files, strays ---------------------------------------

def test_files_over_the_size_limit_are_refused_unread(tmp_path):
    big = "name: Southland\nkind: state\nsummary: " + "x" * MAX_FILE_BYTES + "\n"
    root = make_knowledge_base(tmp_path / "kb", {ACTOR: big, "entities/sources/field-report.txt": "y" * (MAX_FILE_BYTES + 1)})
    _, problems = check_knowledge_base(root)
    size = len(big.encode())
    assert [str(p) for p in problems] == [
        f"{ACTOR}:1:1: error: file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
        f"entities/sources/field-report.txt:1:1: error: file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
    ]


def outside_secret(tmp_path):
    secret = tmp_path / "outside" / "secret.yml"
    secret.parent.mkdir()
    secret.write_text("name: TOP-SECRET-TOKEN\nkind: state\nsummary: leaked\n", encoding="utf-8")
    return secret


def test_symlinked_file_leaving_entities_is_refused_and_not_read(tmp_path):
    secret = outside_secret(tmp_path)
    root = make_knowledge_base(tmp_path / "kb")
    (root / "entities/actors/eastland.yml").symlink_to(secret)
    (root / "entities/sources/field-report.txt").unlink()
    (root / "entities/sources/field-report.txt").symlink_to(secret)
    result = kbgen("validate", "--root", str(root))
    assert result.stdout.splitlines() == [
        "entities/actors/eastland.yml:1:1: error: symbolic link pointing outside entities/ is not allowed",
        "entities/sources/field-report.txt:1:1: error: symbolic link pointing outside entities/ is not allowed",
    ]
    assert "TOP-SECRET" not in result.stdout + result.stderr


def test_symlinked_folder_leaving_entities_is_refused(tmp_path):
    secret = outside_secret(tmp_path)
    root = make_knowledge_base(tmp_path / "kb")
    (root / "entities/actors/more").symlink_to(secret.parent, target_is_directory=True)
    loaded = read_documents(root)
    assert [str(p) for p in loaded.problems] == ["entities/actors/more:1:1: error: symbolic link pointing outside entities/ is not allowed"]
    assert all("TOP-SECRET" not in json.dumps(d.data) for d in loaded.documents)


def test_entities_folder_itself_linked_outside_is_refused(tmp_path):
    outside = make_knowledge_base(tmp_path / "elsewhere")
    root = tmp_path / "kb"
    root.mkdir()
    (root / "entities").symlink_to(outside / "entities", target_is_directory=True)
    loaded = read_documents(root)
    assert [str(p) for p in loaded.problems] == [
        "entities:1:1: error: entities/ is a symbolic link pointing outside the knowledge base; it is not read"]
    assert loaded.documents == []


def test_symlink_inside_entities_is_read(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    (root / "entities/actors/south-land.yml").symlink_to(root / "entities/actors/southland.yml")
    assert published(root, "actors", "south-land")["name"] == "Southland"


def test_fifo_and_broken_links_are_reported_without_blocking(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    os.mkfifo(root / "entities/actors/eastland.yml")
    (root / "entities/actors/westland.yml").symlink_to(root / "entities/actors/missing.yml")
    loaded = read_documents(root)
    assert [str(p) for p in loaded.problems] == [
        "entities/actors/eastland.yml:1:1: error: not an entity file: a special file; entity files are regular files",
        "entities/actors/westland.yml:1:1: error: not an entity file: a broken link; entity files are regular files",
    ]


def test_errors_in_one_file_never_hide_errors_in_another(tmp_path):
    """One error of every stage, each in its own file, with a reference to a broken file: all reported once."""
    root = make_knowledge_base(tmp_path / "kb", {
        ACTOR: "name: &a Southland\n",  # load: refused
        "entities/actors/northland.yml": "name: Northland\nkind: stat\nsummary: x\n",  # model
        "entities/events/border-war.yml": "title: W\ndate: '2025'\nkind: war\nsummary: x\nparticipants:\n  - {actor: eastland, role: participant}\n",  # graph
        "entities/notes.md": "stray",  # not an entity
        "entities/actors/big.yml": "x" * (MAX_FILE_BYTES + 1),  # size
    })
    _, problems = check_knowledge_base(root)
    assert [(p.path, p.line) for p in problems] == [
        ("entities/actors/big.yml", 1),
        ("entities/actors/northland.yml", 2),
        (ACTOR, 1),
        ("entities/events/border-war.yml", 6),
        ("entities/notes.md", 1),
    ]


def test_the_repository_knowledge_base_passes_every_check():
    assert check_knowledge_base(REPO)[1] == []


# -- bounded work: Markdown's parser is superlinear on pathological prose ------------------

@pytest.mark.parametrize("summary, message", [
    ("[" * 50_000, "prose is 50,000 characters; the limit is 10,000: shorten it"),
    ("[" * 101 + " text", "prose has 101 '[' (links); the limit is 100 per field"),
    ("<a " * 101, "prose has 101 '<'; the limit is 100 per field"),
])
def test_pathological_prose_is_refused_before_it_is_parsed(tmp_path, summary, message):
    root = make_knowledge_base(tmp_path / "kb", {ACTOR: f"name: Southland\nkind: state\nsummary: '{summary}'\n"})
    _, problems = check_knowledge_base(root)
    assert [str(p) for p in problems] == [f"{ACTOR}:3:10: error: 'summary': {message}"]


# -- parsed without marks: the same data and problems ----------------------------------

def _case_texts():
    """Every YAML text of the error cases and of the repository's knowledge base."""
    import yaml as pyyaml
    from pathlib import Path

    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "entities").rglob("*.yml"))]
    for case in sorted((Path(__file__).parent / "cases").glob("*.yml")):
        files = pyyaml.safe_load(case.read_text(encoding="utf-8")).get("files") or {}
        texts += [text for text in files.values() if isinstance(text, str)]
    return texts + [billion_laughs(), "name: *elsewhere\n", 'name: "a\\x02b"\n"k\\x02": x\n', "- a\n- b\n",
                    "name: x\n---\nname: y\n", "", "name: !!python/object:os.system x\n", "a: 1\na: 2\n",
                    "aliases:\n" + "".join("  " * i + "- \n" for i in range(1, 30)), "? [a]\n: b\n"]


def test_a_file_parsed_without_marks_gives_the_same_data_and_problems():
    texts = _case_texts()
    assert len(texts) > 80
    without_marks = 0
    for text in texts:
        data, values, keys, problems = parse_yaml(text, ACTOR)
        light_data, light_values, light_keys, light_problems = parse_yaml(text, ACTOR, marks=False)
        assert (light_data, light_problems) == (data, problems), text
        if light_values is None:  # only a mapping without problems leaves its marks to be parsed again
            assert isinstance(data, dict) and problems == [] and light_keys is None
            without_marks += 1
        else:
            assert (light_values, light_keys) == (values, keys)
    assert without_marks > 50


def test_marks_are_parsed_again_for_a_problem_found_after_reading(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {
        "entities/actors/southland.yml": "name: Southland\nkind: state\nsummary: A state.\n"
                                         "relations:\n  - type: allied-with\n    actor: nowhere\n"})
    kb, problems = check_knowledge_base(root)
    assert [(p.path, p.line, p.col) for p in problems if "nowhere" in p.message] == [
        ("entities/actors/southland.yml", 6, 12)]
