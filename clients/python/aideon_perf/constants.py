"""The trace types, default thresholds and wire limits, as packages/core defines them (held equal by
test/python/python-client.e2e.test.ts)."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

#: The contract's METRIC_TYPES: clients send the key as ``trace_type``.
METRIC_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "HTTP_REQUEST": "http_request",
        "DATABASE_QUERY": "database_query",
        "EXTERNAL_API": "external_api",
        "AI_GENERATION": "ai_generation",
        "FILE_OPERATION": "file_operation",
        "AUTHENTICATION": "authentication",
        "CUSTOM_TRACE": "custom_trace",
        "SYSTEM_RESOURCE": "system_resource",
    }
)

TRACE_TYPES: tuple[str, ...] = tuple(METRIC_TYPES)
DEFAULT_TRACE_TYPE = "CUSTOM_TRACE"

#: Duration bands in seconds: the server's defaults (admins may override them there, with PUT thresholds);
#: beyond ``poor`` a trace is a slow operation. HTTP_REQUEST, DATABASE_QUERY and AI_GENERATION are the contract's.
PERFORMANCE_THRESHOLDS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "HTTP_REQUEST": MappingProxyType({"good": 1.0, "acceptable": 3.0, "poor": 5.0}),
        "DATABASE_QUERY": MappingProxyType({"good": 0.1, "acceptable": 0.5, "poor": 1.0}),
        "EXTERNAL_API": MappingProxyType({"good": 2.0, "acceptable": 5.0, "poor": 10.0}),
        "AI_GENERATION": MappingProxyType({"good": 5.0, "acceptable": 15.0, "poor": 30.0}),
        "FILE_OPERATION": MappingProxyType({"good": 0.5, "acceptable": 2.0, "poor": 5.0}),
        "AUTHENTICATION": MappingProxyType({"good": 0.5, "acceptable": 1.5, "poor": 3.0}),
        "CUSTOM_TRACE": MappingProxyType({"good": 1.0, "acceptable": 3.0, "poor": 5.0}),
        "SYSTEM_RESOURCE": MappingProxyType({"good": 0.25, "acceptable": 1.0, "poor": 5.0}),
    }
)

# The record-traces limits (packages/core/src/limits.ts). Lengths count UTF-16 code units, as the server does.
NAME_MAX_LENGTH = 100
MAX_ATTRIBUTES = 32
ATTRIBUTE_KEY_MAX_LENGTH = 40
ATTRIBUTE_VALUE_MAX_LENGTH = 100
MAX_METRICS = 32
MAX_TRACES_PER_BATCH = 500
MAX_DURATION_SECONDS = 86_400

#: The name the server reserves for the names over a trace type's cardinality budget.
OTHER_TRACE_NAME = "(other)"
