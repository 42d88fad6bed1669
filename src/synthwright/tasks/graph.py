"""The relations between task records, as a Cypher script and as GraphML.

Nodes: ``Problem`` (every record, and a stub for any record an edge names
that is not in the file), ``BaseProblem`` (the words a variation came
from), ``Matrix`` (one per matrix run), ``Interaction``. Relations, named as
in SPEC.md section 5 (Cypher types in Neo4j's upper case):
``variation_of`` (problem -> base), ``cell_of`` (problem -> matrix),
``adversarial_of`` / ``expands`` (new problem -> the one it came from),
``interaction_of`` (interaction -> problem), ``duplicate_of`` (dropped ->
kept).

The Cypher script is idempotent (constraints ``IF NOT EXISTS``, nodes and
relations by ``MERGE``, in ``UNWIND`` batches), so ``cypher-shell -f
graph.cypher`` can load it twice without doubling anything. GraphML is
written with networkx when it is installed (the ``tasks`` extra), else by a
small writer of the same format; attributes are scalars (lists and maps as
JSON text), as GraphML requires.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Interaction, ProblemRecord

__all__ = ["Graph", "build_graph", "to_cypher", "write_graph"]

RELATIONS = (
    "variation_of",
    "cell_of",
    "adversarial_of",
    "expands",
    "interaction_of",
    "duplicate_of",
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BATCH = 500


@dataclass
class Graph:
    """Labelled nodes by id and typed edges, in insertion order."""

    nodes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def node(self, node_id: str, label: str, props: dict[str, Any] | None = None) -> None:
        old = self.nodes.get(node_id)
        merged = {
            **(old[1] if old else {}),
            **{k: v for k, v in (props or {}).items() if v is not None},
        }
        self.nodes[node_id] = (old[0] if old else label, merged)

    def edge(self, src: str, relation: str, dst: str) -> None:
        if (src, relation, dst) not in self._seen:
            self._seen.add((src, relation, dst))
            self.edges.append((src, relation, dst))

    def __post_init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()


def _problem_props(r: ProblemRecord) -> dict[str, Any]:
    return {
        "domain": r.domain,
        "complexity": r.complexity,
        "complexity_score": r.complexity_score,
        "problem_statement": r.problem_statement,
        "constraints": r.constraints,
        "success_criteria": r.success_criteria,
        "source": r.source,
        "created_at": r.created_at,
        "seed": r.seed,
        "config_fingerprint": r.config_fingerprint,
        "target_capability": r.target_capability,
        "difficulty": r.difficulty,
        "factors": r.factors,
        "dimensions": json.dumps(r.dimensions, sort_keys=True) if r.dimensions else None,
        "verdict": r.verdict,
        "quality_score": (r.quality or {}).get("score"),
        "sample_rows": sum(len(v) for v in (r.sample_data or {}).values()),
    }


def build_graph(
    records: list[ProblemRecord],
    *,
    interactions: list[Interaction] | None = None,
    bases: dict[str, str] | None = None,
    matrices: dict[str, dict[str, Any]] | None = None,
    duplicate_of: dict[str, str] | None = None,
    dropped: list[ProblemRecord] | None = None,
) -> Graph:
    """The graph of ``records`` and everything they point at."""
    graph = Graph()
    for base_id, text in (bases or {}).items():
        graph.node(base_id, "BaseProblem", {"problem_statement": text})
    for matrix_id, props in (matrices or {}).items():
        graph.node(matrix_id, "Matrix", props)
    for r in [*records, *(dropped or [])]:
        graph.node(r.problem_id, "Problem", _problem_props(r))
    for r in [*records, *(dropped or [])]:
        links = (
            ("variation_of", r.base_problem_id, "BaseProblem"),
            ("cell_of", r.matrix_id, "Matrix"),
            ("adversarial_of", r.adversarial_of, "Problem"),
            ("expands", r.expanded_from, "Problem"),
        )
        for relation, target, label in links:
            if target:
                if target not in graph.nodes:
                    graph.node(target, label)
                graph.edge(r.problem_id, relation, target)
    for i in interactions or []:
        graph.node(
            i.interaction_id,
            "Interaction",
            {
                "problem_id": i.problem_id,
                "outcome": i.outcome,
                "turns": len(i.turns),
                "domain": i.domain,
            },
        )
        if i.problem_id not in graph.nodes:
            graph.node(i.problem_id, "Problem")
        graph.edge(i.interaction_id, "interaction_of", i.problem_id)
    for src, dst in sorted((duplicate_of or {}).items()):
        for node in (src, dst):
            if node not in graph.nodes:
                graph.node(node, "Problem")
        graph.edge(src, "duplicate_of", dst)
    return graph


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value if v is not None) + "]"
    text = str(value)
    for a, b in (("\\", "\\\\"), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(a, b)
    return f"'{text}'"


def _key(name: str) -> str:
    return name if _IDENT.match(name) else "`" + name.replace("`", "``") + "`"


def _map(props: dict[str, Any]) -> str:
    return (
        "{"
        + ", ".join(f"{_key(k)}: {_literal(v)}" for k, v in props.items() if v is not None)
        + "}"
    )


def to_cypher(graph: Graph) -> str:
    """A script for ``cypher-shell -f``: constraints, then nodes and relations by MERGE."""
    labels = sorted({label for label, _ in graph.nodes.values()})
    lines = [
        "// synthwright tasks graph; load with: cypher-shell -f THIS_FILE",
        *(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE;"
            for label in labels
        ),
    ]
    for label in labels:
        rows = [{"id": nid, **props} for nid, (lab, props) in graph.nodes.items() if lab == label]
        for start in range(0, len(rows), _BATCH):
            chunk = ",\n  ".join(_map(r) for r in rows[start : start + _BATCH])
            lines.append(
                f"UNWIND [\n  {chunk}\n] AS row\nMERGE (n:{label} {{id: row.id}}) SET n += row;"
            )
    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for src, relation, dst in graph.edges:
        key = (relation, graph.nodes[src][0], graph.nodes[dst][0])
        groups.setdefault(key, []).append((src, dst))
    for (relation, src_label, dst_label), pairs in groups.items():
        for start in range(0, len(pairs), _BATCH):
            chunk = ", ".join(_map({"src": s, "dst": d}) for s, d in pairs[start : start + _BATCH])
            lines.append(
                f"UNWIND [{chunk}] AS row\n"
                f"MATCH (a:{src_label} {{id: row.src}}) MATCH (b:{dst_label} {{id: row.dst}})\n"
                f"MERGE (a)-[:{relation.upper()}]->(b);"
            )
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _graphml_text(graph: Graph) -> str:
    """GraphML without networkx: string/number attributes declared as keys, then the graph."""
    from xml.sax.saxutils import escape, quoteattr

    types = {bool: "boolean", int: "long", float: "double", str: "string"}
    node_keys: dict[str, str] = {"label": "string"}
    for _, props in graph.nodes.values():
        for k, v in props.items():
            node_keys.setdefault(k, types.get(type(_scalar(v)), "string"))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        *(
            f'<key id="n_{k}" for="node" attr.name={quoteattr(k)} attr.type="{t}" />'
            for k, t in node_keys.items()
        ),
        '<key id="e_relation" for="edge" attr.name="relation" attr.type="string" />',
        '<graph edgedefault="directed">',
    ]
    for nid, (label, props) in graph.nodes.items():
        data = "".join(
            f'<data key="n_{k}">{escape(str(_scalar(v)).lower() if isinstance(v, bool) else str(_scalar(v)))}</data>'
            for k, v in {"label": label, **props}.items()
        )
        out.append(f"<node id={quoteattr(nid)}>{data}</node>")
    for i, (src, relation, dst) in enumerate(graph.edges):
        out.append(
            f'<edge id="e{i}" source={quoteattr(src)} target={quoteattr(dst)}>'
            f'<data key="e_relation">{relation}</data></edge>'
        )
    out += ["</graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def write_graph(graph: Graph, path: Path, location: str = "--graph") -> None:
    """Write ``graph`` as Cypher (``.cypher``/``.cql``) or GraphML (``.graphml``), atomically."""
    from ..errors import DataError
    from .io import write_atomic

    suffix = path.suffix.lower()
    if suffix in (".cypher", ".cql"):
        text = to_cypher(graph)
    elif suffix == ".graphml":
        try:
            import networkx as nx
        except ImportError:
            text = _graphml_text(graph)
        else:
            g = nx.MultiDiGraph()
            for nid, (label, props) in graph.nodes.items():
                g.add_node(nid, label=label, **{k: _scalar(v) for k, v in props.items()})
            for src, relation, dst in graph.edges:
                g.add_edge(src, dst, key=relation, relation=relation)
            text = "\n".join(nx.generate_graphml(g)) + "\n"
    else:
        raise DataError(
            f"unknown graph format {suffix or '(none)'!r}; use .cypher or .graphml", location
        )

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)

    write_atomic(path, write, location)
