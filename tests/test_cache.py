"""Under `mkdocs serve`, a rebuild after a one-file edit parses and validates only that file."""

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files
import yaml

from conftest import VALID, docs_copy, make_knowledge_base, site_config
from kbgen.load import ParseCache
from kbgen.pipeline import check_knowledge_base

ENTITY_FILES = len(list((VALID / "entities").rglob("*.yml")))  # tags.yml included


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_only_the_edited_file_is_parsed_again(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    cache = ParseCache()
    kb, problems = check_knowledge_base(root, cache)
    assert not problems and cache.parses == ENTITY_FILES

    check_knowledge_base(root, cache)
    assert cache.parses == ENTITY_FILES  # nothing changed: nothing parsed

    _edit(root / "entities/actors/northland.yml", "summary: ", "summary: Edited. ")
    kb, problems = check_knowledge_base(root, cache)
    assert not problems and cache.parses == ENTITY_FILES + 1
    assert kb.get("actor", "northland").summary.startswith("Edited. ")
    # the cached run gives exactly what a run without a cache gives
    fresh, _ = check_knowledge_base(root)
    assert fresh.entities == kb.entities and fresh.referenced_by == kb.referenced_by


def test_a_cached_file_made_invalid_reports_its_problem_and_a_fix_clears_it(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    cache = ParseCache()
    check_knowledge_base(root, cache)
    file = root / "entities/actors/northland.yml"
    original = file.read_text(encoding="utf-8")
    _edit(file, "kind: ", "kind: nation-")
    _, problems = check_knowledge_base(root, cache)
    assert [p.path for p in problems] == ["entities/actors/northland.yml"]
    file.write_text(original, encoding="utf-8")  # back to bytes seen before
    _, problems = check_knowledge_base(root, cache)
    assert problems == []
    assert len([key for key in cache.parsed if key[0] == "entities/actors/northland.yml"]) == 1  # stale entry dropped


def test_the_plugin_keeps_its_cache_across_rebuilds(tmp_path):
    """The real plugin, loaded by MkDocs from a real mkdocs.yml, run as `mkdocs serve` runs it on each change."""
    root = make_knowledge_base(tmp_path / "kb")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(site_config(root, docs_copy(tmp_path / "docs"), tmp_path / "site")), encoding="utf-8")

    def rebuild():
        config = load_config(str(config_file))  # `mkdocs serve` reloads the config on every change
        config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        return config.plugins["kbgen"], files

    plugin, files = rebuild()
    assert plugin.parse_count == ENTITY_FILES
    _edit(root / "entities/events/border-war.yml", "title: Border war", "title: Border war of 2025")
    again, files = rebuild()
    assert again is plugin and plugin.parse_count == ENTITY_FILES + 1
    assert "# Border war of 2025" in files.get_file_from_path("events/border-war.md").content_string
