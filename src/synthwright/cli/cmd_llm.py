"""``synthwright llm check``: the resolved LLM configuration (keys masked), optionally pinged.

Also the helpers the ``plan``/``generate`` commands use for their
``--llm/--model/--allow-data-to-llm`` flags and the LLM line of the run
summary, so every command resolves and reports the LLM the same way.
"""

from __future__ import annotations

from typing import Any

import typer

from ._output import emit_json, fail

__all__ = ["config_from_options", "register", "usage_line"]

llm_app = typer.Typer(
    name="llm", help="The LLM used for planning and free text.", no_args_is_help=True
)


def config_from_options(
    llm: str | None, model: str | None, allow_data_to_llm: bool, as_json: bool
) -> Any:
    """Resolve flags > env > config file > none; bad configuration exits 2, located."""
    from ..llm import LLMConfigError, resolve_config

    try:
        return resolve_config(llm, model, allow_data_to_llm=True if allow_data_to_llm else None)
    except LLMConfigError as exc:
        raise fail(exc, as_json) from None


def usage_line(usage: dict[str, Any]) -> str:
    """``LLM: 5 calls (5 cached), 0 tokens, $0.0000`` for a run summary."""
    cost = usage.get("cost_usd")
    money = f"${cost:.4f}" if cost is not None else "cost unknown for this model"
    return (
        f"LLM: {usage.get('calls', 0)} calls ({usage.get('cached_calls', 0)} cached), "
        f"{usage.get('total_tokens', 0)} tokens, {money}"
    )


@llm_app.command("check")
def check(
    llm: str | None = typer.Option(None, "--llm", help="openai | anthropic | none"),
    model: str | None = typer.Option(None, "--model", help="Model name."),
    allow_data_to_llm: bool = typer.Option(
        False, "--allow-data-to-llm", help="Allow user-provided sample values in LLM requests."
    ),
    ping: bool = typer.Option(False, "--ping", help="Send one tiny request (costs a few tokens)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Show the resolved LLM configuration with keys masked (and test it with --ping)."""
    from rich.console import Console
    from rich.table import Table

    from ..llm import LLMConfigError, LLMError, config_path, default_cache_path, make_client

    config = config_from_options(llm, model, allow_data_to_llm, as_json)
    info: dict[str, Any] = {
        **config.describe(),
        "planner": "agent" if config.enabled else "offline",
        "config_file": str(config_path()),
        "cache_file": str(default_cache_path()),
    }
    if ping:
        if not config.enabled:
            nothing = LLMConfigError("no LLM is configured; nothing to ping", "--ping")
            raise fail(nothing, as_json)
        client = make_client(config)
        try:
            response = client.chat(
                [{"role": "user", "content": "Reply with the single word: ok"}], max_tokens=5
            )
        except LLMError as exc:
            raise fail(exc, as_json) from None
        finally:
            client.close()
        info["ping"] = {"reply": response.text.strip(), "usage": client.usage.to_dict()}
    if as_json:
        emit_json({"ok": True, **info})
        return
    table = Table(title="LLM configuration", show_header=False)
    for key, value in info.items():
        if key == "sources":
            value = ", ".join(f"{k} from {v}" for k, v in value.items())
        elif key == "ping":
            value = f"{value['reply']!r} ({usage_line(value['usage'])})"
        table.add_row(key, str(value))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``llm check`` to the main app."""
    app.add_typer(llm_app, name="llm")
