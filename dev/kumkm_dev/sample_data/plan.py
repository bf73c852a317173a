"""The machinery of the sample dropzone: planned files, how a clerk lays a file out, its name.

:class:`Plan` collects every file with its manifest entry before anything touches the disk;
:meth:`Plan.plant` is one submission as a province sends it (layout -> name -> table ->
rendered bytes -> manifest entry). Which files are planted, and why, is :mod:`.scenario`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ingest.periods import tanggal

from . import builders as b
from . import reference as ref
from .reference import BY_CODE, Province
from .render import DATE, ID, INT, MONEY, PERCENT, Column, Style, render
from .rules import ROW, RULES

SCALES = {"small": 1, "medium": 4}


@dataclass
class PlannedFile:
    path: str
    data: bytes
    arrival: dt.datetime
    entry: dict  # manifest fields


@dataclass
class Plan:
    """Every planted file with its manifest entry, in memory until the dropzone is written."""

    seed: int
    scale: str
    files: list[PlannedFile] = field(default_factory=list)
    anchors: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        return SCALES[self.scale]

    def rng(self, *parts: object) -> random.Random:
        return random.Random(f"{self.seed}|" + "|".join(map(str, parts)))

    # ---- adding files -------------------------------------------------------------------------

    def add_bytes(
        self,
        path: str,
        data: bytes,
        arrival: dt.datetime,
        *,
        dataset,
        province,
        period,
        outcome: str,
        rules: list[str],
        tags: list[str],
        rows_in_file: int = 0,
        note: str | None = None,
        fmt: str = "csv",
    ) -> dict:
        """Bytes as given, with the outcome the caller plants; the other adders build on it."""
        entry = {
            "path": path,
            "dataset": dataset,
            "province_code": province,
            "period": period,
            "expected_outcome": outcome,
            "expected_rules": sorted(rules),
            "rows_received": 0,
            "rows_quarantined": 0,
            "variant": _dedupe(tags + _path_tags(path)),
            "rows_loaded": 0,
            "rows_in_file": rows_in_file,
            "row_rules": [],
            "format": fmt,
        }
        if note:
            entry["note"] = note
        self.files.append(PlannedFile(path, data, arrival, entry))
        return entry

    def add_rejected(
        self,
        path: str,
        data: bytes,
        arrival: dt.datetime,
        *,
        dataset,
        province,
        period,
        rule: str,
        tags: list[str],
        note: str,
        rows_in_file: int = 0,
        fmt: str = "csv",
    ) -> dict:
        """A file rejected whole for ``rule``: bytes as given, nothing received."""
        return self.add_bytes(
            path,
            data,
            arrival,
            dataset=dataset,
            province=province,
            period=period,
            outcome="rejected",
            rules=[rule],
            tags=tags,
            rows_in_file=rows_in_file,
            note=note,
            fmt=fmt,
        )

    def reject_bytes(
        self,
        folder: str,
        dataset: str,
        prov: Province,
        period: str,
        data: bytes,
        arrival: dt.datetime,
        *,
        token: str,
        rule: str,
        tags: list[str],
        note: str,
        fmt: str = "csv",
    ) -> dict:
        """Bytes that are no table (empty, junk, truncated) under a well-formed file name."""
        name, name_tags = file_name(dataset, prov, period, token=token, ext=fmt)
        return self.add_rejected(
            folder + name,
            data,
            arrival,
            dataset=dataset,
            province=prov.code,
            period=period,
            rule=rule,
            tags=[*tags, *name_tags],
            note=note,
            fmt=fmt,
        )

    def add_duplicate(
        self, path: str, original: dict, arrival: dt.datetime, *, tags: list[str]
    ) -> dict:
        """The bytes of the planted file ``original`` (its entry) again, under ``path``."""
        data = next(f.data for f in self.files if f.entry is original)
        entry = self.add_bytes(
            path,
            data,
            arrival,
            dataset=original["dataset"],
            province=original["province_code"],
            period=original["period"],
            outcome="duplicate",
            rules=[],
            tags=tags + original["variant"],
            rows_in_file=original["rows_in_file"],
            note=f"byte-identical copy of {original['path']}",
        )
        reading = ("header_row", "columns", "total_row", "encoding", "delimiter")
        entry.update({k: original[k] for k in reading})
        return entry

    def plant(
        self,
        folder: str,
        lay: Layout,
        rows: list[dict],
        rng: random.Random,
        arrival: dt.datetime,
        *,
        token: str = "code",
        suffix: str = "",
        upper: bool = False,
        drop: tuple[str, ...] = (),
        extras: tuple[str, ...] | None = None,
        province_cells: Province | None = None,
        tags: list[str] = (),
        reject: str | None = None,
        note: str | None = None,
    ) -> dict:
        """One submission as a clerk writes it: name the file, build its table, add it.

        ``lay`` (see :func:`layout`) says which dataset, province and period the file is
        for and how it looks; ``rows`` are its data rows, defects already planted.
        """
        name, name_tags = file_name(
            lay.dataset,
            lay.prov,
            lay.period,
            token=token,
            suffix=suffix,
            ext=lay.style.fmt,
            upper=upper,
        )
        cols, table_tags = build_table(
            lay, rows, rng, drop=drop, extras=extras, province_cells=province_cells
        )
        return self.add_table(
            folder + name,
            lay,
            cols,
            rows,
            arrival,
            tags=[*tags, *name_tags, *table_tags],
            reject=reject,
            note=note,
        )

    def add_table(
        self,
        path: str,
        lay: Layout,
        cols: list[Column],
        rows: list[dict],
        arrival: dt.datetime,
        *,
        tags: list[str] = (),
        reject: str | None = None,
        note: str | None = None,
    ) -> dict:
        dataset, style = lay.dataset, lay.style
        if style.fmt == "csv" and style.encoding == "cp1252":
            ensure_accent(dataset, rows)
        style.modified = arrival - dt.timedelta(hours=2, minutes=17)
        rendered = render(cols, rows, style, self.rng("render", path))
        row_rules = []
        for i, r in enumerate(rows):
            if r.get("_rule"):
                row_rules.append(
                    {
                        "row": rendered.row_numbers[i],
                        "rule": r["_rule"],
                        "level": RULES[r["_rule"]][0],
                    }
                )
        quarantined = sum(1 for x in row_rules if x["level"] == ROW)
        all_tags = list(tags) + _style_tags(dataset, cols, rows, style)
        if reject:
            outcome, rules = "rejected", [reject]
            received, quarantined, row_rules = 0, 0, []
        else:
            outcome = "accepted_with_warnings" if row_rules else "accepted"
            rules = sorted({x["rule"] for x in row_rules})
            received = len(rows)
        entry = self.add_bytes(
            path,
            rendered.data,
            arrival,
            dataset=dataset,
            province=lay.prov.code,
            period=lay.period,
            outcome=outcome,
            rules=rules,
            tags=all_tags,
            rows_in_file=len(rows),
            note=note,
            fmt=style.fmt,
        )
        entry.update(
            {
                "rows_received": received,
                "rows_quarantined": quarantined,
                "rows_loaded": received - quarantined,
                "row_rules": row_rules,
                "header_row": rendered.header_row,
                "columns": [{"label": c.label, "column": None if c.extra else c.key} for c in cols],
                "total_row": rendered.total_row_number,
            }
        )
        if style.fmt == "csv":
            entry["encoding"] = style.encoding
            entry["delimiter"] = style.delimiter
        else:
            entry["sheet"] = style.sheet
        return entry

    # ---- finishing ------------------------------------------------------------------------------

    def finish(self) -> list[dict]:
        """Fill sha256/mtime, work out which submission is in force, sanity-check."""
        for f in self.files:
            f.entry["sha256"] = hashlib.sha256(f.data).hexdigest()
            f.entry["size"] = len(f.data)
            f.entry["mtime"] = f.arrival.strftime("%Y-%m-%dT%H:%M:%SZ")
        order = sorted(self.files, key=lambda f: (f.arrival, f.path.rsplit("/", 1)[-1], f.path))
        seen_sha: dict[str, str] = {}
        for f in order:
            sha = f.entry["sha256"]
            if sha in seen_sha:
                if f.entry["expected_outcome"] != "duplicate":
                    raise AssertionError(f"{f.path} repeats {seen_sha[sha]} byte for byte")
                f.entry["duplicate_of"] = seen_sha[sha]
            else:
                if f.entry["expected_outcome"] == "duplicate":
                    raise AssertionError(f"{f.path} is labelled duplicate but is unique")
                seen_sha[sha] = f.path
        groups: dict[tuple, list[PlannedFile]] = {}
        for f in order:
            e = f.entry
            e["in_force"] = False
            if e["expected_outcome"] in ("accepted", "accepted_with_warnings"):
                groups.setdefault((e["dataset"], e["province_code"], e["period"]), []).append(f)
        for fs in groups.values():
            fs[-1].entry["in_force"] = True
            for earlier in fs[:-1]:
                earlier.entry["superseded_by"] = fs[-1].path
        return [f.entry for f in sorted(self.files, key=lambda f: f.path)]


def _dedupe(tags: list[str]) -> list[str]:
    out: list[str] = []
    for t in tags:
        if t not in out:
            out.append(t)
    return sorted(out)


def _path_tags(path: str) -> list[str]:
    return ["subfolder"] if "/" in path else []


def _style_tags(dataset: str, cols: list[Column], rows: list[dict], style: Style) -> list[str]:
    tags: list[str] = []
    kinds = {c.kind for c in cols}
    numeric = bool(kinds & {INT, MONEY, "decimal"})
    has_dates = any(r.get(c.key) for c in cols if c.kind == DATE for r in rows[:200])
    if style.fmt == "csv":
        tags.append("csv_semicolon" if style.delimiter == ";" else "csv_comma")
        tags.append({"utf-8": "utf8", "utf-8-sig": "utf8_bom", "cp1252": "cp1252"}[style.encoding])
    else:
        tags.append("xlsx")
        if has_dates and style.dates == "native":
            tags.append("xlsx_native_dates")
        if numeric:
            tags.append("xlsx_text_numbers" if style.xlsx_text_numbers else "xlsx_numbers")
        if ID in kinds:
            tags.append("xlsx_text_ids")
        if style.front_sheet:
            tags.append("xlsx_named_sheet")
    if numeric and (style.fmt == "csv" or style.xlsx_text_numbers):
        tags.append(
            {
                "plain": "numbers_plain",
                "id": "numbers_id",
                "rp": "numbers_rp",
                "rp00": "numbers_rp",
            }[style.numbers]
        )
    if has_dates and style.dates != "native":
        tags.append("date_" + style.dates)
    if PERCENT in kinds:
        tags.append("percent_" + style.percent)
    if style.dash_zero and any(
        r.get(c.key) == 0 for c in cols if c.kind in (INT, MONEY) for r in rows
    ):
        tags.append("dash_zero")
    if any(isinstance(r.get("shu"), (int, Decimal)) and r["shu"] < 0 for r in rows):
        tags.append("negative_allowed")
    if any(
        isinstance(r.get(c.key), str) and r[c.key].startswith("0")
        for c in cols
        if c.kind == ID
        for r in rows
    ):
        tags.append("leading_zero_ids")
    if style.title_lines:
        tags.append("title_lines")
    if style.empty_rows_after:
        tags.append("empty_rows")
    if style.total_row:
        tags.append("total_row")
    if any(c.extra for c in cols):
        tags.append("extra_columns")
    if any(c.key == "provinsi" for c in cols):
        tags.append("province_column")
    if any(c.key == "kode_bps" for c in cols):
        tags.append("kode_bps_column")
    return tags


# ---------------------------------------------------------------------------------------------
# helpers


def utc(y, m, d, hh=9, mm=0, ss=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, ss)


def arrival_between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.datetime:
    day = b.rand_date(rng, lo, hi)
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(1, 9), rng.randint(0, 59), rng.randint(0, 59)
    )


def epoch(t: dt.datetime) -> int:
    return calendar.timegm(t.timetuple())


def file_name(
    dataset: str,
    prov: Province,
    period: str,
    *,
    token: str = "code",
    suffix: str = "",
    ext: str = "csv",
    upper: bool = False,
) -> tuple[str, list[str]]:
    tok = {
        "code": prov.code,
        "alias": prov.aliases[0] if prov.aliases else prov.slug,
        "slug": prov.slug,
    }[token]
    tags = [
        {
            "code": "name_province_code",
            "alias": "name_province_alias",
            "slug": "name_province_slug",
        }[token]
        if (token != "alias" or prov.aliases)
        else "name_province_slug",
        "period_" + b.period_type(period),
    ]
    name = f"{dataset}_{tok}_{period}{suffix}.{ext}"
    if suffix:
        tags.append("name_suffix")
    if upper:
        name = name.upper()
        tags.append("name_uppercase")
    return name, tags


def period_label(period: str) -> str:
    y, rest = period[:4], period[4:].upper()
    if not rest:
        return f"Tahun {y}"
    roman = b.ROMAN[int(rest[1]) - 1]
    return f"{'Semester' if rest[0] == 'S' else 'Triwulan'} {roman} {y}"


def title_lines(dataset: str, prov: Province, period: str) -> tuple[str, ...]:
    _, end = b.period_bounds(period)
    when = tanggal(end)
    name = prov.name.upper()
    if dataset == "koperasi":
        return (f"DATA KOPERASI PROVINSI {name}", f"Keadaan s.d. {when}")
    if dataset == "umkm":
        return (
            f"DATA UMKM BY NAME BY ADDRESS PROVINSI {name}",
            f"Periode s.d. {when}",
            "Sumber: Dinas Koperasi dan UKM Kabupaten/Kota (diolah)",
        )
    if dataset == "indikator_umkm":
        return (f"INDIKATOR UMKM PROVINSI {name}", period_label(period))
    if dataset == "kerja_sama":
        return (
            f"REGISTER KERJA SAMA DINAS KOPERASI DAN UKM PROVINSI {name}",
            f"Keadaan s.d. {when}",
        )
    return (f"LAPORAN PELAKSANAAN KERJA SAMA PROVINSI {name}", period_label(period))


# A profile: how one clerk writes files. (style kwargs, header mode, category style,
# regency variants?, extra columns)
PROFILES: dict[str, tuple[dict, str, str, bool, tuple]] = {
    "A": (
        dict(
            fmt="csv", delimiter=",", encoding="utf-8", numbers="plain", dates="iso", percent="sign"
        ),
        "canonical",
        "lower",
        False,
        (),
    ),
    "B": (
        dict(
            fmt="csv",
            delimiter=";",
            encoding="utf-8-sig",
            numbers="id",
            dates="dmy_slash",
            percent="comma",
            titles=True,
        ),
        "title",
        "title",
        True,
        (),
    ),
    "C": (
        dict(
            fmt="csv",
            delimiter=";",
            encoding="cp1252",
            numbers="rp",
            dash_zero=True,
            dates="dmy_dash",
            percent="sign",
        ),
        "upper",
        "upper",
        False,
        ("keterangan",),
    ),
    "D": (
        dict(
            fmt="csv",
            delimiter=",",
            encoding="utf-8",
            numbers="id",
            dates="id_long",
            percent="sign",
            empty=True,
            total="JUMLAH",
        ),
        "alias",
        "messy",
        True,
        (),
    ),
    "E": (
        dict(fmt="xlsx", numbers="plain", dates="native", percent="native"),
        "title",
        "title",
        False,
        (),
    ),
    "F": (
        dict(
            fmt="xlsx",
            numbers="id",
            dates="id_short",
            percent="sign",
            titles=True,
            front=True,
            text_numbers=True,
        ),
        "title",
        "mixed",
        True,
        ("no",),
    ),
    "G": (
        dict(
            fmt="csv",
            delimiter=";",
            encoding="utf-8",
            numbers="plain",
            dates="mixed",
            percent="comma",
            empty=True,
        ),
        "mixed",
        "mixed",
        True,
        ("no", "alamat"),
    ),
    "H": (
        dict(
            fmt="csv",
            delimiter=",",
            encoding="utf-8-sig",
            numbers="rp00",
            dates="dmy_slash",
            percent="sign",
            total="TOTAL",
        ),
        "title",
        "lower",
        False,
        ("provinsi",),
    ),
}


@dataclass
class Layout:
    """How one file looks: what it is for, and the clerk's habits (a profile) applied to it."""

    dataset: str
    prov: Province
    period: str
    style: Style
    header: str
    cats: str
    regencies: bool
    extras: tuple[str, ...]


