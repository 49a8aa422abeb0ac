"""Two builds of the same knowledge base give byte-identical sites."""

import os
import subprocess

import pytest
import yaml

from conftest import BIN, VALID, docs_copy, pagefind_config, site_config


def _build(work, config_file, site, hash_seed: str) -> dict[str, bytes]:
    # Different hash seeds: any set or dict ordering that leaked into a page would differ.
    # MkDocs stamps the build *day* into sitemap.xml (<lastmod>, with site_url set) and into
    # sitemap.xml.gz's gzip header; SOURCE_DATE_EPOCH fixes it (reproducible-builds.org), so
    # two builds either side of midnight still compare equal. kbgen itself writes no date.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": "1752192000"}
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config_file), "--site-dir", str(site)],
                            cwd=work, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("search, index", [("material", "search/search_index.json"),
                                           ("pagefind", "pagefind/pagefind-entry.json")])
def test_two_builds_are_byte_identical(tmp_path, search, index):
    config_file = tmp_path / "mkdocs.yml"
    make_config = pagefind_config if search == "pagefind" else site_config
    config = make_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    first = _build(tmp_path, config_file, tmp_path / "site-a", "1")
    second = _build(tmp_path, config_file, tmp_path / "site-b", "2")
    assert "actors/river-brigade/index.html" in first and index in first
    assert sorted(first) == sorted(second)
    differing = [path for path in first if first[path] != second[path]]
    assert differing == []
