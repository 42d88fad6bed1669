"""Training and evaluation data for agents (``synthwright tasks``, SPEC.md section 5).

Problems come from domain templates (data files under ``domains/``) around
sample data made by the engine and an answer computed from it, at measured
complexity levels; commands vary, mix, cross, attack, expand, converse,
verify and deduplicate them. Offline by default and deterministic by seed;
with an LLM the same commands ask the model through :mod:`synthwright.llm`.

>>> from synthwright.tasks import Run, run_dataset
>>> result = run_dataset("customer_support", 3, {"simple": 1.0}, Run(seed=7))
>>> [r.complexity for r in result.records]
['simple', 'simple', 'simple']
"""

from .complexity import TARGETS, THRESHOLDS, level_of, measure, score
from .dedup import DedupResult, dedup, near_duplicate_share
from .domains import domain_names, load_domain
from .graph import build_graph, to_cypher, write_graph
from .models import LEVELS, Interaction, ProblemRecord, Turn, fingerprint
from .pipeline import (
    Result,
    Run,
    run_adversarial,
    run_dataset,
    run_expand,
    run_interactions,
    run_matrix,
    run_variations,
)
from .quotas import apportion, interleave, parse_mix
from .verify import verify_rows

__all__ = [
    "LEVELS",
    "TARGETS",
    "THRESHOLDS",
    "DedupResult",
    "Interaction",
    "ProblemRecord",
    "Result",
    "Run",
    "Turn",
    "apportion",
    "build_graph",
    "dedup",
    "domain_names",
    "fingerprint",
    "interleave",
    "level_of",
    "load_domain",
    "measure",
    "near_duplicate_share",
    "parse_mix",
    "run_adversarial",
    "run_dataset",
    "run_expand",
    "run_interactions",
    "run_matrix",
    "run_variations",
    "score",
    "to_cypher",
    "verify_rows",
    "write_graph",
]
