"""Private bridge from the BPS decoder to the province reference (`ingest.provinces`).

Nothing here derives one code system from the other: every mapping goes through the table.
"""

from __future__ import annotations

from ingest import provinces


def by_bps(bps_code: str) -> provinces.Province | None:
    """The province whose 4-digit BPS code is `bps_code`, or None."""
    return provinces.by_bps(bps_code)


def by_label(label: str) -> provinces.Province | None:
    """The province a BPS label names ("PAPUA BARAT DAYA", "KEP. RIAU"), or None.

    Names only: a label made of digits is never read as a code.
    """
    if not label or label.strip().isdigit():
        return None
    return provinces.resolve(label)


def all_provinces() -> list[provinces.Province]:
    """The 38 provinces in BPS code order."""
    return sorted(provinces.all_provinces(), key=lambda p: p.bps_code)
