"""Where everything is: the one scheme of kbgen's file paths, page paths and addresses.

Three kinds of place, each computed here and nowhere else:

- **entity files**, relative to the knowledge base's root: ``entities/actors/iran.yml``, a
  source's archived text ``entities/sources/<id>.txt``;
- **page and data file paths**, relative to the docs folder, as generated files are named:
  ``actors/iran.md``, ``actors/index.md``, ``tags/<tag>/index.md``, ``actors/iran.json``;
- **built addresses**, where a page is served relative to the site root. They depend on
  MkDocs' ``use_directory_urls``: ``actors/iran/`` with directory URLs (the default), or
  ``actors/iran.html`` without, which a site read from disk (``file://``) needs: a
  folder's address opens no page there. :class:`Urls` holds that setting and the site's
  address (``site_url``), and makes every link kbgen writes itself (raw HTML, feeds,
  exports, redirects). Links written as Markdown to ``.md`` paths (:func:`relative`) are
  rewritten by the site generator for either setting.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Optional

from .vocab import FOLDERS

ENTITIES = "entities"
"""The folder under the knowledge base's root that holds every entity file."""

TAGS_FILE = "tags.yml"
"""The file under ``entities/`` that declares the tags."""

ARCHIVE_SUFFIX = ".txt"
"""A source may keep the publisher's text beside its YAML, as ``sources/<id>.txt``."""


def entity_file(type_: str, id_: str) -> str:
    """An entity's YAML file relative to the root: ``entities/actors/iran.yml``."""
    return f"{ENTITIES}/{FOLDERS[type_]}/{id_}.yml"


def archive_file(source_id: str) -> str:
    """A source's archived text relative to the root: ``entities/sources/<id>.txt``."""
    return f"{ENTITIES}/{FOLDERS['source']}/{source_id}{ARCHIVE_SUFFIX}"


def entity_page(type_: str, id_: str) -> str:
    """An entity's page: ``actors/iran.md``, served at ``/actors/iran/``."""
    return f"{FOLDERS[type_]}/{id_}.md"


RESERVED_IDS = {"index": "the address of the section's index page"}
"""Ids no entity (and no former id) may have, with what each address already is: an entity's page
is ``<folder>/<id>.md`` beside the section's ``<folder>/index.md``; every other generated page
(split indexes, tags, data files) is in a folder or at the root, where no id reaches."""


def reserved_id_problem(id_: str) -> str:
    """Why ``id_`` cannot be an id, or '' when it can."""
    if id_ in RESERVED_IDS:
        return f"'{id_}' is reserved: it is {RESERVED_IDS[id_]}; choose another id"
    return ""


def entity_data(type_: str, id_: str) -> str:
    """An entity's JSON record beside its page: ``actors/iran.json``."""
    return f"{FOLDERS[type_]}/{id_}.json"


def section_index(type_: str) -> str:
    """A section's index page: ``actors/index.md``, served at ``/actors/``."""
    return f"{FOLDERS[type_]}/index.md"


def tag_page(tag: str) -> str:
    """A tag's page, in a folder of its own so that no tag name can take another page's
    address: ``tags/<tag>/index.md``, served at ``/tags/<tag>/``."""
    return f"tags/{tag}/index.md"


SPLIT_INDEX_FOLDERS = {"event": "events/years", "actor": "actors/kinds",
                       "recommendation": "recommendations/addressees", "source": "sources/letters"}
"""Where the pages of a section index split into groups go (:mod:`kbgen.site.indexes`): one level
below the section's folder, so that no entity's page (``<folder>/<id>.md``) can meet one."""


def split_index_page(type_: str, *groups: str) -> str:
    """A page of a split section index: ``split_index_page("event", "2024", "03")`` is
    ``events/years/2024/03.md``; without groups, the section's own index."""
    if not groups:
        return section_index(type_)
    return "/".join((SPLIT_INDEX_FOLDERS[type_], *groups)) + ".md"


def tag_group_page(tag: str, *groups: str) -> str:
    """A page of a tag split into groups: ``tag_group_page("militias", "events", "a")`` is
    ``tags/militias/events/a.md``; without groups, the tag's own page."""
    return "/".join((f"tags/{tag}", *groups)) + ".md" if groups else tag_page(tag)


CHANGES = "changes.md"
"""The recent changes, from git (:mod:`kbgen.history`), served at ``/changes/``; its feed is ``feed("changes")``."""

VOCABULARIES = "editors/vocabularies.md"
"""The fields and vocabularies page of the editor guide, generated from the code."""

KB_JSON = "data/kb.json"
KB_SCHEMA = "data/kb.schema.json"
STIX_BUNDLE = "data/kb.stix.json"
RELATIONS_TABLE = "data/relations.csv"
CITATIONS_TABLE = "data/csv/citations.csv"
CLAIMS_TABLE = "data/csv/claims.csv"


