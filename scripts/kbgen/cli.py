"""The ``kbgen`` command line: argument parsing only; the work lives in the stage modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from .history import last_changed
from .pipeline import check_knowledge_base
from .vocab import FOLDERS as folders
from .render import render_site, write_files


def _validate(args) -> int:
    kb, problems = check_knowledge_base(args.root)
    for problem in problems:
        print(problem.github() if args.format == "github" else str(problem))
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    counts = ", ".join(f"{folders[t]}: {len(kb.entities[t])}" for t in kb.entities)
    print(f"knowledge base is valid: {counts}", file=sys.stderr)
    return 0


def _generate(args) -> int:
    kb, problems = check_knowledge_base(args.root)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    count = write_files(render_site(kb, args.templates, last_changed(args.root)), args.out)
    print(f"wrote {count} files to {args.out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kbgen", description="Validate a YAML knowledge base and generate its site pages.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every entity file; print every problem as PATH:LINE:COL: error: MESSAGE")
    validate.add_argument("--root", type=Path, default=Path("."), help="folder holding entities/ (default: .)")
    validate.add_argument("--format", choices=["text", "github"], default="text", help="'github' prints GitHub Actions annotations")
    validate.set_defaults(run=_validate)

    generate = commands.add_parser("generate", help="write every generated page and data file to a folder")
    generate.add_argument("--root", type=Path, default=Path("."), help="folder holding entities/ (default: .)")
    generate.add_argument("--out", type=Path, required=True, help="folder to write the pages into")
    generate.add_argument("--templates", type=Path, default=None, help="folder of templates overriding the built-in ones")
    generate.set_defaults(run=_generate)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # e.g. an unreadable folder: a message, not a traceback
        print(f"kbgen: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
