"""record-traces over the REST API with ``Authorization: Bearer <ingest key>`` (requests)."""
from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlparse

import requests

#: Sends one request body and returns the JSON answer; raises RestCallError or requests.RequestException.
BatchTransport = Callable[[Dict[str, Any]], Dict[str, Any]]

RECORD_TRACES_PATH = "/api/v1/performance/record-traces"
INGEST_KEY = re.compile(r"aik_[A-Za-z0-9]{20}_[A-Za-z0-9_-]{43}")
#: A hung request holds up the batches behind it.
SEND_TIMEOUT_SECONDS = 30.0


class RestCallError(Exception):
    """An error answer: the server's code and message, whether a retry can help, and its Retry-After."""

    def __init__(self, status: int, code: str, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        # 408, 429 (quota) and 5xx pass; any other 4xx (a bad or revoked key, an invalid or oversized body) will not.
        return self.status in (408, 429) or self.status >= 500


def check_ingest_key(ingest_key: object) -> str:
    if not isinstance(ingest_key, str) or not INGEST_KEY.fullmatch(ingest_key):
        raise ValueError("ingest_key: must be an ingest key (aik_...) as createIngestKey returned it")
    return ingest_key


def check_endpoint(endpoint: object) -> str:
    if isinstance(endpoint, str):
        url = urlparse(endpoint)
        if url.scheme in ("http", "https") and url.netloc:
            return endpoint.rstrip("/")
    raise ValueError(f"endpoint: must be an http(s) URL (the Hosting site or the api function's URL), not {endpoint!r}")


def retry_after_seconds(header: Optional[str]) -> Optional[float]:
    """Retry-After as delay-seconds or an HTTP date; None when absent or unreadable."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class IngestKeyTransport:
    """POST <endpoint>/api/v1/performance/record-traces, one connection pool per monitor."""

    def __init__(self, endpoint: str, ingest_key: str, timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self.url = check_endpoint(endpoint) + RECORD_TRACES_PATH
        self._headers = {"Authorization": f"Bearer {check_ingest_key(ingest_key)}"}
        self._timeout = timeout
        self._session = requests.Session()

    def __call__(self, request: Dict[str, Any]) -> Dict[str, Any]:
        response = self._session.post(self.url, json=request, headers=self._headers, timeout=self._timeout)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.ok:
            error = body.get("error") if isinstance(body, dict) else None
            error = error if isinstance(error, dict) else {}
            raise RestCallError(
                response.status_code,
                str(error.get("code", f"http-{response.status_code}")),
                str(error.get("message", response.reason)),
                retry_after_seconds(response.headers.get("Retry-After")),
            )
        if not isinstance(body, dict) or body.get("success") is not True:
            # E.g. a Hosting site without the /api/** rewrite answering with its index.html.
            raise RestCallError(response.status_code, "invalid-response", "the answer is not a record-traces response")
        return body

    def close(self) -> None:
        self._session.close()
