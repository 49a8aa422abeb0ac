"""A diff (:mod:`kbgen.history.changes`) written out for people and programs: plain text for a
terminal, Markdown for a pull request's job summary, JSON for tools. One change model, three
writers; every value an editor wrote is escaped for the format it lands in."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from ..core.problems import one_line
from .changes import ACTIONS, NOTHING, EntryChange

# Inside a list item, past its marker: only these start emphasis, code, links, HTML or tables.
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_\[\]<>|~&]")


def _md(text: str) -> str:
    """Editor-written text made inert in GitHub Markdown: each special character backslash-escaped
    (``<`` and ``&`` as character references, which GitHub shows as written)."""
    text = one_line(text)
    return _MARKDOWN_SPECIALS.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()), text)


def counts(changes: list[EntryChange]) -> str:
    """``1 added, 1 renamed, 2 changed`` (no change: ``no change``)."""
    parts = [f"{n} {action}" for action in ACTIONS if (n := sum(c.action == action for c in changes))]
    return ", ".join(parts) if parts else "no change"


def text_diff(changes: list[EntryChange], base: str, head: str) -> str:
    lines = [f"Knowledge base changes from {one_line(base)} to {one_line(head)}: {counts(changes)}"]
    for change in changes:
        lines.append("")
        lines.append(one_line(f"{change.headline()} [{change.type} {change.id}]"))
        lines += ["  " + one_line(claim.words()) for claim in change.claims]
    return "\n".join(lines) + "\n"


def markdown_diff(changes: list[EntryChange], base: str, head: str) -> str:
    lines = [f"### Knowledge base changes from `{_code(base)}` to `{_code(head)}`", "", counts(changes).capitalize() + "."]
    for change in changes:
        lines.append("")
        what = f"**{_md(change.title)}** ({change.type} `{_code(change.id)}`)"
        if change.action == "renamed":
            lines.append(f"- {what}: renamed from `{_code(change.former_id or '')}`")
        else:
            lines.append(f"- {what}: {change.action}")
        for claim in change.claims:
            if claim.action == "changed" and claim.old == NOTHING:
                lines.append(f"  - {_md(claim.text)}: {_md(claim.new or '')}")
            elif claim.action == "changed" and claim.new == NOTHING:
                lines.append(f"  - {_md(claim.text)} *removed* (was {_md(claim.old or '')})")
            elif claim.action == "changed":
                lines.append(f"  - {_md(claim.text)}: {_md(claim.old or '')} → {_md(claim.new or '')}")
            else:
                citing = (", citing " + ", ".join(f"“{_md(q)}”" for q in claim.quotes)) if claim.quotes else ""
                lines.append(f"  - {_md(claim.text)} *{claim.action}*{citing}")
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return one_line(text).replace("`", "'")


def json_diff(changes: list[EntryChange], base: str, head: str) -> str:
    data = {"base": base, "head": head, "entries": [_entry_json(c) for c in changes]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _entry_json(change: EntryChange) -> dict:
    data = asdict(change)
    data["claims"] = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in claim.items()} for claim in data["claims"]]
    return data


def invalid_side(label: str, revision: str, problems: list) -> str:
    """The message for a side of a diff that is not a valid knowledge base, with its problems."""
    lines = [f"kbgen diff: error: {label} ({one_line(revision)}) is not a valid knowledge base; "
             f"{len(problems)} problem(s), so it is not diffed:"]
    lines += [str(problem) for problem in problems]
    return "\n".join(lines) + "\n"


WRITERS = {"text": text_diff, "markdown": markdown_diff, "json": json_diff}
