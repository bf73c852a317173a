"""Typed rows for the five datasets, plus their columns, header labels and surface forms.

Rows are dicts keyed by canonical column name holding typed values; keys starting with
``_`` carry the generator's own bookkeeping (``_rule``: the planted rule code of a
defective row; ``_active``/``_rat``: for anchor figures) and are never written.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from decimal import Decimal

from . import reference as ref
from .render import CAT, DATE, DECIMAL, ID, INT, MONEY, PERCENT, TEXT, Column

D = dt.date

# --------------------------------------------------------------------------------------------
# periods


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    y = int(period[:4])
    rest = period[4:].upper()
    if not rest:
        return D(y, 1, 1), D(y, 12, 31)
    if rest[0] == "S":
        return (D(y, 1, 1), D(y, 6, 30)) if rest == "S1" else (D(y, 7, 1), D(y, 12, 31))
    q = int(rest[1])
    start = D(y, 3 * q - 2, 1)
    end = D(y + 1, 1, 1) if q == 4 else D(y, 3 * q + 1, 1)
    return start, end - dt.timedelta(days=1)


def period_type(period: str) -> str:
    rest = period[4:].upper()
    return "year" if not rest else ("semester" if rest[0] == "S" else "quarter")


def add_years(d: dt.date, years: int) -> dt.date:
    return (
        d.replace(year=d.year + years) if (d.month, d.day) != (2, 29) else D(d.year + years, 2, 28)
    )


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


# --------------------------------------------------------------------------------------------
# schemas: (key, kind, required)

SCHEMAS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "koperasi": (
        ("nik_koperasi", ID, True),
        ("nama_koperasi", TEXT, True),
        ("kabupaten_kota", TEXT, True),
        ("jenis_koperasi", CAT, False),
        ("kelompok_koperasi", TEXT, False),
        ("status_aktif", CAT, True),
        ("jumlah_anggota_pria", INT, False),
        ("jumlah_anggota_wanita", INT, False),
        ("tanggal_rat", DATE, False),
        ("modal_sendiri", MONEY, False),
        ("modal_luar", MONEY, False),
        ("aset", MONEY, False),
        ("volume_usaha", MONEY, False),
        ("shu", MONEY, False),
        ("predikat_kesehatan", CAT, False),
    ),
    "umkm": (
        ("nib", ID, False),
        ("nama_usaha", TEXT, True),
        ("kabupaten_kota", TEXT, True),
        ("kbli", ID, False),
        ("skala_usaha", CAT, False),
        ("modal_usaha", MONEY, False),
        ("omzet_tahunan", MONEY, False),
        ("tenaga_kerja", INT, False),
        ("jenis_kelamin_pemilik", CAT, False),
        ("sertifikat_halal", CAT, False),
        ("tanggal_sertifikat_halal", DATE, False),
    ),
    "indikator_umkm": (
        ("kontribusi_pdrb_persen", PERCENT, True),
        ("nilai_tambah_umkm", DECIMAL, False),
        ("jumlah_umkm", INT, False),
        ("tenaga_kerja_umkm", INT, False),
        ("sumber", TEXT, False),
    ),
    "kerja_sama": (
        ("nomor_dokumen", ID, True),
        ("jenis_dokumen", CAT, True),
        ("judul", TEXT, True),
        ("nama_mitra", TEXT, True),
        ("jenis_mitra", CAT, True),
        ("provinsi_mitra", TEXT, False),
        ("tanggal_tanda_tangan", DATE, True),
        ("tanggal_berakhir", DATE, False),
        ("dokumen_induk", ID, False),
        ("ruang_lingkup", TEXT, False),
        ("status", CAT, False),
    ),
    "kegiatan_kerja_sama": (
        ("nomor_dokumen", ID, True),
        ("tanggal_kegiatan", DATE, True),
        ("jenis_kegiatan", CAT, True),
        ("uraian", TEXT, False),
        ("jumlah_peserta", INT, False),
        ("jumlah_umkm", INT, False),
        ("jumlah_koperasi", INT, False),
        ("nilai_transaksi", MONEY, False),
        ("anggaran", MONEY, False),
    ),
}
DATASETS = tuple(SCHEMAS)
REQUIRED = {ds: tuple(k for k, _, req in cols if req) for ds, cols in SCHEMAS.items()}

_ACRONYMS = {
    "nik": "NIK",
    "rat": "RAT",
    "shu": "SHU",
    "umkm": "UMKM",
    "nib": "NIB",
    "kbli": "KBLI",
    "pdrb": "PDRB",
}
# header aliases from the contract (only where the contract lists one)
ALIASES = {
    "koperasi": {
        "nik_koperasi": ("NIK", "Nomor Induk Koperasi"),
        "nama_koperasi": ("Nama",),
        "kabupaten_kota": ("Kab/Kota", "kab_kota"),
        "jenis_koperasi": ("Jenis",),
        "status_aktif": ("Status",),
        "tanggal_rat": ("tgl_rat", "Tgl RAT"),
    },
}
SPECIAL_LABELS = {"kabupaten_kota": "Kabupaten/Kota"}


def title_label(key: str) -> str:
    if key in SPECIAL_LABELS:
        return SPECIAL_LABELS[key]
    return " ".join(_ACRONYMS.get(w, w.capitalize()) for w in key.split("_"))


def header_label(dataset: str, key: str, mode: str, rng: random.Random) -> str:
    """mode: canonical | title | upper | alias | mixed."""
    if mode == "mixed":
        mode = rng.choice(("canonical", "title", "upper", "alias"))
    if mode == "canonical":
        return key
    if mode == "upper":
        return title_label(key).upper()
    if mode == "alias":
        aliases = ALIASES.get(dataset, {}).get(key)
        if aliases:
            return rng.choice(aliases)
    return title_label(key)


def columns(
    dataset: str,
    mode: str,
    rng: random.Random,
    *,
    drop: tuple[str, ...] = (),
    extras: tuple[tuple[str, str], ...] = (),
    extras_first: bool = False,
) -> list[Column]:
    cols = [
        Column(k, header_label(dataset, k, mode, rng), kind)
        for k, kind, _ in SCHEMAS[dataset]
        if k not in drop
    ]
    ex = [Column(k, label, TEXT, extra=True) for k, label in extras]
    return ex + cols if extras_first else cols + ex


# --------------------------------------------------------------------------------------------
# surface forms of categorical values


def _title(s: str) -> str:
    return s if s in ("BUMN/BUMD", "MoU", "PKS") else s.title()


def _upper(s: str) -> str:
    return s.upper()


def _messy(s: str) -> str:
    # "Tidak  aktif": first word capitalised, an extra space between words
    parts = s.split(" ")
    return "  ".join([parts[0].capitalize()] + parts[1:]) if len(parts) > 1 else s.upper()


SURFACES: dict[str, Callable[[str], str]] = {
    "lower": lambda s: s,
    "title": _title,
    "upper": _upper,
    "messy": _messy,
}

STATUS_FORMS = {
    "lower": ("aktif", "tidak aktif"),
    "upper": ("AKTIF", "TIDAK AKTIF"),
    "messy": ("Aktif", "Tidak  aktif"),
    "yn": ("ya", "tidak"),
    "10": ("1", "0"),
}
DOC_LONG = {
    "MoU": "Nota Kesepahaman",
    "PKS": "Perjanjian Kerja Sama",
    "Kesepakatan Bersama": "Kesepakatan Bersama",
}


def category_surfaces(dataset: str, style: str, rng: random.Random) -> dict[str, Callable]:
    """Per-column functions canonical value -> text as the clerk typed it.

    style "lower" writes canonical labels; "title", "upper", "messy" and "mixed" vary.
    """

    def surf(name: str | None = None):
        def f(v, r):
            s = style if style != "mixed" else r.choice(("lower", "title", "upper", "messy"))
            return SURFACES[name or s](str(v))

        return f

    out: dict[str, Callable] = {}
    if dataset == "koperasi":
        forms = STATUS_FORMS[
            "lower"
            if style == "lower"
            else {"title": "messy", "upper": "upper", "messy": "messy", "mixed": "messy"}[style]
        ]
        if style == "title":
            forms = ("Aktif", "Tidak Aktif")

        def status(v, r, forms=forms):
            if style == "mixed":
                return STATUS_FORMS[r.choice(("lower", "upper", "messy", "yn"))][0 if v else 1]
            return forms[0 if v else 1]

        out["status_aktif"] = status
        out["jenis_koperasi"] = surf()
        out["predikat_kesehatan"] = surf()
    elif dataset == "umkm":
        out["skala_usaha"] = surf()
        out["sertifikat_halal"] = surf()
    elif dataset == "kerja_sama":

        def doc(v, r):
            long = style != "lower" and (style != "mixed" or r.random() < 0.5)
            return DOC_LONG[v] if long else v

        out["jenis_dokumen"] = doc
        out["jenis_mitra"] = surf()
        out["status"] = surf()
    elif dataset == "kegiatan_kerja_sama":
        out["jenis_kegiatan"] = surf()
    return out


def status_forms(kind: str) -> Callable:
    forms = STATUS_FORMS[kind]
    return lambda v, r: forms[0 if v else 1]


def regency_surface(rng_mode: str) -> Callable:
    """Free-text regency cells as clerks write them."""

    def f(v, r: random.Random):
        if rng_mode == "canonical":
            return v
        kind, _, name = str(v).partition(" ")
        x = r.random()
        if kind == "Kabupaten":
            if x < 0.3:
                return f"Kab. {name}"
            if x < 0.45:
                return f"KABUPATEN {name.upper()}"
            if x < 0.6:
                return f"Kabupaten  {name} "
        else:
            if x < 0.35:
                return f"KOTA {name.upper()}"
            if x < 0.5:
                return f"Kota  {name}"
        return v

    return f


def province_surface(prov: ref.Province) -> Callable:
    forms = (f"Prov. {prov.name}", prov.name.upper(), prov.name, f"Provinsi {prov.name}")
    forms += tuple(a.capitalize() for a in prov.aliases[:1])

    def f(v, r: random.Random):
        return r.choice(forms)

    return f


# --------------------------------------------------------------------------------------------
# koperasi


def _lognormal_int(rng: random.Random, lo: float, hi: float) -> int:
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def koperasi_register(rng: random.Random, prov: ref.Province, n: int) -> list[dict]:
    """The identities of a province's cooperatives (shared by its yearly files)."""
    regs = prov.regencies
    out = []
    seen: set[str] = set()
    for i in range(n):
        kel, prefix, jenis, women = rng.choice(ref.KELOMPOK)
        name = f"{prefix} {rng.choice(ref.KOPERASI_NAMES)}"
        if kel == "Kopkar":
            name = f"Kopkar {rng.choice(ref.KOPERASI_NAMES)} PT {rng.choice(ref.OWNER_NAMES)}"
        if name in seen:
            name = f"{name} {rng.choice(('II', 'III', 'Baru', 'Utama', str(i % 97 + 1)))}"
        seen.add(name)
        r = rng.randrange(len(regs))
        out.append(
            {
                "nik_koperasi": f"{prov.code}{r + 1:02d}{rng.randrange(10**11):012d}",
                "nama_koperasi": name,
                "kabupaten_kota": regs[r],
                "jenis_koperasi": jenis if rng.random() < 0.8 else rng.choice(ref.JENIS_KOPERASI),
                "kelompok_koperasi": kel,
                "_women": women,
                "_size": rng.lognormvariate(0, 1.0),
            }
        )
    return out


