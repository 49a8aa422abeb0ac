"""The ``kbgen`` command line: argument parsing only; the work lives in the stage modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import runtime
from .core.problems import KnowledgeBaseError, one_line
from .core.vocab import FOLDERS as folders
from .pipeline import check_knowledge_base

# Each command imports what only it needs where it runs: `kbgen validate`, run on
# every push, does not pay for loading Jinja, Markdown, grandalf and the exporters.


def _validate(args) -> int:
    kb, problems = check_knowledge_base(args.root)
    for problem in problems:
        print(problem.github() if args.format == "github" else str(problem))
    # Warnings go to standard error: standard output lists exactly the problems that make the
    # knowledge base invalid (GitHub reads annotations from either).
    from .link.retired import retired_reference_warnings

    warnings = kb.warnings + (retired_reference_warnings(kb, args.root) if not problems else [])
    for warning in warnings:
        print(warning.github() if args.format == "github" else str(warning), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    counts = ", ".join(f"{folders[t]}: {len(kb.entities[t])}" for t in kb.entities)
    print(f"knowledge base is valid: {counts}", file=sys.stderr)
    return 0


def _generate(args) -> int:
    from .core.urls import Urls
    from .history.timeline import read_history
    from .pipeline import render_site, write_files
    from .site.history import last_changed

    kb, problems = check_knowledge_base(args.root)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    runtime.keep_for_good()  # a one-off process: the knowledge base lives until it ends
    history = read_history(args.root, kb)
    if not history.available:
        print(f"kbgen: {history.note}", file=sys.stderr)
    files = render_site(kb, args.templates, last_changed(args.root), urls=Urls(directory_urls=args.directory_urls),
                        history=history)
    count = write_files(files, args.out)
    print(f"wrote {count} files to {args.out}", file=sys.stderr)
    return 0


def _new(args) -> int:
    from .editor.skeleton import Refusal, write_skeleton

    title = args.name if args.name is not None else args.title
    if args.name is not None and args.type != "actor":
        args.parser.error(f"--name is for actors; a {args.type} has a --title")
    if args.title is not None and args.type == "actor":
        args.parser.error("--title is for events, recommendations and sources; an actor has a --name")
    written = write_skeleton(args.root, args.type, args.id, title)
    if isinstance(written, Refusal):
        print(f"kbgen new: error: {written.message}", file=sys.stderr)
        return 1
    print(written.relative_to(args.root).as_posix())
    print("fill in every FILL IN value, then run: kbgen validate", file=sys.stderr)
    return 0


def _init(args) -> int:
    from .editor.init import init_knowledge_base
    from .editor.skeleton import Refusal

    written = init_knowledge_base(args.dir, args.title)
    if isinstance(written, Refusal):
        print(f"kbgen init: error: {written.message}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {args.dir}", file=sys.stderr)
    print(f"next: cd {args.dir} && kbgen validate && kbgen serve", file=sys.stderr)
    return 0


def _schema(args) -> int:
    from .model.schema import write_schemas

    for path in write_schemas(args.out):
        print(path.as_posix())
    return 0


def _export(args) -> int:
    from .exports import csv_tables, knowledge_base_json, stix_json

    if args.format == "csv" and args.output is None:
        args.parser.error("--format csv writes one file per table: give a folder with -o DIR")
    kb, problems = check_knowledge_base(args.root)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    if args.format == "csv":
        tables = csv_tables(kb)
        args.output.mkdir(parents=True, exist_ok=True)
        for name, content in tables.items():
            (args.output / name).write_text(content, encoding="utf-8")
        print(f"wrote {len(tables)} CSV files to {args.output}", file=sys.stderr)
        return 0
    text = knowledge_base_json(kb) if args.format == "json" else stix_json(kb)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


def _diff(args) -> int:
    from .history.changes import diff_knowledge_bases
    from .history.formats import WRITERS, invalid_side
    from .history.git import GitError
    from .pipeline import check_revision

    sides = []
    for label, side in (("BASE", args.base), ("HEAD", args.head)):
        try:
            if side is None:  # the working tree
                kb, problems = check_knowledge_base(args.root)
                side = "the working tree"
            elif (Path(side) / "entities").is_dir() and not side.startswith("-"):
                kb, problems = check_knowledge_base(Path(side))
            else:
                kb, problems = check_revision(args.root, side)
        except GitError as error:
            args.parser.error(str(error))
        if problems:
            sys.stderr.write(invalid_side(label, side, problems))
            return 1
        sides.append((kb, side))
    (old, base), (new, head) = sides
    sys.stdout.write(WRITERS[args.format](diff_knowledge_bases(old, new), base, head))
    return 0


def _build(args) -> int:
    from .engine import EngineError, build

    try:
        return build(args.engine, args.config_file, args.site_dir)
    except EngineError as error:
        print(f"kbgen build: error: {error}", file=sys.stderr)
        return 1


def _serve(args) -> int:
    from .engine import EngineError, serve

    try:
        return serve(args.engine, args.config_file, args.dev_addr)
    except EngineError as error:
        print(f"kbgen serve: error: {error}", file=sys.stderr)
        return 1


def _engine_arguments(command: argparse.ArgumentParser) -> None:
    from .engine import ENGINES

    command.add_argument("--engine", choices=ENGINES, default="mkdocs",
                         help="mkdocs (default) and properdocs run the kbgen plugin; for zensical, which runs no plugin, "
                              "kbgen stages the pages under .kbgen/zensical/ and runs it there")
    command.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="the site's configuration (default: mkdocs.yml)")


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
    generate.add_argument("--no-directory-urls", dest="directory_urls", action="store_false",
                          help="link pages as name.html, for a site built with use_directory_urls: false (read from disk)")
    generate.set_defaults(run=_generate)

    new = commands.add_parser("new", help="write a commented skeleton for a new entity; never overwrites")
    new.add_argument("type", choices=list(folders), metavar="TYPE", help="actor, event, recommendation or source")
    new.add_argument("id", metavar="ID", help="the new id, also the file name: lowercase letters, digits, single hyphens")
    new.add_argument("--name", help="an actor's name")
    new.add_argument("--title", help="an event's, recommendation's or source's title")
    new.add_argument("--root", type=Path, default=Path("."), help="folder holding entities/ (default: .)")
    new.set_defaults(run=_new, parser=new)

    init = commands.add_parser("init", help="start a new knowledge base in a new or empty folder, with one example of each type")
    init.add_argument("dir", type=Path, metavar="DIR", help="the folder to create (it must not exist or be empty)")
    init.add_argument("--title", default="Knowledge base", help="the site's name (default: Knowledge base)")
    init.set_defaults(run=_init)

    schema = commands.add_parser("schema", help="write a JSON Schema per entity type, for editors' YAML language servers")
    schema.add_argument("-o", "--out", type=Path, default=Path("schemas"), help="folder to write into (default: schemas)")
    schema.set_defaults(run=_schema)

    export = commands.add_parser("export", help="write the knowledge base as JSON, CSV tables or a STIX 2.1 bundle")
    export.add_argument("--root", type=Path, default=Path("."), help="folder holding entities/ (default: .)")
    export.add_argument("--format", choices=["json", "csv", "stix"], required=True,
                        help="json: kb.json; csv: one table per type plus relations.csv, citations.csv and claims.csv; stix: a STIX 2.1 bundle")
    export.add_argument("-o", "--output", type=Path, default=None,
                        help="file to write (json, stix; default: standard output) or folder (csv, required)")
    export.set_defaults(run=_export, parser=export)

    diff = commands.add_parser("diff", help="what changed between two git revisions (or folders), as entries and claims")
    diff.add_argument("base", metavar="BASE", help="a git revision (branch, tag, commit) or a folder holding entities/")
    diff.add_argument("head", metavar="HEAD", nargs="?", default=None,
                      help="a git revision or a folder (default: the working tree under --root)")
    diff.add_argument("--root", type=Path, default=Path("."), help="folder holding entities/, in the git repository (default: .)")
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text",
                      help="text for a terminal, markdown for a pull request's summary, json for tools")
    diff.set_defaults(run=_diff, parser=diff)

    build = commands.add_parser("build", help="build the site with MkDocs, ProperDocs or Zensical; fails if any entity page is missing")
    _engine_arguments(build)
    build.add_argument("-d", "--site-dir", type=Path, default=None, help="folder to write the site into (default: the configuration's site_dir)")
    build.set_defaults(run=_build)

    serve = commands.add_parser("serve", help="serve the site on this machine, rebuilt when entities/ or the docs change")
    _engine_arguments(serve)
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="address to serve at (default: 127.0.0.1:8000)")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    # A message may quote any character an editor wrote; where the output's encoding cannot show it
    # (a Windows console code page, a pipe in a CI log), it is written as an escape, never a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # e.g. an unreadable folder: a message, not a traceback
        print(f"kbgen: error: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KnowledgeBaseError as error:  # a stage failed on a file: located, like every other problem
        for problem in error.problems:
            print(problem.github() if getattr(args, "format", None) == "github" else str(problem))
        return 1
    except Exception as error:  # noqa: BLE001 - never a traceback; the stages locate what they can
        print(f"kbgen: error: {type(error).__name__}: {one_line(str(error))[:500]}; please report it", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
