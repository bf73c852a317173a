"""Column-at-a-time normalisation of a batch of CSV rows, the loader's fast path.

The per-row path (``normalize.normalise_row``) costs about 18 us of Python per row: a
call per cell. Here a batch of rows (as the reader yields them: same row numbers, same
skipped total rows, same rejections) is decided one column at a time:

- the common clean shapes are recognised and converted by pyarrow kernels (identifiers of
  the exact digit count, plain and Indonesian-formatted numbers, whole numbers, plain
  single-spaced ASCII text);
- categorical and date columns (few distinct values) run the column's own per-cell parser
  (``normalize._plan``: the same function the per-row path calls) once per distinct value
  of the file (``_Distinct``);
- any other non-empty cell goes through that same per-cell parser, one by one.

A row is *decided* when every cell got its value without an issue and the dataset's row
rules decide it without an issue (``normalize.COLUMN_RULES``). Every other row -- an issue,
a required empty cell, an extra cell with a value, an ambiguous `12,345`, a province-check
cell naming a province at all, a row a rule may touch -- is handed back to the caller for
``normalise_row``, which produces its value, issues and quarantine exactly as before.
The columnar path therefore never produces an issue of its own: it only skips work whose
outcome is known to be "loaded as is, no issue".

Values come out as their canonical PostgreSQL text (``value_text``), the form written to
COPY (text format) and compared for duplicate candidates; rows from the per-row path are
converted by the same function, so equal typed values give equal text on both paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.provinces import Province
from ingest.submissions.datasets import Dataset
from ingest.submissions.normalize import (
    COLUMN_RULES,
    DECIMAL_LIMIT,
    MONEY_LIMIT,
    _plan,
)
from ingest.submissions.row_keys import hash_rows
from ingest.submissions.values import CellError, is_ambiguous_number

BATCH_ROWS = 16_384
_MAPPED_KINDS = frozenset({"choice", "status", "regency", "province", "bps_province", "date"})
_PLAIN_TEXT = r"^[!-~]+(?: [!-~]+)*$"  # clean_text returns these cells unchanged
_NUMBER_LIMITS = {"money": MONEY_LIMIT, "money_signed": MONEY_LIMIT, "decimal": DECIMAL_LIMIT}
# A subset of values.FAST_NUMBER (no leading zeros): `[Rp] 1.234.567[,89]`, `1234567[,5]`
_NUMBER = r"^(?:[Rr][Pp]\.? ?)?(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|0|[1-9][0-9]*)(?:,[0-9]{1,2})?$"


def value_text(value: Any) -> str | None:
    """The canonical text of a typed value for COPY: equal values, equal text."""
    if value is None or type(value) is str:
        return value
    if value is True:
        return "t"
    if value is False:
        return "f"
    if type(value) is int:
        return str(value)
    if isinstance(value, Decimal):
        if not value:
            return "0"
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no COPY text for {value!r}")  # pragma: no cover


@dataclass(frozen=True)
class ColumnPlan:
    """How the columnar path decides the columns of one file (``columns`` of its Table)."""

    stored: tuple[tuple[str, str, int | None, Any], ...]  # name, kind, position, column
    parsers: dict[str, tuple[Callable[[Any], Any], bool, bool]]  # parse, required, number
    checks: tuple[tuple[int, Callable[[Any], Any]], ...]  # position, parser
    constants: dict[str, str | None]  # raw columns without a cell (skala_usaha_derived)
    extra_positions: tuple[int, ...]
    rules: Callable[[dict[str, pa.Array]], pa.Array] | None  # normalize.COLUMN_RULES
    width: int
    province_code: str
    # per column: the parser's outcome for each distinct cell met so far in the file
    distinct: dict[str | int, _Distinct] = field(default_factory=dict)


def column_plan(
    dataset: Dataset, columns: list[str | None], province: Province
) -> ColumnPlan | None:
    """The plan for a CSV file with these header ``columns``, or None when the dataset has
    row rules without a columnar form (every row would go the per-row way anyway)."""
    plan = _plan(dataset)
    rules = COLUMN_RULES.get(dataset.name)
    if plan.rules is not None and rules is None:
        return None
    position = {name: i for i, name in enumerate(columns) if name is not None}
    by_name = {c.name: c for c in dataset.columns}
    stored = tuple(
        (name, by_name[name].kind, position.get(name), by_name[name])
        for name, _, _, _ in plan.stored
    )
    parsers = {name: (parse, required, number) for name, parse, required, number in plan.stored}
    check_parsers = dict(plan.checks)
    checks = tuple(
        (position[name], check_parsers[name]) for name in check_parsers if name in position
    )
    constants = {
        name: value_text(value) for name, value in plan.template.items() if name not in parsers
    }
    return ColumnPlan(
        stored=stored,
        parsers=parsers,
        checks=checks,
        constants=constants,
        extra_positions=tuple(i for i, name in enumerate(columns) if name is None),
        rules=rules,
        width=len(columns),
        province_code=province.code,
    )


@dataclass
class Decided:
    """A batch after the columnar pass: canonical text per raw column (valid where
    ``decided``), and the rows that need the per-row path."""

    texts: dict[str, pa.Array]
    decided: pa.Array  # bool per row
    undecided: list[int]  # positions in the batch, ascending


def decide(plan: ColumnPlan, columns: list[pa.StringArray]) -> Decided:
    """Decide a batch given as the reader's cells by column (``readers.CellBatch.columns``:
    every row padded to the header width)."""
    n = len(columns[0])
    ok = pa.repeat(pa.scalar(True), n)
    texts: dict[str, pa.Array] = {}
    for name, kind, pos, col in plan.stored:
        cells = pa.nulls(n, pa.string()) if pos is None else columns[pos]
        parse, required, number = plan.parsers[name]
        if kind in _MAPPED_KINDS:
            known = _known(plan, name, partial(_mapped_value, parse, required), _MAPPED)
            good, text = known.outcome(cells)
            good = pc.fill_null(good, not required)  # a null: a padded (missing) cell
        else:
            good, text = _column(cells, kind, col, parse, required, number)
        ok = pc.and_(ok, good)
        texts[name] = text
    for pos, parse in plan.checks:
        cells = columns[pos]
        known = _known(plan, pos, partial(_check_value, parse, plan.province_code), _CHECKED)
        ok = pc.and_(ok, pc.fill_null(known.outcome(cells)[0], True))
    for pos in plan.extra_positions:
        cells = columns[pos]
        ok = pc.and_(ok, pc.fill_null(pc.equal(cells, ""), True))
    for name, value in plan.constants.items():
        texts[name] = pa.repeat(pa.scalar(value, pa.string()), n)
    if plan.rules is not None:
        ok = pc.and_(ok, pc.fill_null(plan.rules(texts), False))
    ok = pc.fill_null(ok, False)
    undecided = pc.indices_nonzero(pc.invert(ok)).to_pylist()
    return Decided(texts, ok, undecided)


def _column(
    arr: pa.Array, kind: str, col: Any, parse: Callable, required: bool, number: bool
) -> tuple[pa.Array, pa.Array]:
    """(cell decided without issue, canonical text) for a column of a kind with clean
    shapes (not ``_MAPPED_KINDS``)."""
    empty = pc.fill_null(pc.equal(arr, ""), True)
    fast, text = _vectorised(arr, kind, col)
    if fast is None:  # no clean shape for this kind: every non-empty cell is parsed
        fast = pa.repeat(pa.scalar(False), len(arr))
        text = pa.nulls(len(arr), pa.string())
    else:
        text = pc.if_else(fast, text, pa.scalar(None, pa.string()))
    good = pc.or_(fast, pc.and_(empty, pa.scalar(not required)))
    rest = pc.invert(pc.or_(fast, empty))
    raws = arr.filter(rest).to_pylist()
    if raws:
        values: list[str | None] = []
        fine: list[bool] = []
        for raw in raws:
            try:
                value = parse(raw)
            except CellError:
                values.append(None)
                fine.append(False)
                continue
            fine.append(
                not (value is None and required) and not (number and is_ambiguous_number(raw))
            )
            values.append(value_text(value))
        good = pc.replace_with_mask(good, rest, pa.array(fine, pa.bool_()))
        text = pc.replace_with_mask(text, rest, pa.array(values, pa.string()))
    return good, text


def _positions_mask(n: int, positions: list[int]) -> pa.Array:
    if not positions:
        return pa.repeat(pa.scalar(False), n)
    marks = [False] * n
    for i in positions:
        marks[i] = True
    return pa.array(marks, pa.bool_())


def _vectorised(arr: pa.Array, kind: str, col: Any) -> tuple[pa.Array | None, pa.Array | None]:
    """(cells in a clean shape, their canonical text); (None, None) if the kind has none."""
    if kind == "text":
        return pc.fill_null(pc.match_substring_regex(arr, _PLAIN_TEXT), False), arr
    if kind == "identifier":
        if col.digits is not None:
            shape = partial(_digits, col.digits, col.digits)
        elif col.digits_only:
            shape = partial(_digits, 1, None)
        else:
            return None, None
        return _shaped(arr, shape), arr
    if kind == "integer":
        fast = _shaped(arr, _whole)
        limit = col.max_value or 2**63 - 1
        as_int = pc.cast(pc.if_else(fast, arr, pa.scalar("0")), pa.int64())
        fast = pc.and_(fast, pc.less_equal(as_int, pa.scalar(limit, pa.int64())))
        return fast, arr
    if kind in _NUMBER_LIMITS:
        fast = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), False)
        text = pc.ascii_ltrim(arr, "RrPp. ")  # a clean-shaped cell: `Rp. ` then a digit
        text = pc.replace_substring(text, ".", "")
        digits = len(str(int(_NUMBER_LIMITS[kind]))) - 1  # below the limit: at most this many
        if _Bytes(arr).has(b","):
            text = pc.replace_substring(text, ",", ".")
            short = pc.match_substring_regex(text, f"^[0-9]{{1,{digits}}}(?:\\.|$)")
            text = pc.replace_substring_regex(text, r"(\.[0-9]*[1-9])0+$", r"\1")
            text = pc.replace_substring_regex(text, r"\.0+$", "")
        else:
            short = pc.less_equal(pc.binary_length(text), digits)  # fast cells: ASCII
        return pc.and_(fast, pc.fill_null(short, False)), text
    return None, None


def _shaped(arr: pa.StringArray, shape: Callable[[_Bytes], np.ndarray]) -> pa.BooleanArray:
    """Per cell (False for a null): it has the clean ``shape``, decided from the column's
    bytes by numpy (a few passes over the data buffer: on the benchmark's identifiers and
    whole numbers a third of the time of a regular expression per cell; for text, with
    more bytes a cell, RE2 was faster). tests/parsing/test_columnar.py compares each shape
    with its regular expression on random cells."""
    return pc.and_(pa.array(shape(_Bytes(arr)), pa.bool_()), pc.is_valid(arr))


class _Bytes:
    """A string array's data bytes (a view of its data buffer, the cells back to back) and,
    per cell, its start in them and its length."""

    def __init__(self, arr: pa.StringArray):
        _, offsets, data = arr.buffers()
        at = np.frombuffer(offsets, np.int32, len(arr) + 1, arr.offset * 4)
        whole = np.zeros(0, np.uint8) if data is None else np.frombuffer(data, np.uint8)
        self.data = whole[at[0] : at[-1]]
        self.starts = at[:-1] - at[0]
        self.lengths = np.diff(at)

    def has(self, byte: bytes) -> bool:
        return bool((self.data == byte[0]).any())

    def clean(self, odd: np.ndarray) -> np.ndarray:
        """Per cell: none of its bytes is marked in ``odd`` (one flag per data byte)."""
        if not odd.any():
            return np.ones(len(self.lengths), np.bool_)
        flagged = np.concatenate(([0], np.cumsum(odd, dtype=np.int64)))
        return flagged[self.starts + self.lengths] == flagged[self.starts]

    def first(self) -> np.ndarray:
        """The first byte of each cell (0 for an empty one)."""
        return self._at(self.starts)

    def last(self) -> np.ndarray:
        """The last byte of each cell (0 for an empty one)."""
        return self._at(self.starts + self.lengths - 1)

    def _at(self, positions: np.ndarray) -> np.ndarray:
        if not len(self.data):
            return np.zeros(len(self.lengths), np.uint8)
        return np.where(self.lengths > 0, self.data[np.clip(positions, 0, len(self.data) - 1)], 0)


_DIGIT = np.zeros(256, np.bool_)
_DIGIT[ord("0") : ord("9") + 1] = True


def _digits(least: int, most: int | None, cells: _Bytes) -> np.ndarray:
    """``^[0-9]{least,most}$`` (``most`` None: no bound)."""
    fit = cells.clean(~_DIGIT[cells.data]) & (cells.lengths >= least)
    return fit if most is None else fit & (cells.lengths <= most)


def _whole(cells: _Bytes) -> np.ndarray:
    """``^(?:0|[1-9][0-9]{0,17})$``: a whole number without a leading zero, 18 digits at
    most (below 2**63)."""
    return _digits(1, 18, cells) & ((cells.first() != ord("0")) | (cells.lengths == 1))


class _Distinct:
    """The outcome of a per-cell function for each distinct cell of one column met so far
    in a file: the function runs once per distinct value of the file, not of each batch.
    The cells of a batch find theirs by a hash lookup in C (``pc.index_in``)."""

    def __init__(self, outcome: Callable[[str], tuple], types: tuple[pa.DataType, ...]):
        self.function = outcome
        self.types = types
        self._forget()

    def _forget(self) -> None:
        self.values = pa.array([], pa.string())
        self.lists: tuple[list[Any], ...] = tuple([] for _ in self.types)
        self.arrays = [pa.array([], t) for t in self.types]

    def outcome(self, cells: pa.Array) -> list[pa.Array]:
        """Per cell, each field of the function's outcome (null for a null cell)."""
        at = pc.index_in(cells, value_set=self.values)
        new = pc.and_(pc.is_null(at), pc.is_valid(cells))
        if pc.any(new).as_py():
            if len(self.values) > _DISTINCT_LIMIT:  # a column of free text: start over
                self._forget()
                new = pc.is_valid(cells)
            values = pc.unique(cells.filter(new))
            for out in map(self.function, values.to_pylist()):
                for kept, item in zip(self.lists, out, strict=True):
                    kept.append(item)
            self.values = pa.concat_arrays([self.values, values])
            self.arrays = [pa.array(k, t) for k, t in zip(self.lists, self.types, strict=True)]
            at = pc.index_in(cells, value_set=self.values)
        return [pc.take(a, at) for a in self.arrays]


