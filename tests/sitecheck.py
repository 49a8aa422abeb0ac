"""Reading a built site the way a browser would: pages, links, and what they point at."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, attrs[name]))


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def url_of(site: Path, page: Path) -> str:
    return "/" + page.relative_to(site).as_posix().removesuffix("index.html")


def target_file(site: Path, url: str) -> Path:
    path = site / unquote(urlsplit(url).path).lstrip("/")
    return path / "index.html" if url.split("#")[0].endswith("/") or path.is_dir() else path


def broken_links(site: Path) -> list[str]:
    """Every same-site link or asset, with its #fragment, that does not resolve to a file (and id)."""
    problems = []
    cache: dict[Path, _Links] = {}
    for page in pages(site):
        parsed = cache.setdefault(page, parse(page))
        base = "http://site" + url_of(site, page)
        for tag, url in parsed.links:
            absolute = urljoin(base, url)
            parts = urlsplit(absolute)
            if parts.scheme != "http" or parts.netloc != "site":
                continue
            target = target_file(site, parts.path)
            if not target.is_file():
                problems.append(f"{url_of(site, page)}: <{tag}> {url} -> missing {parts.path}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = cache.setdefault(target, parse(target)).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{url_of(site, page)}: <{tag}> {url} -> no id '{parts.fragment}'")
    return problems


def external_urls(site: Path) -> list[str]:
    """Every URL a page would load from another host (links to read elsewhere excluded)."""
    found = []
    for page in pages(site):
        for tag, url in parse(page).links:
            if tag != "a" and urlsplit(url).netloc:
                found.append(f"{url_of(site, page)}: <{tag}> {url}")
    return found
