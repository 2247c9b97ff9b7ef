"""Against a real aideon-perf API (``npm test`` runs this through test/python/python-client.e2e.test.ts,
which then reads back what was stored): a Flask app on a real werkzeug server thread, monitored by
init_performance_monitoring with an ingest key, serves requests over several routes and statuses.
Skipped unless AIDEON_E2E_ENDPOINT and AIDEON_E2E_INGEST_KEY are set; AIDEON_E2E_EXPECTED names a file
that gets one JSON line per trace the server must now hold for the key, for the mocha side to count."""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest

flask = pytest.importorskip("flask")
requests = pytest.importorskip("requests")
from werkzeug.serving import make_server  # noqa: E402

import aideon_perf  # noqa: E402
from aideon_perf import RestCallError  # noqa: E402
from aideon_perf.transport import IngestKeyTransport  # noqa: E402

ENDPOINT = os.environ.get("AIDEON_E2E_ENDPOINT")
INGEST_KEY = os.environ.get("AIDEON_E2E_INGEST_KEY")
EXPECTED_FILE = os.environ.get("AIDEON_E2E_EXPECTED")

pytestmark = pytest.mark.skipif(not (ENDPOINT and INGEST_KEY), reason="needs AIDEON_E2E_ENDPOINT and AIDEON_E2E_INGEST_KEY (npm test sets them)")

#: (method, path, expected status, expected trace name): 24 requests over 5 rules and the unmatched name.
PLAN = (
    [("GET", f"/items/{i}", 200, "GET /items/<int:item_id>") for i in range(1, 9)]
    + [("GET", f"/items/{i}", 404, "GET /items/<int:item_id>") for i in (404, 405, 406)]
    + [("POST", "/orders", 201, "POST /orders") for _ in range(4)]
    + [("GET", "/reports/2024", 500, "GET /reports/<int:year>") for _ in range(3)]
    + [("GET", "/health", 200, "GET /health") for _ in range(2)]
    + [("GET", f"/missing/{i}", 404, "GET (unmatched route)") for i in range(3)]
    + [("PUT", "/health", 405, "PUT (unmatched route)")]
)


def expect_stored(trace_type: str, name: str, status_code: Optional[int] = None) -> None:
    if EXPECTED_FILE:
        with open(EXPECTED_FILE, "a") as out:
            out.write(json.dumps({"trace_type": trace_type, "name": name, "status_code": status_code}) + "\n")


def make_app() -> Any:
    app = flask.Flask("python-client-e2e")
    app.logger.disabled = True  # the 500s are on purpose

    @aideon_perf.performance_monitor(trace_type="DATABASE_QUERY")
    def load_item(item_id: int) -> Dict[str, int]:
        return {"id": item_id}

    @app.get("/items/<int:item_id>")
    def get_item(item_id: int) -> Any:
        if item_id >= 400:
            flask.abort(404)
        return load_item(item_id)

    @app.post("/orders")
    def create_order() -> Any:
        with aideon_perf.trace("charge_card", "EXTERNAL_API") as trace:
            trace.add_metric("amount_cents", 1299)
        return {"ok": True}, 201

    @app.get("/reports/<int:year>")
    def report(year: int) -> Any:
        raise RuntimeError(f"report {year} failed")

    @app.get("/health")
    def health() -> Any:
        return "ok"

    return app


@pytest.fixture
def served_app() -> Iterator[str]:
    app = make_app()
    aideon_perf.init_performance_monitoring(app, ingest_key=INGEST_KEY, endpoint=ENDPOINT, max_batch_size=10, flush_interval=60)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    aideon_perf.init_performance_monitoring(enabled=False)


def test_a_flask_app_records_exactly_the_requests_it_served(served_app: str) -> None:
    with requests.Session() as session:
        for method, path, status, _name in PLAN:
            assert session.request(method, served_app + path).status_code == status, f"{method} {path}"
    monitor = aideon_perf.get_performance_manager()
    assert monitor.flush(timeout=60), f"not delivered: {monitor.stats()}"
    stats = monitor.stats()
    db_queries, card_charges = 8, 4
    assert stats.sent == len(PLAN) + db_queries + card_charges, stats
    assert (stats.failed_batches, stats.dropped.queue_full, stats.dropped.invalid, stats.dropped.send_failed) == (0, 0, 0, 0), stats
    assert stats.batches_sent >= 4, "batches of 10"
    for _method, _path, status, name in PLAN:
        expect_stored("HTTP_REQUEST", name, status)
    for _ in range(db_queries):
        expect_stored("DATABASE_QUERY", "load_item")
    for _ in range(card_charges):
        expect_stored("EXTERNAL_API", "charge_card")


def test_a_retried_batch_id_is_stored_once() -> None:
    transport = IngestKeyTransport(ENDPOINT or "", INGEST_KEY or "")
    request = {"batch_id": secrets.token_hex(16), "traces": [{"name": "retried_batch", "trace_type": "CUSTOM_TRACE", "start_time": round(time.time() * 1000), "duration": 0.01}]}
    first = transport(request)
    again = transport(request)
    assert (first["accepted"], first["duplicate"]) == (1, False)
    assert (again["batch_id"], again["accepted"], again["duplicate"]) == (request["batch_id"], 1, True)
    transport.close()
    expect_stored("CUSTOM_TRACE", "retried_batch")


def test_an_unknown_key_is_refused_with_401_and_not_retried() -> None:
    unknown = "aik_" + "Z9" * 10 + "_" + "x" * 43
    errors: List[BaseException] = []
    monitor = aideon_perf.PerformanceMonitor(unknown, ENDPOINT, flush_at_exit=False, on_error=errors.append)
    monitor.start_trace("never_stored").stop()
    assert monitor.flush(timeout=30)
    stats = monitor.stats()
    assert (stats.failed_batches, stats.retries, stats.dropped.send_failed) == (1, 0, 1)
    assert isinstance(errors[0], RestCallError) and (errors[0].status, errors[0].code) == (401, "unauthenticated")
    monitor.shutdown()


def test_an_invalid_batch_is_refused_with_400_and_not_retried() -> None:
    transport = IngestKeyTransport(ENDPOINT or "", INGEST_KEY or "")
    with pytest.raises(RestCallError) as refused:
        transport({"batch_id": "x", "traces": []})
    assert (refused.value.status, refused.value.code, refused.value.retryable) == (400, "invalid-argument", False)
    transport.close()
