"""Score a search or query system against a truth manifest.

Per query: precision = |returned ∩ expected| / |returned|, recall =
|returned ∩ expected| / |expected|, F1 their harmonic mean; then the macro
averages (the mean of the per-query values, each query counting once) and
the micro averages (pooled counts, each key counting once).

The empty-set convention (never NaN, never a division by zero):

- nothing expected and nothing returned: precision, recall and F1 are 1.0
  (the system answered the query exactly);
- anything else with an empty side -- nothing expected but something
  returned, or something expected but nothing returned -- scores 0.0 on all
  three: a wrong answer gets no credit on any measure, so an empty answer
  is never rewarded with a perfect precision, nor a spurious one with a
  perfect recall.

The micro averages follow the same rule over the pooled counts. A query of
the manifest that the results do not mention was answered with nothing
(``missing`` says so); results for queries the manifest lacks are listed
as ``unknown`` and not scored.

Keys are compared as text (``12`` and ``"12"`` are one key; an integral
float ``12.0`` is ``12``), since results files and databases disagree on
types. The near misses make the error analysis: a near miss the system
returned fails exactly one predicate, so it says which predicate the system
did not apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError

__all__ = [
    "QueryScore",
    "Report",
    "evaluate",
    "key_text",
    "qrels_text",
    "read_manifest",
    "read_results",
    "run_text",
    "score",
]


def key_text(key: Any) -> str:
    """A key as the text it is compared by (see module docstring)."""
    if isinstance(key, bool):
        return str(key).lower()
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def score(expected: set[str], returned: set[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) of one answer, with the empty-set convention above."""
    if not expected or not returned:
        full = 1.0 if not expected and not returned else 0.0
        return full, full, full
    hits = len(expected & returned)
    precision = hits / len(returned)
    recall = hits / len(expected)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


@dataclass
class QueryScore:
    """How one query was answered."""

    name: str
    table: str
    expected: list[str]
    returned: list[str]
    precision: float
    recall: float
    f1: float
    missing: bool = False
    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    #: per violated predicate (column): [near misses returned, near misses planted]
    near_misses: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ignored(self) -> list[str]:
        """Predicates the system seems not to apply: it returned a near miss that fails them."""
        return [c for c, (got, _) in self.near_misses.items() if got]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "table": self.table,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "expected": len(self.expected),
            "returned": len(self.returned),
            "true_positives": len(self.expected) - len(self.missed),
            "missing": self.missing,
            "false_positives": self.false_positives,
            "missed": self.missed,
            "near_misses": {
                c: {"returned": g, "planted": n} for c, (g, n) in self.near_misses.items()
            },
            "ignored_predicates": self.ignored,
        }


@dataclass
class Report:
    """Scores of every query, their macro and micro averages, and the per-predicate analysis."""

    queries: list[QueryScore]
    macro: dict[str, float]
    micro: dict[str, float]
    unknown: list[str]
    predicates: dict[str, dict[str, int]]  # "query.column" -> near misses returned / planted

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries": [q.to_dict() for q in self.queries],
            "macro": self.macro,
            "micro": self.micro,
            "unknown_queries": self.unknown,
            "predicates": self.predicates,
            "convention": "empty expected and empty returned: 1.0; one side empty: 0.0",
        }


