"""The BPS key comes from the environment, else from the Airflow connection `bps_api`."""

from __future__ import annotations

import json

from ingest.pipeline import bps_settings


def test_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("BPS_API_KEY", "from-env")
    monkeypatch.setenv("AIRFLOW_CONN_BPS_API", json.dumps({"conn_type": "http", "password": "x"}))
    assert bps_settings().bps_api_key == "from-env"


def test_airflow_connection_supplies_key_and_url(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    monkeypatch.delenv("BPS_API_KEY", raising=False)
    conn = {"conn_type": "http", "host": "http://127.0.0.1:9/v1/api/", "password": "from-conn"}
    monkeypatch.setenv("AIRFLOW_CONN_BPS_API", json.dumps(conn))
    s = bps_settings()
    assert (s.bps_api_key, s.bps_api_url) == ("from-conn", "http://127.0.0.1:9/v1/api/")


def test_no_key_anywhere_means_the_snapshot(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    monkeypatch.delenv("BPS_API_KEY", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_BPS_API", raising=False)
    assert bps_settings().bps_api_key is None
