"""Vectorised building blocks shared by generators.

- :class:`FeistelPermutation`: a keyed bijection of [0, N) -- uniqueness by
  construction (row i gets value perm(i); distinct rows, distinct values).
- :func:`mix64`: a keyed bijection of uint64 (splitmix64's finaliser).
- :func:`fill_template`: fixed-width strings such as ``+1 ###-###-####``
  built as a numpy byte matrix, no per-row Python.
- :func:`digits_matrix` / :func:`strings_from_matrix`: the matrix <-> Arrow glue.
- :func:`weighted_choice`: indices drawn by weights.
- :func:`concat_strings`: element-wise string concatenation of Arrow arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(x: np.ndarray, key: int) -> np.ndarray:
    """Keyed bijection of uint64 values (splitmix64 finaliser over x + key)."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(key & 0xFFFFFFFFFFFFFFFF) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


class FeistelPermutation:
    """A keyed pseudo-random permutation of [0, size), evaluated on arrays.

    A balanced Feistel network over the smallest even number of bits that
    covers ``size``, with cycle-walking for values that fall outside: each
    step is a bijection of the bit domain, so the restriction to [0, size)
    is a bijection too. Expected walks per value < 4.
    """

    def __init__(self, size: int, key: int, rounds: int = 4) -> None:
        if size < 1:
            raise ValueError("permutation size must be >= 1")
        self.size = int(size)
        bits = max(2, int(size - 1).bit_length())
        bits += bits % 2
        self.half = bits // 2
        self.mask = np.uint64((1 << self.half) - 1)
        self.keys = [
            int(mix64(np.array([key + r], dtype=np.uint64), 0x5EED)[0]) for r in range(rounds)
        ]

    def _encrypt(self, x: np.ndarray) -> np.ndarray:
        half = np.uint64(self.half)
        left = x >> half
        right = x & self.mask
        for k in self.keys:
            f = mix64(right, k) & self.mask
            left, right = right, left ^ f
        return (left << half) | right

    def __call__(self, index: np.ndarray) -> np.ndarray:
        """perm(index) for an int array of indices in [0, size)."""
        x = np.asarray(index, dtype=np.uint64)
        if self.size == 1:
            return np.zeros(len(x), dtype=np.int64)
        out = self._encrypt(x)
        bad = out >= np.uint64(self.size)
        while bad.any():
            out[bad] = self._encrypt(out[bad])
            bad = out >= np.uint64(self.size)
        return out.astype(np.int64)


def strings_from_matrix(matrix: np.ndarray) -> pa.Array:
    """An Arrow string array from a (rows, width) uint8 matrix of ASCII bytes."""
    rows, width = matrix.shape
    data = np.ascontiguousarray(matrix, dtype=np.uint8).reshape(-1)
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def digits_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative ints as a (rows, width) uint8 matrix."""
    v = np.asarray(values, dtype=np.uint64).copy()
    out = np.empty((len(v), width), dtype=np.uint8)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = (v % np.uint64(10)).astype(np.uint8) + ord("0")
        v //= np.uint64(10)
    return out


def fill_template(
    template: str, rng: np.random.Generator, n: int, slot: str = "#", letters: str = "?"
) -> pa.Array:
    """Strings shaped like ``template``: each ``#`` a random digit, each ``?`` a letter A-Z.

    >>> import numpy as np
    >>> fill_template("AB-##", np.random.default_rng(0), 2).to_pylist()  # doctest: +SKIP
    ['AB-85', 'AB-63']
    """
    raw = np.frombuffer(template.encode("ascii"), dtype=np.uint8)
    matrix = np.tile(raw, (n, 1))
    digit_pos = np.flatnonzero(raw == ord(slot))
    letter_pos = np.flatnonzero(raw == ord(letters))
    if len(digit_pos):
        matrix[:, digit_pos] = rng.integers(0, 10, size=(n, len(digit_pos)), dtype=np.uint8) + 48
    if len(letter_pos):
        matrix[:, letter_pos] = rng.integers(0, 26, size=(n, len(letter_pos)), dtype=np.uint8) + 65
    return strings_from_matrix(matrix)


def weighted_choice(
    rng: np.random.Generator, weights: Sequence[float] | np.ndarray, n: int
) -> np.ndarray:
    """n indices into ``weights``, drawn with probability proportional to them."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(idx, len(w) - 1).astype(np.int64)


def concat_strings(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literal strings."""
    if not any(not isinstance(p, str) for p in parts):
        raise ValueError("concat_strings needs at least one array")
    args = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, "")


def take(pool: pa.Array, index: np.ndarray) -> pa.Array:
    """Values of an Arrow pool at the given indices (the hot path for strings)."""
    return pool.take(pa.array(index, type=pa.int64()))
