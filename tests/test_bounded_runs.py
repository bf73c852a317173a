"""Bounded and quiet runs: a hung dbt is killed and the next one proceeds; an hourly run
over an unchanged dropzone reads no file and skips the gate; stale sources reach the alert
channel after a build."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from airflow.sdk.exceptions import AirflowSkipException

from ingest import dbt_runner, pipeline, warehouse

HANG = "select pg_sleep(600) as hung"


def _sleeping_dbt_sessions(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select application_name from pg_stat_activity "
            "where application_name like 'kumkm-dbt-%%' and query like '%%pg_sleep(600)%%'"
        ).fetchall()
    ]


def test_a_hung_dbt_is_killed_and_the_next_run_proceeds(pg_url):
    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        with warehouse.connect(pg_url) as conn:
            while not stop.is_set():
                seen.extend(_sleeping_dbt_sessions(conn))
                time.sleep(0.5)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    try:
        with pytest.raises(dbt_runner.DbtTimeout, match="killed after 45 s"):
            dbt_runner.run_dbt(pg_url, "show", "--inline", HANG, timeout=45)
    finally:
        stop.set()
        watcher.join()
    assert time.monotonic() - started < 60
    assert seen, "dbt never reached the warehouse: the test did not hang dbt"
    with warehouse.connect(pg_url) as conn:
        assert _sleeping_dbt_sessions(conn) == [], "the killed dbt's query still runs"
    out = dbt_runner.run_dbt(pg_url, "show", "--inline", "select 4242 as answer", timeout=120)
    assert "4242" in out


def _write_rejected_file(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_an_unchanged_dropzone_is_not_read_and_skips_the_gate(tmp_path, make_database, monkeypatch):
    dropzone = tmp_path / "dropzone"
    _write_rejected_file(dropzone / "koperasi_74_2023.csv", "bukan data koperasi\n")
    _write_rejected_file(dropzone / "jatim" / "umkm_35_2024S1.csv", "juga bukan\n")
    with make_database() as url:
        monkeypatch.setenv("WAREHOUSE_URL", url)
        monkeypatch.setenv("DROPZONE", str(dropzone))
        first = pipeline.load_dropzone()
        assert first["files"] == 2 and first["new_submissions"] == 2
        pipeline.validation_gate(first)  # new submissions: the gate runs

        second = pipeline.load_dropzone()
        assert second == {**second, "files": 0, "new_submissions": 0, "pending": 0}
        with pytest.raises(AirflowSkipException, match="no new files"):
            pipeline.validation_gate(second)

        touched = dropzone / "jatim" / "umkm_35_2024S1.csv"
        os.utime(touched, (1_700_000_000, 1_700_000_000))  # same content, new mtime
        third = pipeline.load_dropzone()
        assert third["files"] == 1  # only the changed file was read (and found known)
        assert third["outcomes"] == {"skipped": 1}
        with pytest.raises(AirflowSkipException):
            pipeline.validation_gate(third)


def test_unchanged_bps_skips_validation():
    unchanged = {"ok": True, "series": [{"rows_changed": 0}, {"rows_changed": 0}]}
    with pytest.raises(AirflowSkipException, match="no observation changed"):
        pipeline.validate_bps(unchanged)


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_stale_sources_reach_the_alert_channel(make_database, monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    with make_database() as url:
        monkeypatch.setenv("WAREHOUSE_URL", url)
        with warehouse.connect(url) as conn:
            conn.execute(
                """insert into raw.submissions (dataset, file_name, file_path, sha256,
                       file_size, file_mtime, arrived_at, outcome)
                   values ('koperasi', 'koperasi_74_2023.csv', 'koperasi_74_2023.csv', 'x',
                           1, now(), now() - interval '500 days', 'accepted')"""
            )
        result = pipeline.source_freshness()
    server.shutdown()
    stale = "\n".join(result["stale_sources"])
    assert "submissions.submissions: warn, latest load 500 days ago" in stale
    assert "submissions.koperasi: warn" in stale
    texts = [m["text"] for m in _Hook.received]
    assert any("submissions.koperasi: warn" in t for t in texts), texts


def test_gx_queries_have_a_time_limit(pg_url, monkeypatch):
    import sqlalchemy

    from ingest.validation import _gx

    monkeypatch.setenv("KUMKM_GX_TIMEOUT", "0.5")
    with (
        _gx.warehouse_datasource(pg_url) as datasource,
        datasource.get_engine().connect() as conn,
        pytest.raises(sqlalchemy.exc.OperationalError, match="statement timeout"),
    ):
        conn.execute(sqlalchemy.text("select pg_sleep(5)"))
