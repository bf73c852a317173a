"""Cell parsers for provincial submissions (contract section 2, "Values").

A cell is what a reader yields: ``str`` from CSV; from XLSX also ``int``, ``float``,
``datetime``, ``date``, ``bool`` or ``None``. Every parser returns ``None`` for a missing
value (None, empty or blank text) and raises :class:`CellError` for a value it cannot
accept; the error carries a machine rule, a reason for the provincial clerk (Indonesian)
and a detail for engineers (English).

Decisions worth knowing (all documented at the function):

- Numbers (:func:`parse_decimal`): with both ``.`` and ``,`` the last one is the decimal
  mark. With one kind of separator, separators that group digits in threes are thousands
  separators (``1.234`` = 1234, ``1,234,567`` = 1234567), except that a lone comma is
  always the Indonesian decimal comma (``1,234`` = 1.234, like ``60,43``; the loader warns
  about exactly three digits after it, :func:`is_ambiguous_number`); anything else is a
  decimal mark (``1.5``, ``1234567,89``, ``0,123``). Percent cells are parsed
  differently: see :func:`parse_percent`.
- Percent (:func:`parse_percent`): text with ``%`` or any number in 0..100 *is* the
  percent (``0.6043`` is 0.6043 %, not 60.43 %). The XLSX reader turns cells with a
  percent number format into text (``0.6043`` shown as ``60.43%`` arrives as "60.43%").
- Identifiers (:func:`parse_identifier`): an ``int`` from XLSX shorter than the required
  number of digits is left-padded with zeros (Excel drops leading zeros of numbers), and a
  number with more than 15 digits is refused (Excel keeps only 15 significant digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = [
    "CellError",
    "choice_key",
    "clean_text",
    "is_ambiguous_number",
    "normalise_header",
    "normalise_regency",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_identifier",
    "parse_int",
    "parse_percent",
]


class CellError(ValueError):
    """A cell value that cannot be accepted."""

    def __init__(self, rule: str, reason: str, detail: str):
        super().__init__(detail)
        self.rule = rule
        self.reason = reason  # Indonesian, for the provincial clerk
        self.detail = detail  # English, for engineers


def _show(cell: Any) -> str:
    """A cell as quoted in a message, cut to a readable length."""
    text = cell if isinstance(cell, str) else repr(cell)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- text


def clean_text(cell: Any) -> str | None:
    """Text of a cell: stripped, inner whitespace collapsed, empty -> None.

    Numbers from XLSX read as they display: 12 -> "12", 12.0 -> "12", 12.5 -> "12.5";
    dates as ISO (`2023-06-16`), booleans as `TRUE`/`FALSE`.
    """
    if cell is None:
        return None
    if isinstance(cell, str):
        if not cell:
            return None
        text = " ".join(cell.split())
        return text or None
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell != cell:  # NaN
            return None
        if cell.is_integer() and abs(cell) < 1e16:
            return str(int(cell))
        return str(cell)
    if isinstance(cell, datetime):
        if cell.hour == cell.minute == cell.second == cell.microsecond == 0:
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, Decimal):
        return format(cell, "f")
    return " ".join(str(cell).split()) or None


_HEADER_JUNK = re.compile(r"[\W_]+")


def normalise_header(text: Any) -> str:
    """Header form used for matching: lowercase letters and digits only.

    `Jumlah Anggota Pria` == `jumlah_anggota_pria` == `JUMLAH-ANGGOTA PRIA`.
    """
    if text is None:
        return ""
    return _HEADER_JUNK.sub("", str(text).lower())


_CHOICE_SLASH = re.compile(r"\s*/\s*")


def choice_key(text: str) -> str:
    """Key categorical labels are matched on: lowercase, `_` as space, spaces collapsed,
    no spaces around `/` (`Pemerintah Kabupaten / Kota` -> `pemerintah kabupaten/kota`)."""
    key = " ".join(text.lower().replace("_", " ").split())
    return _CHOICE_SLASH.sub("/", key) if "/" in key else key


# --------------------------------------------------------------------------- numbers

_RP_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[.,]?-+$")
_PLAIN_INT = re.compile(r"\d+")
_GROUP_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_GROUP_COMMA = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")
_GROUP_SPACE = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_DIGITS_SEPS = re.compile(r"[\d.,]+")
# The common Indonesian shapes, read exactly as the general rules would read them.
FAST_NUMBER = re.compile(r"(?:[Rr][Pp]\.? ?)?([1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?")
_DASHES = {"-", "\u2013", "\u2014", "\u2212"}
_MINUS = ("-", "\u2212", "\u2013")


def _not_a_number(cell: Any, why: str = "") -> CellError:
    extra = f" ({why})" if why else ""
    return CellError(
        "value.not_a_number",
        f"'{_show(cell)}' bukan angka yang sah{extra}",
        f"not a number: {cell!r}{extra}",
    )


# No figure in this warehouse reaches 10^40; a text number beyond this many digits (a 1 MB
# cell of digits, `1E+999999999`) is refused before any arithmetic on it: int() of it would
# run for minutes and abs() overflows the decimal context.
MAX_MAGNITUDE = 40


def _out_of_range(cell: Any) -> CellError:
    return CellError(
        "value.out_of_range",
        f"'{_show(cell)}' terlalu besar untuk kolom ini",
        f"number too large: {_show(cell)!r}",
    )


def _negative(cell: Any) -> CellError:
    return CellError(
        "value.negative",
        f"'{_show(cell)}' bernilai negatif; kolom ini tidak boleh negatif",
        f"negative value not allowed: {cell!r}",
    )


def _unsigned_text_number(body: str, cell: Any) -> Decimal:
    """`1.234.567,89` and friends (no sign, no currency) -> Decimal."""
    if " " in body or "\u00a0" in body:  # 1 234 567: spaces grouping thousands
        body = body.replace("\u00a0", " ")
        if not _GROUP_SPACE.fullmatch(body):
            raise _not_a_number(cell)
        body = body.replace(" ", "")
    if _PLAIN_INT.fullmatch(body):
        return Decimal(body)
    if not _DIGITS_SEPS.fullmatch(body):
        if _SCIENTIFIC.fullmatch(body):
            return Decimal(body.replace(",", "."))
        raise _not_a_number(cell)
    last_dot, last_comma = body.rfind("."), body.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        mark = "." if last_dot > last_comma else ","
        thousands = "," if mark == "." else "."
        pos = max(last_dot, last_comma)
        whole, frac = body[:pos], body[pos + 1 :]
        group = _GROUP_DOT if thousands == "." else _GROUP_COMMA
        if not frac.isdigit() or not (whole.isdigit() or group.fullmatch(whole)):
            raise _not_a_number(cell, "pemisah ribuan/desimal tidak konsisten")
        return Decimal(f"{whole.replace(thousands, '')}.{frac}")
    sep = "." if last_dot >= 0 else ","
    group = _GROUP_DOT if sep == "." else _GROUP_COMMA
    # 1.234 / 1.234.567 / 1,234,567: thousands. A lone comma is the Indonesian decimal
    # comma whatever follows it (`12,345` = 12.345; see is_ambiguous_number).
    if group.fullmatch(body) and not (sep == "," and body.count(",") == 1):
        return Decimal(body.replace(sep, ""))
    if body.count(sep) == 1:
        whole, frac = body.split(sep)
        if whole.isdigit() and frac.isdigit():
            return Decimal(f"{whole}.{frac}")
        if not whole and frac.isdigit():  # ",5" / ".5"
            return Decimal(f"0.{frac}")
    raise _not_a_number(cell, "pemisah ribuan/desimal tidak konsisten")


def _text_number(cell: str, signed: bool) -> Decimal | None:
    text = cell.strip()
    if not text:
        return None
    if text in _DASHES:
        return Decimal(0)
    negative = False
    if text[0] == "(" and text[-1] == ")":  # accounting negative: (1.234)
        text = text[1:-1].strip()
        negative = True
    if text.startswith(_MINUS):
        text = text[1:].lstrip()
        negative = not negative
    elif text[:1] == "+":  # `()` leaves nothing: not a number (below), never an IndexError
        text = text[1:].lstrip()
    if text[:1] in "rRiI":
        text = _RP_PREFIX.sub("", text, count=1)
        if text in _DASHES:  # "Rp -"
            return Decimal(0)
        if text.startswith(_MINUS):  # "Rp -1.000"
            text = text[1:].lstrip()
            negative = not negative
    if text.endswith("-"):  # "Rp. 1.234.567,-"
        text = _TRAILING_DASH.sub("", text)
    if not text:
        raise _not_a_number(cell)
    value = _unsigned_text_number(text, cell)
    if value.adjusted() > MAX_MAGNITUDE:
        raise _out_of_range(cell)
    if negative and value:
        if not signed:
            raise _negative(cell)
        value = -value
    return value


_AMBIGUOUS = re.compile(
    r"\s*(?:(?:rp\.?|idr)\s*)?[-+\u2212]?\s*\d{1,3},\d{3}\s*%?\s*", re.IGNORECASE
)


def is_ambiguous_number(cell: Any) -> bool:
    """A text number with one comma followed by exactly three digits and no dot (`12,345`).

    It is read with the comma as the decimal mark (12.345), as the contract says, but an
    English-style thousands separator (12345) is possible too: the loader warns.
    """
    return type(cell) is str and "," in cell and _AMBIGUOUS.fullmatch(cell) is not None


def fast_number_value(m: re.Match) -> Decimal:
    """The value of a cell matched by FAST_NUMBER (`[Rp] 1.234.567[,89]`, `1234567`)."""
    whole, frac = m.groups()
    if "." in whole:
        whole = whole.replace(".", "")
    return Decimal(whole + "." + frac if frac else whole)


def parse_decimal(cell: Any, *, signed: bool = False) -> Decimal | None:
    """A number: `1.234.567`, `1.234.567,89`, `Rp 1.234.567`, `Rp. 1.234.567,-`,
    `1234567.89`, `1234567,89`, `1,234,567.89`; `-` alone = 0; empty = None.

    A leading minus (or accounting parentheses) makes the value negative, which is an
    error unless ``signed``. Floats from XLSX are converted exactly via their shortest
    repr (`Decimal(str(x))`). Scientific notation (`1.5E+3`) is accepted for numbers.
    """
    if cell is None:
        return None
    if type(cell) is str:
        m = FAST_NUMBER.fullmatch(cell)  # fast path: [Rp] 1.234.567[,89] / 1234567
        if m is not None:
            return fast_number_value(m)
        return _text_number(cell, signed)
    if isinstance(cell, str):
        return _text_number(cell, signed)
    if isinstance(cell, bool):
        raise _not_a_number(cell, "nilai benar/salah")
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise _not_a_number(cell)
        value = Decimal(str(cell))
    elif isinstance(cell, Decimal):
        if not cell.is_finite():
            raise _not_a_number(cell)
        value = cell
    elif isinstance(cell, date):
        raise _not_a_number(cell, "berisi tanggal")
    else:
        raise _not_a_number(cell)
    if value < 0 and not signed:
        raise _negative(cell)
    return value


def parse_int(cell: Any, *, signed: bool = False) -> int | None:
    """A whole number in any format :func:`parse_decimal` reads (`1.234` = 1234);
    `-` = 0; >= 0 unless ``signed``."""
    if cell is None:
        return None
    if isinstance(cell, str) and cell.isdigit() and cell.isascii() and len(cell) <= 20:
        return int(cell)  # longer digit strings go the general way (int() refuses > 4300)
    if isinstance(cell, int) and not isinstance(cell, bool):
        if cell < 0 and not signed:
            raise _negative(cell)
        return cell
    value = parse_decimal(cell, signed=signed)
    if value is None:
        return None
    if value.adjusted() > MAX_MAGNITUDE:  # int() of a million digits takes minutes
        raise _out_of_range(cell)
    if value != value.to_integral_value():
        comma = is_ambiguous_number(cell)
        raise CellError(
            "value.not_whole",
            f"'{_show(cell)}' harus bilangan bulat"
            + (" (koma dibaca sebagai tanda desimal; tulis ribuan dengan titik)" if comma else ""),
            f"not a whole number: {cell!r}"
            + (" (a lone comma is the decimal mark)" if comma else ""),
        )
    return int(value)


_PERCENT_BODY = re.compile(r"(\d+)(?:[.,](\d+))?")


def _percent_number(cell: Any, parse: Callable[[], Decimal | None]) -> Decimal | None:
    """The number of a percent cell; a cell that is no number is `value.not_a_percent`."""
    try:
        return parse()
    except CellError as exc:
        raise CellError(
            "value.not_a_percent",
            f"'{_show(cell)}' bukan persentase yang sah (contoh: 60,43%)",
            f"not a percentage: {cell!r}",
        ) from exc


def parse_percent(cell: Any) -> Decimal | None:
    """A percentage 0..100: `60,43%`, `60,43`, `60.43 %`, 60.43.

    Rule (kept simple on purpose): text with `%` or any number in 0..100 IS the percent;
    `0.6043` means 0.6043 %, not 60.43 %. Within a percent one `.` or `,` is always the
    decimal mark (`12,345` = 12.345 %). `-` or empty -> None. Outside 0..100 -> CellError.
    XLSX cells formatted as percent reach here as text with `%` (see ingest.submissions.readers).
    """
    if cell is None:
        return None
    if isinstance(cell, str):
        text = cell.strip()
        if text.endswith("%"):
            text = text[:-1].rstrip()
        if not text or text in _DASHES:
            return None
        m = _PERCENT_BODY.fullmatch(text)
        if m is not None:
            value = Decimal(f"{m.group(1)}.{m.group(2)}" if m.group(2) else m.group(1))
        else:
            value = _percent_number(cell, lambda: _text_number(text, signed=True))
            if value is None:
                return None
    else:
        value = _percent_number(cell, lambda: parse_decimal(cell, signed=True))
        if value is None:
            return None
    if not Decimal(0) <= value <= Decimal(100):
        raise CellError(
            "value.percent_range",
            f"persentase '{_show(cell)}' di luar rentang 0-100",
            f"percentage outside 0..100: {cell!r}",
        )
    return value


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_NAMED = re.compile(
    r"(?:[a-z']+,?\s+)?(\d{1,2})[\s./-]*([a-z]+)\.?[\s./,-]*(\d{4})" + _TIME, re.IGNORECASE
)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # 1900 date system (with Lotus' phantom 29 Feb 1900)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050  # 1950-01-01 .. 2099-12-31
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def _bad_date(cell: Any, why: str = "") -> CellError:
    extra = f" ({why})" if why else ""
    return CellError(
        "value.bad_date",
        f"'{_show(cell)}' bukan tanggal yang sah{extra}; gunakan DD/MM/YYYY, YYYY-MM-DD "
        "atau mis. 16 Juni 2023",
        f"not a valid date: {cell!r}{extra}",
    )


def _make_date(cell: Any, year: int, month: int, day: int) -> date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _bad_date(cell, f"tahun {year} tidak masuk akal")
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad_date(cell, "tanggal tidak ada di kalender") from None


def _from_serial(cell: Any, serial: float) -> date:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise _bad_date(cell, "angka bukan tanggal Excel")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


@lru_cache(maxsize=8192)
def _text_date(text: str) -> date | None:
    s = text.strip()
    if not s or s in _DASHES:  # `-` in a date column: no date, like an empty cell
        return None
    m = _DMY.fullmatch(s)
    if m is not None:
        return _make_date(text, int(m.group(4)), int(m.group(3)), int(m.group(1)))
    m = _YMD.fullmatch(s)
    if m is not None:
        return _make_date(text, int(m.group(1)), int(m.group(3)), int(m.group(4)))
    m = _NAMED.fullmatch(s)
    if m is not None:
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            raise _bad_date(text, f"nama bulan '{m.group(2)}' tidak dikenal")
        return _make_date(text, int(m.group(3)), month, int(m.group(1)))
    if _SERIAL_TEXT.fullmatch(s):  # an Excel serial that lost its date format in a CSV
        return _from_serial(text, float(s))
    raise _bad_date(text)


def parse_date(cell: Any) -> date | None:
    """A date: `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, `D/M/YYYY`, `YYYY-MM-DD` (an
    optional time part is ignored), `16 Juni 2023`, `5 Nov 2025`, `3 Agt 2024`, `Jumat,
    16 Juni 2023` (Indonesian and English month names, full or short, any case), a
    datetime/date, or an Excel serial number (1900 system; 45093 -> 2023-06-16; only
    serials for 1950..2099 are taken as dates). `-` alone is no date (None). Impossible
    dates (31/02/2024) raise."""
    if cell is None:
        return None
    if isinstance(cell, str):
        return _text_date(cell)
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise _bad_date(cell)
    if isinstance(cell, int | float):
        if cell != cell:
            raise _bad_date(cell)
        return _from_serial(cell, cell)
    raise _bad_date(cell)


# --------------------------------------------------------------------------- categories


def parse_choice(cell: Any, choices: Mapping[str, str]) -> str | None:
    """The canonical label of a categorical cell.

    ``choices`` maps :func:`choice_key` of every accepted label and synonym to the
    canonical label. Matching ignores case and extra spaces. Unknown -> CellError listing
    the allowed (canonical) values.
    """
    if cell is None:
        return None
    if isinstance(cell, str):
        if not cell or cell.isspace():
            return None
        key = choice_key(cell)
    else:
        text = clean_text(cell)
        if text is None:
            return None
        key = choice_key(text)
    found = choices.get(key)
    if found is not None:
        return found
    allowed = ", ".join(dict.fromkeys(choices.values()))
    raise CellError(
        "value.unknown_choice",
        f"'{_show(cell)}' bukan nilai yang dikenal; pilihan: {allowed}",
        f"unknown value {cell!r}; allowed: {allowed}",
    )


# --------------------------------------------------------------------------- identifiers

_ID_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number


def parse_identifier(
    cell: Any, *, digits: int | None = None, name: str, digits_only: bool = False
) -> str | None:
    """An identifier kept as text: leading zeros kept, never a number.

    Strips surrounding spaces and a leading apostrophe (Excel's "store as text" mark).
    With ``digits`` (exact count) or ``digits_only`` the value must be digits, and inner
    spaces are removed (`1234 5678 90123`); otherwise inner whitespace is collapsed.

    From XLSX an ``int`` becomes its digits; when ``digits`` is given and the int is
    shorter, it is LEFT-PADDED WITH ZEROS, because Excel drops the leading zeros of a
    number (012345 -> 12345). An integral float below 10^15 is exact and treated the
    same. Refused: scientific notation as text (`1.23457E+12`, what a CSV export of a
    number-formatted column shows), non-integral floats, numbers of more than 15 digits
    (Excel has already replaced their tail digits with zeros), booleans and dates.
    """
    if cell is None:
        return None
    if (
        type(cell) is str
        and cell.isdigit()
        and cell.isascii()
        and (len(cell) == digits if digits is not None else digits_only)
    ):
        return cell  # fast path: already a clean code of the right shape
    label = name
    numeric = False
    if isinstance(cell, str):
        text = cell.strip()
        if text[:1] in ("'", "\u2019", "`"):
            text = text[1:].strip()
        if not text:
            return None
        if _ID_SCIENTIFIC.fullmatch(text):
            raise CellError(
                "value.scientific_notation",
                f"{label} tertulis dalam notasi ilmiah ('{_show(cell)}'); digit aslinya "
                "hilang. Format kolom sebagai Teks dan isi ulang nilainya",
                f"{name} in scientific notation: {cell!r} (digits lost in a spreadsheet)",
            )
        if digits is not None or digits_only:
            text = "".join(text.split())
        elif " " in text or "\t" in text or "\n" in text:
            text = " ".join(text.split())
    elif isinstance(cell, bool | date):
        raise CellError(
            "value.identifier_shape",
            f"{label} '{_show(cell)}' bukan kode yang sah",
            f"{name} is not an identifier: {cell!r}",
        )
    elif isinstance(cell, int | float):
        if isinstance(cell, float) and not (cell == cell and cell.is_integer()):
            raise CellError(
                "value.scientific_notation",
                f"{label} tersimpan sebagai angka pecahan/notasi ilmiah ('{cell!r}'); "
                "format kolom sebagai Teks dan isi ulang nilainya",
                f"{name} stored as a non-integral number: {cell!r}",
            )
        number = int(cell)
        if number < 0:
            raise CellError(
                "value.identifier_shape",
                f"{label} '{cell!r}' bukan kode yang sah",
                f"{name} is negative: {cell!r}",
            )
        text = str(number)
        if len(text) > _EXCEL_DIGITS:
            raise CellError(
                "value.identifier_precision",
                f"{label} {text} tersimpan sebagai angka lebih dari 15 digit; Excel sudah "
                "mengubah digit terakhirnya. Format kolom sebagai Teks dan isi ulang",
                f"{name} stored as a number with more than 15 digits: {cell!r}",
            )
        numeric = True
    else:
        text = clean_text(cell) or ""
        if not text:
            return None
    if digits is not None:
        if numeric and len(text) < digits:
            text = text.zfill(digits)
        if len(text) != digits or not (text.isdigit() and text.isascii()):
            raise CellError(
                "value.identifier_shape",
                f"{label} '{_show(cell)}' harus tepat {digits} digit angka",
                f"{name} must be exactly {digits} digits: {cell!r}",
            )
    elif digits_only and not (text.isdigit() and text.isascii()):
        raise CellError(
            "value.identifier_shape",
            f"{label} '{_show(cell)}' harus berisi angka saja",
            f"{name} must contain digits only: {cell!r}",
        )
    return text


