"""Near-duplicate removal that does not depend on input order.

distilabel's MinHash step keeps the first record it meets and drops later
look-alikes, so shuffling the input changes what survives. Here the
records are clustered first and a canonical member kept per cluster:

1. each record's text (statement, constraints, criteria; lower-cased words)
   becomes a set of word 3-grams and a MinHash (``datasketch``, fixed seed);
2. an LSH index over all MinHashes proposes candidate pairs; each candidate
   pair is confirmed with the exact Jaccard similarity of the 3-gram sets
   (>= threshold), so LSH only saves time and never decides;
3. confirmed pairs are joined into clusters (union-find);
4. each cluster keeps its smallest ``(problem_id, content hash)``; the
   others are dropped as ``duplicate_of`` it.

Every step is a function of the set of records, so any order of the same
records gives the same clusters, the same survivors and the same output
(sorted by problem_id).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .models import ProblemRecord, canonical_json

__all__ = ["DedupResult", "dedup", "jaccard", "shingles"]

_WORD = re.compile(r"[a-z0-9]+(?:[-'.][a-z0-9]+)*")


def shingles(text: str, n: int = 3) -> set[str]:
    """Word n-grams of ``text`` (lower-cased); a text shorter than n words is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class DedupResult:
    """Survivors (sorted by id), clusters of 2+ members, and dropped -> kept."""

    kept: list[ProblemRecord]
    clusters: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)


def _key(record: ProblemRecord) -> tuple[str, str]:
    body = canonical_json(
        record.model_dump(mode="json", exclude={"quality", "verdict", "dedup_cluster"})
    )
    return record.problem_id, hashlib.sha256(body.encode("utf-8")).hexdigest()


def dedup(
    records: list[ProblemRecord], *, threshold: float = 0.9, num_perm: int = 128
) -> DedupResult:
    """Cluster near-duplicates (3-gram Jaccard >= ``threshold``) and keep one per cluster."""
    from datasketch import MinHash, MinHashLSH

    ordered = sorted(records, key=_key)
    keys = [_key(r) for r in ordered]
    sets = [shingles(r.text()) for r in ordered]
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    # identical keys (the same record twice) are duplicates whatever the threshold
    for i, j in pairwise(range(len(ordered))):
        if keys[i] == keys[j]:
            union(i, j)
    lsh_threshold = min(0.99, max(0.05, threshold * 0.85))  # generous: candidates are confirmed
    lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
    hashes = []
    for i, grams in enumerate(sets):
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch([g.encode("utf-8") for g in sorted(grams)])
        hashes.append(mh)
        lsh.insert(str(i), mh)
    for i, mh in enumerate(hashes):
        for other in lsh.query(mh):
            j = int(other)
            if j > i and jaccard(sets[i], sets[j]) >= threshold:
                union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        groups.setdefault(find(i), []).append(i)
    result = DedupResult(kept=[])
    for members in sorted(groups.values()):
        keep = ordered[members[0]]
        cluster_id = keep.problem_id
        if len(members) > 1:
            result.clusters.append(
                {
                    "cluster": cluster_id,
                    "kept": keep.problem_id,
                    "members": [ordered[m].problem_id for m in members],
                    "similarity": {
                        ordered[m].problem_id: round(jaccard(sets[members[0]], sets[m]), 4)
                        for m in members[1:]
                    },
                }
            )
            for m in members[1:]:
                result.duplicate_of[ordered[m].problem_id] = keep.problem_id
        result.kept.append(keep.model_copy(update={"dedup_cluster": cluster_id}))
    result.kept.sort(key=_key)
    return result


def near_duplicate_share(records: list[ProblemRecord], threshold: float = 0.8) -> float:
    """The share of records with at least one other record at 3-gram Jaccard >= ``threshold``."""
    if len(records) < 2:
        return 0.0
    found = dedup(records, threshold=threshold)
    in_clusters = sum(len(c["members"]) for c in found.clusters)
    return in_clusters / len(records)
