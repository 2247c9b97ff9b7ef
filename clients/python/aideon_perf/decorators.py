"""The contract's ``@performance_monitor``: each call of the function runs inside a trace."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Optional, TypeVar, overload

from .constants import DEFAULT_TRACE_TYPE
from .monitor import AnyMonitor, Attributes
from . import default_monitor

F = TypeVar("F", bound=Callable[..., Any])


@overload
def performance_monitor(function: F) -> F: ...


@overload
def performance_monitor(
    function: None = None,
    *,
    name: Optional[str] = None,
    trace_type: str = DEFAULT_TRACE_TYPE,
    attributes: Attributes = None,
    monitor: Optional[AnyMonitor] = None,
) -> Callable[[F], F]: ...


def performance_monitor(
    function: Optional[F] = None,
    *,
    name: Optional[str] = None,
    trace_type: str = DEFAULT_TRACE_TYPE,
    attributes: Attributes = None,
    monitor: Optional[AnyMonitor] = None,
) -> Any:
    """``@performance_monitor`` or ``@performance_monitor(name=..., trace_type=..., attributes=...)``.
    The name defaults to the function's; the monitor to the one of the last init_performance_monitoring(),
    looked up at each call. Coroutine functions are traced until their coroutine finishes."""

    def decorate(fn: F) -> F:
        trace_name = name or fn.__name__

        def current() -> AnyMonitor:
            return monitor or default_monitor.get()

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def traced_coroutine(*args: Any, **kwargs: Any) -> Any:
                with current().trace(trace_name, trace_type, attributes):
                    return await fn(*args, **kwargs)

            return traced_coroutine  # type: ignore[return-value]

        @functools.wraps(fn)
        def traced(*args: Any, **kwargs: Any) -> Any:
            with current().trace(trace_name, trace_type, attributes):
                return fn(*args, **kwargs)

        return traced  # type: ignore[return-value]

    return decorate(function) if function is not None else decorate