_DISTINCT_LIMIT = 1 << 16  # distinct values remembered per column and file


_MAPPED = (pa.bool_(), pa.string())  # decided, canonical text
_CHECKED = (pa.bool_(),)  # decided


def _known(
    plan: ColumnPlan, key: str | int, outcome: Callable[[str], tuple], types: tuple
) -> _Distinct:
    """The file's ``_Distinct`` of a stored column (by name) or a check column (by position)."""
    known = plan.distinct.get(key)
    if known is None:
        known = plan.distinct[key] = _Distinct(outcome, types)
    return known


def _mapped_value(parse: Callable, required: bool, raw: str) -> tuple[bool, str | None]:
    """(decided, canonical text) of one distinct cell of a column with few distinct values
    (``_MAPPED_KINDS``): the column's own parser."""
    if raw == "":
        return not required, None
    try:
        value = parse(raw)
    except CellError:
        return False, None
    return not (value is None and required), value_text(value)


def _check_value(parse: Callable, province_code: str, raw: str) -> tuple[bool]:
    """A province-check cell is decided when empty or naming the file's own province."""
    try:
        code = parse(raw)
    except CellError:
        return (False,)
    return (code is None or code == province_code,)


def batch_output(
    sid: int,
    numbers: pa.Int64Array,
    decided: Decided,
    columns: list[str],
    slow: dict[int, tuple[tuple[Any, ...], dict[str, Any]] | None],
) -> tuple[pa.Int64Array, np.ndarray, memoryview]:
    """(row numbers of the rows loaded, the duplicate key of each (``row_keys``), the COPY
    data in text format: submission id, row number, ``columns``, extra) of a batch;
    ``slow`` holds the per-row path's outcome of the undecided rows (typed values in
    ``columns`` order and extra cells, or None: quarantined)."""
    n = len(numbers)
    loaded_slow = sorted(i for i, out in slow.items() if out is not None)
    slow_mask = _positions_mask(n, loaded_slow)
    # None: no row quarantined, every row kept (nothing to filter)
    keep = None if len(loaded_slow) == len(slow) else pc.or_(decided.decided, slow_mask)
    texts = []
    for k, name in enumerate(columns):
        text = decided.texts[name]
        if loaded_slow:
            replacements = [value_text(slow[i][0][k]) for i in loaded_slow]  # type: ignore[index]
            text = pc.replace_with_mask(text, slow_mask, pa.array(replacements, pa.string()))
        texts.append(text if keep is None else pc.filter(text, keep))
    extra_text = pa.nulls(n, pa.string())
    extras = {i: out[1] for i, out in slow.items() if out is not None and out[1]}
    if extras:
        at = sorted(extras)
        text = [json.dumps(extras[i], ensure_ascii=False, default=str) for i in at]
        extra_text = pc.replace_with_mask(
            extra_text, _positions_mask(n, at), pa.array(text, pa.string())
        )
    if keep is not None:
        extra_text = pc.filter(extra_text, keep)
    row_numbers = numbers if keep is None else pc.filter(numbers, keep)
    rows = copy_text_rows([*texts, extra_text])
    keys = hash_rows(rows)
    lines = pc.binary_join_element_wise(
        pa.scalar(str(sid)), pc.cast(row_numbers, pa.string()), rows, "\t"
    )
    ended = pc.binary_join_element_wise(lines, "", "\n")  # each line with its LF
    return row_numbers, keys, memoryview(_Bytes(ended).data)


