"""Files: names, paths, mime types and extensions that agree within a row.

The row's file kind (extension + mime type + usual folder) is the ``file``
latent, so ``file_name`` ends with the row's ``file_extension``, whose mime
type is the row's ``mime_type``, and ``file_path`` ends with the row's
``file_name`` -- whichever of these columns exist.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import TypeColumn
from . import _pools
from ._base import BlockContext, Generator
from ._latents import file_kind, person, unique_numbers
from ._registry import register
from .tools import take


class _FileType(Generator):
    category: ClassVar[str] = "files"

    def arrow_type(self, col: TypeColumn) -> pa.DataType:
        return pa.string()


def file_names(ctx: BlockContext, unique: bool) -> pa.Array:
    """The row's file name: words joined by ``_`` or ``-``, maybe a number, and the extension.

    Drawn from the latent's own stream (``file_name`` latent, next to the
    ``file`` latent), so ``file_name`` and ``file_path`` agree. With
    ``unique`` the row's number from a permutation of the row index is part
    of the name, so names are distinct.
    """

    def build(own: BlockContext) -> pa.Array:
        rng = own.rng()
        pool = _pools.words()
        a = take(pool, rng.integers(0, len(pool), own.n))
        b = take(pool, rng.integers(0, len(pool), own.n))
        style = rng.random(own.n)
        stem = pc.if_else(
            pa.array(style < 0.4),
            a,
            pc.binary_join_element_wise(a, b, pa.array(np.where(style < 0.75, "_", "-"))),
        )
        number = pc.cast(pa.array(rng.integers(1, 100, own.n)), pa.string())
        numbered = pa.array(rng.random(own.n) < 0.2)
        return pc.if_else(numbered, pc.binary_join_element_wise(stem, number, "_"), stem)

    stem: pa.Array = ctx.latent("file_name", build)
    if unique:
        number = pc.cast(pa.array(unique_numbers(ctx, ctx.total_rows) + 1), pa.string())
        stem = pc.binary_join_element_wise(stem, number, "_")
    ext = take(_pools.file_kinds().extensions, file_kind(ctx))
    return pc.binary_join_element_wise(stem, ext, ".")


@register
class FileName(_FileType):
    name = "file_name"
    summary = "File name whose extension is the row's file_extension (report_2.pdf)."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return file_names(ctx, col.unique)


@register
class FilePath(_FileType):
    name = "file_path"
    summary = "Absolute path ending in the row's file_name, in a folder fitting its kind."
    unique_ok = True

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        # The path's name is the file_name column's when that is not unique; a unique
        # path makes its own unique name (stems then differ only by the number).
        name = file_names(ctx, col.unique)
        folder = take(_pools.file_kinds().folders, file_kind(ctx))
        user = take(_pools.names().first_ascii, person(ctx).first)
        return pc.binary_join_element_wise("/home", user, folder, name, "/")


@register
class MimeType(_FileType):
    name = "mime_type"
    summary = "Mime type of the row's file (matches file_extension and file_name)."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.file_kinds().mimes, file_kind(ctx))


@register
class FileExtension(_FileType):
    name = "file_extension"
    summary = "Extension (without the dot) of the row's file."

    def generate(self, col: TypeColumn, ctx: BlockContext) -> pa.Array:
        return take(_pools.file_kinds().extensions, file_kind(ctx))
