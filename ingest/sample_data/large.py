"""A large, valid ``umkm`` register for load benchmarks, streamed in bounded memory.

Speed comes from precomputed pools: per row only a few ``random.choices`` picks (done a
chunk at a time) and one f-string. Every row is valid under the contract: NIB 13 digits
or empty, KBLI 5 digits (food 10xxx/11xxx/56xxx included), skala consistent with omzet,
halal certificate dates present, Indonesian number formats.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import builders as b
from .reference import BY_CODE, PROVINCES, Province
from .render import deterministic_zip_file, group_thousands

HEADER = (
    "nib",
    "nama_usaha",
    "kabupaten_kota",
    "kbli",
    "skala_usaha",
    "modal_usaha",
    "omzet_tahunan",
    "tenaga_kerja",
    "jenis_kelamin_pemilik",
    "sertifikat_halal",
    "tanggal_sertifikat_halal",
)
CHUNK = 20_000
NIB_EMPTY_PER_1000 = 220


def _province(token: str) -> Province:
    if token in BY_CODE:
        return BY_CODE[token]
    t = token.lower()
    for p in PROVINCES:
        if t == p.slug or t in p.aliases:
            return p
    raise ValueError(f"unknown province {token!r}")


def _pools(rng: random.Random, prov: Province, period: str):
    _, end = b.period_bounds(period)
    tails, names = [], []
    for _ in range(8192):
        r = b.umkm_row(rng, prov, end, nib_share=1.0)
        names.append(r["nama_usaha"])
        money_style = rng.choice(("id", "id", "plain", "rp"))

        def money(v, style=money_style):
            if style == "plain":
                return str(v)
            s = group_thousands(v)
            return ("Rp " + s) if style == "rp" else s

        halal_date = r["tanggal_sertifikat_halal"]
        date_text = ""
        if halal_date is not None:
            date_text = rng.choice(
                (
                    halal_date.isoformat(),
                    f"{halal_date.day:02d}/{halal_date.month:02d}/{halal_date.year}",
                    f"{halal_date.day:02d}-{halal_date.month:02d}-{halal_date.year}",
                )
            )
        skala = r["skala_usaha"] or ""
        tails.append(
            (
                r["kbli"],
                skala.upper() if rng.random() < 0.1 else skala,
                money(r["modal_usaha"]),
                money(r["omzet_tahunan"]),
                str(r["tenaga_kerja"]),
                r["jenis_kelamin_pemilik"],
                r["sertifikat_halal"],
                date_text,
            )
        )
    regencies = []
    for reg in prov.regencies:
        kind, _, name = reg.partition(" ")
        regencies += [reg, reg, reg, reg.upper()]
        regencies.append(f"Kab. {name}" if kind == "Kabupaten" else f"KOTA {name.upper()}")
    return names, regencies, tails


def write_large_umkm(
    dest: Path,
    rows: int,
    *,
    province: str = "35",
    period: str = "2024",
    seed: int = 7,
    fmt: str = "csv",
) -> Path:
    """Write a valid ``umkm`` submission with ``rows`` data rows; returns its path.

    ``dest`` is a directory (the file is named ``umkm_<province>_<period>.<fmt>``) or a
    file path ending in ``.csv`` / ``.xlsx``. CSV is ``;``-delimited UTF-8 (fast: several
    hundred thousand rows per second); ``fmt="xlsx"`` uses openpyxl's write-only mode
    (bounded memory, much slower). Same arguments -> byte-identical file.
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError("fmt must be 'csv' or 'xlsx'")
    prov = _province(province)
    dest = Path(dest)
    if dest.suffix.lower() in (".csv", ".xlsx"):
        path = dest
    else:
        path = dest / f"umkm_{prov.code}_{period}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}|large-umkm|{prov.code}|{period}")
    names, regencies, tails = _pools(rng, prov, period)
    prefixes = ("9120", "9120", "9120", "1220", "8120", "0220")
    nib_base = rng.randrange(10**8)
    if fmt == "xlsx":
        _write_xlsx(path, rows, rng, names, regencies, tails, prefixes, nib_base)
        return path
    tail_text = [";".join(t) for t in tails]
    empty_mask = [False] * (1000 - NIB_EMPTY_PER_1000) + [True] * NIB_EMPTY_PER_1000
    rng.shuffle(empty_mask)
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
        f.write(";".join(HEADER) + "\n")
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            nm = rng.choices(names, k=n)
            rg = rng.choices(regencies, k=n)
            tl = rng.choices(tail_text, k=n)
            px = rng.choices(prefixes, k=n)
            lines = [
                f"{'' if empty_mask[i % 1000] else p + format((nib_base + i) % 10**9, '09d')}"
                f";{a};{r};{t}\n"
                for i, p, a, r, t in zip(range(done, done + n), px, nm, rg, tl, strict=True)
            ]
            f.write("".join(lines))
            done += n
    return path


def _write_xlsx(path, rows, rng, names, regencies, tails, prefixes, nib_base) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("umkm")
    ws.append(list(HEADER))
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        for i, a, r, t in zip(
            range(done, done + n),
            rng.choices(names, k=n),
            rng.choices(regencies, k=n),
            rng.choices(tails, k=n),
            strict=True,
        ):
            nib = "" if i % 5 == 4 else f"{prefixes[i % len(prefixes)]}{(nib_base + i) % 10**9:09d}"
            ws.append([nib, a, r, *t])
        done += n
    when = dt.datetime(2025, 1, 1)
    wb.properties.created = wb.properties.modified = when
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    try:
        deterministic_zip_file(tmp, path, when)
    finally:
        tmp.unlink()
