"""The five stages of a provision, each reading its inputs from files and writing its own.

research -> model -> load -> golden -> script. A stage reads what earlier
stages wrote (``research.json``, ``spec.yaml``...) rather than objects in
memory, so a resumed job is the same as a fresh one from that stage on,
and a user who edits ``spec.yaml`` by hand gets a new load (its hash is an
input of the load). Every file is written atomically; each stage returns
what it wrote (name -> sha256) and a summary for ``job.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ._files import digest, file_digest, write_json_atomic, write_text_atomic
from .domains import domain_file_text, domain_names, load_domain
from .fetch import Bounds, crawl, read_saved
from .warehouse import default_url

__all__ = ["STAGES", "Context", "Options", "artifacts_intact", "stage_inputs"]

STAGES = ("research", "model", "load", "golden", "script")
#: where each stage's progress runs, in percent of the whole job
SPANS = {
    "research": (0.0, 30.0),
    "model": (30.0, 40.0),
    "load": (40.0, 80.0),
    "golden": (80.0, 95.0),
    "script": (95.0, 100.0),
}


@dataclass(frozen=True)
class Options:
    """What a provision was asked for (its inputs, with the URL)."""

    url: str
    out_dir: str
    db_url: str | None = None
    max_pages: int = 20
    scale: float = 1.0
    llm: str | None = None
    model: str | None = None

    def warehouse_url(self) -> str:
        return self.db_url or default_url(Path(self.out_dir))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Context:
    """What a stage may use: the options, the output folder, the model, progress and cancel."""

    def __init__(
        self,
        options: Options,
        *,
        client: Any = None,
        progress: Callable[[str, float, str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.options = options
        self.out = Path(options.out_dir)
        self.client = client
        self._progress = progress
        self.should_stop = should_stop or (lambda: False)

    def progress(self, stage: str, fraction: float, message: str = "") -> None:
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)), message)

    def read_json(self, name: str) -> Any:
        return json.loads((self.out / name).read_text(encoding="utf-8"))

    def written(self, *names: str) -> dict[str, str | None]:
        return {name: file_digest(self.out / name) for name in names}


def _knowledge(name: str | None = None) -> str:
    """The digest of the domain files a stage reads (edited knowledge reruns the stage)."""
    names = [name] if name else domain_names()
    return digest([__version__, *(domain_file_text(n) for n in names)])


def stage_inputs(stage: str, ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Everything a stage's result depends on; equal inputs, equal result (it is reused)."""
    o = ctx.options
    files = {k: v for out in outputs.values() for k, v in out.get("files", {}).items()}
    if stage == "research":
        return {"url": o.url, "max_pages": o.max_pages, "llm": [o.llm, o.model],
                "knowledge": _knowledge()}  # fmt: skip
    research = files.get("research.json")
    domain = outputs.get("research", {}).get("summary", {}).get("business_domain")
    if stage == "model":
        return {"research": research, "scale": o.scale, "knowledge": _knowledge(domain)}
    if stage == "load":
        return {"spec": files.get("spec.yaml"), "db": digest(o.warehouse_url()), "v": __version__}
    if stage == "golden":
        return {"spec": files.get("spec.yaml"), "load": outputs.get("load", {}).get("summary"),
                "knowledge": _knowledge(domain)}  # fmt: skip
    return {"research": research, "spec": files.get("spec.yaml"),
            "golden": files.get("golden_queries.json"), "v": __version__}  # fmt: skip


def artifacts_intact(stage: str, ctx: Context, output: dict[str, Any]) -> bool:
    """Whether a finished stage's files (or tables) are still as it left them."""
    for name, sha in output.get("files", {}).items():
        if file_digest(ctx.out / name) != sha:
            return False
    if stage == "load":
        from .warehouse import Warehouse

        rows = output.get("summary", {}).get("rows", {})
        from .. import db

        try:
            with Warehouse(ctx.options.warehouse_url()) as wh:
                for table, count in rows.items():
                    _, got = wh.query(f"SELECT COUNT(*) FROM {db.quote_ident(table, wh.dialect)}")
                    if int(got[0][0]) != int(count):
                        return False
        except Exception:  # any failure to read it back: load again
            return False
    return True


