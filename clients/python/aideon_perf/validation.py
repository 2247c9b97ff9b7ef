"""Local checks equal to the server's record-traces schema (packages/core/src/schemas.ts), so an
invalid trace is caught where it is made, named by its field, instead of failing a whole batch."""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Optional, Union

from .constants import (
    ATTRIBUTE_KEY_MAX_LENGTH,
    ATTRIBUTE_VALUE_MAX_LENGTH,
    METRIC_TYPES,
    NAME_MAX_LENGTH,
    OTHER_TRACE_NAME,
)

AttributeValue = Union[str, int, float, bool]

# Zero-width and directional marks, bidi embeddings, overrides and isolates, the BOM; with the C0/C1
# controls (category Cc) and surrogates these make two names look alike or garble a dashboard.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_ATTRIBUTE_KEY = re.compile(r"[A-Za-z0-9_]+")
# Firestore reserves field names of the form __name__.
_FIRESTORE_RESERVED = re.compile(r"__.*__", re.DOTALL)


class ValidationError(ValueError):
    """Input the server would refuse; ``field`` names it as the server would (``attributes.region``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def utf16_length(text: str) -> int:
    """The length the server (JavaScript) measures."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _first_unprintable(text: str) -> Optional[str]:
    for char in text:
        if unicodedata.category(char) == "Cc" or _INVISIBLE.match(char):
            return char
    return None


# Names and keys repeat (constant names, route rules), so each distinct one is checked once.
@lru_cache(maxsize=1024)
def _name_problem(name: str, is_trace_name: bool) -> Optional[str]:
    char = _first_unprintable(name)
    if char is not None:
        code = f"U+{ord(char):04X}"
        if unicodedata.category(char) == "Cs":
            return f"must be valid UTF-16 (it holds a lone surrogate, {code})"
        return f"must not contain control, zero-width or bidirectional-control characters (it holds {code})"
    # The server stores the NFC form and applies the other rules to it.
    name = unicodedata.normalize("NFC", name)
    if not name:
        return "must not be empty"
    if utf16_length(name) > NAME_MAX_LENGTH:
        return f"must be at most {NAME_MAX_LENGTH} characters"
    if name.strip() != name:
        return "must not start or end with whitespace"
    if name.startswith("_"):
        return "must not start with an underscore (reserved)"
    if is_trace_name and name == OTHER_TRACE_NAME:
        return f"must not be {OTHER_TRACE_NAME} (reserved for the names over a type's cardinality budget)"
    return None


def check_trace_name(name: object) -> None:
    _check_name(name, "name", is_trace_name=True)


def check_metric_name(name: object, field: str) -> None:
    _check_name(name, field, is_trace_name=False)


def _check_name(name: object, field: str, is_trace_name: bool) -> None:
    if not isinstance(name, str):
        raise ValidationError(field, "must be a string")
    problem = _name_problem(name, is_trace_name)
    if problem is not None:
        raise ValidationError(field, problem)


def check_trace_type(trace_type: object) -> None:
    if trace_type not in METRIC_TYPES:
        raise ValidationError("trace_type", f"must be one of {', '.join(METRIC_TYPES)}")


def is_finite_number(value: object) -> bool:
    # bool is an int in Python but not a number on the wire.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@lru_cache(maxsize=1024)
def _attribute_key_problem(key: str) -> Optional[str]:
    if not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH:
        return f"must be 1 to {ATTRIBUTE_KEY_MAX_LENGTH} characters"
    if not _ATTRIBUTE_KEY.fullmatch(key):
        return "must contain only letters, digits and underscores"
    if _FIRESTORE_RESERVED.fullmatch(key):
        return "must not have the form __key__ (reserved by Firestore)"
    return None


def check_attribute(key: object, value: object) -> None:
    if not isinstance(key, str):
        raise ValidationError("attributes", "keys must be strings")
    problem = _attribute_key_problem(key)
    if problem is not None:
        raise ValidationError(f"attributes.{key}", f"key {problem}")
    if isinstance(value, str):
        if utf16_length(value) > ATTRIBUTE_VALUE_MAX_LENGTH:
            raise ValidationError(f"attributes.{key}", f"must be at most {ATTRIBUTE_VALUE_MAX_LENGTH} characters")
    elif not (isinstance(value, bool) or is_finite_number(value)):
        raise ValidationError(f"attributes.{key}", "must be a string, a finite number or a boolean")


def check_metric(name: object, value: object) -> None:
    check_metric_name(name, f"metrics.{name}")
    if not is_finite_number(value):
        raise ValidationError(f"metrics.{name}", "must be a finite number")

