"""Under `mkdocs serve`, a rebuild after a one-file edit checks only that file again."""

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page
import yaml

from conftest import VALID, docs_copy, make_knowledge_base, site_config
from kbgen.pipeline import check_knowledge_base
from kbgen.runtime import FileMemo

ENTITY_FILES = len(list((VALID / "entities").rglob("*.yml")))  # tags.yml included


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_only_the_edited_file_is_checked_again(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    memo = FileMemo()
    kb, problems = check_knowledge_base(root, memo)
    assert not problems and memo.computed == ENTITY_FILES

    check_knowledge_base(root, memo)
    assert memo.computed == ENTITY_FILES  # nothing changed: nothing checked again

    _edit(root / "entities/actors/northland.yml", "summary: ", "summary: Edited. ")
    kb, problems = check_knowledge_base(root, memo)
    assert not problems and memo.computed == ENTITY_FILES + 1
    assert kb.get("actor", "northland").summary.startswith("Edited. ")
    # the memo's run gives exactly what a run without one gives
    fresh, _ = check_knowledge_base(root)
    assert fresh.entities == kb.entities and fresh.referenced_by == kb.referenced_by


def test_a_file_made_invalid_reports_its_problem_and_a_fix_clears_it(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    memo = FileMemo()
    check_knowledge_base(root, memo)
    file = root / "entities/actors/northland.yml"
    original = file.read_text(encoding="utf-8")
    _edit(file, "kind: ", "kind: nation-")
    _, problems = check_knowledge_base(root, memo)
    assert [p.path for p in problems] == ["entities/actors/northland.yml"]
    file.write_text(original, encoding="utf-8")  # back to bytes seen before: checked again, the stale result dropped
    computed = memo.computed
    _, problems = check_knowledge_base(root, memo)
    assert problems == [] and memo.computed == computed + 1


def test_an_edited_archive_checks_the_quotes_again(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    memo = FileMemo()
    assert check_knowledge_base(root, memo)[1] == []
    archive = root / "entities/sources/field-report.txt"
    archive.write_text("Nothing that any entity quotes.\n", encoding="utf-8")
    _, problems = check_knowledge_base(root, memo)
    assert problems and all(p.message.startswith("quote not found verbatim") for p in problems)
    assert problems == check_knowledge_base(root)[1]


def test_the_plugin_keeps_its_memo_across_rebuilds(tmp_path):
    """The real plugin, loaded by MkDocs from a real mkdocs.yml, run as `mkdocs serve` runs it on each change."""
    root = make_knowledge_base(tmp_path / "kb")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(site_config(root, docs_copy(tmp_path / "docs"), tmp_path / "site")), encoding="utf-8")

    def rebuild():
        config = load_config(str(config_file))  # `mkdocs serve` reloads the config on every change
        config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        page = files.get_file_from_path("events/border-war.md")
        config.plugins.on_pre_page(Page(None, page, config), config=config, files=files)
        return config.plugins["kbgen"], page

    plugin, page = rebuild()
    assert plugin.parse_count == ENTITY_FILES
    _edit(root / "entities/events/border-war.yml", "title: Border war", "title: Border war of 2025")
    again, page = rebuild()
    assert again is plugin and plugin.parse_count == ENTITY_FILES + 1
    assert "# Border war of 2025" in page.content_string
