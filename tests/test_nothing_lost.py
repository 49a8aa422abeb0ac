"""Nothing lost: every field of every entity file is published, every entity has its page,
and a dangling reference stops the build instead of being dropped."""

import json

import pytest

from conftest import REPO, VALID, assert_written_values_published, docs_copy, kbgen, make_knowledge_base, mkdocs_build, site_config
from test_untrusted_html import hostile_files
from kbgen.core import vocab
from kbgen.source import read_documents
from kbgen.model import MODELS
from kbgen.pipeline import check_knowledge_base
from kbgen.pipeline import render_site
from kbgen.core.urls import entity_page

PAGE_KEY = "page"  # kb.json adds each entity's page path under this key (kbgen.exports.records)


def published(root):
    kb, problems = check_knowledge_base(root)
    assert problems == []
    generated = render_site(kb)
    return kb, generated, json.loads(next(f.content for f in generated if f.path == "data/kb.json"))


@pytest.mark.parametrize("kind", ["repository", "fixture", "hostile"])
def test_every_field_of_every_file_is_in_kb_json_and_every_entity_has_its_page(kind, tmp_path):
    root = {"repository": REPO, "fixture": VALID}.get(kind) or make_knowledge_base(tmp_path / "kb", hostile_files())
    kb, generated, data = published(root)
    loaded = read_documents(root)
    paths = {f.path for f in generated}
    assert loaded.documents
    for doc in loaded.documents:
        entity = [e for e in data["entities"][vocab.FOLDERS[doc.type]] if e["id"] == doc.id]
        assert len(entity) == 1, doc.path
        assert_written_values_published(entity[0], doc.data, doc.path)
        # every field of the model is published, written or not, plus the page it is on
        model = MODELS[doc.type]
        assert set(entity[0]) == {f.alias or n for n, f in model.model_fields.items()} | {PAGE_KEY}, doc.path
        assert entity_page(doc.type, doc.id) in paths, doc.path
        assert entity[0][PAGE_KEY] == f"{vocab.FOLDERS[doc.type]}/{doc.id}/"
    assert data["tags"] == loaded.tags.data
    assert sum(len(v) for v in data["entities"].values()) == len(loaded.documents)


def test_a_dangling_reference_stops_generate_and_the_build(tmp_path):
    files = {"entities/events/border-war.yml": (
        "title: Border war\ndate: '2025-06'\nkind: war\nsummary: A war.\n"
        "participants:\n  - {actor: northland, role: participant}\n  - {actor: eastland, role: participant}\n")}
    root = make_knowledge_base(tmp_path / "kb", files)
    message = "entities/events/border-war.yml:7:13: error: unknown actor 'eastland' (did you mean 'southland'?)"
    result = kbgen("generate", "--root", str(root), "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stdout.splitlines()) == (1, [message])
    assert not (tmp_path / "out").exists()
    build = mkdocs_build(site_config(root, docs_copy(tmp_path / "docs"), tmp_path / "site"), tmp_path)
    assert build.returncode == 1
    assert message in build.stderr
    assert not (tmp_path / "site" / "events" / "border-war").exists()


def test_a_reference_to_a_broken_file_still_fails_the_knowledge_base(tmp_path):
    """The reference is not reported twice, but the target's own error keeps the build from dropping it."""
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/northland.yml": "name: &x Northland\n"})
    _, problems = check_knowledge_base(root)
    assert [str(p) for p in problems] == [
        "entities/actors/northland.yml:1:7: error: YAML anchors (&x) are not allowed; write the value out in full"]