# -- the stages ----------------------------------------------------------------------


def research(ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from .extract import extract_page
    from .research import infer

    folder = ctx.out / "pages"

    def on_page(page: Any, done: int, limit: int) -> None:
        ctx.progress("research", 0.8 * done / max(limit, 1), f"read {page.url}")

    result = crawl(
        ctx.options.url,
        folder,
        Bounds(max_pages=ctx.options.max_pages),
        on_page=on_page,
        should_stop=ctx.should_stop,
    )
    pages = [extract_page(read_saved(folder, p), p.url) for p in result.read()]
    skipped = [{"url": p.url, "reason": p.skipped or ""} for p in result.pages if not p.ok]
    found = infer(result.start_url, pages, skipped=skipped)
    if ctx.client is not None:
        from .llm_research import research_with_llm

        ctx.progress("research", 0.85, "asking the model")
        found = research_with_llm(ctx.client, result.start_url, pages, found)
    data = found.to_dict()
    write_json_atomic(ctx.out / "research.json", data)
    return {
        "files": ctx.written("research.json"),
        "summary": {
            "company_name": found.company_name,
            "business_domain": found.business_domain,
            "pages_read": len(found.pages_read),
            "pages_skipped": len(skipped),
            "from_saved_pages": result.from_cache,
            "source": found.source,
        },
    }


def model(ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from .model import build_spec
    from .research import Research

    found = Research.from_dict(ctx.read_json("research.json"))
    domain = load_domain(found.business_domain)
    spec = build_spec(found, domain, scale=ctx.options.scale)
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
    write_text_atomic(ctx.out / "spec.yaml", text)
    return {
        "files": ctx.written("spec.yaml"),
        "summary": {"tables": list(spec["tables"]), "seed": spec["seed"], "domain": domain.name},
    }


def load(ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from ..errors import GenerationError
    from . import warehouse

    spec = yaml.safe_load((ctx.out / "spec.yaml").read_text(encoding="utf-8"))
    done: dict[str, tuple[int, int]] = {}
    last = [0.0]

    def on_progress(table: str, rows: int, total: int) -> None:
        if ctx.should_stop():
            raise GenerationError("cancelled", "load")
        done[table] = (rows, total)
        fraction = sum(d for d, _ in done.values()) / max(sum(t for _, t in done.values()), 1)
        share = (len(done) - 1 + (rows / max(total, 1))) / max(len(spec["tables"]), 1)
        if share - last[0] >= 0.05:
            last[0] = share
            ctx.progress("load", share, f"{table}: {rows}/{total} rows ({fraction:.0%})")

    summary = warehouse.load(spec, ctx.options.warehouse_url(), on_progress=on_progress)
    return {"files": {}, "summary": summary}


def golden(ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from .golden import build_golden

    found = ctx.read_json("research.json")
    domain = load_domain(found["business_domain"])
    report = build_golden(domain, ctx.options.warehouse_url(), should_stop=ctx.should_stop)
    write_json_atomic(ctx.out / "golden_queries.json", report.queries)
    return {"files": ctx.written("golden_queries.json"), "summary": report.to_dict()}


def script(ctx: Context, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from .script import demo_script, er_diagram

    found = ctx.read_json("research.json")
    domain = load_domain(found["business_domain"])
    spec = yaml.safe_load((ctx.out / "spec.yaml").read_text(encoding="utf-8"))
    text = demo_script(
        found,
        domain.label,
        domain.story,
        spec,
        outputs.get("load", {}).get("summary", {}),
        ctx.read_json("golden_queries.json"),
    )
    write_text_atomic(ctx.out / "er_diagram.mmd", er_diagram(spec))
    write_text_atomic(ctx.out / "demo_script.md", text)
    return {
        "files": ctx.written("demo_script.md", "er_diagram.mmd"),
        "summary": {"lines": text.count("\n")},
    }


RUNNERS: dict[str, Callable[[Context, dict[str, dict[str, Any]]], dict[str, Any]]] = {
    "research": research,
    "model": model,
    "load": load,
    "golden": golden,
    "script": script,
}
