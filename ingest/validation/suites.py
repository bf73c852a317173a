"""The gate's expectation suites: `expectations/<suite>.json`, GX's own suite format.

The JSON files are the single source of truth. Each expectation carries in `meta`:

- `rule`: a stable machine code (`gx.<dataset>.<column>.<check>`), the key of
  `audit.validation_results` and of the entries the gate adds to `raw.submissions.reasons`;
- `severity`: `critical` (rejects the submission), `quarantine` (the failing rows move to
  `raw.quarantine`, the submission goes on flagged) or `warning` (flagged only);
- `reason`: the message for the provincial clerk (Indonesian);
- `description`: what the rule checks, for engineers (English).

GX's own `severity` field mirrors it (`critical` only for `critical`), so Data Docs agree.

Besides the GX verdict over a whole batch, the gate needs to know WHICH submission (and
which rows) failed an expectation:

- for GX's built-in column expectations, :meth:`Rule.unexpected_rows_sql` renders the SQL
  that selects the failing rows of a batch with their `submission_id` and `row_number`,
  with GX's semantics (map expectations skip nulls unless they test for nulls);
- a rule written as a query is, in a dataset suite, an `unexpected_submissions_expectation`
  (`gx_expectations.py`): its query returns ONE ROW PER FAILING SUBMISSION:
  `submission_id`, `unexpected_count` and `sample` (jsonb array of the first failing rows,
  or of one object describing a submission-level finding). GX only counts those rows; the
  gate reads them when the rule fails. Uniqueness within a submission is such a query too
  (`group by submission_id, <key> having count(*) > 1`): GX's
  `expect_compound_columns_to_be_unique` joins the whole batch to its own group counts,
  about twice the work (expectations/README.md, "Where the time goes"). The BPS suite,
  which has no submissions, uses GX's `unexpected_rows_expectation`.

The gate cross-checks its per-submission counts against GX's unexpected count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ingest.config import PROJECT_ROOT

SUITES_DIR = PROJECT_ROOT / "expectations"

# Validation order matters: kegiatan_kerja_sama's referential rules read the outcomes of
# kerja_sama submissions of the same run.
DATASET_SUITES = ("koperasi", "umkm", "indikator_umkm", "kerja_sama", "kegiatan_kerja_sama")
BPS_SUITE = "bps_observations"

SEVERITIES = ("critical", "quarantine", "warning")
RULE_PREFIX = "gx."
_RULE_CODE = re.compile(r"^gx\.[a-z0-9_]+(\.[a-z0-9_]+)+$")

SUPPORTED_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_match_like_pattern_list",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "unexpected_rows_expectation",
        "unexpected_submissions_expectation",
    }
)
QUERY_TYPES = frozenset({"unexpected_rows_expectation", "unexpected_submissions_expectation"})
ROW_WISE_TYPES = SUPPORTED_TYPES - QUERY_TYPES
ROW_KEY = ("submission_id", "row_number")
_JOIN = re.compile(r"\bjoin\b", re.IGNORECASE)


class SuiteError(ValueError):
    """A suite file that the gate cannot use (bad meta, unsupported expectation, ...)."""


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A SQL literal for a value of a suite's kwargs (str, bool, int, float, Decimal)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return repr(value) if not isinstance(value, Decimal) else str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise SuiteError(f"cannot render {value!r} as a SQL literal")


def render_batch_query(query: str, batch_sql: str) -> str:
    """Substitute `{batch}` as GX does for a query asset.

    GX inserts `(<batch>)` when the query contains a JOIN (the query aliases it itself) and
    `(<batch>) AS subselect` otherwise; `{{`/`}}` stand for literal braces.
    """
    if _JOIN.search(query):
        return query.format(batch=f"({batch_sql})")
    return query.format(batch=f"({batch_sql}) AS subselect")


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, with the gate's metadata."""

    suite: str
    index: int
    code: str
    severity: str
    reason: str
    description: str
    type: str
    kwargs: Mapping[str, Any]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        k = self.kwargs
        if "column" in k:
            return (k["column"],)
        if "column_list" in k:
            return tuple(k["column_list"])
        if "column_A" in k:
            return (k["column_A"], k["column_B"])
        if "column" in self.meta:  # the column a query rule checks, as its suite names it
            return (self.meta["column"],)
        return ()

    @property
    def column_label(self) -> str | None:
        cols = [c for c in self.columns if c not in ROW_KEY]
        return ", ".join(cols) or None

    @property
    def is_row_level(self) -> bool:
        return self.severity == "quarantine"

    @property
    def is_query(self) -> bool:
        """Whether the rule is the suite's own SQL query (one row per failing submission in a
        dataset suite) rather than a built-in column expectation."""
        return self.type in QUERY_TYPES

    @property
    def is_row_wise(self) -> bool:
        """Whether a row fails this rule by its own values alone (a map expectation), so
        that the rule finds the same failures in any set of rows holding its failing ones."""
        return self.type in ROW_WISE_TYPES

    def unexpected_rows_sql(self, batch_sql: str) -> str:
        """SQL selecting this rule's failures in the batch `batch_sql`.

        Built-in expectations: one row per failing row (submission_id, row_number, the
        columns checked). A query rule: the suite's own query, which in a dataset suite
        returns one row per failing submission (see the module docstring).
        """
        if self.is_query:
            return render_batch_query(self.kwargs["unexpected_rows_query"], batch_sql)
        src = f"({batch_sql}) as b"
        shown = [c for c in self.columns if c not in ROW_KEY]
        select = ", ".join(ident(c) for c in (*ROW_KEY, *shown))
        return f"select {select} from {src} where {self.failing_row_condition()}"

    def failing_row_condition(self) -> str:
        """SQL predicate true for the rows failing a row-wise rule (GX's semantics)."""
        k = self.kwargs
        t = self.type
        if t == "expect_column_values_to_not_be_null":
            return f"{ident(k['column'])} is null"
        if t == "expect_column_values_to_be_in_set":
            c = ident(k["column"])
            values = ", ".join(literal(v) for v in k["value_set"])
            return f"{c} is not null and {c} not in ({values})"
        if t == "expect_column_values_to_be_between":
            c = ident(k["column"])
            ok = []
            if k.get("min_value") is not None:
                ok.append(f"{c} {'>' if k.get('strict_min') else '>='} {literal(k['min_value'])}")
            if k.get("max_value") is not None:
                ok.append(f"{c} {'<' if k.get('strict_max') else '<='} {literal(k['max_value'])}")
            return f"{c} is not null and not ({' and '.join(ok)})"
        if t == "expect_column_values_to_match_regex":
            c = ident(k["column"])
            return f"{c} is not null and not ({c} ~ {literal(k['regex'])})"
        if t == "expect_column_values_to_match_like_pattern_list":
            c = ident(k["column"])
            join = " and " if k.get("match_on") == "all" else " or "
            like = join.join(f"{c} like {literal(p)}" for p in k["like_pattern_list"])
            return f"{c} is not null and not ({like})"
        if t == "expect_column_pair_values_a_to_be_greater_than_b":
            a, b = ident(k["column_A"]), ident(k["column_B"])
            op = ">=" if k.get("or_equal") else ">"
            ignore = k.get("ignore_row_if", "both_values_are_missing")
            if ignore == "either_value_is_missing":
                keep = f"{a} is not null and {b} is not null"
            elif ignore == "both_values_are_missing":
                keep = f"not ({a} is null and {b} is null)"
            else:
                keep = "true"
            return f"{keep} and not coalesce({a} {op} {b}, false)"
        raise SuiteError(f"{self.code}: no attribution SQL for {t}")


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    document: Mapping[str, Any]
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(code)

    def gx_suite(self):
        """A fresh GX ExpectationSuite built from the JSON document."""
        from great_expectations.core.expectation_suite import ExpectationSuite

        from ingest.validation import gx_expectations  # noqa: F401  (registers the type)

        doc = json.loads(json.dumps(self.document))
        suite = ExpectationSuite(**doc)
        if len(suite.expectations) != len(self.rules):
            raise SuiteError(f"{self.path}: GX rejected some expectations (see the log)")
        return suite


