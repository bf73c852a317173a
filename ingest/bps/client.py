"""HTTP client of the BPS WebAPI (`requests`, one session).

- path-style URLs: `list/model/data/lang/ind/domain/0000/var/{var}/th/{th}/.../key/{KEY}/`;
- a browser-like User-Agent (a WAF answers 403 to others), connect/read timeouts;
- retries with capped exponential backoff and jitter on connection errors, timeouts,
  HTTP 429 and 5xx, at most `max_attempts` attempts; never on application errors (a
  JSON answer whose status is not "OK"), a WAF 403, another 4xx, or malformed JSON;
- every non-"OK" status becomes its own exception (ingest.bps.errors); a
  not-available / list-not-available answer to a data request is a result, not an error;
- at most 3 years per data call (`data`), longer ranges in chunks (`data_range`);
- list models follow `pages` (`list_all`).

The key never leaves this module unredacted: URLs in logs, exceptions and reprs read
`/key/***/`, and a logging filter redacts urllib3's own debug lines.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import requests

from ingest.bps.decode import UNAVAILABLE, availability
from ingest.bps.errors import (
    BpsApiError,
    BpsBadPeriodError,
    BpsBlockedError,
    BpsError,
    BpsHttpError,
    BpsMalformedResponseError,
    BpsMissingKeyError,
    BpsTooManyYearsError,
    BpsTransportError,
    BpsUnavailableError,
    BpsUnknownKeyError,
)
from ingest.bps.series import MAX_YEARS_PER_CALL, year_chunks

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://webapi.bps.go.id/v1/api/"
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
TH_BASE_YEAR = 1900  # th id = year - 1900 in every observed case (years are read from labels)

_KEY_PATH = re.compile(r"(/key/)[^/?#\s'\"]*", re.IGNORECASE)
_KEY_QUERY = re.compile(r"([?&;]key=)[^&#\s'\"]*", re.IGNORECASE)
_RETRY_STATUS = {429} | set(range(500, 600))
_URLLIB3_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.util.retry",
    "urllib3.response",
    "urllib3.poolmanager",
)
_secrets: set[str] = set()  # keys of every client made in this process, for the log filter
# Only keys this long are also redacted as literal text process-wide: a short "key" (a test's
# "k") would otherwise turn every later log line into `/***ey/***/`. URLs are redacted by
# pattern whatever the key, and each client still redacts its own key literally.
MIN_LITERAL_SECRET = 8


def redact(text: Any, *secrets: str | None) -> str:
    """`text` with API keys replaced by *** (URL path, query, and the literal secrets)."""
    out = _KEY_QUERY.sub(r"\1***", _KEY_PATH.sub(r"\1***", str(text)))
    for secret in (*secrets, *_secrets):
        if secret:
            out = out.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return out


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with `redact` (installed on urllib3's loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record must not break logging
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install_log_redaction() -> None:
    for name in _URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


@dataclass(frozen=True)
class DataResponse:
    """One dynamic-data answer: `available` False means "nothing for those years"."""

    var: int
    years: tuple[int, ...]
    url: str  # redacted
    body: dict

    @property
    def availability(self) -> str:
        return availability(self.body)

    @property
    def available(self) -> bool:
        return self.availability not in UNAVAILABLE

    @property
    def last_update(self) -> str | None:
        return self.body.get("last_update") or None


def check_envelope(body: Any, *, url: str | None = None, allow_unavailable: bool = True) -> dict:
    """Raise the matching exception unless `body` is an "OK" answer; return it."""
    if not isinstance(body, dict):
        raise BpsMalformedResponseError("answer is not a JSON object", url=url)
    status = body.get("status")
    if status == "OK":
        if not allow_unavailable and availability(body) in UNAVAILABLE:
            raise BpsUnavailableError(
                f"BPS has no data for this request ({availability(body)})",
                url=url,
                status=status,
            )
        return body
    text = redact(body.get("message") or "")
    status_text = redact(status)
    lowered = f"{status_text} {text}".lower()
    if "usernotfound" in lowered.replace(" ", ""):
        raise BpsUnknownKeyError(
            f"BPS answered {status_text!r}: unknown API key (BPS also uses this status "
            "for some malformed requests)",
            url=url,
            status=status_text,
        )
    if "key is missing" in lowered:
        raise BpsMissingKeyError(f"BPS: API key missing ({text})", url=url, status=status_text)
    if "maximum allowed number of years" in lowered:
        raise BpsTooManyYearsError(
            f"BPS: too many years in one call ({text})", url=url, status=status_text
        )
    if "'th'" in lowered or "th parameter" in lowered:
        raise BpsBadPeriodError(
            f"BPS: bad 'th' period parameter ({text})", url=url, status=status_text
        )
    raise BpsApiError(
        f"BPS answered status {status_text!r}: {text or '(no message)'}",
        url=url,
        status=status_text,
    )


class BpsClient:
    """A client for one API key. Use as a context manager (or call `close`)."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        user_agent: str = DEFAULT_USER_AGENT,
        session: requests.Session | None = None,
    ):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._key = api_key or None
        if self._key and len(self._key) >= MIN_LITERAL_SECRET:
            _secrets.add(self._key)
        install_log_redaction()
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._jitter = jitter
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.requests_made = 0  # HTTP attempts, retries included

    def __repr__(self) -> str:
        key = "***" if self._key else None
        return f"BpsClient(base_url={self.base_url!r}, api_key={key!r})"

    def __enter__(self) -> BpsClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    # --- URLs ---

    def url(self, *segments: Any) -> str:
        """Path-style URL: base + segments + `key/{KEY}/` (the real, unredacted URL)."""
        parts = [quote(str(s), safe=";:,") for s in segments]
        if self._key:
            parts += ["key", quote(self._key, safe="")]
        return self.base_url + "/".join(parts) + "/"

    def list_url(self, model: str, params: dict[str, Any]) -> str:
        segments: list[Any] = ["list", "model", model]
        for name, value in params.items():
            if value is not None:
                segments += [name, value]
        return self.url(*segments)

    def redact(self, text: Any) -> str:
        return redact(text, self._key)

    # --- transport ---

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        delay *= 0.5 + 0.5 * self._jitter()  # "equal jitter": between half and all of it
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = max(delay, float(retry_after))
        return min(delay, self.backoff_max)

    def get_json(self, url: str, *, allow_unavailable: bool = True) -> dict:
        """GET `url` with retries; the checked JSON answer."""
        safe_url = self.redact(url)
        for attempt in range(1, self.max_attempts + 1):
            retry_after = None
            self.requests_made += 1
            log.debug("BPS GET %s (attempt %d/%d)", safe_url, attempt, self.max_attempts)
            try:
                resp = self.session.get(url, timeout=self.timeout)
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,  # body cut off mid-transfer
            ) as exc:
                kind = "timeout" if isinstance(exc, requests.Timeout) else "connection error"
                failure: BpsError = BpsTransportError(
                    f"BPS {kind} after {attempt} attempt(s): {self.redact(exc)}", url=safe_url
                )
                reason = kind
            except requests.RequestException as exc:
                raise BpsTransportError(
                    f"BPS request failed: {self.redact(exc)}", url=safe_url
                ) from None
            else:
                if resp.status_code not in _RETRY_STATUS:
                    return self._parse(resp, safe_url, allow_unavailable)
                retry_after = resp.headers.get("Retry-After")
                failure = BpsHttpError(
                    f"BPS HTTP {resp.status_code} after {attempt} attempt(s)",
                    http_status=resp.status_code,
                    url=safe_url,
                )
                reason = f"HTTP {resp.status_code}"
            if attempt == self.max_attempts:
                log.error("BPS %s: %s, giving up after %d attempts", safe_url, reason, attempt)
                raise failure from None
            delay = self._delay(attempt, retry_after)
            log.warning(
                "BPS %s: %s, retry %d/%d in %.2fs",
                safe_url,
                reason,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse(self, resp: requests.Response, safe_url: str, allow_unavailable: bool) -> dict:
        text = resp.text
        content_type = resp.headers.get("Content-Type", "").lower()
        looks_html = "html" in content_type or text.lstrip()[:1] == "<"
        if resp.status_code == 403 and looks_html:
            raise BpsBlockedError(
                "BPS refused the request with HTTP 403 (HTML page: the WAF blocks this "
                "User-Agent or address)",
                url=safe_url,
            )
        try:
            body = json.loads(text, parse_float=Decimal)
        except ValueError:
            if resp.status_code != 200:
                raise BpsHttpError(
                    f"BPS HTTP {resp.status_code}: {self.redact(text[:200])!r}",
                    http_status=resp.status_code,
                    url=safe_url,
                ) from None
            raise BpsMalformedResponseError(
                f"BPS answer is not JSON: {self.redact(text[:120])!r}", url=safe_url
            ) from None
        checked = check_envelope(body, url=safe_url, allow_unavailable=allow_unavailable)
        if resp.status_code != 200:
            raise BpsHttpError(
                f"BPS HTTP {resp.status_code} with an OK body",
                http_status=resp.status_code,
                url=safe_url,
            )
        return checked

    # --- models ---

    def data(
        self,
        var: int,
        years: Iterable[int],
        *,
        turvar: str | int | None = None,
        turth: int | None = None,
        domain: str = "0000",
        lang: str = "ind",
    ) -> DataResponse:
        """One dynamic-data call for at most 3 years."""
        years = tuple(sorted(set(int(y) for y in years)))
        if not years:
            raise ValueError("no years requested")
        if len(years) > MAX_YEARS_PER_CALL:
            raise ValueError(
                f"BPS serves at most {MAX_YEARS_PER_CALL} years per call, got {len(years)}: "
                "use data_range"
            )
        th = ";".join(str(y - TH_BASE_YEAR) for y in years)
        params = {
            "lang": lang,
            "domain": domain,
            "var": var,
            "turvar": turvar,
            "turth": turth,
            "th": th,
        }
        url = self.list_url("data", params)
        body = self.get_json(url)
        response = DataResponse(var=int(var), years=years, url=self.redact(url), body=body)
        if response.available:
            for name in ("var", "turvar", "vervar", "tahun", "turtahun", "datacontent"):
                if name not in body:
                    raise BpsMalformedResponseError(
                        f"available answer has no '{name}'", url=response.url
                    )
        return response

    def data_range(self, var: int, years: Iterable[int], **params) -> list[DataResponse]:
        """Dynamic data for any number of years, in calls of at most 3 years."""
        return [self.data(var, chunk, **params) for chunk in year_chunks(list(years))]

    def list_all(self, model: str, *, max_pages: int = 1000, **params) -> list[dict]:
        """Every item of a list model (`var`, `th`, `turth`, `vervar`...), all pages."""
        items: list[dict] = []
        page = 1
        while True:
            url = self.list_url(model, {**params, "page": page})
            body = self.get_json(url)
            if availability(body) in UNAVAILABLE:
                return items
            page_items, pages = _list_page(body, self.redact(url))
            items.extend(page_items)
            if page >= pages or page >= max_pages:
                return items
            page += 1

    def periods(self, var: int, domain: str = "0000") -> dict[int, int]:
        """th id -> year for a variable (list model `th`)."""
        out = {}
        for item in self.list_all("th", domain=domain, var=var):
            try:
                out[int(item["th_id"])] = int(str(item["th"]).strip()[:4])
            except (KeyError, TypeError, ValueError):
                raise BpsMalformedResponseError(f"unexpected th item {item!r}") from None
        return out

    def provinces(self) -> list[dict]:
        """Domains of type `prov` (BPS lists 34 only: no new Papua provinces)."""
        body = self.get_json(self.url("domain", "type", "prov"))
        if availability(body) in UNAVAILABLE:
            return []
        items, _ = _list_page(body, None)
        return items


def _list_page(body: dict, url: str | None) -> tuple[list[dict], int]:
    data = body.get("data")
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not isinstance(data[0], dict)
        or not isinstance(data[1], list)
    ):
        raise BpsMalformedResponseError("list answer is not [pagination, items]", url=url)
    try:
        pages = int(data[0].get("pages", 1))
    except (TypeError, ValueError):
        raise BpsMalformedResponseError("list answer has a bad 'pages'", url=url) from None
    return data[1], pages
