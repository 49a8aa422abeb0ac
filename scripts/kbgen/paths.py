"""Relative addresses between generated pages, computed without touching the file system.

Every page links to dozens of others (links, graph nodes, tags): at 10,000
entities that is hundreds of thousands of paths, so these avoid
``posixpath.relpath``, which calls ``os.getcwd`` twice each time.
"""

from __future__ import annotations

import posixpath


def relative(from_page: str, to_path: str) -> str:
    """``to_path`` relative to the folder of ``from_page``; both are clean paths under the docs root.

    The same result as ``posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")``.
    """
    start = posixpath.dirname(from_page).split("/") if posixpath.dirname(from_page) else []
    target = to_path.split("/")
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def _directory(page: str) -> str:
    """The folder a page is served from with directory URLs: ``actors/x.md`` -> ``actors/x``, ``actors/index.md`` -> ``actors``."""
    stem = posixpath.splitext(page)[0]
    return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem


def _inside(folder: str) -> str:
    """A file named "_" in ``folder`` (the docs root for ""), for :func:`relative`, which takes files."""
    return f"{folder}/_" if folder else "_"


def page_url(from_page: str, to_page: str) -> str:
    """The built address of ``to_page`` relative to ``from_page``'s (directory URLs), e.g. ``../../tags/``.

    For raw HTML (tag links, graph nodes), which MkDocs passes through without rewriting ``.md`` links.
    """
    # ``relative`` between a file "_" inside each folder is the path between the folders, plus "_".
    relative_path = relative(_inside(_directory(from_page)), _inside(_directory(to_page)))[:-1]
    return relative_path or "./"


def file_url(from_page: str, to_file: str) -> str:
    """The address of a file that is not a page (``actors/x.json``) relative to ``from_page``'s built
    address (directory URLs), e.g. ``../x.json``: for raw HTML, which MkDocs does not rewrite."""
    return relative(_inside(_directory(from_page)), to_file)