def _rule(suite: str, index: int, exp: Mapping[str, Any], path: Path) -> Rule:
    where = f"{path.name} expectation #{index + 1}"
    meta = exp.get("meta") or {}
    for key in ("rule", "severity", "reason", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise SuiteError(f"{where}: meta.{key} is missing")
    code = meta["rule"]
    if not _RULE_CODE.match(code):
        raise SuiteError(f"{where}: rule code {code!r} must look like gx.<dataset>.<check>")
    if meta["severity"] not in SEVERITIES:
        raise SuiteError(f"{where}: meta.severity must be one of {SEVERITIES}")
    type_ = exp.get("type")
    if type_ not in SUPPORTED_TYPES:
        raise SuiteError(f"{where}: expectation type {type_!r} is not supported by the gate")
    kwargs = exp.get("kwargs") or {}
    if type_ in QUERY_TYPES and meta["severity"] == "quarantine":
        raise SuiteError(f"{where}: quarantine rules must be built-in row-level expectations")
    if type_ == "unexpected_rows_expectation" and suite in DATASET_SUITES:
        raise SuiteError(
            f"{where}: a dataset suite's query rule is an unexpected_submissions_expectation "
            "(one row per failing submission, counted by GX without fetching the rows)"
        )
    if kwargs.get("row_condition") or kwargs.get("mostly", 1) != 1:
        raise SuiteError(f"{where}: row_condition and mostly are not supported by the gate")
    gx_severity = exp.get("severity", "critical")
    expected = "critical" if meta["severity"] == "critical" else "warning"
    if gx_severity != expected:
        raise SuiteError(f"{where}: GX severity must be {expected!r} for {meta['severity']}")
    return Rule(
        suite=suite,
        index=index,
        code=code,
        severity=meta["severity"],
        reason=meta["reason"],
        description=meta["description"],
        type=type_,
        kwargs=kwargs,
        meta=meta,
    )


def load_suite(name: str, directory: Path | None = None) -> Suite:
    """Read and check `expectations/<name>.json`."""
    path = (directory or SUITES_DIR) / f"{name}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("name") != name:
        raise SuiteError(f"{path}: suite name must be {name!r}")
    rules = tuple(_rule(name, i, e, path) for i, e in enumerate(document.get("expectations", [])))
    codes = [r.code for r in rules]
    if len(codes) != len(set(codes)):
        raise SuiteError(f"{path}: rule codes must be unique")
    return Suite(name=name, path=path, document=document, rules=rules)


@cache
def _cached_suite(name: str, directory: Path, mtime: float) -> Suite:
    return load_suite(name, directory)


def get_suite(name: str, directory: Path | None = None) -> Suite:
    """`load_suite`, cached until the file changes."""
    directory = directory or SUITES_DIR
    path = directory / f"{name}.json"
    return _cached_suite(name, directory, path.stat().st_mtime)
