#!/usr/bin/env python3
"""Benchmark kbgen on synthetic knowledge bases of realistic shape (``make bench``).

Speed targets are checked here, by figures a person reads, never by timed tests.
For each size (default 1,000 and 10,000 entities) it writes a synthetic knowledge
base under ``build/bench/`` (about 40 % actors, 45 % events, 15 % recommendations,
plus sources with archived texts, so quote verification runs on every quote), then
measures, in one run:

- ``kbgen validate``: wall time and peak memory (median of several runs);
- page generation, load -> model -> graph -> pages, per stage (median);
- the plugin's ``on_files`` on a rebuild after a one-file edit (what ``mkdocs serve``
  does on each change), with the memo warm;
- ``mkdocs serve --dirty`` (``make serve``): from saving a file to the served pages showing the
  change, for an edit of a summary (one page shows it), a rename of an actor (every page naming it),
  an addition, a deletion and an id rename (``--serve-only`` measures only this);
- ``mkdocs build`` with the kbgen plugin (and the time the build's own process spends
  in the plugin's hooks: the pages are rendered by a worker process beside MkDocs'),
  and the bare ``mkdocs build`` of the same pages written to disk beforehand with the
  plugin off: kbgen's share of the build is the difference;
- the same two builds with the kbgen option ``search: pagefind`` (Pagefind's chunked index in
  place of Material's search, what the README recommends for large knowledge bases): the bare
  build without a search plugin, then Pagefind run on its site, as the plugin runs it;
- the site's size, its largest page and its search index, and the size of Pagefind's index;
- the cost of history (``--history``, on by default): the knowledge base committed to a git
  repository of its own with a synthetic history of 200 commits (edits, additions, deletions),
  built with the plugin's ``history`` option on and off, and the ratio (target: at most 1.10);
  then the same ``mkdocs serve --dirty`` edits as above in that repository, history on (an
  editor's knowledge base is a repository: every rebuild reads its history).

- ``kbgen build --engine mkdocs|properdocs|zensical`` of the same knowledge base
  (``--engines-only`` times only these).
  ``--search-only SITE`` times the searches of a built site in Chromium.

It prints a table and writes it as JSON (``build/bench/results.json``).

    .venv/bin/python scripts/bench.py [--sizes 1000 10000] [--repeat 3] [--build-repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# -- synthetic knowledge base -------------------------------------------------

WORDS = (
    "militia government ministry border strike drone airspace oil sanctions court parliament "
    "embassy talks ceasefire convoy province council election budget pipeline refinery port "
    "advisers training brigade commander minister spokesman statement report analysts officials "
    "pressure influence deterrence restraint escalation retaliation negotiations agreement "
    "reconstruction security forces network financing smuggling customs revenue contract missile "
    "defence system purchase delegation visit summit envoy coalition withdrawal presence base"
).split()
TAGS = [f"theme-{n:02d}" for n in range(20)]


def _prose(rng: random.Random, words: int) -> str:
    """About ``words`` words of Markdown: sentences, some emphasis, a link, sometimes a list."""
    sentences, count = [], 0
    while count < words:
        n = rng.randint(8, 18)
        chosen = [rng.choice(WORDS) for _ in range(n)]
        if rng.random() < 0.3:
            i = rng.randrange(n)
            chosen[i] = f"**{chosen[i]}**"
        if rng.random() < 0.15:
            i = rng.randrange(n)
            chosen[i] = f"[{chosen[i]}](https://example.org/{rng.randrange(10_000)})"
        sentences.append(" ".join(chosen).capitalize() + ".")
        count += n
    paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    if rng.random() < 0.2:
        paragraphs.append("\n".join(f"- {rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(3)))
    return "\n\n".join(paragraphs)


def _archive(rng: random.Random, words: int) -> str:
    lines, count = [], 0
    while count < words:
        n = rng.randint(12, 30)
        lines.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        count += n
    return "\n\n".join(" ".join(lines[i:i + 4]) for i in range(0, len(lines), 4)) + "\n"


def _citations(rng: random.Random, sources: list[str], archives: dict[str, list[str]], count: int) -> list[dict]:
    cited = []
    for _ in range(count):
        source = rng.choice(sources)
        citation: dict = {"source": source}
        if rng.random() < 0.8:  # a real verbatim quote: 6-14 consecutive words of the archived text
            words = archives[source]
            start = rng.randrange(len(words) - 15)
            citation["quote"] = " ".join(words[start:start + rng.randint(6, 14)])
        if rng.random() < 0.5:
            citation["locator"] = f"para. {rng.randint(1, 80)}"
        cited.append(citation)
    return cited


def _date(rng: random.Random) -> str:
    year, month, day = rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)
    form = rng.random()
    if form < 0.7:
        return f"{year}-{month:02d}-{day:02d}"
    if form < 0.85:
        return f"{year}-{month:02d}"
    if form < 0.92:
        return f"{year}-{month:02d}~"
    if form < 0.96:
        return f"{year}"
    return f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{min(day + 5, 28):02d}"


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def make_knowledge_base(root: Path, size: int, seed: int = 8) -> dict[str, int]:
    """A valid knowledge base of ``size`` actors, events and recommendations, plus sources, under ``root``."""
    rng = random.Random(seed)
    vocab = _vocab()
    if root.exists():
        shutil.rmtree(root)
    folders = {t: root / "entities" / t for t in ("actors", "events", "recommendations", "sources")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    n_actors, n_events = size * 40 // 100, size * 45 // 100
    n_recs = size - n_actors - n_events
    n_sources = max(3, size // 200)

    _dump(root / "entities" / "tags.yml", {tag: f"Synthetic theme {tag}." for tag in TAGS})
    sources = [f"source-{i:05d}" for i in range(n_sources)]
    archives: dict[str, list[str]] = {}
    for i, sid in enumerate(sources):
        text = _archive(rng, 3_000)  # an article of ~3,000 words
        (folders["sources"] / f"{sid}.txt").write_text(text, encoding="utf-8")
        archives[sid] = text.split()
        _dump(folders["sources"] / f"{sid}.yml", {
            "title": f"Synthetic report {i}", "published": f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "author": f"Author {i}", "publisher": "Synthetic Press", "url": f"https://example.org/reports/{i}",
            "notes": _prose(rng, 30),
        })

    actors = [f"actor-{i:05d}" for i in range(n_actors)]
    hubs = actors[:10]  # a few actors (states, big groups) take part in many events, as in real data

    def some_actor(exclude: str | None = None) -> str:
        while True:
            pick = rng.choice(hubs) if rng.random() < 0.2 else rng.choice(actors)
            if pick != exclude:
                return pick

    for i, aid in enumerate(actors):
        data: dict = {"name": f"Actor {i} {rng.choice(WORDS).capitalize()}", "kind": rng.choice(vocab["kinds"]),
                      "summary": _prose(rng, 100)}
        if rng.random() < 0.6:
            data["aliases"] = [f"A{i}", f"Alias {rng.choice(WORDS)} {i}"] + (["العراق " + str(i)] if rng.random() < 0.3 else [])
        relations = []
        for _ in range(rng.randint(0, 3)):
            relation = {"type": rng.choice(vocab["relations"]), "actor": some_actor(aid)}
            if rng.random() < 0.3:
                relation["date"] = _date(rng)
            relation["citations"] = _citations(rng, sources, archives, 1)
            relations.append(relation)
        if relations:
            data["relations"] = relations
        data["tags"] = rng.sample(TAGS, rng.randint(0, 2))
        data["citations"] = _citations(rng, sources, archives, rng.randint(1, 3))
        _dump(folders["actors"] / f"{aid}.yml", data)

    events = [f"event-{i:05d}" for i in range(n_events)]
    for i, eid in enumerate(events):
        participants, seen = [], set()
        for _ in range(rng.randint(1, 4)):
            actor = some_actor()
            if actor not in seen:
                seen.add(actor)
                participants.append({"actor": actor, "role": rng.choice(vocab["roles"])})
        data = {"title": f"Event {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}", "date": _date(rng),
                "kind": rng.choice(vocab["event_kinds"]), "summary": _prose(rng, 100), "participants": participants}
        if rng.random() < 0.5:
            data["location"] = f"Province {rng.randint(1, 18)}"
        if i > 0 and rng.random() < 0.2:
            data["part_of"] = events[rng.randrange(i)]  # only earlier events: no cycles
        if i > 0 and rng.random() < 0.2:
            data["relations"] = [{"type": rng.choice(vocab["event_relations"]), "event": events[rng.randrange(i)],
                                  "citations": _citations(rng, sources, archives, 1)}]
        data["tags"] = rng.sample(TAGS, rng.randint(0, 2))
        data["citations"] = _citations(rng, sources, archives, rng.randint(1, 3))
        _dump(folders["events"] / f"{eid}.yml", data)

    for i in range(n_recs):
        data = {"title": f"Recommendation {i}", "addressee": some_actor(), "summary": _prose(rng, 100),
                "concerns": sorted({some_actor() for _ in range(rng.randint(0, 3))}),
                "motivated_by": sorted({rng.choice(events) for _ in range(rng.randint(0, 3))}),
                "instruments": rng.sample(vocab["instruments"], rng.randint(1, 2)),
                "rationale": _prose(rng, 30), "risks": _prose(rng, 20), "status": rng.choice(vocab["statuses"]),
                "tags": rng.sample(TAGS, rng.randint(0, 2)),
                "citations": _citations(rng, sources, archives, rng.randint(1, 2))}
        _dump(folders["recommendations"] / f"recommendation-{i:05d}.yml", data)
    return {"actors": n_actors, "events": n_events, "recommendations": n_recs, "sources": n_sources}


def _vocab() -> dict[str, list[str]]:
    from kbgen.core import vocab

    return {"kinds": list(vocab.ACTOR_KINDS), "relations": list(vocab.ACTOR_RELATIONS),
            "roles": list(vocab.PARTICIPANT_ROLES), "event_kinds": list(vocab.EVENT_KINDS),
            "event_relations": list(vocab.EVENT_RELATIONS), "instruments": list(vocab.INSTRUMENTS),
            "statuses": list(vocab.RECOMMENDATION_STATUSES)}


# -- measurements -------------------------------------------------------------

CPU_SECONDS: dict[str, list[float]] = {}  # command name -> user + system seconds of each run


def fresh_build(config: Path, site: Path, work: Path, kbgen_time: Path | None = None,
                pagefind: bool = False) -> tuple[float, float]:
    """One ``mkdocs build --strict`` into an empty site folder (removing the last site is not timed).
    With ``kbgen_time``, the seconds the build's own process spent in the kbgen plugin's hooks
    are written there (:data:`TIMED_BUILD_SCRIPT`). With ``pagefind``, the build is followed by
    Pagefind indexing the site as the plugin has it do (the time and memory of both)."""
    shutil.rmtree(site, ignore_errors=True)
    if pagefind:
        return peak_memory_run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config)], work,
                               via=[sys.executable, "-c", BUILD_THEN_PAGEFIND_SCRIPT, str(site)])
    if kbgen_time is None:
        return peak_memory_run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config)], work)
    return peak_memory_run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config)], work,
                           via=[sys.executable, "-c", TIMED_BUILD_SCRIPT, str(kbgen_time)])


def peak_memory_run(command: list[str], cwd: Path, via: list[str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``command`` alone, via ``/usr/bin/time -f``;
    its CPU seconds (with its children's) go to ``CPU_SECONDS`` (steadier than wall time on a
    shared machine). ``via`` runs the command's arguments through another program instead."""
    timing = cwd / ".bench-time"
    start = time.perf_counter()
    run = (via + command[1:]) if via else command
    result = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", str(timing), *run], cwd=cwd, env=ENV,
                            capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    user, system, peak_kb = timing.read_text().split()[-3:]
    CPU_SECONDS.setdefault(Path(command[0]).name + " " + command[1], []).append(float(user) + float(system))
    peak_kb = int(peak_kb)
    timing.unlink()
    return wall, peak_kb / 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


