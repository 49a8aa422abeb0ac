"""The site from git at build time: /changes/, /changes.atom, each entry's History section, retired
entries and the pages left at deleted entries' addresses; built with real MkDocs + Material from a
git repository made by the test, and from a shallow clone of it."""

import json
import subprocess

import feedparser
import pytest

from conftest import VALID, docs_copy, kbgen, make_knowledge_base, mkdocs_build, serve_directory, site_config
from history_repo import git, make_history_repo
from sitecheck import broken_links, target_file


def build(root, work, **options):
    config = site_config(root, docs_copy(work / "docs"), work / "site")
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "kbgen" in entry:
            entry["kbgen"].update(options)
    result = mkdocs_build(config, work)
    assert result.returncode == 0, result.stderr
    return work / "site", result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("history-site") / "kb"
    make_history_repo(repo)
    return repo


@pytest.fixture(scope="module")
def history_site(repo, tmp_path_factory):
    return build(repo, tmp_path_factory.mktemp("history-build"))[0]


def page(site, url):
    return target_file(site, url).read_text(encoding="utf-8")


def test_changes_page_lists_each_commit_by_day_newest_first_linking_each_entry(history_site):
    html = page(history_site, "/changes/")
    days = ["7 July 2025", "6 July 2025", "5 July 2025", "4 July 2025", "3 July 2025", "2 July 2025", "1 July 2025"]
    positions = [html.index(f">{day}<") for day in days]
    assert positions == sorted(positions)
    assert '<a href="../actors/river-brigade/">River Brigade</a> (actor): relation linked to → Northland added, citing “Northland’s militia”' in html
    assert '<a href="../events/border-post-attack/">Attack on the border post</a> (event): date&#58; 22 June 2025 → 21 June 2025' in html
    assert '<a href="../events/frontier-war/">Frontier war</a> (event): renamed from border-war' in html
    assert '<a href="../actors/lake-watch/">Lake Watch</a> (actor): removed' in html
    assert "Withdraw the talks recommendation" in html
    assert broken_links(history_site) == []


