"""The published JSON Schemas as editors' tools read them: check-jsonschema (ECMA-262 regular
expressions, as JSON Schema requires and YAML language servers use) accepts every schema, and every
entity file of the repository and of the fixture validates against its type's schema there too."""

import json
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, REPO, VALID
from kbgen.core import vocab

SCHEMAS = sorted((REPO / "schemas").glob("*.schema.json"))
GOLDEN_KB_SCHEMA = REPO / "tests" / "golden" / "valid" / "data" / "kb.schema.json"


def check_jsonschema(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), *args], capture_output=True, text=True)


def test_every_published_schema_passes_the_metaschema_check_with_ecma_regexes():
    assert [p.name for p in SCHEMAS] == [f"{t}.schema.json" for t in sorted([*vocab.ENTITY_TYPES, "tags"])]
    # kb.json's schema too, as the site publishes it (the golden file the build's output must equal).
    result = check_jsonschema("--check-metaschema", *map(str, SCHEMAS), str(GOLDEN_KB_SCHEMA))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_metaschema_check_refuses_a_python_only_escape(tmp_path):
    """What the check catches: ``\\"`` is an escape Python's re accepts and ECMA-262 (unicode mode) does not."""
    broken = tmp_path / "broken.schema.json"
    broken.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": r'[^\"]'}), encoding="utf-8")
    result = check_jsonschema("--check-metaschema", str(broken))
    assert result.returncode == 1
    assert "is not a 'regex'" in result.stdout


def _files_of(name: str) -> list[Path]:
    """The files a schema describes, in the repository's knowledge base and in the fixture's."""
    if name == "tags":
        return [root / "entities" / "tags.yml" for root in (REPO, VALID)]
    return sorted(p for root in (REPO, VALID) for p in (root / "entities" / vocab.FOLDERS[name]).glob("*.yml"))


@pytest.mark.parametrize("name", [*vocab.ENTITY_TYPES, "tags"])
def test_every_entity_file_and_tags_yml_validate_against_their_schema_in_check_jsonschema(name):
    files = _files_of(name)
    assert len(files) >= 2
    result = check_jsonschema("--schemafile", str(REPO / "schemas" / f"{name}.schema.json"), *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_web_address_pattern_still_refuses_what_it_refused(tmp_path):
    """The ECMA-262 spelling of the source URL pattern refuses a quote in check-jsonschema as kbgen does."""
    source = tmp_path / "bad.yml"
    source.write_text('title: A report\npublished: 2024-01-02\nurl: \'https://example.org/a"b\'\n', encoding="utf-8")
    result = check_jsonschema("--schemafile", str(REPO / "schemas" / "source.schema.json"), str(source))
    assert result.returncode == 1, result.stdout
    assert "url" in result.stdout
