"""File columns agree within a row: extension, mime type, name and path."""

from __future__ import annotations

import mimetypes

FILES = {
    "name": {"type": "file_name"},
    "path": {"type": "file_path"},
    "mime": {"type": "mime_type"},
    "ext": {"type": "file_extension"},
}


def test_row_coherence(table) -> None:
    data = table(FILES).block(2000)
    for name, path, mime, ext in zip(*(data[k].to_pylist() for k in FILES), strict=True):
        assert name.endswith(f".{ext}")
        assert path.startswith("/") and path.endswith(f"/{name}")
        guessed = mimetypes.MimeTypes().guess_type(f"x.{ext}")[0]  # built-in table only
        assert guessed is None or guessed == mime, (ext, mime)
    assert len(set(data["ext"].to_pylist())) > 10


def test_columns_alone_agree_with_each_other(table) -> None:
    both = table(FILES).block(300)
    ext_only = table({"ext": FILES["ext"]}).block(300)
    assert ext_only["ext"].equals(both["ext"])


def test_unique_file_names(table) -> None:
    t = table({"name": {"type": "file_name", "unique": True}})
    values = []
    for block in range(3):
        values += t.block(4000, block=block, total=12_000)["name"].to_pylist()
    assert len(set(values)) == len(values)


def test_determinism(table) -> None:
    t = table(FILES)
    assert t.block(200)["path"].equals(t.block(200)["path"])
    assert not t.block(200)["name"].equals(t.block(200, block=1)["name"])
