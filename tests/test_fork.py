"""Page generation split over two processes (kbgen.fork): the same files, and failures surface."""

import os
import subprocess

import pytest
import yaml

from conftest import BIN, REPO, VALID, docs_copy, site_config
from kbgen import exports, fork, render
from kbgen.pipeline import read_knowledge_base


@pytest.mark.parametrize("root", [VALID, REPO], ids=["fixture", "repository"])
def test_forked_rendering_gives_the_same_files_in_the_same_order(root):
    kb = read_knowledge_base(root)
    assert fork.available()  # CI and this machine have two cores: the forked path is the one tested
    assert render.render_site(kb, fork=True) == render.render_site(kb)


def test_a_failure_in_the_forked_child_is_raised_in_the_parent(monkeypatch):
    parent = os.getpid()
    render_json = exports.entity_json

    def broken_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise ValueError("the exports broke")
        return render_json(*args, **kwargs)

    monkeypatch.setattr(exports, "entity_json", broken_in_the_child)
    with pytest.raises(RuntimeError, match="ValueError: the exports broke"):
        render.render_site(read_knowledge_base(VALID), fork=True)


def test_work_runs_in_another_process_and_its_result_comes_back():
    result = fork.start(lambda: (os.getpid(), {"pages": ["a", "b"]}))
    child_pid, value = result()
    assert child_pid != os.getpid() and value == {"pages": ["a", "b"]}


def test_a_stream_hands_over_each_item_in_any_order_while_the_child_renders_them():
    parent = os.getpid()
    items = [lambda i=i: (i, os.getpid(), "x" * (i * 40_000)) for i in range(60)]  # ~70 MB: more than a pipe holds
    stream = fork.Stream(items, order=list(reversed(range(60))))
    try:
        for i in [59, 0, 30, *range(1, 30), *range(31, 59)]:
            index, pid, text = stream.get(i)
            assert index == i and pid != parent and len(text) == i * 40_000
        with pytest.raises(RuntimeError, match="ended without item 59"):
            stream.get(59)  # handed over once, not kept
    finally:
        stream.close()


def test_a_failure_in_the_streaming_child_is_raised_in_the_parent_with_its_traceback():
    def broken():
        raise ValueError("template broke")

    stream = fork.Stream([lambda: "fine", broken, lambda: "after"], order=[0, 1, 2])
    try:
        assert stream.get(0) == "fine"
        with pytest.raises(RuntimeError, match=r"(?s)ValueError: template broke.*in broken"):
            stream.get(1)
        assert stream.get(2) == "after"  # the failure is the failed item's: the others still come
    finally:
        stream.close()


def test_closing_an_unfinished_stream_stops_the_child():
    import time

    stream = fork.Stream([lambda: time.sleep(60)], order=[0])
    pid = stream._pid
    stream.close()  # a build that failed before reading every file
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: nothing left running


def _site_files(site):
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_a_sink_takes_items_in_a_child_and_returns_its_result():
    parent = os.getpid()
    taken = []
    sink = fork.Sink(taken.append, lambda: (os.getpid(), taken))
    for i in range(3000):
        sink.send({"page": i, "html": "<p>x</p>" * 100})  # ~2.5 MB: more than a pipe holds
    pid, items = sink.result()
    assert pid != parent and taken == []  # taken in the child's copy of the list, not the parent's
    assert [item["page"] for item in items] == list(range(3000))


def test_a_failure_in_a_sink_is_raised_in_the_parent():
    def take(item):
        if item == 2:
            raise ValueError("cannot index page 2")

    sink = fork.Sink(take, lambda: "done")
    with pytest.raises(RuntimeError, match=r"(?s)ValueError: cannot index page 2.*in take"):
        for i in range(100_000):  # the child stops taking items: sending fails, with its reason
            sink.send(i)
        sink.result()


def test_a_search_index_built_in_a_child_is_materials_own_even_for_pages_changed_after_conversion():
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.toc import get_toc

    from kbgen.material_search import ForkedSearchIndex

    config = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stemmer"], "fields": {}}

    def page(name, html):
        return SimpleNamespace(file=SimpleNamespace(src_uri=f"{name}.md"), url=f"{name}/", title=name.title(),
                               meta={"tags": ["t"]}, content=html,
                               toc=get_toc([{"level": 2, "id": "part", "name": "Part", "html": "Part", "children": []}]))

    pages = [page(name, f"<h1>{name}</h1><p>text of {name}</p><h2 id=\"part\">Part</h2><p>more</p>")
             for name in ("alpha", "beta", "gamma")]
    forked = ForkedSearchIndex(SearchIndex(**config))
    for each in pages:
        forked.page_converted(each, each.content)  # as MkDocs converts them
    pages[1].content = "<h1>beta</h1><p>changed by a plugin before indexing</p>"  # after conversion
    for each in reversed(pages):  # indexed in another order than converted
        forked.add_entry_from_context(each)
    in_process = SearchIndex(**config)
    for each in reversed(pages):
        in_process.add_entry_from_context(each)
    assert forked.generate_search_index(None) == in_process.generate_search_index(None)
    assert "changed by a plugin" in in_process.generate_search_index(None)


def test_a_build_that_streams_pages_from_a_forked_child_writes_the_same_site_as_one_process(tmp_path):
    """Pages rendered in one forked child, the search index built in another: the same site, byte for byte."""
    config_file = tmp_path / "mkdocs.yml"
    config = site_config(VALID, docs_copy(tmp_path / "docs"), tmp_path / "site")
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1752192000"}
    sites, logs = {}, {}
    for name, setup in (("streamed", ""), ("one process", "kbgen.fork.available = lambda: False; ")):
        site = tmp_path / name
        program = f"import sys, kbgen.fork; {setup}from mkdocs.__main__ import cli; sys.exit(cli())"
        result = subprocess.run([str(BIN / "python"), "-c", program, "build", "--strict", "--verbose",
                                 "-f", str(config_file), "--site-dir", str(site)],
                                cwd=tmp_path, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        sites[name], logs[name] = _site_files(site), result.stderr
    for message in ("generated files in a forked process", "Indexing the pages for search in a forked process"):
        assert message in logs["streamed"] and message not in logs["one process"]
    for path in ("actors/river-brigade/index.html", "data/kb.stix.json", "search/search_index.json"):
        assert path in sites["streamed"]
    assert sorted(sites["streamed"]) == sorted(sites["one process"])
    assert [path for path in sites["streamed"] if sites["streamed"][path] != sites["one process"][path]] == []


def test_the_search_index_goes_to_a_child_only_where_materials_search_plugin_keeps_one(tmp_path):
    from mkdocs.config import load_config

    from kbgen.material_search import ForkedSearchIndex, index_in_a_forked_process

    for plugins, expected in ((["search", "kbgen"], ForkedSearchIndex), (["kbgen"], type(None)),
                              ([{"search": {"enabled": False}}, "kbgen"], type(None))):
        config = site_config(VALID, docs_copy(tmp_path / f"docs-{len(plugins)}-{expected.__name__}"), tmp_path / "site")
        config["plugins"] = [p if p != "kbgen" else {"kbgen": {"root": str(VALID)}} for p in plugins]
        config_file = tmp_path / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
        loaded = load_config(str(config_file))
        loaded = loaded.plugins.on_config(loaded)
        index = index_in_a_forked_process(loaded.plugins)
        assert type(index) is expected, plugins
        if index is not None:
            assert loaded.plugins["material/search"].search_index is index
            index.close()
