"""The knowledge base's structured claims say no more than their evidence: one test for each kind
of over-claim that a re-read against the article found and that a machine can spot.

Readers, graphs, feeds and exports take participants, roles, relations and dates as facts, so a
hedge in the evidence must reach the structured field (``certainty``), a date the article gives
only as "by March 2024" must not be written as a span "until" then, a weapon's origin is not a
supply relation, a sequence or a cause must be stated by the quote that supports it, and the
article's own labels ("symbolic", "malign", "nationalist" ...) are attributed to it, not used in
the knowledge base's voice. Each test names the file and the claim that breaks its rule.
"""

import re

import pytest

from conftest import REPO
from kbgen.pipeline import read_knowledge_base

KB = read_knowledge_base(REPO)
EVENTS = KB.all("event")
ACTORS = KB.all("actor")
RECOMMENDATIONS = KB.all("recommendation")

HEDGE = re.compile(r"\b(possibl[ey]|suspected|suspicion|reportedly|allegedly|alleged|suggest(?:s|ed|ing)?|"
                   r"likely|might|may|perhaps|apparently|appears?|presumably)\b", re.I)
"""Words by which a source (or a note reporting it) says a claim is not established."""


def _quotes(citations) -> list[str]:
    return [citation.quote for citation in citations if citation.quote]


def _links():
    """Every participant and every relation, with where it is and the text that supports it."""
    for event in EVENTS:
        for participant in event.participants:
            yield f"events/{event.id}: participant {participant.actor} ({participant.role})", participant, \
                [participant.note or ""]
        for relation in event.relations:
            yield f"events/{event.id}: {relation.type} {relation.event}", relation, \
                [relation.note or ""] + _quotes(relation.citations)
    for actor in ACTORS:
        for relation in actor.relations:
            yield f"actors/{actor.id}: {relation.type} {relation.actor}", relation, \
                [relation.note or ""] + _quotes(relation.citations)


def test_a_link_whose_note_or_quote_hedges_carries_a_certainty():
    """"suggesting possible Israeli involvement" is not `role: initiator` stated flatly."""
    unqualified = [f"{where}: {HEDGE.search(' '.join(texts)).group(0)!r} in its evidence, no certainty"
                   for where, link, texts in _links()
                   if HEDGE.search(" ".join(texts)) and not link.certainty]
    assert unqualified == []


def test_a_hedged_link_is_never_marked_confirmed():
    confirmed = [where for where, link, texts in _links() if HEDGE.search(" ".join(texts)) and link.certainty == "confirmed"]
    assert confirmed == []


UNKNOWN_START = re.compile(r"gives no (?:start )?date|no start date|does not say when|start is unknown|"
                           r"gives no date|no date", re.I)
LASTING_UNTIL = re.compile(r"\b(?:until|till|through|up to|lasted)\b", re.I)


@pytest.mark.parametrize("event", EVENTS, ids=[e.id for e in EVENTS])
def test_an_open_start_is_written_only_for_what_lasted_until_a_date(event):
    """EDTF ``..`` (open) says the span reaches back without limit; an unknown start is ``/2024-03``.
    "Deterred further attacks by March 2024" says the attacks had stopped by then, not that they
    ran until then, and a summary that says the start is unknown must not write it as open."""
    if not event.date.start_open:
        return
    assert not UNKNOWN_START.search(event.summary), f"{event.id}: the summary says the start is unknown: write '/{event.date.text.split('/')[-1]}'"
    assert any(LASTING_UNTIL.search(quote) for quote in _quotes(event.citations)), \
        f"{event.id}: no quote says it lasted until {event.date.words}"


DATE_WORDS = re.compile(r"[\"“]((?:by|until|from) [^\"”]+)[\"”]")


@pytest.mark.parametrize("event", EVENTS, ids=[e.id for e in EVENTS])
def test_a_summary_quoting_its_recorded_date_quotes_it_as_shown(event):
    """A summary that says how the date is recorded ('recorded as "by March 2024"') says what
    readers see: "until" and "by" are different claims."""
    for phrase in DATE_WORDS.findall(event.summary):
        if re.search(r"\d{4}$", phrase):
            assert phrase == event.date.words, f"{event.id}: the summary says {phrase!r}, the date reads {event.date.words!r}"


SUPPLY = re.compile(r"\b(suppl(?:y|ies|ied|ier)|sells?|sold|sale|deliver(?:s|ed|y)?|provid(?:e|es|ed)|"
                    r"transfer(?:s|red)?|export(?:s|ed)?|acquir(?:e|es|ed)|purchas(?:e|es|ed)|buy|bought)\b", re.I)


