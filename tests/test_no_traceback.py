"""No traceback, ever: random YAML documents under random file names, added to the valid fixture,
give `kbgen validate` and `kbgen generate` exit 0 or 1 and located messages, never a traceback."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID
from kbgen import cli
from kbgen.core import vocab
from kbgen.model import MODELS

FIELD_NAMES = sorted({f.alias or name for model in MODELS.values() for name, f in model.model_fields.items()}
                     | {"source", "quote", "locator", "actor", "role", "event", "type", "note"})
VALUES = sorted({*vocab.ACTOR_KINDS, *vocab.EVENT_KINDS, *vocab.PARTICIPANT_ROLES, *vocab.ACTOR_RELATIONS,
                 "northland", "southland", "field-report", "border-war", "militias", "index",
                 "2025-06-22", "0000", "2025-06/..", "2024-21", "...", "[x](../y/)", "> > > > > > > > > > > > > x"})

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 3000), st.sampled_from(VALUES),
                    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20))
KEYS = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8))
DATA = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=6)), max_leaves=20)
DOCUMENT = st.one_of(DATA.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                     st.text(st.sampled_from(list("ab:-[]{}&*!|>'\"#%@` \n\t\\,?")), max_size=60))
FOLDER = st.sampled_from(["actors", "events", "recommendations", "sources", "", "actors/nested"])
NAME = st.one_of(st.sampled_from(["northland", "new-one", "index", "field-report", "tags"]),
                 st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="/\x00"),
                         min_size=1, max_size=12).filter(lambda n: n not in (".", "..")))
SUFFIX = st.sampled_from([".yml", ".yml", ".txt", ".yaml", ""])
FILES = st.lists(st.tuples(FOLDER, NAME, SUFFIX, DOCUMENT), min_size=1, max_size=3)


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(FILES)
def test_random_files_give_exit_0_or_1_and_never_a_traceback(files):
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "kb"
        shutil.copytree(VALID, root)
        for folder, name, suffix, text in files:
            path = root / "entities" / folder / (name + suffix)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError:  # a name the file system refuses (too long, reserved): not an input kbgen can get
                continue
        for argv in (("validate", "--root", str(root)), ("generate", "--root", str(root), "--out", str(Path(work) / "out"))):
            code, output = run(*argv)
            assert code in (0, 1), (argv[0], output)
            assert "Traceback" not in output
            if code == 1 and argv[0] == "validate":
                assert output.splitlines()[0].startswith("entities"), output  # located