STAGES_SCRIPT = r"""
import json, os, sys, time
from pathlib import Path
from kbgen import runtime
from kbgen.pipeline import check_knowledge_base, render_site
from kbgen.site.plan import plan_site
root = Path(sys.argv[1])
os.environ[runtime.ONE_PROCESS] = "1"  # each stage as one process does it
t0 = time.perf_counter(); kb, problems = check_knowledge_base(root)
runtime.keep_for_good()  # as `kbgen generate` and a one-off `mkdocs build` do once the knowledge base is read
t1 = time.perf_counter(); plan = plan_site(kb)
t2 = time.perf_counter(); [planned.render() for planned in plan]  # as `mkdocs serve` does
t3 = time.perf_counter()
del os.environ[runtime.ONE_PROCESS]
files = render_site(kb)  # with a worker, as `kbgen generate` does
t4 = time.perf_counter()
assert not problems, problems[:5]
print(json.dumps({"check": t1 - t0, "plan": t2 - t1, "render_one_process": t3 - t2, "render": t4 - t3, "pages": len(files)}))
"""

# `mkdocs build` in this process, timing what the kbgen plugin's hooks take of it: the rest of
# kbgen's work (rendering the files) runs in a worker process beside MkDocs' own.
TIMED_BUILD_SCRIPT = r"""
import atexit, json, sys, time
from pathlib import Path
import kbgen.mkdocs.plugin
spent = {"hooks_s": 0.0}
for name in ("on_files", "on_pre_page", "on_env", "on_post_build"):
    def timed(*args, _method=getattr(kbgen.mkdocs.plugin.KbgenPlugin, name), **kwargs):
        start = time.perf_counter()
        try:
            return _method(*args, **kwargs)
        finally:
            spent["hooks_s"] += time.perf_counter() - start
    setattr(kbgen.mkdocs.plugin.KbgenPlugin, name, timed)
out = Path(sys.argv.pop(1))
atexit.register(lambda: out.write_text(json.dumps(spent)))
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
cli()
"""

