"""The validation gate: Great Expectations suites (expectations/*.json) run inside PostgreSQL
over the loaded raw batches; outcomes, quarantine moves and results in the warehouse.

Public API:
- `validate_pending(conninfo) -> GateReport`: validate every submission in outcome `loaded`
  (one GX validation per dataset), decide accepted / accepted_with_warnings / rejected;
- `validate_submissions(conninfo, ids) -> GateReport`: re-validate from scratch (idempotent);
- `validate_bps(conninfo) -> BpsReport`: the BPS coverage suite over raw.bps_observations;
- `build_data_docs(target_dir) -> Path`: the GX Data Docs site, index.html path.

Design, rules and severities: expectations/README.md. GX itself is imported on first use.
"""

from ingest.validation.bps import BpsReport, validate_bps
from ingest.validation.docs import build_data_docs
from ingest.validation.gate import (
    DatasetRun,
    GateError,
    GateReport,
    SubmissionVerdict,
    validate_pending,
    validate_submissions,
)
from ingest.validation.suites import (
    BPS_SUITE,
    DATASET_SUITES,
    SUITES_DIR,
    Rule,
    Suite,
    SuiteError,
    get_suite,
    load_suite,
)

__all__ = [
    "BPS_SUITE",
    "DATASET_SUITES",
    "SUITES_DIR",
    "BpsReport",
    "DatasetRun",
    "GateError",
    "GateReport",
    "Rule",
    "Suite",
    "SubmissionVerdict",
    "SuiteError",
    "build_data_docs",
    "get_suite",
    "load_suite",
    "validate_bps",
    "validate_pending",
    "validate_submissions",
]
