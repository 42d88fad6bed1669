"""`synthwright rag seed` fills the store once; a second run adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from synthwright.cli.app import app


def test_rag_seed_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rag.sqlite'}"
    first = CliRunner().invoke(app, ["rag", "seed", "--rag-url", url, "--json"])
    assert first.exit_code == 0, first.output
    doc = json.loads(first.output)
    assert doc["added"]["pattern"] == 100 and doc["added"]["defect"] >= 50
    again = json.loads(CliRunner().invoke(app, ["rag", "seed", "--rag-url", url, "--json"]).output)
    assert set(again["added"].values()) == {0} and again["stored"] == doc["stored"]
    stats = CliRunner().invoke(app, ["rag", "stats", "--rag-url", url])
    assert "pattern: 100" in stats.output


def test_rag_off_is_a_located_error() -> None:
    result = CliRunner().invoke(app, ["rag", "seed", "--rag-url", "none"])
    assert result.exit_code == 2 and "--rag-url" in result.output
