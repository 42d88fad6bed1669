"""Reading a website politely: same origin, robots.txt obeyed, bounded, saved for reruns.

A crawl starts at the given URL and follows links breadth-first within its
origin (scheme, host and port: ``127.0.0.1`` and ``localhost`` are two
origins), asking ``robots.txt`` (``urllib.robotparser``) before every page.
It stops at ``max_pages`` pages read, ``max_total_bytes`` or ``max_seconds``,
whichever comes first; a page is read up to ``max_page_bytes`` and only when
it is HTML. A robots.txt that is missing (4xx) allows everything; one that
fails (5xx or unreachable) allows nothing, as RFC 9309 asks. A redirect off
the origin is not followed. Failed pages (a 500, a timeout) are recorded and
skipped, never fatal: only an unreachable start page is.

Every page is saved under ``DIR/pages/`` with a manifest, so a rerun with
the same URL and bounds reads the saved copy and needs no network.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from ..errors import DataError
from ._files import write_json_atomic, write_text_atomic

__all__ = ["USER_AGENT", "Bounds", "CrawlResult", "Page", "crawl", "normalise_url", "origin_of"]

USER_AGENT = "synthwright-provision/0.1 (demo research; obeys robots.txt)"
_SKIP_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".pdf", ".zip", ".gz",
    ".css", ".js", ".mp4", ".mp3", ".woff", ".woff2", ".ttf", ".xml", ".json",
)  # fmt: skip
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Bounds:
    """How much one crawl may read."""

    max_pages: int = 20
    max_page_bytes: int = 2_000_000
    max_total_bytes: int = 10_000_000
    max_seconds: float = 60.0
    timeout: float = 10.0
    max_crawl_delay: float = 2.0


@dataclass
class Page:
    """One URL the crawl met: read (``status`` 200, ``file`` saved) or skipped with a reason."""

    url: str
    status: int | None = None
    file: str | None = None
    content_type: str | None = None
    bytes: int = 0
    sha256: str | None = None
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return self.file is not None


@dataclass
class CrawlResult:
    start_url: str
    pages: list[Page] = field(default_factory=list)
    from_cache: bool = False
    seconds: float = 0.0
    stopped_by: str | None = None

    def read(self) -> list[Page]:
        return [p for p in self.pages if p.ok]


def normalise_url(url: str, location: str = "URL") -> str:
    """An absolute http(s) URL without fragment; a bare host gets ``https://``."""
    text = url.strip()
    if not text:
        raise DataError("the URL is empty", location)
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise DataError(f"only http and https URLs can be read, not {parts.scheme!r}", location)
    if not parts.hostname:
        raise DataError(f"{url!r} names no host", location)
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise DataError(f"{url!r} has a bad port", location) from None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _cache_key(start_url: str, bounds: Bounds) -> dict[str, Any]:
    return {"start_url": start_url, "max_pages": bounds.max_pages, "user_agent": USER_AGENT}


def _load_cache(folder: Path, key: dict[str, Any]) -> CrawlResult | None:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    pages = [Page(**p) for p in data.get("pages", [])]
    for page in pages:
        if page.file and not (folder / page.file).is_file():
            return None
    return CrawlResult(key["start_url"], pages, from_cache=True, stopped_by=data.get("stopped_by"))


