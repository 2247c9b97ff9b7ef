"""One batch, sent until it is stored: retryable failures are retried with backoff and the same request."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

import requests

from .transport import RestCallError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    initial_delay: float = 1.0
    max_delay: float = 30.0


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """Uniform in [0, min(max, initial * 2^attempt)): full jitter, so clients that failed together spread out."""
    return random() * min(policy.max_delay, policy.initial_delay * 2 ** min(attempt, 52))


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, RestCallError):
        return error.retryable
    # Connection refused or reset, a timeout: the server may not have seen the batch, or its answer was lost.
    return isinstance(error, requests.RequestException)


def retry_delay(error: BaseException, attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """The server's Retry-After when it gave one (a quota window, a busy database), else the backoff."""
    retry_after = error.retry_after if isinstance(error, RestCallError) else None
    return retry_after if retry_after is not None else backoff_delay(attempt, policy, random)


def send_with_retry(
    send: Callable[[], T],
    policy: RetryPolicy,
    abort: threading.Event,
    random: Callable[[], float],
    on_retry: Callable[[], None],
) -> T:
    """Calls ``send`` until it returns; raises the last error when it is permanent, retries are used up,
    or ``abort`` is set (shutdown's deadline)."""
    attempt = 0
    while True:
        try:
            return send()
        except Exception as error:
            if attempt >= policy.max_retries or not is_retryable(error) or abort.is_set():
                raise
            if abort.wait(retry_delay(error, attempt, policy, random)):
                raise
            attempt += 1
            on_retry()
