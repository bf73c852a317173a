"""The gate's own GX expectation class (imported with GX, never at DAG-parse time).

`unexpected_submissions_expectation` is GX's `unexpected_rows_expectation` for queries
written the way every dataset suite writes them: ONE ROW PER FAILING SUBMISSION
(`submission_id`, `unexpected_count`, `sample`; see `ingest/validation/suites.py`).

GX's class computes two metrics of the query, each a run of it over the whole batch: the
rows it returns (fetched into Python, only shown in the COMPLETE result format) and their
count. The gate asks for BASIC results and reads the failing submissions itself, only when
the expectation fails (`gate._attribute`), so this class asks GX for the count alone: one
run of the query per validation instead of two (21.4M rows: expectations/README.md, "Where
the time goes"). The verdict is GX's: the expectation fails when the query returns a row.
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.expectations.core.unexpected_rows_expectation import (
    UnexpectedRowsExpectation,
)

TYPE = "unexpected_submissions_expectation"


class UnexpectedSubmissionsExpectation(UnexpectedRowsExpectation):
    """The query returns one row per failing submission; the expectation succeeds when it
    returns none. Only the count of those rows is computed."""

    metric_dependencies: ClassVar[tuple[str, ...]] = ("unexpected_rows_query.row_count",)

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict:
        failing = metrics["unexpected_rows_query.row_count"]
        return {"success": failing == 0, "result": {"observed_value": failing}}
