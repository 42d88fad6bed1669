"""Internet identifiers: domains, URLs, IP and MAC addresses, user agents.

Values are built as fixed-width byte matrices or joined Arrow string arrays;
uniqueness comes from a bijection of the row index embedded in the value
(a keyed Feistel permutation or splitmix64), never from retries.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TypeColumn
from . import _pools
from ._base import BlockContext, Generator, stable_hash
from ._latents import unique_numbers
from ._registry import register
from .tools import FeistelPermutation, mix64, strings_from_matrix, take

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_TLDS = (".com", ".net", ".org", ".io", ".co", ".info")
_TLD_WEIGHTS = np.array([0.55, 0.12, 0.1, 0.05, 0.04, 0.04])


def hex_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Lower-case hex digits of uint64 values as a (rows, width) uint8 matrix (width <= 16)."""
    v = np.asarray(values, dtype=np.uint64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for pos in range(width):
        shift = np.uint64(4 * (width - 1 - pos))
        out[:, pos] = _HEX[((v >> shift) & np.uint64(15)).astype(np.intp)]
    return out


def row_key(ctx: BlockContext) -> int:
    """A key for bijections of this column's row index (seed, table, column)."""
    return stable_hash(f"{ctx.seed}/{ctx.table}/{ctx.column}")


class _InternetType(Generator):
    category: ClassVar[str] = "internet"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()


def domains(ctx: BlockContext, rng: np.random.Generator, unique: bool) -> pa.Array:
    """Domain names: one or two English words and a TLD (country TLD of the locale sometimes).

    With ``unique`` the row's number from a permutation of the row index is
    appended to the name, which makes names distinct (words hold no digits).
    """
    pool = _pools.words()
    first = take(pool, rng.integers(0, len(pool), ctx.n))
    second = take(pool, rng.integers(0, len(pool), ctx.n))
    two = pa.array(rng.random(ctx.n) < 0.35)
    label = pc.if_else(two, pc.binary_join_element_wise(first, second, "-"), first)
    if unique:
        number = pc.cast(pa.array(unique_numbers(ctx) + 1), pa.string())
        label = pc.binary_join_element_wise(label, number, "")
    home = (
        _pools.countries()
        .tld[_pools.countries().index[_pools.LOCALE_COUNTRY[_pools.resolve_locale(ctx.locale)]]]
        .as_py()
    )
    tlds = pa.array([*_TLDS, home], pa.string())
    weights = np.append(_TLD_WEIGHTS, 0.1)
    cdf = np.cumsum(weights) / weights.sum()
    tld = take(tlds, np.minimum(np.searchsorted(cdf, rng.random(ctx.n)), len(cdf) - 1))
    return pc.binary_join_element_wise(label, tld, "")


@register
class Domain(_InternetType):
    name = "domain"
    summary = "Domain name such as river-stone.com."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return domains(ctx, ctx.rng(), col.unique)


@register
class Url(_InternetType):
    name = "url"
    summary = "https URL: a domain and a one- or two-word path."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        host = domains(ctx, rng, col.unique)
        www = pa.array(rng.random(ctx.n) < 0.5)
        host = pc.if_else(www, pc.binary_join_element_wise("www", host, "."), host)
        pool = _pools.words()
        a = take(pool, rng.integers(0, len(pool), ctx.n))
        b = take(pool, rng.integers(0, len(pool), ctx.n))
        deep = pa.array(rng.random(ctx.n) < 0.5)
        path = pc.if_else(deep, pc.binary_join_element_wise(a, b, "/"), a)
        return pc.binary_join_element_wise("https://", host, "/", path, "")


@register
class Ipv4(_InternetType):
    name = "ipv4"
    summary = "IPv4 address (public unicast ranges unless unique)."
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return 2**32

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        if col.unique:
            v = FeistelPermutation(2**32, row_key(ctx))(ctx.row_index())
            octets = [(v >> s) & 255 for s in (24, 16, 8, 0)]
        else:
            first = rng.integers(1, 223, ctx.n)
            first = np.where((first == 10) | (first == 127), first + 1, first)
            octets = [
                first,
                rng.integers(0, 256, ctx.n),
                rng.integers(0, 256, ctx.n),
                rng.integers(1, 255, ctx.n),
            ]
        parts = [pc.cast(pa.array(o.astype(np.int64)), pa.string()) for o in octets]
        return pc.binary_join_element_wise(*parts, ".")


@register
class Ipv6(_InternetType):
    name = "ipv6"
    summary = "IPv6 global unicast address (2000::/3), full form."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        rng = ctx.rng()
        high = rng.integers(0, 2**63, ctx.n, dtype=np.int64).astype(np.uint64)
        high = (high & np.uint64(0x1FFFFFFFFFFFFFFF)) | np.uint64(0x2000000000000000)
        if col.unique:
            low = mix64(ctx.row_index().astype(np.uint64), row_key(ctx))
        else:
            low = rng.integers(0, 2**63, ctx.n, dtype=np.int64).astype(np.uint64) * np.uint64(2)
            low |= rng.integers(0, 2, ctx.n).astype(np.uint64)
        digits = np.concatenate([hex_matrix(high, 16), hex_matrix(low, 16)], axis=1)
        colon = np.full((ctx.n, 1), ord(":"), dtype=np.uint8)
        groups = [digits[:, 4 * g : 4 * g + 4] for g in range(8)]
        matrix = np.concatenate([x for g in groups for x in (g, colon)][:-1], axis=1)
        return strings_from_matrix(matrix)


@register
class MacAddress(_InternetType):
    name = "mac_address"
    summary = "MAC address (unicast, universally administered), aa:bb:cc:dd:ee:ff."
    unique_ok = True

    def capacity(self, col: TypeColumn) -> int | None:
        return 2**46

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        if col.unique:
            v = FeistelPermutation(2**46, row_key(ctx))(ctx.row_index()).astype(np.uint64)
        else:
            v = ctx.rng().integers(0, 2**46, ctx.n, dtype=np.int64).astype(np.uint64)
        # 46 free bits: the first octet's two low bits (multicast, local) stay 0.
        first = (v >> np.uint64(40)) << np.uint64(2)
        value = (first << np.uint64(40)) | (v & np.uint64((1 << 40) - 1))
        digits = hex_matrix(value, 12)
        colon = np.full((ctx.n, 1), ord(":"), dtype=np.uint8)
        pairs = [digits[:, 2 * i : 2 * i + 2] for i in range(6)]
        return strings_from_matrix(
            np.concatenate([x for p in pairs for x in (p, colon)][:-1], axis=1)
        )


@register
class UserAgent(_InternetType):
    name = "user_agent"
    summary = "Browser user-agent string (Mimesis' collection)."
    example: ClassVar[dict[str, Any]] = {}

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        pool = _pools.user_agents()
        return take(pool, ctx.rng().integers(0, len(pool), ctx.n))