# --------------------------------------------------------------------------- regencies

_REGENCY_PREFIX = re.compile(
    r"^(?:(kabupaten|kab)\b\.?|(kota)\b\.?)\s*(?:(?:administrasi|adm)\b\.?\s*)?",
    re.IGNORECASE,
)
_KEP = re.compile(r"^kep\b\.?\s*", re.IGNORECASE)
_LOWER_WORDS = frozenset({"dan"})


def _title_word(word: str, first: bool) -> str:
    lower = word.lower()
    if not first and lower in _LOWER_WORDS:
        return lower
    return "-".join(_cap(part) for part in lower.split("-"))


def _cap(part: str) -> str:
    for i, ch in enumerate(part):
        if ch.isalpha():
            return part[:i] + ch.upper() + part[i + 1 :]
    return part


def _title(text: str) -> str:
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(text.split(" ")))


@lru_cache(maxsize=16384)
def _regency(text: str) -> str | None:
    clean = " ".join(text.split())
    if not clean:
        return None
    m = _REGENCY_PREFIX.match(clean)
    if m is None:
        return _title(clean)
    rest = clean[m.end() :].strip(" .,")
    if not rest:  # "Kota" alone: a name, not a prefix
        return _title(clean)
    rest = _KEP.sub("Kepulauan ", rest, count=1)
    prefix = "Kabupaten" if m.group(1) else "Kota"
    return f"{prefix} {_title(rest)}"


def normalise_regency(cell: Any) -> str | None:
    """`Kab. Konawe`, `KAB KONAWE`, `Kabupaten  Konawe ` -> `Kabupaten Konawe`;
    `KOTA KENDARI` -> `Kota Kendari`; `Kota Adm. Jakarta Selatan` -> `Kota Jakarta
    Selatan`; `Kab. Kep. Selayar` -> `Kabupaten Kepulauan Selayar`; no prefix -> title
    case as given (`KONAWE` -> `Konawe`). Title case keeps hyphenated parts (`Toli-Toli`)
    and lower-cases `dan` inside a name (`Pangkajene dan Kepulauan`)."""
    if cell is None:
        return None
    text = cell if isinstance(cell, str) else clean_text(cell)
    if text is None:
        return None
    return _regency(text)
