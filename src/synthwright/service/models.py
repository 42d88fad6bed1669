"""Request and response models shared by the HTTP API and the gRPC adapter.

The gRPC messages (proto/testdata.proto) mirror these field for field; the gRPC
server converts its messages into a `GenerateRequest` so both surfaces are
validated by the same rules and report the same located problems.
"""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ErrorInfo",
    "FieldConstraints",
    "FieldDef",
    "Flags",
    "GenerateRequest",
    "GenerateResponse",
    "HealthInfo",
    "Metadata",
    "OutputFormat",
    "ProblemInfo",
    "ScenarioDef",
    "SchemaField",
    "SchemaInfo",
    "SchemasResponse",
]

Scalar = str | int | float | bool


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutputFormat(str, Enum):
    """What ``data`` holds: JSON records, CSV text (header row), or SQL INSERT statements."""

    json = "json"
    csv = "csv"
    sql = "sql"


class FieldConstraints(_Model):
    """Per-field constraints; each maps onto the spec constraint of the same meaning."""

    min: int | float | str | None = Field(None, description="Smallest value (numbers, dates).")
    max: int | float | str | None = Field(None, description="Largest value (numbers, dates).")
    enum: list[Scalar] | None = Field(None, min_length=1, description="The allowed values.")
    regex: str | None = Field(None, max_length=500, description="Strings matching this regex.")
    min_length: int | None = Field(None, ge=0, le=10_000)
    max_length: int | None = Field(None, ge=0, le=10_000)


class FieldDef(_Model):
    """One field of an inline schema: a catalogue type (``synthwright types``) or nested fields."""

    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: str = Field("string", min_length=1, max_length=64)
    required: bool = Field(True, description="False: about 10% of values are null.")
    description: str | None = Field(None, max_length=1000)
    constraints: FieldConstraints | None = None
    fields: list[FieldDef] | None = Field(
        None, max_length=100, description="Nested fields: the value is an object."
    )


class ScenarioDef(_Model):
    """Extra records whose fields are overridden (a literal, or {min, max, values})."""

    name: str = Field(..., min_length=1, max_length=64)
    count: int = Field(..., ge=0)
    overrides: dict[str, Any] = Field(default_factory=dict)
    description: str | None = Field(None, max_length=1000)


class Flags(_Model):
    """Behaviour switches of a request."""

    use_cache: bool = Field(True, description="Serve identical seeded requests from the cache.")
    learn_from_history: bool = Field(False, description="Accepted; not supported yet (noted).")
    defect_triggering: bool = Field(
        False,
        description="Plant legal edge values (boundaries, leap days, awkward text, rarest "
        "categories, missing optionals) in up to half the records; _scenario names each.",
    )
    production_like: bool = Field(
        False, description="Prefer realistic distributions; routes towards the LLM path."
    )


class GenerateRequest(_Model):
    """What to generate: an entity from the registry, inline fields, or a full spec."""

    request_id: str = Field(default_factory=lambda: uuid.uuid4().hex, max_length=128)
    domain: str | None = Field(None, max_length=64, description="Registry domain, e.g. ecommerce.")
    entity: str | None = Field(
        None, max_length=64, description="Registry entity, or the table to return of a spec."
    )
    fields: list[FieldDef] | None = Field(None, max_length=200)
    schema_name: str | None = Field(None, max_length=64, description="A predefined schema.")
    spec: dict[str, Any] | str | None = Field(None, description="A full spec (object or YAML).")
    scenarios: list[ScenarioDef] = Field(default_factory=list, max_length=50)
    context: str | None = Field(None, max_length=4000, description="Free-text context.")
    hints: list[str] = Field(default_factory=list, max_length=20)
    format: OutputFormat = OutputFormat.json
    sql_dialect: str = Field("postgres", pattern="^(postgres|mysql|sqlite|duckdb)$")
    count: int = Field(10, ge=0, description="Records (scenario records come on top).")
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    flags: Flags = Field(default_factory=Flags)

    @field_validator("hints")
    @classmethod
    def _short_hints(cls, value: list[str]) -> list[str]:
        if any(len(h) > 200 for h in value):
            raise ValueError("each hint is at most 200 characters")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> GenerateRequest:
        given = [n for n in ("fields", "schema_name", "spec") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of fields, schema_name, spec; got {', '.join(given)}")
        if not given and not self.entity:
            raise ValueError("name an entity, or give fields, schema_name or spec")
        return self


class Metadata(_Model):
    """How the data was made, for callers and dashboards."""

    generation_path: str = "rule_based"
    route_reason: str = ""
    llm_tokens_used: int = 0
    llm_cost_usd: float | None = None
    llm_provider: str | None = None
    route_confidence: float | None = None
    rag_examples_used: int = 0
    generation_time_ms: float = 0.0
    coherence_score: float | None = None
    coherence: dict[str, float] = Field(default_factory=dict)
    scenario_counts: dict[str, int] = Field(default_factory=dict)
    schema_name: str | None = None
    entity: str = ""
    seed: int = 0
    cached: bool = False
    pooled: bool = False
    notes: list[str] = Field(default_factory=list)


class ProblemInfo(_Model):
    """One located problem: ``location`` names the request field."""

    location: str
    message: str


class ErrorInfo(_Model):
    """Why a request was refused or failed."""

    code: str
    message: str
    problems: list[ProblemInfo] = Field(default_factory=list)


class GenerateResponse(_Model):
    """Generated records (JSON: a list of objects; CSV/SQL: text) and their metadata."""

    request_id: str
    format: OutputFormat = OutputFormat.json
    data: list[dict[str, Any]] | str | None = None
    record_count: int = 0
    metadata: Metadata | None = None
    error: ErrorInfo | None = None


class SchemaField(_Model):
    """A field of a predefined schema, as listed by GET /v1/schemas."""

    name: str
    type: str
    description: str | None = None


class SchemaInfo(_Model):
    """A predefined entity of the registry."""

    name: str
    domain: str
    description: str
    fields: list[SchemaField]


class SchemasResponse(_Model):
    """Every predefined entity, by domain."""

    schemas: list[SchemaInfo]
    domains: dict[str, list[str]]


class HealthInfo(_Model):
    """Liveness/readiness of the service."""

    status: str
    ready: bool
    version: str
