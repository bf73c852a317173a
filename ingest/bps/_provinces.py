"""Private bridge to the province reference (Kemendagri <-> BPS codes).

Uses `ingest.provinces` (by_bps, resolve, all_provinces) when it is importable; otherwise
it reads the same source, `dbt_project/seeds/provinces.csv`. Nothing here derives one
code system from the other: every mapping goes through the table.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from ingest.config import PROJECT_ROOT

SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "provinces.csv"


def _ref() -> ModuleType | None:
    try:
        from ingest import provinces
    except ModuleNotFoundError as exc:
        if exc.name != "ingest.provinces":
            raise
        return None
    needed = ("by_bps", "resolve", "all_provinces")
    return provinces if all(hasattr(provinces, n) for n in needed) else None


@dataclass(frozen=True)
class _Province:
    code: str  # Kemendagri, 2 digits
    bps_code: str  # BPS, 4 digits
    name: str
    aliases: tuple[str, ...] = ()


def _norm(text: str) -> str:
    """Case, punctuation, a leading Prov./Provinsi, "Kep." and spaces do not matter."""
    text = unicodedata.normalize("NFKD", text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^(provinsi|propinsi|prov|prop) ", "", text)
    text = re.sub(r"^kep ", "kepulauan ", text)
    return text.replace(" ", "")


@cache
def _table() -> tuple[_Province, ...]:
    with SEED.open(newline="", encoding="utf-8") as fh:
        return tuple(
            _Province(
                code=row["province_code"].strip(),
                bps_code=row["bps_code"].strip(),
                name=row["province_name"].strip(),
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a),
            )
            for row in csv.DictReader(fh)
        )


def by_bps(bps_code: str):
    """The province whose 4-digit BPS code is `bps_code` (.code, .bps_code, .name), or None."""
    ref = _ref()
    if ref:
        return ref.by_bps(bps_code)
    return next((p for p in _table() if p.bps_code == bps_code), None)


def by_label(label: str):
    """The province a BPS label names ("PAPUA BARAT DAYA", "KEP. RIAU"), or None."""
    if not label or label.strip().isdigit():
        return None
    ref = _ref()
    if ref:
        return ref.resolve(label)
    key = _norm(label)
    for p in _table():
        if key and (key == _norm(p.name) or key in (_norm(a) for a in p.aliases)):
            return p
    return None


def all_provinces() -> list:
    """The 38 provinces in BPS code order."""
    ref = _ref()
    provinces = ref.all_provinces() if ref else _table()
    return sorted(provinces, key=lambda p: p.bps_code)