def crawl(
    url: str,
    folder: Path,
    bounds: Bounds | None = None,
    *,
    on_page: Any = None,
    should_stop: Any = None,
    refresh: bool = False,
) -> CrawlResult:
    """Read the site at ``url`` into ``folder`` (or take the saved copy of an identical crawl).

    ``on_page(page, done, limit)`` is told of each page; ``should_stop()``
    is asked between pages (a cancelled job stops here).

    Raises:
        DataError: the URL is not usable, or its first page could not be read.
    """
    bounds = bounds or Bounds()
    start = normalise_url(url)
    key = _cache_key(start, bounds)
    if not refresh:
        cached = _load_cache(folder, key)
        if cached is not None:
            return cached
    import httpx

    folder.mkdir(parents=True, exist_ok=True)
    result = CrawlResult(start)
    began = time.monotonic()
    origin = origin_of(start)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    with httpx.Client(headers=headers, timeout=bounds.timeout, follow_redirects=False) as client:
        robots = _robots(client, origin)
        delay = min(float(robots.crawl_delay(USER_AGENT) or 0), bounds.max_crawl_delay)
        queue: deque[str] = deque([start])
        seen = {start}
        total = 0
        while queue:
            if should_stop is not None and should_stop():
                result.stopped_by = "cancelled"
                break
            if len(result.read()) >= bounds.max_pages:
                result.stopped_by = "max_pages"
                break
            if total >= bounds.max_total_bytes:
                result.stopped_by = "max_total_bytes"
                break
            if time.monotonic() - began > bounds.max_seconds:
                result.stopped_by = "max_seconds"
                break
            target = queue.popleft()
            if not robots.can_fetch(USER_AGENT, target):
                result.pages.append(Page(target, skipped="disallowed by robots.txt"))
                continue
            if delay and result.read():
                time.sleep(delay)
            page, links = _fetch(client, target, origin, bounds, folder, len(result.pages))
            result.pages.append(page)
            total += page.bytes
            if links:
                for link in links:
                    if link not in seen:
                        seen.add(link)
                        queue.append(link)
            if on_page is not None:
                on_page(page, len(result.read()), bounds.max_pages)
    result.seconds = time.monotonic() - began
    first = result.pages[0] if result.pages else None
    if first is None or not first.ok:
        reason = (first.skipped if first else None) or "no page could be read"
        raise DataError(f"cannot read {start}: {reason}", "URL")
    write_json_atomic(
        folder / MANIFEST,
        {"key": key, "stopped_by": result.stopped_by, "pages": [asdict(p) for p in result.pages]},
    )
    return result


def _robots(client: Any, origin: str) -> RobotFileParser:
    """The origin's robots.txt rules (missing: allow all; failing: allow nothing)."""
    import httpx

    parser = RobotFileParser(origin + "/robots.txt")
    nothing = ["User-agent: *", "Disallow: /"]
    try:
        response = client.get(origin + "/robots.txt")
    except httpx.HTTPError:
        parser.parse(nothing)
        return parser
    if response.status_code >= 500:
        parser.parse(nothing)
    elif response.status_code >= 300:  # missing (4xx); a redirect is not followed off-origin
        parser.parse([])
    else:
        parser.parse(response.text[:500_000].splitlines())
    return parser


def _fetch(
    client: Any, url: str, origin: str, bounds: Bounds, folder: Path, index: int
) -> tuple[Page, list[str]]:
    """One page: read within bounds, saved; its same-origin links."""
    import httpx

    page = Page(url)
    try:
        with client.stream("GET", url) as response:
            page.status = response.status_code
            page.content_type = response.headers.get("content-type", "")
            if response.is_redirect:
                location = urljoin(url, response.headers.get("location", ""))
                link = _same_origin(location, origin)
                page.skipped = f"redirect to {location}"
                return page, [link] if link else []
            if response.status_code != 200:
                page.skipped = f"HTTP {response.status_code}"
                return page, []
            if "html" not in (page.content_type or "").lower():
                page.skipped = f"not HTML ({page.content_type})"
                return page, []
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= bounds.max_page_bytes:
                    break
            body = b"".join(chunks)[: bounds.max_page_bytes]
            encoding = response.encoding or "utf-8"
    except httpx.HTTPError as exc:
        page.skipped = f"{type(exc).__name__}: {exc}"[:200]
        return page, []
    html = body.decode(encoding, errors="replace")
    name = f"{index:03d}.html"
    write_text_atomic(folder / name, html)
    page.file = name
    page.bytes = len(body)
    page.sha256 = hashlib.sha256(body).hexdigest()
    from .extract import links_of

    links = [link for raw in links_of(html, url) if (link := _same_origin(raw, origin))]
    return page, links


def _same_origin(url: str, origin: str) -> str | None:
    """The URL without fragment when it is on ``origin`` and looks like a page, else None."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or origin_of(url) != origin:
        return None
    if parts.path.lower().endswith(_SKIP_SUFFIXES):
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def read_saved(folder: Path, page: Page) -> str:
    """The saved HTML of a page that was read."""
    assert page.file is not None
    return (folder / page.file).read_text(encoding="utf-8")
