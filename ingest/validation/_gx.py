"""Great Expectations plumbing: an ephemeral context with a PostgreSQL data source, the
result format the gate asks for, and the file-based store Data Docs are built from.

GX is imported lazily (about 3 s): importing `ingest.validation` stays cheap for the DAG
parser and the CLI.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.config import settings

log = logging.getLogger(__name__)


def _quiet_gx() -> None:
    """GX logs every metric (and one module forces INFO); the gate logs its own summary."""
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logger = logging.getLogger(name)
        if logger.level in (logging.NOTSET, logging.INFO):
            logger.setLevel(logging.WARNING)


# GX resolves `${...}` in the connection string from the environment when it connects.
# (add_postgres rejects a socket URL with an empty host given literally, not as a template.)
URL_ENV = "KUMKM_GX_WAREHOUSE_URL"
DATASOURCE = "warehouse"
GATE_SCHEMA = "audit"  # where the gate's batch views live

# BASIC with no partial list: GX returns the counts (element, unexpected, missing) but does
# not run one `... LIMIT n` query per expectation for sample values (a full scan whenever
# the expectation passes). Samples come from the
# gate's own attribution queries (audit.validation_results.unexpected_sample).
PARTIAL_UNEXPECTED = 0
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": PARTIAL_UNEXPECTED}


# Planner settings of GX's own sessions. Every rule of a dataset suite is per submission,
# and raw.<dataset> is LIST-partitioned by submission_id (one partition per submission):
# each grouping by submission can then be computed partition by partition, with hash tables
# the size of one submission instead of the whole batch. They made GX's compound-unique
# self-join 2.3-3.7x faster at 5M rows (expectations/README.md, "Where the time goes");
# for the group-by-having uniqueness queries that replaced it the gain is within the noise
# (21.4M rows, load average 6: 21-23 s on, 22-28 s off). Both settings are off by default
# only for their planning cost, negligible for the gate's few queries; over an
# unpartitioned table they change nothing.
SESSION_SETTINGS = {
    "enable_partitionwise_aggregate": "on",
    "enable_partitionwise_join": "on",
}


def session_options() -> str:
    """libpq `options` of GX's connections: the gate's schema first on the search path, a
    time limit per query (a hung gate fails), the planner settings above."""
    settings_ = {
        "search_path": f"{GATE_SCHEMA},public",
        "statement_timeout": str(statement_timeout_ms()),
        **SESSION_SETTINGS,
    }
    return " ".join(f"-c {k}={v}" for k, v in settings_.items())


def statement_timeout_ms() -> int:
    """Time limit of each GX query: `KUMKM_GX_TIMEOUT` seconds (default 1800; the whole
    gate at 21.4M rows took 153 s over the unpartitioned raw.umkm)."""
    return int(float(os.environ.get("KUMKM_GX_TIMEOUT") or 1800) * 1000)


def sqlalchemy_url(conninfo: str) -> str:
    """A SQLAlchemy URL (psycopg 3 driver) for a libpq URL or key=value conninfo."""
    import psycopg.conninfo
    from sqlalchemy.engine import URL

    if "://" in conninfo:
        scheme, rest = conninfo.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return conninfo
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    query = {k: str(v) for k, v in params.items() if k not in ("user", "password", "dbname")}
    return URL.create(
        "postgresql+psycopg",
        username=params.get("user"),
        password=params.get("password"),
        database=params.get("dbname"),
        query=query,
    ).render_as_string(hide_password=False)


def default_gx_dir() -> Path:
    return Path(os.environ.get("KUMKM_GX_DIR") or settings().state_dir / "gx")


@contextmanager
def warehouse_datasource(conninfo: str) -> Iterator[Any]:
    """An ephemeral GX context's PostgreSQL data source for the warehouse; disposed after."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx()
    previous = os.environ.get(URL_ENV)
    os.environ[URL_ENV] = sqlalchemy_url(conninfo)
    datasource = None
    try:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        datasource = context.data_sources.add_postgres(
            DATASOURCE,
            connection_string="${" + URL_ENV + "}",
            # GX's own connections resolve unqualified names in the gate's schema (table
            # assets' `schema_name` is deprecated in GX 1.14+); suite queries qualify raw.*.
            kwargs={"connect_args": {"options": session_options()}},
        )
        yield datasource
    finally:
        if datasource is not None:
            try:
                datasource.get_engine().dispose()
            except Exception:  # pragma: no cover - best effort cleanup
                log.debug("could not dispose the GX engine", exc_info=True)
        if previous is None:
            os.environ.pop(URL_ENV, None)
        else:
            os.environ[URL_ENV] = previous


def validate_table(datasource: Any, asset_name: str, table: str, suite: Any, run_name: str):
    """Run `suite` once over the table or view `table` of GATE_SCHEMA (one GX validation).

    A table asset, not a query asset: for a query asset GX 1.24 learns the batch's columns
    by executing the query itself (`column_reflection_fallback`), and psycopg's client-side
    cursor then holds the whole batch in memory (+370 MB for 1M umkm rows, measured). The
    gate therefore validates a view restricted to the batch's submission ids.
    """
    from great_expectations.core.run_identifier import RunIdentifier

    asset = datasource.add_table_asset(name=asset_name, table_name=table)
    batch = asset.add_batch_definition_whole_table("batch").get_batch()
    result = batch.validate(suite, result_format=RESULT_FORMAT)
    result.meta["run_id"] = RunIdentifier(run_name=run_name)
    result.meta["expectation_suite_name"] = suite.name
    return result


def exception_messages(result: Any) -> list[str]:
    """Expectations GX could not evaluate (SQL errors and the like)."""
    out = []
    for r in result.results:
        info = r.exception_info or {}
        if info.get("raised_exception"):
            rule = (r.expectation_config.meta or {}).get("rule", r.expectation_config.type)
            out.append(f"{rule}: {info.get('exception_message')}")
    return out


def file_context(gx_dir: Path):
    """The project-local file-based GX context (created on first use)."""
    import great_expectations as gx

    from ingest.validation import gx_expectations  # noqa: F401  (the stored suites use it)

    _quiet_gx()
    gx_dir.mkdir(parents=True, exist_ok=True)
    return gx.get_context(mode="file", project_root_dir=str(gx_dir))


def store_result(gx_dir: Path, suite_document: dict, result_json: dict, run_name: str) -> None:
    """Keep a validation result (and its suite) in the file store Data Docs read."""
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = file_context(gx_dir)
    context.suites.add_or_update(ExpectationSuite(**suite_document))
    result = ExpectationSuiteValidationResult(**result_json)
    run_time = result.meta.get("validation_time") or result_json.get("meta", {}).get("run_id")
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_document["name"]),
        run_id=RunIdentifier(run_name=run_name, run_time=_run_time(run_time)),
        batch_identifier=f"{DATASOURCE}-{suite_document['name']}",
    )
    context.validation_results_store.set(key, result)


def _run_time(value: Any):
    """The run's time, from a datetime, an ISO string, a RunIdentifier or its JSON dict: the
    same run always gets the same store key (else Data Docs list a validation per refill)."""
    from datetime import UTC, datetime

    if isinstance(value, dict):
        value = value.get("run_time")
    elif hasattr(value, "run_time"):
        value = value.run_time
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return datetime.now(UTC)