def layout(
    profile: str,
    dataset: str,
    prov: Province,
    period: str,
    nrows: int,
    rng: random.Random,
    **style: object,
) -> Layout:
    """The clerk ``profile`` applied to one file; ``style`` overrides it for this file only."""
    kw, header, cats, regencies, extras = PROFILES[profile]
    kw = dict(kw)
    st = Style(fmt=kw.pop("fmt"))
    for key in ("delimiter", "encoding", "numbers", "dates", "percent"):
        if key in kw:
            setattr(st, key, kw.pop(key))
    st.dash_zero = kw.pop("dash_zero", False)
    if kw.pop("titles", False):
        st.title_lines = title_lines(dataset, prov, period)
    if kw.pop("empty", False) and nrows > 3:
        st.empty_rows_after = tuple(sorted(rng.sample(range(nrows - 1), min(3, nrows // 4 or 1))))
    total = kw.pop("total", None)
    st.total_row = total if dataset in ("koperasi", "umkm") else None
    if kw.pop("front", False):
        st.front_sheet = "Petunjuk"
        st.sheet = dataset
    else:
        st.sheet = rng.choice(("Sheet1", "Data", "Lembar1"))
    st.xlsx_text_numbers = kw.pop("text_numbers", False)
    assert not kw, kw
    return Layout(dataset, prov, period, replace(st, **style), header, cats, regencies, extras)


EXTRA_LABELS = {
    "no": "No",
    "alamat": "Alamat",
    "keterangan": "Keterangan",
    "provinsi": "Provinsi",
    "kode_bps": "kode_bps",
    "no_hp": "No HP",
    "nama_pemilik": "Nama Pemilik",
}


def build_table(
    lay: Layout,
    rows: list[dict],
    rng: random.Random,
    *,
    drop: tuple[str, ...] = (),
    extras: tuple[str, ...] | None = None,
    province_cells: Province | None = None,
) -> tuple[list[Column], list[str]]:
    """Columns + surface-form functions for ``rows``; fills extra-column values in place."""
    dataset, prov = lay.dataset, lay.prov
    extras = lay.extras if extras is None else extras
    ex = tuple((k, EXTRA_LABELS[k]) for k in extras)
    cols = b.columns(
        dataset,
        lay.header,
        rng,
        drop=drop,
        extras=ex,
        extras_first=bool(extras) and extras[0] == "no",
    )
    tags: list[str] = []
    if lay.header == "alias" and dataset in b.ALIASES:
        tags.append("header_aliases")
    elif lay.header in ("title", "upper", "mixed"):
        tags.append("header_case_spacing")
        if lay.header == "mixed" and dataset in b.ALIASES:
            tags.append("header_aliases")
    lay.style.cats = b.category_surfaces(dataset, lay.cats, rng)
    if lay.cats != "lower":
        tags.append("categorical_variants")
    if lay.regencies and any(c.key == "kabupaten_kota" for c in cols):
        lay.style.cats["kabupaten_kota"] = b.regency_surface("variants")
        tags.append("regency_variants")
    if "provinsi" in extras:
        lay.style.cats["provinsi"] = b.province_surface(province_cells or prov)
    if any(c.key == "provinsi_mitra" for c in cols):

        def mitra(v, r):
            p = BY_CODE[v]
            return r.choice((p.code, p.name, f"Prov. {p.name}", p.name.upper()))

        lay.style.cats["provinsi_mitra"] = mitra
    for i, r in enumerate(rows):
        for k in extras:
            if k == "no":
                r[k] = str(i + 1)
            elif k == "alamat":
                r[k] = f"Jl. {rng.choice(ref.KOPERASI_NAMES)} No. {rng.randint(1, 250)}"
            elif k == "keterangan":
                r[k] = rng.choice(("", "", "", "Perlu verifikasi", "Data baru", "Pindah alamat"))
            elif k == "provinsi":
                r[k] = (province_cells or prov).name
            elif k == "kode_bps":
                r[k] = (province_cells or prov).bps
            elif k == "no_hp":
                r[k] = f"08{rng.randrange(10**9, 10**10)}"
    return cols, tags


def table_bytes(lay: Layout, rows: list[dict], rng: random.Random) -> bytes:
    """The rendered file for ``rows`` in ``lay``, for files planted as raw bytes."""
    cols, _ = build_table(lay, rows, rng)
    return render(cols, rows, lay.style, rng).data


ACCENT_COLUMNS = {
    "koperasi": ("nama_koperasi", " Café"),
    "umkm": ("nama_usaha", " Café"),
    "indikator_umkm": ("sumber", " – diolah, angka sementara"),
    "kerja_sama": ("judul", " (Kopi & Café)"),
    "kegiatan_kerja_sama": ("uraian", " – produk kopi & café"),
}


def ensure_accent(dataset: str, rows: list[dict]) -> None:
    """Windows-1252 files carry a non-ASCII letter (a name with é, an en dash)."""
    key, suffix = ACCENT_COLUMNS[dataset]
    if rows and not any(any(ord(ch) > 127 for ch in str(r.get(key) or "")) for r in rows):
        row = next((r for r in rows if r.get(key)), rows[0])
        row[key] = str(row.get(key) or "") + suffix
