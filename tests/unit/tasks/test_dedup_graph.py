"""dedup: order-independent clusters; graph: GraphML networkx reads, Cypher cypher-shell loads."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx

from synthwright.tasks import (
    ProblemRecord,
    Run,
    build_graph,
    dedup,
    run_adversarial,
    run_interactions,
    run_variations,
    to_cypher,
    write_graph,
)


def _with_near_copies(records: list[ProblemRecord]) -> list[ProblemRecord]:
    copies = []
    for i, r in enumerate(records[:5]):
        words = r.problem_statement.split()
        words[-1] = words[-1] + " Thanks."
        copies.append(
            r.model_copy(update={"problem_id": f"zz_{i}", "problem_statement": " ".join(words)})
        )
    return [*records, *copies]


def test_near_duplicates_are_found_and_the_smallest_id_kept(
    small_dataset: list[ProblemRecord],
) -> None:
    found = dedup(_with_near_copies(small_dataset), threshold=0.9)
    assert len(found.clusters) == 5 and len(found.kept) == len(small_dataset)
    for i, r in enumerate(small_dataset[:5]):
        assert found.duplicate_of[f"zz_{i}"] == r.problem_id
    assert all(r.dedup_cluster for r in found.kept)
    assert [r.problem_id for r in found.kept] == sorted(r.problem_id for r in found.kept)


def test_dedup_does_not_depend_on_input_order(small_dataset: list[ProblemRecord]) -> None:
    records = _with_near_copies(small_dataset)
    reference = dedup(records, threshold=0.9)
    for seed in range(3):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        again = dedup(shuffled, threshold=0.9)
        assert [r.to_dict() for r in again.kept] == [r.to_dict() for r in reference.kept]
        assert again.clusters == reference.clusters and again.duplicate_of == reference.duplicate_of


def test_graph_files(small_dataset: list[ProblemRecord], tmp_path: Path) -> None:
    base = small_dataset[:4]
    adv = run_adversarial(base, "tool_use", "easy", Run(seed=1)).records
    var = run_variations("Audit refunds", "customer_support", ["simple"], 2, Run(seed=1))
    talk = run_interactions(base[:1], 2, Run(seed=1)).interactions
    graph = build_graph(
        [*base, *adv, *var.records],
        interactions=talk,
        bases=var.bases,
        duplicate_of={adv[0].problem_id: base[0].problem_id},
    )
    write_graph(graph, tmp_path / "g.graphml")
    write_graph(graph, tmp_path / "g.cypher")
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    relations = sorted({d["relation"] for _, _, d in g.edges(data=True)})
    assert relations == ["adversarial_of", "duplicate_of", "interaction_of", "variation_of"]
    assert g.nodes[adv[0].problem_id]["label"] == "Problem"
    assert g.has_edge(adv[0].problem_id, base[0].problem_id)
    assert g.number_of_nodes() == 4 + 4 + 2 + 1 + 2
    text = (tmp_path / "g.cypher").read_text()
    for statement in (
        "CREATE CONSTRAINT problem_id IF NOT EXISTS FOR (n:Problem) REQUIRE n.id IS UNIQUE;",
        "CREATE CONSTRAINT baseproblem_id IF NOT EXISTS FOR (n:BaseProblem) REQUIRE n.id IS UNIQUE;",
        "MERGE (n:Problem {id: row.id}) SET n += row;",
        "MERGE (a)-[:ADVERSARIAL_OF]->(b);",
        "MERGE (a)-[:VARIATION_OF]->(b);",
        "MERGE (a)-[:INTERACTION_OF]->(b);",
        "MERGE (a)-[:DUPLICATE_OF]->(b);",
    ):
        assert statement in text
    assert text == to_cypher(graph)
    assert text.count("MATCH (a:Problem {id: row.src}) MATCH (b:BaseProblem {id: row.dst})") == 1


def test_cypher_strings_are_escaped() -> None:
    record = ProblemRecord(
        problem_id="p'1",
        problem_statement='It\'s a "quote" \\ and\na newline',
        constraints=[],
        success_criteria=["ok"],
        domain="hr",
        complexity="simple",
        created_at="2025-01-01T00:00:00Z",
    )
    text = to_cypher(build_graph([record]))
    assert "id: 'p\\'1'" in text and "'It\\'s a \"quote\" \\\\ and\\na newline'" in text