def entity_table(type_: str) -> str:
    """The CSV table of one entity type: ``data/csv/actors.csv``."""
    return f"data/csv/{FOLDERS[type_]}.csv"


def schema_file(name: str) -> str:
    """A published JSON Schema (``actor.schema.json``): ``data/schema/actor.schema.json``."""
    return f"data/schema/{name}"


def feed(name: str) -> str:
    """An Atom feed at the site root (``events.atom``), where every page's head links it: Material
    fetches a ``sitemap.xml`` beside each such link, and only at the root is there one."""
    return f"{name}.atom"


def relative(from_page: str, to_path: str) -> str:
    """``to_path`` relative to the folder of ``from_page``, both paths under the docs folder:
    a Markdown link (``[x](../events/y.md)``), which the site generator rewrites to the
    built address. The same result as ``posixpath.relpath(to_path, dirname(from_page) or '.')``,
    without its two calls to ``os.getcwd`` (every page links to dozens of others)."""
    folder = posixpath.dirname(from_page)
    return _relative(folder.split("/") if folder else [], to_path.split("/")) or "."


def _relative(start: list[str], target: list[str]) -> str:
    """The path to ``target`` (its parts) from the folder ``start`` (its parts)."""
    common = 0
    while common < len(start) and common < len(target) - 1 and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


@dataclass(frozen=True)
class Urls:
    """Built addresses of a site: with directory URLs or ``.html`` ones, and, when it is
    known, the address the site is published at."""

    directory_urls: bool = True
    site_url: Optional[str] = None
    source_relative: bool = False
    """Whether the site generator resolves every relative link in a page, raw HTML included, against
    the page's source file (Zensical does) rather than leaving raw HTML links as written (MkDocs):
    then :meth:`link` writes each address relative to the source file's folder."""

    def page(self, path: str) -> str:
        """The built address of a page or file (a path under the docs folder) from the site root:
        ``actors/iran.md`` -> ``actors/iran/`` or ``actors/iran.html``; ``actors/index.md`` ->
        ``actors/`` or ``actors/index.html``; ``index.md`` -> ``""`` or ``index.html``; a file
        that is not a page keeps its path."""
        if not path.endswith(".md"):
            return path
        stem = path[:-3]
        folder, _, name = stem.rpartition("/")  # posixpath.split's result for these paths, in one call
        if name == "index":
            return (folder + "/" if folder else "") if self.directory_urls else stem + ".html"
        return stem + "/" if self.directory_urls else stem + ".html"

    def written(self, path: str) -> str:
        """The file a page becomes in the built site: ``actors/iran.md`` -> ``actors/iran/index.html``
        or ``actors/iran.html``."""
        address = self.page(path)
        return address + "index.html" if address.endswith("/") or not address else address

    def link(self, from_page: str, to_path: str) -> str:
        """The address of ``to_path`` (a page or a file) relative to ``from_page``'s built address:
        for links kbgen writes as HTML (lists, infoboxes, graph nodes), which no site generator
        rewrites. E.g. ``../../events/y/`` or ``../events/y.html``; with :attr:`source_relative`,
        ``../events/y/`` from ``actors/iran.md``, which the site generator makes relative to the built page."""
        if self.source_relative:
            address = relative(from_page, self.page(to_path))
            return "./" if address == "." else address
        return self._built_link(from_page, to_path)

    def _built_link(self, from_page: str, to_path: str) -> str:
        """The address of ``to_path`` relative to ``from_page``'s built address."""
        start = self.page(from_page)
        folder = start[:start.rfind("/") + 1]  # "actors/iran/" and "actors/iran.html" -> their folder
        return _relative(folder.split("/")[:-1], self.page(to_path).split("/")) or "./"

    def absolute(self, path: str) -> str:
        """The address of a page or file for a reader outside the site (feeds, citations): the site's
        address and the built address when the site's address is known, else the built address
        from the site root (relative to a file at the root, such as a feed)."""
        address = self.page(path)
        return self.site_url.rstrip("/") + "/" + address if self.site_url else address

    def permalink(self, path: str) -> str:
        """A page's stable address as a citation gives it: :meth:`absolute`, or the path from the
        site root (``/actors/iran/``) when the site's address is not known: kbgen never invents a host."""
        return self.absolute(path) if self.site_url else "/" + self.page(path)

    def redirect(self, type_: str, former_id: str, id_: str) -> tuple[str, str]:
        """For an entity renamed from ``former_id``: the file to write at the old page's address,
        and the address of the new page relative to it."""
        old, new = entity_page(type_, former_id), entity_page(type_, id_)
        return self.written(old), self._built_link(old, new)  # a file no site generator rewrites
