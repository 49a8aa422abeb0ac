"""One direction of flow: import-linter's contracts (pyproject.toml, [tool.importlinter]) hold, and
they do fail on a back-edge."""

import shutil
import subprocess

from conftest import BIN, REPO


def lint_imports(project, package_folder):
    return subprocess.run([str(BIN / "lint-imports"), "--config", str(project / "pyproject.toml"), "--no-cache"],
                          cwd=project, capture_output=True, text=True, env={"PYTHONPATH": str(package_folder), "PATH": ""})


def test_every_stage_imports_only_earlier_ones():
    result = lint_imports(REPO, REPO / "scripts")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_stage_importing_a_later_one_breaks_the_contract(tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "scripts" / "kbgen", tmp_path / "scripts" / "kbgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    graph = tmp_path / "scripts" / "kbgen" / "link" / "graph.py"
    graph.write_text(graph.read_text(encoding="utf-8") + "\nfrom ..site import plan  # a back-edge\n", encoding="utf-8")
    result = lint_imports(tmp_path, tmp_path / "scripts")
    assert result.returncode == 1
    assert "Stages import only earlier stages BROKEN" in result.stdout
    assert "kbgen.link.graph -> kbgen.site.plan" in result.stdout
