"""The planner corpus (bench/planner_corpus): its shape, and scores the planner must keep.

The floors are regression guards below the scores measured when they were set
(tune 0.979 on 363 requests, held-out 0.900 on 45; see bench/planner.py); the
held-out part was frozen before the parser was tuned and is never tuned to. The
issue's target for the held-out part is 0.95: not reached yet.
"""

from __future__ import annotations

import pytest
from bench.planner import KINDS, load, score

FLOORS = {"tune": 0.96, "heldout": 0.89}


def test_the_corpus_is_large_varied_and_well_formed() -> None:
    tune, heldout = load("tune"), load("heldout")
    assert len(tune) + len(heldout) >= 200
    # a fifth when it was frozen (45 of 210); 35 tune requests were added after that, and
    # 163 more (t201-t363) in a second round, each batch committed before the parser changed
    assert len(heldout) >= 45 and len(heldout) * 5 >= 210
    ids = [c["id"] for c in tune + heldout]
    assert len(ids) == len(set(ids))
    styles = {c["style"] for c in tune + heldout}
    assert {"terse", "chatty", "list", "several entities", "jargon", "non-native"} <= styles
    for case in tune + heldout:
        assert case["prompt"].strip() and case["expect"], case["id"]
        assert set(case["expect"]) <= set(KINDS), case["id"]


@pytest.mark.parametrize("part", ["tune", "heldout"])
def test_scores_hold_and_every_spec_is_valid(part: str) -> None:
    result = score(part)
    assert result["valid_share"] == 1.0
    assert result["overall"] >= FLOORS[part], result["failures"][:20]
