"""Reading a search box's results as a reader does, on a machine too busy to keep up with the typing.

Typed letter by letter, a query is searched once per letter, and the results of its first letters
arrive before its own. A test that reads or clicks the list before the last answer has arrived sees
an earlier query's ranking, or presses the mouse on one list and lets it go on the next, which is no
click at all. These helpers wait for the list to be the query's own and to stop changing.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

# The list has stopped changing when no element in it has changed for this long.
QUIET_MS = 400

_QUIET = """([selector, quiet]) => new Promise(resolve => {
  const list = document.querySelector(selector) || document.body;
  let timer;
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  function done() { observer.disconnect(); resolve(); }
  observer.observe(list, {childList: true, subtree: true, attributes: true, characterData: true});
  timer = setTimeout(done, quiet);
})"""


def quiet(page: Page, within: str = "body") -> None:
    """Wait until nothing in the element ``within`` has changed for :data:`QUIET_MS`."""
    page.evaluate(_QUIET, [within, QUIET_MS])


def settled(results: Locator, path: str, *, within: str = "body") -> None:
    """Wait until the first result links to ``path`` and the list ``within`` has stopped changing.
    A wrong ranking still fails, when the wait ends."""
    first_is = re.compile(re.escape(path) + r"(\?h=[^/]*)?$")
    expect(results.first).to_have_attribute("href", first_is, timeout=15000)
    quiet(results.page, within)
    expect(results.first).to_have_attribute("href", first_is, timeout=15000)


def follow_first(page: Page, results: Locator, url: re.Pattern | str) -> None:
    """Click the first result and expect to land on ``url``. A click the list swallowed by changing
    under the mouse leaves the reader where they were: then the reader clicks again, at most twice more.
    A click that lands anywhere else fails at once."""
    start = page.url
    for _ in range(3):
        results.first.click()
        page.wait_for_load_state("networkidle")  # let the next page finish loading (search worker included)
        if page.url != start:
            break
    expect(page).to_have_url(url)
