"""Batching, the bounded queue, retries under one batch_id and the exit flush, against a fake receiver
over real HTTP."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from aideon_perf import PerformanceMonitor, RestCallError
from conftest import FAKE_KEY, MonitorFactory
from fake_receiver import RECORD_TRACES, Answer, FakeReceiver


def record(monitor: PerformanceMonitor, count: int, name: str = "op") -> None:
    for _ in range(count):
        monitor.start_trace(name).stop()


def test_sends_with_the_ingest_key_in_batches_of_max_batch_size(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    monitor = make_monitor(max_batch_size=10, flush_interval=60)
    record(monitor, 25)
    assert monitor.flush(timeout=5)
    assert [len(r.body["traces"]) for r in receiver.requests] == [10, 10, 5]
    assert {r.path for r in receiver.requests} == {RECORD_TRACES}
    assert {r.authorization for r in receiver.requests} == {f"Bearer {FAKE_KEY}"}
    stats = monitor.stats()
    assert (stats.sent, stats.batches_sent, stats.queued, stats.in_flight) == (25, 3, 0, 0)


def wait_for_requests(receiver: FakeReceiver, count: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_full_batch_goes_at_once_and_the_rest_at_the_interval(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    monitor = make_monitor(max_batch_size=5, flush_interval=2)
    started = time.monotonic()
    record(monitor, 7)
    wait_for_requests(receiver, 1)
    assert receiver.requests[0].at - started < 1, "the full batch, without waiting for the interval"
    wait_for_requests(receiver, 2)
    assert [len(r.body["traces"]) for r in receiver.requests] == [5, 2]
    assert receiver.requests[1].at - started >= 1.9, "the rest at the interval"


def test_a_full_queue_drops_and_counts_what_does_not_fit(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    receiver.answer_next(Answer(503, headers={"Retry-After": "1"}))  # holds the first batch in flight meanwhile
    monitor = make_monitor(max_batch_size=5, max_queue_size=10, flush_interval=60)
    record(monitor, 5)
    wait_for_requests(receiver, 1)
    record(monitor, 12)
    assert monitor.stats().dropped.queue_full == 2
    assert monitor.flush(timeout=5)
    stats = monitor.stats()
    assert (stats.sent, stats.dropped.queue_full, len(receiver.traces)) == (15, 2, 15)


def test_retries_send_the_same_batch_id_so_it_is_stored_once(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    receiver.answer_next(Answer(503), Answer(500, "internal"), Answer(502))
    monitor = make_monitor(flush_interval=60)
    record(monitor, 3)
    assert monitor.flush(timeout=5)
    assert len({r.body["batch_id"] for r in receiver.requests}) == 1
    assert len(receiver.requests) == 4
    assert len(receiver.traces) == 3
    stats = monitor.stats()
    assert (stats.sent, stats.retries, stats.failed_batches) == (3, 3, 0)


def test_429_waits_as_long_as_retry_after_says(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    receiver.answer_next(Answer(429, "resource-exhausted", {"Retry-After": "1"}))
    monitor = make_monitor(flush_interval=60)
    record(monitor, 1)
    assert monitor.flush(timeout=5)
    first, second = receiver.requests
    assert second.at - first.at >= 0.95, "the backoff alone would have retried within 0.05 s"
    assert first.body == second.body


def test_permanent_answers_are_not_retried(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    errors = []
    receiver.answer_next(Answer(401, "unauthenticated"), Answer(400, "invalid-argument"), Answer(413, "payload-too-large"))
    monitor = make_monitor(max_batch_size=1, flush_interval=60, on_error=errors.append)
    record(monitor, 3)
    assert monitor.flush(timeout=5)
    assert len(receiver.requests) == 3
    stats = monitor.stats()
    assert (stats.failed_batches, stats.dropped.send_failed, stats.retries, stats.sent) == (3, 3, 0, 0)
    assert [(e.status, e.code) for e in errors if isinstance(e, RestCallError)] == [(401, "unauthenticated"), (400, "invalid-argument"), (413, "payload-too-large")]


def test_retries_used_up_drop_the_batch(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    receiver.answer_next(*[Answer(503)] * 3)
    monitor = make_monitor(flush_interval=60, max_retries=2)
    record(monitor, 2)
    assert monitor.flush(timeout=5)
    stats = monitor.stats()
    assert (len(receiver.requests), stats.retries, stats.failed_batches, stats.dropped.send_failed) == (3, 2, 1, 2)


def test_an_unreachable_server_is_retried(make_monitor: MonitorFactory) -> None:
    closed = FakeReceiver()
    closed.close()  # nothing listens on its port now
    monitor = make_monitor(flush_interval=60, max_retries=2)
    monitor._transport.url = closed.endpoint + RECORD_TRACES  # type: ignore[attr-defined]
    record(monitor, 1)
    assert monitor.flush(timeout=10)
    assert (monitor.stats().retries, monitor.stats().dropped.send_failed) == (2, 1)


def test_shutdown_stops_within_its_timeout_and_counts_what_was_left(receiver: FakeReceiver, make_monitor: MonitorFactory) -> None:
    receiver.answer_next(*[Answer(503, headers={"Retry-After": "30"})] * 2)
    monitor = make_monitor(max_batch_size=2, flush_interval=60)
    record(monitor, 5)
    started = time.monotonic()
    monitor.shutdown(timeout=0.5)
    assert time.monotonic() - started < 2
    record(monitor, 1)
    time.sleep(0.1)
    stats = monitor.stats()
    # The batch in its Retry-After wait is given up at the deadline; the 3 queued behind it are dropped.
    assert (stats.sent, stats.dropped.send_failed, stats.dropped.shutdown) == (0, 2, 3)
    assert not monitor.start_trace("after").is_recording


def test_the_exit_hook_delivers_what_is_queued(receiver: FakeReceiver) -> None:
    script = textwrap.dedent(
        f"""
        import aideon_perf
        monitor = aideon_perf.init_performance_monitoring(flush_interval=3600)
        for i in range(3):
            with aideon_perf.trace("at_exit", "FILE_OPERATION"):
                pass
        print(monitor.stats().queued)
        """
    )
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": package, "AIDEON_INGEST_KEY": FAKE_KEY, "AIDEON_ENDPOINT": receiver.endpoint}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3", "still queued when the script ended"
    assert [t["name"] for t in receiver.traces] == ["at_exit"] * 3
