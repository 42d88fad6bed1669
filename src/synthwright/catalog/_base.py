"""The generator interface and the per-block context every generator sees.

A generator turns (column spec, block context) into one Arrow array for a
block of rows. It never loops over rows in Python: it draws numpy arrays from
the block's own random stream and takes strings from cached Arrow pools.

Determinism: ``ctx.rng(...)`` is keyed by (seed, table, column, block), so a
column's values do not depend on which other columns exist, on batch sizes
or on workers. Values shared by several columns of a row (the person behind
first_name/last_name/email, the place behind city/state/postal_code) are
*latents*: drawn once per block from their own key and cached in
``ctx.shared``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa

from ..spec import TableSpec, TypeColumn
from ._params import (
    COMMON_PARAMS,
    TypeParams,
    check_words,
    given_params,
    model_problems,
    params_model,
    words_problems,
)

__all__ = ["COMMON_PARAMS", "BlockContext", "Generator", "make_rng", "stable_hash"]


def stable_hash(text: str) -> int:
    """A 63-bit hash of a name that is the same in every process and version."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


def make_rng(seed: int, *names: str | int) -> np.random.Generator:
    """A random stream keyed by the seed and a path of names/numbers (counter-based)."""
    key = [seed & 0xFFFFFFFFFFFFFFFF] + [
        stable_hash(n) if isinstance(n, str) else int(n) for n in names
    ]
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(key)))


@dataclass
class BlockContext:
    """Everything a generator may look at for one block of one table.

    Attributes:
        seed: the run's seed.
        table: table name; ``column``: the column being generated.
        block: block index; ``start``: global row index of the block's first row.
        n: rows in this block; ``total_rows``: rows in the whole table.
        locale: the column's effective locale (column > spec default).
        table_spec: the table's spec, to find sibling columns by type.
        columns: arrays already generated for this block (dependencies first).
        parents: parent columns gathered to this block's rows,
            keyed ``"table.column"`` (for ``after:``/``before:``/templates).
        lower, upper: per-row numeric bounds from ``after``/``before``/checks,
            in the column's physical unit (epoch microseconds for datetimes),
            or None.
        shared: per-block cache for latents shared by columns of a row.
    """

    seed: int
    table: str
    column: str
    block: int
    start: int
    n: int
    total_rows: int
    locale: str
    table_spec: TableSpec
    columns: dict[str, pa.Array] = field(default_factory=dict)
    parents: dict[str, pa.Array] = field(default_factory=dict)
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    shared: dict[str, Any] = field(default_factory=dict)

    def rng(self, stream: str | None = None) -> np.random.Generator:
        """This column's random stream for this block (or a named sub-stream)."""
        names: list[str | int] = [self.table, self.column if stream is None else stream]
        return make_rng(self.seed, *names, self.block)

    def row_index(self) -> np.ndarray:
        """Global row indices of this block, int64."""
        return np.arange(self.start, self.start + self.n, dtype=np.int64)

    def latent(self, name: str, build: Callable[[BlockContext], Any]) -> Any:
        """A value shared by the columns of a row, drawn once per block from its own key.

        ``build`` gets a context whose ``rng()`` is keyed by ``name`` rather than
        by the column, so the latent is the same whichever column asks first.
        """
        key = f"latent:{name}"
        if key not in self.shared:
            own = dataclasses.replace(self, column=f"__{name}__", lower=None, upper=None)
            self.shared[key] = build(own)
        return self.shared[key]

    def sibling_of_type(self, *type_names: str) -> str | None:
        """Name of the first column in this table whose type is one of ``type_names``."""
        for name, col in self.table_spec.columns.items():
            if isinstance(col, TypeColumn) and col.type in type_names and name != self.column:
                return name
        return None


class _ParamsFromWords:
    """``Generator.Params`` of a type that names shared words: its model, made on first use."""

    def __get__(self, obj: object, owner: type[Generator]) -> type[TypeParams]:
        return params_model(getattr(owner, "name", owner.__name__), owner.params)


_FROM_WORDS = _ParamsFromWords()


class Generator(ABC):
    """A column type of the catalogue. Subclass, set the class attributes, register.

    Class attributes:
        name: the ``type:`` value users write.
        category: group shown by ``synthwright types`` (base, person, address, ...).
        summary: one line for the catalogue.
        params: the shared parameter words (``TypeColumn`` fields) this type
            takes besides COMMON_PARAMS, checked when the class is defined.
            A type with words of its own defines ``Params`` instead (a
            `TypeParams` subclass), and ``params`` is read from it.
        Params: the parameter model columns of this type are validated
            through (``_params``); made from ``params`` on first use.
        example: an example column spec (without ``type``) for the catalogue.
        unique_ok: whether ``unique: true`` can be met by construction.
    """

    name: ClassVar[str]
    category: ClassVar[str] = "base"
    summary: ClassVar[str] = ""
    params: ClassVar[tuple[str, ...]] = ()
    Params = _FROM_WORDS
    example: ClassVar[dict[str, Any]] = {}
    unique_ok: ClassVar[bool] = False
    # the words when the type takes only shared ones (the quick check); None with a Params
    shared_words: ClassVar[frozenset[str] | None] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Params" in cls.__dict__:
            cls.params = tuple(cls.Params.model_fields)
            cls.shared_words = None
        elif "params" in cls.__dict__:
            cls.shared_words = check_words(cls.__dict__.get("name", cls.__name__), cls.params)
            cls.Params = _FROM_WORDS  # type: ignore[assignment]  # (a parent's Params no more)

    def options(self, col: TypeColumn) -> Any:
        """The column's parameters as this type's ``Params`` (defaults filled in)."""
        return self.Params.model_validate(given_params(col))

    def param_problems(self, col: TypeColumn) -> list[tuple[str, str]]:
        """(word, message) per parameter of ``col`` this type does not take or refuses."""
        if self.shared_words is not None:
            return words_problems(self.name, self.shared_words, col)
        return model_problems(self.name, self.Params, col)

    @abstractmethod
    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        """The Arrow type of this column's values."""

    @abstractmethod
    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        """Values for ``ctx.n`` rows (no nulls: the engine applies ``null_rate``).

        When ``col.unique`` is set, values must be distinct across the whole
        table by construction, typically from ``ctx.row_index()`` through a
        bijection (see ``catalog.tools.FeistelPermutation``).
        """

    def validate(self, col: TypeColumn) -> list[tuple[str, str]]:
        """Type-specific problems as (field, message); empty when fine."""
        return []

    def capacity(self, col: TypeColumn) -> int | None:
        """How many distinct values this column can take; None when unbounded."""
        return None

    def needs(self, col: TypeColumn, table: TableSpec, name: str) -> list[str]:
        """Same-table columns that must be generated before this one (coherence)."""
        return []
