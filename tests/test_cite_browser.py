"""'Cite this page' in a real browser: Debian's Chromium, driven by Playwright, fills in the
reader's access date and the page's full address (the build can know neither)."""

import re

import pytest

from conftest import serve_directory


@pytest.fixture(scope="module")
def served_site(fixture_site):
    with serve_directory(fixture_site) as url:
        yield url


def test_access_date_and_permalink_are_filled_in(served_site, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served_site}/actors/river-brigade/")
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }")
    dates = page.locator(".kb-access-date").all_text_contents()
    links = page.locator(".kb-permalink").all_text_contents()
    plain = page.locator(".kb-cite-plain").text_content()
    page.close()
    assert errors == []
    assert dates == ["%04d-%02d-%02d" % tuple(today)] * 2  # plain text and BibTeX
    assert links == [f"{served_site}/actors/river-brigade/"] * 2
    assert re.fullmatch(r"“River Brigade\.” .+\. http://127\.0\.0\.1:\d+/actors/river-brigade/\. Accessed \d{4}-\d{2}-\d{2}\.", plain)
