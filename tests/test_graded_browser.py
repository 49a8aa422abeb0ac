"""A disputed entry and a graded note in a real browser (Debian's Chromium via Playwright),
on the graded fixture built by real MkDocs + Material with the kbgen plugin."""

import pytest

from conftest import docs_copy, mkdocs_build, serve_directory, site_config
from test_graded import GRADED


@pytest.fixture(scope="module")
def graded_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("graded-site")
    result = mkdocs_build(site_config(GRADED, docs_copy(work / "docs"), work / "site"), work)
    assert result.returncode == 0, result.stderr
    with serve_directory(work / "site") as url:
        yield url


def test_a_reader_sees_the_sources_differ_side_by_side_and_the_grade_explained(graded_site, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{graded_site}/events/salt-quay-fire/")
    # the infobox's mark leads to the values side by side
    page.locator(".kb-infobox a.kb-disputed").first.click()
    assert page.evaluate("() => location.hash") == "#sources-differ"
    table = page.locator("table.kb-dispute").first
    assert table.locator("caption").inner_text() == "Date"
    headers = table.locator("th").all_inner_texts()
    assert headers == ["2 April 2031 preferred", "5 April 2031"]
    cells = table.locator("td")
    left, right = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert right["x"] >= left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < 2  # side by side
    assert "Harbour Gazette" in cells.nth(0).inner_text() and "Ridge Bulletin" in cells.nth(1).inner_text()
    # a graded note: the code, and its meaning on hover (the title the browser shows as a tooltip)
    grade = cells.nth(0).locator("abbr.kb-grade")
    assert grade.inner_text() == "B2"
    assert grade.get_attribute("title") == ("Source reliability B: usually reliable. "
                                            "Information credibility 2: probably true.")
    grade.hover()
    assert page.evaluate("() => getComputedStyle(document.querySelector('abbr.kb-grade')).cursor") == "help"
    note = page.locator(".footnote li abbr.kb-grade").first
    assert note.is_visible() and note.inner_text() in ("B2", "B", "C3", "C")
    page.close()
    assert errors == []
