"""The sample dropzone: which files, in which variants, with which planted defects.

Every province sends its regular files in the layout of a clerk profile (:data:`.plan.PROFILES`);
the stories planted on top, by dataset:

- koperasi 2023 and 2024: Sulawesi Tenggara's preliminary 2024 register superseded by a
  ``_revisi`` workbook (the ``cooperative_health`` anchor); Kalimantan Barat three quarantined
  rows; Sumatera Utara warnings only; Jawa Barat a revision without ``status_aktif`` and
  Gorontalo Sulawesi Utara's register, both rejected while the earlier file stays in force;
- umkm 2024 (Jawa Timur and Sulawesi Tenggara also by semester, the ``umkm_register``
  anchor): Nusa Tenggara Timur a PNG, Kalimantan Selatan a missing column, Maluku Utara a
  header-only file then a ``_v2``, Jawa Barat eight quarantined rows, Banten skala warnings,
  DI Yogyakarta two files with the same mtime, Bali a byte-identical copy;
- indikator_umkm by semester (and year for some): Jawa Timur's share (the ``umkm_share``
  anchor), Kalimantan Tengah a truncated workbook then a CSV;
- kerja_sama and kegiatan 2025Q2: Sulawesi Tenggara's agreements (the
  ``agreement_implementation`` anchor), quarantined rows in Nusa Tenggara Barat and Jawa
  Barat, a 0-byte upload from Kalimantan Timur;
- file-name defects (unknown dataset, unknown province, bad period) and DI Yogyakarta's
  rejected revision of every dataset.

Everything random comes from ``random.Random`` instances seeded with the generator's seed
plus a label of what is being generated, so adding a file never changes another one.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from . import builders as b
from . import reference as ref
from .plan import (
    PROFILES,
    SCALES,
    Plan,
    arrival_between,
    file_name,
    layout,
    table_bytes,
    title_lines,
    utc,
)
from .reference import BY_CODE, PROVINCES, Province
from .render import Raw

KERJA_SAMA_PROVINCES = (
    "11",
    "12",
    "31",
    "32",
    "33",
    "34",
    "35",
    "51",
    "52",
    "53",
    "63",
    "64",
    "71",
    "73",
    "74",
    "91",
    "96",
)
KERJA_SAMA_PERIOD = "2025Q2"
INDIKATOR_YEAR_PROVINCES = ("11", "12", "31", "32", "33", "35", "36", "51", "73", "74", "91")


# ---------------------------------------------------------------------------------------------
# the plan


def build(seed: int, scale: str) -> Plan:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}, not {scale!r}")
    plan = Plan(seed, scale)
    _koperasi(plan)
    _umkm(plan)
    _indikator(plan)
    _kerja_sama(plan)
    _name_defects(plan)
    _rejected_revisions(plan)
    return plan


def _profile(plan: Plan, *parts, allowed=tuple(PROFILES)) -> str:
    return plan.rng("profile", *parts).choice(allowed)


def _token(plan: Plan, prov: Province, *parts) -> str:
    x = plan.rng("token", prov.code, *parts).random()
    if x < 0.5:
        return "code"
    if x < 0.8 and prov.aliases:
        return "alias"
    return "slug"


# ---- koperasi ----------------------------------------------------------------------------------

SULTRA_COUNTS = {  # book year: (total, active, rat_held, rat_on_time)
    2023: (2874, 2268, 397, 352),
    2024: (2912, 2300, 420, 371),
}


def _koperasi(plan: Plan) -> None:
    k = plan.k
    for prov in PROVINCES:
        if prov.code == "74":
            _koperasi_sultra(plan, prov)
            continue
        rng = plan.rng("koperasi", prov.code)
        n24 = prov.weight * 60 * k + rng.randint(0, 25)
        register = b.koperasi_register(plan.rng("koperasi-register", prov.code), prov, n24)
        for year in (2023, 2024):
            reg = register[: n24 - (rng.randint(3, 9) if year == 2023 else 0)]
            n = len(reg)
            n_active = int(n * rng.uniform(0.62, 0.82))
            n_rat = int(n_active * rng.uniform(0.3, 0.75))
            n_on_time = int(n_rat * rng.uniform(0.75, 0.95))
            rows = b.koperasi_rows(
                plan.rng("koperasi-rows", prov.code, year),
                reg,
                year,
                n_active=n_active,
                n_rat=n_rat,
                n_on_time=n_on_time,
                cents=rng.random() < 0.3,
            )
            _koperasi_file(plan, prov, year, rows)


def _koperasi_file(plan: Plan, prov: Province, year: int, rows: list[dict]) -> None:
    period = str(year)
    rng = plan.rng("koperasi-file", prov.code, year)
    arrival = arrival_between(rng, b.D(year + 1, 10, 1), b.D(year + 1, 11, 15))
    profile = _profile(plan, "koperasi", prov.code, year)
    token = _token(plan, prov, "koperasi", year)
    folder = f"koperasi/{year}/"
    upper = False
    tags: list[str] = []
    note = None
    special = None
    if prov.code == "35" and year == 2024:
        profile, token, upper, folder = "A", "alias", True, "jatim/"
    elif prov.code == "91":
        profile, folder = "E", "papua/"
    elif prov.code == "34":
        token = "alias"
    elif prov.code == "61" and year == 2024:
        profile, special = "B", "kalbar_quarantine"
    elif prov.code == "12" and year == 2024:
        profile, special = "D", "sumut_warnings"
    elif prov.code == "32" and year == 2024:
        profile, special = "A", "jabar_rejected_resubmission"
    elif prov.code == "75" and year == 2024:
        profile, special = "B", "gorontalo_wrong_province"
    elif prov.code == "92":
        token = "slug"
    lay = layout(profile, "koperasi", prov, period, len(rows), rng)
    if special == "kalbar_quarantine":
        _koperasi_quarantine(rows, rng)
        tags.append("defect")
        note = "three rows quarantined: unparseable aset, negative modal_sendiri, empty nama"
    elif special == "sumut_warnings":
        _koperasi_rat_warnings(rows, rng, year)
        tags.append("defect")
        note = "warnings only: two suspicious RAT dates, two inactive cooperatives with a RAT"
    plan.plant(folder, lay, rows, rng, arrival, token=token, upper=upper, tags=tags, note=note)

    if special == "jabar_rejected_resubmission":
        plan.plant(
            folder,
            layout("A", "koperasi", prov, period, len(rows), rng),
            rows[:-4],
            rng,
            arrival + dt.timedelta(days=9, hours=3),
            token=token,
            suffix="_revisi",
            drop=("status_aktif",),
            reject="file.no_header",
            tags=["defect", "rejected_resubmission", "resubmission"],
            note="revision without the status_aktif column: rejected, the earlier "
            "accepted file stays in force",
        )
    if special == "gorontalo_wrong_province":
        sulut = BY_CODE["71"]
        srows = b.koperasi_rows(
            plan.rng("gorontalo-wrong", year),
            b.koperasi_register(plan.rng("gorontalo-wrong-reg"), sulut, 90),
            year,
            n_active=60,
            n_rat=30,
            n_on_time=25,
        )
        plan.plant(
            folder,
            layout("B", "koperasi", prov, period, len(srows), rng, title_lines=()),
            srows,
            rng,
            arrival + dt.timedelta(days=5),
            token="slug",
            suffix="_v2",
            extras=("no", "provinsi"),
            province_cells=sulut,
            reject="file.wrong_province",
            tags=["defect", "rejected_resubmission", "resubmission"],
            note="Sulawesi Utara's register sent under Gorontalo's name "
            "(provinsi column): rejected, the earlier file stays in force",
        )


def _koperasi_quarantine(rows: list[dict], rng: random.Random) -> None:
    idx = rng.sample([i for i, r in enumerate(rows) if r["_active"]], 3)
    rows[idx[0]]["aset"] = Raw("1O.250.000")
    rows[idx[0]]["_rule"] = "value.not_a_number"
    rows[idx[1]]["modal_sendiri"] = -5_000_000
    rows[idx[1]]["_rule"] = "value.negative"
    rows[idx[2]]["nama_koperasi"] = None
    rows[idx[2]]["_rule"] = "value.required"


def _koperasi_rat_warnings(rows: list[dict], rng: random.Random, year: int) -> None:
    active_no_rat = [i for i, r in enumerate(rows) if r["_active"] and not r["tanggal_rat"]]
    inactive = [i for i, r in enumerate(rows) if not r["_active"]]
    a, c = rng.sample(active_no_rat, 2), rng.sample(inactive, 2)
    rows[a[0]]["tanggal_rat"] = b.D(year + 2, 2, 10)  # typed 2026 for 2025
    rows[a[1]]["tanggal_rat"] = b.D(year, 3, 15)  # the RAT of the previous book year
    for i in a:
        rows[i]["_rule"] = "koperasi.rat_outside_window"
    for i in c:
        rows[i]["tanggal_rat"] = b.rand_date(rng, b.D(year + 1, 3, 1), b.D(year + 1, 5, 31))
        rows[i]["_rule"] = "koperasi.inactive_with_rat"


def _koperasi_sultra(plan: Plan, prov: Province) -> None:
    total24 = SULTRA_COUNTS[2024][0]
    register = b.koperasi_register(plan.rng("koperasi-register", prov.code), prov, total24)
    figures = {}
    for year in (2023, 2024):
        total, active, rat, on_time = SULTRA_COUNTS[year]
        rows = b.koperasi_rows(
            plan.rng("koperasi-rows", prov.code, year),
            register[:total],
            year,
            n_active=active,
            n_rat=rat,
            n_on_time=on_time,
        )
        figures[year] = (rows, b.koperasi_figures(rows, year))
    rng = plan.rng("koperasi-file", prov.code)

    # 2023: a semicolon CSV with title lines
    rows23 = figures[2023][0]
    e23 = plan.plant(
        "sultra/",
        layout("B", "koperasi", prov, "2023", len(rows23), rng),
        rows23,
        rng,
        utc(2024, 10, 14, 2, 41, 7),
        token="alias",
        tags=["anchor"],
    )

    # 2024 preliminary: 9 fewer active cooperatives, 5 fewer RATs (Windows-1252, Rp, '-')
    rows24, fig24 = figures[2024]
    prelim = [dict(r) for r in rows24]
    no_rat_active = [i for i, r in enumerate(prelim) if r["_active"] and not r["tanggal_rat"]]
    rat_active = [i for i, r in enumerate(prelim) if r["_active"] and r["tanggal_rat"]]
    for i in rng.sample(no_rat_active, 9):
        prelim[i].update(status_aktif=False, _active=False)
    for i in rng.sample(rat_active, 5):
        prelim[i].update(tanggal_rat=None, _rat=None)
    e_pre = plan.plant(
        "sultra/",
        layout("C", "koperasi", prov, "2024", len(prelim), rng),
        prelim,
        rng,
        utc(2025, 10, 6, 1, 12, 40),
        tags=["superseded"],
        note="preliminary register, superseded by the _revisi workbook",
    )

    # 2024 revision (the anchor): workbook, title lines, native dates, JUMLAH row
    e24 = plan.plant(
        "sultra/",
        layout(
            "E",
            "koperasi",
            prov,
            "2024",
            len(rows24),
            rng,
            title_lines=title_lines("koperasi", prov, "2024"),
            total_row="JUMLAH",
            sheet="Koperasi Sultra",
        ),
        rows24,
        rng,
        utc(2025, 10, 20, 3, 5, 0),
        token="slug",
        suffix="_revisi",
        tags=["anchor", "resubmission"],
        note="revised register after the Satgas verification: in force",
    )
    fig_pre = b.koperasi_figures(prelim, 2024)
    plan.anchors["cooperative_health"] = [
        {
            "province_code": "74",
            "province_name": prov.name,
            "book_year": 2024,
            "source_file": e24["path"],
            "superseded_file": e_pre["path"],
            "note": "members_*, *_idr and healthy_count sum every cooperative of the register "
            "(active and inactive); rat_* count active ones; rat_on_time: RAT by 30 June Y+1",
            "superseded_figures": {
                k: fig_pre[k] for k in ("cooperatives_active", "rat_held", "rat_compliance_pct")
            },
            **fig24,
        },
        {
            "province_code": "74",
            "province_name": prov.name,
            "book_year": 2023,
            "source_file": e23["path"],
            **figures[2023][1],
        },
    ]
    assert fig24["cooperatives_active"] == 2300 and fig24["rat_held"] == 420
    assert fig24["rat_compliance_pct"] == 18.26


# ---- umkm --------------------------------------------------------------------------------------

UMKM_SEMESTER_PROVINCES = ("35", "74")


def _umkm(plan: Plan) -> None:
    k = plan.k
    for prov in PROVINCES:
        rng = plan.rng("umkm", prov.code)
        periods = ["2024"]
        if prov.code in UMKM_SEMESTER_PROVINCES:
            periods = ["2023S1", "2024S1", "2024"]
        for period in periods:
            n = prov.weight * 100 * k + rng.randint(0, 60)
            if period.endswith("S1"):
                n = n // 2
            _, end = b.period_bounds(period)
            rows = b.umkm_rows(plan.rng("umkm-rows", prov.code, period), prov, end, n)
            _umkm_file(plan, prov, period, rows)


def _umkm_arrival(rng: random.Random, period: str) -> dt.datetime:
    _, end = b.period_bounds(period)
    return arrival_between(rng, end + dt.timedelta(days=40), end + dt.timedelta(days=100))


def _umkm_file(plan: Plan, prov: Province, period: str, rows: list[dict]) -> None:
    rng = plan.rng("umkm-file", prov.code, period)
    arrival = _umkm_arrival(rng, period)
    profile = _profile(plan, "umkm", prov.code, period)
    token = _token(plan, prov, "umkm", period)
    folder, suffix, extras = f"umkm/{period}/", "", None
    tags: list[str] = []
    note = None
    code = prov.code
    if code == "35":
        folder = "jatim/"
        profile, token = {"2023S1": ("D", "slug"), "2024S1": ("E", "code"), "2024": ("B", "alias")}[
            period
        ]
        if period.endswith("S1"):
            tags.append("anchor")
    elif code == "74":
        folder = "sultra/"
        profile, token = {
            "2023S1": ("G", "alias"),
            "2024S1": ("F", "slug"),
            "2024": ("C", "alias"),
        }[period]
    elif code == "91":
        profile, folder, token, extras = "A", "papua/", "code", ("kode_bps",)
    elif code == "92":
        token = "slug"
    elif code == "96":
        token, profile = "slug", "E"
    elif code == "53":
        return _junk(plan, prov, period, rng, arrival)
    elif code == "63":
        return _umkm_missing_column(plan, prov, period, rows, rng, arrival)
    elif code == "82":
        _umkm_header_only(plan, prov, period, rows, rng, arrival)
        arrival += dt.timedelta(days=6, hours=1)
        suffix = "_v2"
        tags.append("corrected_resubmission")
        tags.append("resubmission")
        note = "corrected file after the header-only submission was rejected"
    elif code == "32":
        profile = "B"
        _umkm_quarantine(rows, rng)
        tags.append("defect")
        note = "eight rows quarantined (NIB shape, omzet > 50 M, halal without date, ...)"
    elif code == "36":
        profile = "E"
        _umkm_skala_warnings(rows, rng)
        tags.append("defect")
        note = "warnings only: declared skala_usaha contradicts omzet_tahunan"
    elif code == "34":
        return _umkm_tie(plan, prov, period, rows, rng, arrival)
    elif code == "51":
        profile = "A"
    lay = layout(profile, "umkm", prov, period, len(rows), rng)
    if extras is None and code in ("35", "73") and period == "2024":
        extras = ("provinsi",)
    e = plan.plant(
        folder,
        lay,
        rows,
        rng,
        arrival,
        token=token,
        suffix=suffix,
        extras=extras,
        tags=tags,
        note=note,
    )
    if code in UMKM_SEMESTER_PROVINCES and period.endswith("S1"):
        plan.anchors.setdefault("umkm_register", []).append(
            {
                "province_code": code,
                "period": period,
                "source_file": e["path"],
                **b.umkm_figures(rows),
            }
        )
    if code == "51":
        # the same bytes sent again under another name, a month later
        name2, ntags2 = file_name("umkm", prov, period, token="code", suffix="_final")
        plan.add_duplicate(
            "arsip/" + name2, e, arrival + dt.timedelta(days=30), tags=["duplicate_copy"] + ntags2
        )


def _umkm_quarantine(rows: list[dict], rng: random.Random) -> None:
    idx = rng.sample(range(len(rows)), 8)
    r = [rows[i] for i in idx]
    r[0]["nib"], r[0]["_rule"] = "912010234567", "value.identifier_shape"
    r[1]["nib"], r[1]["_rule"] = "91202301234567", "value.identifier_shape"
    r[2].update(
        omzet_tahunan=75_500_000_000,
        modal_usaha=9_000_000_000,
        skala_usaha=None,
        _rule="umkm.omzet_above_menengah",
    )
    r[3].update(
        sertifikat_halal="reguler", tanggal_sertifikat_halal=None, _rule="umkm.halal_date_missing"
    )
    r[4].update(
        sertifikat_halal="self declare",
        tanggal_sertifikat_halal=None,
        _rule="umkm.halal_date_missing",
    )
    r[5].update(omzet_tahunan=Raw("dua juta"), skala_usaha=None, _rule="value.not_a_number")
    r[6].update(modal_usaha=-15_000_000, _rule="value.negative")
    r[7].update(kabupaten_kota=None, _rule="value.required")


def _umkm_skala_warnings(rows: list[dict], rng: random.Random) -> None:
    idx = rng.sample(range(len(rows)), 3)
    for i, (skala, omzet) in zip(
        idx,
        (("mikro", 8_250_000_000), ("menengah", 500_000_000), ("kecil", 30_000_000_000)),
        strict=True,
    ):
        rows[i].update(skala_usaha=skala, omzet_tahunan=omzet, _rule="umkm.skala_mismatch")


def _junk(
    plan: Plan, prov: Province, period: str, rng: random.Random, arrival: dt.datetime
) -> None:
    plan.reject_bytes(
        f"umkm/{period}/",
        "umkm",
        prov,
        period,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4096),
        arrival,
        token="alias",
        rule="file.unreadable",
        tags=["defect"],
        note="a PNG screenshot saved under a .csv name",
    )


def _umkm_missing_column(plan, prov, period, rows, rng, arrival) -> None:
    lay = layout("E", "umkm", prov, period, len(rows), rng)
    for r in rows:
        r["nama_pemilik"] = f"{rng.choice(('Bapak', 'Ibu'))} {rng.choice(ref.OWNER_NAMES)}"
    plan.plant(
        f"umkm/{period}/",
        lay,
        rows,
        rng,
        arrival,
        token="alias",
        drop=("nama_usaha",),
        extras=("nama_pemilik",),
        reject="file.no_header",
        tags=["defect"],
        note="no nama_usaha column (the clerk sent nama pemilik instead)",
    )


def _umkm_header_only(plan, prov, period, rows, rng, arrival) -> None:
    plan.plant(
        f"umkm/{period}/",
        layout("A", "umkm", prov, period, 0, rng),
        [],
        rng,
        arrival,
        token="alias",
        reject="file.empty",
        tags=["defect", "corrected_resubmission"],
        note="header row only, no data rows; a corrected _v2 follows",
    )


def _umkm_tie(plan, prov, period, rows, rng, arrival) -> None:
    """Two files for the same key with the same mtime: the later name is in force."""
    for suffix, rs, extra_tags in (
        ("", rows[:-3], ["superseded"]),
        ("_v2", rows, ["resubmission", "resubmission_same_mtime"]),
    ):
        plan.plant(
            f"umkm/{period}/",
            layout("H", "umkm", prov, period, len(rs), rng),
            rs,
            rng,
            arrival,
            token="alias",
            suffix=suffix,
            tags=extra_tags,
            note="same mtime as its sibling; ties are broken by name",
        )


# ---- indikator_umkm ---------------------------------------------------------------------

JATIM_SHARE = {"2023S1": Decimal("59.18"), "2024S1": Decimal("60.43")}


def _indikator(plan: Plan) -> None:
    for prov in PROVINCES:
        rng = plan.rng("indikator", prov.code)
        base = Decimal(rng.randint(5200, 6400)) / 100
        periods = ["2023S1", "2024S1"]
        if prov.code in INDIKATOR_YEAR_PROVINCES:
            periods.append("2023")
        entries = {}
        for period in periods:
            if prov.code == "35":
                share = JATIM_SHARE.get(period, Decimal("59.74"))
            else:
                delta = (
                    Decimal(rng.randint(-100, 150)) / 100
                    if period == "2024S1"
                    else Decimal(rng.randint(-40, 40)) / 100
                )
                share = base + delta
            entries[period] = _indikator_file(plan, prov, period, share, rng)
        if prov.code == "35":
            plan.anchors["umkm_share"] = {
                "province_code": "35",
                "province_name": prov.name,
                "period": "2024S1",
                "umkm_share_of_grdp_pct": 60.43,
                "previous_period": "2023S1",
                "previous_share_pct": 59.18,
                "share_change_pp": 1.25,
                "source_file": entries["2024S1"]["path"],
                "previous_source_file": entries["2023S1"]["path"],
            }


def _indikator_file(
    plan: Plan, prov: Province, period: str, share: Decimal, rng: random.Random
) -> dict:
    frng = plan.rng("indikator-file", prov.code, period)
    semester = period.endswith("S1")
    grdp_bn = Decimal(prov.grdp_t * 1000) * (Decimal("0.5") if semester else 1)
    value_added = (grdp_bn * share / 100).quantize(Decimal("0.01"))
    units = int(prov.population_m * 1e6 * frng.uniform(0.19, 0.23))
    row = {
        "kontribusi_pdrb_persen": share,
        "nilai_tambah_umkm": value_added if frng.random() < 0.7 else None,
        "jumlah_umkm": units,
        "tenaga_kerja_umkm": int(units * frng.uniform(1.6, 2.2)),
        "sumber": frng.choice(
            (
                f"BPS Provinsi {prov.name} dan Dinas Koperasi dan UKM (diolah)",
                "PDRB ADHB, BPS; pendataan KUMKM",
                f"Dinas Koperasi dan UKM Provinsi {prov.name}",
            )
        ),
    }
    arrival = arrival_between(
        frng,
        b.period_bounds(period)[1] + dt.timedelta(days=60),
        b.period_bounds(period)[1] + dt.timedelta(days=110),
    )
    profile = _profile(plan, "indikator", prov.code, period)
    token = _token(plan, prov, "indikator", period)
    folder = "indikator_umkm/" if frng.random() < 0.6 else ""
    tags: list[str] = []
    if prov.code == "35":
        profile, token, folder = {
            "2023S1": ("B", "code", "jatim/"),
            "2024S1": ("E", "alias", "jatim/"),
            "2023": ("A", "slug", "jatim/"),
        }[period]
        if semester:
            tags.append("anchor")
    elif prov.code == "91":
        folder = "papua/"
    if prov.code == "62" and period == "2024S1":
        # a corrupt workbook first, the CSV two days later
        good = table_bytes(layout("E", "indikator_umkm", prov, period, 1, frng), [row], frng)
        plan.reject_bytes(
            folder,
            "indikator_umkm",
            prov,
            period,
            good[: len(good) * 3 // 5],
            arrival,
            token="alias",
            rule="file.unreadable",
            tags=["defect", "corrected_resubmission", "xlsx"],
            fmt="xlsx",
            note="truncated upload (corrupt zip); the CSV follows two days later",
        )
        arrival += dt.timedelta(days=2)
        profile = "A"
        tags += ["corrected_resubmission", "resubmission"]
    return plan.plant(
        folder,
        layout(profile, "indikator_umkm", prov, period, 1, frng),
        [row],
        frng,
        arrival,
        token=token,
        tags=tags,
    )


# ---- kerja_sama / kegiatan_kerja_sama --------------------------------------------------------


def _kerja_sama(plan: Plan) -> None:
    period = KERJA_SAMA_PERIOD
    _, as_of = b.period_bounds(period)
    for code in KERJA_SAMA_PROVINCES:
        prov = BY_CODE[code]
        rng = plan.rng("kerja_sama", code)
        if code == "74":
            agreements, activities = _sultra_agreements(prov)
        else:
            agreements, activities = b.kerja_sama_rows(
                plan.rng("kerja_sama-rows", code), prov, as_of, rng.randint(5, 10) * plan.k
            )
            agreements, activities = _story_agreements(code, prov, agreements, activities)
        arrival = arrival_between(rng, b.D(2025, 7, 7), b.D(2025, 7, 31))
        _kerja_sama_files(plan, prov, period, agreements, activities, arrival, rng)
        if code == "74":
            plan.anchors["agreement_implementation"] = _agreement_anchor(
                agreements, activities, as_of, plan
            )


def _story_agreements(code, prov, agreements, activities):
    """Agreements from the news context: Aceh-Jawa Tengah in preparation, Jatim-Sultra PKS."""
    if code in ("11", "33"):
        other = BY_CODE["33" if code == "11" else "11"]
        agreements.append(
            {
                "nomor_dokumen": f"DRAF/PKS/{prov.name.upper().replace(' ', '')}-"
                f"{other.name.upper().replace(' ', '')}/2025",
                "jenis_dokumen": "PKS",
                "judul": "Pengembangan Potensi Daerah dan Daya Saing Koperasi dan UMKM",
                "nama_mitra": f"Pemerintah Provinsi {other.name}",
                "jenis_mitra": "pemerintah provinsi",
                "provinsi_mitra": other.code,
                "tanggal_tanda_tangan": b.D(2025, 11, 5),
                "tanggal_berakhir": None,
                "dokumen_induk": None,
                "ruang_lingkup": "Kunjungan kerja dan pertukaran praktik baik",
                "status": "draf",
            }
        )
    if code == "32":
        # always one long-running agreement for the kegiatan defects to refer to
        agreements.append(
            {
                "nomor_dokumen": "518/017/PKS/DISKOPUKM-JABAR/II/2023",
                "jenis_dokumen": "PKS",
                "judul": "Akses Pembiayaan bagi Koperasi dan UMKM",
                "nama_mitra": "PT Bank Pembangunan Daerah Jawa Barat dan Banten Tbk",
                "jenis_mitra": "BUMN/BUMD",
                "provinsi_mitra": None,
                "tanggal_tanda_tangan": b.D(2023, 2, 14),
                "tanggal_berakhir": b.D(2028, 2, 14),
                "dokumen_induk": None,
                "ruang_lingkup": "Kredit usaha rakyat dan literasi keuangan",
                "status": "berjalan",
            }
        )
        activities.append(
            b.kegiatan_row(
                random.Random("jabar-bjb"),
                "518/017/PKS/DISKOPUKM-JABAR/II/2023",
                b.D(2024, 10, 8),
                "temu bisnis",
                "Temu bisnis pembiayaan UMKM",
            )
        )
    if code == "35":
        agreements.append(
            {
                "nomor_dokumen": "120/4471/PKS/114.2/2022",
                "jenis_dokumen": "PKS",
                "judul": "Pemberdayaan Koperasi, Usaha Kecil dan Menengah",
                "nama_mitra": "Dinas Koperasi dan UMKM Provinsi Sulawesi Tenggara",
                "jenis_mitra": "pemerintah provinsi",
                "provinsi_mitra": "74",
                "tanggal_tanda_tangan": b.D(2022, 9, 8),
                "tanggal_berakhir": b.D(2027, 9, 8),
                "dokumen_induk": None,
                "ruang_lingkup": "Arus informasi potensi wilayah, distribusi barang dan jasa",
                "status": "berjalan",
            }
        )
        activities.append(
            b.kegiatan_row(
                random.Random("jatim-sultra"),
                "120/4471/PKS/114.2/2022",
                b.D(2023, 6, 16),
                "kunjungan kerja",
                "Kunjungan kerja Diskop UMKM Sultra ke Diskop UKM Jatim",
            )
        )
    return agreements, activities


SULTRA_AS_OF = b.D(2025, 6, 30)


def _sultra_agreements(prov: Province) -> tuple[list[dict], list[dict]]:
    rng = random.Random("sultra-agreements")
    A = []

    def agr(
        nomor,
        kind,
        judul,
        mitra,
        jenis,
        signed,
        ends,
        status,
        *,
        mitra_prov=None,
        induk=None,
        scope=None,
    ):
        A.append(
            {
                "nomor_dokumen": nomor,
                "jenis_dokumen": kind,
                "judul": judul,
                "nama_mitra": mitra,
                "jenis_mitra": jenis,
                "provinsi_mitra": mitra_prov,
                "tanggal_tanda_tangan": signed,
                "tanggal_berakhir": ends,
                "dokumen_induk": induk,
                "ruang_lingkup": scope,
                "status": status,
            }
        )
        return nomor

    D = b.D
    mou_jatim = agr(
        "120/23/NK/2022",
        "MoU",
        "Kerja Sama Pembangunan Daerah",
        "Pemerintah Provinsi Jawa Timur",
        "pemerintah provinsi",
        D(2022, 3, 15),
        D(2027, 3, 15),
        "berjalan",
        mitra_prov="35",
    )
    pks_jatim = agr(
        "518/045/PKS/DKUMKM-ST/IX/2022",
        "PKS",
        "Pemberdayaan Koperasi, Usaha Kecil dan Menengah",
        "Dinas Koperasi dan UKM Provinsi Jawa Timur",
        "pemerintah provinsi",
        D(2022, 9, 8),
        D(2027, 9, 8),
        "berjalan",
        mitra_prov="35",
        induk=mou_jatim,
        scope="Arus informasi potensi wilayah; distribusi barang dan jasa; promosi",
    )
    bank = agr(
        "518/112/PKS/DKUMKM-ST/XI/2024",
        "PKS",
        "Akses Pembiayaan bagi Koperasi dan UMKM Sulawesi Tenggara",
        "PT Bank Pembangunan Daerah Sulawesi Tenggara",
        "BUMN/BUMD",
        D(2024, 11, 12),
        D(2026, 11, 12),
        "ditandatangani",
        scope="KUR dan kredit usaha mikro",
    )
    uho = agr(
        "007/NK/DKUMKM-ST/V/2023",
        "MoU",
        "Peningkatan Kapasitas SDM Koperasi dan UMKM",
        "Universitas Halu Oleo",
        "perguruan tinggi",
        D(2023, 5, 24),
        D(2028, 5, 24),
        "berjalan",
    )
    telkom = agr(
        "518/031/PKS/DKUMKM-ST/VI/2021",
        "PKS",
        "Digitalisasi UMKM Sulawesi Tenggara",
        "PT Telkom Indonesia (Persero) Tbk",
        "BUMN/BUMD",
        D(2021, 6, 1),
        D(2024, 6, 1),
        "berjalan",
    )
    media = agr(
        "003/KB/DKUMKM-ST/II/2023",
        "Kesepakatan Bersama",
        "Publikasi Produk Unggulan Koperasi dan UMKM",
        "Kendari Pos",
        "media",
        D(2023, 2, 1),
        D(2025, 8, 15),
        "berjalan",
    )
    akumindo = agr(
        "011/NK/DKUMKM-ST/I/2022",
        "MoU",
        "Pendampingan UMKM Naik Kelas",
        "Asosiasi UMKM Indonesia (Akumindo) Sulawesi Tenggara",
        "asosiasi",
        D(2022, 1, 10),
        D(2025, 12, 31),
        "selesai",
    )
    shopee = agr(
        "518/020/PKS/DKUMKM-ST/II/2024",
        "PKS",
        "Perluasan Akses Pasar Digital",
        "PT Shopee International Indonesia",
        "swasta",
        D(2024, 2, 1),
        D(2026, 2, 1),
        "dibatalkan",
    )
    agr(
        "DRAF/NK/DKUMKM-ST/2025",
        "MoU",
        "Pendataan Lengkap Koperasi dan UMKM",
        "Kementerian UMKM Republik Indonesia",
        "kementerian/lembaga",
        D(2025, 8, 20),
        D(2030, 8, 20),
        "draf",
    )
    agr(
        "014/NK/DKUMKM-ST/VI/2025",
        "MoU",
        "Pemberdayaan UMKM Kabupaten Konawe",
        "Pemerintah Kabupaten Konawe",
        "pemerintah kabupaten/kota",
        D(2025, 6, 2),
        D(2028, 6, 2),
        "ditandatangani",
    )
    acts = [
        b.kegiatan_row(
            rng,
            pks_jatim,
            D(2023, 6, 16),
            "kunjungan kerja",
            "Kunjungan kerja Kadis Koperasi dan UMKM Sultra ke Diskop UKM Jatim",
        ),
        b.kegiatan_row(
            rng,
            pks_jatim,
            D(2023, 11, 21),
            "temu bisnis",
            "Temu bisnis produk KUKM Sultra di Surabaya",
        ),
        b.kegiatan_row(
            rng,
            pks_jatim,
            D(2024, 12, 12),
            "pendampingan",
            "Pendampingan sertifikasi halal produk makanan dan minuman",
        ),
        b.kegiatan_row(rng, uho, D(2025, 3, 18), "pelatihan", "Pelatihan manajemen koperasi"),
        b.kegiatan_row(rng, uho, D(2025, 5, 20), "pelatihan", "Pelatihan pemasaran digital"),
        b.kegiatan_row(rng, telkom, D(2022, 3, 9), "pelatihan", "Pelatihan UMKM go digital"),
        b.kegiatan_row(
            rng, media, D(2025, 4, 10), "promosi/pameran", "Liputan pameran produk unggulan"
        ),
        b.kegiatan_row(rng, akumindo, D(2023, 8, 14), "pendampingan", "Pendampingan UMKM"),
        b.kegiatan_row(
            rng,
            mou_jatim,
            D(2024, 2, 26),
            "rapat koordinasi",
            "Rapat koordinasi tindak lanjut kerja sama",
        ),
        b.kegiatan_row(
            rng, mou_jatim, D(2025, 5, 27), "rapat koordinasi", "Rapat koordinasi rencana aksi 2025"
        ),
    ]
    del bank, shopee  # signed without activity / cancelled: no activities on purpose
    acts.sort(key=lambda a: (a["tanggal_kegiatan"], a["nomor_dokumen"]))
    return A, acts


def _agreement_anchor(agreements, activities, as_of, plan) -> dict:
    by_doc = {}
    for a in agreements:
        acts = [x for x in activities if x["nomor_dokumen"] == a["nomor_dokumen"]]
        dates = sorted(x["tanggal_kegiatan"] for x in acts)
        ends = a["tanggal_berakhir"]
        by_doc[a["nomor_dokumen"]] = {
            "document_type": a["jenis_dokumen"],
            "partner_name": a["nama_mitra"],
            "partner_type": a["jenis_mitra"],
            "signed_on": a["tanggal_tanda_tangan"].isoformat(),
            "expires_on": ends.isoformat() if ends else None,
            "reported_status": a["status"],
            "activities_count": len(acts),
            "first_activity_on": dates[0].isoformat() if dates else None,
            "last_activity_on": dates[-1].isoformat() if dates else None,
            "days_since_last_activity": (as_of - dates[-1]).days if dates else None,
            "umkm_reached": sum(x["jumlah_umkm"] for x in acts),
            "transaction_value_idr": sum(x["nilai_transaksi"] for x in acts),
            "implementation_status": b.implementation_status(a, acts, as_of),
            "expiring_within_90_days": bool(
                ends and as_of <= ends <= as_of + dt.timedelta(days=90)
            ),
        }
    counts: dict[str, int] = {}
    for v in by_doc.values():
        counts[v["implementation_status"]] = counts.get(v["implementation_status"], 0) + 1
    not_started = "518/112/PKS/DKUMKM-ST/XI/2024"
    stalled = "518/045/PKS/DKUMKM-ST/IX/2022"
    assert by_doc[not_started]["implementation_status"] == "not_started"
    assert (as_of - b.D(2024, 11, 12)).days > 200
    assert by_doc[stalled]["implementation_status"] == "stalled"
    assert by_doc[stalled]["days_since_last_activity"] == 200
    ks = [
        f.entry
        for f in plan.files
        if f.entry["dataset"] == "kerja_sama" and f.entry["province_code"] == "74"
    ]
    kg = [
        f.entry
        for f in plan.files
        if f.entry["dataset"] == "kegiatan_kerja_sama" and f.entry["province_code"] == "74"
    ]
    return {
        "province_code": "74",
        "period": KERJA_SAMA_PERIOD,
        "as_of": as_of.isoformat(),
        "source_files": [e["path"] for e in ks + kg],
        "not_started_document": not_started,
        "not_started_days_since_signing": (as_of - b.D(2024, 11, 12)).days,
        "stalled_document": stalled,
        "stalled_days_since_last_activity": 200,
        "agreements_total": len(agreements),
        "status_counts": dict(sorted(counts.items())),
        "by_document": by_doc,
    }


DATE_HABITS = {  # dates written in words, whatever the profile says
    ("74", "kegiatan_kerja_sama"): {"dates": "id_long"},  # "16 Juni 2023"
    ("11", "kerja_sama"): {"dates": "id_short"},  # "5 Nov 2025"
}


def _kerja_sama_files(plan, prov, period, agreements, activities, arrival, rng) -> None:
    code = prov.code
    _, as_of = b.period_bounds(period)
    folder = "kerja_sama/"
    ks_tags: list[str] = []
    kg_tags: list[str] = []
    ks_note = kg_note = None
    ks_profile = _profile(plan, "kerja_sama", code)
    kg_profile = _profile(plan, "kegiatan", code)
    token = _token(plan, prov, "kerja_sama")
    if code == "74":
        ks_profile, kg_profile, token, folder = "F", "B", "alias", "sultra/"
        ks_tags.append("anchor")
        kg_tags.append("anchor")
    elif code == "11":
        ks_profile = "A"
    elif code == "35":
        folder = "jatim/"
    elif code == "52":
        ks_profile = "A"
        _kerja_sama_quarantine(prov, agreements, rng)
        ks_tags.append("defect")
        ks_note = "two rows quarantined: end date before signing, empty nama_mitra"
    elif code == "32":
        kg_profile = "D"
        _kegiatan_quarantine(agreements, activities, as_of, rng)
        kg_tags.append("defect")
        kg_note = "two rows quarantined: negative nilai_transaksi, unparseable jumlah_peserta"
    for dataset, rows, profile, tags, note in (
        ("kerja_sama", agreements, ks_profile, ks_tags, ks_note),
        ("kegiatan_kerja_sama", activities, kg_profile, kg_tags, kg_note),
    ):
        arr = arrival if dataset == "kerja_sama" else arrival + dt.timedelta(minutes=7)
        if code == "64" and dataset == "kegiatan_kerja_sama":
            plan.reject_bytes(
                folder,
                dataset,
                prov,
                period,
                b"",
                arr,
                token=token,
                rule="file.empty",
                tags=["defect"],
                note="0-byte upload",
            )
            continue
        lay = layout(
            profile, dataset, prov, period, len(rows), rng, **DATE_HABITS.get((code, dataset), {})
        )
        plan.plant(folder, lay, rows, rng, arr, token=token, tags=tags, note=note)


def _kerja_sama_quarantine(prov: Province, agreements: list[dict], rng: random.Random) -> None:
    signed = b.D(2024, 9, 2)
    bad = [
        {
            **b.kerja_sama_rows(random.Random("ntb-bad"), prov, b.D(2025, 6, 30), 1)[0][0],
            "tanggal_tanda_tangan": signed,
            "tanggal_berakhir": b.D(2023, 9, 2),
            "status": "berjalan",
            "_rule": "kerja_sama.end_not_after_signing",
        },
        {
            **b.kerja_sama_rows(random.Random("ntb-bad2"), prov, b.D(2025, 6, 30), 1)[0][0],
            "nama_mitra": None,
            "_rule": "value.required",
        },
    ]
    for i, row in enumerate(bad):
        kind = {"MoU": "NK", "PKS": "PKS", "Kesepakatan Bersama": "KB"}[row["jenis_dokumen"]]
        row["nomor_dokumen"] = b.doc_number(900 + i, kind, prov, row["tanggal_tanda_tangan"])
        agreements.insert(rng.randint(1, len(agreements) - 1), row)


def _kegiatan_quarantine(
    agreements: list[dict], activities: list[dict], as_of: dt.date, rng: random.Random
) -> None:
    docs = [
        a["nomor_dokumen"]
        for a in agreements
        if a["status"] not in ("draf", "dibatalkan")
        and a["tanggal_tanda_tangan"] < b.D(2025, 1, 1)
        and (a["tanggal_berakhir"] is None or a["tanggal_berakhir"] > as_of)
    ]
    bad1 = {
        **b.kegiatan_row(rng, docs[0], b.D(2025, 5, 14), "temu bisnis"),
        "nilai_transaksi": -2_500_000,
        "_rule": "value.negative",
    }
    bad2 = {
        **b.kegiatan_row(rng, docs[-1], b.D(2025, 6, 3), "pelatihan"),
        "jumlah_peserta": Raw("tiga puluh"),
        "_rule": "value.not_a_number",
    }
    activities.insert(len(activities) // 2, bad1)
    activities.append(bad2)


# ---- file-name defects ----------------------------------------------------------------------


def _name_defects(plan: Plan) -> None:
    rng = plan.rng("name-defects")
    sultra, bali, papua = BY_CODE["74"], BY_CODE["51"], BY_CODE["91"]
    # unknown dataset: a training report dropped into the dropzone
    rows = [
        b.kegiatan_row(rng, "007/NK/DKUMKM-ST/V/2023", b.D(2025, 3, 18), "pelatihan")
        for _ in range(6)
    ]
    plan.add_rejected(
        "sultra/pelatihan_sultra_2025.csv",
        table_bytes(layout("A", "kegiatan_kerja_sama", sultra, "2025", len(rows), rng), rows, rng),
        utc(2025, 7, 2, 4, 0, 0),
        dataset=None,
        province="74",
        period="2025",
        rule="file.name_unknown_dataset",
        tags=["defect", "csv_comma", "utf8"],
        rows_in_file=len(rows),
        note="'pelatihan' is not a dataset",
    )
    # unknown province: the old name of Papua
    reg = b.koperasi_register(plan.rng("irian-reg"), papua, 25)
    rows = b.koperasi_rows(plan.rng("irian-rows"), reg, 2024, n_active=18, n_rat=6, n_on_time=5)
    plan.add_rejected(
        "koperasi/2024/koperasi_irian-jaya_2024.csv",
        table_bytes(layout("A", "koperasi", papua, "2024", len(rows), rng), rows, rng),
        utc(2025, 10, 30, 6, 30, 0),
        dataset="koperasi",
        province=None,
        period="2024",
        rule="file.name_unknown_province",
        tags=["defect", "csv_comma", "utf8"],
        rows_in_file=len(rows),
        note="'irian-jaya' is not in the province table",
    )
    # bad period: semester 3
    row = {
        "kontribusi_pdrb_persen": Decimal("58.20"),
        "nilai_tambah_umkm": None,
        "jumlah_umkm": 412_345,
        "tenaga_kerja_umkm": 803_112,
        "sumber": "Dinas Koperasi dan UKM Provinsi Bali",
    }
    plan.add_rejected(
        "indikator_umkm/indikator_umkm_bali_2024S3.csv",
        table_bytes(layout("B", "indikator_umkm", bali, "2024S2", 1, rng), [row], rng),
        utc(2025, 2, 11, 3, 15, 0),
        dataset="indikator_umkm",
        province="51",
        period=None,
        rule="file.name_bad_period",
        tags=["defect", "csv_semicolon", "utf8_bom"],
        rows_in_file=1,
        note="'2024S3' is not a period",
    )


# ---- rejected revisions: one per dataset, none may displace the file in force ---------------


def _rejected_revisions(plan: Plan) -> None:
    """DI Yogyakarta sends a broken revision of every dataset after its accepted files.

    Three are rejected by the gate (their rows stay in raw for inspection and must never
    reach a dbt model or test), two by the loader (another province in the rows). The marts
    keep DIY's accepted files and build as before.
    """
    arrival = utc(2026, 6, 1)

    def csv(header: str, rows: list[str]) -> bytes:
        return ("\n".join([header, *rows]) + "\n").encode()

    gate_rejected = [
        (
            "koperasi/2024/koperasi_diy_2024_revisi2.csv",
            "koperasi",
            "2024",
            csv(
                "nik_koperasi;nama_koperasi;kabupaten_kota;status_aktif;jumlah_anggota_pria",
                [
                    "3471000001;KSP Malioboro;Kota Yogyakarta;aktif;10",
                    "3471000001;KSP Malioboro Baru;Kota Yogyakarta;aktif;12",
                    "3471000002;KSP Kaliurang;Kab. Sleman;aktif;7",
                ],
            ),
            3,
            "gx.koperasi.nik_koperasi.unique_per_submission",
            "the same nik_koperasi twice with different values",
        ),
        (
            "indikator_umkm/indikator_umkm_34_2024S1_revisi.csv",
            "indikator_umkm",
            "2024S1",
            csv("kontribusi_pdrb_persen;sumber", ["61,2;Dinas", "60,9;Dinas (revisi)"]),
            2,
            "gx.indikator_umkm.one_row_per_submission",
            "two indicator rows in one file",
        ),
        (
            "kerja_sama/kerja_sama_diy_2025Q2_revisi.csv",
            "kerja_sama",
            "2025Q2",
            csv(
                "nomor_dokumen;jenis_dokumen;judul;nama_mitra;jenis_mitra;tanggal_tanda_tangan",
                [
                    "PKS/34/900/2025;PKS;Pendampingan;PT Satu;swasta;02/01/2025",
                    "pks/34/900/2025;PKS;Pelatihan;PT Dua;swasta;03/01/2025",
                ],
            ),
            2,
            "gx.kerja_sama.nomor_dokumen.unique_per_submission",
            "one document number twice (case differs) with different values",
        ),
    ]
    loader_rejected = [
        (
            "umkm/2024/umkm_diy_2024_revisi.csv",
            "umkm",
            "2024",
            csv(
                "Propinsi;nib;nama_usaha;kabupaten_kota",
                ["Jawa Tengah;3300000000001;Batik Solo;Kota Surakarta"],
            ),
            0,  # the loader rejects the file whole: no row is received
            "file.wrong_province",
            "rows of another province (Propinsi column)",
        ),
        (
            "kerja_sama/kegiatan_kerja_sama_diy_2025Q2_revisi.csv",
            "kegiatan_kerja_sama",
            "2025Q2",
            csv(
                "Nama Provinsi;nomor_dokumen;tanggal_kegiatan;jenis_kegiatan",
                ["Jawa Tengah;PKS/33/001/2025;10/04/2025;pelatihan"],
            ),
            0,
            "file.wrong_province",
            "rows of another province (Nama Provinsi column)",
        ),
    ]
    for path, dataset, period, data, rows, rule, note in gate_rejected + loader_rejected:
        by_gate = rule.startswith("gx.")
        entry = plan.add_rejected(
            path,
            data,
            arrival,
            dataset=dataset,
            province="34",
            period=period,
            rule=rule,
            tags=[
                "defect",
                "rejected_resubmission",
                "gate_rejected" if by_gate else "wrong_province",
            ],
            rows_in_file=data.count(b"\n") - 1,
            note=note
            + (": rejected by the gate" if by_gate else ": rejected whole")
            + ", the earlier file stays in force",
        )
        entry["rows_received"] = entry["rows_loaded"] = rows


def papua_anchor(entries: list[dict]) -> dict:
    files = [e["path"] for e in entries if e["province_code"] == "91" and e["in_force"]]
    return {
        "province_code": "91",
        "province_name": "Papua",
        "bps_code": "9400",
        "datasets": sorted(
            {e["dataset"] for e in entries if e["province_code"] == "91" and e["in_force"]}
        ),
        "files": files,
        "note": "BPS 9400 is Kemendagri 91: never derive one code from the other",
    }
