"""Claims that carry their weight, on a fixture of three made-up sources (tests/fixtures/graded)
that disagree on a date, a role and whether a relation holds: graded notes, disputed values side
by side, what each source supports, and every export carrying all of it, each checked by its own
ecosystem's validator."""

import html
import io
import json
from pathlib import Path

import jsonschema
import pandas
import pytest
import stix2
from stix2.confidence import scales
from stix2validator import ValidationOptions, validate_string

from conftest import TESTS, assert_matches_golden, kbgen, make_knowledge_base
from kbgen.core import vocab
from kbgen.exports import csv_tables, knowledge_base_json, stix_json
from kbgen.exports.records import knowledge_base_schema
from kbgen.exports.stix import CERTAINTY_CONFIDENCE, CREDIBILITY_CONFIDENCE
from kbgen.exports.tables import split_list
from kbgen.model.schema import entity_schema
from kbgen.pipeline import check_knowledge_base, read_knowledge_base, render_site

GRADED = TESTS / "fixtures" / "graded"
GOLDEN = TESTS / "golden" / "graded"
FIRE = "entities/events/salt-quay-fire.yml"


@pytest.fixture(scope="module")
def kb():
    return read_knowledge_base(GRADED)


@pytest.fixture(scope="module")
def pages(kb):
    return {f.path: f.content for f in render_site(kb)}


