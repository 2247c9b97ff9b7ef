"""Each limit of the server's record-traces schema at its edge, on both sides."""
from __future__ import annotations

import pytest

from aideon_perf.validation import ValidationError, check_attribute, check_metric, check_trace_name, check_trace_type


@pytest.mark.parametrize(
    "name",
    ["GET /items/<int:item_id>", "x" * 100, "😀" * 50, "cafe\u0301", "a (other)"],
)
def test_accepts_names_the_server_accepts(name: str) -> None:
    check_trace_name(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("x" * 101, "at most 100"),
        ("😀" * 50 + "x", "at most 100"),  # 101 UTF-16 code units, as the server counts
        (" padded", "whitespace"),
        ("padded\n", "control"),
        ("_private", "underscore"),
        ("(other)", "reserved"),
        ("zero\u200bwidth", r"U\+200B"),
        ("bidi\u202e", r"U\+202E"),
        ("lone\ud800", r"lone surrogate, U\+D800"),
        (42, "string"),
    ],
)
def test_refuses_names_the_server_refuses(name: object, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as raised:
        check_trace_name(name)
    assert raised.value.field == "name"


def test_trace_types_are_the_metric_types() -> None:
    check_trace_type("HTTP_REQUEST")
    with pytest.raises(ValidationError, match="trace_type"):
        check_trace_type("http_request")


@pytest.mark.parametrize(("key", "value"), [("k" * 40, "v" * 100), ("status_code", 404), ("ok", True), ("ratio", 0.5)])
def test_accepts_attributes_within_the_limits(key: str, value: object) -> None:
    check_attribute(key, value)


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("k" * 41, "v", "attributes." + "k" * 41),
        ("has-dash", "v", "attributes.has-dash"),
        ("__name__", "v", "attributes.__name__"),
        ("long", "v" * 101, "attributes.long"),
        ("nan", float("nan"), "attributes.nan"),
        ("list", [1], "attributes.list"),
        ("none", None, "attributes.none"),
    ],
)
def test_refuses_attributes_beyond_the_limits(key: str, value: object, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_attribute(key, value)
    assert raised.value.field == field


def test_metrics_are_finite_numbers_not_booleans() -> None:
    check_metric("rows_returned", 3)
    check_metric("(other)", 1.5)  # only trace names reserve it
    for value in (True, float("inf"), "3"):
        with pytest.raises(ValidationError, match="finite number"):
            check_metric("rows_returned", value)
    with pytest.raises(ValidationError) as raised:
        check_metric("_hidden", 1)
    assert raised.value.field == "metrics._hidden"
