"""Quarters of the extract and the "as of quarter end" row filter.

An extract for quarter Q is the state of the marts as of Q's end, as far as the marts can
tell it (they hold the current state, not history):

- a mart with a `period` column keeps the rows whose period (`2024`, `2024S1`, `2024Q3`)
  ends on or before Q's last day: closed periods only (2025Q1 keeps 2025Q1, 2024S2 and
  2024, not 2025S1 nor 2025);
- else one with `book_year` keeps book years up to Q's year (a cooperative reports its book
  year during the year and after it, so the running year shows what arrived so far);
- else one with `as_of` keeps the rows with `as_of` on or before Q's last day;
- a mart with none of these (e.g. `dim_province`) is extracted whole.

A null or unreadable value in the filter column keeps its row: the extract never hides a
row it cannot place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ingest.periods import Period, parse_period

from .folder import ExtractError

FILTER_COLUMNS = ("period", "book_year", "as_of")
JAKARTA = ZoneInfo("Asia/Jakarta")


def parse_quarter(text: str) -> Period:
    """`2025Q1` (case-insensitive) -> the quarter; ValueError for anything else."""
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise ValueError(f"not a quarter: {text!r} (expected YYYYQ1..YYYYQ4)") from exc
    if period.type != "quarter":
        raise ValueError(f"not a quarter: {text!r} (expected YYYYQ1..YYYYQ4)")
    return period


def quarter_of(day: date) -> Period:
    return parse_quarter(f"{day.year}Q{(day.month - 1) // 3 + 1}")


def quarter_closed_before(moment: datetime, tz: ZoneInfo = JAKARTA) -> Period:
    """The last quarter that closed before `moment` (its local date in `tz`).

    2025-04-01 06:00 WIB (the DAG's run for Q1) -> 2025Q1; 2025-03-31 23:00 WIB -> 2024Q4.
    Works with either end of the DAG's data interval for a run after the quarter.
    """
    local = moment.astimezone(tz).date() if moment.tzinfo else moment.date()
    current = quarter_of(local)
    return quarter_of(current.start - timedelta(days=1))


class QuarterRefused(ExtractError):
    """The quarter cannot be extracted (not ended yet, or before the first data)."""


def today_in_jakarta() -> date:
    return datetime.now(JAKARTA).date()


def first_data_end(conn) -> date | None:
    """The end of the earliest period any province had an accepted submission for."""
    if conn.execute("select to_regclass('raw.submissions') is null").fetchone()[0]:
        return None
    return conn.execute(
        "select min(period_end) from raw.submissions "
        "where outcome in ('accepted', 'accepted_with_warnings')"
    ).fetchone()[0]


def check_quarter(
    conn, quarter: Period, *, allow_partial: bool = False, today: date | None = None
) -> bool:
    """Refuse a quarter that cannot be extracted; True when it is the running quarter
    extracted with `allow_partial` (the extract is then labelled partial)."""
    today = today or today_in_jakarta()
    running = quarter_of(today)
    if quarter.start > today:
        raise QuarterRefused(
            f"quarter {quarter.label} has not started yet (today is {today.isoformat()}, "
            f"Asia/Jakarta): the last closed quarter is "
            f"{quarter_of(running.start - timedelta(days=1)).label}"
        )
    if quarter.end >= today:
        if not allow_partial:
            raise QuarterRefused(
                f"quarter {quarter.label} ends on {quarter.end.isoformat()} and has not ended "
                f"yet (today is {today.isoformat()}, Asia/Jakarta): its figures are not final."
                " Use --allow-partial to extract it anyway, labelled partial"
            )
        return True
    first = first_data_end(conn)
    if first is not None and quarter.end < first:
        raise QuarterRefused(
            f"quarter {quarter.label} ends on {quarter.end.isoformat()}, before the first data:"
            f" the earliest accepted submission covers a period ending on {first.isoformat()}"
            f" (first extractable quarter: {quarter_of(first).label})"
        )
    return False


def row_filter(columns: list[str], quarter: Period) -> tuple[int, str, Callable] | None:
    """(column index, description, keep(value) -> bool) for a mart's columns, or None."""
    for name in FILTER_COLUMNS:
        if name in columns:
            index = columns.index(name)
            if name == "book_year":
                desc = f"book_year <= {quarter.year}"
                return index, desc, lambda v: _keep_year(v, quarter)
            if name == "period":
                desc = f"period ends on or before {quarter.end.isoformat()}"
            else:
                desc = f"as_of <= {quarter.end.isoformat()}"
            return index, desc, lambda v: _keep_end(v, quarter)
    return None


def _keep_year(value, quarter: Period) -> bool:
    if value is None:
        return True
    try:
        return int(value) <= quarter.year
    except (TypeError, ValueError):
        return _keep_end(value, quarter)


def _keep_end(value, quarter: Period) -> bool:
    end = _end_date(value)
    return end is None or end <= quarter.end


def _end_date(value) -> date | None:
    """The last day a value stands for: a period's end, a year's 31 Dec, a date itself."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return date(value, 12, 31) if 1 <= value <= 9999 else None
    try:
        return parse_period(str(value)).end
    except ValueError:
        return None
