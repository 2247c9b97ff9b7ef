"""aideon-perf for Python backends: the contract's API (init_performance_monitoring,
performance_monitor, start_trace / stop_trace / add_metric, a trace context manager), recording into
an aideon-perf Firebase project through record-traces with an ingest key."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from . import default_monitor
from .constants import DEFAULT_TRACE_TYPE, METRIC_TYPES, PERFORMANCE_THRESHOLDS, TRACE_TYPES
from .decorators import performance_monitor
from .monitor import NOOP_MONITOR, AnyMonitor, AnyTrace, Attributes, NoopMonitor, PerformanceMonitor
from .stats import DroppedCounts, MonitorStats
from .local_trace import NoopTrace, Trace
from .transport import RestCallError
from .validation import ValidationError

__all__ = [
    "DEFAULT_TRACE_TYPE",
    "METRIC_TYPES",
    "PERFORMANCE_THRESHOLDS",
    "TRACE_TYPES",
    "DroppedCounts",
    "MonitorStats",
    "NoopMonitor",
    "NoopTrace",
    "PerformanceMonitor",
    "RestCallError",
    "Trace",
    "ValidationError",
    "add_metric",
    "get_performance_manager",
    "init_performance_monitoring",
    "performance_monitor",
    "start_trace",
    "stop_trace",
    "trace",
]


def init_performance_monitoring(
    app: Any = None,
    *,
    ingest_key: Optional[str] = None,
    endpoint: Optional[str] = None,
    enabled: bool = True,
    **options: Any,
) -> AnyMonitor:
    """Makes the monitor (the no-op one when ``enabled`` is False), makes it the default one, and with a
    Flask ``app`` records each request it serves. ``ingest_key`` and ``endpoint`` default to
    $AIDEON_INGEST_KEY and $AIDEON_ENDPOINT; other options are those of PerformanceMonitor. The monitor it
    replaces is shut down (its queue flushed)."""
    monitor: AnyMonitor = PerformanceMonitor(ingest_key, endpoint, **options) if enabled else NOOP_MONITOR
    previous = default_monitor.get()
    default_monitor.set_default(monitor)
    if previous is not monitor:
        previous.shutdown()
    if app is not None:
        monitor.init_app(app)
    return monitor


def get_performance_manager() -> AnyMonitor:
    """The contract's name for the default monitor."""
    return default_monitor.get()


def start_trace(name: str, trace_type: str = DEFAULT_TRACE_TYPE, attributes: Attributes = None) -> AnyTrace:
    return default_monitor.get().start_trace(name, trace_type, attributes)


def trace(name: str, trace_type: str = DEFAULT_TRACE_TYPE, attributes: Attributes = None) -> AnyTrace:
    """``with trace("load_user", "DATABASE_QUERY") as t: ...``: stopped when the block ends, with
    ``success`` and, on an exception, ``error_type``."""
    return default_monitor.get().trace(name, trace_type, attributes)


def stop_trace(trace: AnyTrace, attributes: Attributes = None, metrics: Optional[Mapping[str, float]] = None) -> float:
    return default_monitor.get().stop_trace(trace, attributes, metrics)


def add_metric(trace: AnyTrace, metric_name: str, value: float) -> AnyTrace:
    return trace.add_metric(metric_name, value)
