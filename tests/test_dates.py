"""EDTF dates are shown in words at exactly their precision, and sorted by their bounds."""

import calendar
import locale
import shutil
import subprocess

import pytest

from kbgen.core.dates import DateError, EdtfDate
from kbgen.site.words import day_in_words


@pytest.mark.parametrize("text, words", [
    ("2025-06-22", "22 June 2025"),
    ("2024-03", "March 2024"),
    ("2011", "2011"),
    ("2024-03~", "March 2024 (approximate)"),
    ("2011?", "2011 (uncertain)"),
    ("2024-03-22%", "22 March 2024 (approximate, uncertain)"),
    ("2025-06-13/2025-06-24", "13–24 June 2025"),
    ("2024-03/2024-05", "March – May 2024"),
    ("2023-10/2024-03", "October 2023 – March 2024"),
    ("2025-06/2025-07~", "June 2025 – July 2025 (approximate)"),
    ("2025-06/..", "from June 2025"),
    ("2025-06-13/", "from 13 June 2025 (end unknown)"),
    ("/2024-03", "by March 2024"),
    ("../2024-03", "until March 2024"),
])
def test_words(text, words):
    assert EdtfDate.parse(text).words == words


@pytest.mark.parametrize("text", ["June 2025", "2025-06-31", "2024-02-30", "2024-21", "2024-03-XX", "../..", "2025-07/2025-06", ""])
def test_refused(text):
    with pytest.raises(DateError):
        EdtfDate.parse(text)


def test_sorted_by_start_then_narrowest():
    texts = ["2025", "2025-06-22", "2024-03~", "2025-06", "2011", "2025-06-13/2025-06-24"]
    ordered = sorted((EdtfDate.parse(t) for t in texts), key=lambda d: d.sort_key)
    assert [d.text for d in ordered] == ["2011", "2024-03~", "2025", "2025-06", "2025-06-13/2025-06-24", "2025-06-22"]


def test_a_date_known_only_by_its_end_sits_at_its_end():
    texts = ["/2025-07-11", "2025-07-03", "2011", "../2024-03", "2024-06"]
    ordered = sorted((EdtfDate.parse(t) for t in texts), key=lambda d: d.sort_key)
    assert [d.text for d in ordered] == ["2011", "../2024-03", "2024-06", "2025-07-03", "/2025-07-11"]
    assert EdtfDate.parse("/2025-07-11").year == 2025 and EdtfDate.parse("/2025-07-11").month == 7


def _points():
    """Days, months and years, valid and not (month 13 or 21, 30 February, year 0000), with each qualifier."""
    for year in ("2024", "2023", "0000"):
        for month_day in ("", "-01", "-02-29", "-02-30", "-12-31", "-13", "-21", "-06-00"):
            for qualifier in ("", "~", "?", "%"):
                yield year + month_day + qualifier


def test_fast_path_reads_dates_exactly_as_the_edtf_library():
    # EdtfDate.parse reads the common forms itself (the library's grammar costs ~15 ms a date);
    # for every text it accepts, the result must be the library's, and what it refuses goes to the library.
    points = list(_points())
    texts = points + [a + "/" + b for a, b in zip(points, reversed(points))] + ["2024-03/2024-02", "2025-06/..", "/2024-03"]
    accepted = 0
    for text in texts:
        try:
            expected = EdtfDate.parse_with_library(text)
        except DateError:
            expected = DateError
        try:
            got = EdtfDate.parse(text)
        except DateError:
            got = DateError
        assert got == expected, text
        accepted += expected is not DateError
    assert accepted > 25  # the comparison covers dates both paths accept, not only refusals (year 0000 is refused)


@pytest.fixture
def german_dates(tmp_path, monkeypatch):
    """The build's process with its dates set to German, as a host program or a plugin calling
    ``locale.setlocale`` would leave it (the locale compiled into ``tmp_path``)."""
    made = shutil.which("localedef") and subprocess.run(
        ["localedef", "-i", "de_DE", "-f", "UTF-8", str(tmp_path / "de_DE.UTF-8")], capture_output=True)
    if not made or made.returncode not in (0, 1):  # 1: made, with warnings
        pytest.skip("this system cannot compile a German locale (glibc's localedef and its locale sources)")
    monkeypatch.setenv("LOCPATH", str(tmp_path))
    before = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, "de_DE.UTF-8")
    yield
    locale.setlocale(locale.LC_TIME, before)


def test_dates_are_english_whatever_the_locale(german_dates):
    assert calendar.month_name[3] == "März"  # the locale took
    assert EdtfDate.parse("2024-03-22").words == "22 March 2024"
    assert EdtfDate.parse("/2024-03").words == "by March 2024"
    assert day_in_words("2025-07-11") == "11 July 2025"
