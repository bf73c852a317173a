"""Numbers as Indonesian readers write them: 1.234.567 and 18,26 %."""

from __future__ import annotations

from decimal import Decimal


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "-"
    text = f"{Decimal(value):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct(value, decimals: int = 2) -> str:
    return "-" if value is None else f"{number(value, decimals)} %"


def signed(value, decimals: int = 2) -> str:
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + number(value, decimals)
