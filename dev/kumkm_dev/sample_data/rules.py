"""Rule codes and variant tags planted by the sample generator.

The rule codes are shared with the parsing layer (``ingest/submissions/normalize.py``,
``ingest/submissions/load.py``): a planted defect is labelled with the code the parser must
report. Three levels:

- ``file``: the whole file is rejected (nothing loaded, nothing quarantined);
- ``row``: the row is quarantined, the rest of the file loads (``accepted_with_warnings``);
- ``warning``: the row loads, the file is ``accepted_with_warnings``;
- ``gate``: the validation gate rejects the file (its rows stay in raw, never in the marts).
"""

from __future__ import annotations

FILE = "file"
ROW = "row"
WARNING = "warning"
GATE = "gate"

RULES: dict[str, tuple[str, str]] = {
    # code: (level, meaning)
    "file.empty": (FILE, "0-byte file, or a header with no data rows"),
    "file.no_header": (FILE, "no row holds all the dataset's required columns"),
    "file.unreadable": (FILE, "not a CSV/XLSX that can be decoded (binary junk, corrupt zip)"),
    "file.wrong_province": (FILE, "a province cell names another province than the file name"),
    "file.name_unknown_dataset": (FILE, "the file name does not start with a known dataset"),
    "file.name_unknown_province": (FILE, "the file name's province is not in the table"),
    "file.name_bad_period": (FILE, "the file name's period is not YYYY, YYYYS1/2, YYYYQ1..4"),
    "value.not_a_number": (ROW, "a number cell that cannot be parsed"),
    "value.negative": (ROW, "a negative value where the column must be >= 0"),
    "value.required": (ROW, "a required cell is empty"),
    "value.identifier_shape": (ROW, "an identifier of the wrong shape (NIB not 13 digits)"),
    "umkm.omzet_above_menengah": (ROW, "omzet_tahunan above Rp 50 M: not an UMKM"),
    "umkm.halal_date_missing": (ROW, "halal certified (reguler / self declare) without date"),
    "kerja_sama.end_not_after_signing": (ROW, "tanggal_berakhir before tanggal_tanda_tangan"),
    "umkm.skala_mismatch": (WARNING, "declared skala_usaha contradicts omzet_tahunan"),
    "koperasi.rat_outside_window": (WARNING, "RAT dated inside book year Y or after 31 Dec Y+1"),
    "koperasi.inactive_with_rat": (WARNING, "an inactive cooperative with a RAT date"),
    "gx.koperasi.nik_koperasi.unique_per_submission": (GATE, "one nik_koperasi twice"),
    "gx.indikator_umkm.one_row_per_submission": (GATE, "more than one indicator row"),
    "gx.kerja_sama.nomor_dokumen.unique_per_submission": (GATE, "one nomor_dokumen twice"),
}

RULE_CODES: tuple[str, ...] = tuple(RULES)
FILE_RULES: tuple[str, ...] = tuple(c for c, (lvl, _) in RULES.items() if lvl == FILE)
ROW_RULES: tuple[str, ...] = tuple(c for c, (lvl, _) in RULES.items() if lvl == ROW)
WARNING_RULES: tuple[str, ...] = tuple(c for c, (lvl, _) in RULES.items() if lvl == WARNING)
GATE_RULES: tuple[str, ...] = tuple(c for c, (lvl, _) in RULES.items() if lvl == GATE)

OUTCOMES = ("accepted", "accepted_with_warnings", "rejected", "duplicate")

# Every tag below appears on at least one generated file (tests check it).
VARIANT_TAGS: dict[str, str] = {
    # formats and encodings
    "csv_comma": "CSV delimited by ','",
    "csv_semicolon": "CSV delimited by ';'",
    "utf8": "UTF-8 without BOM",
    "utf8_bom": "UTF-8 with BOM",
    "cp1252": "Windows-1252 (names with é, Rp values)",
    "xlsx": "Excel workbook",
    "xlsx_native_dates": "dates as Excel dates",
    "xlsx_numbers": "numbers as Excel numbers",
    "xlsx_text_numbers": "numbers typed as text in Indonesian format",
    "xlsx_text_ids": "identifiers stored as text",
    "xlsx_named_sheet": "data on a sheet named after the dataset, not the first sheet",
    "leading_zero_ids": "identifiers with leading zeros (NIB 0220..., KBLI 01111)",
    # layout
    "title_lines": "title / note lines above the header",
    "empty_rows": "empty rows between data rows",
    "total_row": "trailing JUMLAH / TOTAL row",
    "extra_columns": "unknown extra columns",
    "header_aliases": "header aliases (NIK, Kab/Kota, tgl_rat, Status, Nama)",
    "header_case_spacing": "header case and spacing variants (Jumlah Anggota Pria)",
    # values
    "numbers_plain": "plain numbers 1234567.89",
    "numbers_id": "Indonesian numbers 1.234.567,89",
    "numbers_rp": "money as Rp 1.234.567",
    "dash_zero": "'-' for zero",
    "negative_allowed": "negative SHU -12.345.678 (allowed)",
    "percent_sign": "percent as 60,43%",
    "percent_comma": "percent as 60,43",
    "percent_native": "percent as an Excel number 60.43",
    "date_iso": "dates YYYY-MM-DD",
    "date_dmy_slash": "dates DD/MM/YYYY",
    "date_dmy_dash": "dates DD-MM-YYYY",
    "date_id_long": "dates 16 Juni 2023",
    "date_id_short": "dates 5 Nov 2025",
    "date_mixed": "several date formats in one column",
    "categorical_variants": "AKTIF, Tidak  aktif, Nota Kesepahaman, SELF  DECLARE ...",
    "regency_variants": "Kab. Konawe, KOTA KENDARI, Kabupaten  Konawe ",
    "province_column": "a provinsi column with name variants (Prov. Jawa Timur, JATIM)",
    "kode_bps_column": "a kode_bps column (BPS 4-digit code, Papua 9400 = Kemendagri 91)",
    # file names
    "name_province_code": "province as Kemendagri code in the file name (74)",
    "name_province_alias": "province as alias slug (sultra, jatim, diy)",
    "name_province_slug": "province as name slug (sulawesi-tenggara, papua-barat)",
    "name_uppercase": "upper-case file name and extension",
    "name_suffix": "suffix after the period (_revisi, _v2, _final)",
    "subfolder": "file in a sub-folder of the dropzone",
    "period_year": "period YYYY",
    "period_semester": "period YYYYS1",
    "period_quarter": "period YYYYQn",
    # submissions
    "resubmission": "a later file for the same dataset/province/period (the later is in force)",
    "resubmission_same_mtime": "resubmission with the same mtime: the later name wins",
    "superseded": "an accepted file later replaced by a resubmission",
    "rejected_resubmission": "a later rejected file that must not displace the accepted one",
    "gate_rejected": "rejected by the validation gate: its rows stay in raw, not in the marts",
    "wrong_province": "a province column (Propinsi, Nama Provinsi) naming another province",
    "corrected_resubmission": "a rejected file followed by an accepted correction",
    "duplicate_copy": "a byte-identical copy under another name",
    "anchor": "a file the end-to-end tests read figures from",
    "defect": "a planted defect (see expected_rules)",
}
VARIANT_TAG_NAMES: tuple[str, ...] = tuple(VARIANT_TAGS)