def test_changes_feed_is_valid_atom_linked_from_every_page(history_site):
    feed = feedparser.parse((history_site / "changes.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries][:2] == ["Remove the Lake Watch: the report does not name it",
                                                   "Withdraw the talks recommendation"]
    assert len(feed.entries) == 7
    assert feed.entries[0].updated == "2025-07-07T10:00:00Z"
    assert 'href="actors/lake-watch/"' in feed.entries[0].content[0].value
    for html_page in history_site.rglob("*.html"):
        text = html_page.read_text(encoding="utf-8")
        if "<head>" in text and 'http-equiv="refresh"' not in text:
            assert 'title="Changes" href="' in text and 'changes.atom"' in text, html_page


def test_entry_page_has_a_history_section_following_renames(history_site):
    html = page(history_site, "/events/border-post-attack/")
    history = html[html.index('id="history"'):]
    assert history.index("5 July 2025") < history.index("3 July 2025") < history.index("1 July 2025")
    assert "date&#58; 22 June 2025 → 21 June 2025" in history and "(Correct the attack's date)" in history
    renamed = page(history_site, "/events/frontier-war/")
    history = renamed[renamed.index('id="history"'):]
    assert "renamed from border-war" in history and "1 July 2025" in history and "added" in history


def test_deleted_entry_keeps_a_page_at_its_old_address_saying_when_and_why(history_site):
    html = page(history_site, "/actors/lake-watch/")
    assert "Removed." in html and "7 July 2025" in html
    assert "Remove the Lake Watch&#58; the report does not name it" in html or "Remove the Lake Watch: the report does not name it" in html
    # A renamed entry's old id redirects instead; it gets no tombstone.
    assert 'http-equiv="refresh"' in page(history_site, "/events/border-war/")


def test_retired_entry_has_a_banner_is_listed_apart_and_left_out_of_search(history_site):
    html = page(history_site, "/recommendations/resume-talks/")
    assert "Withdrawn (12 July 2025)." in html and "misread" in html
    index = page(history_site, "/recommendations/")
    assert index.index("Retired recommendations") < index.index("resume-talks/")
    docs = json.loads((history_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [d for d in docs if d["location"].startswith("recommendations/resume-talks/")]
    assert [d for d in docs if d["location"].startswith("actors/river-brigade/")]


def test_number_of_commits_covered_is_a_plugin_option(repo, tmp_path):
    site, _ = build(repo, tmp_path, recent_commits=2)
    html = page(site, "/changes/")
    assert "2 most recent commits" in html and ">6 July 2025<" in html and ">5 July 2025<" not in html
    assert len(feedparser.parse((site / "changes.atom").read_bytes()).entries) == 2
    # Older changes are still on the entry page, by date and commit subject.
    assert "(Correct the attack's date)" in page(site, "/events/border-post-attack/")


def test_shallow_clone_builds_and_says_history_is_unavailable(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True)
    site, log = build(clone, tmp_path / "build")
    assert "History is unavailable: the site was built from a shallow clone" in log
    assert "History is unavailable" in page(site, "/changes/")
    assert not feedparser.parse((site / "changes.atom").read_bytes()).bozo
    assert 'id="history"' not in page(site, "/events/border-post-attack/")


RETIRED_SOUTHLAND = "retired:\n  status: superseded\n  reason: Merged into Northland in a later report.\n  replaced_by: northland\n"


def test_active_entries_referring_to_a_retired_one_get_a_warning_not_an_error(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {
        "entities/actors/southland.yml": (VALID / "entities/actors/southland.yml").read_text(encoding="utf-8") + RETIRED_SOUTHLAND})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 0, result.stdout
    assert "entities/actors/river-brigade.yml:7:12: warning: actor 'southland' is retired (superseded: Merged into Northland " \
           "in a later report.); it is replaced by 'northland'" in result.stderr
    assert "entities/recommendations/resume-talks.yml:2:12: warning: actor 'southland' is retired" in result.stderr
    github = kbgen("validate", "--root", str(root), "--format", "github")
    assert "::warning file=entities/recommendations/resume-talks.yml,line=2,col=12::" in github.stderr


def graph_of(html):
    graph = html[html.index('class="kb-graph'):]
    return graph[:graph.index("</svg>")]


def test_retired_entry_is_left_out_of_graph_neighbourhoods(tmp_path, fixture_site):
    assert "Southland" in graph_of(page(fixture_site, "/actors/river-brigade/"))
    root = make_knowledge_base(tmp_path / "kb", {
        "entities/actors/southland.yml": (VALID / "entities/actors/southland.yml").read_text(encoding="utf-8") + RETIRED_SOUTHLAND})
    site, _ = build(root, tmp_path)
    graph = graph_of(page(site, "/actors/river-brigade/"))
    assert "Southland" not in graph and "Attack on the border post" in graph
    assert "Superseded." in page(site, "/actors/southland/") and 'href="../northland/"' in page(site, "/actors/southland/")


def test_superseded_needs_what_replaces_it(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml":
        (VALID / "entities/actors/southland.yml").read_text(encoding="utf-8") + "retired:\n  status: superseded\n  reason: Merged.\n"})
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1
    assert "a superseded entry needs 'replaced_by'" in result.stdout


def test_tombstone_is_served_at_the_old_address(history_site, browser):
    with serve_directory(history_site) as url:
        tab = browser.new_page()
        response = tab.goto(url + "/actors/lake-watch/")
        assert response.status == 200
        assert "Removed." in tab.inner_text(".kb-removed")
        assert "Lake Watch" in tab.title()
        tab.close()


def test_a_commit_adding_many_entries_is_listed_in_part_and_counted(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    for n in range(120):
        (root / f"entities/actors/extra-{n:03d}.yml").write_text(
            f"name: Extra {n}\nkind: person\nsummary: A fictional person used in kbgen's tests.\n", encoding="utf-8")
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Import the knowledge base")
    out = tmp_path / "out"
    result = kbgen("generate", "--root", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    changes = (out / "changes.md").read_text(encoding="utf-8")
    assert changes.count("(actor): added") == 100 and "… and 27 more changes in this commit." in changes
    assert "— added <span" in (out / "actors/extra-119.md").read_text(encoding="utf-8")


def test_outside_git_the_changes_page_says_history_is_unavailable(tmp_path):
    out = tmp_path / "out"
    result = kbgen("generate", "--root", str(make_knowledge_base(tmp_path / "kb")), "--out", str(out))
    assert result.returncode == 0 and "History is unavailable" in result.stderr
    assert "History is unavailable&#58; the knowledge base is not in a git repository" in (out / "changes.md").read_text(encoding="utf-8")


def test_a_commit_subject_is_inert_text_on_every_page_and_in_the_feed(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/lake-watch.yml": "name: Lake Watch\nkind: armed-group\n"
                                                 "summary: A fictional patrol used in kbgen's tests.\n"})
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Start")
    (root / "entities/actors/lake-watch.yml").unlink()
    subject = "<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"
    git(root, "commit", "--quiet", "-am", subject, day=2)
    out = tmp_path / "out"
    assert kbgen("generate", "--root", str(root), "--out", str(out)).returncode == 0
    for page_file in ("changes.md", "actors/lake-watch.md"):
        text = (out / page_file).read_text(encoding="utf-8")
        assert "<script" not in text and "](javascript" not in text and "49" not in text, page_file
        assert "&lt;script&gt;" in text or "&#60;script&#62;" in text, page_file
    feed = feedparser.parse((out / "changes.atom").read_bytes())
    assert not feed.bozo and feed.entries[0].title == subject


def test_a_rename_without_former_ids_leaves_a_page_pointing_at_the_new_one(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/lake-watch.yml": "name: Lake Watch\nkind: armed-group\n"
                                                 "summary: A fictional patrol used in kbgen's tests.\n"})
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Start")
    git(root, "mv", "entities/actors/lake-watch.yml", "entities/actors/lake-patrol.yml")
    git(root, "commit", "--quiet", "-m", "Call the Lake Watch by its id lake-patrol", day=2)
    out = tmp_path / "out"
    assert kbgen("generate", "--root", str(root), "--out", str(out)).returncode == 0
    tombstone = (out / "actors/lake-watch.md").read_text(encoding="utf-8")
    assert "2 July 2025" in tombstone and 'It is now <a href="../lake-patrol/">Lake Watch</a>.' in tombstone
    history = (out / "actors/lake-patrol.md").read_text(encoding="utf-8")
    assert "renamed from lake-watch" in history and "1 July 2025</time> — added" in history
