"""Decoding of BPS dynamic-data responses into observations.

`datacontent` keys are the plain concatenation of
`vervar.val + var.val + turvar.val + tahun.val + turtahun.val` (no separators, no padding),
so keys are BUILT from the metadata lists and looked up, never split. Years come from
`tahun[].label`, not from the `th` id. A key that is absent means "no figure": no
observation is produced. A key present with null / "" / "-" gives an observation whose
value is None. Nothing is ever turned into zero.

Province rows (`vervar`) are mapped through the province table:
- 4-digit vervar: the BPS code (Papua: 9400 is Kemendagri 91 Papua, 9100 is 92 Papua Barat...).
- 2-digit vervar (some series, e.g. `11` = ACEH): the BPS code without its "00". For the
  Papua group (first digit 9) the 2-digit form is ambiguous, because 91/92 are also the
  Kemendagri codes of Papua/Papua Barat, so the row's label decides there ("PAPUA" -> 91,
  "PAPUA BARAT" -> 92, ...); if the label names no province the BPS reading is kept, with a
  warning. Outside Papua both readings agree; a label naming another province is logged.
- 9999 "INDONESIA" is the national aggregate: kept with `is_national`, never a province.
Rows mapped to no province are skipped and reported in `Decoded.unmapped`.
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ingest.bps import _provinces
from ingest.bps.errors import BpsMalformedResponseError

log = logging.getLogger(__name__)

NATIONAL_VERVAR = "9999"
AVAILABLE = "available"
UNAVAILABLE = ("not-available", "list-not-available")
_EMPTY_VALUES = {"", "-", "—", "–", "...", "…", "na", "n/a", "null", "none"}
_TAG = re.compile(r"<[^>]*>")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")


@dataclass(frozen=True)
class Cell:
    """One datacontent cell, addressed by its metadata (generic: any vervar)."""

    key: str
    vervar: str
    vervar_label: str
    var: str
    turvar: str
    turvar_label: str
    tahun: str
    year: int
    turtahun: int
    turtahun_label: str
    value: Decimal | None


@dataclass(frozen=True)
class Observation:
    var_id: int
    turvar_val: str
    turvar_label: str
    province_code: str | None  # Kemendagri; None for the national row
    bps_code: str  # 4-digit BPS code of the province, "9999" for the national row
    year: int
    turtahun_val: int
    turtahun_label: str
    value: Decimal | None
    unit: str
    vervar: str = ""  # the vervar val as BPS sent it ("11", "9400")

    @property
    def is_national(self) -> bool:
        return self.province_code is None


@dataclass
class Decoded:
    available: bool
    availability: str
    observations: list[Observation] = field(default_factory=list)
    years: tuple[int, ...] = ()  # years listed in `tahun`
    last_update: str | None = None
    unit: str = ""
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (vervar, label) skipped
    turvars: tuple[tuple[str, str], ...] = ()  # (val, label) listed in `turvar`


def clean_label(text: Any) -> str:
    """Strip HTML tags and entities, collapse whitespace."""
    if text is None:
        return ""
    text = html.unescape(_TAG.sub(" ", str(text)))
    return " ".join(text.replace("\xa0", " ").split())


def val_text(val: Any) -> str:
    """A metadata `val` as the text that enters a datacontent key ("0", 530 -> "530")."""
    if isinstance(val, bool) or val is None:
        raise BpsMalformedResponseError(f"metadata val {val!r} is not a code")
    if isinstance(val, float):
        if not val.is_integer():
            raise BpsMalformedResponseError(f"metadata val {val!r} is not an integer code")
        return str(int(val))
    return str(val).strip()


def build_key(vervar: Any, var: Any, turvar: Any, tahun: Any, turtahun: Any) -> str:
    """The datacontent key of one cell: plain concatenation of the five vals."""
    return "".join(val_text(v) for v in (vervar, var, turvar, tahun, turtahun))


def parse_value(raw: Any) -> Decimal | None:
    """A datacontent value as Decimal; None for null / empty / non-numeric markers."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return None if math.isnan(raw) or math.isinf(raw) else Decimal(repr(raw))
    text = str(raw).replace("\xa0", " ").strip().replace(" ", "")
    if text.lower() in _EMPTY_VALUES:
        return None
    if "," in text and "." not in text:  # "5,35": decimal comma
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        log.warning("BPS value %r is not a number: treated as missing", raw)
        return None
    return value if value.is_finite() else None


def year_of(tahun_label: Any) -> int:
    match = _YEAR.search(clean_label(tahun_label))
    if not match:
        raise BpsMalformedResponseError(f"tahun label {tahun_label!r} names no year")
    return int(match.group(1))


def _list(body: dict, name: str) -> list[dict]:
    items = body.get(name)
    if not isinstance(items, list) or not all(isinstance(i, dict) and "val" in i for i in items):
        raise BpsMalformedResponseError(f"response has no usable '{name}' list")
    return items


def availability(body: dict) -> str:
    return str(body.get("data-availability") or "")


