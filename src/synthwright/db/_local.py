"""Where the user's own SQLite stores live (planning sessions, the run history).

``$SYNTHWRIGHT_DATA_DIR`` when set (the tests set it), else the platform's
user data directory. One rule for the planner's sessions and the CLI's run
history, which share the file ``sessions.db`` there.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["user_data_dir"]


def user_data_dir() -> Path:
    """The directory of synthwright's own stores (not created here)."""
    override = os.environ.get("SYNTHWRIGHT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs  # only when no override: it is not needed otherwise

    return Path(platformdirs.user_data_dir("synthwright"))
