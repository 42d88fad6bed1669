"""The fictional company sites of tests/fixtures/sites/, served on loopback in a thread.

Each site gets its own server and so its own origin (``127.0.0.1:<port>`` or
``localhost:<port>``: different host names are different origins to the
crawler). ``/fail`` answers HTTP 500; ``__OTHER_ORIGIN__`` in a page becomes
``other_origin`` (a link off the origin, never to be followed). Every request
path is recorded, so a test can tell whether a rerun touched the network.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"


class SiteServer:
    def __init__(
        self, name: str, host: str = "127.0.0.1", other_origin: str = "", port: int = 0
    ) -> None:
        self.name = name
        self.host = host
        self.other_origin = other_origin
        self.requests: list[str] = []
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.path.startswith("/fail"):
                    self.send_error(500, "boom")
                    return
                path = Path(self.translate_path(self.path))
                if path.is_dir() and self.path.endswith("/"):
                    path = path / "index.html"
                if path.is_file() and path.suffix == ".html":
                    body = (
                        path.read_text(encoding="utf-8")
                        .replace("__OTHER_ORIGIN__", server.other_origin or "http://other.invalid")
                        .encode()
                    )
                    self.send_response(200)
                    self.send_header("content-type", "text/html; charset=utf-8")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

        handler = partial(Handler, directory=str(SITES / name))
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}/"

    @property
    def origin(self) -> str:
        return self.url.rstrip("/")

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
