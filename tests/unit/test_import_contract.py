"""The import contract of pyproject.toml ([tool.importlinter]) holds, and does catch a break.

`make lint` runs ``lint-imports`` too; this test makes a violation fail pytest
as well, and proves on a copy of the package that the contract is not
vacuous: an upward import, an import between siblings of one layer, a
package that no layer names, an import by the spec and a cycle between the
modules of a package (cli, introspect: no longer skipped) each break it. The
stack drawn in ARCHITECTURE.md must be the contract's, line for line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "synthwright"

_RUN = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def _lint(source_root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's config over the ``synthwright`` found in source_root."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [sys.executable, "-c", _RUN, str(ROOT / "pyproject.toml")],
        cwd=source_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_the_contract() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        # the engine reaching up to the facade (the loop this contract was made against)
        ("engine/_probe.py", "from .. import api\n", "synthwright.engine is not allowed"),
        # planners and the profiler are independent siblings
        ("planner/_probe.py", "from ..profile import to_spec\n", "synthwright.planner is not"),
        # the spec imports nothing of the project, not even errors
        ("spec/_probe.py", "from .. import errors\n", "synthwright.spec is not allowed"),
        # a new top-level package must be given its place in the layers
        ("unplaced/__init__.py", "", "synthwright.unplaced"),
        # the two cycles inside a package that were skipped until issue 12 broke them
        ("cli/cmd_llm.py", "from .app import _fail\n", "No cycles are allowed in synthwright.cli."),
        (
            "introspect/_duckdb.py",
            "from ._reader import redact\n",
            "No cycles are allowed in synthwright.introspect.",
        ),
    ],
)
def test_a_violation_breaks_the_contract(
    tmp_path: Path, path: str, text: str, expected: str
) -> None:
    copy = tmp_path / "synthwright"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    probe = copy / path
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text(text, encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout


def test_architecture_md_draws_the_contracts_layers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    drawn = re.search(r"```\n(.*?)```", text, re.S)
    assert drawn is not None, "ARCHITECTURE.md has no drawing of the layers"
    assert drawn.group(1).split("\n")[:-1] == layers
