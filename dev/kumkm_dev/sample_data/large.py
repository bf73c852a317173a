"""A large, valid ``umkm`` register for load benchmarks, streamed in bounded memory.

Speed comes from precomputed pools: a pool of 8,192 businesses (name, KBLI, skala, modal,
omzet, workers, owner, halal scheme and date, already formatted) and a pool of regency
spellings. Per chunk of rows there are three ``random.choices`` calls and one
``";".join`` per row; NIBs come from a counter (unique within the file), with a fixed 22 %
of rows left empty (no NIB; those rows get a numbered name, so no two rows are
identical). Every row is valid under the contract: NIB 13 digits or empty, KBLI 5 digits
(food 10xxx/11xxx/56xxx included), skala consistent with omzet, halal certificate dates
present, Indonesian number formats (``1.234.567``,
``Rp 1.234.567``) mixed with plain ones.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import builders as b
from .reference import BY_CODE, PROVINCES, Province
from .render import group_thousands

# kabupaten_kota before nama_usaha: column order is free (headers are matched by name)
HEADER = (
    "nib",
    "kabupaten_kota",
    "nama_usaha",
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
POOL = 8192
NIB_EMPTY_SHARE = 0.22
NIB_PREFIXES = ("9120", "9120", "9120", "1220", "8120", "0220")


def _province(token: str) -> Province:
    if token in BY_CODE:
        return BY_CODE[token]
    t = token.lower()
    for p in PROVINCES:
        if t == p.slug or t in p.aliases:
            return p
    raise ValueError(f"unknown province {token!r}")


def _money(v: int, style: str) -> str:
    if style == "plain":
        return str(v)
    s = group_thousands(v)
    return "Rp " + s if style == "rp" else s


def _business_pool(rng: random.Random, prov: Province, period: str) -> list[tuple[str, ...]]:
    """Businesses as tuples of cell texts, from nama_usaha to tanggal_sertifikat_halal."""
    _, end = b.period_bounds(period)
    pool = []
    for _ in range(POOL):
        r = b.umkm_row(rng, prov, end, nib_share=1.0)
        style = rng.choice(("id", "id", "plain", "rp"))
        d = r["tanggal_sertifikat_halal"]
        date_text = ""
        if d is not None:
            date_text = rng.choice(
                (
                    d.isoformat(),
                    f"{d.day:02d}/{d.month:02d}/{d.year}",
                    f"{d.day:02d}-{d.month:02d}-{d.year}",
                )
            )
        skala = r["skala_usaha"] or ""
        pool.append(
            (
                r["nama_usaha"],
                r["kbli"],
                skala.upper() if rng.random() < 0.1 else skala,
                _money(r["modal_usaha"], style),
                _money(r["omzet_tahunan"], style),
                str(r["tenaga_kerja"]),
                r["jenis_kelamin_pemilik"],
                r["sertifikat_halal"],
                date_text,
            )
        )
    return pool


def _numbered(tail: str | tuple[str, ...], n: int) -> str | tuple[str, ...]:
    """A business without NIB gets a numbered name (`Warung Bu Sri 1234`): with the pools'
    repetition two such rows could otherwise be identical, and the loader keeps an exact
    duplicate row once."""
    if isinstance(tail, str):
        name, sep, rest = tail.partition(";")
        return f"{name} {n}{sep}{rest}"
    return (f"{tail[0]} {n}", *tail[1:])


def _regency_pool(prov: Province) -> list[str]:
    out = []
    for reg in prov.regencies:
        kind, _, name = reg.partition(" ")
        out += [reg, reg, reg, reg.upper()]
        out.append(f"Kab. {name}" if kind == "Kabupaten" else f"KOTA {name.upper()}")
    return out


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

    ``dest`` is a directory (the file is named ``umkm_<province code>_<period>.<fmt>``) or
    a file path ending in ``.csv`` / ``.xlsx``. ``province`` is a Kemendagri code or slug.
    CSV is ``;``-delimited UTF-8, about a million rows per second, memory bounded by one
    chunk (20,000 rows); ``fmt="xlsx"`` streams through openpyxl's write-only mode
    (bounded memory, far slower). Same arguments -> byte-identical file.
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError("fmt must be 'csv' or 'xlsx'")
    if rows < 0:
        raise ValueError("rows must be >= 0")
    prov = _province(province)
    dest = Path(dest)
    if dest.suffix.lower() in (".csv", ".xlsx"):
        path = dest
    else:
        path = dest / f"umkm_{prov.code}_{period}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}|large-umkm|{prov.code}|{period}")
    businesses = _business_pool(rng, prov, period)
    regencies = _regency_pool(prov)
    # 9-digit counter after a 4-digit prefix: unique NIBs for up to 500 million rows
    nib_base = rng.randrange(10**8, 5 * 10**8)
    empty = sorted(rng.sample(range(CHUNK), int(CHUNK * NIB_EMPTY_SHARE)))

    def chunks(pool: list):
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            prefixes = rng.choices(NIB_PREFIXES, k=n)
            nibs = list(
                map(str.__add__, prefixes, map(str, range(nib_base + done, nib_base + done + n)))
            )
            tails = rng.choices(pool, k=n)
            for k in empty:
                if k >= n:
                    break
                nibs[k] = ""
                tails[k] = _numbered(tails[k], done + k + 1)
            yield nibs, rng.choices(regencies, k=n), tails
            done += n

    if fmt == "xlsx":
        _write_xlsx(path, chunks(businesses))
        return path
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
        f.write(";".join(HEADER) + "\n")
        for nibs, regs, tails in chunks([";".join(t) for t in businesses]):
            f.write("\n".join(map(";".join, zip(nibs, regs, tails, strict=True))))
            f.write("\n")
    return path


def _write_xlsx(path: Path, chunks) -> None:
    from .xlsx import write_workbook

    def rows():
        yield list(HEADER)
        for nibs, regs, biz in chunks:
            for nib, reg, t in zip(nibs, regs, biz, strict=True):
                yield [nib or None, reg, *t]

    write_workbook(path, [("umkm", rows())], when=dt.datetime(2025, 1, 1), zip64=True)
