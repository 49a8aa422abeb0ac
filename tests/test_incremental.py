"""A rebuild after edits renders again only the files whose dependency record changed, and gives
exactly what a clean build of the same files gives.

The property test applies random sequences of edits, additions, deletions and id renames to the
fixture knowledge base and compares, after each step, the incrementally rebuilt files (the parse
memo and the page memo kept across steps, as `mkdocs serve` keeps them) with a clean build's,
byte for byte. A small index limit splits the section indexes and the tag pages, so their
dependency records are exercised too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID
from kbgen.core import urls, vocab
from kbgen.pipeline import check_knowledge_base, render_site
from kbgen.runtime import ONE_PROCESS, FileMemo, render_with_memo
from kbgen.site.plan import plan_site

LIMIT = 2  # entities per index page: splits the indexes and tag pages of a fixture this small
TAGS = ["militias", "airspace"]
DATES = ["2025-06-22", "2024-03", "2011", "2024-03~", "2025-06-13/2025-06-24", "2019-11-02", "2019"]
WORDS = ["Amber", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Heron"]
REFERENCE_KEYS = {"actor": "actor", "addressee": "actor", "concerns": "actor", "event": "event",
                  "part_of": "event", "motivated_by": "event", "source": "source"}


@pytest.fixture(autouse=True, scope="module")
def one_process():
    """Builds this small in one process, as `mkdocs serve` runs them: forking a worker for each of
    the property test's hundreds of builds would be most of its time."""
    before = os.environ.get(ONE_PROCESS)
    os.environ[ONE_PROCESS] = "1"
    yield
    if before is None:
        del os.environ[ONE_PROCESS]
    else:
        os.environ[ONE_PROCESS] = before


def read_state(root: Path) -> dict[tuple[str, str], dict]:
    state = {}
    for file in sorted((root / "entities").glob("*/*.yml")):
        state[(file.parent.name, file.stem)] = yaml.safe_load(file.read_text(encoding="utf-8"))
    return state


def write_state(root: Path, state: dict[tuple[str, str], dict]) -> None:
    for file in (root / "entities").glob("*/*.yml"):
        if (file.parent.name, file.stem) not in state:
            file.unlink()
    for (folder, id_), data in state.items():
        file = root / "entities" / folder / f"{id_}.yml"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        if not file.exists() or file.read_text(encoding="utf-8") != text:
            file.write_text(text, encoding="utf-8")


