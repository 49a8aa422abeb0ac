"""Qualified claims: a participant, a relation or part_of carries the source's hedge as a
certainty word, which the page shows with the claim and the JSON Schema offers to editors."""

import html
import json

from conftest import make_knowledge_base
from kbgen.core import vocab
from kbgen.model.schema import entity_schema
from kbgen.pipeline import check_knowledge_base, render_site

ATTACK = "entities/events/border-post-attack.yml"
HEDGED_ATTACK = """\
title: Attack on the border post
date: "2025-06-22"
kind: attack
summary: The River Brigade attacked the border post.
part_of: border-war
part_of_certainty: likely
participants:
  - actor: river-brigade
    role: initiator
    certainty: possible
  - actor: northland
    role: host
citations:
  - source: field-report
    quote: "attacked the border post on June 22"
"""


def pages(root):
    kb, problems = check_knowledge_base(root)
    assert problems == []
    return kb, {f.path: f.content for f in render_site(kb)}


def test_a_hedged_participant_reads_with_its_qualifier_on_both_pages(tmp_path):
    kb, generated = pages(make_knowledge_base(tmp_path / "kb", {ATTACK: HEDGED_ATTACK}))
    event = html.unescape(generated["events/border-post-attack.md"])
    meaning = vocab.CERTAINTIES["possible"].description
    assert (f'River Brigade</a> — initiator <span class="kb-certainty" title="{meaning}">(possible)</span>') in event
    # part_of is qualified in the infobox, with its own word
    assert 'Border war</a> <span class="kb-certainty" title="' in event and "(likely)</span></td>" in event
    # the actor's timeline keeps the qualifier of its part in the event
    assert "(initiator) <span class=\"kb-certainty\"" in generated["actors/river-brigade.md"]
    # the host was named plainly: no qualifier
    assert "(host)</li>" in generated["actors/northland.md"]
    # kb.json carries the word as written
    data = json.loads(generated["data/kb.json"])
    attack = next(e for e in data["entities"]["events"] if e["id"] == "border-post-attack")
    assert attack["participants"][0]["certainty"] == "possible" and attack["participants"][1]["certainty"] is None
    assert attack["part_of_certainty"] == "likely"


def test_an_actor_relation_keeps_its_qualifier(tmp_path):
    root = make_knowledge_base(tmp_path / "kb")
    brigade = (root / "entities/actors/river-brigade.yml").read_text(encoding="utf-8")
    assert "relations:" in brigade
    brigade = brigade.replace("relations:\n  - type:", "relations:\n  - certainty: suspected\n    type:", 1)
    (root / "entities/actors/river-brigade.yml").write_text(brigade, encoding="utf-8")
    _, generated = pages(root)
    assert "(suspected)</span>" in generated["actors/river-brigade.md"]


def test_the_schema_offers_every_certainty_word_with_its_meaning():
    event = entity_schema("event")
    participant = event["$defs"]["Participant"]["properties"]["certainty"]
    choice = next(option for option in participant["anyOf"] if "enum" in option)
    assert choice["enum"] == list(vocab.CERTAINTIES) == [
        "almost-no-chance", "very-unlikely", "unlikely", "even-chance", "likely", "very-likely",
        "almost-certain", "confirmed", "possible", "suspected"]
    assert choice["enumDescriptions"][-1] == "The source reports it as suspected or alleged, not established."
    assert "part_of_certainty" in event["properties"]
    for relation in ("EventRelation",):
        assert "certainty" in event["$defs"][relation]["properties"]
    assert "certainty" in entity_schema("actor")["$defs"]["ActorRelation"]["properties"]


def test_the_estimative_words_keep_icd_203s_ranges():
    ranges = [c.probability for c in vocab.CERTAINTIES.values() if c.probability]
    assert ranges == [(1, 5), (5, 20), (20, 45), (45, 55), (55, 80), (80, 95), (95, 99)]
    assert all(c.probability is None for w, c in vocab.CERTAINTIES.items() if w in ("confirmed", "possible", "suspected"))
