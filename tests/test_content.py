"""The repository's knowledge base meets the content rules (issue: complete and cited)."""

import pytest

from conftest import REPO
from kbgen.link import iter_references
from kbgen.pipeline import read_knowledge_base

KB = read_knowledge_base(REPO)
CLAIMS = [e for t in ("actor", "event", "recommendation") for e in KB.all(t)]


@pytest.mark.parametrize("entity", CLAIMS, ids=[f"{e.type}/{e.id}" for e in CLAIMS])
def test_cites_its_source_with_a_verified_quote(entity):
    quoted = [c for c in entity.citations if c.quote and c.source in KB.archives]
    assert quoted, f"{entity.type} {entity.id} has no citation with a quote from an archived source"


@pytest.mark.parametrize("entity", CLAIMS, ids=[f"{e.type}/{e.id}" for e in CLAIMS])
def test_links_to_another_entity(entity):
    outgoing = [r for r in iter_references(entity) if r.target_type != "source"]
    incoming = [b for b in KB.referenced_by.get((entity.type, entity.id), []) if b.entity.type != "source"]
    assert outgoing or incoming, f"{entity.type} {entity.id} links to no other entity"


def test_every_source_has_its_archived_text():
    for source in KB.all("source"):
        assert source.id in KB.archives, source.id


def test_every_tag_used_is_described_and_every_described_tag_is_used():
    used = {tag for t in ("actor", "event", "recommendation", "source") for e in KB.all(t) for tag in e.tags}
    assert used == set(KB.tags)


def test_recommendations_name_their_addressee_instruments_and_status():
    for recommendation in KB.all("recommendation"):
        assert recommendation.instruments, recommendation.id
        assert recommendation.status == "proposed", recommendation.id
