"""Fixtures of the provision tests: the fictional sites on loopback, each its own origin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ._sites import SiteServer

pytest.importorskip("trafilatura")
pytest.importorskip("httpx")


@pytest.fixture(autouse=True)
def _no_user_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's LLM config, cache or keys: offline unless a test says otherwise."""
    monkeypatch.setenv("SYNTHWRIGHT_CONFIG", str(tmp_path / "no-config.yaml"))
    monkeypatch.setenv("SYNTHWRIGHT_CACHE_DIR", str(tmp_path / "llm-cache"))
    for name in ("SYNTHWRIGHT_LLM", "SYNTHWRIGHT_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                 "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def saas_site() -> Iterator[SiteServer]:
    """Cloudlytics on ``localhost`` (a different origin from the 127.0.0.1 sites)."""
    with SiteServer("saas", "localhost") as site:
        yield site


@pytest.fixture(scope="module")
def vet_site(saas_site: SiteServer) -> Iterator[SiteServer]:
    """Paws & Claws on 127.0.0.1, linking to the SaaS site (a link never to follow)."""
    with SiteServer("vet", "127.0.0.1", other_origin=saas_site.origin) as site:
        yield site


@pytest.fixture(scope="module")
def restaurant_site() -> Iterator[SiteServer]:
    with SiteServer("restaurant", "127.0.0.1") as site:
        yield site
