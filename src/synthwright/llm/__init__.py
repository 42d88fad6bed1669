"""The LLM layer: providers, configuration, retries, cache, accounting, structured output.

Used by the planner agent and by ``type: llm`` columns; nothing here runs
unless an LLM is configured (``SYNTHWRIGHT_LLM``, ``--llm`` or the config
file). The provider SDKs are imported only when a client is built.

>>> from synthwright.llm import resolve_config
>>> resolve_config(env={"SYNTHWRIGHT_CONFIG": "/nonexistent.yaml"}).provider
'none'
"""

from ._errors import LLMConfigError, LLMError
from .cache import ResponseCache, default_cache_path
from .client import LLMClient, make_client
from .concurrency import bounded_map
from .config import DEFAULT_MODELS, PROVIDERS, LLMConfig, config_path, resolve_config
from .privacy import DataPolicy
from .providers import ChatResponse, ToolCall
from .redact import redact
from .retry import RetryPolicy
from .structured import complete_json, repair_json
from .text_columns import fill_llm_columns
from .usage import Usage

__all__ = [
    "DEFAULT_MODELS",
    "PROVIDERS",
    "ChatResponse",
    "DataPolicy",
    "LLMClient",
    "LLMConfig",
    "LLMConfigError",
    "LLMError",
    "ResponseCache",
    "RetryPolicy",
    "ToolCall",
    "Usage",
    "bounded_map",
    "complete_json",
    "config_path",
    "default_cache_path",
    "fill_llm_columns",
    "make_client",
    "redact",
    "repair_json",
    "resolve_config",
]
