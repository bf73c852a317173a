"""Failure callbacks for the DAGs: logged always, posted to a webhook when one is configured.

`ALERT_WEBHOOK_URL` (environment, or an Airflow variable of the same name) receives a JSON
message per failed task and per stale source after each marts build: a Slack incoming
webhook, a Teams/Mattermost hook, or a mail relay. Without it the alert is only logged, so
nothing breaks on a machine with no hook.
"""

from __future__ import annotations

import logging
import os

import requests

log = logging.getLogger(__name__)


def alert_message(context: dict) -> str:
    ti = context.get("task_instance") or context.get("ti")
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    run_id = getattr(ti, "run_id", context.get("run_id", "?"))
    error = context.get("exception")
    return f"KUMKM warehouse: task {dag_id}.{task_id} failed in run {run_id}: {error}"


def on_failure(context: dict) -> None:
    send_alert(alert_message(context))


def send_alert(message: str) -> None:
    """Log the message as an error and post it to ALERT_WEBHOOK_URL when one is set."""
    log.error(message)
    url = os.environ.get("ALERT_WEBHOOK_URL")
    if not url:
        return
    try:
        requests.post(url, json={"text": message}, timeout=10).raise_for_status()
    except requests.RequestException as exc:  # an alert must never mask the failure itself
        log.error("could not deliver the alert to ALERT_WEBHOOK_URL: %s", exc.__class__.__name__)