def test_a_supply_relation_rests_on_a_stated_supply_not_a_weapons_origin():
    """"Russian Pantsir S-1 interceptor missiles" names where the missiles come from, not who sold them."""
    unsupported = [f"actors/{actor.id}: supplier-of {relation.actor}" for actor in ACTORS for relation in actor.relations
                   if relation.type == "supplier-of" and not any(SUPPLY.search(q) for q in _quotes(relation.citations))]
    assert unsupported == []


def test_a_supplier_or_purchaser_role_rests_on_a_stated_transaction():
    unsupported = [f"events/{event.id}: {participant.actor} ({participant.role})" for event in EVENTS
                   for participant in event.participants if participant.role in ("supplier", "purchaser")
                   and not any(SUPPLY.search(q) for q in _quotes(event.citations))]
    assert unsupported == []


SEQUENCE_WORDS = {
    "follows": r"\b(after|following|aftermath|then|soon|later|prior to|since|subsequent(?:ly)?|initially|earlier|before)\b",
    "response-to": r"\b(in response|respon(?:d|ds|ded|se)|retaliat\w*|in reply|answer(?:s|ed)?|counteraction\w*)\b",
    "caused-by": r"\b(led to|lead to|result(?:s|ed)? in|caus(?:e|ed|es)|because|due to|prompt(?:s|ed)?|trigger(?:s|ed)?)\b",
    "parallels": r"\b(mirror(?:s|ed)?|parallel(?:s|ed)?|similar|like|echo(?:es|ed)?|repeat(?:s|ed)?)\b",
}


def test_a_sequence_or_cause_between_events_is_stated_by_its_quote():
    """"Calls for an upgrade are likely to intensify in the aftermath" does not say the agreement
    followed the war; "Following attacks by the U.S." is a sequence, not a response."""
    unstated = []
    for event in EVENTS:
        for relation in event.relations:
            quotes = _quotes(relation.citations)
            if not any(re.search(SEQUENCE_WORDS[relation.type], q, re.I) for q in quotes):
                unstated.append(f"events/{event.id}: {relation.type} {relation.event}: no quote states it")
    assert unstated == []


TARGET_KINDS = {
    "designated-by": {"state", "government", "government-body", "organization"},
    "member-of": {"armed-group", "coalition", "collective", "organization", "political-party", "government-body"},
    "part-of": {"state", "government", "government-body", "armed-forces", "armed-group", "coalition", "organization",
                "political-party", "company"},
    "leads": {"state", "government", "government-body", "armed-forces", "armed-group", "coalition", "organization",
              "political-party", "company", "collective"},
}
"""What a relation can point at: a person is designated by a state or body, a member of a group,
part of a body, and leads one, never the other way round."""


def test_a_relation_points_at_the_kind_of_actor_it_can_hold_with():
    wrong = [f"actors/{actor.id}: {relation.type} {relation.actor} ({KB.get('actor', relation.actor).kind})"
             for actor in ACTORS for relation in actor.relations
             if relation.type in TARGET_KINDS and KB.get("actor", relation.actor).kind not in TARGET_KINDS[relation.type]]
    assert wrong == []


LABELS = re.compile(r"\b(symbolic|malign|nationalist|Iran-aligned|proxies|striking|unthinkable|severe|notable|"
                    r"retaliatory|robust)\b", re.I)
"""The article's evaluative words: the knowledge base reports them as the article's, in quotes or
in a sentence that names the article, never as its own judgement."""

QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
ATTRIBUTED = re.compile(r"\b(?:article|per the source|the source|(?:it|what it) (?:calls|describes|terms|says))\b", re.I)
SENTENCE_END = re.compile(r"(?<!\b[A-Z]\.[A-Z]\.)(?<=[.;:])\s+")
"""Between sentences (and clauses), not inside "U.S." or a quote (quotes are removed first)."""


def _prose(entity):
    yield "summary", entity.summary
    for name in ("rationale", "risks"):
        if getattr(entity, name, None):
            yield name, getattr(entity, name)
    for participant in getattr(entity, "participants", []):
        if participant.note:
            yield f"note of participant {participant.actor}", participant.note
    for relation in getattr(entity, "relations", []):
        if relation.note:
            yield f"note of {relation.type}", relation.note


def test_the_articles_labels_are_attributed_to_it():
    unattributed = []
    for entity in ACTORS + EVENTS + RECOMMENDATIONS:
        for field, text in _prose(entity):
            for sentence in SENTENCE_END.split(QUOTED.sub('"…"', text)):
                if LABELS.search(sentence) and not ATTRIBUTED.search(sentence):
                    unattributed.append(f"{entity.type}s/{entity.id} {field}: {LABELS.search(sentence).group(0)!r} in {sentence!r}")
    assert unattributed == []


def test_titles_do_not_use_the_articles_labels():
    """A title is read alone, with no room to say "the article calls it"."""
    labelled = [f"{entity.type}s/{entity.id}: {entity.title!r}" for entity in EVENTS + RECOMMENDATIONS
                if LABELS.search(entity.title)]
    assert labelled == []
