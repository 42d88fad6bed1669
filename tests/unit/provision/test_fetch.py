"""The crawler: same origin, robots.txt obeyed, failures recorded, bounded, saved for reruns."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from synthwright.errors import DataError
from synthwright.provision.fetch import Bounds, crawl, normalise_url

from ._sites import SiteServer


def test_robots_disallow_and_other_origins_are_respected(
    vet_site: SiteServer, saas_site: SiteServer, tmp_path: Path
) -> None:
    before = len(saas_site.requests)
    result = crawl(vet_site.url, tmp_path)
    read = {p.url.removeprefix(vet_site.origin) for p in result.read()}
    assert read == {"/", "/services.html", "/team.html", "/contact.html"}
    assert "/private/records.html" not in vet_site.requests  # never even asked for
    skipped = {p.url.removeprefix(vet_site.origin): p.skipped for p in result.pages if not p.ok}
    assert skipped == {"/private/records.html": "disallowed by robots.txt"}
    assert len(saas_site.requests) == before  # localhost is another origin: not followed
    assert all(p.sha256 and (tmp_path / str(p.file)).is_file() for p in result.read())


def test_a_failing_page_is_recorded_and_skipped(
    restaurant_site: SiteServer, tmp_path: Path
) -> None:
    result = crawl(restaurant_site.url, tmp_path)
    failed = [p for p in result.pages if p.url.endswith("/fail")]
    assert failed and failed[0].status == 500 and failed[0].skipped == "HTTP 500"
    assert len(result.read()) == 3


def test_redirects_within_the_origin_are_followed(saas_site: SiteServer, tmp_path: Path) -> None:
    result = crawl(saas_site.url, tmp_path)
    urls = [p.url.removeprefix(saas_site.origin) for p in result.read()]
    assert "/pricing/" in urls  # /pricing answers 301 -> /pricing/


def test_bounds_and_the_saved_copy(vet_site: SiteServer, tmp_path: Path) -> None:
    result = crawl(vet_site.url, tmp_path, Bounds(max_pages=2))
    assert len(result.read()) == 2 and result.stopped_by == "max_pages"
    asked = len(vet_site.requests)
    again = crawl(vet_site.url, tmp_path, Bounds(max_pages=2))
    assert again.from_cache and len(vet_site.requests) == asked  # no network on a rerun
    assert [p.url for p in again.read()] == [p.url for p in result.read()]
    wider = crawl(vet_site.url, tmp_path, Bounds(max_pages=3))  # other bounds: read again
    assert not wider.from_cache and len(wider.read()) == 3


class _Robots(BaseHTTPRequestHandler):
    status = 503

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send_error(self.status)
            return
        body = b"<html><head><title>Hi</title></head><body><p>Hello</p></body></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize(("status", "readable"), [(404, True), (503, False)])
def test_robots_txt_missing_allows_and_failing_forbids(
    status: int, readable: bool, tmp_path: Path
) -> None:
    handler = type("Handler", (_Robots,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        if readable:
            assert len(crawl(url, tmp_path).read()) == 1
        else:
            with pytest.raises(DataError, match=r"disallowed by robots\.txt"):
                crawl(url, tmp_path)
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_site_and_bad_urls_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        crawl("http://127.0.0.1:9/", tmp_path, Bounds(timeout=1))
    for bad in ("", "ftp://example.com/", "http://"):
        with pytest.raises(DataError):
            normalise_url(bad)
    assert normalise_url("Example.COM/x#frag") == "https://example.com/x"
