"""The catalogue finds its types itself, and each type validates its parameters through its model.

Built-in types are the ``@register`` classes of the modules named
``base_*``/``semantic_*`` (no list to keep); third-party types come from the
``synthwright.column_types`` entry points, here a real distribution (a
``.dist-info`` with ``entry_points.txt``) put on ``sys.path`` of a fresh
interpreter, loaded on the first look-up and used to generate a spec.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import synthwright as sw
from synthwright import catalog
from synthwright.catalog import Generator, TypeParams
from synthwright.errors import SpecError
from synthwright.spec import TypeColumn


def test_every_type_module_is_found_without_a_list() -> None:
    modules = {
        m.name
        for m in pkgutil.iter_modules(catalog.__path__)
        if m.name.startswith(catalog.TYPE_MODULE_PREFIXES)
    }
    registered = {type(g).__module__.rsplit(".", 1)[-1] for g in catalog.all_generators()}
    assert modules == registered
    assert {"base_numeric", "base_text", "semantic_person", "semantic_files"} <= modules
    assert not hasattr(catalog, "_MODULES")


def test_each_type_has_a_parameter_model_naming_its_words() -> None:
    for gen in catalog.all_generators():
        assert issubclass(gen.Params, TypeParams), gen.name
        assert gen.params == tuple(gen.Params.model_fields), gen.name
        for word in gen.params:  # the shared words keep their one definition
            shared = TypeColumn.model_fields[word]
            assert gen.Params.model_fields[word].metadata == shared.metadata, (gen.name, word)
    assert catalog.get("int").params == ("min", "max", "dist", "after", "before", "within")
    assert catalog.get("uuid").params == ()


def test_a_word_outside_the_vocabulary_in_params_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(ValueError, match="'mni' is not a shared parameter word"):

        class _Typo(Generator):  # the class statement itself is what fails
            name = "typo"
            params = ("min", "mni")


def test_a_shared_word_the_type_does_not_take_is_refused_where_written() -> None:
    spec = {"tables": {"t": {"rows": 2, "columns": {"a": {"type": "uuid", "min": 1}}}}}
    with pytest.raises(SpecError) as info:
        sw.load_spec(spec)
    assert str(info.value) == (
        "tables.t.columns.a.min: parameter 'min' does not apply to type 'uuid'"
        " (it takes: no parameters)"
    )


_PLUGIN = '''
"""A column type from outside the project: its generator and its parameter model."""

import pyarrow as pa
from pydantic import Field

from synthwright.catalog import Generator, TypeParams


class ShoutParams(TypeParams):
    word: str
    times: int = Field(default=1, ge=1, le=5)
    max_length: int | None = None  # a shared word, taken by this type too


class Shout(Generator):
    name = "shout"
    category = "plugin"
    summary = "A word in capitals, repeated."
    Params = ShoutParams

    def arrow_type(self, col):
        return pa.string()

    def generate(self, col, ctx):
        opts = self.options(col)
        text = " ".join([opts.word.upper()] * opts.times)
        return pa.array([text[: opts.max_length] if opts.max_length else text] * ctx.n)
'''

_WHISPER = '''
"""A plugin module that registers its type as it is imported."""

import pyarrow as pa

from synthwright.catalog import Generator, register


@register
class Whisper(Generator):
    name = "whisper"
    summary = "Always 'psst'."
    params = ("min_length",)

    def arrow_type(self, col):
        return pa.string()

    def generate(self, col, ctx):
        return pa.array(["psst"] * ctx.n)
'''

_SCRIPT = """
import json, sys, warnings

import synthwright as sw
from synthwright import catalog
from synthwright.spec import spec_to_yaml

loaded_at_import = "sw_shout" in sys.modules
catalog.get("int"), sw.generate({"tables": {"t": {"rows": 2, "columns": {"a": {"type": "int"}}}}})
loaded_for_built_ins = "sw_shout" in sys.modules
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    names = catalog.names()


def table(**columns):
    return {"seed": 1, "tables": {"t": {"rows": 3, "columns": columns}}}


