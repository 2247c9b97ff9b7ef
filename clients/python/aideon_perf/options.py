"""The monitor's options: every default here, every value checked once when the monitor is made, so a
typo fails at startup rather than at the first flush."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Callable, Optional

from .constants import MAX_TRACES_PER_BATCH


def _auto_collection_from_env() -> bool:
    """The contract's PERFORMANCE_AUTO_COLLECTION: "false" turns the Flask request hooks off."""
    return os.environ.get("PERFORMANCE_AUTO_COLLECTION", "").strip().lower() != "false"


@dataclass(frozen=True)
class Options:
    #: Whether init_performance_monitoring(app) records every request (the contract's automatic monitoring).
    auto_collection: bool = field(default_factory=_auto_collection_from_env)
    #: Queued traces are sent at least this often, in seconds.
    flush_interval: float = 5.0
    #: Traces per record-traces call, 1 to 500; a full batch is sent at once.
    max_batch_size: int = MAX_TRACES_PER_BATCH
    #: Traces held for delivery; beyond it a stopped trace is dropped and counted (stats().dropped.queue_full).
    max_queue_size: int = 2048
    #: Retries of a batch after a retryable failure (same batch_id) before it is dropped.
    max_retries: int = 5
    #: Backoff ceiling of the first retry in seconds, doubling per retry up to max_retry_delay; full jitter.
    initial_retry_delay: float = 1.0
    max_retry_delay: float = 30.0
    #: How long shutdown() (and so the exit hook) may take to deliver what is queued, in seconds.
    shutdown_timeout: float = 10.0
    #: An invalid name, type, attribute or metric: "drop" records the trace as invalid, never sends it and
    #: counts it; "raise" makes the call raise ValidationError naming the field.
    on_invalid: str = "drop"
    #: Flush (within shutdown_timeout) when the interpreter exits (atexit).
    flush_at_exit: bool = True
    #: Called with each invalid-input error (on_invalid="drop") and each batch given up on.
    on_error: Optional[Callable[[BaseException], None]] = None

    def __post_init__(self) -> None:
        for name in ("auto_collection", "flush_at_exit"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: must be True or False, not {getattr(self, name)!r}")
        _whole(self, "max_batch_size", 1, MAX_TRACES_PER_BATCH)
        _whole(self, "max_queue_size", self.max_batch_size, None)
        _whole(self, "max_retries", 0, 100)
        _seconds(self, "flush_interval", 0.001)
        _seconds(self, "initial_retry_delay", 0.001)
        _seconds(self, "max_retry_delay", self.initial_retry_delay)
        _seconds(self, "shutdown_timeout", 0.0)
        if self.on_invalid not in ("drop", "raise"):
            raise ValueError(f'on_invalid: must be "drop" or "raise", not {self.on_invalid!r}')
        if self.on_error is not None and not callable(self.on_error):
            raise ValueError("on_error: must be callable")


def _whole(options: Options, name: str, low: int, high: Optional[int]) -> None:
    value = getattr(options, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        expected = f"at least {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name}: must be a whole number {expected}, not {value!r}")


def _seconds(options: Options, name: str, low: float) -> None:
    value = getattr(options, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
        raise ValueError(f"{name}: must be a number of seconds, at least {low}, not {value!r}")
