"""Which LLM to use, resolved once: flags > environment > config file > none.

Precedence, per setting:

1. ``--llm`` / ``--model`` / ``--allow-data-to-llm`` (the arguments of
   :func:`resolve_config`);
2. the environment: ``SYNTHWRIGHT_LLM`` (openai|anthropic|none),
   ``SYNTHWRIGHT_MODEL``, ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
   ``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``,
   ``SYNTHWRIGHT_ALLOW_DATA_TO_LLM`` (1/true/yes);
3. the config file: ``$SYNTHWRIGHT_CONFIG`` if set, else
   ``<user config dir>/synthwright/config.yaml`` (platformdirs), e.g.::

       llm: openai                # openai | anthropic | none
       model: gpt-4o-mini
       base_url: http://localhost:11434/v1   # any OpenAI-compatible server
       api_key: ...               # better kept in the environment
       allow_data_to_llm: false
       max_concurrency: 4
       timeout: 60                # seconds per request
       cache: true                # persistent response cache

4. the default: ``none`` (everything offline).

A second provider, tried when the first fails (the service's fallback), is
``SYNTHWRIGHT_LLM_FALLBACK`` (or ``fallback:`` in the file), with its own
``SYNTHWRIGHT_LLM_FALLBACK_MODEL`` and ``SYNTHWRIGHT_LLM_FALLBACK_BASE_URL``
(``fallback_model`` / ``fallback_base_url``); its key is its provider's
``*_API_KEY``. E.g. Anthropic primary, a local vLLM as fallback::

    SYNTHWRIGHT_LLM=anthropic SYNTHWRIGHT_LLM_FALLBACK=openai \
    SYNTHWRIGHT_LLM_FALLBACK_BASE_URL=http://localhost:8000/v1 synthwright serve

The CLI, the agent and the service all read this one model; nothing else
reads ``SYNTHWRIGHT_LLM``.

A base URL without a key is accepted for ``openai`` (local servers such as
Ollama, vLLM or llama.cpp need none). Keys are registered with
:mod:`.redact` as soon as they are read, and ``describe()`` shows only
whether a key is set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ._errors import LLMConfigError
from .redact import mask, register_secret

__all__ = [
    "DEFAULT_MODELS",
    "PROVIDERS",
    "LLMConfig",
    "config_path",
    "resolve_config",
]

PROVIDERS = ("openai", "anthropic", "none")
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")
_FILE_KEYS = {
    "llm",
    "provider",
    "model",
    "base_url",
    "api_key",
    "allow_data_to_llm",
    "max_concurrency",
    "timeout",
    "cache",
    "structured",
    "fallback",
    "fallback_model",
    "fallback_base_url",
}


@dataclass(frozen=True)
class LLMConfig:
    """A resolved configuration; ``provider == "none"`` means run offline."""

    provider: str = "none"
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    allow_data_to_llm: bool = False
    max_concurrency: int = 4
    timeout: float = 60.0
    cache: bool = True
    structured: str = "native"  # native | prompt
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    fallback: LLMConfig | None = None

    @property
    def enabled(self) -> bool:
        """True when an LLM provider is configured (the agent planner is used)."""
        return self.provider != "none"

    def describe(self) -> dict[str, Any]:
        """The configuration for people and logs: keys masked, sources named."""
        return {
            "provider": self.provider,
            "model": self.model,
            "base_url": self.base_url,
            "api_key": mask(self.api_key),
            "allow_data_to_llm": self.allow_data_to_llm,
            "max_concurrency": self.max_concurrency,
            "timeout": self.timeout,
            "cache": self.cache,
            "structured": self.structured,
            "sources": dict(self.sources),
            "fallback": self.fallback.describe() if self.fallback else None,
        }

    def with_overrides(self, **changes: Any) -> LLMConfig:
        """A copy with some settings replaced (used by tests and the service)."""
        return replace(self, **changes)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The config file: ``$SYNTHWRIGHT_CONFIG`` or the user config dir's config.yaml."""
    env = os.environ if env is None else env
    if env.get("SYNTHWRIGHT_CONFIG"):
        return Path(env["SYNTHWRIGHT_CONFIG"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("synthwright")) / "config.yaml"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LLMConfigError(f"cannot read the config file: {exc}", str(path)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LLMConfigError("the config file must be a mapping of settings", str(path))
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise LLMConfigError(
            f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_FILE_KEYS))}",
            str(path),
        )
    return data


def _as_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise LLMConfigError(f"expected true or false, got {value!r}", where)


def _as_number(value: Any, where: str, kind: type[float] | type[int]) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError) as exc:
        raise LLMConfigError(f"expected a number, got {value!r}", where) from exc
    if number <= 0:
        raise LLMConfigError(f"must be > 0, got {value!r}", where)
    return number


