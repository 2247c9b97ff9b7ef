"""The tracing API (the contract's manager, context manager and decorator), with an in-memory transport."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Iterator, List

import pytest

import aideon_perf
from aideon_perf import PerformanceMonitor, ValidationError, performance_monitor

Batches = List[Dict[str, Any]]


def store_into(batches: Batches) -> Any:
    def transport(request: Dict[str, Any]) -> Dict[str, Any]:
        batches.append(request)
        return {"success": True, "batch_id": request["batch_id"], "accepted": len(request["traces"]), "duplicate": False}

    return transport


@pytest.fixture
def batches() -> Batches:
    return []


@pytest.fixture
def monitor(batches: Batches) -> Iterator[PerformanceMonitor]:
    """The default monitor, as init_performance_monitoring() makes it, sending to ``batches``."""
    made = aideon_perf.init_performance_monitoring(transport=store_into(batches), flush_at_exit=False)
    assert isinstance(made, PerformanceMonitor)
    yield made
    aideon_perf.init_performance_monitoring(enabled=False)


def sent(monitor: PerformanceMonitor, batches: Batches) -> List[Dict[str, Any]]:
    assert monitor.flush(timeout=5)
    return [trace for batch in batches for trace in batch["traces"]]


def test_start_add_metric_stop_as_in_the_source(monitor: PerformanceMonitor, batches: Batches) -> None:
    trace = aideon_perf.start_trace("video_generation", "AI_GENERATION", {"model": "stable-diffusion", "user_id": "123"})
    time.sleep(0.02)
    aideon_perf.add_metric(trace, "frames_generated", 30)
    trace.add_attribute("output_format", "mp4")
    duration = aideon_perf.stop_trace(trace, metrics={"fps": 24})
    assert 0.02 <= duration < 1
    assert trace.stop() == duration, "a second stop changes nothing"
    [wire] = sent(monitor, batches)
    assert wire["name"] == "video_generation"
    assert wire["trace_type"] == "AI_GENERATION"
    assert wire["duration"] == duration
    assert abs(wire["start_time"] - time.time() * 1000) < 5_000
    assert wire["attributes"] == {"model": "stable-diffusion", "user_id": "123", "output_format": "mp4"}
    assert wire["metrics"] == {"frames_generated": 30, "fps": 24}


def test_a_metric_is_a_gauge_and_increment_adds(monitor: PerformanceMonitor, batches: Batches) -> None:
    trace = monitor.start_trace("batch_job")
    trace.add_metric("rows", 1).add_metric("rows", 7).increment_metric("retries").increment_metric("retries", 2)
    trace.stop()
    [wire] = sent(monitor, batches)
    assert wire["trace_type"] == "CUSTOM_TRACE"
    assert wire["metrics"] == {"rows": 7, "retries": 3}


def test_context_manager_records_success_or_the_error_type(monitor: PerformanceMonitor, batches: Batches) -> None:
    with aideon_perf.trace("database_operation", "DATABASE_QUERY") as trace:
        trace.add_metric("rows_returned", 2)
    with pytest.raises(KeyError):
        with monitor.trace("failing_lookup", "DATABASE_QUERY"):
            raise KeyError("user-secret-id")
    ok, failed = sent(monitor, batches)
    assert ok["attributes"] == {"success": True}
    assert failed["attributes"] == {"success": False, "error_type": "KeyError"}, "the class name, never the message"


def test_decorator_with_and_without_arguments(monitor: PerformanceMonitor, batches: Batches) -> None:
    @performance_monitor(name="ai_text_generation", trace_type="AI_GENERATION", attributes={"model": "gpt-4"})
    def generate_text(prompt: str) -> str:
        return prompt.upper()

    @performance_monitor
    def cpu_intensive_operation() -> None:
        raise RuntimeError("boom")

    @performance_monitor(trace_type="EXTERNAL_API")
    async def call_upstream() -> int:
        await asyncio.sleep(0.02)
        return 7

    assert generate_text("hi") == "HI"
    assert generate_text.__name__ == "generate_text"
    with pytest.raises(RuntimeError):
        cpu_intensive_operation()
    assert asyncio.run(call_upstream()) == 7
    text, cpu, upstream = sent(monitor, batches)
    assert (text["name"], text["trace_type"], text["attributes"]) == ("ai_text_generation", "AI_GENERATION", {"model": "gpt-4", "success": True})
    assert (cpu["name"], cpu["attributes"]["error_type"]) == ("cpu_intensive_operation", "RuntimeError")
    assert (upstream["name"], upstream["trace_type"]) == ("call_upstream", "EXTERNAL_API")
    assert upstream["duration"] >= 0.02, "a coroutine is traced until it finishes"


def test_invalid_input_drops_the_trace_and_counts_it(monitor: PerformanceMonitor, batches: Batches) -> None:
    errors: List[BaseException] = []
    dropping = PerformanceMonitor(transport=store_into(batches), flush_at_exit=False, on_error=errors.append)
    dropping.start_trace("_reserved").stop()
    over = dropping.start_trace("many_attributes")
    for i in range(33):
        over.add_attribute(f"a{i}", i)
    over.stop()
    dropping.start_trace("fine").add_attribute("bad key", 1).stop()
    dropping.start_trace("kept").stop()
    assert dropping.flush(timeout=5)
    assert [t["name"] for b in batches for t in b["traces"]] == ["kept"]
    assert dropping.stats().dropped.invalid == 3
    assert [getattr(e, "field", None) for e in errors] == ["name", "attributes", "attributes.bad key"]
    dropping.shutdown()


def test_on_invalid_raise_refuses_the_call_and_keeps_the_trace(batches: Batches) -> None:
    strict = PerformanceMonitor(transport=store_into(batches), flush_at_exit=False, on_invalid="raise")
    with pytest.raises(ValidationError, match="trace_type"):
        strict.start_trace("typo", "HTTP")
    trace = strict.start_trace("kept")
    with pytest.raises(ValidationError, match="metrics.ratio"):
        trace.add_metric("ratio", float("nan"))
    trace.stop()
    assert strict.flush(timeout=5)
    assert [t["name"] for b in batches for t in b["traces"]] == ["kept"]
    strict.shutdown()


def test_before_init_and_when_disabled_nothing_is_recorded() -> None:
    monitor = aideon_perf.init_performance_monitoring(enabled=False)
    assert not monitor.enabled
    with aideon_perf.trace("ignored") as trace:
        assert not trace.is_recording
    assert aideon_perf.stop_trace(aideon_perf.start_trace("ignored")) == 0.0
    assert monitor.stats().sent == 0


def test_options_are_checked_when_the_monitor_is_made(batches: Batches) -> None:
    transport = store_into(batches)
    for bad in ({"max_batch_size": 501}, {"max_queue_size": 10, "max_batch_size": 20}, {"on_invalid": "ignore"}, {"flush_interval": 0}, {"max_retries": True}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            PerformanceMonitor(transport=transport, flush_at_exit=False, **bad)
    with pytest.raises(ValueError, match="ingest_key"):
        PerformanceMonitor("not-a-key", "http://127.0.0.1:5002", flush_at_exit=False)
    with pytest.raises(ValueError, match="endpoint"):
        PerformanceMonitor("aik_" + "a" * 20 + "_" + "b" * 43, "127.0.0.1:5002", flush_at_exit=False)


def test_key_and_endpoint_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIDEON_INGEST_KEY", raising=False)
    monkeypatch.setenv("AIDEON_ENDPOINT", "http://127.0.0.1:5002")
    with pytest.raises(ValueError, match=r"ingest_key: required \(or set \$AIDEON_INGEST_KEY\)"):
        PerformanceMonitor(flush_at_exit=False)
    monkeypatch.setenv("AIDEON_INGEST_KEY", "aik_" + "a" * 20 + "_" + "b" * 43)
    PerformanceMonitor(flush_at_exit=False).shutdown()