def iter_cells(body: dict) -> Iterator[Cell]:
    """Every cell the metadata addresses and `datacontent` holds (absent keys are skipped)."""
    content = body.get("datacontent")
    if not isinstance(content, dict):
        raise BpsMalformedResponseError("response has no 'datacontent' object")
    vervars, variables, turvars = _list(body, "vervar"), _list(body, "var"), _list(body, "turvar")
    tahuns, turtahuns = _list(body, "tahun"), _list(body, "turtahun")
    years = {val_text(t["val"]): year_of(t.get("label")) for t in tahuns}
    for vv in vervars:
        for var in variables:
            for tv in turvars:
                for th in tahuns:
                    for tt in turtahuns:
                        key = build_key(vv["val"], var["val"], tv["val"], th["val"], tt["val"])
                        if key not in content:
                            continue
                        yield Cell(
                            key=key,
                            vervar=val_text(vv["val"]),
                            vervar_label=clean_label(vv.get("label")),
                            var=val_text(var["val"]),
                            turvar=val_text(tv["val"]),
                            turvar_label=clean_label(tv.get("label")),
                            tahun=val_text(th["val"]),
                            year=years[val_text(th["val"])],
                            turtahun=int(val_text(tt["val"])),
                            turtahun_label=clean_label(tt.get("label")),
                            value=parse_value(content[key]),
                        )


def resolve_vervar(vervar: str, label: str) -> tuple[str | None, str | None]:
    """(Kemendagri code, 4-digit BPS code) of a vervar row; (None, "9999") for INDONESIA.

    (None, None) when the row is no known province.
    """
    if vervar == NATIONAL_VERVAR:
        return None, NATIONAL_VERVAR
    if len(vervar) == 4 and vervar.isdigit():
        p = _provinces.by_bps(vervar)
        return (p.code, p.bps_code) if p else (None, None)
    if len(vervar) == 2 and vervar.isdigit():
        as_bps = _provinces.by_bps(vervar + "00")  # the BPS code system, 2-digit form
        named = _provinces.by_label(label) if label else None
        if vervar.startswith("9"):  # Papua group: the 2-digit form is ambiguous
            if named and (vervar == named.code or vervar + "00" == named.bps_code):
                return named.code, named.bps_code
            if named:
                log.warning("BPS vervar %s %r: code and label disagree, skipped", vervar, label)
                return None, None
            log.warning("BPS vervar %s (%r): label names no province, BPS reading", vervar, label)
        elif named and as_bps and named.bps_code != as_bps.bps_code:
            log.warning("BPS vervar %s labelled %r: label names %s", vervar, label, named.name)
        return (as_bps.code, as_bps.bps_code) if as_bps else (None, None)
    return None, None


def _as_set(values: Iterable[Any] | Any | None, conv) -> set | None:
    if values is None:
        return None
    if isinstance(values, str | int):
        values = [values]
    return {conv(v) for v in values}


def decode(
    body: dict,
    *,
    var_id: int | None = None,
    turvar: Iterable[Any] | Any | None = None,
    turtahun: Iterable[int] | int | None = None,
    years: Iterable[int] | None = None,
) -> Decoded:
    """Observations of one dynamic-data response, filtered to the given var/turvar/turtahun/years.

    Filters left None keep everything. A not-available answer decodes to `available=False`.
    """
    if not isinstance(body, dict):
        raise BpsMalformedResponseError("response is not a JSON object")
    state = availability(body)
    if not state and "datacontent" in body:  # tolerate an answer without the flag
        state = AVAILABLE
    if state in UNAVAILABLE:
        return Decoded(available=False, availability=state)
    if state != AVAILABLE:
        raise BpsMalformedResponseError(f"unknown data-availability {state!r}")
    variables = _list(body, "var")
    units = {val_text(v["val"]): clean_label(v.get("unit")) for v in variables}
    turvar_labels = tuple(
        (val_text(t["val"]), clean_label(t.get("label"))) for t in _list(body, "turvar")
    )
    want_turvar = _as_set(turvar, val_text)
    want_turtahun = _as_set(turtahun, int)
    want_years = _as_set(years, int)
    out = Decoded(
        available=True,
        availability=state,
        years=tuple(year_of(t.get("label")) for t in _list(body, "tahun")),
        last_update=body.get("last_update") or None,
        unit=units.get(str(var_id), "") if var_id is not None else next(iter(units.values()), ""),
        turvars=turvar_labels,
    )
    mapped: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for cell in iter_cells(body):
        if var_id is not None and cell.var != str(var_id):
            continue
        if want_turvar is not None and cell.turvar not in want_turvar:
            continue
        if want_turtahun is not None and cell.turtahun not in want_turtahun:
            continue
        if want_years is not None and cell.year not in want_years:
            continue
        row = (cell.vervar, cell.vervar_label)
        if row not in mapped:
            mapped[row] = resolve_vervar(*row)
            if mapped[row][1] is None:
                out.unmapped.append(row)
        province_code, bps_code = mapped[row]
        if bps_code is None:
            continue
        out.observations.append(
            Observation(
                var_id=int(cell.var),
                turvar_val=cell.turvar,
                turvar_label=cell.turvar_label,
                province_code=province_code,
                bps_code=bps_code,
                year=cell.year,
                turtahun_val=cell.turtahun,
                turtahun_label=cell.turtahun_label,
                value=cell.value,
                unit=units.get(cell.var, ""),
                vervar=cell.vervar,
            )
        )
    if out.unmapped:
        log.warning("BPS rows mapped to no province, skipped: %s", out.unmapped)
    return out
