"""The knowledge base through time, from git: what changed between two versions as entries and
claims (:mod:`.changes`, written by :mod:`.formats`), read with one ``git log`` pass and one
``git cat-file --batch`` process (:mod:`.git`), and the site's view of it (:mod:`.timeline`):
recent changes, each entry's history, and the entries deleted outright."""
