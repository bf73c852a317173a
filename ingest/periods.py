"""Reporting periods: `2024` (year), `2024S1`/`2024S2` (semester), `2024Q1`..`2024Q4`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"(\d{4})(?:([SQ])(\d))?")
_MIN_YEAR, _MAX_YEAR = 1945, 2100


@dataclass(frozen=True)
class Period:
    label: str  # canonical: 2024, 2024S1, 2024Q3
    type: str  # year | semester | quarter
    year: int
    index: int  # semester 1..2, quarter 1..4, 0 for a year
    start: date
    end: date

    def previous_year(self) -> Period:
        """The same kind of period one year earlier (2024Q3 -> 2023Q3)."""
        return _make(self.type, self.year - 1, self.index)

    def __str__(self) -> str:
        return self.label


def _make(kind: str, year: int, index: int) -> Period:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"period year {year} outside {_MIN_YEAR}..{_MAX_YEAR}")
    if kind == "year":
        return Period(str(year), kind, year, 0, date(year, 1, 1), date(year, 12, 31))
    months = 6 if kind == "semester" else 3
    first = (index - 1) * months + 1
    last = first + months - 1
    end_day = 31 if last in (3, 12) else 30  # Mar, Jun, Sep, Dec: the only period ends
    letter = "S" if kind == "semester" else "Q"
    return Period(
        f"{year}{letter}{index}", kind, year, index, date(year, first, 1), date(year, last, end_day)
    )


def parse_period(text: str) -> Period:
    """`2024`, `2024s1`, `2024Q3` (case-insensitive) -> Period; ValueError if not a period."""
    raw = str(text).strip().upper() if text is not None else ""
    m = _PERIOD.fullmatch(raw)
    if m is None:
        raise ValueError(
            f"not a period: {text!r} (expected YYYY, YYYYS1..YYYYS2 or YYYYQ1..YYYYQ4)"
        )
    year = int(m.group(1))
    letter, digit = m.group(2), m.group(3)
    if letter is None:
        return _make("year", year, 0)
    index = int(digit)
    if letter == "S" and not 1 <= index <= 2:
        raise ValueError(f"not a period: {text!r} (a semester is S1 or S2)")
    if letter == "Q" and not 1 <= index <= 4:
        raise ValueError(f"not a period: {text!r} (a quarter is Q1..Q4)")
    return _make("semester" if letter == "S" else "quarter", year, index)


ID_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(day: date) -> str:
    """A date as Indonesian readers write it: 31 Maret 2025."""
    return f"{day.day} {ID_MONTHS[day.month - 1]} {day.year}"
