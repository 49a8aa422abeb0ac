"""The editor's path: `kbgen new` skeletons, JSON Schemas an independent validator agrees with, renames."""

import json
import re
import shutil

import jsonschema
import pytest
import yaml

from conftest import REPO, VALID, kbgen, make_knowledge_base
from kbgen.core import vocab
from kbgen.source import read_documents
from kbgen.source.parse import parse_yaml
from kbgen.model.schema import entity_schema, schema_texts, tags_schema
from sitecheck import target_file

# What an editor types over each placeholder of a skeleton made in the valid fixture.
FILLED = {
    "actor": {
        "kind": "armed-group",
        "summary": "A militia the field report names.",
        "citations.0.source": "field-report",
        "citations.0.quote": "the River Brigade, attacked the border post",
    },
    "event": {
        "date": "2025-06-22",
        "kind": "attack",
        "summary": "The River Brigade attacked the border post.",
        "participants.0.actor": "river-brigade",
        "participants.0.role": "initiator",
        "citations.0.source": "field-report",
        "citations.0.quote": "attacked the border post on June 22",
    },
    "recommendation": {
        "addressee": "southland",
        "summary": "Talks should resume.",
        "citations.0.source": "field-report",
        "citations.0.quote": "Talks should resume.",
    },
    "source": {"published": "2025-07"},
}


def fill(text: str, values: dict) -> str:
    """Replace each quoted or folded FILL IN value by position, the way an editor would."""
    lines = text.splitlines(keepends=True)
    data, marks, _, problems = parse_yaml(text, "skeleton.yml")
    assert problems == []
    for loc, value in values.items():
        line, col = marks[tuple(int(p) if p.isdigit() else p for p in loc.split("."))]
        current = lines[line - 1]
        if current[col - 1:].startswith(">-"):  # a folded block: its text is on the next line
            indent = len(lines[line]) - len(lines[line].lstrip())
            lines[line] = " " * indent + value + "\n"
        else:
            lines[line - 1] = current[:col - 1] + json.dumps(value) + "\n"
    return "".join(lines)


