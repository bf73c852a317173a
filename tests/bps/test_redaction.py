"""The API key never appears in logs, exception messages, reprs or tracebacks."""

from __future__ import annotations

import logging
import traceback

import pytest

from ingest.bps.client import redact
from ingest.bps.errors import BpsError

from .conftest import KEY, make_client
from .test_retry import _closed_port


def _everything(exc: BaseException) -> str:
    return " ".join([str(exc), repr(exc), *traceback.format_exception(exc)])


def test_redact_path_query_and_literal():
    assert redact("https://h/v1/api/list/model/data/key/abc123/") == (
        "https://h/v1/api/list/model/data/key/***/"
    )
    assert redact("https://h/list?model=data&key=abc123&th=1") == (
        "https://h/list?model=data&key=***&th=1"
    )
    assert redact("boom abc123 boom", "abc123") == "boom *** boom"


def test_key_absent_from_logs_errors_and_reprs(fake, sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(fake.url, sleeps)
    assert KEY not in repr(client)

    fake.script(503, "drop", ("sleep", 0.5))  # retries log warnings with the URL
    client.data(291, [2023])
    failures: list[BpsError] = []
    fake.script(500, 500, 500, 500)
    with pytest.raises(BpsError) as err:
        client.data(291, [2023])
    failures.append(err.value)
    with pytest.raises(BpsError) as err:
        make_client(fake.url, sleeps, api_key=KEY + "x").data(291, [2023])  # unknown key
    failures.append(err.value)
    with pytest.raises(BpsError) as err:
        make_client(f"http://127.0.0.1:{_closed_port()}/v1/api/", sleeps, max_attempts=2).data(
            291, [2023]
        )
    failures.append(err.value)
    with pytest.raises(BpsError) as err:
        make_client(fake.url, sleeps, user_agent="curl/8").data(291, [2023])
    failures.append(err.value)

    assert "/key/***/" in caplog.text  # the URLs are logged, redacted
    assert "urllib3" in " ".join(r.name for r in caplog.records)  # its debug lines too
    assert KEY not in caplog.text
    for failure in failures:
        assert KEY not in _everything(failure)
        assert failure.url is None or "/key/***/" in failure.url