# A bare build followed by Pagefind, as the plugin's `search: pagefind` runs it after MkDocs has written the site.
BUILD_THEN_PAGEFIND_SCRIPT = r"""
import sys
from pathlib import Path
from kbgen.mkdocs.pagefind import index_site
site = Path(sys.argv.pop(1))
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
try:
    cli()
except SystemExit as end:
    if end.code:
        raise
index_site(site)
"""

REBUILD_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
config = load_config(sys.argv[1])
plugin = config.plugins["kbgen"]
config.plugins.on_config(config)
edited = Path(sys.argv[2])
timings = []
for attempt in range(3):
    if attempt:  # a one-file edit between builds, as an editor saving under `mkdocs serve`
        edited.write_text(edited.read_text(encoding="utf-8").replace("summary: ", f"summary: Edit {attempt}. ", 1), encoding="utf-8")
    files = get_files(config)
    start = time.perf_counter()
    plugin.on_files(files, config=config)
    timings.append(time.perf_counter() - start)
print(json.dumps({"cold": timings[0], "warm": timings[1:], "parses": getattr(plugin, "parse_count", None)}))
"""


def site_config(root: Path, docs: Path, site: Path, plugin: bool) -> dict:
    """The repository's mkdocs.yml (theme, plugins, extensions), pointed at the synthetic knowledge base."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs), site_dir=str(site))
    config["theme"]["custom_dir"] = str(REPO / "docs" / "overrides")
    plugins = []
    for entry in config["plugins"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name != "kbgen":
            plugins.append(entry)
        elif plugin:
            options = {} if isinstance(entry, str) else dict(entry["kbgen"])
            plugins.append({"kbgen": {**options, "root": str(root)}})
    config["plugins"] = plugins
    return config


def hand_written_docs(target: Path) -> Path:
    """The repository's docs/ with a home page of the synthetic knowledge base's own."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "docs", target)
    (target / "index.md").write_text("# Synthetic knowledge base\n\nSee the [actors](actors/index.md).\n", encoding="utf-8")
    return target


def site_sizes(site: Path) -> dict:
    total, largest, largest_path = 0, 0, ""
    for file in site.rglob("*"):
        if file.is_file():
            size = file.stat().st_size
            total += size
            if file.suffix == ".html" and size > largest:
                largest, largest_path = size, file.relative_to(site).as_posix()
    index = site / "search" / "search_index.json"
    return {"site_mb": total / 1e6, "largest_page_kb": largest / 1e3, "largest_page": largest_path,
            "search_index_mb": index.stat().st_size / 1e6 if index.exists() else 0.0,
            "files": sum(1 for f in site.rglob("*") if f.is_file())}


def bench_size(size: int, work: Path, repeat: int, build_repeat: int) -> dict:
    root = work / f"kb-{size}"
    print(f"[{size}] writing synthetic knowledge base to {root}", file=sys.stderr)
    counts = make_knowledge_base(root, size)
    result: dict = {"entities": size, "counts": counts}
    kbgen = str(BIN / "kbgen")

    runs = [peak_memory_run([kbgen, "validate", "--root", str(root)], work) for _ in range(repeat)]
    result["validate_s"] = median([w for w, _ in runs])
    result["validate_peak_mb"] = max(m for _, m in runs)
    result["validate_cpu_s"] = median(CPU_SECONDS.pop("kbgen validate"))
    print(f"[{size}] validate {result['validate_s']:.2f}s, {result['validate_peak_mb']:.0f} MB", file=sys.stderr)

    stages = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", STAGES_SCRIPT, str(root)], env=ENV, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr)
        stages.append(json.loads(out.stdout))
    result["generate_stages_s"] = {k: median([s[k] for s in stages]) for k in ("check", "plan", "render_one_process", "render")}
    result["generate_s"] = median([s["check"] + s["plan"] + s["render"] for s in stages])
    result["generate_one_process_s"] = median([s["check"] + s["plan"] + s["render_one_process"] for s in stages])
    result["pages"] = stages[0]["pages"]
    print(f"[{size}] generate {result['generate_s']:.2f}s {result['generate_stages_s']}", file=sys.stderr)

    # Four builds of the same knowledge base: with the plugin as `make build` runs it (mkdocs build
    # --strict; the plugin validates), with the kbgen option `search: pagefind` (Pagefind's index in
    # place of Material's search), and the same pages written beforehand and built by plain MkDocs
    # with the plugin off, with Material's search and without a search plugin followed by Pagefind
    # (as the plugin runs it with `search: pagefind`). Each round builds each once, so that a slow
    # stretch of a shared machine falls on both sides of a ratio; each ratio is the median of the
    # rounds' ratios.
    docs = hand_written_docs(work / f"docs-{size}")
    plugin_config = work / f"mkdocs-{size}-plugin.yml"
    plugin_config.write_text(yaml.safe_dump(site_config(root, docs, work / f"site-{size}-plugin", True), sort_keys=False))
    kbgen_time = work / f"kbgen-time-{size}.json"
    pagefind_config = work / f"mkdocs-{size}-pagefind.yml"
    config = site_config(root, docs, work / f"site-{size}-pagefind", True)
    config["plugins"] = [{"kbgen": {**entry["kbgen"], "search": "pagefind"}} if isinstance(entry, dict) and "kbgen" in entry
                         else entry for entry in config["plugins"] if entry != "search"]
    pagefind_config.write_text(yaml.safe_dump(config, sort_keys=False))
    bare_docs = hand_written_docs(work / f"docs-{size}-bare")
    subprocess.run([kbgen, "generate", "--root", str(root), "--out", str(bare_docs)], check=True, env=ENV, capture_output=True)
    bare_configs = {}
    for key, with_pagefind in (("build_bare", False), ("build_bare_pagefind", True)):
        bare_configs[key] = work / f"mkdocs-{size}-{key}.yml"
        config = site_config(root, bare_docs, work / f"site-{size}-bare", False)
        if with_pagefind:
            config["plugins"] = [entry for entry in config["plugins"] if entry != "search"]
        bare_configs[key].write_text(yaml.safe_dump(config, sort_keys=False))
    kinds = {
        "build_plugin": lambda: fresh_build(plugin_config, work / f"site-{size}-plugin", work, kbgen_time),
        "build_bare": lambda: fresh_build(bare_configs["build_bare"], work / f"site-{size}-bare", work),
        "build_pagefind": lambda: fresh_build(pagefind_config, work / f"site-{size}-pagefind", work),
        "build_bare_pagefind": lambda: fresh_build(bare_configs["build_bare_pagefind"], work / f"site-{size}-bare", work,
                                                   pagefind=True),
    }
    builds: dict[str, list[tuple[float, float]]] = {key: [] for key in kinds}
    cpu: dict[str, list[float]] = {key: [] for key in kinds}
    hooks = []
    for _ in range(build_repeat):
        for key, build in kinds.items():
            builds[key].append(build())
            cpu[key].append(CPU_SECONDS.pop("mkdocs build")[-1])
            if key == "build_plugin":
                hooks.append(json.loads(kbgen_time.read_text())["hooks_s"])
            print(f"[{size}] {key.replace('_', ' ')} {builds[key][-1][0]:.1f}s", file=sys.stderr)
    for key in kinds:
        result[f"{key}_s"] = median([w for w, _ in builds[key]])
        result[f"{key}_all_s"] = [w for w, _ in builds[key]]
        result[f"{key}_cpu_s"] = median(cpu[key])
    result["build_peak_mb"] = max(m for _, m in builds["build_plugin"])
    result["build_pagefind_peak_mb"] = max(m for _, m in builds["build_pagefind"])
    result["build_kbgen_hooks_s"] = median(hooks)
    result["make_build_s"] = result["build_plugin_s"]
    result.update(site_sizes(work / f"site-{size}-plugin"))
    bundle = work / f"site-{size}-pagefind" / "pagefind"
    result["pagefind_index_mb"] = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()) / 1e6
    for ratio, (over, under) in (("plugin_over_bare", ("build_plugin", "build_bare")),
                                 ("pagefind_plugin_over_bare", ("build_pagefind", "build_bare_pagefind"))):
        result[f"{ratio}_all"] = [a / b for (a, _), (b, _) in zip(builds[over], builds[under])]
        result[ratio] = median(result[f"{ratio}_all"])
    print(f"[{size}] build with plugin {result['build_plugin_s']:.1f}s, {result['build_kbgen_hooks_s']:.1f}s of it "
          f"in kbgen's hooks; plugin/bare {result['plugin_over_bare']:.2f}", file=sys.stderr)
    # kbgen's part of the build's own process (loading, validating, planning, taking the rendered files):
    result["kbgen_share"] = result["build_kbgen_hooks_s"] / result["make_build_s"]
    # All of kbgen's work, as if done before MkDocs' in one process (validate + generate), against the build.
    result["kbgen_work_share"] = result["generate_one_process_s"] / result["make_build_s"]

    # `mkdocs serve` rebuild after a one-file edit: the plugin's part (on_files), cache warm.
    edited = root / "entities" / "actors" / "actor-00001.yml"
    out = subprocess.run([sys.executable, "-c", REBUILD_SCRIPT, str(plugin_config), str(edited)],
                         env=ENV, capture_output=True, text=True, cwd=work)
    if out.returncode != 0:
        sys.exit(out.stderr)
    rebuild = json.loads(out.stdout)
    result["serve_on_files_cold_s"] = rebuild["cold"]
    result["serve_on_files_after_edit_s"] = median(rebuild["warm"])
    result["serve_parses"] = rebuild["parses"]
    print(f"[{size}] serve on_files cold {rebuild['cold']:.2f}s, after one edit {median(rebuild['warm']):.2f}s", file=sys.stderr)

    # `mkdocs serve --dirty` (make serve), from saving a file to the served pages showing it (the last: files change).
    result.update({f"serve_{k}": v for k, v in serve_edits(root, plugin_config, work).items()})
    print(f"[{size}] serve --dirty: summary {result['serve_edit_text_s']:.2f}s, name {result['serve_edit_s']:.2f}s, add {result['serve_add_s']:.2f}s, "
          f"delete {result['serve_delete_s']:.2f}s, rename {result['serve_rename_s']:.2f}s", file=sys.stderr)
    result.update(engine_builds(size, root, work, build_repeat))
    return result


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _served(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _until(predicate, limit: float) -> float:
    """Seconds until ``predicate()`` holds, polled every 20 ms (``limit`` at most, then an error)."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > limit:
            sys.exit("bench: the served site did not show the change")
        time.sleep(0.02)
    return time.perf_counter() - start


SERVE_ROUNDS = 3
"""Rounds of the five edits under one `mkdocs serve`: each figure is their median (one save's time
varies by a third from run to run on a shared machine)."""


def serve_edits(root: Path, config: Path, work: Path, rounds: int = SERVE_ROUNDS) -> dict:
    """From saving a file to ``mkdocs serve --dirty`` (``make serve``) serving it, on every page that
    shows it: an actor's summary edited (its page), the actor renamed (its page, and an event page that
    names it; with the section index, tag pages and others, about 80 pages at 1,000 entities), a new
    actor, that actor deleted, and a recommendation's id renamed (its new page and the redirect at the old).
    ``rounds`` rounds of the five, each figure their median (``*_all``: every round's). The first build
    is timed too."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = (work / "serve.log").open("w")
    start = time.perf_counter()
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "-f", str(config), "-a", f"127.0.0.1:{port}"],
                              cwd=work, env=ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    result: dict = {}
    times: dict[str, list[float]] = {name: [] for name in ("edit_text_s", "edit_s", "add_s", "delete_s", "rename_s")}
    try:
        actor = root / "entities" / "actors" / "actor-00001.yml"
        data = yaml.safe_load(actor.read_text(encoding="utf-8"))
        event = next(f.stem for f in sorted((root / "entities" / "events").glob("*.yml"))
                     if "actor: actor-00001\n" in f.read_text(encoding="utf-8"))
        _until(lambda: data["name"] in _served(base + "actors/actor-00001/")[1], 1800)
        result["first_build_s"] = time.perf_counter() - start
        time.sleep(2)  # the watcher settles
        name = data["name"]

        def served(key: str, *shown) -> None:
            """The time from the save just made until every predicate in ``shown`` holds, as ``key``."""
            saved = time.perf_counter()
            for predicate in shown:
                _until(predicate, 300)
            times[key].append(time.perf_counter() - saved)
            time.sleep(1)

        for round_ in range(1, rounds + 1):
            # A change of text only its own page shows (and what lists it with its summary).
            revised = f"Revised {round_}."
            actor.write_text(actor.read_text(encoding="utf-8").replace("summary: ", f"summary: {revised} ", 1),
                             encoding="utf-8")
            served("edit_text_s", lambda: revised in _served(base + "actors/actor-00001/")[1])

            renamed = f"{data['name']} Renamed {round_}"
            actor.write_text(actor.read_text(encoding="utf-8").replace(f"name: {name}", f"name: {renamed}", 1),
                             encoding="utf-8")
            name = renamed
            served("edit_s", *(lambda page=page: renamed in _served(base + page)[1]
                               for page in ["actors/actor-00001/", f"events/{event}/"]))

            added = root / "entities" / "actors" / f"actor-bench-new-{round_}.yml"
            added_name = f"Bench New Actor {round_}"
            added.write_text(f"name: {added_name}\nkind: person\nsummary: Added by the benchmark.\n"
                             f"citations:\n  - source: source-00000\n", encoding="utf-8")
            served("add_s", lambda: added_name in _served(base + f"actors/{added.stem}/")[1])

            added.unlink()
            served("delete_s", lambda: _served(base + f"actors/{added.stem}/")[0] == 404)

            # The id renamed again each round, its former ids kept: recommendation-00001 -> -renamed-1 -> -renamed-2.
            old_id = "recommendation-00001" if round_ == 1 else f"recommendation-renamed-{round_ - 1}"
            new_id = f"recommendation-renamed-{round_}"
            old = root / "entities" / "recommendations" / f"{old_id}.yml"
            lines = old.read_text(encoding="utf-8").splitlines(keepends=True)
            former = [line for line in lines if line.startswith("former_ids: [")]
            earlier = former[0][len("former_ids: ["):].rstrip().rstrip("]") + ", " if former else ""
            old.unlink()
            (root / "entities" / "recommendations" / f"{new_id}.yml").write_text(
                "".join(line for line in lines if line not in former) + f"former_ids: [{earlier}{old_id}]\n",
                encoding="utf-8")
            served("rename_s", lambda: _served(base + f"recommendations/{new_id}/")[0] == 200
                   and 'http-equiv="refresh"' in _served(base + f"recommendations/{old_id}/")[1])
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
    for key, values in times.items():
        if values:
            result[key] = median(values)
            result[key.removesuffix("_s") + "_all_s"] = values
    return result


HISTORY_COMMITS = 200


def make_history(root: Path, commits: int = HISTORY_COMMITS, seed: int = 15) -> dict:
    """``root`` (a knowledge base) made a git repository with ``commits`` commits: the knowledge base,
    then edits of a few entries' summaries, a new actor added every tenth commit and removed ten later."""
    rng = random.Random(seed)
    env = {**ENV, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args: str, day: int = 0) -> None:
        stamp = f"{1735689600 + day * 3600} +0000"  # 1 January 2025, one commit an hour
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                       env={**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})

    shutil.rmtree(root / ".git", ignore_errors=True)
    git("init", "--quiet")
    git("add", "-A")
    git("commit", "--quiet", "-m", "Start the knowledge base")
    actors = sorted((root / "entities" / "actors").glob("*.yml"))
    edited = added = removed = 0
    extra: list[Path] = []
    for n in range(1, commits):
        if n % 10 == 0:
            new = root / "entities" / "actors" / f"bench-added-{n:04d}.yml"
            _dump(new, {"name": f"Added actor {n}", "kind": "person", "summary": _prose(rng, 20)})
            extra.append(new)
            added += 1
            subject = f"Add actor {n}"
        elif n % 10 == 5 and extra:
            extra.pop(0).unlink()
            removed += 1
            subject = f"Remove an actor added by mistake ({n})"
        else:
            for path in rng.sample(actors, 3):
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                data["summary"] = data["summary"] + f" Revised {n}."
                _dump(path, data)
                edited += 1
            subject = f"Revise three summaries ({n})"
        git("add", "-A")
        git("commit", "--quiet", "-m", subject, day=n)
    return {"commits": commits, "files_edited": edited, "actors_added": added, "actors_removed": removed}


