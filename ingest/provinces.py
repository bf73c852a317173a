"""Province reference: Kemendagri codes, BPS codes and the names provinces are written as.

Source of truth: ``dbt_project/seeds/provinces.csv`` (one row per province, both code
systems, ``;``-separated aliases). The two code systems are joined through that table and
never derived from each other: the six Papua provinces use the same digits for different
provinces (Kemendagri 91 = BPS 9400, Kemendagri 92 = BPS 9100, ...).

Name matching (``resolve``) ignores case, punctuation, hyphens and underscores (read as
spaces), repeated spaces and a leading ``Prov.``/``Provinsi``; ``Kep.`` is read as
``Kepulauan``. A 4-digit BPS code is never accepted by ``resolve``: use ``by_bps``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.config import PROJECT_ROOT

SEED_PATH = PROJECT_ROOT / "dbt_project" / "seeds" / "provinces.csv"


@dataclass(frozen=True)
class Province:
    code: str  # Kemendagri, 2 digits: the warehouse's key for a province
    bps_code: str  # BPS, 4 digits
    name: str
    aliases: tuple[str, ...]


# Matching-only variants not (yet) in the seed; they never change Province.aliases.
_EXTRA_VARIANTS: dict[str, tuple[str, ...]] = {
    "19": ("bangka belitung",),
    "31": ("dki", "daerah khusus ibukota jakarta", "daerah khusus jakarta"),
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PREFIX = re.compile(r"^(?:provinsi|propinsi|prov|prop)(?: |$)")
_KEP = re.compile(r"^kep ")


def _name_key(text: str) -> str:
    """`Prov. Kep.  Riau` -> `kepulauanriau`: the form names are compared in."""
    words = _NON_ALNUM.sub(" ", text.lower()).strip()
    words = _PREFIX.sub("", words, count=1).strip()
    words = _KEP.sub("kepulauan ", words, count=1)
    return words.replace(" ", "")


@cache
def all_provinces() -> tuple[Province, ...]:
    """The 38 provinces, in Kemendagri code order."""
    provinces = []
    with SEED_PATH.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            aliases = tuple(a.strip() for a in (rec.get("aliases") or "").split(";") if a.strip())
            provinces.append(
                Province(
                    code=rec["province_code"].strip(),
                    bps_code=rec["bps_code"].strip(),
                    name=rec["province_name"].strip(),
                    aliases=aliases,
                )
            )
    return tuple(sorted(provinces, key=lambda p: p.code))


@cache
def _indexes() -> tuple[dict[str, Province], dict[str, Province], dict[str, Province]]:
    by_code: dict[str, Province] = {}
    by_bps_code: dict[str, Province] = {}
    by_name: dict[str, Province] = {}
    for p in all_provinces():
        by_code[p.code] = p
        by_bps_code[p.bps_code] = p
        for variant in (p.name, *p.aliases, *_EXTRA_VARIANTS.get(p.code, ())):
            key = _name_key(variant)
            other = by_name.setdefault(key, p)
            if other is not p:
                raise ValueError(f"province name {variant!r} is ambiguous: {other.code}/{p.code}")
    return by_code, by_bps_code, by_name


def _code_text(value: object) -> str | None:
    """Digits of a code given as text, int or integral float; None when not a code."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        return text if text.isascii() and text.isdigit() else None
    return None


def by_code(code: str | int) -> Province:
    """The province with this Kemendagri code; KeyError when there is none."""
    digits = _code_text(code)
    found = _indexes()[0].get(digits) if digits else None
    if found is None:
        raise KeyError(f"unknown Kemendagri province code: {code!r}")
    return found


def by_bps(code: str | int | None) -> Province | None:
    """The province with this 4-digit BPS code (`7400`, 7400; `9400` is Papua, 91)."""
    digits = _code_text(code)
    if digits is None or len(digits) != 4:
        return None
    return _indexes()[1].get(digits)


@lru_cache(maxsize=1024)
def _resolve_text(text: str) -> Province | None:
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.isascii() and stripped.isdigit():
        # Kemendagri codes only: a 4-digit BPS code is `by_bps`'s business.
        return _indexes()[0].get(stripped) if len(stripped) == 2 else None
    key = _name_key(stripped)
    return _indexes()[2].get(key) if key else None


def resolve(text: str | int | None) -> Province | None:
    """A province from a Kemendagri code (`74`, 74) or a name variant; None if unknown.

    Accepted: `sulawesi-tenggara`, `sultra`, `Prov. Jawa Timur`, `PROVINSI JAWA TIMUR`,
    `d.k.i. jakarta`, `Kep. Riau`, `kep-riau`, ... Never a 4-digit BPS code.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        digits = _code_text(text)
        return _indexes()[0].get(digits) if digits and len(digits) == 2 else None
    if not isinstance(text, str):
        return None
    return _resolve_text(text)