@pytest.mark.parametrize("type_", vocab.ENTITY_TYPES)
def test_new_skeleton_fails_until_filled_then_validates(type_, tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    title_option = "--name" if type_ == "actor" else "--title"
    result = kbgen("new", type_, "new-one", title_option, 'A "quoted": title', "--root", str(root))
    assert result.returncode == 0, result.stderr
    path = f"entities/{vocab.FOLDERS[type_]}/new-one.yml"
    assert result.stdout == path + "\n"
    text = (root / path).read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{type_}.schema.json\n")
    assert (root / path).parent.joinpath("../../schemas", f"{type_}.schema.json").resolve() == (root / "schemas" / f"{type_}.schema.json").resolve()

    unfilled = kbgen("validate", "--root", str(root))
    assert unfilled.returncode == 1
    lines = unfilled.stdout.splitlines()
    assert len(lines) == len(FILLED[type_])  # one message per placeholder, nothing else
    assert all(line.startswith(path + ":") and "still holds the placeholder from 'kbgen new'; replace it with " in line
               for line in lines), lines

    (root / path).write_text(fill(text, FILLED[type_]), encoding="utf-8")
    filled = kbgen("validate", "--root", str(root))
    assert filled.returncode == 0, filled.stdout
    written = next(d for d in read_documents(root).documents if d.path == path)
    assert written.data["name" if type_ == "actor" else "title"] == 'A "quoted": title'


def test_new_placeholder_message_names_what_belongs_there(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    kbgen("new", "event", "raid", "--root", str(root))
    lines = kbgen("validate", "--root", str(root)).stdout.splitlines()
    assert "entities/events/raid.yml:4:8: error: 'title' still holds the placeholder from 'kbgen new'; replace it with the event's title" in lines
    assert "entities/events/raid.yml:6:7: error: 'date' still holds the placeholder from 'kbgen new'; replace it with the date as EDTF, e.g. 2025-06-22" in lines


def test_new_never_overwrites(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    before = (root / "entities/actors/northland.yml").read_text(encoding="utf-8")
    result = kbgen("new", "actor", "northland", "--root", str(root))
    assert result.returncode == 1
    assert result.stderr == ("kbgen new: error: entities/actors/northland.yml already exists; "
                             "kbgen new never overwrites a file (edit it, or choose another id)\n")
    assert (root / "entities/actors/northland.yml").read_text(encoding="utf-8") == before


def test_new_refuses_a_bad_id_quoting_the_rule(tmp_path):
    result = kbgen("new", "actor", "Kataib_Hezbollah", "--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == ("kbgen new: error: 'Kataib_Hezbollah' is not a valid id: use lowercase letters a-z, digits and "
                             "single hyphens (pattern ^[a-z0-9]+(-[a-z0-9]+)*$), at most 80 characters\n")
    assert not (tmp_path / "entities").exists()


def test_new_refuses_outside_a_knowledge_base(tmp_path):
    result = kbgen("new", "actor", "badr-organization", "--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"kbgen new: error: no entities/ folder in {tmp_path}; run kbgen new in a knowledge base, or pass --root DIR\n"
    assert list(tmp_path.iterdir()) == []


def test_new_wrong_usage_exits_2(tmp_path):
    assert kbgen("new", "person", "x", "--root", str(tmp_path)).returncode == 2
    assert kbgen("new", "actor", "--root", str(tmp_path)).returncode == 2
    assert kbgen("new", "event", "x", "--name", "X", "--root", str(tmp_path)).returncode == 2
    assert not (tmp_path / "entities").exists()


# -- JSON Schemas ------------------------------------------------------------

def test_committed_schemas_are_up_to_date():
    """schemas/ is what skeletons point at: regenerate with `kbgen schema -o schemas` when the models change."""
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "schemas").glob("*.json")}
    assert committed == schema_texts()


def test_vscode_maps_every_entity_folder_and_tags_yml_to_its_committed_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert settings == {**{f"./schemas/{t}.schema.json": f"entities/{vocab.FOLDERS[t]}/*.yml" for t in vocab.ENTITY_TYPES},
                        "./schemas/tags.schema.json": "entities/tags.yml"}
    assert all((REPO / schema).is_file() for schema in settings)


def test_schema_command_writes_one_schema_per_type_and_one_for_tags(tmp_path):
    result = kbgen("schema", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    for type_ in vocab.ENTITY_TYPES:
        schema = json.loads((tmp_path / "out" / f"{type_}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert "id" not in schema["properties"] and "type" not in schema["properties"]
        assert schema["additionalProperties"] is False
    tags = json.loads((tmp_path / "out" / "tags.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(tags)
    assert tags == tags_schema()


@pytest.mark.parametrize("root", [REPO, VALID], ids=["entities", "fixture"])
def test_tags_yml_is_valid_against_its_schema(root):
    validator = jsonschema.Draft202012Validator(tags_schema())
    assert read_documents(root).tags.data
    assert [e.message for e in validator.iter_errors(read_documents(root).tags.data)] == []
    independent = yaml.safe_load((root / "entities" / "tags.yml").read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(independent)] == []


@pytest.mark.parametrize("text", [
    "Border_War: Fighting over the border.\n",  # not an id
    "a" * 81 + ": Too long a name.\n",  # over the length limit
    "militias: \"  \"\n",  # a blank description
    "militias:\n  - a list\n",  # not text
    "militias: true\n",
    "~\n",  # nothing (tests/cases/empty-tags-file.yml)
])
def test_what_kbgen_refuses_in_tags_yml_fails_against_its_schema_too(text, tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/tags.yml": text})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1 and "entities/tags.yml" in result.stdout
    validator = jsonschema.Draft202012Validator(tags_schema())
    assert list(validator.iter_errors(yaml.safe_load(text))), text


def test_schema_enums_describe_every_vocabulary_value():
    actor = entity_schema("actor")
    kind = actor["properties"]["kind"]
    assert kind["enum"] == list(vocab.ACTOR_KINDS)
    assert kind["markdownEnumDescriptions"] == list(vocab.ACTOR_KINDS.values())
    relation = actor["$defs"]["ActorRelation"]["properties"]["type"]
    assert relation["enumDescriptions"] == [r.description for r in vocab.ACTOR_RELATIONS.values()]
    assert "title" in entity_schema("event")["properties"]  # the YAML name, not the Python one


def _validators() -> dict:
    return {t: jsonschema.Draft202012Validator(entity_schema(t)) for t in vocab.ENTITY_TYPES}


@pytest.mark.parametrize("root", [REPO, VALID], ids=["entities", "fixture"])
def test_every_entity_is_valid_against_its_schema(root):
    validators = _validators()
    documents = read_documents(root).documents
    assert documents
    for doc in documents:
        errors = [e.message for e in validators[doc.type].iter_errors(doc.data)]
        assert errors == [], doc.path
        # Read as other tools read YAML (PyYAML here), independently of kbgen's loader, too.
        independent = yaml.safe_load((root / doc.path).read_text(encoding="utf-8"))
        assert [e.message for e in validators[doc.type].iter_errors(independent)] == [], doc.path


# Cases whose error the schema can see; the rest (references, quotes, tags, calendar, YAML syntax,
# file names) only kbgen can check, as docs/editors.md says.
SCHEMA_CASES = ["bad-date", "closed-vocabulary", "id-field", "missing-field", "unknown-field", "wrong-value-type",
                "former-id-not-a-slug"]


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_invalid_cases_fail_against_the_schema_too(case, tmp_path):
    spec = yaml.safe_load((REPO / "tests" / "cases" / f"{case}.yml").read_text(encoding="utf-8"))
    validators = _validators()
    root = make_knowledge_base(tmp_path / "kb", spec.get("files"))
    for path in spec["files"]:
        doc = next(d for d in read_documents(root).documents if d.path == path)
        assert list(validators[doc.type].iter_errors(doc.data)), f"{case}: {path} passes the schema"


def _set(data, loc: tuple, value):
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


@pytest.mark.parametrize("loc, size", [
    (("name",), 500),  # a label (kbgen.model.limits)
    (("aliases", 0), 500),  # a label's items
    (("citations", 0, "locator"), 500),
    (("relations", 0, "note"), 2_000),  # other text
    (("summary",), 10_000),  # prose (kbgen.core.prose)
    (("aliases",), 200),  # a list's items
])
def test_the_schema_holds_the_limits_kbgen_validate_holds(loc, size, tmp_path):
    """An editor's schema flags a value over a limit exactly where ``kbgen validate`` would: at the
    limit both accept the file, one over it both refuse it."""
    validator = jsonschema.Draft202012Validator(entity_schema("actor"))
    path = "entities/actors/river-brigade.yml"
    for over in (0, 1):
        data = yaml.safe_load((VALID / path).read_text(encoding="utf-8"))
        length = size + over
        _set(data, loc, [f"Alias {i}" for i in range(length)] if loc == ("aliases",) else "a" * length)
        root = make_knowledge_base(tmp_path / f"kb-{over}", {path: yaml.safe_dump(data, allow_unicode=True)})
        result = kbgen("validate", "--root", str(root))
        errors = list(validator.iter_errors(data))
        assert result.returncode == over, (length, result.stdout)
        assert bool(errors) == bool(over), (length, [e.message[:80] for e in errors])


def test_schema_accepts_an_unquoted_year_as_a_language_server_reads_it():
    # kbgen reads `published: 2011` as the text "2011"; a YAML language server reads a number.
    validator = jsonschema.Draft202012Validator(entity_schema("source"))
    assert list(validator.iter_errors({"title": "T", "published": 2011})) == []
    assert list(validator.iter_errors({"title": "T", "published": "June 2011"}))


# -- the built site ----------------------------------------------------------

def test_site_publishes_schemas_and_generated_vocabularies(fixture_site):
    for type_ in vocab.ENTITY_TYPES:
        published = target_file(fixture_site, f"/data/schema/{type_}.schema.json").read_text(encoding="utf-8")
        assert json.loads(published) == entity_schema(type_)
    published = target_file(fixture_site, "/data/schema/tags.schema.json").read_text(encoding="utf-8")
    assert json.loads(published) == tags_schema()
    page = target_file(fixture_site, "/editors/vocabularies/").read_text(encoding="utf-8")
    for table in (vocab.ACTOR_KINDS, vocab.EVENT_KINDS, vocab.PARTICIPANT_ROLES, vocab.INSTRUMENTS,
                  vocab.RECOMMENDATION_STATUSES, vocab.ACTOR_RELATIONS, vocab.EVENT_RELATIONS):
        for value in table:
            assert f"<code>{value}</code>" in page, value


def test_former_id_url_leads_to_the_new_page(fixture_site):
    old = target_file(fixture_site, "/actors/river-militia/").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../river-brigade/">' in old
    assert '<link rel="canonical" href="../river-brigade/">' in old
    assert '<a href="../river-brigade/">River Brigade</a>' in old
    assert "River Brigade" in target_file(fixture_site, "/actors/river-brigade/").read_text(encoding="utf-8")


# -- the editor's guide --------------------------------------------------------

GUIDE = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")


def _guide_block(after: str, language: str) -> str:
    start = GUIDE.index(f"```{language}\n", GUIDE.index(after)) + len(language) + 4
    return GUIDE[start:GUIDE.index("```", start)]


def test_guide_worked_example_shows_real_output(tmp_path):
    """The guide's worked example is replayed on the repository's knowledge base: its output is the real one."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "entities", root / "entities")
    created = kbgen("new", "event", "erbil-strike", "--title", "Symbolic militia drone strike at Erbil airport", "--root", str(root))
    assert created.stdout + created.stderr in GUIDE
    placeholders = kbgen("validate", "--root", str(root))
    assert placeholders.stdout + placeholders.stderr in GUIDE

    (root / "entities/events/erbil-strike.yml").write_text(_guide_block("**3. Fill it in**", "yaml"), encoding="utf-8")
    for fix in [None, ("kind: atack", "kind: attack")]:
        path = root / "entities/events/erbil-strike.yml"
        if fix:
            path.write_text(path.read_text(encoding="utf-8").replace(*fix), encoding="utf-8")
        slip = kbgen("validate", "--root", str(root))
        assert slip.returncode == 1 and slip.stdout + slip.stderr in GUIDE
        annotation = kbgen("validate", "--format", "github", "--root", str(root)).stdout
        assert fix or annotation in GUIDE

    path.write_text(path.read_text(encoding="utf-8").replace("iran-backed-militia-iraq", "iran-backed-militias-iraq"), encoding="utf-8")
    valid = kbgen("validate", "--root", str(root))
    assert valid.returncode == 0, valid.stdout
    # The counts grow with the knowledge base; the guide shows them as they were when it was written.
    assert re.sub(r"\d+", "N", valid.stderr) in re.sub(r"\d+", "N", GUIDE)


def test_guide_is_in_the_site_with_the_generated_vocabularies(repo_site):
    guide = target_file(repo_site, "/editors/").read_text(encoding="utf-8")
    assert 'href="vocabularies/"' in guide
    assert target_file(repo_site, "/editors/vocabularies/").is_file()
    for type_ in vocab.ENTITY_TYPES:
        assert json.loads(target_file(repo_site, f"/data/schema/{type_}.schema.json").read_text(encoding="utf-8"))
