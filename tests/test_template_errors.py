"""A template override with a mistake stops the build with the file being rendered, never a traceback."""

import re

from conftest import VALID, docs_copy, kbgen, make_knowledge_base, mkdocs_build, site_config


def broken_templates(folder):
    folder.mkdir()
    (folder / "actor.md.j2").write_text("# {{ entity.name }}\n\n{{ no_such_value }}\n", encoding="utf-8")
    return folder


def test_mkdocs_build_names_the_entity_file_whose_page_failed(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {})
    config = site_config(root, docs_copy(tmp_path / "docs"), tmp_path / "site")
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "kbgen" in entry:
            entry["kbgen"]["templates"] = str(broken_templates(tmp_path / "templates"))
    result = mkdocs_build(config, tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(r"entities/actors/[a-z-]+\.yml:1:1: error: kbgen failed while rendering actors/[a-z-]+\.md from "
                     r"this file \(UndefinedError: 'no_such_value' is undefined\)", result.stderr), result.stderr
    assert "generated file(s) could not be rendered" in result.stderr


def test_kbgen_generate_names_it_too(tmp_path):
    result = kbgen("generate", "--root", str(VALID), "--templates", str(broken_templates(tmp_path / "templates")),
                   "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(r"entities/actors/[a-z-]+\.yml:1:1: error: kbgen failed while rendering actors/[a-z-]+\.md",
                     result.stdout + result.stderr)
