"""The semantic diff as a pure function of two versions of an entity: each claim in words (dates
written out, references by name, quotes included), on the valid fixture knowledge base."""

import pytest

from conftest import VALID
from kbgen.history.changes import diff_entities, namer
from kbgen.model.entities import Citation, Participant
from kbgen.pipeline import read_knowledge_base


@pytest.fixture(scope="module")
def kb():
    return read_knowledge_base(VALID)


def test_unchanged_entity_has_no_change(kb):
    event = kb.get("event", "border-post-attack")
    assert diff_entities(event, event, namer(kb)) is None


def test_each_list_item_added_or_removed_is_a_claim_in_words(kb):
    old = kb.get("event", "border-post-attack")
    new = old.model_copy(update={
        "participants": [old.participants[0], Participant(actor="southland", role="target")],
        "tags": [], "location": None,
        "citations": [*old.citations, Citation(source="field-report", quote="Talks should resume.", locator="para. 2")]})
    change = diff_entities(old, new, namer(kb))
    assert change.action == "changed"
    assert [claim.words() for claim in change.claims] == [
        "tag militias removed",
        "citation of A Field Report on Northland, para. 2 added, citing “Talks should resume.”",
        "participant Northland (host) removed",
        "participant Southland (target) added",
        "location removed (was Border post)",
    ]


def test_a_reference_changed_reads_by_name(kb):
    old = kb.get("recommendation", "resume-talks")
    new = old.model_copy(update={"addressee": "northland", "status": "partially-adopted"})
    claims = [claim.words() for claim in diff_entities(old, new, namer(kb)).claims]
    assert claims == ["addressee: Southland → Northland", "status: proposed → partially adopted"]
