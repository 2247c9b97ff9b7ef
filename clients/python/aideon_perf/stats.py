"""What the monitor counts, kept under one lock: request threads and the delivery thread both update it."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class DroppedCounts:
    """Traces recorded but never sent, by reason."""

    #: The queue held max_queue_size traces.
    queue_full: int = 0
    #: An invalid name, type, attribute, metric or duration (on_invalid="drop").
    invalid: int = 0
    #: Their batch failed (see failed_batches).
    send_failed: int = 0
    #: Stopped after shutdown, or still queued when its deadline passed.
    shutdown: int = 0


@dataclass(frozen=True)
class MonitorStats:
    #: Traces waiting for a batch.
    queued: int = 0
    #: Traces in the batch being sent (retries included).
    in_flight: int = 0
    #: Traces the server accepted (a retried batch counts once).
    sent: int = 0
    batches_sent: int = 0
    #: Batches given up on: a permanent answer (400, 401, 413...), or retries used up.
    failed_batches: int = 0
    #: Send attempts after the first, over all batches.
    retries: int = 0
    dropped: DroppedCounts = field(default_factory=DroppedCounts)


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals = {"sent": 0, "batches_sent": 0, "failed_batches": 0, "retries": 0}
        self._dropped = {"queue_full": 0, "invalid": 0, "send_failed": 0, "shutdown": 0}

    def add(self, name: str, by: int = 1) -> None:
        with self._lock:
            self._totals[name] += by

    def drop(self, reason: str, by: int = 1) -> None:
        with self._lock:
            self._dropped[reason] += by

    def snapshot(self, queued: int, in_flight: int) -> MonitorStats:
        with self._lock:
            return replace(MonitorStats(queued=queued, in_flight=in_flight, dropped=DroppedCounts(**self._dropped)), **self._totals)
