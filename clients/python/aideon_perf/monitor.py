"""The monitor: starts traces, takes them back when they stop, and hands them to the exporter."""
from __future__ import annotations

import atexit
import os
import random as random_module
import secrets
import threading
from typing import Any, Callable, Mapping, Optional, Union

from .constants import DEFAULT_TRACE_TYPE
from .exporter import BatchExporter, ExporterConfig
from .options import Options
from .retry import RetryPolicy
from .stats import Counters, MonitorStats
from .local_trace import NOOP_TRACE, NoopTrace, Trace
from .transport import BatchTransport, IngestKeyTransport
from .validation import AttributeValue, ValidationError

AnyTrace = Union[Trace, NoopTrace]
Attributes = Optional[Mapping[str, AttributeValue]]

INGEST_KEY_ENV = "AIDEON_INGEST_KEY"
ENDPOINT_ENV = "AIDEON_ENDPOINT"


class PerformanceMonitor:
    """Records traces in this process and ships them in batches to record-traces with an ingest key."""

    enabled = True

    def __init__(
        self,
        ingest_key: Optional[str] = None,
        endpoint: Optional[str] = None,
        *,
        transport: Optional[BatchTransport] = None,
        random: Callable[[], float] = random_module.random,
        new_batch_id: Callable[[], str] = lambda: secrets.token_hex(16),
        **options: Any,
    ) -> None:
        """``ingest_key`` and ``endpoint`` default to $AIDEON_INGEST_KEY and $AIDEON_ENDPOINT; ``transport``
        replaces the REST call (tests). ``options`` are those of Options."""
        self.options = Options(**options)
        self._transport = transport or IngestKeyTransport(_required(endpoint, ENDPOINT_ENV, "endpoint"), _required(ingest_key, INGEST_KEY_ENV, "ingest_key"))
        self._counters = Counters()
        self._shut_down = threading.Event()
        self._exporter = BatchExporter(
            ExporterConfig(
                transport=self._transport,
                flush_interval=self.options.flush_interval,
                max_batch_size=self.options.max_batch_size,
                max_queue_size=self.options.max_queue_size,
                retry=RetryPolicy(self.options.max_retries, self.options.initial_retry_delay, self.options.max_retry_delay),
                random=random,
                new_batch_id=new_batch_id,
                report=self._report,
            ),
            self._counters,
        )
        if self.options.flush_at_exit:
            atexit.register(self.shutdown)

    def start_trace(self, name: str, trace_type: str = DEFAULT_TRACE_TYPE, attributes: Attributes = None) -> AnyTrace:
        """A local trace (no network until its batch goes); a no-op one after shutdown."""
        if self._shut_down.is_set():
            return NOOP_TRACE
        return Trace(self, name, trace_type, attributes)

    #: ``with monitor.trace("load_user", "DATABASE_QUERY") as t:`` stops the trace when the block ends,
    #: with ``success`` and, on an exception, ``error_type``.
    trace = start_trace

    def stop_trace(self, trace: AnyTrace, attributes: Attributes = None, metrics: Optional[Mapping[str, float]] = None) -> float:
        """The contract's ``manager.stop_trace(trace)``; attributes and metrics given here are merged in first."""
        for key, value in (attributes or {}).items():
            trace.add_attribute(key, value)
        for name, number in (metrics or {}).items():
            trace.add_metric(name, number)
        return trace.stop()

    def add_metric(self, trace: AnyTrace, metric_name: str, value: float) -> AnyTrace:
        return trace.add_metric(metric_name, value)

    def init_app(self, app: Any) -> None:
        """Records one HTTP_REQUEST trace per request a Flask app serves (unless auto_collection is off)."""
        if self.options.auto_collection:
            from .flask_hooks import instrument_flask

            instrument_flask(app, self)

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything queued; False when ``timeout`` seconds passed first."""
        return self._exporter.flush(timeout)

    def shutdown(self, timeout: Optional[float] = None) -> None:
        """Stops recording and delivers what is queued within ``timeout`` (default shutdown_timeout) seconds.
        Registered with atexit; later calls do nothing."""
        if self._shut_down.is_set():
            return
        self._shut_down.set()
        atexit.unregister(self.shutdown)
        self._exporter.shutdown(self.options.shutdown_timeout if timeout is None else timeout)

    def stats(self) -> MonitorStats:
        return self._counters.snapshot(self._exporter.queued, self._exporter.in_flight)

    def reject(self, error: ValidationError) -> None:
        """TraceSink: invalid input."""
        if self.options.on_invalid == "raise":
            raise error
        self._report(error)

    def finish(self, trace: Trace) -> None:
        """TraceSink: a stopped trace."""
        if not trace.valid:
            self._counters.drop("invalid")
        elif self._shut_down.is_set():
            self._counters.drop("shutdown")
        else:
            self._exporter.enqueue(trace.to_wire())

    def _report(self, error: BaseException) -> None:
        handler = self.options.on_error
        if handler is None:
            return
        try:
            handler(error)
        except Exception:
            pass  # An error handler that raises must not break delivery or the caller's code.


def _required(value: Optional[str], env: str, name: str) -> str:
    value = value or os.environ.get(env)
    if not value:
        raise ValueError(f"{name}: required (or set ${env})")
    return value


class NoopMonitor:
    """The default before init_performance_monitoring(), and with enabled=False: every call does nothing,
    so decorated library code runs unmonitored rather than failing."""

    enabled = False

    def start_trace(self, name: str, trace_type: str = DEFAULT_TRACE_TYPE, attributes: Attributes = None) -> NoopTrace:
        return NOOP_TRACE

    trace = start_trace

    def stop_trace(self, trace: AnyTrace, attributes: Attributes = None, metrics: Optional[Mapping[str, float]] = None) -> float:
        return trace.stop()

    def add_metric(self, trace: AnyTrace, metric_name: str, value: float) -> AnyTrace:
        return trace.add_metric(metric_name, value)

    def init_app(self, app: Any) -> None:
        return None

    def flush(self, timeout: Optional[float] = None) -> bool:
        return True

    def shutdown(self, timeout: Optional[float] = None) -> None:
        return None

    def stats(self) -> MonitorStats:
        return MonitorStats()


NOOP_MONITOR = NoopMonitor()
AnyMonitor = Union[PerformanceMonitor, NoopMonitor]
