"""What may be sent to an LLM: the rule, in one place.

The rule synthwright implements:

* **Instructions are not data.** The words of a planning request, and a
  spec's structure (table and column names, types, constraints, prompts),
  go to the configured LLM: configuring one is choosing to send it your
  request.
* **Synthetic values are not data.** Rows the engine generated (previews for
  the agent, row values rendered into ``type: llm`` prompts) may be sent.
* **User data is data.** Values that come from user-provided samples (files
  or databases handed to ``profile``, sample rows attached to a request) are
  sent only when ``--allow-data-to-llm`` (or ``allow_data_to_llm: true`` in
  the config, or ``SYNTHWRIGHT_ALLOW_DATA_TO_LLM=1``) says so. Whoever loads
  such data marks it in a :class:`DataPolicy` (``"table"`` for a whole table,
  ``"table.column"`` for one column); a prompt that would carry marked values
  is not sent, and those rows keep their offline text, flagged
  ``privacy``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DataPolicy"]


@dataclass(frozen=True)
class DataPolicy:
    """Which values came from the user, and whether they may go to the LLM."""

    allow_data_to_llm: bool = False
    user_data: frozenset[str] = field(default_factory=frozenset)

    def is_user_data(self, table: str, column: str) -> bool:
        return (
            table in self.user_data
            or f"{table}.{column}" in self.user_data
            or ("*" in self.user_data)
        )

    def may_send(self, table: str, column: str) -> bool:
        """True when values of ``table.column`` may appear in a request to the LLM."""
        return self.allow_data_to_llm or not self.is_user_data(table, column)