def _weighted(rng: random.Random, pairs) -> str:
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def koperasi_rows(
    rng: random.Random,
    register: list[dict],
    year: int,
    *,
    n_active: int,
    n_rat: int,
    n_on_time: int,
    cents: bool = False,
) -> list[dict]:
    """Rows of the register for book year ``year`` with exactly the given counts.

    RAT dates of the book year fall in Y+1: on time 1 Feb..30 Jun, late 1 Jul..30 Sep.
    Inactive cooperatives have no RAT date and mostly zero figures.
    """
    n = len(register)
    assert n_active <= n and n_rat <= n_active and n_on_time <= n_rat
    active = set(rng.sample(range(n), n_active))
    rat_holders = rng.sample(sorted(active), n_rat)
    on_time = set(rat_holders[:n_on_time])
    rat_set = set(rat_holders)
    growth = 1.0 + 0.06 * (year - 2023)
    rows = []
    for i, c in enumerate(register):
        row = {k: v for k, v in c.items() if not k.startswith("_")}
        is_active = i in active
        size = c["_size"] * growth
        members = max(20, int(120 * size))
        if c["_women"]:
            pria, wanita = 0, members
        else:
            share = rng.uniform(0.25, 0.6)
            wanita = int(members * share)
            pria = members - wanita
        rat = None
        if i in rat_set:
            if i in on_time:
                rat = rand_date(rng, D(year + 1, 2, 1), D(year + 1, 6, 30))
            else:
                rat = rand_date(rng, D(year + 1, 7, 1), D(year + 1, 9, 30))
        if is_active:
            aset = _lognormal_int(rng, 40e6, 4e9) * size
            aset = int(aset) // 1000 * 1000
            own = int(aset * rng.uniform(0.25, 0.65)) // 1000 * 1000
            luar = aset - own
            vol = int(aset * rng.uniform(0.4, 1.8)) // 1000 * 1000
            shu = int(vol * rng.uniform(0.01, 0.07)) // 1000 * 1000
            if rng.random() < 0.08:
                shu = -shu // 3
            predikat = _weighted(rng, ref.PREDIKAT)
        else:
            pria, wanita = (pria // 3, wanita // 3) if rng.random() < 0.5 else (0, 0)
            aset = own = luar = vol = shu = 0
            if rng.random() < 0.3:
                aset = own = _lognormal_int(rng, 5e6, 80e6) // 1000 * 1000
            predikat = rng.choice(("belum dinilai", None, None))
        money = [own, luar, aset, vol, shu]
        if cents and is_active:
            money = [Decimal(m) + Decimal(rng.randrange(100)) / 100 if m else m for m in money]
        row.update(
            {
                "status_aktif": is_active,
                "jumlah_anggota_pria": pria,
                "jumlah_anggota_wanita": wanita,
                "tanggal_rat": rat,
                "modal_sendiri": money[0],
                "modal_luar": money[1],
                "aset": money[2],
                "volume_usaha": money[3],
                "shu": money[4],
                "predikat_kesehatan": predikat,
                "_active": is_active,
                "_rat": rat,
                "_on_time": i in on_time,
            }
        )
        rows.append(row)
    return rows


def koperasi_figures(rows: list[dict], year: int) -> dict:
    """What marts.cooperative_health must show for these rows (all loaded, no warnings)."""
    active = [r for r in rows if r["_active"]]
    rat = [r for r in active if r["tanggal_rat"] is not None]
    deadline = D(year + 1, 6, 30)

    def total(key, rs=rows):
        return sum(Decimal(r[key] or 0) for r in rs)

    return {
        "cooperatives_total": len(rows),
        "cooperatives_active": len(active),
        "cooperatives_inactive": len(rows) - len(active),
        "members_total": int(total("jumlah_anggota_pria") + total("jumlah_anggota_wanita")),
        "members_female": int(total("jumlah_anggota_wanita")),
        "rat_held": len(rat),
        "rat_compliance_pct": round(100 * len(rat) / len(active), 2) if active else None,
        "rat_on_time": sum(1 for r in rat if r["tanggal_rat"] <= deadline),
        "assets_idr": _num(total("aset")),
        "own_capital_idr": _num(total("modal_sendiri")),
        "business_volume_idr": _num(total("volume_usaha")),
        "shu_idr": _num(total("shu")),
        "healthy_count": sum(
            1 for r in rows if r["predikat_kesehatan"] in ("sehat", "cukup sehat")
        ),
    }


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


# --------------------------------------------------------------------------------------------
# umkm

NIB_PREFIXES = ("9120", "9120", "9120", "1220", "8120", "0220", "0220")
FOOD_KBLI = tuple(k for k in ref.KBLI if k[1])
NONFOOD_KBLI = tuple(k for k in ref.KBLI if not k[1])


def skala_of(omzet: int) -> str:
    if omzet <= 2_000_000_000:
        return "mikro"
    if omzet <= 15_000_000_000:
        return "kecil"
    return "menengah"


def umkm_row(
    rng: random.Random,
    prov: ref.Province,
    period_end: dt.date,
    *,
    nib_share: float = 0.75,
    declared_share: float = 0.8,
) -> dict:
    kbli, food, prefixes = rng.choice(FOOD_KBLI if rng.random() < 0.4 else NONFOOD_KBLI)
    x = rng.random()
    if x < 0.93:
        omzet = _lognormal_int(rng, 12e6, 1.95e9)
        modal = min(int(omzet * rng.uniform(0.1, 0.5)), 950_000_000)
        tk = rng.randint(1, 4)
    elif x < 0.99:
        omzet = _lognormal_int(rng, 2.1e9, 14.5e9)
        modal = int(rng.uniform(1.1e9, 4.8e9))
        tk = rng.randint(5, 19)
    else:
        omzet = _lognormal_int(rng, 15.5e9, 48e9)
        modal = int(rng.uniform(5.2e9, 9.5e9))
        tk = rng.randint(20, 99)
    omzet = omzet // 1000 * 1000
    modal = modal // 1000 * 1000
    skala = skala_of(omzet)
    p = rng.random()
    if food:
        halal = "reguler" if p < 0.08 else ("self declare" if p < 0.45 else "tidak ada")
    else:
        halal = "reguler" if p < 0.02 else ("self declare" if p < 0.07 else "tidak ada")
    halal_date = None
    if halal == "reguler":
        halal_date = rand_date(rng, D(2019, 10, 17), period_end)
    elif halal == "self declare":
        halal_date = rand_date(rng, D(2021, 6, 1), period_end)
    nib = ""
    if rng.random() < nib_share:
        nib = rng.choice(NIB_PREFIXES) + f"{rng.randrange(10**9):09d}"
    return {
        "nib": nib or None,
        "nama_usaha": f"{rng.choice(prefixes)} {rng.choice(ref.OWNER_NAMES)}",
        "kabupaten_kota": rng.choice(prov.regencies),
        "kbli": kbli,
        "skala_usaha": skala if rng.random() < declared_share else None,
        "modal_usaha": modal,
        "omzet_tahunan": omzet,
        "tenaga_kerja": tk,
        "jenis_kelamin_pemilik": "P" if rng.random() < 0.64 else "L",
        "sertifikat_halal": halal,
        "tanggal_sertifikat_halal": halal_date,
        "_skala": skala,
        "_food": kbli[:2] in ("10", "11", "56"),
    }


def umkm_rows(rng: random.Random, prov: ref.Province, period_end: dt.date, n: int) -> list[dict]:
    return [umkm_row(rng, prov, period_end) for _ in range(n)]


def umkm_figures(rows: list[dict]) -> dict:
    """Register counts of marts.umkm_contribution for these rows (all loaded)."""
    n = len(rows)
    food = [r for r in rows if r["_food"]]
    food_halal = [r for r in food if r["sertifikat_halal"] in ("reguler", "self declare")]
    return {
        "umkm_units": n,
        "umkm_micro": sum(1 for r in rows if r["_skala"] == "mikro"),
        "umkm_small": sum(1 for r in rows if r["_skala"] == "kecil"),
        "umkm_medium": sum(1 for r in rows if r["_skala"] == "menengah"),
        "with_nib_pct": round(100 * sum(1 for r in rows if r["nib"]) / n, 2),
        "halal_regular": sum(1 for r in rows if r["sertifikat_halal"] == "reguler"),
        "halal_self_declare": sum(1 for r in rows if r["sertifikat_halal"] == "self declare"),
        "food_beverage_units": len(food),
        "food_beverage_halal_pct": round(100 * len(food_halal) / len(food), 2) if food else None,
    }


# --------------------------------------------------------------------------------------------
# kerja_sama / kegiatan_kerja_sama

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def doc_number(seq: int, kind: str, prov: ref.Province, signed: dt.date) -> str:
    abbr = (prov.aliases[0] if prov.aliases else prov.name.split()[-1]).upper()
    return f"{seq:03d}/{kind}/DISKOPUKM-{abbr}/{ROMAN[signed.month - 1]}/{signed.year}"


def partner(rng: random.Random, prov: ref.Province, jenis: str) -> tuple[str, str | None]:
    """(partner name, partner province code or None)."""
    if jenis == "pemerintah provinsi":
        other = rng.choice([p for p in ref.PROVINCES if p.code != prov.code])
        return f"Pemerintah Provinsi {other.name}", other.code
    if jenis == "pemerintah kabupaten/kota":
        reg = rng.choice(prov.regencies)
        return f"Pemerintah {reg}", None
    city = prov.regencies[0].partition(" ")[2]
    tpl = rng.choice(ref.PARTNERS[jenis])
    return tpl.format(prov=prov.name, city=city), None


def implementation_status(agr: dict, acts: list[dict], as_of: dt.date) -> str:
    """marts.agreement_implementation.implementation_status, first match wins."""
    st = agr["status"]
    if st == "dibatalkan":
        return "cancelled"
    if st == "draf" or agr["tanggal_tanda_tangan"] > as_of:
        return "draft"
    if st == "selesai":
        return "completed"
    if agr["tanggal_berakhir"] is not None and agr["tanggal_berakhir"] < as_of:
        return "expired"
    dates = [a["tanggal_kegiatan"] for a in acts if a["tanggal_kegiatan"] <= as_of]
    if not dates:
        return "not_started"
    if (as_of - max(dates)).days > 180:
        return "stalled"
    return "active"


def kegiatan_row(
    rng: random.Random,
    nomor: str,
    when: dt.date,
    jenis: str | None = None,
    uraian: str | None = None,
) -> dict:
    jenis = jenis or rng.choice(ref.JENIS_KEGIATAN)
    peserta = rng.randint(10, 150)
    umkm = rng.randint(0, peserta) if jenis != "rapat koordinasi" else 0
    kop = rng.randint(0, 20) if jenis in ("pelatihan", "pendampingan", "temu bisnis") else 0
    nilai = 0
    if jenis in ("temu bisnis", "promosi/pameran"):
        nilai = _lognormal_int(rng, 5e6, 2e9) // 1000 * 1000
    anggaran = _lognormal_int(rng, 5e6, 250e6) // 100_000 * 100_000
    return {
        "nomor_dokumen": nomor,
        "tanggal_kegiatan": when,
        "jenis_kegiatan": jenis,
        "uraian": uraian or f"{jenis.capitalize()} pelaksanaan kerja sama",
        "jumlah_peserta": peserta,
        "jumlah_umkm": umkm,
        "jumlah_koperasi": kop,
        "nilai_transaksi": nilai,
        "anggaran": anggaran,
    }


def kerja_sama_rows(
    rng: random.Random,
    prov: ref.Province,
    as_of: dt.date,
    n: int,
) -> tuple[list[dict], list[dict]]:
    """A province's agreement register and activities as of ``as_of``, all valid."""
    agreements: list[dict] = []
    activities: list[dict] = []
    mous: list[dict] = []
    for i in range(n):
        kind = rng.choices(("MoU", "PKS", "Kesepakatan Bersama"), (4, 5, 1))[0]
        signed = rand_date(rng, D(2021, 1, 4), as_of - dt.timedelta(days=20))
        years = rng.choice((1, 2, 3, 5))
        open_ended = rng.random() < 0.1
        jenis_mitra = rng.choice(ref.JENIS_MITRA)
        name, mitra_prov = partner(rng, prov, jenis_mitra)
        x = rng.random()
        status = "berjalan" if x < 0.55 else ("ditandatangani" if x < 0.8 else "selesai")
        draft = i == n - 1 and n >= 5
        if draft:
            status = "draf"
            signed = as_of + dt.timedelta(days=rng.randint(20, 120))
            years, open_ended = 2, False
        elif i == n - 2 and n >= 6:
            status = "dibatalkan"
        induk = None
        abbr_kind = {"MoU": "NK", "PKS": "PKS", "Kesepakatan Bersama": "KB"}[kind]
        parents = [
            m
            for m in mous
            if m["tanggal_tanda_tangan"] + dt.timedelta(days=30) < as_of - dt.timedelta(days=10)
        ]
        if kind == "PKS" and parents and rng.random() < 0.6:
            parent = rng.choice(parents)
            induk = parent["nomor_dokumen"]
            name, mitra_prov, jenis_mitra = (
                parent["nama_mitra"],
                parent["_mitra_prov"],
                parent["jenis_mitra"],
            )
            if not draft:
                signed = max(signed, parent["tanggal_tanda_tangan"] + dt.timedelta(days=30))
        ends = None if open_ended else add_years(signed, years)
        if not draft and ends is not None and ends < as_of:
            status = rng.choice(("kedaluwarsa", "berjalan", "selesai"))
            if i == n - 2 and n >= 6:
                status = "dibatalkan"
        nomor = doc_number(i + 1 + rng.randrange(0, 40) * 10, abbr_kind, prov, signed)
        judul = rng.choice(ref.JUDUL_TEMPLATES).format(x=f"Provinsi {prov.name}")
        agr = {
            "nomor_dokumen": nomor,
            "jenis_dokumen": kind,
            "judul": judul,
            "nama_mitra": name,
            "jenis_mitra": jenis_mitra,
            "provinsi_mitra": mitra_prov,
            "tanggal_tanda_tangan": signed,
            "tanggal_berakhir": ends,
            "dokumen_induk": induk,
            "ruang_lingkup": rng.choice(
                (
                    "Pelatihan, pendampingan dan promosi produk",
                    "Akses pembiayaan dan pasar",
                    "Pertukaran data dan informasi",
                    "Sertifikasi halal dan perizinan berusaha",
                    None,
                )
            ),
            "status": status,
            "_mitra_prov": mitra_prov,
        }
        if kind == "MoU":
            mous.append(agr)
        agreements.append(agr)
        if status in ("draf", "dibatalkan", "ditandatangani") and rng.random() < 0.7:
            continue
        last = min(as_of, ends) if ends else as_of
        first = signed + dt.timedelta(days=7)
        if last <= first:
            continue
        for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
            activities.append(kegiatan_row(rng, nomor, rand_date(rng, first, last)))
    activities.sort(key=lambda a: (a["tanggal_kegiatan"], a["nomor_dokumen"]))
    return agreements, activities
