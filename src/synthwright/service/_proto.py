"""Python code for proto/testdata.proto, generated at first use into a cache directory.

Generated code is not committed (it would go stale against the .proto and the
installed protobuf). On first import, grpc_tools.protoc compiles the .proto
into ``<cache>/<hash>/synthwright_testdata_gen/`` where ``<hash>`` covers the
.proto text and the grpcio-tools/protobuf versions, so a change of either
regenerates it. ``<cache>`` is ``$SYNTHWRIGHT_PROTO_CACHE``, else the user cache
directory (platformdirs), else a temporary directory when that is not writable.
The directory is filled under a temporary name and renamed into place, so
concurrent first imports by several processes are safe.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType

__all__ = ["PACKAGE", "load"]

PACKAGE = "synthwright_testdata_gen"


def _proto_text() -> str:
    return (resources.files("synthwright.service") / "proto" / "testdata.proto").read_text("utf-8")


def _cache_roots() -> list[Path]:
    roots = []
    if os.environ.get("SYNTHWRIGHT_PROTO_CACHE"):
        roots.append(Path(os.environ["SYNTHWRIGHT_PROTO_CACHE"]))
    try:
        import platformdirs

        roots.append(Path(platformdirs.user_cache_dir("synthwright")) / "proto")
    except Exception:  # no usable home directory: fall through to tmp
        pass
    roots.append(Path(tempfile.gettempdir()) / "synthwright-proto")
    return roots


def _digest(text: str) -> str:
    import google.protobuf
    import grpc_tools

    version = getattr(grpc_tools, "__version__", "")
    if not version:
        from importlib.metadata import version as dist_version

        version = dist_version("grpcio-tools")
    key = f"{text}\n{version}\n{google.protobuf.__version__}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _compile(text: str, target: Path) -> None:
    """Run protoc into a fresh directory next to `target`, then rename it into place."""
    from grpc_tools import protoc

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".gen-", dir=target.parent))
    try:
        src = work / "src" / PACKAGE
        src.mkdir(parents=True)
        (src / "testdata.proto").write_text(text, encoding="utf-8")
        out = work / "out"
        (out / PACKAGE).mkdir(parents=True)
        (out / PACKAGE / "__init__.py").write_text("", encoding="utf-8")
        include = resources.files("grpc_tools") / "_proto"
        args = [
            "protoc",
            f"-I{work / 'src'}",
            f"-I{include}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            f"{PACKAGE}/testdata.proto",
        ]
        if protoc.main(args) != 0:
            raise RuntimeError(f"protoc failed on {PACKAGE}/testdata.proto")
        try:
            os.replace(out, target)
        except OSError:
            if not (target / PACKAGE / "testdata_pb2_grpc.py").exists():
                raise  # lost a race only if the winner left a complete directory
    finally:
        shutil.rmtree(work, ignore_errors=True)


@cache
def load() -> tuple[ModuleType, ModuleType]:
    """The generated ``(testdata_pb2, testdata_pb2_grpc)`` modules (compiled when missing)."""
    text = _proto_text()
    digest = _digest(text)
    errors: list[str] = []
    for root in _cache_roots():
        target = root / digest
        try:
            if not (target / PACKAGE / "testdata_pb2_grpc.py").exists():
                _compile(text, target)
        except OSError as exc:
            errors.append(f"{root}: {exc}")
            continue
        if str(target) not in sys.path:
            sys.path.append(str(target))
        pb2 = importlib.import_module(f"{PACKAGE}.testdata_pb2")
        pb2_grpc = importlib.import_module(f"{PACKAGE}.testdata_pb2_grpc")
        return pb2, pb2_grpc
    raise RuntimeError("cannot generate the gRPC code: " + "; ".join(errors))