def resolve_config(
    llm: str | None = None,
    model: str | None = None,
    *,
    allow_data_to_llm: bool | None = None,
    fallback: str | None = None,
    env: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> LLMConfig:
    """Resolve the LLM configuration (flags > environment > config file > none).

    Raises:
        LLMConfigError: an unknown provider, a bad setting, or a provider that
            needs a key and has none; the location names where it came from.
    """
    env = os.environ if env is None else env
    file_path = path or config_path(env)
    file = _read_file(file_path)
    where_file = str(file_path)
    sources: dict[str, str] = {}

    def pick(flag: Any, env_name: str | None, file_keys: tuple[str, ...], name: str) -> Any:
        if flag is not None:
            sources[name] = "flag"
            return flag
        if env_name and env.get(env_name) not in (None, ""):
            sources[name] = f"env {env_name}"
            return env[env_name]
        for key in file_keys:
            if file.get(key) is not None:
                sources[name] = f"file {where_file}"
                return file[key]
        return None

    provider = pick(llm, "SYNTHWRIGHT_LLM", ("llm", "provider"), "provider")
    provider = str(provider or "none").strip().lower()
    if provider not in PROVIDERS:
        where = {"flag": "--llm"}.get(sources.get("provider", ""), sources.get("provider", "llm"))
        raise LLMConfigError(
            f"unknown LLM provider {provider!r}; one of {', '.join(PROVIDERS)}", where
        )
    sources.setdefault("provider", "default")
    allow = pick(
        allow_data_to_llm, "SYNTHWRIGHT_ALLOW_DATA_TO_LLM", ("allow_data_to_llm",), "allow"
    )
    common: dict[str, Any] = {
        "allow_data_to_llm": _as_bool(allow, "allow_data_to_llm") if allow is not None else False,
        "max_concurrency": _as_number(
            file.get("max_concurrency", 4), f"{where_file}: max_concurrency", int
        ),
        "timeout": _as_number(file.get("timeout", 60.0), f"{where_file}: timeout", float),
        "cache": _as_bool(file.get("cache", True), f"{where_file}: cache"),
        "structured": str(file.get("structured", "native")),
    }
    if common["structured"] not in ("native", "prompt"):
        raise LLMConfigError("structured must be native or prompt", f"{where_file}: structured")
    if provider == "none":
        return LLMConfig(provider="none", sources=sources, **common)

    prefix = provider.upper()
    chosen_model = pick(model, "SYNTHWRIGHT_MODEL", ("model",), "model")
    if chosen_model is None:
        sources["model"] = "default"
        chosen_model = DEFAULT_MODELS[provider]
    key = pick(None, f"{prefix}_API_KEY", ("api_key",), "api_key")
    base_url = pick(None, f"{prefix}_BASE_URL", ("base_url",), "base_url")
    register_secret(key)
    if not key and not (provider == "openai" and base_url):
        raise LLMConfigError(
            f"{prefix}_API_KEY is not set (export it, or set api_key in {where_file})",
            "llm",
        )
    second: LLMConfig | None = None
    other = pick(fallback, "SYNTHWRIGHT_LLM_FALLBACK", ("fallback",), "fallback")
    if other is not None and str(other).strip().lower() != "none":
        second = _fallback(str(other).strip().lower(), pick, common, sources)
    return LLMConfig(
        provider=provider,
        model=str(chosen_model),
        api_key=str(key) if key else None,
        base_url=str(base_url) if base_url else None,
        sources=sources,
        fallback=second,
        **common,
    )


def _fallback(
    provider: str, pick: Any, common: dict[str, Any], sources: dict[str, str]
) -> LLMConfig:
    """The second provider: its own model and base URL settings, its provider's key."""
    where = {"flag": "--llm-fallback"}.get(sources.get("fallback", ""), "SYNTHWRIGHT_LLM_FALLBACK")
    if provider not in PROVIDERS or provider == "none":
        raise LLMConfigError(
            f"unknown fallback provider {provider!r}; one of openai, anthropic", where
        )
    prefix = provider.upper()
    model = pick(None, "SYNTHWRIGHT_LLM_FALLBACK_MODEL", ("fallback_model",), "fallback_model")
    base_url = pick(
        None, "SYNTHWRIGHT_LLM_FALLBACK_BASE_URL", ("fallback_base_url",), "fallback_base_url"
    )
    if base_url is None:
        base_url = pick(None, f"{prefix}_BASE_URL", (), "fallback_base_url")
    key = pick(None, f"{prefix}_API_KEY", (), "fallback_api_key")
    register_secret(key)
    if not key and not (provider == "openai" and base_url):
        raise LLMConfigError(f"{prefix}_API_KEY is not set for the fallback", where)
    return LLMConfig(
        provider=provider,
        model=str(model or DEFAULT_MODELS[provider]),
        api_key=str(key) if key else None,
        base_url=str(base_url) if base_url else None,
        sources={"provider": where},
        **common,
    )