def bench_history(size: int, work: Path, build_repeat: int) -> dict:
    """The build of a knowledge base with 200 commits of history, with the plugin's ``history`` on and off."""
    root = work / f"kb-{size}-history"
    print(f"[{size}] writing synthetic knowledge base with {HISTORY_COMMITS} commits of history to {root}", file=sys.stderr)
    make_knowledge_base(root, size)
    result: dict = {"history": make_history(root)}
    docs = hand_written_docs(work / f"docs-{size}-history")
    for key, history in (("build_history_s", True), ("build_no_history_s", False)):
        config = site_config(root, docs, work / f"site-{size}-history", True)
        for entry in config["plugins"]:
            if isinstance(entry, dict) and "kbgen" in entry:
                entry["kbgen"]["history"] = history
        path = work / f"mkdocs-{size}-{key}.yml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        runs = [fresh_build(path, work / f"site-{size}-history", work) for _ in range(build_repeat)]
        result[key] = median([w for w, _ in runs])
        result[key.replace("_s", "_cpu_s")] = median(CPU_SECONDS.pop("mkdocs build"))
        print(f"[{size}] {key.replace('_', ' ')} {result[key]:.1f}s", file=sys.stderr)
    out = subprocess.run([sys.executable, "-c", HISTORY_READ_SCRIPT, str(root)], env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    result.update(json.loads(out.stdout))
    result["history_over_no_history"] = result["build_history_s"] / result["build_no_history_s"]
    result["history_over_no_history_cpu"] = result["build_history_cpu_s"] / result["build_no_history_cpu_s"]
    print(f"[{size}] history: build ×{result['history_over_no_history']:.3f} (CPU ×{result['history_over_no_history_cpu']:.3f}), "
          f"reading it {result['read_history_s']:.2f}s", file=sys.stderr)
    # An editor's knowledge base is a repository: serve reads its history on every rebuild (the last: files change).
    serve = serve_edits(root, work / f"mkdocs-{size}-build_history_s.yml", work)
    result.update({f"serve_history_{k}": v for k, v in serve.items()})
    print(f"[{size}] serve --dirty with history: summary {serve['edit_text_s']:.2f}s, name {serve['edit_s']:.2f}s, add {serve['add_s']:.2f}s, "
          f"delete {serve['delete_s']:.2f}s, rename {serve['rename_s']:.2f}s", file=sys.stderr)
    return result


# Reading the history alone (one git log pass, one cat-file process), in the process that checked the knowledge base.
HISTORY_READ_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from kbgen.pipeline import read_knowledge_base
from kbgen.history.timeline import read_history
root = Path(sys.argv[1])
kb = read_knowledge_base(root)
start = time.perf_counter()
history = read_history(root, kb)
print(json.dumps({"read_history_s": time.perf_counter() - start, "tombstones": len(history.tombstones),
                  "recent_changes": sum(len(c) for _, c in history.recent)}))
"""


ENGINES = ("mkdocs", "properdocs", "zensical")


def engine_builds(size: int, root: Path, work: Path, build_repeat: int) -> dict:
    """``kbgen build --engine E`` of the same knowledge base and docs for each engine, wall seconds and
    peak memory of the largest process (MkDocs and ProperDocs run the plugin; for Zensical kbgen stages
    the pages, which is timed with it)."""
    docs = hand_written_docs(work / f"docs-{size}-engines")
    project = work / f"engines-{size}"
    project.mkdir(exist_ok=True)
    config = project / "mkdocs.yml"
    config.write_text(yaml.safe_dump(site_config(root, docs, project / "site", True), sort_keys=False))
    result = {}
    for engine in ENGINES:
        runs = []
        for _ in range(build_repeat):
            shutil.rmtree(project / "site", ignore_errors=True)
            runs.append(peak_memory_run([str(BIN / "kbgen"), "build", "--engine", engine, "-f", str(config)], project))
        CPU_SECONDS.pop("kbgen build")
        result[f"engine_{engine}_s"] = median([w for w, _ in runs])
        result[f"engine_{engine}_peak_mb"] = max(m for _, m in runs)
        print(f"[{size}] kbgen build --engine {engine} {result[f'engine_{engine}_s']:.1f}s, "
              f"{result[f'engine_{engine}_peak_mb']:.0f} MB", file=sys.stderr)
    return result


SEARCH_QUERIES = ["militia", "Actor 4321", "smuggling pipeline"]


def search_responsiveness(site: Path) -> dict:
    """Search in headless Debian Chromium against the built site served on 127.0.0.1. Material's
    search (when the site has its index): seconds from opening the home page until the first query
    shows results (the search worker downloads the index and builds it in the browser), then from
    typing each further query to its results. Pagefind's (a site built with kbgen's
    ``search: pagefind``): each query's seconds through Pagefind's API, the first one loading it.
    Needs Playwright (``pip install playwright``); no browser is downloaded."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            if (site / "search" / "search_index.json").exists():  # Material's search (the default)
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="load")
                results["page_load_s"] = time.perf_counter() - start
                box = page.locator("input.md-search__input")
                for n, query in enumerate(SEARCH_QUERIES):
                    box.click()
                    box.fill("")
                    typed = time.perf_counter()
                    box.type(query)
                    page.wait_for_function(
                        "q => document.querySelector('.md-search-result__meta')?.textContent.match(/\\d/)"
                        " && document.querySelector('input.md-search__input').value === q", arg=query, timeout=300_000)
                    elapsed = time.perf_counter() - typed
                    results["first_query_after_load_s" if n == 0 else f"query_{n}_s"] = elapsed + (results["page_load_s"] if n == 0 else 0)
                results["later_query_s"] = max(results[f"query_{n}_s"] for n in range(1, len(SEARCH_QUERIES)))
            if (site / "pagefind" / "pagefind.js").exists():  # a site indexed by Pagefind (kbgen's `search: pagefind`)
                fresh = browser.new_page()
                fresh.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="load")
                received = []
                fresh.on("response", lambda r: received.append(r) if "/pagefind/" in r.url else None)
                results["pagefind_s"] = fresh.evaluate("""async (queries) => {
                    const pagefind = await import('/pagefind/pagefind.js');
                    const times = [];
                    for (const q of queries) {
                        const start = performance.now();
                        const found = await pagefind.search(q);
                        await Promise.all(found.results.slice(0, 10).map(r => r.data()));
                        times.push((performance.now() - start) / 1000);
                    }
                    return times;
                }""", SEARCH_QUERIES)
                results["pagefind_downloaded_mb"] = sum(len(r.body()) for r in received) / 1e6
            browser.close()
    finally:
        server.shutdown()
    return results


