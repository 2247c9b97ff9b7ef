from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterator, List

import pytest

# The tests import the package from this source tree (installed or not) and their helpers beside them.
TESTS = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(TESTS), TESTS]

from aideon_perf import PerformanceMonitor  # noqa: E402
from fake_receiver import FakeReceiver  # noqa: E402

#: Well-formed (aik_ + 20 alphanumerics + _ + 43 base64url), accepted by the fake receiver.
FAKE_KEY = "aik_" + "A1" * 10 + "_" + "b" * 43

MonitorFactory = Callable[..., PerformanceMonitor]


@pytest.fixture
def receiver() -> Iterator[FakeReceiver]:
    fake = FakeReceiver()
    yield fake
    fake.close()


@pytest.fixture
def make_monitor(receiver: FakeReceiver) -> Iterator[MonitorFactory]:
    """Monitors against the fake receiver, with quick retries; each is shut down after the test."""
    made: List[PerformanceMonitor] = []

    def make(**options: Any) -> PerformanceMonitor:
        settings: dict = {"initial_retry_delay": 0.01, "max_retry_delay": 0.05, "flush_at_exit": False, **options}
        monitor = PerformanceMonitor(FAKE_KEY, receiver.endpoint, **settings)
        made.append(monitor)
        return monitor

    yield make
    for monitor in made:
        monitor.shutdown(timeout=1)
