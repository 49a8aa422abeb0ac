"""Golden files: the Markdown generated from the valid fixture, page by page.

After an intended change to the templates, regenerate them with
``KBGEN_UPDATE_GOLDEN=1 make test`` and review the diff with git.
"""

from pathlib import Path

import pytest

from kbgen.pipeline import read_knowledge_base
from kbgen.core.prose import render_prose
from kbgen.pipeline import render_site
from kbgen.site.markup import md_escape
from conftest import VALID, assert_matches_golden

GOLDEN = Path(__file__).parent / "golden" / "valid"


def test_generated_pages_match_golden_files():
    assert_matches_golden({f.path: f.content for f in render_site(read_knowledge_base(VALID))}, GOLDEN)


def test_generation_is_deterministic():
    first = render_site(read_knowledge_base(VALID))
    second = render_site(read_knowledge_base(VALID))
    assert first == second


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "<script>alert(1)</script>", "*bold* `code` {: onclick=x }", "a | b", "&lt;b&gt;"])
def test_plain_text_is_inert_markdown(text):
    escaped = md_escape(text)
    for char in "[]<>*`{}|&":
        if char in text:
            assert char not in escaped.replace("&#", "")
    assert "\n" not in md_escape("two\nlines")


def test_prose_keeps_formatting_and_drops_scripts():
    html = render_prose('*Emphasis*, [a link](https://example.org) <script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<em>Emphasis</em>" in html
    assert 'href="https://example.org"' in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
