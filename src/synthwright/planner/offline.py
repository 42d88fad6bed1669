"""The offline planner: a parsed request + the lexicon -> a valid spec.

Decisions made here, each one listed as an assumption in the result:
which columns a table gets (the request's list, else the lexicon's entity,
else generic ones), which table owns which (``per_parent``) or is referenced,
row counts (stated, answered, or a default that is also asked about), how
constraints and time rules land on columns, and what the tables are called
(the request's own words). Contradictions and missing information become
``Question`` objects carrying the default that was used, so a caller can ask
them and re-plan with ``answers`` (keys are the question keys).

The steps live in ``planner/build`` (tables, links and counts, constraints,
time, assembling), one module each; this module runs them in order and makes
the result valid: it is compiled before it is returned, and anything the
compiler refuses is removed (and said so) until it compiles.
"""

from __future__ import annotations

import copy
from typing import Any

from ..engine.compile import compile_spec
from ..errors import SpecError
from ..spec import Spec, spec_from_data
from .build.assemble import AssembleMixin
from .build.base import identifiers
from .parse import check_prompt, parse_request
from .result import PlanResult

__all__ = ["plan_offline"]

# problem codes (errors.Problem.code) meaning "this column cannot be unique here": the repair
# drops `unique` for them, matched by code, never by the wording of the message
_UNIQUENESS_UNMET = frozenset({"capacity", "not_unique"})


class _Builder(AssembleMixin):
    def __init__(self, prompt: str, answers: dict[str, str]) -> None:
        text = prompt
        if answers.get("entities"):
            text = f"{answers['entities']}. {prompt}"
        super().__init__(prompt, answers, parse_request(text))

    def build(self) -> PlanResult:
        names = self.req.tables()
        if not names:
            names = self._nothing_recognised()
        self._junctions_from_relations(names)
        self._relocate_fields(names)
        for name in names:
            self._add_table(name)
        self._pull_junction_parents()
        self._link()
        self._counts()
        self._apply_constraints()
        self._apply_windows()
        self._apply_time_rules()
        self._apply_locale_and_currency()
        spec = self._valid(self._data())
        return PlanResult(
            spec=spec,
            assumptions=self.assumptions,
            questions=self.questions,
            source="offline",
            transcript=[],
            usage={"tokens": 0, "cost_usd": 0.0},
            output_format=self.req.output_format,
        )

    def _valid(self, data: dict[str, Any]) -> Spec:
        """Compile; drop what the compiler refuses (saying so) until it compiles."""
        for _ in range(8):
            try:
                spec = spec_from_data(data)
                compile_spec(spec)
                return spec
            except SpecError as exc:
                if not self._repair(data, exc):
                    break
        keys = copy.deepcopy(data)
        keys.pop("scenarios", None)
        for tdata in keys["tables"].values():
            tdata["columns"] = {
                n: c
                for n, c in tdata["columns"].items()
                if "ref" in c or c.get("type") in ("id", "uuid")
            } or {"id": {"type": "id"}}
            tdata.pop("checks", None)
        self.assume("the plan could not be made valid; kept only keys and links")
        try:
            spec = spec_from_data(keys)
            compile_spec(spec)
            return spec
        except SpecError:
            pass
        bare = {
            "version": 1,
            "name": data.get("name", "dataset"),
            "tables": {
                name: {"rows": 100, "columns": {"id": {"type": "id"}}} for name in data["tables"]
            },
        }
        return spec_from_data(bare)

    def _repair(self, data: dict[str, Any], exc: SpecError) -> bool:
        """Drop what each problem names, found by its location and code (never its wording)."""
        changed = False
        for problem in exc.problems:
            parts = problem.location.split(".")
            msg = problem.message
            if parts[:1] == ["scenarios"]:
                data.pop("scenarios", None)
                self.assume(f"dropped scenarios: {msg}")
                changed = True
                continue
            if len(parts) < 2 or parts[0] != "tables" or parts[1] not in data["tables"]:
                continue
            tdata = data["tables"][parts[1]]
            if len(parts) >= 4 and parts[2] == "columns" and parts[3] in tdata["columns"]:
                col = tdata["columns"][parts[3]]
                if len(parts) >= 5 and parts[4] in col and parts[4] not in ("type", "ref", "expr"):
                    col.pop(parts[4])
                    if parts[4] == "after":
                        col.pop("within", None)
                        tdata.pop("checks", None)
                    self.assume(f"{parts[1]}.{parts[3]}: dropped {parts[4]} ({msg})")
                elif "unique" in col and problem.code in _UNIQUENESS_UNMET:
                    col.pop("unique")
                    self.assume(f"{parts[1]}.{parts[3]}: not unique ({msg})")
                elif len(tdata["columns"]) > 1 and "ref" not in col:
                    del tdata["columns"][parts[3]]
                    tdata["checks"] = [
                        c for c in tdata.get("checks", []) if parts[3] not in identifiers(c)
                    ]
                    self.assume(f"{parts[1]}: dropped column {parts[3]} ({msg})")
                else:
                    continue
                changed = True
            elif len(parts) >= 3 and parts[2] in ("checks", "unique"):
                tdata.pop(parts[2], None)
                self.assume(f"{parts[1]}: dropped {parts[2]} ({msg})")
                changed = True
            elif len(parts) >= 3 and parts[2] == "per_parent":
                pp = tdata["per_parent"]
                pp.pop("dist", None)
                pp["min"], pp["max"] = 0, max(int(pp.get("max") or 1), 1)
                self.assume(f"{parts[1]}: per_parent reset to 0..{pp['max']} ({msg})")
                changed = True
        return changed


def plan_offline(prompt: str, *, answers: dict[str, str] | None = None) -> PlanResult:
    """Plan a valid spec from an English request, without an LLM.

    Args:
        prompt: what the data should be ("500 customers, each with 1-5 orders").
        answers: replies to earlier questions, by ``Question.key``.

    Returns:
        The spec (always valid), every assumption made, the questions that a
        person could answer to refine it (each with the default that was used),
        and the requested output format when the prompt named one.
    """
    check_prompt(prompt)  # SpecError at `prompt` when longer than MAX_PROMPT_CHARS
    return _Builder(prompt, answers or {}).build()
