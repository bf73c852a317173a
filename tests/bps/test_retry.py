"""Retries: exponential backoff with jitter, capped, bounded; never on application errors."""

from __future__ import annotations

import socket

import pytest

from ingest.bps.client import BpsClient
from ingest.bps.errors import (
    BpsHttpError,
    BpsTooManyYearsError,
    BpsTransportError,
    BpsUnknownKeyError,
)

from .conftest import make_client


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_5xx_then_success(client, fake, sleeps):
    fake.script(503, 502)
    response = client.data(291, [2023])
    assert response.available
    assert len(fake.data_requests()) == 3 and client.requests_made == 3
    assert sleeps == [0.5, 1.0]  # base 0.5, doubling (jitter pinned to the full delay)


def test_429_honours_retry_after(client, fake, sleeps):
    fake.script(("status", 429, {"Retry-After": "2"}))
    assert client.data(291, [2023]).available
    assert sleeps == [2.0] and len(fake.data_requests()) == 2


def test_retry_after_is_capped(fake, sleeps):
    fake.script(("status", 429, {"Retry-After": "3600"}))
    with make_client(fake.url, sleeps, backoff_max=3.0) as c:
        c.data(291, [2023])
    assert sleeps == [3.0]


def test_gives_up_after_max_attempts(client, fake, sleeps):
    fake.script(500, 500, 500, 500, 500)
    with pytest.raises(BpsHttpError) as err:
        client.data(291, [2023])
    assert err.value.http_status == 500 and "4 attempt" in str(err.value)
    assert len(fake.data_requests()) == 4 and sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_capped(fake, sleeps):
    fake.script(*[503] * 6)
    c = make_client(fake.url, sleeps, max_attempts=6, backoff_base=1.0, backoff_max=3.0)
    with pytest.raises(BpsHttpError):
        c.data(291, [2023])
    assert sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_jitter_keeps_delays_between_half_and_full():
    delays = []
    for u in (0.0, 0.5, 0.999):
        c = BpsClient("k", "http://127.0.0.1:1/", backoff_base=2.0, jitter=lambda u=u: u)
        delays.append([round(c._delay(n, None), 3) for n in (1, 2, 3)])
    assert delays[0] == [1.0, 2.0, 4.0]
    assert delays[1] == [1.5, 3.0, 6.0]
    assert all(full > 0.99 * d for full, d in zip(delays[2], [2.0, 4.0, 8.0], strict=True))


def test_connection_refused_is_retried_then_a_transport_error(sleeps):
    with make_client(f"http://127.0.0.1:{_closed_port()}/v1/api/", sleeps) as c:
        with pytest.raises(BpsTransportError, match="connection error"):
            c.data(291, [2023])
        assert c.requests_made == 4 and len(sleeps) == 3


def test_dropped_connection_is_retried(client, fake, sleeps):
    fake.script("drop")
    assert client.data(291, [2023]).available
    assert len(fake.data_requests()) == 2 and sleeps == [0.5]


def test_read_timeout_is_retried(client, fake, sleeps):
    fake.script(("sleep", 0.6))  # the client's read timeout is 0.3 s
    assert client.data(291, [2023]).available
    assert len(fake.data_requests()) == 2 and sleeps == [0.5]


def test_timeouts_until_the_end_give_a_transport_error(fake, sleeps):
    fake.script(("sleep", 0.4), ("sleep", 0.4))
    c = make_client(fake.url, sleeps, max_attempts=2, timeout=(1.0, 0.15))
    with pytest.raises(BpsTransportError, match="timeout"):
        c.data(291, [2023])
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("key", "th", "exc"),
    [("wrong-key", "123", BpsUnknownKeyError), (None, "119:125", BpsTooManyYearsError)],
)
def test_no_retry_on_application_errors(fake, sleeps, key, th, exc):
    c = make_client(fake.url, sleeps, **({"api_key": key} if key else {}))
    url = c.list_url("data", {"domain": "0000", "var": 291, "th": th})
    with pytest.raises(exc):
        c.get_json(url)
    assert len(fake.seen) == 1 and sleeps == []


def test_single_attempt_client_does_not_retry(fake, sleeps):
    fake.script(503)
    with make_client(fake.url, sleeps, max_attempts=1) as c, pytest.raises(BpsHttpError):
        c.data(291, [2023])
    assert len(fake.seen) == 1 and sleeps == []
