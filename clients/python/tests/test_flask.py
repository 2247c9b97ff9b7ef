"""init_performance_monitoring(app): exactly one HTTP_REQUEST trace per request served, named by the
matched URL rule, with the attributes of the TypeScript SDK's Express middleware."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest

flask = pytest.importorskip("flask")

import aideon_perf  # noqa: E402
from aideon_perf import PerformanceMonitor  # noqa: E402
from fake_receiver import FakeReceiver  # noqa: E402
from conftest import FAKE_KEY  # noqa: E402


def make_app() -> Any:
    app = flask.Flask("monitored")
    items = flask.Blueprint("items", "monitored", url_prefix="/api")

    @items.get("/items/<int:item_id>")
    def get_item(item_id: int) -> Any:
        if item_id > 100:
            flask.abort(404)
        return {"id": item_id}

    @items.post("/orders")
    def create_order() -> Any:
        return {"ok": True}, 201

    @app.get("/boom")
    def boom() -> Any:
        raise ValueError("private detail")

    app.register_blueprint(items)
    return app


@pytest.fixture
def monitored(receiver: FakeReceiver) -> Iterator[Any]:
    app = make_app()
    monitor = aideon_perf.init_performance_monitoring(app, ingest_key=FAKE_KEY, endpoint=receiver.endpoint, flush_at_exit=False)
    yield app, monitor
    aideon_perf.init_performance_monitoring(enabled=False)


def recorded(monitor: PerformanceMonitor, receiver: FakeReceiver) -> List[Dict[str, Any]]:
    assert monitor.flush(timeout=5)
    return receiver.traces


def by_name_and_status(traces: List[Dict[str, Any]]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for trace in traces:
        key = f"{trace['name']} {trace['attributes']['status_code']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_each_request_once_by_route_with_its_status(monitored: Any, receiver: FakeReceiver) -> None:
    app, monitor = monitored
    client = app.test_client()
    for item_id in (1, 2, 3):
        assert client.get(f"/api/items/{item_id}").status_code == 200
    assert client.get("/api/items/404").status_code == 404
    assert client.post("/api/orders").status_code == 201
    assert client.get("/nowhere").status_code == 404
    assert client.delete("/api/orders").status_code == 405
    assert client.get("/boom").status_code == 500
    traces = recorded(monitor, receiver)
    assert by_name_and_status(traces) == {
        "GET /api/items/<int:item_id> 200": 3,
        "GET /api/items/<int:item_id> 404": 1,
        "POST /api/orders 201": 1,
        "GET (unmatched route) 404": 1,
        "DELETE (unmatched route) 405": 1,
        "GET /boom 500": 1,
    }
    assert {t["trace_type"] for t in traces} == {"HTTP_REQUEST"}
    item = next(t for t in traces if t["name"] == "GET /api/items/<int:item_id>")
    assert item["attributes"] == {"method": "GET", "route": "/api/items/<int:item_id>", "status_code": 200, "response_size": len(b'{"id":1}\n')}
    failed = next(t for t in traces if t["name"] == "GET /boom")
    assert failed["attributes"]["error_type"] == "ValueError"
    assert "private detail" not in str(failed)


def test_an_exception_propagating_in_testing_mode_is_still_recorded_as_500(monitored: Any, receiver: FakeReceiver) -> None:
    app, monitor = monitored
    app.testing = True  # PROPAGATE_EXCEPTIONS: the after-request hooks do not run
    with pytest.raises(ValueError):
        app.test_client().get("/boom")
    [trace] = recorded(monitor, receiver)
    assert (trace["name"], trace["attributes"]["status_code"], trace["attributes"]["error_type"]) == ("GET /boom", 500, "ValueError")


def test_a_before_request_hook_that_answers_is_recorded(monitored: Any, receiver: FakeReceiver) -> None:
    app, monitor = monitored

    @app.before_request
    def maintenance() -> Any:
        return "down for maintenance", 503

    assert app.test_client().get("/api/items/1").status_code == 503
    [trace] = recorded(monitor, receiver)
    assert (trace["name"], trace["attributes"]["status_code"]) == ("GET /api/items/<int:item_id>", 503)


def test_traceparent_ids_become_attributes(monitored: Any, receiver: FakeReceiver) -> None:
    app, monitor = monitored
    client = app.test_client()
    client.get("/api/items/1", headers={"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    client.get("/api/items/2", headers={"traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"})
    valid, all_zeros = recorded(monitor, receiver)
    assert (valid["attributes"]["trace_id"], valid["attributes"]["parent_span_id"]) == ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
    assert "trace_id" not in all_zeros["attributes"]


def test_streamed_responses_have_no_size(monitored: Any, receiver: FakeReceiver) -> None:
    app, monitor = monitored

    @app.get("/stream")
    def stream() -> Any:
        return flask.Response(iter([b"a", b"b"]))

    assert app.test_client().get("/stream").data == b"ab"
    [trace] = recorded(monitor, receiver)
    assert "response_size" not in trace["attributes"]


def test_auto_collection_off_records_no_requests(receiver: FakeReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFORMANCE_AUTO_COLLECTION", "false")
    app = make_app()
    monitor = aideon_perf.init_performance_monitoring(app, ingest_key=FAKE_KEY, endpoint=receiver.endpoint, flush_at_exit=False)
    try:
        app.test_client().get("/api/items/1")
        assert recorded(monitor, receiver) == []
        assert monitor.stats().sent == 0
    finally:
        aideon_perf.init_performance_monitoring(enabled=False)
