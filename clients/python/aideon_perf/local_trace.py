"""A trace measured in this process: start and stop read only the clock; at stop it goes to its sink
(the monitor), which queues it for a batch. It is also the contract's context manager."""
from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Callable, Dict, Mapping, Optional, Protocol, Type

from .constants import ATTRIBUTE_VALUE_MAX_LENGTH, MAX_ATTRIBUTES, MAX_DURATION_SECONDS, MAX_METRICS
from .validation import (
    AttributeValue,
    ValidationError,
    check_attribute,
    check_metric,
    check_trace_name,
    check_trace_type,
)


class TraceSink(Protocol):
    def reject(self, error: ValidationError) -> None:
        """Raises ``error`` (on_invalid="raise") or returns, and the trace is then dropped at stop."""

    def finish(self, trace: "Trace") -> None:
        """Takes a stopped trace."""


class Trace:
    """Record attributes and metrics, then ``stop()`` (or leave its ``with`` block)."""

    is_recording = True

    def __init__(
        self,
        sink: TraceSink,
        name: str,
        trace_type: str,
        attributes: Optional[Mapping[str, AttributeValue]] = None,
    ) -> None:
        self._sink = sink
        self._lock = threading.Lock()
        self.name = name
        self.trace_type = trace_type
        self.attributes: Dict[str, AttributeValue] = {}
        self.metrics: Dict[str, float] = {}
        self.duration: Optional[float] = None
        self.valid = True
        self._report(check_trace_name, name)
        self._report(check_trace_type, trace_type)
        for key, value in (attributes or {}).items():
            self.add_attribute(key, value)
        # Read last, so validation is not part of the measured operation.
        self.start_time_ms = round(time.time() * 1000)
        self._started = time.perf_counter()

    @property
    def stopped(self) -> bool:
        return self.duration is not None

    def add_attribute(self, key: str, value: AttributeValue) -> "Trace":
        return self._set_bounded("attributes", self.attributes, MAX_ATTRIBUTES, check_attribute, key, value)

    def add_metric(self, name: str, value: float) -> "Trace":
        """Sets a metric: a gauge of the trace, so a later value replaces an earlier one."""
        return self._set_bounded("metrics", self.metrics, MAX_METRICS, check_metric, name, value)

    def _set_bounded(self, field: str, entries: Dict[str, Any], limit: int, check: Callable[[str, Any], None], key: str, value: Any) -> "Trace":
        """Sets entries[key] once the pair passes `check`, refusing (and reporting) a new key past `limit`."""
        if self.stopped or not self._report(check, key, value):
            return self
        if key not in entries and len(entries) >= limit:
            self._report_error(ValidationError(field, f"must have at most {limit} entries"))
            return self
        entries[key] = value
        return self

    def increment_metric(self, name: str, by: float = 1) -> "Trace":
        return self.add_metric(name, self.metrics.get(name, 0) + by)

    def update_name(self, name: str) -> "Trace":
        """Renames the trace before it stops (e.g. once the matched route is known)."""
        if not self.stopped and self._report(check_trace_name, name):
            self.name = name
        return self

    def stop(self) -> float:
        """Stops the clock and hands the trace over; returns its duration in seconds. Later calls change nothing."""
        with self._lock:
            if self.duration is not None:
                return self.duration
            self.duration = max(0.0, time.perf_counter() - self._started)
        # Never raised: stop must always hand the trace over, so an over-long one is a counted drop.
        if self.duration > MAX_DURATION_SECONDS:
            self.valid = False
        self._sink.finish(self)
        return self.duration

    def __enter__(self) -> "Trace":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        record_outcome(self, exc_type)
        self.stop()

    def to_wire(self) -> Dict[str, Any]:
        """The record-traces shape (snake_case, epoch ms start, seconds duration)."""
        wire: Dict[str, Any] = {
            "name": self.name,
            "trace_type": self.trace_type,
            "start_time": self.start_time_ms,
            "duration": self.duration,
        }
        if self.attributes:
            wire["attributes"] = dict(self.attributes)
        if self.metrics:
            wire["metrics"] = dict(self.metrics)
        return wire

    def _report(self, check: Any, *args: Any) -> bool:
        """Runs ``check``; False (and the sink told) when it refused the input."""
        try:
            check(*args)
            return True
        except ValidationError as error:
            self._report_error(error)
            return False

    def _report_error(self, error: ValidationError) -> None:
        # The sink raises (the call is refused, the trace stays valid) or returns (the trace is then invalid).
        self._sink.reject(error)
        self.valid = False


def record_outcome(trace: "Trace | NoopTrace", exc_type: Optional[Type[BaseException]]) -> None:
    """``success``, and on an exception its class name (never its message: low cardinality, no user data)."""
    trace.add_attribute("success", exc_type is None)
    if exc_type is not None:
        trace.add_attribute("error_type", exc_type.__name__[:ATTRIBUTE_VALUE_MAX_LENGTH])


class NoopTrace:
    """What a disabled or shut-down monitor hands out: the same calls, nothing recorded."""

    is_recording = False
    stopped = False

    def add_attribute(self, key: str, value: AttributeValue) -> "NoopTrace":
        return self

    def add_metric(self, name: str, value: float) -> "NoopTrace":
        return self

    def increment_metric(self, name: str, by: float = 1) -> "NoopTrace":
        return self

    def update_name(self, name: str) -> "NoopTrace":
        return self

    def stop(self) -> float:
        return 0.0

    def __enter__(self) -> "NoopTrace":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


NOOP_TRACE = NoopTrace()
