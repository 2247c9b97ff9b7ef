"""A stand-in for record-traces (stdlib http.server): stores each batch once per batch_id as the server
does, and answers with scripted errors first when a test asks for them."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

RECORD_TRACES = "/api/v1/performance/record-traces"


@dataclass
class Received:
    at: float
    path: str
    authorization: Optional[str]
    body: Dict[str, Any]


@dataclass
class Answer:
    status: int
    code: str = "unavailable"
    headers: Dict[str, str] = field(default_factory=dict)


class FakeReceiver:
    def __init__(self) -> None:
        self.requests: List[Received] = []
        self.batches: Dict[str, List[Dict[str, Any]]] = {}
        self._script: List[Answer] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer_next(self, *answers: Answer) -> None:
        """The next requests get these answers, in order; later ones are stored."""
        with self._lock:
            self._script.extend(answers)

    @property
    def traces(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [trace for batch in self.batches.values() for trace in batch]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _respond(self, received: Received) -> Tuple[int, Dict[str, str], Dict[str, Any]]:
        with self._lock:
            self.requests.append(received)
            if received.path != RECORD_TRACES:
                return 404, {}, {"success": False, "error": {"code": "not-found", "message": "no such endpoint"}}
            if self._script:
                answer = self._script.pop(0)
                return answer.status, answer.headers, {"success": False, "error": {"code": answer.code, "message": "scripted"}}
            batch_id = received.body["batch_id"]
            duplicate = batch_id in self.batches
            self.batches.setdefault(batch_id, received.body["traces"])
            accepted = len(self.batches[batch_id])
            return 200, {}, {"success": True, "batch_id": batch_id, "accepted": accepted, "duplicate": duplicate}

    def _handler(self) -> type:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                received = Received(time.monotonic(), self.path, self.headers.get("Authorization"), body)
                status, headers, answer = receiver._respond(received)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # Quiet: pytest shows what matters.

        return Handler
