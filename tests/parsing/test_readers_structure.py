"""The reader on awkward and malicious files (contract "What real files also do"): broken
CSV quoting, total rows anywhere, formulas without values, sheet choice, what a file is,
bounded cost. Real files written to tmp_path."""

from __future__ import annotations

import codecs
import gzip
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ingest.submissions import readers
from ingest.submissions.datasets import DATASETS
from ingest.submissions.readers import FileRejected, open_table

from .reading import read as _read
from .reading import rejected as _rejected
from .reading import write as _write

KOPERASI = DATASETS["koperasi"]
UMKM = DATASETS["umkm"]
KEGIATAN = DATASETS["kegiatan_kerja_sama"]


def _note(table, rule: str):
    found = [n for n in table.notes if n.rule == rule]
    assert len(found) == 1, table.notes
    return found[0]


# --------------------------------------------------------------------------- CSV quoting

KOP_HEAD = "nik;nama;kab_kota;status;aset\n"


def test_unclosed_quote_swallowing_rows_is_rejected_with_its_line(tmp_path):
    text = (
        KOP_HEAD
        + "7401010001;KSP Maju;Kab. Konawe;aktif;100\n"
        + '7401010002;"Koperasi Tani;Kab. Muna;aktif;200\n'  # the quote is never closed ...
        + "7401010003;KUD Sejahtera;Kab. Muna;aktif;300\n"
        + '7401010004;"Kopwan";Kota Kendari;aktif;400\n'  # ... until this line's quote
    )
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert err.reason.startswith("berkas CSV rusak: baris 3: tanda kutip yang dibuka di baris ini")
    assert "sampai baris 5" in err.reason and "tidak digabung" in err.reason


def test_quote_left_open_to_the_end_of_the_file(tmp_path):
    text = KOP_HEAD + '7401010001;KSP Maju;Kab. Konawe;aktif;100\n7401010002;"Tani;Muna;aktif;1\n'
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert "baris 3" in err.reason and "tidak ditutup sampai akhir berkas" in err.reason


def test_text_after_a_closing_quote(tmp_path):
    text = KOP_HEAD + '7401010001;"Koperasi "Maju" Jaya";Kab. Konawe;aktif;100\n'
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert "baris 2" in err.reason and "sesudah tanda kutip penutup" in err.reason


def test_quoted_line_break_in_a_name_is_rejected_naming_the_column(tmp_path):
    text = KOP_HEAD + '7401010001;"KSP\nMaju";Kab. Konawe;aktif;100\n7401010002;B;Muna;aktif;1\n'
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert "baris 2-3" in err.reason and "nama_koperasi" in err.reason


def test_record_over_lines_with_too_few_fields_is_rejected(tmp_path):
    text = KOP_HEAD + '7401010001;"KSP Maju;Kab. Konawe;aktif;100\n7401010002";B\n'
    err = _rejected(_write(tmp_path / "k.csv", text))
    assert err.rule == "file.malformed_csv"
    assert "baris 2-3" in err.reason and "menggabungkan 2 baris" in err.reason


KEG_HEAD = "nomor_dokumen;tanggal_kegiatan;jenis_kegiatan;uraian;jumlah_peserta\n"


def test_multi_line_text_in_a_free_text_column_is_read(tmp_path):
    text = (
        KEG_HEAD
        + 'PKS/01;01/02/2024;pelatihan;"Pelatihan kemasan;\nhari kedua: praktik";25\n'
        + "PKS/02;02/02/2024;rakor;Rapat;10\n"
    )
    table, rows = _read(_write(tmp_path / "g.csv", text), KEGIATAN)
    assert rows == [
        (2, ["PKS/01", "01/02/2024", "pelatihan", "Pelatihan kemasan;\nhari kedua: praktik", "25"]),
        (4, ["PKS/02", "02/02/2024", "rakor", "Rapat", "10"]),
    ]


def test_multi_line_free_text_holding_swallowed_rows_is_rejected(tmp_path):
    # the quote opened in `uraian` closes in the same column one line later: the field
    # count matches the header, but the field holds a whole row's separators
    text = (
        KEG_HEAD
        + 'PKS/01;01/02/2024;pelatihan;"Pelatihan;25\n'
        + 'PKS/02;02/02/2024;rakor;Rapat";10\n'
        + "PKS/03;03/02/2024;rakor;Rapat;12\n"
    )
    err = _rejected(_write(tmp_path / "g.csv", text), KEGIATAN)
    assert err.rule == "file.malformed_csv"
    assert "baris 2-3" in err.reason and "uraian" in err.reason


