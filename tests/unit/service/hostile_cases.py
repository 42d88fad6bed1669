"""Hostile requests for the service, by family: each must be refused with a 4xx / INVALID_ARGUMENT.

Shared by the hostile-request tests (tests/unit/service/test_hostile.py) and
the reliability bench (bench/reliability.py). Every case is a request body
for ``POST /v1/generate`` (or ``/v1/generate/stream`` with ``stream``); those
that a gRPC message can carry are also sent over gRPC (`grpc_message`).
A case may be *accepted* when `may_succeed` (a valid but extreme request):
then the answer must hold exactly what was asked, never more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CASES", "Case", "deep_fields_bytes", "grpc_message"]

REGEX_BOMB = "((a{1000}){1000}){1000}"


@dataclass(frozen=True)
class Case:
    """One hostile request: its family, the JSON body (or raw bytes), where it goes."""

    family: str
    name: str
    body: Any
    stream: bool = False
    raw: bool = False  # body is bytes sent as is (malformed JSON and the like)
    may_succeed: bool = False
    grpc: bool = True  # also sent over gRPC (when the body maps onto a message)
    extra: dict[str, Any] = field(default_factory=dict)


def _fields(**constraints: Any) -> list[dict[str, Any]]:
    return [{"name": "s", "type": "string", "constraints": constraints}]


def _nested(depth: int) -> list[dict[str, Any]]:
    node: dict[str, Any] = {"name": "leaf", "type": "int"}
    for i in range(depth):
        node = {"name": f"n{i}", "type": "object", "fields": [node]}
    return [node]


def _spec(tables: dict[str, Any]) -> dict[str, Any]:
    return {"tables": tables}


def _cases() -> list[Case]:
    c: list[Case] = []
    add = c.append
    # --- patterns that expand to gigabytes -------------------------------------------
    for seed in (None, 1):
        body: dict[str, Any] = {"fields": _fields(regex=REGEX_BOMB), "count": 10}
        if seed is not None:
            body["seed"] = seed
        add(Case("regex", f"bomb seed={seed}", body))
    add(Case("regex", "bomb stream", {"fields": _fields(regex=REGEX_BOMB), "count": 5}, True))
    add(Case("regex", "open repeats nested", {"fields": _fields(regex="(((((a)*)*)*)*)*")}))
    add(Case("regex", "deep groups", {"fields": _fields(regex="(" * 200 + "a" + ")" * 200)}))
    add(Case("regex", "a{10001}", {"fields": _fields(regex="a{10001}")}))
    add(Case("regex", "unbalanced", {"fields": _fields(regex="a(")}))
    add(Case("regex", "backreference", {"fields": _fields(regex=r"(a)\1")}))
    add(Case("regex", "lookahead", {"fields": _fields(regex="(?=a)b")}))
    add(Case("regex", "unicode class", {"fields": _fields(regex="[\u4e00-\u9fff]{3}")}))
    add(
        Case(
            "regex",
            "bomb in a spec",
            {"spec": _spec({"t": {"rows": 5, "columns": {"s": {"regex": REGEX_BOMB}}}})},
            grpc=False,
        )
    )
    add(
        Case(
            "regex",
            "pattern 20k",
            {"spec": _spec({"t": {"rows": 5, "columns": {"s": {"pattern": "#" * 20_000}}}})},
            grpc=False,
        )
    )
    # --- record counts over the cap ------------------------------------------------------
    for count in (1001, 1500, 2048, 10**6, 2**31 - 1):
        add(Case("count", f"unseeded {count}", {"entity": "user", "count": count}))
        add(Case("count", f"seeded {count}", {"entity": "user", "count": count, "seed": 3}))
    add(Case("count", "inline unseeded 2048", {"fields": _fields(), "count": 2048}))
    add(Case("count", "order unseeded 1500", {"entity": "order", "count": 1500}))
    add(
        Case(
            "count",
            "scenarios over the cap",
            {"entity": "user", "count": 10, "scenarios": [{"name": "x", "count": 5000}]},
        )
    )
    add(Case("count", "stream 10^9", {"entity": "user", "count": 10**9}, True))
    add(Case("count", "stream 2^31-1", {"entity": "user", "count": 2**31 - 1}, True))
    add(Case("count", "trillion", {"entity": "user", "count": 10**12}, grpc=False))
    add(Case("count", "cap exactly", {"entity": "user", "count": 1000}, may_succeed=True))
    # --- memory: within the record cap, over the memory bound ---------------------------------
    wide = [
        {"name": f"f{i}", "type": "string", "constraints": {"regex": "[a-z]{10000}"}}
        for i in range(60)
    ]
    add(Case("memory", "60 x 10k-char strings x 1000", {"fields": wide, "count": 1000}))
    add(
        Case(
            "memory",
            "child table 10^9 per parent",
            {
                "spec": _spec(
                    {
                        "p": {"rows": 1000, "columns": {"id": {"type": "id"}}},
                        "c": {
                            "per_parent": {"table": "p", "min": 1, "max": 10**9},
                            "columns": {"p_id": {"ref": "p.id"}},
                        },
                    }
                ),
                "entity": "p",
            },
            grpc=False,
        )
    )
    add(Case("memory", "order stream 10^6", {"entity": "order", "count": 10**6}, True))
    add(
        Case(
            "memory",
            "support table 10^5 x long strings",
            {
                "spec": _spec(
                    {
                        "t": {"rows": 10, "columns": {"id": {"type": "id"}}},
                        "u": {
                            "rows": 100_000,
                            "columns": {"s": {"type": "string", "regex": "[a-z]{9000}"}},
                        },
                    }
                ),
                "entity": "t",
            },
            grpc=False,
        )
    )
    # --- deep nesting --------------------------------------------------------------------------
    for depth in (30, 100, 400):
        body = {"fields": _nested(depth), "count": 2}
        add(Case("nesting", f"fields {depth} deep", body, may_succeed=depth <= 31))
    deep = b'{"spec": ' + b"[" * 20_000 + b"]" * 20_000 + b', "count": 1}'
    add(Case("nesting", "JSON 20k deep", deep, raw=True, grpc=False))
    add(Case("nesting", "YAML 5k deep", {"spec": "a: " + "[" * 5000 + "]" * 5000}))
    add(Case("nesting", "YAML alias bomb", {"spec": "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]"}))
    # --- huge strings ----------------------------------------------------------------------------
    add(Case("strings", "2 MB body", {"entity": "user", "context": "x" * 2_000_000}, grpc=False))
    add(Case("strings", "context 5k", {"entity": "user", "context": "x" * 5000}))
    add(Case("strings", "entity 10k", {"entity": "u" * 10_000}))
    add(Case("strings", "field name 1k", {"fields": [{"name": "a" * 1000, "type": "int"}]}))
    add(
        Case("strings", "description 100k", {"fields": [{"name": "a", "description": "d" * 10**5}]})
    )
    add(Case("strings", "regex 600 chars", {"fields": _fields(regex="a" * 600)}))
    add(Case("strings", "max_length 10^6", {"fields": _fields(max_length=10**6)}))
    add(Case("strings", "hints 100", {"entity": "user", "hints": ["h"] * 100}))
    add(Case("strings", "NUL and controls", {"entity": "us\x00er\x1b[31m"}))
    add(Case("strings", "request_id 1k", {"entity": "user", "request_id": "r" * 1000}))
    # --- bad types -------------------------------------------------------------------------------
    for name, body in (
        ("count string", {"entity": "user", "count": "ten"}),
        ("count float", {"entity": "user", "count": 2.5}),
        ("count null", {"entity": "user", "count": None}),
        ("count list", {"entity": "user", "count": [1]}),
        ("seed string", {"entity": "user", "seed": "x"}),
        ("seed 2^64", {"entity": "user", "seed": 2**64}),
        ("fields string", {"fields": "abc"}),
        ("fields of ints", {"fields": [1, 2]}),
        ("format xml", {"entity": "user", "format": "xml"}),
        ("dialect oracle", {"entity": "user", "format": "sql", "sql_dialect": "oracle"}),
        ("flags string", {"entity": "user", "flags": "x"}),
        ("unknown key", {"entity": "user", "bogus": 1}),
        ("spec number", {"spec": 5}),
        ("spec list", {"spec": [1, 2]}),
        (
            "min > max",
            {"fields": [{"name": "n", "type": "int", "constraints": {"min": 9, "max": 1}}]},
        ),
        ("min_length > max_length", {"fields": _fields(min_length=9, max_length=1)}),
        ("enum empty", {"fields": [{"name": "e", "constraints": {"enum": []}}]}),
        (
            "min date garbage",
            {"fields": [{"name": "d", "type": "date", "constraints": {"min": "x"}}]},
        ),
        (
            "far future",
            {
                "fields": [
                    {
                        "name": "d",
                        "type": "datetime",
                        "constraints": {"min": "9999-12-31", "max": "99999-01-01"},
                    }
                ]
            },
        ),
        ("two sources", {"entity": "user", "fields": [{"name": "a"}], "schema_name": "user"}),
        ("no source", {"count": 5}),
        ("array body", [1, 2, 3]),
        (
            "scenario overrides junk",
            {"entity": "user", "scenarios": [{"name": "x", "count": 1, "overrides": {"nope": 1}}]},
        ),
        (
            "scenario override out of range",
            {
                "fields": [{"name": "n", "type": "int", "constraints": {"min": 0, "max": 9}}],
                "scenarios": [{"name": "x", "count": 1, "overrides": {"n": 99}}],
            },
        ),
    ):
        add(Case("types", name, body, grpc=name not in ("array body", "enum empty")))
    add(Case("types", "malformed JSON", b'{"entity": "user", ', raw=True, grpc=False))
    add(Case("types", "empty body", b"", raw=True, grpc=False))
    add(Case("types", "not UTF-8", b'{"entity": "\xff\xfe"}', raw=True, grpc=False))
    # --- unknown entities ------------------------------------------------------------------------
    for name, body in (
        ("entity", {"entity": "nope"}),
        ("schema_name", {"schema_name": "nope"}),
        ("wrong domain", {"entity": "user", "domain": "banking"}),
        ("type", {"fields": [{"name": "a", "type": "no_such_type"}]}),
        (
            "spec entity",
            {"spec": _spec({"t": {"rows": 1, "columns": {"a": {"type": "int"}}}}), "entity": "zz"},
        ),
        ("ref to nothing", {"spec": _spec({"t": {"rows": 1, "columns": {"a": {"ref": "x.id"}}}})}),
        (
            "expr file read",
            {
                "spec": _spec(
                    {
                        "t": {
                            "rows": 1,
                            "columns": {
                                "a": {"expr": "(SELECT count(*) FROM read_csv('/etc/passwd'))"}
                            },
                        }
                    }
                )
            },
        ),
        (
            "expr aggregate",
            {
                "spec": _spec(
                    {"t": {"rows": 2, "columns": {"a": {"type": "int"}, "b": {"expr": "sum(a)"}}}}
                )
            },
        ),
        ("reserved field", {"fields": [{"name": "_scenario"}]}),
    ):
        add(Case("unknown", name, body))
    # --- negative counts -------------------------------------------------------------------------
    for name, body in (
        ("count -1", {"entity": "user", "count": -1}),
        ("count -2^31", {"entity": "user", "count": -(2**31)}),
        ("scenario count -5", {"entity": "user", "scenarios": [{"name": "x", "count": -5}]}),
        ("seed -1", {"entity": "user", "seed": -1}),
        ("stream scenario -1", {"entity": "user", "scenarios": [{"name": "x", "count": -1}]}),
        ("min_length -1", {"fields": _fields(min_length=-1)}),
        ("stream count -1", {"entity": "user", "count": -1}),
    ):
        add(Case("negative", name, body, stream=name.startswith("stream")))
    return c


CASES = _cases()


def grpc_message(pb2: Any, body: Any) -> Any | None:
    """The gRPC GenerateRequest carrying `body`, or None when no message can say it.

    Values a proto field cannot hold (a string count, a 2^64 seed, a list spec)
    have no message: the type system refuses them before the server.
    """
    if not isinstance(body, dict):
        return None
    try:
        kwargs: dict[str, Any] = {}
        for key in ("request_id", "domain", "entity", "schema_name", "context", "sql_dialect"):
            if key in body:
                if not isinstance(body[key], str):
                    return None
                kwargs[key] = body[key]
        if "spec" in body:
            spec = body["spec"]
            kwargs["spec"] = spec if isinstance(spec, str) else json.dumps(spec)
        if "count" in body:
            count = body["count"]
            if (
                not isinstance(count, int)
                or isinstance(count, bool)
                or not -(2**31) <= count < 2**31
            ):
                return None
            kwargs["count"] = count
        if "seed" in body:
            seed = body["seed"]
            if not isinstance(seed, int) or not -(2**63) <= seed < 2**63:
                return None
            kwargs["seed"] = seed
        if "format" in body:
            fmt = {"json": pb2.JSON, "csv": pb2.CSV, "sql": pb2.SQL}.get(body["format"])
            if fmt is None:
                return None
            kwargs["format"] = fmt
        if "hints" in body:
            kwargs["hints"] = body["hints"]
        if "fields" in body:
            if not isinstance(body["fields"], list) or not all(
                isinstance(f, dict) for f in body["fields"]
            ):
                return None
            kwargs["fields"] = [_field(pb2, f) for f in body["fields"]]
        if "scenarios" in body:
            scenarios = []
            for s in body["scenarios"]:
                msg = pb2.Scenario(name=s["name"], count=s["count"])
                msg.overrides.update(s.get("overrides", {}))
                scenarios.append(msg)
            kwargs["scenarios"] = scenarios
        if "flags" in body:
            if not isinstance(body["flags"], dict):
                return None
            kwargs["flags"] = pb2.Flags(**body["flags"])
        unknown = set(body) - {*kwargs, "fields", "scenarios"}
        if unknown:
            return None
        return pb2.GenerateRequest(**kwargs)
    except Exception:  # what protobuf cannot hold (e.g. nested past its depth limit)
        return None


def _field(pb2: Any, f: dict[str, Any]) -> Any:
    msg = pb2.FieldDefinition(name=f["name"], type=f.get("type", ""))
    if "description" in f:
        msg.description = f["description"]
    for sub in f.get("fields") or []:
        msg.fields.append(_field(pb2, sub))
    cons = f.get("constraints")
    if cons is not None:
        c = msg.constraints
        for key in ("min", "max"):
            if key in cons:
                setattr(c, key, str(cons[key]))
        if "regex" in cons:
            c.regex = cons["regex"]
        if "enum" in cons:
            c.enum_values.extend(str(v) for v in cons["enum"])
        for key in ("min_length", "max_length"):
            if key in cons:
                if not -(2**31) <= cons[key] < 2**31:
                    raise ValueError(key)
                setattr(c, key, cons[key])
    return msg


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _length_delimited(tag: int, payload: bytes) -> bytes:
    return _varint(tag << 3 | 2) + _varint(len(payload)) + payload


def deep_fields_bytes(depth: int) -> bytes:
    """A serialized GenerateRequest whose fields nest `depth` deep (no client would build it).

    protobuf refuses to build or decode messages past about 100 levels, so a
    hostile client sends the bytes: FieldDefinition{name=1, fields=5} inside
    GenerateRequest.fields (4), count (11) = 2.
    """
    node = _length_delimited(1, b"leaf")
    for i in range(depth):
        node = _length_delimited(1, f"n{i}".encode()) + _length_delimited(5, node)
    return _length_delimited(4, node) + _varint(11 << 3) + _varint(2)
