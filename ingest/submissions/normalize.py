"""Row normalisation and the contract's row-level rules (submissions.md sections 2-4).

``normalise_row(dataset, cells, province=..., period=...)`` turns one row (canonical column
name -> raw cell) into a dict with exactly the typed columns of ``raw.<dataset.table>``
(``Dataset.raw_columns``; without submission_id, row_number and extra), plus the list of
:class:`Issue` found. The dict is None when the row must be quarantined.

Severities:
- ``quarantine``: the row is not loaded (returned dict is None); one issue per problem.
- ``warning``: the row is loaded as given; the submission is accepted with warnings.
- ``reject_file``: the whole file must be rejected (``file.wrong_province``); the row dict
  is returned as if the issue were absent, the loader decides.

The loader's columnar path (``columnar.py``) decides the clean rows of a CSV batch without
calling ``normalise_row``: it uses the same per-cell parsers (``_plan``) for every cell it
cannot recognise by shape, and ``COLUMN_RULES`` (the row rules over columns, only for rows
they leave without an issue); every other row still comes here.

Rules that need other rows or other submissions (uniqueness, orphan activities, activity
before signing, row-count drops) belong to the validation gate, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ingest import provinces as _prov
from ingest.periods import Period
from ingest.provinces import Province
from ingest.submissions.datasets import (
    INT64_MAX,
    JENIS_MITRA_PROVINSI,
    STATUS_CHOICES,
    STATUS_TRUE,
    Column,
    Dataset,
)
from ingest.submissions.values import (
    FAST_NUMBER,
    CellError,
    _show,
    clean_text,
    fast_number_value,
    is_ambiguous_number,
    normalise_regency,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_identifier,
    parse_int,
    parse_percent,
)

QUARANTINE = "quarantine"
WARNING = "warning"
REJECT_FILE = "reject_file"

# PP 7/2021 thresholds, rupiah
MIKRO_OMZET = Decimal(2_000_000_000)
KECIL_OMZET = Decimal(15_000_000_000)
MENENGAH_OMZET = Decimal(50_000_000_000)
MIKRO_MODAL = Decimal(1_000_000_000)
KECIL_MODAL = Decimal(5_000_000_000)
MENENGAH_MODAL = Decimal(10_000_000_000)
HALAL_CERTIFIED = frozenset({"reguler", "self declare"})

MONEY_LIMIT = Decimal(10) ** 18  # numeric(20, 2)
DECIMAL_LIMIT = Decimal(10) ** 16  # numeric(20, 4)

RULES = {
    # rule: (severity, meaning)
    "value.required": (QUARANTINE, "a required value is empty"),
    "value.not_a_number": (QUARANTINE, "not a number"),
    "value.negative": (QUARANTINE, "negative where the column does not allow it"),
    "value.not_whole": (QUARANTINE, "a count with decimals"),
    "value.out_of_range": (QUARANTINE, "number too large for the raw column"),
    "value.not_a_percent": (QUARANTINE, "not a percentage"),
    "value.percent_range": (QUARANTINE, "percentage outside 0..100"),
    "value.bad_date": (QUARANTINE, "not a date / impossible date"),
    "value.unknown_choice": (QUARANTINE, "categorical value not in the contract"),
    "value.scientific_notation": (QUARANTINE, "identifier mangled to scientific notation"),
    "value.identifier_precision": (QUARANTINE, "identifier stored as a >15-digit number"),
    "value.identifier_shape": (QUARANTINE, "identifier of the wrong shape (digits/length)"),
    "value.unknown_province": (
        QUARANTINE,
        "provinsi_mitra not a province (a warning in the provinsi/kode_bps check columns)",
    ),
    "umkm.omzet_above_menengah": (QUARANTINE, "omzet_tahunan > Rp 50 M: not an UMKM"),
    "umkm.halal_date_missing": (QUARANTINE, "certified halal without tanggal_sertifikat_halal"),
    "value.ambiguous_number": (WARNING, "`12,345`: one comma + three digits, read as decimal"),
    "umkm.skala_mismatch": (WARNING, "declared skala_usaha contradicts omzet_tahunan"),
    "umkm.modal_above_menengah": (WARNING, "skala not derivable: modal_usaha > Rp 10 M"),
    "koperasi.rat_outside_window": (WARNING, "RAT not dated in the year after the book year"),
    "koperasi.inactive_with_rat": (WARNING, "inactive cooperative with a RAT date"),
    "kerja_sama.end_not_after_signing": (QUARANTINE, "tanggal_berakhir <= tanggal_tanda_tangan"),
    "kerja_sama.provinsi_mitra_required": (
        QUARANTINE,
        "jenis_mitra pemerintah provinsi without provinsi_mitra",
    ),
    "file.wrong_province": (REJECT_FILE, "a provinsi/kode_bps cell names another province"),
}


@dataclass(frozen=True)
class Issue:
    rule: str
    severity: str  # quarantine | warning | reject_file
    reason: str  # Indonesian, for the provincial clerk
    detail: str  # English, for engineers
    column: str | None = None


# --------------------------------------------------------------------------- parsers


def _too_large(cell: Any, limit: Any) -> CellError:
    shown = _show(cell)  # a 1 MB cell must not become a 1 MB message
    return CellError(
        "value.out_of_range",
        f"'{shown}' terlalu besar untuk kolom ini (maksimum {limit})",
        f"value {shown!r} exceeds the column limit {limit}",
    )


def _integer(cell: Any, limit: int) -> int | None:
    value = parse_int(cell)
    if value is not None and value > limit:
        raise _too_large(cell, limit)
    return value


def _number(cell: Any, signed: bool, limit: Decimal) -> Decimal | None:
    value = parse_decimal(cell, signed=signed)
    if value is not None and not -limit < value < limit:  # abs() could overflow the context
        raise _too_large(cell, limit)
    return value


# Fast paths: the hot loader path calls these millions of times. Each handles the cell
# shape a clean file has (the same shapes the value parsers' own fast paths take, with the
# same result) without the keyword-argument call, and hands anything else to the general
# parser above; tests/parsing is the contract for both.


def _integer_parser(limit: int) -> Callable[[Any], Any]:
    def parse(cell: Any) -> int | None:
        if type(cell) is str and cell.isdigit() and cell.isascii() and len(cell) <= 20:
            value = int(cell)
            if value > limit:
                raise _too_large(cell, limit)
            return value
        return _integer(cell, limit)

    return parse


def _number_parser(signed: bool, limit: Decimal) -> Callable[[Any], Any]:
    fast = FAST_NUMBER.fullmatch

    def parse(cell: Any) -> Decimal | None:
        if type(cell) is str:
            if cell.isdigit() and cell.isascii():
                value = Decimal(cell)
            else:
                m = fast(cell)
                if m is None:
                    return _number(cell, signed, limit)
                value = fast_number_value(m)
            if value >= limit:
                raise _too_large(cell, limit)
            return value
        return _number(cell, signed, limit)

    return parse


def _identifier_parser(col: Column) -> Callable[[Any], Any]:
    digits, digits_only, name = col.digits, col.digits_only, col.name
    general = partial(parse_identifier, digits=digits, digits_only=digits_only, name=name)
    if digits is not None:

        def parse(cell: Any) -> str | None:
            if type(cell) is str and len(cell) == digits and cell.isdigit() and cell.isascii():
                return cell
            return general(cell)

        return parse
    if digits_only:

        def parse_digits(cell: Any) -> str | None:
            if type(cell) is str and cell.isdigit() and cell.isascii():
                return cell
            return general(cell)

        return parse_digits
    return general


def _status(cell: Any) -> bool | None:
    label = parse_choice(cell, STATUS_CHOICES)
    return None if label is None else label == STATUS_TRUE


def _province_code(cell: Any) -> str | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    found = _prov.resolve(cell)
    if found is None:
        raise CellError(
            "value.unknown_province",
            f"provinsi '{cell}' tidak dikenal; gunakan kode Kemendagri 2 digit atau nama provinsi",
            f"unknown province {cell!r}",
        )
    return found.code


def _bps_province_code(cell: Any) -> str | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    found = _prov.by_bps(cell)
    if found is None:
        raise CellError(
            "value.unknown_province",
            f"kode BPS provinsi '{cell}' tidak dikenal (4 digit, mis. 7400)",
            f"unknown BPS province code {cell!r}",
        )
    return found.code


def _memoised(parse: Callable[[Any], Any], size: int = 4096) -> Callable[[Any], Any]:
    """Remember the result for up to ``size`` distinct text cells (categorical columns
    repeat a handful of spellings millions of times). Errors are not remembered."""
    memo: dict[str, Any] = {}

    def cached(cell: Any) -> Any:
        if type(cell) is not str:
            return parse(cell)
        try:
            return memo[cell]
        except KeyError:
            pass
        value = parse(cell)
        if len(memo) < size:
            memo[cell] = value
        return value

    return cached


def _parser(col: Column) -> Callable[[Any], Any]:
    parse = _base_parser(col)
    if col.kind in ("choice", "status", "regency", "province", "bps_province"):
        return _memoised(parse)
    return parse


def _base_parser(col: Column) -> Callable[[Any], Any]:
    kind = col.kind
    if kind == "text":
        return clean_text
    if kind == "identifier":
        return _identifier_parser(col)
    if kind == "integer":
        return _integer_parser(col.max_value or INT64_MAX)
    if kind == "money":
        return _number_parser(False, MONEY_LIMIT)
    if kind == "money_signed":
        return _number_parser(True, MONEY_LIMIT)
    if kind == "decimal":
        return _number_parser(False, DECIMAL_LIMIT)
    if kind == "percent":
        return parse_percent
    if kind == "date":
        return parse_date
    if kind == "choice":
        assert col.choices is not None
        return partial(parse_choice, choices=col.choices)
    if kind == "status":
        return _status
    if kind == "province":
        return _province_code
    if kind == "bps_province":
        return _bps_province_code
    if kind == "regency":
        return normalise_regency
    raise ValueError(f"no parser for kind {kind!r}")  # pragma: no cover


_NUMBER_KINDS = frozenset({"money", "money_signed", "decimal", "percent"})


@dataclass(frozen=True)
class _Plan:
    stored: tuple[tuple[str, Callable[[Any], Any], bool, bool], ...]  # + warn on `12,345`
    checks: tuple[tuple[str, Callable[[Any], Any]], ...]  # province-check columns
    template: dict[str, Any]
    rules: Callable[..., None] | None


_PLANS: dict[int, tuple[Dataset, _Plan]] = {}
_NONE_FAILED: frozenset[str] = frozenset()


def _plan(dataset: Dataset) -> _Plan:
    hit = _PLANS.get(id(dataset))
    if hit is not None and hit[0] is dataset:
        return hit[1]
    plan = _build_plan(dataset)
    _PLANS[id(dataset)] = (dataset, plan)
    return plan


def _build_plan(dataset: Dataset) -> _Plan:
    stored = tuple(
        (c.name, _parser(c), c.required, c.kind in _NUMBER_KINDS)
        for c in dataset.columns
        if c.stored
    )
    checks = tuple((c.name, _parser(c)) for c in dataset.columns if not c.stored)
    template = dict.fromkeys(dataset.raw_columns)
    if "skala_usaha_derived" in template:
        template["skala_usaha_derived"] = False
    return _Plan(stored, checks, template, _DATASET_RULES.get(dataset.name))


# --------------------------------------------------------------------------- rules


def _fmt_rp(value: Decimal) -> str:
    return "Rp " + f"{value:,.0f}".replace(",", ".")


def _fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


SKALA_BY_OMZET = (  # upper omzet bound (inclusive) of each skala, PP 7/2021
    (MIKRO_OMZET, "mikro"),
    (KECIL_OMZET, "kecil"),
    (MENENGAH_OMZET, "menengah"),
)


def _skala_by_omzet(omzet: Decimal) -> str | None:
    for bound, skala in SKALA_BY_OMZET:
        if omzet <= bound:
            return skala
    return None


def _skala_by_modal(modal: Decimal) -> str | None:
    if modal <= MIKRO_MODAL:
        return "mikro"
    if modal <= KECIL_MODAL:
        return "kecil"
    if modal <= MENENGAH_MODAL:
        return "menengah"
    return None


def _umkm_rules(
    out: dict[str, Any], failed: set[str] | frozenset[str], issues: list[Issue], period: Period
) -> None:
    omzet = out["omzet_tahunan"]
    by_omzet = None
    if omzet is not None:
        by_omzet = _skala_by_omzet(omzet)
        if by_omzet is None:
            _add(
                issues,
                "umkm.omzet_above_menengah",
                QUARANTINE,
                f"omzet_tahunan melebihi batas usaha menengah ({_fmt_rp(omzet)} > Rp 50 miliar, "
                "PP 7/2021): bukan UMKM",
                f"omzet_tahunan {omzet} above the menengah limit 50,000,000,000 (PP 7/2021)",
                "omzet_tahunan",
            )
    declared = out["skala_usaha"]
    if declared is None and "skala_usaha" not in failed:
        if by_omzet is not None:
            out["skala_usaha"] = by_omzet
            out["skala_usaha_derived"] = True
        elif omzet is None and "omzet_tahunan" not in failed:
            modal = out["modal_usaha"]
            if modal is not None:
                by_modal = _skala_by_modal(modal)
                if by_modal is not None:
                    out["skala_usaha"] = by_modal
                    out["skala_usaha_derived"] = True
                else:
                    _add(
                        issues,
                        "umkm.modal_above_menengah",
                        WARNING,
                        f"skala_usaha kosong dan modal_usaha {_fmt_rp(modal)} melebihi batas "
                        "usaha menengah (Rp 10 miliar); skala tidak dapat ditentukan",
                        f"skala_usaha empty and modal_usaha {modal} above 10,000,000,000: "
                        "no skala derived",
                        "skala_usaha",
                    )
    elif declared is not None and by_omzet is not None and declared != by_omzet:
        _add(
            issues,
            "umkm.skala_mismatch",
            WARNING,
            f"skala_usaha '{declared}' tidak sesuai omzet_tahunan {_fmt_rp(omzet)} (menurut "
            f"PP 7/2021: {by_omzet}); nilai yang dilaporkan tetap dipakai",
            f"declared skala_usaha {declared!r} contradicts omzet_tahunan {omzet} "
            f"({by_omzet} by PP 7/2021); declared value kept",
            "skala_usaha",
        )
    if (
        out["sertifikat_halal"] in HALAL_CERTIFIED
        and out["tanggal_sertifikat_halal"] is None
        and "tanggal_sertifikat_halal" not in failed
    ):
        _add(
            issues,
            "umkm.halal_date_missing",
            QUARANTINE,
            f"tanggal_sertifikat_halal wajib diisi karena sertifikat_halal "
            f"'{out['sertifikat_halal']}'",
            f"tanggal_sertifikat_halal required when sertifikat_halal is "
            f"{out['sertifikat_halal']!r}",
            "tanggal_sertifikat_halal",
        )


def _koperasi_rules(
    out: dict[str, Any], failed: set[str] | frozenset[str], issues: list[Issue], period: Period
) -> None:
    rat = out["tanggal_rat"]
    if rat is None:
        return
    year = period.year
    if rat.year != year + 1:
        if rat.year == year:
            why = f"berada di dalam tahun buku {year} itu sendiri"
            why_en = f"inside book year {year}"
        elif rat.year < year:
            why = f"sebelum tahun buku {year}"
            why_en = f"before book year {year}"
        else:
            why = f"setelah 31/12/{year + 1}"
            why_en = f"after 31 Dec {year + 1}"
        _add(
            issues,
            "koperasi.rat_outside_window",
            WARNING,
            f"tanggal_rat {_fmt_date(rat)} {why}; RAT tahun buku {year} semestinya diadakan "
            f"pada tahun {year + 1} (tepat waktu paling lambat 30/06/{year + 1})",
            f"tanggal_rat {rat.isoformat()} {why_en}: a RAT for book year {year} belongs "
            f"in {year + 1} (on time by {year + 1}-06-30)",
            "tanggal_rat",
        )
    if out["status_aktif"] is False:
        _add(
            issues,
            "koperasi.inactive_with_rat",
            WARNING,
            f"koperasi berstatus tidak aktif tetapi memiliki tanggal_rat {_fmt_date(rat)}",
            f"inactive cooperative with tanggal_rat {rat.isoformat()}",
            "tanggal_rat",
        )


def _kerja_sama_rules(
    out: dict[str, Any], failed: set[str] | frozenset[str], issues: list[Issue], period: Period
) -> None:
    signed, ends = out["tanggal_tanda_tangan"], out["tanggal_berakhir"]
    if signed is not None and ends is not None and ends <= signed:
        _add(
            issues,
            "kerja_sama.end_not_after_signing",
            QUARANTINE,
            f"tanggal_berakhir {_fmt_date(ends)} harus sesudah tanggal_tanda_tangan "
            f"{_fmt_date(signed)}",
            f"tanggal_berakhir {ends.isoformat()} not after tanggal_tanda_tangan "
            f"{signed.isoformat()}",
            "tanggal_berakhir",
        )
    if (
        out["jenis_mitra"] == JENIS_MITRA_PROVINSI
        and out["provinsi_mitra"] is None
        and "provinsi_mitra" not in failed
    ):
        _add(
            issues,
            "kerja_sama.provinsi_mitra_required",
            QUARANTINE,
            "provinsi_mitra wajib diisi karena jenis_mitra 'pemerintah provinsi'",
            "provinsi_mitra required when jenis_mitra is 'pemerintah provinsi'",
            "provinsi_mitra",
        )


def _umkm_columns(texts: dict[str, pa.Array]) -> pa.Array:
    """`_umkm_rules` over a batch of rows in canonical text (``columnar.py``), for the
    rows where it adds no issue: returns the mask of those rows and, like the rule, sets
    skala_usaha (and skala_usaha_derived) from the omzet where skala_usaha is empty. Every
    other row (a mismatch, omzet above menengah, skala only derivable from the modal,
    certified halal without its date) is left to `_umkm_rules` itself. The omzet bounds
    are SKALA_BY_OMZET, the table `_skala_by_omzet` reads."""
    money = pa.decimal128(38, 18)  # omzet < 10^18: 20 whole digits, 18 decimals
    try:
        omzet = pc.cast(texts["omzet_tahunan"], money)
    except pa.ArrowInvalid:  # more decimals than that: let the per-row rule decide
        return pa.array([False] * len(texts["omzet_tahunan"]), pa.bool_())
    by_omzet = pc.case_when(
        pc.make_struct(*(pc.less_equal(omzet, pa.scalar(b, money)) for b, _ in SKALA_BY_OMZET)),
        *(skala for _, skala in SKALA_BY_OMZET),
    )
    declared = texts["skala_usaha"]
    derive = pc.and_(pc.is_null(declared), pc.is_valid(by_omzet))
    skala_quiet = pc.or_(
        derive,
        pc.and_(
            pc.is_valid(declared),
            pc.or_(pc.is_null(omzet), pc.fill_null(pc.equal(declared, by_omzet), False)),
        ),
    )
    texts["skala_usaha"] = pc.if_else(derive, by_omzet, declared)
    texts["skala_usaha_derived"] = pc.if_else(derive, "t", texts["skala_usaha_derived"])
    halal = texts["sertifikat_halal"]
    certified = pc.fill_null(pc.is_in(halal, pa.array(sorted(HALAL_CERTIFIED))), False)
    halal_quiet = pc.or_(pc.invert(certified), pc.is_valid(texts["tanggal_sertifikat_halal"]))
    return pc.and_(skala_quiet, halal_quiet)


# The row rules over a batch of columns, for the rows they decide without an issue (see
# columnar.py); a dataset with rules but no entry here loads every row the per-row way.
COLUMN_RULES: dict[str, Callable[[dict[str, pa.Array]], pa.Array]] = {"umkm": _umkm_columns}

_DATASET_RULES: dict[str, Callable[..., None]] = {
    "umkm": _umkm_rules,
    "koperasi": _koperasi_rules,
    "kerja_sama": _kerja_sama_rules,
}


# --------------------------------------------------------------------------- entry point


def normalise_row(
    dataset: Dataset,
    cells: Mapping[str, Any],
    *,
    province: Province,
    period: Period,
    row_number: int | None = None,
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Typed raw-table row (or None: quarantine) and the issues of one submitted row.

    ``cells`` maps canonical column names to raw cells; absent columns count as empty.
    With ``row_number`` every reason starts with `baris N: `.
    """
    plan = _plan(dataset)
    out = plan.template.copy()
    issues: list[Issue] = []
    failed: set[str] | frozenset[str] = _NONE_FAILED
    get = cells.get
    for name, parse, required, number in plan.stored:
        raw = get(name)
        if raw is not None and raw != "":
            try:
                value = parse(raw)
            except CellError as exc:
                failed = {*failed, name}
                issues.append(
                    Issue(
                        exc.rule, QUARANTINE, f"{name}: {exc.reason}", f"{name}: {exc.detail}", name
                    )
                )
                continue
            if value is not None:
                out[name] = value
                if number and is_ambiguous_number(raw):
                    _add(
                        issues,
                        "value.ambiguous_number",
                        WARNING,
                        f"{name}: '{_show(raw)}' dibaca sebagai {value} (koma = tanda desimal); "
                        "jika maksudnya ribuan, tulis dengan titik (12.345)",
                        f"{name}: {raw!r} read as {value} (lone comma = decimal comma); "
                        "ambiguous with an English thousands separator",
                        name,
                    )
                continue
        if required:
            failed = {*failed, name}
            issues.append(
                Issue(
                    "value.required",
                    QUARANTINE,
                    f"{name} wajib diisi",
                    f"required column {name} is empty",
                    name,
                )
            )
    for name, parse in plan.checks:
        raw = cells.get(name)
        if raw is None:
            continue
        try:
            code = parse(raw)
        except CellError as exc:
            issues.append(
                Issue(exc.rule, WARNING, f"{name}: {exc.reason}", f"{name}: {exc.detail}", name)
            )
            continue
        if code is not None and code != province.code:
            other = _prov.by_code(code)
            issues.append(
                Issue(
                    "file.wrong_province",
                    REJECT_FILE,
                    f"{name} '{raw}' adalah provinsi {other.name} ({other.code}), bukan "
                    f"{province.name} ({province.code}) sesuai nama berkas",
                    f"{name} {raw!r} is province {other.code} {other.name}; the file is for "
                    f"{province.code} {province.name}",
                    name,
                )
            )
    if plan.rules is not None:
        plan.rules(out, failed, issues, period)
    if row_number is not None and issues:
        issues = [
            Issue(i.rule, i.severity, f"baris {row_number}: {i.reason}", i.detail, i.column)
            for i in issues
        ]
    if issues and any(i.severity == QUARANTINE for i in issues):
        return None, issues
    return out, issues


def _add(
    issues: list[Issue], rule: str, severity: str, reason: str, detail: str, column: str | None
) -> None:
    issues.append(Issue(rule, severity, reason, detail, column))