def references(value, key=None):
    """(type, id) of every reference in an entity's data."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from references(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, key)
    elif isinstance(value, str) and key in REFERENCE_KEYS:
        yield REFERENCE_KEYS[key] + "s", value


def renamed(value, folder: str, old: str, new: str, key=None):
    if isinstance(value, dict):
        return {k: renamed(v, folder, old, new, k) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(item, folder, old, new, key) for item in value]
    if isinstance(value, str) and key in REFERENCE_KEYS and REFERENCE_KEYS[key] + "s" == folder and value == old:
        return new
    return value


def apply(state: dict, data, counter: list[int]) -> str:
    """One random change that keeps the knowledge base valid; returns what it did."""
    ids = lambda folder: sorted(i for f, i in state if f == folder)  # noqa: E731
    counter[0] += 1
    fresh = f"entry-{counter[0]}"
    entries = sorted(k for k in state if k[0] != "sources")
    referenced = {ref for entry in state.values() for ref in references(entry)}
    unreferenced = [k for k in entries if k not in referenced]
    renamable = sorted(k for k in state if k[0] in ("actors", "events"))
    # Only the changes the current knowledge base allows: after deleting every event, no event to redate.
    possible = {"title": entries, "summary": entries, "prose": True, "date": ids("events"), "tags": entries,
                "participant": ids("events") and ids("actors"), "add-actor": True, "add-event": ids("actors"),
                "delete": unreferenced, "rename": renamable, "retire": entries}
    kind = data.draw(st.sampled_from([kind for kind, allowed in possible.items() if allowed]))
    if kind == "prose":  # the prose that only an entry's own page shows, besides its summary
        key, field = data.draw(st.sampled_from([(("recommendations", "resume-talks"), "rationale"),
                                                (("recommendations", "resume-talks"), "risks"),
                                                (("sources", "field-report"), "notes")]))
        if key in state:
            state[key][field] = f"A {data.draw(st.sampled_from(WORDS)).lower()} {field}, edit {counter[0]}."
        return f"{kind} {field} of {key}"
    if kind in ("title", "summary", "tags"):
        key = data.draw(st.sampled_from(entries))
        entry = state[key]
        if kind == "title":
            entry["name" if key[0] == "actors" else "title"] = f"{data.draw(st.sampled_from(WORDS))} {fresh}"
        elif kind == "summary":
            entry["summary"] = f"A {data.draw(st.sampled_from(WORDS)).lower()} summary, edit {counter[0]}."
        else:
            entry["tags"] = data.draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=2))
        return f"{kind} {key}"
    if kind == "date":
        key = ("events", data.draw(st.sampled_from(ids("events"))))
        state[key]["date"] = data.draw(st.sampled_from(DATES))
        return f"date {key}"
    if kind == "participant":
        key = ("events", data.draw(st.sampled_from(ids("events"))))
        actor = data.draw(st.sampled_from(ids("actors")))
        state[key]["participants"] = [{"actor": actor, "role": data.draw(st.sampled_from(["initiator", "target"]))}]
        return f"participant {key} -> {actor}"
    if kind == "add-actor":
        entry = {"name": f"{data.draw(st.sampled_from(WORDS))} Council", "kind": "armed-group",
                 "summary": "A fictional group.", "tags": data.draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=2))}
        if ids("actors") and data.draw(st.booleans()):
            entry["relations"] = [{"type": "proxy-of", "actor": data.draw(st.sampled_from(ids("actors")))}]
        entry["citations"] = [{"source": "field-report"}]
        state[("actors", fresh)] = entry
        return f"add actor {fresh}"
    if kind == "add-event":
        state[("events", fresh)] = {
            "title": f"{data.draw(st.sampled_from(WORDS))} incident", "date": data.draw(st.sampled_from(DATES)),
            "kind": "attack", "summary": "A fictional incident.",
            "participants": [{"actor": data.draw(st.sampled_from(ids("actors"))), "role": "initiator"}],
            "tags": data.draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=2)),
            "citations": [{"source": "field-report"}]}
        return f"add event {fresh}"
    if kind == "retire":  # withdrawn (listed apart on its section's first page), or standing again
        key = data.draw(st.sampled_from(entries))
        if state[key].pop("retired", None) is None:
            state[key]["retired"] = {"status": "withdrawn", "reason": f"Its evidence was misread, edit {counter[0]}."}
        return f"retire {key}"
    if kind == "delete":
        key = data.draw(st.sampled_from(unreferenced))
        del state[key]
        return f"delete {key}"
    key = data.draw(st.sampled_from(renamable))  # rename
    entry = state.pop(key)
    entry["former_ids"] = entry.get("former_ids", []) + [key[1]]
    for other in list(state):
        state[other] = renamed(state[other], key[0], key[1], fresh)
    state[(key[0], fresh)] = renamed(entry, key[0], key[1], fresh)
    return f"rename {key} -> {fresh}"


def build(root: Path, parsed: FileMemo | None = None, pages: FileMemo | None = None) -> dict[str, str]:
    kb, problems = check_knowledge_base(root, parsed)
    assert problems == [], problems
    return {f.path: f.content for f in render_site(kb, index_page_entries=LIMIT, pages=pages)}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_incremental_rebuild_equals_a_clean_build_after_every_change(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(VALID, root, dirs_exist_ok=True)
    state = read_state(root)
    parsed, pages = FileMemo(), FileMemo()
    build(root, parsed, pages)
    rendered, listed, counter = 0, 0, [0]
    for _ in range(data.draw(st.integers(1, 6))):
        done = apply(state, data, counter)
        write_state(root, state)
        before = pages.computed
        incremental = build(root, parsed, pages)
        clean = build(root)
        assert sorted(incremental) == sorted(clean), done
        for path in clean:
            assert incremental[path] == clean[path], f"{path} is stale after: {done}"
        rendered += pages.computed - before
        listed += len(clean)
    assert rendered < listed  # files whose record did not change were not rendered again


def test_an_unchanged_knowledge_base_renders_nothing_again_and_an_edit_only_what_reads_it(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    first = build(root, parsed, pages)
    assert pages.computed == len(first)
    build(root, parsed, pages)
    assert pages.computed == len(first)  # nothing changed: nothing rendered

    # The event border-war is named by border-post-attack (part_of) and names northland and southland:
    # retitling it renders again their pages and JSON, its redirects, the pages listing it and the
    # data files, but not the pages of the recommendation or of river-brigade, which do not show it.
    file = root / "entities/events/border-war.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("title: Border war", "title: Border conflict"),
                    encoding="utf-8")
    again = pages.computed
    after = build(root, parsed, pages)
    changed = {path for path in after if after[path] != first.get(path)}
    assert {"events/border-war.md", "events/border-post-attack.md", "actors/northland.md"} <= changed
    assert 0 < pages.computed - again < len(after)
    assert "Border conflict" in after["events/border-war.md"] and "Border conflict" in after["events/border-post-attack.md"]
    assert after["recommendations/resume-talks.md"] == first["recommendations/resume-talks.md"]


def test_a_summary_edit_renders_again_its_own_page_and_json_and_the_files_of_every_entry_but_not_the_pages_naming_it(tmp_path):
    """Other pages show an entry by its title, dates and links, never by its prose: the event's
    participants, its part, and the index and tag pages listing it are not rendered again."""
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    first = build(root, parsed, pages)
    file = root / "entities/events/border-war.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("summary: ", "summary: Revised. ", 1), encoding="utf-8")
    again = pages.computed
    after = build(root, parsed, pages)
    changed = {path for path in after if after[path] != first[path]}
    assert {"events/border-war.md", "events/border-war.json", "data/kb.json", "events.atom"} <= changed
    assert not changed & {"events/border-post-attack.md", "actors/northland.md", "actors/southland.md"}
    # What may be rendered again without changing: the other files that show every entry's prose.
    showing_prose = {urls.entity_table(t) for t in vocab.ENTITY_TYPES} | {urls.feed("events"), urls.feed("recommendations")}
    assert pages.computed - again <= len(changed | showing_prose)


def rendered_again(root: Path, parsed: FileMemo, pages: FileMemo) -> dict[str, str]:
    """The files a rebuild renders again (not taken from the build before), with their content."""
    kb, problems = check_knowledge_base(root, parsed)
    assert problems == [], problems
    plan = plan_site(kb, index_page_entries=LIMIT)
    rendered: list[str] = []
    def rendering(planned):
        rendered.append(planned.path)
        return planned.render
    contents = dict(zip([planned.path for planned in plan], render_with_memo(plan, pages, rendering=rendering)))
    return {path: contents[path] for path in rendered}


def test_a_section_index_reads_its_own_section_and_its_retired_entries_not_every_entry(tmp_path):
    """A section's index (the first page of a split one) lists that section's entries and, apart, its
    retired ones: a new actor renders again the actors' index, not the other sections' indexes, and a
    retired entry's new title renders its section's index again."""
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    rendered_again(root, parsed, pages)
    indexes = {urls.section_index(type_) for type_ in vocab.ENTITY_TYPES}
    (root / "entities/actors/lake-council.yml").write_text(
        "name: Lake Council\nkind: armed-group\nsummary: A council.\ncitations:\n  - source: field-report\n", encoding="utf-8")
    assert set(rendered_again(root, parsed, pages)) & indexes == {urls.section_index("actor")}  # split: its first page

    retired = "retired:\n  status: withdrawn\n  reason: Its evidence was misread.\n"
    for type_, name, renamed in (("event", "title: Border war", "title: Border conflict"),
                                 ("actor", "name: Lake Council", "name: Lake Assembly")):
        file = root / "entities" / vocab.FOLDERS[type_] / ("border-war.yml" if type_ == "event" else "lake-council.yml")
        file.write_text(file.read_text(encoding="utf-8") + retired, encoding="utf-8")
        assert urls.section_index(type_) in rendered_again(root, parsed, pages)
        file.write_text(file.read_text(encoding="utf-8").replace(name, renamed), encoding="utf-8")
        index = rendered_again(root, parsed, pages).get(urls.section_index(type_), "")
        assert renamed.split(": ")[1] in index, f"the {type_}s' index does not show its retired entry's new title"


def test_a_page_of_pages_shows_the_new_counts_when_an_entry_moves_to_another_page(tmp_path):
    """The first page of a split index lists its pages and their counts, not its entries: an actor of
    another kind moves to that kind's page, and the list shows both pages' new counts."""
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    first = rendered_again(root, parsed, pages)[urls.section_index("actor")]
    assert "State](kinds/state.md) — 2 actors" in first
    file = root / "entities/actors/southland.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("kind: state", "kind: armed-group"), encoding="utf-8")
    index = rendered_again(root, parsed, pages).get(urls.section_index("actor"), "")
    assert "State](kinds/state.md) — 1 actor\n" in index and "Armed group](kinds/armed-group.md) — 2 actors" in index


def test_the_files_made_of_every_entry_make_again_only_the_edited_entry_s_pieces(tmp_path):
    """kb.json, the STIX bundle, the feeds and the CSV tables are made of a piece per entry: after a
    summary edit each file showing it makes again the edited event's piece alone (its page and the
    others naming it show no prose), after a retitling that of each entry naming it too."""
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    build(root, parsed, pages)
    first = pages.pieces_made
    assert first > 0
    file = root / "entities/events/border-war.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("summary: ", "summary: Revised. ", 1), encoding="utf-8")
    after = build(root, parsed, pages)
    assert pages.pieces_made - first == 4  # its pieces of kb.json, kb.stix.json, events.atom and events.csv
    assert all("Revised." in after[path] for path in (urls.KB_JSON, urls.STIX_BUNDLE, "events.atom", urls.entity_table("event")))

    # Retitled: border-post-attack names it (part_of), and so its pieces are made again too.
    made = pages.pieces_made
    file.write_text(file.read_text(encoding="utf-8").replace("title: Border war", "title: Border conflict"),
                    encoding="utf-8")
    build(root, parsed, pages)
    # And the tables of links, citations and claims, which show no prose, are made again too: 7 files.
    assert pages.pieces_made - made == 2 * 7
    build(root, parsed, pages)
    assert pages.pieces_made - made == 2 * 7  # nothing changed: no piece made


def test_with_history_an_unchanged_repository_renders_nothing_again_and_a_new_commit_equals_a_clean_build(tmp_path):
    from history_repo import git, make_history_repo
    from kbgen.history.timeline import read_history

    root = tmp_path / "kb"
    make_history_repo(root)

    def build_with_history(parsed=None, pages=None):
        kb, problems = check_knowledge_base(root, parsed)
        assert problems == [], problems
        history = read_history(root, kb)
        return {f.path: f.content for f in render_site(kb, index_page_entries=LIMIT, pages=pages, history=history)}

    parsed, pages = FileMemo(), FileMemo()
    first = build_with_history(parsed, pages)
    build_with_history(parsed, pages)
    assert pages.computed == len(first)  # the same history, read again: nothing rendered again

    file = root / "entities/actors/river-brigade.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("name: River Brigade", "name: Riverside Brigade"),
                    encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Rename the River Brigade", day=20)
    after = build_with_history(parsed, pages)
    assert after == build_with_history()  # a clean build of the new commit
    assert "Rename the River Brigade" in after["changes.md"] and after["changes.md"] != first["changes.md"]

    # A commit is shown in the History section of the entries it changed, and in /changes/ and its
    # feed: the files that show neither it nor what it changed are not rendered again.
    file.write_text(file.read_text(encoding="utf-8").replace("summary: ", "summary: Revised. ", 1), encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Revise the brigade's summary", day=21)
    before = pages.computed
    revised = build_with_history(parsed, pages)
    assert revised == build_with_history()
    changed = {path for path in revised if revised[path] != after[path]}
    assert {"actors/river-brigade.md", "changes.md", "changes.atom"} <= changed
    showing_prose = {urls.entity_table(t) for t in vocab.ENTITY_TYPES} | {urls.feed("events"), urls.feed("recommendations")}
    assert pages.computed - before <= len(changed | showing_prose) < len(revised)


def test_a_history_fingerprint_is_the_same_for_the_same_commits_and_changes_with_each_commit(tmp_path):
    from history_repo import git, make_history_repo
    from kbgen.history.timeline import read_history

    root = tmp_path / "kb"
    make_history_repo(root)
    kb, problems = check_knowledge_base(root)
    assert problems == []
    seen = {read_history(root, kb).fingerprint()}
    assert read_history(root, kb).fingerprint() in seen
    fewer = read_history(root, kb, recent_commits=2).fingerprint()  # fewer commits read claim by claim
    assert fewer not in seen
    seen.add(fewer)
    git(root, "commit", "--quiet", "--allow-empty", "-m", "An empty commit changes no entry", day=21)
    assert read_history(root, kb).fingerprint() in seen - {fewer}  # it touches no file under entities/
    git(root, "mv", "entities/actors/river-brigade.yml", "entities/actors/river-guard.yml")
    git(root, "commit", "--quiet", "-m", "Rename the file", day=22)
    kb, _ = check_knowledge_base(root)
    assert read_history(root, kb).fingerprint() not in seen


def test_an_edit_saved_then_committed_shows_the_commit_in_the_entry_s_history(tmp_path):
    """An editor saves (the entry's page is rendered again with the history as it was) and then
    commits: the knowledge base is the same, the history is not, and the entry's page shows the commit."""
    from history_repo import git, make_history_repo
    from kbgen.history.timeline import read_history

    root = tmp_path / "kb"
    make_history_repo(root)

    def build_with_history(parsed=None, pages=None):
        kb, problems = check_knowledge_base(root, parsed)
        assert problems == [], problems
        return {f.path: f.content for f in render_site(kb, pages=pages, history=read_history(root, kb))}

    parsed, pages = FileMemo(), FileMemo()
    build_with_history(parsed, pages)
    file = root / "entities/actors/northland.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("summary: ", "summary: Revised. ", 1), encoding="utf-8")
    saved = build_with_history(parsed, pages)
    assert "Revise Northland's summary" not in saved["actors/northland.md"]
    git(root, "commit", "--quiet", "-am", "Revise Northland's summary", day=20)
    committed = build_with_history(parsed, pages)
    assert "Revise Northland's summary" in committed["actors/northland.md"]
    assert committed == build_with_history()


def test_a_source_s_archived_text_removed_is_no_longer_announced_on_its_page(tmp_path):
    """A source's page says whether its publisher's text is archived: removing the text, its YAML
    unchanged, renders the page again."""
    root = tmp_path / "kb"
    shutil.copytree(VALID, root)
    parsed, pages = FileMemo(), FileMemo()
    first = build(root, parsed, pages)
    assert "is archived with this knowledge base" in first["sources/field-report.md"]
    (root / "entities/sources/field-report.txt").unlink()
    after = build(root, parsed, pages)
    assert "is archived with this knowledge base" not in after["sources/field-report.md"]
    assert after == build(root)
