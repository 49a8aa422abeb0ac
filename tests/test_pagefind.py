"""The kbgen option ``search: pagefind``: Pagefind's chunked index and search dialog in place of
Material's search, for large knowledge bases (the searches themselves: tests/test_browser.py)."""

import pytest

from conftest import VALID, docs_copy, mkdocs_build, pagefind_config, site_config
from kbgen.mkdocs import pagefind
from sitecheck import pages, parse, target_file


def test_the_site_has_pagefinds_index_and_every_page_its_search(pagefind_site):
    assert (pagefind_site / "pagefind" / "pagefind.js").is_file()
    assert (pagefind_site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (pagefind_site / "search" / "search_index.json").exists()  # no Material index beside it
    built = pages(pagefind_site)
    assert len(built) > 50
    for page in built:
        if page.relative_to(pagefind_site).parts[0] == "pagefind":
            continue
        links = {url for _, url in parse(page).links}
        wanted = ["assets/kbgen-pagefind.js", "pagefind/pagefind-component-ui.js",
                  "pagefind/pagefind-component-ui.css", "assets/kbgen-pagefind.css"]
        for asset in wanted:
            found = [url for url in links if url.endswith(asset)]
            assert found, f"{page}: no {asset}"
            assert target_file(pagefind_site, "/" + page.parent.relative_to(pagefind_site).as_posix() + "/" + found[0]).is_file()


def test_pagefind_beside_materials_search_plugin_is_refused(tmp_path):
    config = pagefind_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")
    config["plugins"].insert(0, "search")
    result = mkdocs_build(config, tmp_path)
    assert result.returncode != 0
    assert "kbgen: search: pagefind replaces the search plugin 'search'; remove it from plugins in mkdocs.yml" in result.stderr


def test_an_unknown_search_is_a_config_error(tmp_path):
    config = site_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")
    config["plugins"] = [{"kbgen": {**e["kbgen"], "search": "lunr"}} if isinstance(e, dict) else e for e in config["plugins"]]
    result = mkdocs_build(config, tmp_path)
    assert result.returncode != 0
    assert "search" in result.stderr and "'material', 'pagefind'" in result.stderr


@pytest.mark.parametrize("absent, message", [
    ({"pagefind"}, "search: pagefind needs the pagefind package: pip install 'pagefind[bin]'"),
    ({"pagefind_bin", "pagefind_bin_extended"}, "search: pagefind needs Pagefind's program: pip install 'pagefind[bin]'"),
])
def test_a_missing_pagefind_is_named_with_its_install_command(monkeypatch, absent, message):
    import importlib.util
    import shutil

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in absent else real(name, *a))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pagefind.missing() == message
    monkeypatch.undo()
    assert pagefind.missing() is None  # installed by `make test`
