"""The contract's before/after request hooks: one HTTP_REQUEST trace per request, named by method and URL
rule (low cardinality: ``GET /items/<int:item_id>``, never the URL), with the attributes of the
TypeScript SDK's Express middleware: method, route, status_code, response_size, and the caller's W3C
traceparent ids (trace_id, parent_span_id); error_type when an exception escaped the view. Flask is imported here only, when an app is instrumented."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional, Tuple

from .constants import ATTRIBUTE_VALUE_MAX_LENGTH, NAME_MAX_LENGTH

if TYPE_CHECKING:
    from .monitor import PerformanceMonitor

#: The name of a request that matched no rule (a 404 or 405): one name for all of them.
UNMATCHED = "(unmatched route)"
_ENVIRON_KEY = "aideon_perf.trace"
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ALL_ZEROS = re.compile(r"0+")


def instrument_flask(app: Any, monitor: "PerformanceMonitor") -> None:
    from flask import request

    def start() -> None:
        rule = request.url_rule
        route = rule.rule if rule is not None else None
        trace = monitor.start_trace(fit_name(f"{request.method} {route or UNMATCHED}"), "HTTP_REQUEST")
        trace.add_attribute("method", request.method)
        if route is not None:
            trace.add_attribute("route", route[:ATTRIBUTE_VALUE_MAX_LENGTH])
        parent = parse_traceparent(request.headers.get("traceparent"))
        if parent is not None:
            trace.add_attribute("trace_id", parent[0]).add_attribute("parent_span_id", parent[1])
        request.environ[_ENVIRON_KEY] = trace

    def record_response(response: Any) -> Any:
        trace = request.environ.get(_ENVIRON_KEY)
        if trace is not None:
            trace.add_attribute("status_code", response.status_code)
            if response.content_length is not None:
                trace.add_attribute("response_size", response.content_length)
        return response

    def stop(error: Optional[BaseException]) -> None:
        # Teardown runs for every request, also when an exception skipped the after-request hooks
        # (PROPAGATE_EXCEPTIONS, e.g. app.testing): the trace is stopped here, once, in every case.
        trace = request.environ.pop(_ENVIRON_KEY, None)
        if trace is None:
            return
        if error is not None:
            trace.add_attribute("error_type", type(error).__name__[:ATTRIBUTE_VALUE_MAX_LENGTH])
        if "status_code" not in getattr(trace, "attributes", {}):
            trace.add_attribute("status_code", 500)
        trace.stop()

    # First in line, so a before-request hook of the app that answers by itself is still recorded.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(record_response)
    app.teardown_request(stop)


def fit_name(name: str) -> str:
    """Names are fitted, not refused: request handling must never fail because of monitoring."""
    return name[:NAME_MAX_LENGTH].strip()


def parse_traceparent(header: Optional[str]) -> Optional[Tuple[str, str]]:
    """(trace id, parent span id) of a valid W3C traceparent header, else None."""
    match = _TRACEPARENT.fullmatch(header.strip()) if header else None
    if match is None:
        return None
    version, trace_id, parent_span_id, _flags, rest = match.groups()
    # Version ff is forbidden; version 00 has exactly four fields; later versions may append fields.
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if _ALL_ZEROS.fullmatch(trace_id) or _ALL_ZEROS.fullmatch(parent_span_id):
        return None
    return trace_id, parent_span_id
