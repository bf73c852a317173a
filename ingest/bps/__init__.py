"""BPS statistics ingest: WebAPI client, decoder, series configuration, offline snapshot,
loader and the pipeline the Airflow DAG calls (`ingest_bps`)."""

from ingest.bps.client import BpsClient, DataResponse, redact
from ingest.bps.decode import Observation, decode
from ingest.bps.errors import (
    BpsApiError,
    BpsBadPeriodError,
    BpsBlockedError,
    BpsConfigError,
    BpsError,
    BpsHttpError,
    BpsIngestFailed,
    BpsMalformedResponseError,
    BpsMissingKeyError,
    BpsTooManyYearsError,
    BpsTransportError,
    BpsUnavailableError,
    BpsUnknownKeyError,
)
from ingest.bps.series import Series, load_series

_PIPELINE = ("BpsRunSummary", "SeriesSummary", "ingest_bps")


def __getattr__(name: str):
    # the pipeline (and the snapshot it imports) load on first use, so that
    # `python -m ingest.bps.snapshot` does not import its own module twice
    if name in _PIPELINE:
        from ingest.bps import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'ingest.bps' has no attribute {name!r}")


__all__ = [
    "BpsApiError",
    "BpsBadPeriodError",
    "BpsBlockedError",
    "BpsClient",
    "BpsConfigError",
    "BpsError",
    "BpsHttpError",
    "BpsIngestFailed",
    "BpsMalformedResponseError",
    "BpsMissingKeyError",
    "BpsRunSummary",
    "BpsTooManyYearsError",
    "BpsTransportError",
    "BpsUnavailableError",
    "BpsUnknownKeyError",
    "DataResponse",
    "Observation",
    "Series",
    "SeriesSummary",
    "decode",
    "ingest_bps",
    "load_series",
    "redact",
]