def test_multi_line_header_cell_and_title_with_stray_quote_are_fine(tmp_path):
    text = (
        '"DATA "KOPERASI" 2024"\n'  # titles are read leniently
        + 'nik;nama;"kab_\nkota";status\n'
        + "7401010001;KSP Maju;Kab. Konawe;aktif\n"
    )
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert table.header_row == 2
    assert rows == [(4, ["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])]


def test_malformed_line_deep_in_the_file_is_found_while_iterating(tmp_path):
    good = "".join(f"74010{i:05d};Koperasi {i};Kab. Konawe;aktif;1\n" for i in range(5000))
    text = KOP_HEAD + good + '7401099999;"Rusak;Kab. Muna;aktif;1\n7401099998;B;Muna;aktif;1\n'
    with open_table(_write(tmp_path / "k.csv", text), KOPERASI) as table:
        it = table.rows()
        assert sum(1 for _ in zip(range(5000), it, strict=False)) == 5000
        with pytest.raises(FileRejected) as err:
            next(it)
    assert err.value.rule == "file.malformed_csv"
    assert "baris 5002" in err.value.reason


# --------------------------------------------------------------------------- total rows


def test_subtotal_rows_anywhere_are_skipped_and_counted(tmp_path):
    text = (
        "No;NIK;Nama Koperasi;Kabupaten/Kota;Status\n"
        "1;7401010001;KSP Maju;Kab. Konawe;aktif\n"
        "2;7401010002;KUD Tani;Kab. Konawe;aktif\n"
        ";;JUMLAH KAB. KONAWE;;\n"  # line 4: label in the name column
        "3;7401010003;Kopwan;Kota Kendari;aktif\n"
        "4;;Jumlah Kota Kendari;;\n"  # line 6: a row number before the label
        "Sub Jumlah;;;;\n"  # line 7
        "5;7401010005;Koperasi Total Jaya;Kab. Muna;aktif\n"
        ";;;Total Kab. Muna;\n"  # line 9: label in the regency column
        "Subtotal;;;;\n"  # line 10
        "Grand Total;;;;\n"  # line 11
        "JUMLAH;;;;\n"  # line 12
    )
    table, rows = _read(_write(tmp_path / "k.csv", text))
    assert [n for n, _ in rows] == [2, 3, 5, 8]
    note = _note(table, "file.total_rows_skipped")
    assert note.severity == "info"
    assert note.count == 7
    assert note.rows == [4, 6, 7, 9, 10, 11, 12]
    assert "7 baris jumlah/subtotal dilewati" in note.reason


def test_names_that_start_with_a_total_word_are_data(tmp_path):
    text = (
        "nib;nama_usaha;kabupaten_kota;omzet_tahunan\n"
        "9120001234567;Total Jaya Abadi;Kab. Jember;100\n"  # a name with a NIB
        ";Total Jaya Abadi;Kab. Jember;100\n"  # ... and without one
        ";Toko Jumlah Rejeki;Kab. Jember;100\n"
        ";Jumlah Rejeki;Kab. Jember;100\n"
        "9120001234568;Jumlah Kota Ambon;Kota Ambon;100\n"  # a NIB: never a total row
        ";Jumlah Kota Ambon;;300\n"  # line 7: a subtotal
        "JUMLAH;;;400\n"  # line 8: the label in the identifier column
    )
    table, rows = _read(_write(tmp_path / "u.csv", text), UMKM)
    assert [n for n, _ in rows] == [2, 3, 4, 5, 6]
    assert _note(table, "file.total_rows_skipped").rows == [7, 8]


def test_no_note_without_total_rows(tmp_path):
    table, rows = _read(_write(tmp_path / "k.csv", KOP_HEAD + "1;A;Muna;aktif;1\n"))
    assert len(rows) == 1 and table.notes == []


@pytest.mark.parametrize(
    "label",
    ["Jumlah", "TOTAL", "Sub Jumlah", "Sub-Total", "Grand Total", "Jumlah Total", "Total:",
     "Total Keseluruhan", "TOTAL.", "Total Jumlah", "Jumlah Kota Ambon", "Total Kab. X",
     "JUMLAH KAB. KONAWE",
     "Jumlah Kabupaten Konawe", "Jumlah Se-Provinsi", "  jumlah  "],
)  # fmt: skip
def test_total_labels(label):
    assert readers._TOTAL_LABEL.match(label)


@pytest.mark.parametrize(
    "label",
    ["Total Jaya Abadi", "Toko Jumlah Rejeki", "Jumlah Rejeki", "Totalindo", "Jumlahku",
     "Subur Makmur", "Grand Mart", "Total Motor"],
)  # fmt: skip
def test_names_are_not_total_labels(label):
    assert not readers._TOTAL_LABEL.match(label)


# --------------------------------------------------------------------------- XLSX


def test_formula_without_cached_value_is_missing_and_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["nik", "nama", "kab_kota", "status", "modal_sendiri", "modal_luar", "aset"])
    ws.append(["7401010001", "KSP Maju", "Kab. Konawe", "aktif", 100, 50, "=E2+F2"])
    ws.append(["7401010002", '=CONCAT("KUD ","Tani")', "Kab. Muna", "aktif", 10, 5, "=E3+F3"])
    ws.append(["JUMLAH", None, None, None, "=SUM(E2:E3)", "=SUM(F2:F3)", "=SUM(G2:G3)"])
    path = tmp_path / "k.xlsx"
    wb.save(path)  # openpyxl stores formulas without evaluating them
    table, rows = _read(path)
    assert rows == [
        (2, ["7401010001", "KSP Maju", "Kab. Konawe", "aktif", 100, 50, None]),
        (3, ["7401010002", None, "Kab. Muna", "aktif", 10, 5, None]),
    ]
    note = _note(table, "file.formula_without_value")
    assert note.severity == "warning"
    assert note.count == 3  # the JUMLAH row's sums are no data: not counted
    assert note.rows == [2, 3]
    assert "Sheet1!G2, Sheet1!B3, Sheet1!G3" in note.reason
    assert "simpan ulang" in note.reason
    assert _note(table, "file.total_rows_skipped").rows == [4]


def _sheet_xml(rows: list[str], prefix: str = "") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    p = f"{prefix}:" if prefix else ""
    body = "".join(rows).replace("<c ", f"<{p}c ").replace("</c>", f"</{p}c>")
    for tag in ("row", "f", "v", "is", "t"):
        body = body.replace(f"<{tag}", f"<{p}{tag}").replace(f"</{tag}>", f"</{p}{tag}>")
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<?xml version="1.0"?><{p}worksheet {xmlns}="{ns}"><{p}sheetData>{body}'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


def _with_sheet_xml(path: Path, xml: bytes) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["x"])
    base = tmp = path.with_suffix(".base.xlsx")
    wb.save(base)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, xml if info.filename.endswith("sheet1.xml") else data)
    return path


