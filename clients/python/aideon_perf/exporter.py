"""The delivery side (OpenTelemetry's BatchSpanProcessor, for record-traces), as the TypeScript SDK's
batch-exporter.ts: a bounded queue of finished traces, sent by one background thread every
flush_interval or as soon as a batch is full, one batch at a time, each retried under its own batch_id
until stored, dropped or shut down."""
from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, List, Optional

from .retry import RetryPolicy, send_with_retry
from .stats import Counters
from .transport import BatchTransport


@dataclass(frozen=True)
class ExporterConfig:
    transport: BatchTransport
    flush_interval: float
    max_batch_size: int
    max_queue_size: int
    retry: RetryPolicy
    random: Callable[[], float]
    new_batch_id: Callable[[], str]
    report: Callable[[BaseException], None]


class BatchExporter:
    def __init__(self, config: ExporterConfig, counters: Counters) -> None:
        self._config = config
        self._counters = counters
        self._queue: Deque[Dict[str, Any]] = collections.deque()
        self._in_flight = 0
        self._flush_requested = False
        self._stopping = False
        self._changed = threading.Condition()
        #: Set when shutdown's deadline passes: ends retry waits and the delivery loop.
        self._deadline = threading.Event()
        # A daemon: delivery must never keep the process alive; the exit hook flushes what is left.
        self._worker = threading.Thread(target=self._run, name="aideon-perf-exporter", daemon=True)
        self._worker.start()

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def enqueue(self, wire_trace: Dict[str, Any]) -> None:
        with self._changed:
            # Stopping: a trace that finished while shutdown began would otherwise wait here forever.
            if self._stopping or len(self._queue) >= self._config.max_queue_size:
                self._counters.drop("shutdown" if self._stopping else "queue_full")
                return
            self._queue.append(wire_trace)
            # A full batch goes out at once, on the delivery thread, never inside the caller's stop().
            if len(self._queue) >= self._config.max_batch_size:
                self._changed.notify_all()

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until the queue is empty and nothing is in flight (traces queued meanwhile included);
        False when ``timeout`` seconds passed first."""
        with self._changed:
            if self._idle():
                return True
            self._flush_requested = True
            self._changed.notify_all()
            return self._changed.wait_for(lambda: self._idle() or self._deadline.is_set(), timeout) and self._idle()

    def shutdown(self, timeout: float) -> None:
        """Delivers what it can within ``timeout`` seconds; what is still queued then is dropped and counted."""
        self.flush(timeout)
        self._deadline.set()
        with self._changed:
            self._stopping = True
            self._counters.drop("shutdown", len(self._queue))
            self._queue.clear()
            self._changed.notify_all()

    def _idle(self) -> bool:
        return not self._queue and self._in_flight == 0

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._send(batch)
            with self._changed:
                self._in_flight = 0
                if not self._queue:
                    self._flush_requested = False
                self._changed.notify_all()

    def _next_batch(self) -> Optional[List[Dict[str, Any]]]:
        """Blocks until a batch is due: full, flushed, or the interval passed with traces queued."""
        config = self._config
        with self._changed:
            due = time.monotonic() + config.flush_interval
            while not self._stopping:
                interval_passed = bool(self._queue) and time.monotonic() >= due
                if interval_passed or len(self._queue) >= config.max_batch_size or (self._queue and self._flush_requested):
                    # Once the interval has passed, everything queued goes, batch after batch.
                    self._flush_requested = self._flush_requested or interval_passed
                    batch = [self._queue.popleft() for _ in range(min(len(self._queue), config.max_batch_size))]
                    self._in_flight = len(batch)
                    return batch
                if time.monotonic() >= due:
                    due = time.monotonic() + config.flush_interval
                self._changed.wait(max(0.0, due - time.monotonic()))
            return None

    def _send(self, batch: List[Dict[str, Any]]) -> None:
        config = self._config
        # Built once: every retry sends the same batch_id, which the server stores once.
        request = {"batch_id": config.new_batch_id(), "traces": batch}
        try:
            send_with_retry(lambda: config.transport(request), config.retry, self._deadline, config.random, lambda: self._counters.add("retries"))
        except Exception as error:
            self._counters.add("failed_batches")
            self._counters.drop("send_failed", len(batch))
            config.report(error)
        else:
            self._counters.add("sent", len(batch))
            self._counters.add("batches_sent")
