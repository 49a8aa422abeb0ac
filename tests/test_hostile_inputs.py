"""Hostile pull requests, round two: what one entity file or file name could do to the build
besides markup — crash it after validation, forge what it prints, break the feed's XML or a page.
Located messages for single files are in tests/cases/; these need the file system or a build."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import VALID, kbgen, make_knowledge_base
from kbgen.core.problems import Problem
from kbgen.source.parse import parse_yaml

# -- accepted, then a crash ---------------------------------------------------


@pytest.mark.parametrize("date", ["0000", "0000-01-01", "0000~", "0000/2011", "2011/0000", "0000/..", "../0000-12"])
def test_a_year_python_has_no_date_for_is_refused_by_validation_and_generate(date, tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/sources/field-report.yml":
                                                 f'title: A Field Report on Northland\npublished: "{date}"\n'})
    for command in (("validate",), ("generate", "--out", str(tmp_path / "out"))):
        result = kbgen(*command, "--root", str(root))
        assert result.returncode == 1, (date, command)
        assert "Traceback" not in result.stderr
        assert result.stdout.startswith("entities/sources/field-report.yml:2:12: error: 'published': "), result.stdout
        assert "0000" in result.stdout


def test_a_long_date_is_refused_at_once_with_a_short_message(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/sources/field-report.yml":
                                                 'title: A Field Report on Northland\npublished: "2025-' + "0" * 1_900 + '"\n'})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "entities/sources/field-report.yml:2:12: error: 'published': '2025-" + "0" * 32 + "...' is not "
        "an EDTF date; use one of: 2025-06-22, 2024-03, 2011, 2024-03~ (approximate), 2011? (uncertain), "
        "2025-06-13/2025-06-24 (interval), 2025-06/.. (open-ended)"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_links_that_loop_are_located_problems_not_a_crash(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    actors = root / "entities" / "actors"
    os.symlink("second.yml", actors / "first.yml")
    os.symlink("first.yml", actors / "second.yml")
    os.symlink("itself.yml", actors / "itself.yml")
    os.symlink("loop", actors / "loop")  # a folder-shaped name that loops too
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"entities/actors/{name}: error: not an entity file: a link that loops; entity files are regular files"
        .replace(": error", ":1:1: error") for name in ("first.yml", "itself.yml", "loop", "second.yml")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_entities_folder_linked_to_itself_is_a_problem_not_a_crash(tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    os.symlink("entities", root / "entities")
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("entities:1:1: error: ")


# -- output a file name can forge ----------------------------------------------

FORGING_NAMES = {
    "newline": "x\nentities:1:1: error: forged",
    "carriage return": "x\rentities:1:1: error: forged",
    "escape sequence": "x\x1b[2K\x1b[1Gforged",
    "bidirectional override": "x\u202eforged",
}


@pytest.mark.parametrize("name", FORGING_NAMES.values(), ids=FORGING_NAMES.keys())
@pytest.mark.parametrize("output_format", ["text", "github"])
def test_a_file_name_cannot_forge_a_line_or_drive_the_terminal(name, output_format, tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    (root / "entities" / f"{name}.yml").write_text("name: X\n", encoding="utf-8")
    result = kbgen("validate", "--root", str(root), "--format", output_format)
    assert result.returncode == 1
    lines = result.stdout.splitlines(keepends=True)
    assert len(lines) == 1, lines  # one problem, on one line
    printed = lines[0].rstrip("\n")
    assert not any(c in printed for c in "\r\x1b\u202e")
    if output_format == "text":
        assert printed.startswith("entities/x\\") and printed.endswith(": error: not an entity file: entity files "
                                                                              "go in entities/actors/, entities/events/, "
                                                                              "entities/recommendations/, entities/sources/ as <id>.yml")
    else:
        assert printed.startswith("::error file=entities/x\\") and printed.count("::") == 2


def test_github_annotation_escapes_properties_and_data_as_github_does():
    # GitHub's workflow commands: data escapes %, CR and LF; properties also ':' and ','.
    problem = Problem("entities/a:b,c%d.yml", 3, 4, "100% wrong,\r\nreally: yes")
    assert problem.github() == r"::error file=entities/a%3Ab%2Cc%25d.yml,line=3,col=4::100%25 wrong,\r\nreally: yes"
    warning = Problem("entities/sources/x.yml", 1, 1, "not verified", "warning")
    assert warning.github() == "::warning file=entities/sources/x.yml,line=1,col=1::not verified"
    assert str(warning) == "entities/sources/x.yml:1:1: warning: not verified"


# -- output another program rejects ----------------------------------------------

# Every character XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets), written as YAML escapes.
XML_FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ud800", "\udfff", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", XML_FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in XML_FORBIDDEN])
def test_every_character_xml_forbids_is_refused_in_text(char):
    escape = f"\\u{ord(char):04X}"
    parsed = parse_yaml(f'title: "Border {escape} war"\nsummary: x\n', "entities/events/border-war.yml")
    if "\ud800" <= char <= "\udfff":  # the YAML parser itself refuses a surrogate's escape
        assert [(p.line, p.message) for p in parsed.problems] == [(1, "invalid YAML: found invalid Unicode character escape code")]
        return
    assert [(p.line, p.col) for p in parsed.problems] == [(1, 8)], char
    assert f"U+{ord(char):04X} is not allowed in text" in parsed.problems[0].message


def test_the_feeds_stay_well_formed_xml_with_every_character_kbgen_accepts(tmp_path):
    # The characters next to the forbidden ones, which XML allows (kbgen refuses C1 controls as well).
    title = "Border war \t \ud7ff \ue000 \ufffd \U00010000 \U0010ffff"
    root = make_knowledge_base(tmp_path / "kb", {"entities/events/border-war.yml": (
        f"title: {json.dumps(title, ensure_ascii=False)}\ndate: \"2025-06\"\nkind: war\nsummary: A war.\n"
        "participants:\n  - actor: northland\n    role: participant\n")})
    result = kbgen("generate", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    feed = ET.parse(tmp_path / "out" / "events.atom").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert title in titles


def test_kb_json_of_an_edge_case_knowledge_base_validates_against_its_own_schema(tmp_path):
    import jsonschema

    root = make_knowledge_base(tmp_path / "kb", {
        "entities/sources/field-report.yml": 'title: "\\u00a0A Field Report\\u00a0"\npublished: "2025-07-11"\n'
                                             "url: https://example.org/a?b=c#d\n",
        "entities/events/border-war.yml": (
            'title: "Border war"\ndate: "/2025-06~"\nkind: war\nsummary: " A war. "\n'
            "participants:\n  - actor: northland\n    role: participant\n")})
    out = tmp_path / "kb.json"
    result = kbgen("export", "--root", str(root), "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    result = kbgen("generate", "--root", str(root), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    schema = json.loads((tmp_path / "site" / "data" / "kb.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(out.read_text(encoding="utf-8")))


# -- pages and links that break ----------------------------------------------------


def test_an_unarchived_sources_quotes_are_reported_as_unverified_but_valid(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", remove=["entities/sources/field-report.txt"])
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert ("entities/sources/field-report.yml:1:1: warning: 5 quote(s) citing this source are not verified: it has no "
            "archived text (entities/sources/field-report.txt); save the source's text there to check them") in result.stderr
    result = kbgen("validate", "--root", str(root), "--format", "github")
    assert "::warning file=entities/sources/field-report.yml,line=1,col=1::5 quote(s)" in result.stderr
    assert "warning" not in kbgen("validate", "--root", str(VALID)).stderr  # an archived source's quotes are checked


def test_kbgen_new_refuses_a_reserved_id(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    result = kbgen("new", "actor", "index", "--root", str(root))
    assert result.returncode == 1
    assert "'index' is reserved" in result.stderr
    assert not (root / "entities/actors/index.yml").exists()


# -- limits on what multiplies ---------------------------------------------------


def test_a_megabyte_name_is_stopped_by_the_label_limit(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml":
                                                 "name: " + "N" * 999_000 + "\nkind: state\nsummary: A fictional state.\n"})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "entities/actors/southland.yml:1:7: error: 'name' is 999,000 characters; the limit for a label "
        "(name, title, alias...) is 500: shorten it"]


def test_long_lists_quotes_and_tag_descriptions_are_refused_where_they_are(tmp_path):
    aliases = "".join(f"  - Alias {i}\n" for i in range(201))
    root = make_knowledge_base(tmp_path / "kb", {
        "entities/actors/southland.yml": f"name: Southland\nkind: state\nsummary: A fictional state.\naliases:\n{aliases}",
        "entities/actors/northland.yml": ("name: Northland\nkind: state\nsummary: A fictional state.\ncitations:\n"
                                          f"  - source: field-report\n    quote: {'word ' * 500}\n"),
        "entities/tags.yml": f"militias: {'Armed groups. ' * 40}\nairspace: Airspace.\n"})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "entities/actors/northland.yml:6:12: error: 'citations.0.quote' is 2,499 characters; the limit for a text value is 2,000: shorten it",
        "entities/actors/southland.yml:5:3: error: 'aliases' has 201 items; the limit is 200 per list",
        "entities/tags.yml:1:11: error: 'militias' is 559 characters; the limit for a label (name, title, alias...) is 500: shorten it"]


def test_unknown_ids_are_listed_up_to_a_limit_per_file_then_counted(tmp_path):
    concerns = "".join(f"  - nobody-{i}\n" for i in range(50))
    root = make_knowledge_base(tmp_path / "kb", {"entities/recommendations/resume-talks.yml": (
        f"title: Resume talks\naddressee: southland\nsummary: A fictional recommendation.\nconcerns:\n{concerns}")})
    lines = kbgen("validate", "--root", str(root)).stdout.splitlines()
    assert len(lines) == 21
    assert lines[0].startswith("entities/recommendations/resume-talks.yml:5:5: error: unknown actor 'nobody-0'")
    assert "entities/recommendations/resume-talks.yml:25:5: error: 30 more unknown ids from here on in this file " \
           "(only the first 20 are listed)" in lines


def test_one_recommendation_naming_2000_unknown_ids_among_2000_actors_is_one_located_problem(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {
        **{f"entities/actors/actor-{i}.yml": f"name: Actor {i}\nkind: state\nsummary: A fictional state.\n" for i in range(2_000)},
        "entities/recommendations/resume-talks.yml": (
            "title: Resume talks\naddressee: southland\nsummary: A fictional recommendation.\nconcerns:\n"
            + "".join(f"  - actor-{i}x\n" for i in range(2_000)))})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "entities/recommendations/resume-talks.yml:5:3: error: 'concerns' has 2,000 items; the limit is 200 per list"]
