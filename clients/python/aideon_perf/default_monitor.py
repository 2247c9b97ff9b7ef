"""The monitor the module-level functions and ``@performance_monitor`` use: the last one
init_performance_monitoring() made, else the no-op one."""
from __future__ import annotations

from .monitor import NOOP_MONITOR, AnyMonitor

_current: AnyMonitor = NOOP_MONITOR


def get() -> AnyMonitor:
    return _current


def set_default(monitor: AnyMonitor) -> None:
    global _current
    _current = monitor
