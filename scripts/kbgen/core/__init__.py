"""The language every stage shares: ids and closed vocabularies, EDTF dates, prose, problems,
text digests, and the one scheme of paths and addresses. Nothing here reads files or knows the stages."""
