"""Open-data exports, each checked by its own ecosystem's tool: jsonschema, csv + pandas,
the OASIS STIX validator, feedparser; and the published files in a real MkDocs build."""

import csv
import dataclasses
import io
import json
import os
import subprocess
import uuid
import xml.etree.ElementTree as ET

import feedparser
import jsonschema
import pandas
import pytest
from hypothesis import given, settings, strategies as st
import stix2
from stix2validator import ValidationOptions, validate_string

from conftest import BIN, REPO, VALID, docs_copy, kbgen, make_knowledge_base, mkdocs_build, site_config
from sitecheck import pages, parse, target_file
from kbgen.core.urls import Urls
from kbgen.exports import csv_tables, events_feed, recommendations_feed, stix_json
from kbgen.site.cite import bibtex_escape
from kbgen.core import vocab
from kbgen.exports.atom import xml_text
from kbgen.exports.common import NAMESPACE, json_text
from kbgen.exports.records import entity_record, knowledge_base_schema
from kbgen.exports.tables import csv_table, join_list, safe_cell, split_list
from kbgen.link import iter_references
from kbgen.pipeline import read_knowledge_base
from kbgen.exports import knowledge_base_json
from kbgen.pipeline import render_site

# Cells a spreadsheet would run as formulas (OWASP CSV injection), in every text field kind.
HOSTILE = {
    "entities/actors/southland.yml": (
        'name: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"\n'
        "kind: state\n"
        "summary: \"+1+2 and a pipe | inside, a \\\\ backslash\"\n"
        "aliases: [\"@SUM(A1)\", \"-3\", \"\\tTabbed\", \"a|b\"]\n"
        "citations:\n  - source: field-report\n"
    ),
}


@pytest.fixture(scope="module")
def kb():
    return read_knowledge_base(VALID)


@pytest.fixture(scope="module")
def repo_kb():
    return read_knowledge_base(REPO)


# -- kb.json and its schema ----------------------------------------------------

@pytest.mark.parametrize("which", ["kb", "repo_kb"])
def test_kb_json_validates_against_its_schema(which, request):
    data = json.loads(knowledge_base_json(request.getfixturevalue(which)))
    jsonschema.Draft202012Validator.check_schema(knowledge_base_schema())
    jsonschema.Draft202012Validator(knowledge_base_schema()).validate(data)