def evaluate(manifest: dict[str, Any], results: dict[str, list[Any]]) -> Report:
    """Score ``results`` (query name -> returned keys, in rank order) against a manifest."""
    scores = []
    predicates: dict[str, dict[str, int]] = {}
    names = [q["name"] for q in manifest["queries"]]
    for q in manifest["queries"]:
        expected = [key_text(k) for k in q["expected"]]
        returned = list(dict.fromkeys(key_text(k) for k in results.get(q["name"], [])))
        want, got = set(expected), set(returned)
        p, r, f = score(want, got)
        near: dict[str, list[int]] = {}
        for miss in q.get("near_misses", []):
            tally = near.setdefault(miss["violates"], [0, 0])
            tally[1] += 1
            tally[0] += key_text(miss["key"]) in got
        for column, (hit, total) in near.items():
            predicates[f"{q['name']}.{column}"] = {"returned": hit, "planted": total}
        scores.append(
            QueryScore(
                q["name"],
                q["table"],
                expected,
                returned,
                p,
                r,
                f,
                missing=q["name"] not in results,
                false_positives=[k for k in returned if k not in want],
                missed=[k for k in expected if k not in got],
                near_misses=near,
            )
        )
    macro = {
        m: (sum(getattr(s, m) for s in scores) / len(scores) if scores else 1.0)
        for m in ("precision", "recall", "f1")
    }
    hits = sum(len(s.expected) - len(s.missed) for s in scores)
    n_ret = sum(len(s.returned) for s in scores)
    n_exp = sum(len(s.expected) for s in scores)
    if not n_ret or not n_exp:
        full = 1.0 if not n_ret and not n_exp else 0.0
        micro = {"precision": full, "recall": full, "f1": full}
    else:
        mp, mr = hits / n_ret, hits / n_exp
        micro = {"precision": mp, "recall": mr, "f1": 2 * mp * mr / (mp + mr) if hits else 0.0}
    unknown = sorted(set(results) - set(names))
    return Report(scores, macro, micro, unknown, predicates)


def read_manifest(path: str | Path) -> dict[str, Any]:
    """A truth.json, checked for the fields scoring needs.

    Raises:
        DataError: unreadable, not JSON, or not a truth manifest (located at the file).
    """
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"no such file: {path}", where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path}: {exc}", where) from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"not JSON: {exc.msg} at line {exc.lineno}", where) from exc
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise DataError("not a truth manifest: no 'queries' list", where)
    for i, q in enumerate(data["queries"]):
        if not isinstance(q, dict) or not {"name", "table", "expected"} <= set(q):
            raise DataError("a query needs name, table and expected", f"{where}:queries[{i}]")
    return data


def read_results(path: str | Path) -> dict[str, list[Any]]:
    """Results as JSON lines ``{"query": NAME, "keys": [...]}`` (lines of one query add up).

    Raises:
        DataError: unreadable, or a line that is not such an object (located at ``file:line``).
    """
    out: dict[str, list[Any]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataError(f"no such file: {path}", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path}: {exc}", str(path)) from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"not JSON: {exc.msg}", where) from exc
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("query"), str)
            or not isinstance(item.get("keys"), list)
        ):
            raise DataError('expected {"query": NAME, "keys": [...]}', where)
        out.setdefault(item["query"], []).extend(item["keys"])
    return out


def qrels_text(manifest: dict[str, Any]) -> str:
    """TREC qrels (``query 0 doc relevance``): expected keys 1, near misses judged 0.

    Readable by ir-measures / trec_eval; a query with nothing expected has
    only its near misses (judged non-relevant), which such tools skip.
    """
    lines = []
    for q in manifest["queries"]:
        relevant = {key_text(k) for k in q["expected"]}
        for key in sorted(relevant):
            lines.append(f"{q['name']} 0 {key} 1")
        misses = {key_text(m["key"]) for m in q.get("near_misses", [])} - relevant
        for key in sorted(misses):
            lines.append(f"{q['name']} 0 {key} 0")
    return "\n".join(lines) + ("\n" if lines else "")


def run_text(results: dict[str, list[Any]], run_name: str = "synthwright") -> str:
    """A TREC run (``query Q0 doc rank score name``): keys in the order returned, score falling."""
    lines = []
    for name in sorted(results):
        keys = list(dict.fromkeys(key_text(k) for k in results[name]))
        for rank, key in enumerate(keys, 1):
            lines.append(f"{name} Q0 {key} {rank} {len(keys) - rank + 1} {run_name}")
    return "\n".join(lines) + ("\n" if lines else "")
