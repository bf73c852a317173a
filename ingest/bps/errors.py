"""Exceptions of the BPS ingest: one class per way the WebAPI (or its transport) can fail.

Every message and repr is built from redacted text: the API key never appears in an
exception (URLs carry `/key/***/`).
"""

from __future__ import annotations


class BpsError(Exception):
    """Base class. `url` is always the redacted URL of the request (or None)."""

    def __init__(self, message: str, *, url: str | None = None, status: str | None = None):
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} [{self.url}]" if self.url else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class BpsConfigError(BpsError, ValueError):
    """series.yaml (or another configuration) is invalid."""


# --- application errors: BPS answered, with a non-"OK" status. Never retried. ---


class BpsApiError(BpsError):
    """BPS answered with a status other than "OK" not covered by a subclass."""


class BpsMissingKeyError(BpsApiError):
    """`{"status":"Error","message":"Parameter Key is Missing."}`"""


class BpsUnknownKeyError(BpsApiError):
    """`{"status":"404 UserNotFound"}`: unknown API key (BPS uses it for other errors too)."""


class BpsBadPeriodError(BpsApiError):
    """The `th` parameter is missing or malformed."""


class BpsTooManyYearsError(BpsApiError):
    """More than 3 years in one `th` parameter."""


class BpsUnavailableError(BpsApiError):
    """`data-availability` is not-available / list-not-available where data was required.

    For dynamic data this is NOT raised by default: the client returns a result whose
    `available` is False ("nothing for those years"), which the pipeline records.
    """


# --- transport / protocol errors ---


class BpsBlockedError(BpsError):
    """HTTP 403 with an HTML body: the WAF refused the request (User-Agent?)."""


class BpsHttpError(BpsError):
    """Unexpected HTTP status (429 / 5xx after all retries, or another 4xx)."""

    def __init__(self, message: str, *, http_status: int, url: str | None = None):
        super().__init__(message, url=url)
        self.http_status = http_status


class BpsTransportError(BpsError):
    """Connection error or timeout, after all retries."""


class BpsMalformedResponseError(BpsError):
    """The body is not JSON, or not shaped like a BPS answer."""


class BpsIngestFailed(BpsError):
    """Raised by the pipeline at the end of a run in which some fetch failed.

    `summary` holds the BpsRunSummary (what did load is loaded and committed).
    """

    def __init__(self, message: str, *, summary):
        super().__init__(message)
        self.summary = summary
