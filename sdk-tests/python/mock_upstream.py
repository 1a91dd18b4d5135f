"""A stand-in for an OpenAI-compatible upstream on 127.0.0.1, speaking OpenAI's real wire format.

What it does for a request is scripted per model name with ``on(model, behaviour)``; unscripted models get a normal
answer, JSON or SSE as the request asks. Every request is recorded (path, headers, parsed body).
Standard library only: a threaded ``http.server``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}

Behaviour = Callable[[dict, "Handler"], None]


def completion(req: dict, message: dict, finish_reason: str) -> dict:
    return {
        "id": f"chatcmpl-mock{time.time_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": req.get("model"),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": dict(USAGE),
        "system_fingerprint": "fp_mock",
    }


def chunk(req: dict, delta: dict, finish_reason: str | None) -> dict:
    return {
        "id": "chatcmpl-mockstream",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": req.get("model"),
        "system_fingerprint": "fp_mock",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def answer(text: str) -> Behaviour:
    """A normal answer with this text: a completion, or one chunk per word when the request streams."""

    def respond(req: dict, h: Handler) -> None:
        if req.get("stream"):
            events: list[Any] = [chunk(req, {"role": "assistant", "content": "", "refusal": None}, None)]
            events += [chunk(req, {"content": w}, None) for w in re.split(r"(?<= )", text) if w]
            events.append(chunk(req, {}, "stop"))
            if (req.get("stream_options") or {}).get("include_usage"):
                events.append({**chunk(req, {}, None), "choices": [], "usage": dict(USAGE)})
            events.append("[DONE]")
            h.send_events(events, 0.002)
        else:
            h.send_json(200, completion(req, {"role": "assistant", "content": text, "refusal": None, "annotations": []}, "stop"))

    return respond


def completion_with(message: dict, finish_reason: str) -> Behaviour:
    """Answers non-streaming requests with this message and finish reason."""
    return lambda req, h: h.send_json(200, completion(req, message, finish_reason))


def events(delay_s: float, payloads: list[Any]) -> Behaviour:
    """Streams exactly these SSE data payloads (dicts are JSON-encoded), delay_s apart."""
    return lambda req, h: h.send_events(payloads, delay_s)


def status(code: int, body: dict) -> Behaviour:
    return lambda req, h: h.send_json(code, body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            self.send_json(400, {"error": {"message": "mock: body is not JSON", "type": "invalid_request_error", "param": None, "code": None}})
            return
        mock = self.server.mock
        mock.record(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        mock.next(body.get("model", ""))(body, self)

    def send_json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_events(self, payloads: list[Any], delay_s: float) -> None:
        """SSE over chunked transfer encoding, as OpenAI sends it; one HTTP chunk per event."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for p in payloads:
            data = f"data: {p if isinstance(p, str) else json.dumps(p)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            if delay_s > 0:
                time.sleep(delay_s)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mock: "MockUpstream"


class MockUpstream:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, list[Behaviour]] = {}
        self._requests: list[dict] = []
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.mock = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="mock-upstream", daemon=True)

    def start(self) -> "MockUpstream":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def on(self, model: str, *behaviours: Behaviour) -> "MockUpstream":
        """Scripts the next requests for model: one behaviour each, the last one repeating."""
        with self._lock:
            self._scripts[model] = list(behaviours)
        return self

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    def record(self, path: str, headers: dict, body: dict) -> None:
        with self._lock:
            self._requests.append({"path": path, "headers": headers, "body": body})

    def next(self, model: str) -> Behaviour:
        with self._lock:
            script = self._scripts.get(model)
            if not script:
                return answer(f"Hello from {model}")
            return script.pop(0) if len(script) > 1 else script[0]