def test_json_text_is_what_json_dumps_writes_for_every_character():
    every_character = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)  # surrogates never load
    data = {"text": every_character, "nested": [{"n": 0, "big": 2**53, "negative": -7, "yes": True, "no": False,
                                                 "none": None, "empty": [], "nothing": {}}], "ünï": ["\u2028", "\x7f"]}
    assert json_text(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("which", ["kb", "repo_kb"])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_kb_json_is_the_json_text_of_every_entity_record(which, directory_urls, request):
    """kb.json is put together from each model's own JSON: the same text as its records written whole."""
    kb, urls = request.getfixturevalue(which), Urls(directory_urls=directory_urls)
    records = {"generator": "kbgen", "tags": kb.tags,
               "entities": {vocab.FOLDERS[t]: [entity_record(e, urls) for e in kb.all(t)] for t in vocab.ENTITY_TYPES}}
    assert knowledge_base_json(kb, urls) == json_text(records)


def test_kb_schema_rejects_a_missing_field_an_unknown_field_and_a_wrong_vocabulary(kb):
    validator = jsonschema.Draft202012Validator(knowledge_base_schema())
    data = json.loads(knowledge_base_json(kb))
    actor = data["entities"]["actors"][0]
    for change in ({"kind": "dragon"}, {"nickname": "x"}):
        broken = json.loads(json.dumps(data))
        broken["entities"]["actors"][0] = {**actor, **change}
        assert not validator.is_valid(broken), change
    broken = json.loads(json.dumps(data))
    del broken["entities"]["actors"][0]["summary"]
    assert not validator.is_valid(broken)


def test_a_sources_own_url_is_not_overwritten_by_its_page(tmp_path):
    root = make_knowledge_base(tmp_path / "kb", {"entities/sources/field-report.yml":
        'title: A Field Report on Northland\npublished: "2025-07-11"\nurl: https://example.org/report\n'})
    source = json.loads(knowledge_base_json(read_knowledge_base(root)))["entities"]["sources"][0]
    assert source["url"] == "https://example.org/report"
    assert source["page"] == "sources/field-report/"


# -- CSV -----------------------------------------------------------------------

def read_table(text):
    """A CSV file's rows as dicts, read as Python's csv module reads a file opened with utf-8-sig."""
    assert text.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_tables_read_back_with_csv_and_pandas(kb):
    tables = csv_tables(kb)
    assert sorted(tables) == ["actors.csv", "citations.csv", "claims.csv", "events.csv", "recommendations.csv",
                              "relations.csv", "sources.csv"]
    for type_ in ("actor", "event", "recommendation", "source"):
        rows = read_table(tables[f"{type_}s.csv"])
        assert [r["id"] for r in rows] == [e.id for e in kb.all(type_)]
        frame = pandas.read_csv(io.StringIO(tables[f"{type_}s.csv"]))  # pandas' defaults, BOM and all
        assert frame["id"].tolist() == [e.id for e in kb.all(type_)]
        assert frame.columns[0] == "id"
    rows = {r["id"]: r for r in read_table(tables["events.csv"])}
    assert (rows["border-war"]["date"], rows["border-war"]["date_start"], rows["border-war"]["date_end"]) == \
        ("2025-06/2025-07~", "2025-06-01", "2025-07-31")
    actors = {r["id"]: r for r in read_table(tables["actors.csv"])}
    assert split_list(actors["river-brigade"]["aliases"]) == ["Liwa al-Nahr", "RB"]


@pytest.fixture(scope="module")
def retired_kb(tmp_path_factory):
    """The fixture with one actor withdrawn and one event superseded by another."""
    root = tmp_path_factory.mktemp("retired") / "kb"
    make_knowledge_base(root)
    for path, retired in (("entities/actors/river-brigade.yml",
                           "retired:\n  status: withdrawn\n  reason: The report named another group.\n  date: \"2025-07\"\n"),
                          ("entities/events/border-post-attack.yml",
                           "retired:\n  status: superseded\n  reason: Recorded as part of the war.\n  replaced_by: border-war\n")):
        with (root / path).open("a", encoding="utf-8") as file:
            file.write(retired)
    return read_knowledge_base(root)


def test_csv_and_stix_say_which_entries_are_retired_why_and_by_what(retired_kb):
    tables = csv_tables(retired_kb)
    actors = {r["id"]: r for r in read_table(tables["actors.csv"])}
    events = {r["id"]: r for r in read_table(tables["events.csv"])}
    retired = ("retired", "retired_reason", "replaced_by", "retired_date")
    assert [actors["river-brigade"][c] for c in retired] == ["withdrawn", "The report named another group.", "", "2025-07"]
    assert [events["border-post-attack"][c] for c in retired] == ["superseded", "Recorded as part of the war.", "border-war", ""]
    assert [actors["northland"][c] for c in retired] == ["", "", "", ""]  # a standing entry

    text = stix_json(retired_kb)
    results = validate_string(text, ValidationOptions(version="2.1"))
    assert results.errors == [] and [str(w) for w in results.warnings if "{401}" in str(w)] == []
    objects = {o.get("x_kbgen_id"): o for o in json.loads(text)["objects"]}
    assert objects["actor/river-brigade"]["revoked"] is True
    assert objects["actor/river-brigade"]["x_kbgen_retired"] == {
        "status": "withdrawn", "reason": "The report named another group.", "date": "2025-07"}
    assert objects["event/border-post-attack"]["x_kbgen_retired"]["replaced_by"] == "event/border-war"
    assert "revoked" not in objects["actor/northland"] and "x_kbgen_retired" not in objects["actor/northland"]
    assert stix2.parse(text, allow_custom=True).objects  # the OASIS library reads revoked objects too


def test_relations_csv_has_every_typed_link_with_dates_and_citations(kb):
    rows = read_table(csv_tables(kb)["relations.csv"])
    expected = [(e.type, e.id, r.target_type, r.target_id) for t in ("actor", "event", "recommendation", "source")
                for e in kb.all(t) for r in iter_references(e) if "citations" not in r.loc]
    assert [(r["source_type"], r["source_id"], r["target_type"], r["target_id"]) for r in rows] == expected
    assert {r["field"] for r in rows} == {"relations", "participants", "part_of", "addressee", "concerns", "motivated_by"}
    proxy = next(r for r in rows if r["relation"] == "proxy-of")
    assert (proxy["source_id"], proxy["target_id"], proxy["date"], proxy["date_start"]) == \
        ("river-brigade", "southland", "2024~", "2024-01-01")
    assert (proxy["citation_sources"], proxy["citation_quotes"]) == ("field-report", "widely seen as a proxy of Southland")
    initiator = next(r for r in rows if r["relation"] == "initiator")
    assert (initiator["source_id"], initiator["field"], initiator["target_id"]) == ("border-post-attack", "participants", "river-brigade")
    citations = read_table(csv_tables(kb)["citations.csv"])
    assert ("river-brigade", "para. 1") in [(c["entity_id"], c["locator"]) for c in citations]


def test_csv_neutralises_formulas_and_keeps_lists_and_text_exact(tmp_path):
    tables = csv_tables(read_knowledge_base(make_knowledge_base(tmp_path / "kb", HOSTILE)))
    frame = pandas.read_csv(io.StringIO(tables["actors.csv"]), dtype=str, keep_default_na=False)
    southland = frame[frame["id"] == "southland"].iloc[0]
    assert southland["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert southland["summary"] == "'+1+2 and a pipe | inside, a \\ backslash"
    assert southland["aliases"].startswith("'@")  # the cell starts with '@': prefixed
    assert split_list(southland["aliases"][1:]) == ["@SUM(A1)", "-3", "\tTabbed", "a|b"]
    for table in tables.values():
        for row in csv.reader(io.StringIO(table.removeprefix("\ufeff"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@given(st.lists(st.lists(st.one_of(st.none(), st.text(), st.integers()), min_size=1, max_size=5), max_size=4))
@settings(max_examples=200, deadline=None)
def test_csv_table_is_the_text_the_csv_module_writes_every_cell_quoted(rows):
    width = max((len(row) for row in rows), default=1)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header = [f"column {i}" for i in range(width)]
    expected = io.StringIO("\ufeff")
    expected.seek(0, io.SEEK_END)
    writer = csv.writer(expected, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    assert csv_table(header, rows) == expected.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1), st.text())
def test_any_text_survives_a_csv_round_trip_and_never_starts_a_formula(items, text):
    if items == [""]:
        items = ["x"]  # an empty list and a list of one empty item are the same empty cell
    table = csv_table(["list", "text"], [[join_list(items), text]])
    frame = pandas.read_csv(io.StringIO(table), dtype=str, keep_default_na=False)
    row = read_table(table)[0]
    for cell, written in ((row["list"], join_list(items)), (row["text"], text)):
        assert cell == safe_cell(written) or (written.strip() == "" and cell.strip() == "")
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert split_list(row["list"].removeprefix("'") if items[0][:1] in "=+-@\t\r" and items[0] else row["list"]) == items
    assert len(frame) == 1


# -- STIX 2.1 ------------------------------------------------------------------

@pytest.mark.parametrize("which", ["kb", "repo_kb"])
def test_stix_bundle_passes_the_oasis_validator_without_errors(which, request):
    results = validate_string(stix_json(request.getfixturevalue(which)), ValidationOptions(version="2.1"))
    assert results.errors == []
    assert results.is_valid
    # kbgen's own properties are declared by its extension definition: no "custom property" warning.
    assert [str(w) for w in results.warnings if "{401}" in str(w)] == []


def test_stix_bundle_is_read_back_by_the_stix2_library(repo_kb):
    """kbgen writes the objects itself; the OASIS Python library parses and type-checks each of them."""
    text = stix_json(repo_kb)
    bundle = stix2.parse(text, allow_custom=True)
    assert [obj.id for obj in bundle.objects] == [obj["id"] for obj in json.loads(text)["objects"]]
    kinds = {type(obj).__name__ for obj in bundle.objects}
    assert {"Identity", "ThreatActor", "Report", "CourseOfAction", "Relationship", "ExtensionDefinition"} <= kinds


def test_stix_mapping_ids_and_quotes(kb):
    bundle = json.loads(stix_json(kb))
    objects = {o["id"]: o for o in bundle["objects"]}

    def stix(type_, name):
        return objects[f"{type_}--{uuid.uuid5(NAMESPACE, name)}"]

    assert stix("threat-actor", "actor/river-brigade")["aliases"] == ["Liwa al-Nahr", "RB"]
    assert stix("identity", "actor/northland")["identity_class"] == "organization"
    report = stix("report", "event/border-post-attack")
    assert report["published"] == report["created"]  # the report's publication: its newest source's
    assert stix("threat-actor", "actor/river-brigade")["id"] in report["object_refs"]
    assert stix("course-of-action", "recommendation/resume-talks")["name"] == "Resume talks"
    relationships = [o for o in bundle["objects"] if o["type"] == "relationship"]
    proxy = next(r for r in relationships if r["relationship_type"] == "proxy-of")
    assert proxy["source_ref"] == stix("threat-actor", "actor/river-brigade")["id"]
    assert proxy["target_ref"] == stix("identity", "actor/southland")["id"]
    assert proxy["external_references"][0]["description"] == "“widely seen as a proxy of Southland”"
    assert {r["relationship_type"] for r in relationships} >= {"has-initiator", "part-of", "addressed-to", "concerns", "motivated-by"}
    every_ref = {ref for o in bundle["objects"] for key in ("source_ref", "target_ref") if key in o for ref in [o[key]]}
    assert every_ref <= set(objects)


def test_exports_are_byte_identical_on_every_run(kb):
    again = read_knowledge_base(VALID)
    assert stix_json(kb) == stix_json(again)
    assert events_feed(kb) == events_feed(again)
    assert csv_tables(kb) == csv_tables(again)


# -- Atom ----------------------------------------------------------------------

_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))  # what XML can hold


@given(texts=st.lists(_XML_TEXT, min_size=1, max_size=4), attributes=st.lists(_XML_TEXT, max_size=3))
@settings(max_examples=200, deadline=None)
def test_feed_xml_is_the_text_elementtree_writes(texts, attributes):
    """Feeds are written by their own serialiser; its text is ElementTree's, indented, for any text and attribute."""
    feed = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom"})
    ET.SubElement(feed, "empty")
    for text in texts:
        entry = ET.SubElement(feed, "entry", {f"a{i}": value for i, value in enumerate(attributes)})
        ET.SubElement(entry, "title").text = text
        ET.SubElement(entry, "link", {"href": text})
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = text or "x"
    written = xml_text(feed)
    ET.indent(feed)
    assert written == ET.tostring(feed, encoding="unicode")


def test_events_feed_is_valid_atom_newest_first(kb):
    feed = feedparser.parse(events_feed(kb))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Attack on the border post", "Border war"]
    assert [e.updated for e in feed.entries] == ["2025-06-22T00:00:00Z", "2025-06-01T00:00:00Z"]
    assert feed.entries[0].id == f"urn:uuid:{uuid.uuid5(NAMESPACE, 'event/border-post-attack')}"
    assert feed.entries[0].link == "events/border-post-attack/"
    assert feed.entries[0].summary == "22 June 2025 · attack"
    assert "<p>The River Brigade attacked the border post.</p>" in feed.entries[0].content[0].value


def test_a_date_known_only_by_its_end_is_stamped_no_earlier_than_the_source_allows(repo_kb):
    """"By March 2024" says the event had happened by the end of March: Atom dates its entry at the
    31st and gives no ``published``; STIX keeps the date in ``x_kbgen_date`` alone. Neither writes
    1 March, which would say the event happened then."""
    event = repo_kb.get("event", "militias-threaten-retaliation-against-us")
    assert event.date.text == "/2024-03"
    entry = next(e for e in feedparser.parse(events_feed(repo_kb)).entries
                 if e.id == f"urn:uuid:{uuid.uuid5(NAMESPACE, 'event/' + event.id)}")
    assert entry.updated == "2024-03-31T00:00:00Z"
    assert "published" not in entry
    report = next(o for o in json.loads(stix_json(repo_kb))["objects"] if o.get("x_kbgen_id") == f"event/{event.id}")
    assert report["x_kbgen_date"] == "/2024-03"
    assert "2024-03-01" not in json.dumps(report)


def test_feed_content_is_sanitised_like_the_pages(kb):
    # Validation refuses raw HTML and script links in prose (kbgen.prose); the feed must still hold
    # if such text got past it, so the entity is changed after validation here.
    war = kb.get("event", "border-war")
    hostile = war.model_copy(update={"summary": "A <script>alert(1)</script> [x](javascript:alert(1)) *war*"})
    kb = dataclasses.replace(kb, entities={**kb.entities, "event": {**kb.entities["event"], "border-war": hostile}},
                             _sorted={}, _participations=None)  # drop the original's cached orderings
    xml = events_feed(kb)
    assert feedparser.parse(xml).bozo == 0
    content = next(e for e in feedparser.parse(xml).entries if e.title == "Border war").content[0].value
    assert "<em>war</em>" in content
    assert "<script" not in content and "&lt;script" not in xml and "javascript:" not in xml


def test_recommendations_feed_is_valid_and_a_status_change_is_a_new_entry(kb, tmp_path):
    feed = feedparser.parse(recommendations_feed(kb, Urls(site_url="https://kb.example.org/"), site_name="Test KB"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Recommendations — Test KB"
    entry = feed.entries[0]
    assert (entry.title, entry.link) == ("Resume talks (proposed)", "https://kb.example.org/recommendations/resume-talks/")
    text = (VALID / "entities/recommendations/resume-talks.yml").read_text(encoding="utf-8")
    root = make_knowledge_base(tmp_path / "kb", {"entities/recommendations/resume-talks.yml":
                                                 text.replace("status: proposed", "status: adopted")})
    adopted = feedparser.parse(recommendations_feed(read_knowledge_base(root))).entries[0]
    assert adopted.title == "Resume talks (adopted)"
    assert adopted.id != entry.id


# -- Cite this page ------------------------------------------------------------

def test_bibtex_escapes_specials():
    assert bibtex_escape("R&D {x} 50% #1 a_b ^ ~ \\ $") == r"R\&D \{x\} 50\% \#1 a\_b \^{} \~{} \textbackslash{} \$"


def test_citation_uses_site_url_when_set(kb):
    page = next(f for f in render_site(kb, urls=Urls(site_url="https://kb.example.org/"), site_name="Test KB")
                if f.path == "actors/river-brigade.md").content
    assert "https://kb.example.org/actors/river-brigade/" in page
    assert "publisher = {Test KB}" in page
    assert "data-kb-fill" not in page  # the permalink is known: the script leaves it alone


# -- published in a real build -------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """A knowledge base whose titles try to break out of the citation blocks, built by MkDocs
    for a site whose address is configured."""
    work = tmp_path_factory.mktemp("hostile-site")
    title = "</title></code></pre><script>alert(1)</script> ``` {#x} R&D_50%"
    root = make_knowledge_base(work / "kb", {"entities/events/border-war.yml":
        (VALID / "entities/events/border-war.yml").read_text(encoding="utf-8").replace("title: Border war", f"title: '{title}'")})
    config = site_config(root, docs_copy(work / "docs"), work / "site", extra={"site_url": "https://kb.example.org/"})
    result = mkdocs_build(config, work)
    assert result.returncode == 0, result.stderr
    return work / "site"


def test_every_page_links_the_feeds_and_entity_pages_link_their_json(fixture_site):
    for page in pages(fixture_site):
        if 'http-equiv="refresh"' in page.read_text(encoding="utf-8"):
            continue  # a renamed entity's old URL: a redirect stub, not a page of the site
        links = [url for tag, url in parse(page).links if tag == "link"]
        assert any(url.endswith("events.atom") for url in links), page
        assert any(url.endswith("recommendations.atom") for url in links), page
    html = target_file(fixture_site, "/actors/river-brigade/").read_text(encoding="utf-8")
    assert 'rel="alternate" type="application/json"' not in html  # a head link would make Material fetch actors/sitemap.xml
    assert '<a href="../river-brigade.json">JSON</a>' in html
    data = json.loads((fixture_site / "actors" / "river-brigade.json").read_text(encoding="utf-8"))
    assert data["name"] == "River Brigade" and data["page"] == "actors/river-brigade/"
    assert {"type": "recommendation", "id": "resume-talks", "relation": "concerned by"} in data["referenced_by"]


def test_site_publishes_every_export(fixture_site):
    for path in ["data/kb.json", "data/kb.schema.json", "data/csv/actors.csv", "data/csv/events.csv",
                 "data/csv/recommendations.csv", "data/csv/sources.csv", "data/csv/citations.csv",
                 "data/relations.csv", "data/kb.stix.json", "events.atom", "recommendations.atom",
                 "events/border-war.json", "sources/field-report.json"]:
        assert (fixture_site / path).is_file(), path
    assert feedparser.parse((fixture_site / "events.atom").read_bytes()).bozo == 0


def test_cite_this_page_is_inert_and_escaped(hostile_site):
    html = target_file(hostile_site, "/events/border-war/").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html  # in the <title> (Material unescapes it) or the citations
    assert "&lt;/title&gt;&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; ``` {#x} R&amp;D_50%" in html  # plain text
    assert r"title = {{&lt;/title&gt;&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; ``` \{\#x\} R\&amp;D\_50\%}}," in html
    assert "Accessed <span class=\"kb-access-date\">[date]</span>" in html


def test_plugin_passes_the_site_address_to_feeds_and_citations(hostile_site):
    feed = feedparser.parse((hostile_site / "events.atom").read_bytes())
    assert feed.bozo == 0
    assert feed.feed.title == "Events — U.S.–Iran Competition over Iraq"  # site_name from mkdocs.yml
    assert feed.entries[0].link == "https://kb.example.org/events/border-post-attack/"
    html = target_file(hostile_site, "/actors/river-brigade/").read_text(encoding="utf-8")
    assert '<span class="kb-permalink">https://kb.example.org/actors/river-brigade/</span>' in html


# -- command line --------------------------------------------------------------

def test_export_command_writes_each_format(tmp_path):
    result = kbgen("export", "--format", "json", "--root", str(VALID))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["generator"] == "kbgen"
    result = kbgen("export", "--format", "stix", "--root", str(VALID), "-o", str(tmp_path / "kb.stix.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "kb.stix.json").read_text(encoding="utf-8"))["type"] == "bundle"
    result = kbgen("export", "--format", "csv", "--root", str(VALID), "-o", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(csv_tables(read_knowledge_base(VALID)))


def test_exports_are_identical_across_processes(tmp_path):
    """Python's hash seed changes between runs; nothing published may depend on it."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([str(BIN / "kbgen"), "generate", "--root", str(VALID), "--out", str(tmp_path / seed)],
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(tmp_path / seed): p.read_bytes() for p in (tmp_path / seed).rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_export_csv_needs_a_folder_and_an_invalid_kb_exports_nothing(tmp_path):
    assert kbgen("export", "--format", "csv", "--root", str(VALID)).returncode == 2
    assert kbgen("export", "--format", "xml", "--root", str(VALID)).returncode == 2
    root = make_knowledge_base(tmp_path / "kb", {"entities/actors/southland.yml": "name: x\n"})
    result = kbgen("export", "--format", "json", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.startswith("entities/actors/southland.yml:")