@pytest.mark.parametrize("prefix", ["", "x"])
def test_cached_formula_values_are_used_and_only_missing_ones_named(tmp_path, prefix):
    def t(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    rows = [
        '<row r="1">' + "".join(t(f"{c}1", h) for c, h in zip("ABCDE", ["nik", "nama",
         "kab_kota", "status", "aset"], strict=True)) + "</row>",
        '<row r="2">' + t("A2", "7401010001") + t("B2", "KSP Maju") + t("C2", "Konawe")
        + t("D2", "aktif") + '<c r="E2"><f>1+1</f><v>2</v></c></row>',
        '<row r="3">' + t("A3", "7401010002") + '<c r="B3" t="str"><f>IF(1,"","")</f><v></v></c>'
        + t("C3", "Konawe") + t("D3", "aktif") + '<c r="E3"><f>1+2</f></c></row>',
        '<row r="4">' + t("A4", "7401010003") + t("B4", "Kopwan") + t("C4", "Muna")
        + t("D4", "aktif") + '<c r="E4" s="0"><f t="shared" si="0"/><v/></c></row>',
    ]  # fmt: skip
    path = _with_sheet_xml(tmp_path / "k.xlsx", _sheet_xml(rows, prefix))
    table, got = _read(path)
    assert [cells[4] for _, cells in got] == [2, None, None]
    note = _note(table, "file.formula_without_value")
    assert note.count == 2 and note.rows == [3, 4]
    assert "Sheet!E3, Sheet!E4" in note.reason


def test_formula_scan_across_chunk_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_SCAN_CHUNK", 7)  # every cell is cut somewhere
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nik", "nama", "kab_kota", "status", "aset"])
    for i in range(2, 40):
        ws.append([f"74010{i:05d}", f"K{i}", "Muna", "aktif", f"=1+{i}" if i % 3 == 0 else i])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    table, rows = _read(path)
    assert len(rows) == 38
    expected = [i for i in range(2, 40) if i % 3 == 0]
    note = _note(table, "file.formula_without_value")
    assert note.count == len(expected) and note.rows == expected


def _hidden_workbook(path: Path, state: str) -> Path:
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Koperasi Lama"
    old.append(["nik", "nama", "kab_kota", "status"])
    old.append(["7401000000", "Data lama", "Muna", "aktif"])
    old.sheet_state = state
    cover = wb.create_sheet("Sampul")
    cover.append(["LAPORAN DINAS KOPERASI DAN UKM"])
    data = wb.create_sheet("Data Koperasi 2024")
    data.append(["Data Koperasi 2024"])
    data.append(["nik", "nama", "kab_kota", "status"])
    data.append(["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])
    wb.active = 1
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_skipped_and_data_sheet_found_by_its_header(tmp_path, state):
    table, rows = _read(_hidden_workbook(tmp_path / "k.xlsx", state))
    assert table.sheet == "Data Koperasi 2024"
    assert table.header_row == 2
    assert rows == [(3, ["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])]
    hidden = _note(table, "file.hidden_sheet_skipped")
    assert hidden.severity == "info" and "'Koperasi Lama'" in hidden.reason
    chosen = _note(table, "file.sheet_read")
    assert chosen.severity == "info"
    assert "'Data Koperasi 2024'" in chosen.reason and "bukan lembar pertama" in chosen.reason


def test_hidden_sheet_named_after_the_dataset_is_not_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["isi lembar berikutnya"])
    hidden = wb.create_sheet("koperasi")
    hidden.append(["nik", "nama", "kab_kota", "status"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "k.xlsx"
    wb.save(path)
    err = _rejected(path)
    assert err.rule == "file.no_header" and "Petunjuk" in err.detail


def test_first_sheet_read_without_notes(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["nik", "nama", "kab_kota", "status"])
    wb.active.append(["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    table, rows = _read(path)
    assert table.sheet == "Sheet" and len(rows) == 1 and table.notes == []


def test_all_sheets_hidden(tmp_path):
    path = _hidden_workbook(tmp_path / "k.xlsx", "hidden")
    hidden = tmp_path / "all_hidden.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hidden, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":  # Excel refuses this; a script does not
                data = data.replace(b'state="visible"', b'state="hidden"')
            dst.writestr(info.filename, data)
    err = _rejected(hidden)
    assert err.rule == "file.no_visible_sheet" and "tersembunyi" in err.reason


# --------------------------------------------------------------------------- what a file is

TSV = "nik\tnama\tkab_kota\tstatus\n7401010001\tKSP Maju, Unit 2\tKab. Konawe\taktif\n"


def test_tab_separated_text_is_read(tmp_path):
    table, rows = _read(_write(tmp_path / "k.csv", TSV))
    assert table.delimiter == "\t" and table.encoding == "utf-8"
    assert rows == [(2, ["7401010001", "KSP Maju, Unit 2", "Kab. Konawe", "aktif"])]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF16_LE + TSV.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TSV.encode("utf-16-be"), "utf-16"),
        (TSV.encode("utf-16-le"), "utf-16-le"),
        (TSV.encode("utf-16-be"), "utf-16-be"),
        (TSV.replace("\t", ";").encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_utf16_text_with_or_without_bom_is_read(tmp_path, data, encoding):
    path = tmp_path / "k.csv"
    path.write_bytes(data)
    table, rows = _read(path)
    assert table.encoding == encoding
    assert table.header == ["nik", "nama", "kab_kota", "status"]
    assert rows[0][0] == 2 and rows[0][1][0] == "7401010001"


def test_utf16_with_a_nul_character_is_unreadable(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (TSV + "74\x00\tX\tMuna\taktif\n").encode("utf-16-le"))
    err = _rejected(path)
    assert err.rule == "file.unreadable" and "NUL" in err.reason


HTML = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body></body></html>"


@pytest.mark.parametrize("name", ["k.csv", "k.xlsx"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_html_page_is_named(tmp_path, name, encoding):
    err = _rejected(_write(tmp_path / name, "\n  " + HTML, encoding))
    if encoding == "utf-16" and name.endswith(".xlsx"):
        assert err.rule == "file.unreadable"  # not a zip: no UTF-16 sniffing for a workbook
        return
    assert err.rule == "file.html_page"
    assert err.reason.startswith("berkas ini halaman HTML (web), bukan CSV/Excel")


def test_archives_named_csv_or_xlsx(tmp_path):
    plain = tmp_path / "k.csv"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("koperasi_74_2024.csv", KOP_HEAD)
    err = _rejected(plain)
    assert err.rule == "file.archive" and "arsip ZIP" in err.reason and "ekstrak" in err.reason
    zipped = tmp_path / "k.xlsx"
    zipped.write_bytes(plain.read_bytes())
    assert _rejected(zipped).rule == "file.archive"
    for name in ("g.csv", "g.xlsx"):
        gz = tmp_path / name
        gz.write_bytes(gzip.compress(KOP_HEAD.encode()))
        err = _rejected(gz)
        assert err.rule == "file.archive" and "gzip" in err.reason


@pytest.mark.parametrize("name", ["k.csv", "k.xlsx"])
def test_pdf_is_named(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    err = _rejected(path)
    assert err.rule == "file.unreadable" and "dokumen PDF" in err.reason


def test_opendocument_spreadsheet_named_xlsx(tmp_path):
    path = tmp_path / "k.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    err = _rejected(path)
    assert err.rule == "file.unreadable" and "OpenDocument" in err.reason and ".xlsx" in err.reason


def _ole2(streams: list[str]) -> bytes:
    """An OLE2 header plus a directory sector naming ``streams`` (UTF-16 LE names)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for name in streams)
    return header + directory


@pytest.mark.parametrize("name", ["k.xlsx", "k.csv"])
def test_old_xls_and_encrypted_workbook(tmp_path, name):
    old = tmp_path / name
    old.write_bytes(_ole2(["Root Entry", "Workbook", "SummaryInformation"]))
    err = _rejected(old)
    assert err.rule == "file.old_xls" and "simpan ulang sebagai .xlsx" in err.reason
    locked = tmp_path / ("locked_" + name)
    locked.write_bytes(_ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    err = _rejected(locked)
    assert err.rule == "file.encrypted" and "kata sandi" in err.reason


# --------------------------------------------------------------------------- bounded cost


SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _strings_bomb(path: Path, unpacked: int) -> Path:
    """A koperasi workbook whose shared-strings part unpacks to ``unpacked`` bytes."""
    wb = openpyxl.Workbook()
    wb.active.append(["nik", "nama", "kab_kota", "status"])
    wb.active.append(["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])
    base = path.with_suffix(".base.xlsx")
    wb.save(base)
    chunk = "".join(f"<si><t>s{k}</t></si>" for k in range(1000)).encode()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":  # openpyxl loads the part at open
                data = data.replace(b"</Types>", SST_TYPE + b"</Types>")
            dst.writestr(info.filename, data)
        with dst.open("xl/sharedStrings.xml", "w") as f:
            f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(unpacked // len(chunk)):
                f.write(chunk)
            f.write(b"</sst>")
    return path


def test_small_workbook_unpacking_out_of_proportion_is_rejected_before_parsing(tmp_path):
    path = _strings_bomb(tmp_path / "k.xlsx", 60 * 1024**2)
    assert path.stat().st_size < 600 * 1024  # > 100x: 60 MB from a few hundred KB
    started = time.monotonic()
    err = _rejected(path)
    assert time.monotonic() - started < 2  # unparsed: before, ~60 s and ~550 MB RSS
    assert err.rule == "file.too_large"
    assert "setelah dibuka" in err.reason and "60 MB" in err.reason


def test_small_workbook_below_the_floor_is_read(tmp_path):
    path = _strings_bomb(tmp_path / "k.xlsx", 2 * 1024**2)  # ~300x, but only 2 MB
    table, rows = _read(path)
    assert rows == [(2, ["7401010001", "KSP Maju", "Kab. Konawe", "aktif"])]
