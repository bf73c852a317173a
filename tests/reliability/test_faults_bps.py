"""BPS WebAPI faults and the API key, end to end.

tests/bps already covers the client (retries, backoff caps, every error class, redaction
in its logs and exceptions: tests/bps/test_retry.py, test_client.py, test_redaction.py)
and one pipeline failure (HTTP 503 keeps the previous rows:
tests/bps/test_pipeline.py::test_failure_keeps_previous_rows_loads_the_rest_and_raises).
Added here:

- the pipeline (`ingest_bps`, what the Airflow task calls) against the fake server timing
  out, dropping the connection, answering malformed JSON and the WAF's HTML 403: previous
  rows kept, a bounded number of attempts, a clear `BpsIngestFailed`, the failure recorded
  in raw.bps_fetches, and the key in no log record, exception or warehouse row;
- the real Airflow task (ingest_bps_statistics run by the scheduler) with BPS_API_KEY set and
  the WAF answering 403: the task fails, the previous rows stay, the failure alert goes
  out, and the key appears in no file under the Airflow state folder (task logs, metadata
  database) nor in the alert.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bps.fake_server import FakeBps

from ingest import warehouse
from ingest.airflow_services import Services, airflow_env, ensure_metadata
from ingest.bps.client import BpsClient, redact
from ingest.bps.errors import BpsIngestFailed
from ingest.bps.pipeline import ApiSource, ingest_bps

KEY = "RELIABILITY-bps-key-5e1f0c9a"  # recognisable: grep for it everywhere
OBSERVATIONS = (
    "select measure, bps_code, year, subperiod, value, source, fetched_at "
    "from raw.bps_observations order by 1, 2, 3, 4"
)


def _client(url: str, max_attempts: int = 3) -> BpsClient:
    return BpsClient(
        KEY,
        url,
        timeout=(1.0, 0.3),
        max_attempts=max_attempts,
        backoff_base=0.01,
        backoff_max=0.02,
        sleep=lambda _s: None,
        jitter=lambda: 1.0,
    )


def _everything_in(url: str) -> str:
    """Every row of the BPS tables as text."""
    with warehouse.connect(url) as conn:
        rows = conn.execute(
            "select row_to_json(f)::text from raw.bps_fetches f "
            "union all select row_to_json(o)::text from raw.bps_observations o"
        ).fetchall()
    return "\n".join(r[0] for r in rows)


@pytest.fixture(scope="module")
def bps_world(make_database):
    """A warehouse with a good API load already in it, and the fake BPS."""
    with make_database() as url, FakeBps(keys=(KEY,)) as fake:
        summary = ingest_bps(url, source=ApiSource(_client(fake.url)))
        assert summary.ok
        yield url, fake


FAULTS = {
    # name: (scripted trouble for the first request, attempts made, words of the error)
    "timeout": ([("sleep", 0.6)] * 3, 3, "timeout after 3 attempt(s)"),
    "dropped_connection": (["drop"] * 3, 3, "connection error after 3 attempt(s)"),
    "malformed_json": (["malformed"], 1, "not JSON"),
    "waf_403": ([("status", 403, {})], 1, "HTTP 403"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_bps_fault_keeps_previous_rows_and_fails_clearly(bps_world, fault, caplog):
    url, fake = bps_world
    script, attempts, words = FAULTS[fault]
    caplog.set_level(logging.DEBUG)
    with warehouse.connect(url) as conn:
        before = conn.execute(OBSERVATIONS).fetchall()
        errors_before = conn.execute(
            "select count(*) from raw.bps_fetches where status = 'error'"
        ).fetchone()[0]
    seen_before = len(fake.data_requests())
    fake.script(*script)
    with pytest.raises(BpsIngestFailed) as failed:
        ingest_bps(url, source=ApiSource(_client(fake.url)))
    exc = failed.value
    assert words in str(exc) and "previous rows kept" in str(exc)
    assert len(exc.summary.errors) == 1 and exc.summary.series[0].errors
    requests = fake.data_requests()[seen_before:]
    failing = [r for r in requests if r.params["var"] == "291" and r.params["th"] == "121;122;123"]
    assert len(failing) == attempts  # bounded: tried `attempts` times, then given up
    assert len(requests) == attempts + 7  # the 7 other chunks once each: the rest loaded
    with warehouse.connect(url) as conn:
        assert conn.execute(OBSERVATIONS).fetchall() == before  # nothing deleted or changed
        [(error, request)] = conn.execute(
            "select error, request from raw.bps_fetches where status = 'error' "
            "order by fetch_id desc limit 1"
        ).fetchall()
        assert (
            conn.execute("select count(*) from raw.bps_fetches where status = 'error'").fetchone()[
                0
            ]
            == errors_before + 1
        )
    assert words in error and "/key/***/" in error
    text = " ".join(
        [str(exc), repr(exc), *traceback.format_exception(exc), caplog.text, _everything_in(url)]
    )
    assert KEY not in text
    assert "/key/***/" in caplog.text  # the URLs are logged, redacted


def test_a_short_key_elsewhere_does_not_garble_the_redaction():
    """Found when the whole suite ran: a client made with the key "k" (tests/bps) made every
    later message of the process read `/***ey/***/`."""
    BpsClient("k", "http://127.0.0.1:1/").close()
    url = f"http://h/v1/api/list/model/data/key/{KEY}/"
    assert redact(url) == "http://h/v1/api/list/model/data/key/***/"
    assert redact(f"boom {KEY} boom", KEY) == "boom *** boom"


# ------------------------------------------------------------ through Airflow


class _Webhook(BaseHTTPRequestHandler):
    received: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        type(self).received.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_airflow_bps_task_fails_clearly_and_never_logs_the_key(bps_world, tmp_path):
    url, fake = bps_world
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    _Webhook.received = []
    state = tmp_path / "state"
    env = airflow_env(
        state,
        {
            "WAREHOUSE_URL": url,
            "BPS_API_KEY": KEY,
            "BPS_API_URL": fake.url,
            "ALERT_WEBHOOK_URL": f"http://127.0.0.1:{hook.server_address[1]}/hook",
        },
    )
    with warehouse.connect(url) as conn:
        before = conn.execute(OBSERVATIONS).fetchall()
    try:
        ensure_metadata(env)
        fake.script(("status", 403, {}))  # the WAF refuses the first request
        with Services(env).running() as services:
            services.wait_for_dags(("ingest_bps_statistics",))
            since = datetime.now(UTC) - timedelta(seconds=1)
            services.start_run("ingest_bps_statistics")
            runs = services.wait_runs("ingest_bps_statistics", since, timeout=600)
            assert [r["state"] for r in runs] == ["failed"]
            run_id = runs[0]["dag_run_id"]
            log = services.task_log("ingest_bps_statistics", run_id, "fetch_and_load")
    finally:
        hook.shutdown()
        hook.server_close()

    assert "BpsIngestFailed" in log and "HTTP 403" in log and "/key/***/" in log
    with warehouse.connect(url) as conn:
        assert conn.execute(OBSERVATIONS).fetchall() == before
    assert _Webhook.received, "the failure alert was posted"
    alert = json.loads(_Webhook.received[0])["text"]
    assert "ingest_bps_statistics.fetch_and_load failed" in alert
    assert KEY not in alert
    leaks = [
        str(p.relative_to(state))
        for p in Path(state).rglob("*")
        if p.is_file() and KEY.encode() in p.read_bytes()
    ]
    assert leaks == [], f"the API key is written in {leaks}"
    assert KEY not in _everything_in(url)