def test_graded_pages_match_golden_files(pages):
    """Regenerate with KBGEN_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    folders = tuple(f"{folder}/" for folder in vocab.FOLDERS.values())
    assert_matches_golden({p: c for p, c in pages.items() if p.endswith(".md") and p.startswith(folders)}, GOLDEN)


def test_a_disputed_date_shows_both_values_side_by_side_with_their_graded_sources(pages):
    page = html.unescape(pages["events/salt-quay-fire.md"])
    assert '2 April 2031 <a class="kb-disputed" href="#sources-differ"' in page
    assert "## Sources differ" in page
    assert ('<caption>Date</caption>\n<thead><tr><th scope="col">2 April 2031 <em class="kb-preferred">preferred</em></th>'
            '<th scope="col">5 April 2031</th></tr></thead>') in page
    assert 'Harbour Gazette, 3 April 2031</a> <abbr class="kb-grade" title="Source reliability B: usually reliable. ' \
           'Information credibility 2: probably true.">B2</abbr>' in page
    assert "<caption>Role of Tern Lodge — no value preferred</caption>" in page
    assert '<th scope="col">initiator</th><th scope="col">participant</th>' in page
    assert "2 independent sources" in page


def test_a_disputed_relation_and_a_hedged_participant(pages):
    lodge = html.unescape(pages["actors/tern-lodge.md"])
    assert "<caption>Whether Tern Lodge is backed by Marsh Council — no value preferred</caption>" in lodge
    assert '<th scope="col">holds</th><th scope="col">does not hold</th>' in lodge
    assert ">F6</abbr>" in lodge  # Lantern Wire (F) reporting the council's denial (6)
    assert "role disputed" in lodge  # its timeline keeps the dispute
    fire = html.unescape(pages["events/salt-quay-fire.md"])
    assert '— participant <span class="kb-certainty"' in fire and "(possible)</span>" in fire
    assert "single source</span>" in fire


def test_the_timeline_places_a_disputed_entry_by_its_preferred_date_and_marks_it(pages):
    timeline = pages["events/index.md"]
    fire = timeline.index("Fire on the Salt Quay")
    assert timeline.index("Harbour unrest") < fire  # the unrest (March–April) first, then the fire
    assert "<strong>2 April 2031</strong>" in timeline
    assert 'class="kb-disputed"' in timeline[fire - 200:fire + 400]
    assert "Quay workers (possible)" in timeline


def test_a_single_sourced_entry_says_so(pages):
    assert 'kb-single-sourced"' in pages["events/harbour-unrest.md"]
    assert "single-sourced" not in pages["events/salt-quay-fire.md"]


def test_a_source_page_lists_every_claim_citing_it_grouped_by_entry(pages):
    page = html.unescape(pages["sources/harbour-gazette.md"])
    assert "## What this source supports" in page
    section = page[page.index("## What this source supports"):page.index("## Referenced by")]
    for claim in ("Tern Lodge as initiator", "date: 2 April 2031", "backed by Marsh Council: holds", "the entry"):
        assert claim in section, claim
    assert "“Fire broke out on the Salt Quay on 2 April 2031”" in section
    assert section.index("Tern Lodge</a>") < section.index("Fire on the Salt Quay</a>")  # actors, then events
    assert '<tr><td>Reliability</td><td><abbr class="kb-grade"' in page and "</abbr> usually reliable</td>" in page


def test_the_graph_draws_uncertain_links_dashed_with_the_word(pages):
    fire = pages["events/salt-quay-fire.md"]
    for label in ("participant (disputed)", "participant (possible)", "part of (likely)"):
        assert f'text-anchor="middle">{label}</text>' in fire, label
    assert fire.count('stroke-dasharray="6 4"') == 6  # each uncertain link: into its label, and on
    unrest = pages["events/harbour-unrest.md"]
    assert unrest.count('stroke-dasharray="6 4"') == 2  # the fire is likely part of it; its organizer is named plainly
    assert 'text-anchor="middle">organizer</text>' in unrest


# -- exports -------------------------------------------------------------------

def test_kb_json_carries_every_grade_qualifier_and_claimed_value_and_validates(kb):
    data = json.loads(knowledge_base_json(kb))
    jsonschema.Draft202012Validator(knowledge_base_schema()).validate(data)
    fire = next(e for e in data["entities"]["events"] if e["id"] == "salt-quay-fire")
    assert [(c["value"], c["preferred"]) for c in fire["date_claims"]] == [("2031-04-02", True), ("2031-04-05", False)]
    assert fire["date_claims"][0]["citations"][0]["credibility"] == "2"
    assert [c["value"] for c in fire["participants"][0]["role_claims"]] == ["initiator", "participant"]
    assert fire["participants"][1]["certainty"] == "possible"
    lodge = next(e for e in data["entities"]["actors"] if e["id"] == "tern-lodge")
    assert [c["value"] for c in lodge["relations"][0]["holds_claims"]] == ["holds", "does-not-hold"]
    assert {s["id"]: s["reliability"] for s in data["entities"]["sources"]} == \
        {"harbour-gazette": "B", "lantern-wire": "F", "ridge-bulletin": "C"}


def test_entity_schemas_accept_the_fixture_files_as_an_editor_writes_them():
    import yaml
    for path in sorted((GRADED / "entities").glob("*/*.yml")):
        schema = entity_schema(path.parent.name.removesuffix("s"))
        jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    citation = entity_schema("event")["$defs"]["Citation"]["properties"]["credibility"]
    jsonschema.validate(2, citation)  # what a YAML language server reads `credibility: 2` as
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(7, citation)


def test_csv_carries_every_claimed_value_grade_and_certainty_read_by_pandas(kb):
    tables = csv_tables(kb)
    claims = pandas.read_csv(io.StringIO(tables["claims.csv"]), dtype=str, keep_default_na=False)
    assert claims[["entity_id", "field", "value", "preferred"]].values.tolist() == [
        ["tern-lodge", "relations.0.holds", "holds", "false"],
        ["tern-lodge", "relations.0.holds", "does-not-hold", "false"],
        ["salt-quay-fire", "date", "2031-04-02", "true"],
        ["salt-quay-fire", "date", "2031-04-05", "false"],
        ["salt-quay-fire", "participants.0.role", "initiator", "false"],
        ["salt-quay-fire", "participants.0.role", "participant", "false"],
    ]
    dates = claims[claims["field"] == "date"]
    assert dates[["value_start", "value_end", "citation_sources", "citation_credibilities"]].values.tolist() == [
        ["2031-04-02", "2031-04-02", "harbour-gazette", "2"], ["2031-04-05", "2031-04-05", "ridge-bulletin", "3"]]
    sources = pandas.read_csv(io.StringIO(tables["sources.csv"]), dtype=str)
    assert dict(zip(sources["id"], sources["reliability"])) == {"harbour-gazette": "B", "lantern-wire": "F", "ridge-bulletin": "C"}
    relations = pandas.read_csv(io.StringIO(tables["relations.csv"]), dtype=str, keep_default_na=False)
    assert set(relations[relations["certainty"] != ""][["relation", "certainty"]].itertuples(index=False, name=None)) == \
        {("participant", "possible"), ("part_of", "likely")}
    citations = pandas.read_csv(io.StringIO(tables["citations.csv"]), dtype=str, keep_default_na=False)
    assert set(citations["credibility"]) == {"", "2", "3", "6"}
    assert split_list(claims["citation_quotes"][2]) == ["Fire broke out on the Salt Quay on 2 April 2031"]


def test_stix_confidence_follows_the_specifications_scales_and_validates(kb):
    # kbgen's tables against the OASIS library's own transcription of the specification's tables
    dni = ["Almost No Chance / Remote", "Very Unlikely / Highly Improbable", "Unlikely / Improbable",
           "Roughly Even Chance / Roughly Even Odds", "Likely / Probable", "Very Likely / Highly Probable",
           "Almost Certain / Nearly Certain"]
    assert [CERTAINTY_CONFIDENCE[w] for w in list(vocab.CERTAINTIES)[:7]] == [scales.dni_to_value(v) for v in dni]
    admiralty = {"1": "1 - Confirmed by other sources", "2": "2 - Probably True", "3": "3 - Possibly True",
                 "4": "4 - Doubtful", "5": "5 - Improbable"}
    assert {g: CREDIBILITY_CONFIDENCE[g] for g in admiralty} == {g: scales.admiralty_credibility_to_value(v) for g, v in admiralty.items()}
    assert CREDIBILITY_CONFIDENCE["6"] is None
    with pytest.raises(ValueError):
        scales.admiralty_credibility_to_value("6 - Truth cannot be judged")
    text = stix_json(kb)
    results = validate_string(text, ValidationOptions(version="2.1"))
    assert results.errors == [] and results.is_valid
    assert [str(w) for w in results.warnings if "{401}" in str(w)] == []
    stix2.parse(text, allow_custom=True)
    objects = json.loads(text)["objects"]
    relationships = {(o["relationship_type"], o.get("x_kbgen_certainty")): o.get("confidence")
                     for o in objects if o["type"] == "relationship"}
    assert relationships[("has-participant", "possible")] == 50
    assert relationships[("part-of", "likely")] == 70
    assert relationships[("backed-by", None)] is None  # disputed, no value preferred
    council = next(o for o in objects if o.get("x_kbgen_id") == "actor/marsh-council")
    assert council["confidence"] == 70  # its one citation: credibility 2
    assert council["external_references"][0]["description"].endswith("[F2]")


# -- validation ----------------------------------------------------------------

def problems_of(tmp_path, files):
    root = make_knowledge_base(tmp_path / "kb", files, base=GRADED)
    result = kbgen("validate", "--root", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    return result.stdout.splitlines()


def fire_with(old, new):
    text = (GRADED / FIRE).read_text(encoding="utf-8")
    assert old in text
    return {FIRE: text.replace(old, new, 1)}


def test_a_preferred_value_must_be_the_one_the_entry_shows(tmp_path):
    assert problems_of(tmp_path, fire_with('date: "2031-04-02"\ndate_claims', 'date: "2031-04-07"\ndate_claims')) == [
        f"{FIRE}:1:1: error: 'date' is '2031-04-07', but the value preferred in 'date_claims' is '2031-04-02': date "
        "holds the preferred value; write '2031-04-02' here, or remove preferred: true to prefer none "
        "(claimed: 2031-04-02, 2031-04-05)".replace("1:1:", "2:7:")]


def test_two_preferred_values_and_a_lone_claim_are_located(tmp_path):
    files = fire_with("  - value: \"2031-04-05\"\n", "  - value: \"2031-04-05\"\n    preferred: true\n")
    files[FIRE] = files[FIRE].replace("      - value: participant\n        citations:\n          - source: ridge-bulletin\n"
                                      "            quote: \"Members of the Tern Lodge were among the crowd on the quay, but who lit the fire is not known\"\n", "")
    assert problems_of(tmp_path, files) == [
        f"{FIRE}:12:16: error: only one claimed value can be preferred, and 'date_claims.0' already is; remove preferred: true here, or there",
        f"{FIRE}:26:5: error: 'participants.0.role_claims' claims only one value ('initiator'): a disagreement needs two "
        "different values; with one, write it in role and move its citations to the citations there"]


def test_a_disputed_value_needs_a_citation_and_grades_are_closed(tmp_path):
    files = fire_with("    citations:\n      - source: ridge-bulletin\n        quote: \"The Salt Quay fire of 5 April 2031\"\n        credibility: 3\n",
                      "    citations: []\n")
    files[FIRE] = files[FIRE].replace("credibility: 2", "credibility: 7")
    files["entities/sources/lantern-wire.yml"] = (GRADED / "entities/sources/lantern-wire.yml").read_text().replace("reliability: F", "reliability: G")
    assert problems_of(tmp_path, files) == [
        "entities/events/salt-quay-fire.yml:10:22: error: '7' is not an allowed value for 'date_claims.0.citations.0.credibility'; allowed: 1, 2, 3, 4, 5, 6",
        "entities/events/salt-quay-fire.yml:12:16: error: 'date_claims.1.citations' needs at least 1 item(s) (the sources that give this value, with verbatim quotes: at least one)",
        "entities/sources/lantern-wire.yml:5:14: error: 'G' is not an allowed value for 'reliability'; allowed: A, B, C, D, E, F",
    ]


def test_a_credibility_without_a_source_says_where_it_belongs(tmp_path):
    files = fire_with("      - source: harbour-gazette\n        quote: \"Fire broke out on the Salt Quay on 2 April 2031\"\n",
                      "      - quote: \"Fire broke out on the Salt Quay on 2 April 2031\"\n")
    text = (GRADED / "entities/actors/marsh-council.yml").read_text(encoding="utf-8")
    files["entities/actors/marsh-council.yml"] = text + "credibility: 2\n"
    assert problems_of(tmp_path, files) == [
        "entities/actors/marsh-council.yml:9:1: error: unknown field 'credibility'; allowed fields: tags, citations, former_ids, "
        "retired, name, kind, summary, aliases, relations; a credibility grades one citation: put it on the citation, beside its source",
        "entities/events/salt-quay-fire.yml:8:9: error: missing required field 'date_claims.0.citations.0.source' "
        "(the id of a source entity (a file in entities/sources/)); a credibility grades what a source says: name the source",
    ]


def test_a_source_that_repeats_another_is_not_counted_as_independent(tmp_path):
    echo = ("title: Quay Echo, 4 April 2031\npublished: \"2031-04-04\"\n"
            "notes: A made-up paper that reprints the Harbour Gazette.\nbased_on: [harbour-gazette]\n")
    text = (GRADED / FIRE).read_text(encoding="utf-8")
    files = {"entities/sources/quay-echo.yml": echo,
             FIRE: text + "  - source: quay-echo\n    quote: \"Fire broke out\"\n"}
    root = make_knowledge_base(tmp_path / "kb", files, base=GRADED)
    kb, problems = check_knowledge_base(root)
    assert problems == []
    page = {f.path: f.content for f in render_site(kb)}["events/salt-quay-fire.md"]
    assert "2 independent sources" in page  # the Gazette, the Bulletin: the Echo counts as the Gazette
    files["entities/sources/harbour-gazette.yml"] = (GRADED / "entities/sources/harbour-gazette.yml").read_text() + "based_on: [quay-echo]\n"
    root = make_knowledge_base(tmp_path / "cycle", files, base=GRADED)
    assert [str(p) for p in check_knowledge_base(root)[1]] == [
        "entities/sources/harbour-gazette.yml:6:11: error: 'based_on' makes a cycle: source 'harbour-gazette' ends up "
        "drawing on itself; name only the sources it takes its information from",
        "entities/sources/quay-echo.yml:4:11: error: 'based_on' makes a cycle: source 'quay-echo' ends up "
        "drawing on itself; name only the sources it takes its information from"]


def test_a_disputed_location_with_no_value_preferred(tmp_path):
    files = fire_with("location: Salt Quay\n", (
        "location: Salt Quay or the warehouses behind it\n"
        "location_claims:\n"
        "  - value: Salt Quay\n    citations: [{source: harbour-gazette, quote: \"Fire broke out on the Salt Quay\"}]\n"
        "  - value: The warehouses behind the quay\n    citations: [{source: ridge-bulletin, quote: \"spread to three warehouses\"}]\n"))
    kb, problems = check_knowledge_base(make_knowledge_base(tmp_path / "kb", files, base=GRADED))
    assert problems == []
    generated = {f.path: f.content for f in render_site(kb)}
    page = html.unescape(generated["events/salt-quay-fire.md"])
    assert '<tr><td>Location</td><td>Salt Quay or the warehouses behind it <a class="kb-disputed"' in page
    assert ("<caption>Location — no value preferred</caption>\n<thead><tr><th scope=\"col\">Salt Quay</th>"
            "<th scope=\"col\">The warehouses behind the quay</th>") in page
    claims = pandas.read_csv(io.StringIO(generated["data/csv/claims.csv"]), dtype=str, keep_default_na=False)
    assert claims[claims["field"] == "location"]["value"].tolist() == ["Salt Quay", "The warehouses behind the quay"]
