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
from ingest.bps.pipeline import BpsRunSummary, SeriesSummary, ingest_bps
from ingest.bps.series import Series, load_series

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