def _ratios(result: dict, key: str) -> str:
    """A ratio's median, then each round's when there were several."""
    rounds = result.get(f"{key}_all", [])
    shown = f"{result[key]:.2f}"
    return shown + (f" ({', '.join(f'{r:.2f}' for r in rounds)})" if len(rounds) > 1 else "")


ROWS = [
    ("history_over_no_history", "build with 200 commits of history / without (target ≤ 1.10)",
     lambda r: f"{r['history_over_no_history']:.3f} (CPU {r['history_over_no_history_cpu']:.3f})"),
    ("entities", "entities (+ sources)", lambda r: f"{r['entities']:,} (+{r['counts']['sources']})"),
    ("pages", "generated files", lambda r: f"{r['pages']:,}"),
    ("validate_s", "kbgen validate, s (CPU s)", lambda r: f"{r['validate_s']:.2f} ({r['validate_cpu_s']:.2f})"),
    ("validate_peak_mb", "kbgen validate peak memory, MB", lambda r: f"{r['validate_peak_mb']:.0f}"),
    ("generate_s", "page generation (check→plan→render), with a worker, s", lambda r: f"{r['generate_s']:.2f}"),
    ("generate_one_process_s", "page generation in one process, s", lambda r: f"{r['generate_one_process_s']:.2f}"),
    ("render_s", "  of which rendering, s (in one process)", lambda r: f"{r['generate_stages_s']['render']:.2f} ({r['generate_stages_s']['render_one_process']:.2f})"),
    ("build_plugin_s", "mkdocs build with kbgen plugin, Material's search, s (CPU s)", lambda r: f"{r['build_plugin_s']:.1f} ({r['build_plugin_cpu_s']:.1f})"),
    ("build_bare_s", "bare mkdocs build, same pages, Material's search, s (CPU s)", lambda r: f"{r['build_bare_s']:.1f} ({r['build_bare_cpu_s']:.1f})"),
    ("plugin_over_bare", "plugin build / bare build, Material's search (each round)", lambda r: _ratios(r, "plugin_over_bare")),
    ("build_pagefind_s", "mkdocs build with search: pagefind, s (peak MB)", lambda r: f"{r['build_pagefind_s']:.1f} ({r['build_pagefind_peak_mb']:.0f})"),
    ("build_bare_pagefind_s", "bare mkdocs build + Pagefind, same pages, s", lambda r: f"{r['build_bare_pagefind_s']:.1f}"),
    ("pagefind_plugin_over_bare", "plugin build / bare build, search: pagefind (each round)", lambda r: _ratios(r, "pagefind_plugin_over_bare")),
    ("make_build_s", "make build (mkdocs build --strict, plugin on), s", lambda r: f"{r['make_build_s']:.1f}"),
    ("build_kbgen_hooks_s", "kbgen's hooks in the build's own process, s", lambda r: f"{r['build_kbgen_hooks_s']:.1f}"),
    ("kbgen_share", "kbgen share of make build (its hooks)", lambda r: f"{100 * r['kbgen_share']:.1f} %"),
    ("kbgen_work_share", "kbgen work (check → pages, one process) / make build", lambda r: f"{100 * r['kbgen_work_share']:.1f} %"),
    ("build_peak_mb", "mkdocs build peak memory, MB", lambda r: f"{r['build_peak_mb']:.0f}"),
    ("serve_on_files_after_edit_s", "serve rebuild after one edit: kbgen on_files, s", lambda r: f"{r['serve_on_files_after_edit_s']:.2f} (cold {r['serve_on_files_cold_s']:.2f})"),
    ("serve_edit_s", f"serve --dirty, saved -> served, s, median of {SERVE_ROUNDS} rounds: a summary, a name shown on many pages, add, delete, rename (first build)",
     lambda r: f"{r['serve_edit_text_s']:.2f}, {r['serve_edit_s']:.2f}, {r['serve_add_s']:.2f}, {r['serve_delete_s']:.2f}, "
               f"{r['serve_rename_s']:.2f} ({r['serve_first_build_s']:.0f})"),
    ("serve_history_edit_s", "the same in a repository with 200 commits, history on",
     lambda r: f"{r['serve_history_edit_text_s']:.2f}, {r['serve_history_edit_s']:.2f}, {r['serve_history_add_s']:.2f}, "
               f"{r['serve_history_delete_s']:.2f}, "
               f"{r['serve_history_rename_s']:.2f}"),
    ("site_mb", "site size, MB", lambda r: f"{r['site_mb']:.1f}"),
    ("largest_page_kb", "largest page, KB", lambda r: f"{r['largest_page_kb']:.0f} ({r['largest_page']})"),
    ("search_index_mb", "search index, MB", lambda r: f"{r['search_index_mb']:.1f}"),
    ("pagefind_index_mb", "Pagefind's index and scripts, MB", lambda r: f"{r['pagefind_index_mb']:.1f}"),
    *[(f"engine_{engine}_s", f"kbgen build --engine {engine}, s (peak memory)",
       lambda r, e=engine: f"{r[f'engine_{e}_s']:.1f} ({r[f'engine_{e}_peak_mb']:.0f} MB)") for engine in ENGINES],
]