spec = table(
    s={"type": "shout", "word": "hey", "times": 2},
    w={"type": "whisper"},
    n={"type": "int", "min": 1, "max": 3},
)
data = sw.generate(spec)["t"]
loaded = sw.load_spec(spec)
print(json.dumps({
    "loaded_at_import": loaded_at_import,
    "loaded_for_built_ins": loaded_for_built_ins,
    "plugins": [n for n in names if n in ("shout", "whisper")],
    "warnings": [str(w.message) for w in caught],
    "shout": data.column("s").to_pylist(),
    "whisper": data.column("w").to_pylist(),
    "params": list(catalog.get("shout").params),
    "round_trip": sw.load_spec(spec_to_yaml(loaded)) == loaded,
    "dumped": spec_to_yaml(loaded),
    "typo": sw.validate(table(s={"type": "shout", "word": "a", "tims": 2})),
    "range": sw.validate(table(s={"type": "shout", "word": "a", "times": 9})),
    "missing": sw.validate(table(s={"type": "shout", "times": 2})),
    "elsewhere": sw.validate(table(n={"type": "int", "word": "a"})),
    "shared": sw.validate(table(s={"type": "shout", "word": "a", "pattern": "#"})),
    "schema": catalog.json_schema()["$defs"]["TypeColumn"],
}))
"""


def _plugin_distribution(root: Path) -> None:
    """A distribution as an installer leaves it: the package and its ``.dist-info``."""
    package = root / "sw_shout"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(_PLUGIN), encoding="utf-8")
    (package / "whisper.py").write_text(textwrap.dedent(_WHISPER), encoding="utf-8")
    info = root / "sw_shout-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: sw-shout\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[synthwright.column_types]\n"
        "shout = sw_shout:Shout\n"
        "whisper = sw_shout.whisper\n"
        "broken = sw_no_such_module:Nope\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def plugin_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("plugin")
    _plugin_distribution(root)
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_entry_point_type_is_loaded_on_first_lookup_and_generates(plugin_run: dict) -> None:
    assert plugin_run["loaded_at_import"] is False  # importing the catalogue scans nothing
    assert plugin_run["loaded_for_built_ins"] is False  # nor does a spec of built-in types
    assert plugin_run["plugins"] == ["shout", "whisper"]
    assert plugin_run["shout"] == ["HEY HEY"] * 3
    assert plugin_run["whisper"] == ["psst"] * 3
    assert plugin_run["params"] == ["word", "times", "max_length"]


def test_a_broken_plugin_is_named_and_skipped(plugin_run: dict) -> None:
    (warning,) = plugin_run["warnings"]
    assert "column type plugin 'broken' (sw_no_such_module:Nope) not loaded" in warning
    assert "sw_no_such_module" in warning


def test_a_plugin_types_own_words_round_trip_in_one_form(plugin_run: dict) -> None:
    assert plugin_run["round_trip"] is True
    assert (
        "      s:\n        type: shout\n        word: hey\n        times: 2\n"
        in (plugin_run["dumped"])
    )


def test_a_plugin_types_words_are_checked_where_written(plugin_run: dict) -> None:
    assert plugin_run["typo"] == [
        "tables.t.columns.s.tims: unknown key 'tims' (did you mean 'times'?)"
    ]
    (out_of_range,) = plugin_run["range"]
    assert out_of_range.startswith("tables.t.columns.s.times: ")
    assert "less than or equal to 5" in out_of_range
    assert plugin_run["missing"] == [
        "tables.t.columns.s.word: type 'shout' needs the parameter 'word'"
    ]
    # a plugin's word is its type's alone; the hint never offers the word typed
    assert plugin_run["elsewhere"] == ["tables.t.columns.n.word: unknown key 'word'"]
    assert plugin_run["shared"] == [
        "tables.t.columns.s.pattern: parameter 'pattern' does not apply to type 'shout'"
        " (it takes: max_length, times, word)"
    ]


def test_the_schema_documents_a_plugin_types_own_words(plugin_run: dict) -> None:
    column = plugin_run["schema"]
    # its own words sit beside the shared ones (so the closed column takes them) ...
    assert column["properties"]["word"] == {
        "type": "string",
        "description": "a parameter of type 'shout'",
    }
    assert column["properties"]["times"]["maximum"] == 5
    assert column["additionalProperties"] is False
    # ... and its block names what it takes and needs
    (shout,) = [
        b["then"] for b in column["allOf"] if b["if"]["properties"]["type"]["const"] == "shout"
    ]
    assert shout["description"] == "shout: A word in capitals, repeated."
    assert shout["required"] == ["word"]
    assert set(shout["properties"]) == {"word", "times", "max_length"}
    assert shout["properties"]["max_length"] == {"$ref": "#/$defs/TypeColumn/properties/max_length"}
