"""A local fake of the OpenAI chat-completions and Anthropic messages HTTP APIs.

Started by the tests on 127.0.0.1:<free port>; the real SDK clients talk to
it. Each request takes the next scripted action (or asks ``responder``):
``{"status", "json", "headers", "delay", "raw"}``. Every request is recorded
(path, headers, parsed body) so tests can count tries and inspect payloads.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Action = dict[str, Any]


def openai_response(
    text: str | None = None,
    tool_calls: list[tuple[str, dict[str, Any] | str]] | None = None,
    *,
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
    model: str = "gpt-4o-mini",
) -> Action:
    calls = [
        {
            "id": f"call_{i}",
            "type": "function",
            "function": {
                "name": name,
                "arguments": args if isinstance(args, str) else json.dumps(args),
            },
        }
        for i, (name, args) in enumerate(tool_calls or [])
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = calls
    return {
        "status": 200,
        "json": {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1700000000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if calls else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    }


def anthropic_response(
    text: str | None = None,
    tool_calls: list[tuple[str, dict[str, Any]]] | None = None,
    *,
    input_tokens: int = 100,
    output_tokens: int = 20,
    model: str = "claude-haiku-4-5",
) -> Action:
    content: list[dict[str, Any]] = []
    if text:
        content.append({"type": "text", "text": text})
    for i, (name, args) in enumerate(tool_calls or []):
        content.append({"type": "tool_use", "id": f"toolu_{i}", "name": name, "input": args})
    return {
        "status": 200,
        "json": {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": "tool_use" if tool_calls else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        },
    }


def error(status: int, message: str = "boom", headers: dict[str, str] | None = None) -> Action:
    return {
        "status": status,
        "json": {"error": {"type": "error", "message": message}},
        "headers": headers or {},
    }


class FakeLLMServer:
    """Scripted fake provider; use as a context manager or call start/stop."""

    def __init__(self) -> None:
        self.script: deque[Action] = deque()
        self.responder: Callable[[str, dict[str, Any]], Action] | None = None
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                body = json.loads(raw or b"{}")
                with server._lock:
                    server.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                    action = server.script.popleft() if server.script else None
                if action is None:
                    action = (
                        server.responder(self.path, body)
                        if server.responder
                        else error(500, "nothing scripted")
                    )
                if action.get("delay"):
                    time.sleep(action["delay"])
                payload = action.get("raw")
                data = (
                    payload.encode() if payload is not None else json.dumps(action["json"]).encode()
                )
                try:
                    self.send_response(action.get("status", 200))
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in action.get("headers", {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, *actions: Action) -> None:
        self.script.extend(actions)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