def copy_text_rows(columns: list[pa.StringArray]) -> pa.StringArray:
    """Each row's values as in a line of COPY's text format: separated by a tab, ``\\N``
    for a null, a backslash, tab, LF or CR in a value escaped by a backslash. PostgreSQL
    parses this format with less work than quoted CSV (pyarrow's CSV writer quotes every
    string). The escapes are needed rarely, so the values are joined first and escaped
    only when the joined bytes hold more backslashes than nulls or more tabs than
    separators, or any line end."""
    rows = _tab_joined(columns)
    data = _Bytes(rows).data
    if (
        np.count_nonzero(data == ord("\\")) == sum(c.null_count for c in columns)
        and np.count_nonzero(data == ord("\t")) == len(rows) * (len(columns) - 1)
        and not np.count_nonzero(data == ord("\n"))
        and not np.count_nonzero(data == ord("\r"))
    ):
        return rows
    escaped = []
    for column in columns:
        for special, escape in _TEXT_ESCAPES:
            column = pc.replace_substring(column, special, escape)
        escaped.append(column)
    return _tab_joined(escaped)


_TEXT_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))  # backslash first


def _tab_joined(columns: list[pa.StringArray]) -> pa.StringArray:
    return pc.binary_join_element_wise(
        *columns, "\t", null_handling="replace", null_replacement="\\N"
    )