def table(results: list[dict]) -> str:
    header = ["measure"] + [f"{r['entities']:,}" for r in results]
    rows = [[label] + [fmt(r) for r in results] for _, label, fmt in ROWS]
    if len(results) >= 2:
        small, large = results[0], results[-1]
        factor = large["entities"] / small["entities"]
        for key, label in (("make_build_s", "make build"), ("site_mb", "site size"), ("validate_s", "validate")):
            rows.append([f"{label} ratio {large['entities']:,}/{small['entities']:,} (size ×{factor:g})"]
                        + [""] * (len(results) - 1) + [f"{large[key] / small[key]:.1f} ×"])
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in [header] + rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast steps (median)")
    parser.add_argument("--build-repeat", type=int, default=2,
                        help="rounds of the four mkdocs builds, one of each a round, and runs of each "
                             "history and engine build (medians)")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default WORK/results.json)")
    parser.add_argument("--serve-only", action="store_true",
                        help="only the edit -> served times of `mkdocs serve --dirty` (and its first build)")
    parser.add_argument("--history-only", action="store_true",
                        help="only the cost of history: builds with 200 commits of history, with and without it")
    parser.add_argument("--search-only", type=Path, metavar="SITE",
                        help="only time Material's search in Chromium on an already built site (needs playwright)")
    parser.add_argument("--engines-only", action="store_true", help="only time kbgen build with each engine")
    args = parser.parse_args()
    if args.engines_only:  # only the three engines' builds, on the synthetic knowledge bases
        args.work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            root = args.work.resolve() / f"kb-{size}"
            make_knowledge_base(root, size)
            figures = engine_builds(size, root, args.work.resolve(), args.build_repeat)
            print(json.dumps({"entities": size, **figures}))
        return 0
    if args.search_only:
        print(json.dumps(search_responsiveness(args.search_only), indent=1))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    if args.serve_only:
        for size in args.sizes:
            work = args.work.resolve()
            root = work / f"kb-{size}"
            make_knowledge_base(root, size)
            config = work / f"mkdocs-{size}-serve.yml"
            config.write_text(yaml.safe_dump(site_config(root, hand_written_docs(work / f"docs-{size}"),
                                                         work / f"site-{size}-serve", True), sort_keys=False))
            print(json.dumps({"entities": size, **serve_edits(root, config, work)}))
        return 0
    if args.history_only:
        history = {size: bench_history(size, args.work.resolve(), args.build_repeat) for size in args.sizes}
        print(json.dumps(history, indent=1))
        return 0
    results = [{**bench_size(size, args.work.resolve(), args.repeat, args.build_repeat),
                **bench_history(size, args.work.resolve(), args.build_repeat)} for size in args.sizes]
    out = args.out or args.work / "results.json"
    out.write_text(json.dumps({"machine": {"cpus": os.cpu_count()}, "repeat": args.repeat,
                               "build_repeat": args.build_repeat, "results": results}, indent=1) + "\n")
    print(table(results))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
