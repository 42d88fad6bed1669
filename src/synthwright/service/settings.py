"""Service configuration: command-line flags > environment (``SYNTHWRIGHT_*``) > defaults.

pydantic-settings gives that order for free: values passed to the constructor
(the CLI's flags) win over environment variables, which win over the defaults
below. Example::

    SYNTHWRIGHT_REDIS_URL=redis://cache:6379/0 synthwright serve --http-port 8081

``SYNTHWRIGHT_LLM`` is not a service setting: the LLM is configured once for
the CLI, the agent and the service by `synthwright.llm.config` (one settings
model, one reader of that variable); only a user-code writer is named here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ServiceSettings", "load_settings"]


class ServiceSettings(BaseSettings):
    """Everything the service reads from its environment, with safe defaults."""

    model_config = SettingsConfigDict(env_prefix="SYNTHWRIGHT_", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface both servers bind to.")
    http_port: int = Field(8081, ge=0, le=65535)
    grpc_port: int = Field(9001, ge=0, le=65535)
    redis_url: str | None = Field(
        None,
        description="Redis for the response cache and the value pools shared by replicas; "
        "in-process LRU and pools when unset.",
    )
    cache_entries: int = Field(256, ge=0, description="In-process LRU size (responses).")
    cache_ttl_s: int = Field(
        3600, ge=1, description="Lifetime of a cached response or pool block in Redis."
    )
    max_records_unary: int = Field(1000, ge=1, description="Most records of one unary request.")
    max_records_stream: int = Field(1_000_000, ge=1, description="Most records of one stream.")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest request body accepted.")
    max_request_mb: int = Field(
        256,
        ge=1,
        description="Most memory one request may need, estimated before generating "
        "(rows of every table x their columns' widths); above it the request is refused.",
    )
    request_timeout_s: float = Field(30.0, gt=0, description="Limit of one unary request.")
    stream_timeout_s: float = Field(600.0, gt=0, description="Limit of one whole stream.")
    stream_chunk_records: int = Field(1000, ge=1, le=100_000)
    pool_records: int = Field(
        8192, ge=0, description="Pre-generated records per entity for unseeded requests (0: off)."
    )
    schema_dir: str | None = Field(None, description="Extra schema YAML files (registry).")
    max_support_rows: int = Field(
        100_000, ge=1, description="Most rows of a full spec's other root tables."
    )
    llm_writer: str | None = Field(
        None,
        description="A pluggable LLM writer as 'module:callable' (SYNTHWRIGHT_LLM_WRITER, see "
        "service.router). The model itself is the CLI's LLM configuration (synthwright.llm."
        "config: SYNTHWRIGHT_LLM, --llm, the config file, SYNTHWRIGHT_LLM_FALLBACK), which "
        "these settings deliberately do not read.",
    )
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_records: int = Field(200, ge=1, description="Above this volume the LLM is not asked.")
    rag_url: str | None = Field(
        None,
        description="Retrieval store: unset -> the embedded SQLite FTS5 file in the user data "
        "dir; sqlite:///path, memory, postgresql://... (shared by replicas), or none.",
    )
    rag_examples: int = Field(5, ge=1, le=50, description="Items retrieved per kind.")
    tracing: Literal["none", "console", "otlp"] = "none"
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP traces endpoint.")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    grace_s: float = Field(5.0, ge=0, description="Time in-flight requests get on shutdown.")


def load_settings(**flags: Any) -> ServiceSettings:
    """Settings with the given flags on top; flags that are None are left to env/defaults."""
    return ServiceSettings(**{k: v for k, v in flags.items() if v is not None})
