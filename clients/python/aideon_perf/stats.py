"""What the monitor counts, kept under one lock: request threads and the delivery thread both update it."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Dict


@dataclass(frozen=True)
class DroppedCounts:
    """Traces recorded but never sent, by reason.

    Attributes:
        queue_full: The queue held max_queue_size traces.
        invalid: An invalid name, type, attribute, metric or duration (on_invalid="drop").
        send_failed: Their batch failed (see failed_batches).
        shutdown: Stopped after shutdown, or still queued when its deadline passed.
    """

    queue_full: int = 0
    invalid: int = 0
    send_failed: int = 0
    shutdown: int = 0


@dataclass(frozen=True)
class MonitorStats:
    """What the monitor has done since it started.

    Attributes:
        queued: Traces waiting for a batch.
        in_flight: Traces in the batch being sent (retries included).
        sent: Traces the server accepted (a retried batch counts once).
        batches_sent: Batches the server accepted.
        failed_batches: Batches given up on: a permanent answer (400, 401, 413...), or retries used up.
        retries: Send attempts after the first, over all batches.
        dropped: Traces recorded but never sent, by reason.
    """

    queued: int = 0
    in_flight: int = 0
    sent: int = 0
    batches_sent: int = 0
    failed_batches: int = 0
    retries: int = 0
    dropped: DroppedCounts = field(default_factory=DroppedCounts)


#: Read from the queue when a snapshot is taken, not counted.
_GAUGES = ("queued", "in_flight")


def _zero_counts(counts: type) -> Dict[str, int]:
    """A zero for each counter of a stats dataclass: a counter exists exactly when its field does."""
    return {f.name: 0 for f in fields(counts) if isinstance(f.default, int) and f.name not in _GAUGES}


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals = _zero_counts(MonitorStats)
        self._dropped = _zero_counts(DroppedCounts)

    def add(self, name: str, by: int = 1) -> None:
        with self._lock:
            self._totals[name] += by

    def drop(self, reason: str, by: int = 1) -> None:
        with self._lock:
            self._dropped[reason] += by

    def snapshot(self, queued: int, in_flight: int) -> MonitorStats:
        with self._lock:
            return MonitorStats(queued=queued, in_flight=in_flight, dropped=DroppedCounts(**self._dropped), **self._totals)
