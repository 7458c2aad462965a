"""Reading and normalising import files: formats, columns, and each kind of cell. No database."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from beneficiaries.importing.check import (
    _Invalid,
    normalise_name,
    parse_choice,
    parse_date,
    parse_identifier,
    parse_phone_number,
    parse_rt_rw,
)
from beneficiaries.importing.read import ImportFileError, map_columns, parse_rows
from pekka.spreadsheets import OLE_MAGIC, SheetSpec, detect_delimiter, open_sheet, write_workbook

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids; the Indonesian catalogue translates them."""
    with translation.override("en"):
        yield


NIK = "1375024508800012"  # Mandiangin Koto Selayan, a woman born 05/08/1980


def csv_bytes(text: str, *, bom: bool = False) -> io.BytesIO:
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def xlsx_bytes(rows, *, title="Data", extra_sheets=()) -> io.BytesIO:
    """A workbook as Excel writes it (shared strings, real date cells), made with openpyxl."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, rows_ in extra_sheets:
        other = workbook.create_sheet(name)
        for row in rows_:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def only_row(file, **kwargs):
    parsed = parse_rows(file, **kwargs)
    assert len(parsed.rows) == 1
    return parsed.rows[0]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("05/08/1980", dt.date(1980, 8, 5)),
        ("5/8/1980", dt.date(1980, 8, 5)),
        ("05-08-1980", dt.date(1980, 8, 5)),
        ("05.08.1980", dt.date(1980, 8, 5)),
        ("1980-08-05", dt.date(1980, 8, 5)),
        ("1980-08-05 00:00:00", dt.date(1980, 8, 5)),
        ("10 Oktober 1980", dt.date(1980, 10, 10)),
        ("10 oktober 1980", dt.date(1980, 10, 10)),
        ("10 Okt 1980", dt.date(1980, 10, 10)),
        ("10-Okt-1980", dt.date(1980, 10, 10)),
        ("1 Agustus 1975", dt.date(1975, 8, 1)),
        ("10 October 1980", dt.date(1980, 10, 10)),
        (29438, dt.date(1980, 8, 5)),  # an Excel serial number
        ("29438", dt.date(1980, 8, 5)),
        (dt.datetime(1980, 8, 5), dt.date(1980, 8, 5)),
        ("05/08/80", dt.date(1980, 8, 5)),
    ],
)
def test_every_date_format(cell, expected):
    assert parse_date(cell, today=TODAY) == expected


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("31/02/1980", "not a real date"),
        ("12/25/1980", "no month 25"),
        ("1980", "not a date"),
        ("10 Oktobre 1980", "month name"),
        ("01/01/2030", "future"),
        ("01/01/1850", "before 1900"),
        ("kemarin", "not a date"),
    ],
)
def test_impossible_dates_are_explained(cell, problem):
    with pytest.raises(_Invalid) as refused:
        parse_date(cell, today=TODAY)
    assert problem in refused.value.args[0]


@pytest.mark.parametrize(
    "typed",
    ["1375024508800012", "1375 0245 0880 0012", "'1375024508800012", "1375-0245-0880-0012", "1375.0245.0880.0012"],
)
def test_nik_spaces_dots_dashes_and_apostrophes_are_removed(typed):
    assert parse_identifier(typed, kind="nik") == NIK


def test_nik_from_a_number_cell():
    assert parse_identifier(1375024508800012, kind="nik") == NIK


@pytest.mark.parametrize("typed", ["137502450880001", "13750245088000123", "1375024532800012", "1375024508800000"])
def test_impossible_niks_are_refused(typed):
    with pytest.raises(_Invalid):
        parse_identifier(typed, kind="nik")


def test_kk_needs_sixteen_digits():
    assert parse_identifier("1375 0201 0109 0003", kind="kk") == "1375020101090003"
    with pytest.raises(_Invalid):
        parse_identifier("12345", kind="kk")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("SITI AMINAH", "Siti Aminah"),
        ("  siti   aminah ", "Siti Aminah"),
        ("SITI BINTI AHMAD", "Siti binti Ahmad"),
        ("ROSMAWATI BR. SINAGA", "Rosmawati br. Sinaga"),
        ("NUR'AINI", "Nur'aini"),
        ("SITI AL-HUSNA", "Siti Al-Husna"),
        ("Siti McKenzie", "Siti McKenzie"),  # written with care: left as typed
    ],
)
def test_names_are_tidied(typed, expected):
    assert normalise_name(typed) == expected


@pytest.mark.parametrize(
    "typed", ["0812-6600-1234", "081266001234", "+62 812 6600 1234", "6281266001234", "(0812) 6600 1234"]
)
def test_phone_numbers_become_plus_62(typed):
    assert parse_phone_number(typed) == "+6281266001234"


def test_phone_number_cell_that_lost_its_leading_zero():
    assert parse_phone_number(81266001234) == "+6281266001234"


def test_not_a_phone_number():
    with pytest.raises(_Invalid):
        parse_phone_number("12345")


@pytest.mark.parametrize("typed, expected", [("3", "003"), ("03", "003"), ("RT 3", "003"), (2, "002"), ("012", "012")])
def test_rt_and_rw_are_three_digits(typed, expected):
    assert parse_rt_rw(typed) == expected


@pytest.mark.parametrize(
    "name, typed, expected",
    [
        ("sex", "Perempuan", "P"),
        ("sex", "L", "L"),
        ("marital_status", "Cerai Mati", "widowed"),
        ("marital_status", "janda cerai hidup", "divorced"),
        ("marital_status", "Belum Kawin", "never_married"),
        ("education", "SLTA", "sma"),
        ("education", "tidak tamat SD", "sd_incomplete"),
        ("category", "KPM", "kpm"),
        ("category", "lainnya", "other"),
    ],
)
def test_choices_from_the_words_people_write(name, typed, expected):
    assert parse_choice(typed, name=name) == expected


def test_janda_alone_is_ambiguous():
    with pytest.raises(_Invalid, match="cerai"):
        parse_choice("janda", name="marital_status")


def test_columns_in_indonesian_or_english_any_order_unknown_ones_reported():
    columns = map_columns(["Name", "Tgl. Lahir", "NIK", "Desa/Kelurahan", "Keterangan", "No", None])
    assert columns.index == {"full_name": 0, "birth_date": 1, "nik": 2, "village": 3}
    assert columns.unknown == ["Keterangan", "No"]


def test_two_columns_meaning_the_same_are_refused():
    with pytest.raises(ImportFileError, match="desa"):
        map_columns(["nama", "desa", "kelurahan"])


def test_a_file_without_a_name_column_is_refused():
    with pytest.raises(ImportFileError):
        parse_rows(csv_bytes("nik;desa\n1375024508800012;Garegeh\n"))


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("separator", [";", ","])
def test_csv_with_or_without_bom_either_separator(bom, separator):
    text = separator.join(["nama", "nik", "tanggal_lahir"]) + "\n" + separator.join(["SITI", NIK, "05/08/1980"])
    row = only_row(csv_bytes(text, bom=bom))
    assert (row.full_name, row.nik, row.birth_date, row.errors) == ("Siti", NIK, dt.date(1980, 8, 5), ())


def test_delimiter_detection():
    assert detect_delimiter("nama;alamat\nSiti;Jl. Melati, No. 3") == ";"
    assert detect_delimiter("nama,alamat\n") == ","


def test_windows_csv_is_read_too():
    data = "nama;alamat\nSiti;Jl. Cempaka – Ujung\n".encode("cp1252")
    assert only_row(io.BytesIO(data)).address == "Jl. Cempaka – Ujung"


def test_xlsx_as_excel_writes_it():
    file = xlsx_bytes(
        [
            ["DAFTAR PENERIMA BANTUAN DESA GAREGEH"],  # a title above the header
            [],
            ["Nama", "NIK", "Tanggal Lahir", "Telepon", "RT"],
            ["SITI AMINAH", NIK, dt.datetime(1980, 8, 5), "0812 6600 1234", 2],
        ]
    )
    parsed = parse_rows(file, filename="daftar.xlsx")
    assert parsed.header_row == 3
    row = parsed.rows[0]
    assert row.number == 4
    assert (row.full_name, row.nik, row.birth_date, row.phone, row.rt) == (
        "Siti Aminah",
        NIK,
        dt.date(1980, 8, 5),
        "+6281266001234",
        "002",
    )


def test_xlsx_chosen_sheet():
    file = xlsx_bytes([["Rekap"]], title="Rekap", extra_sheets=[("Data", [["nama"], ["Siti"]])])
    parsed = parse_rows(file, sheet="data")
    assert (parsed.sheet, parsed.sheets, parsed.rows[0].full_name) == ("Data", ["Rekap", "Data"], "Siti")


def test_xlsx_missing_sheet_names_the_sheets():
    with pytest.raises(ImportFileError, match="Rekap"):
        parse_rows(xlsx_bytes([["nama"]], title="Rekap"), sheet="Data")


def test_xlsx_numeric_nik_gets_a_warning_about_lost_digits():
    row = only_row(xlsx_bytes([["nama", "nik"], ["Siti", 1375024508800010]]))
    assert row.nik == "1375024508800010"
    assert any("15" in warning.message for warning in row.warnings)


def test_xlsx_written_by_us_reads_back():
    buffer = io.BytesIO()
    write_workbook(buffer, [SheetSpec(name="Data", rows=[["nama", "tanggal_lahir"], ["=1+1", dt.date(1980, 8, 5)]])])
    buffer.seek(0)
    rows = list(open_sheet(buffer).rows)
    assert rows == [(1, ["nama", "tanggal_lahir"]), (2, ["=1+1", dt.date(1980, 8, 5)])]  # a date cell is a date


def test_xlsx_irregular_sheet_is_read_by_the_slow_path():
    buffer = io.BytesIO()
    write_workbook(buffer, [SheetSpec(name="Data", rows=[["nama"], ["Siti"]])])
    # Rich text inside a cell: the fast reader hands the sheet to openpyxl.
    with zipfile.ZipFile(buffer) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<is><t>Siti</t></is>", b"<is><r><t>Si</t></r><r><t>ti</t></r></is>"
    )
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    rebuilt.seek(0)
    assert only_row(rebuilt).full_name == "Siti"


def test_corrupt_xlsx_is_a_clear_error():
    with pytest.raises(ImportFileError, match="damaged"):
        parse_rows(io.BytesIO(b"PK\x03\x04 this is not really a zip file"), filename="daftar.xlsx")


def test_password_protected_xlsx_is_a_clear_error():
    with pytest.raises(ImportFileError, match="password"):
        parse_rows(io.BytesIO(OLE_MAGIC + b"\x00" * 500), filename="daftar.xlsx")


def test_binary_junk_is_not_a_csv():
    with pytest.raises(ImportFileError):
        parse_rows(io.BytesIO(b"\x00\x01\x02" * 100), filename="daftar.csv")


def test_comment_blank_and_example_rows_are_skipped():
    text = "nama;nik\n# a note\n;\nNURHAYATI BINTI SYAFRI;1375 0245 0880 9991\nRosmaini;\n"
    parsed = parse_rows(csv_bytes(text))
    assert [row.full_name for row in parsed.rows] == ["Rosmaini"]
    assert parsed.skipped_rows == 1


def test_row_limit():
    text = "nama\n" + "Siti\n" * 4
    with pytest.raises(ImportFileError, match="3"):
        parse_rows(csv_bytes(text), max_rows=3)


def test_each_problem_names_row_column_and_value():
    row = only_row(csv_bytes("nama;tanggal_lahir;telepon\nSiti;31/02/1980;12345\n"))
    sentences = row.messages()
    assert len(sentences) == 2
    assert sentences[0] == "Row 2, column “tanggal_lahir” (“31/02/1980”): is not a real date."
    assert "telepon" in sentences[1] and "12345" in sentences[1]


def test_missing_name():
    row = only_row(csv_bytes("nama;nik\n;1375024508800012\n"))
    assert "nama" in row.messages()[0]


def test_formula_like_cells_are_kept_as_text():
    row = only_row(csv_bytes('nama;alamat\nSiti;"=HYPERLINK(""http://x"";""klik"")"\n'))
    assert row.address == '=HYPERLINK("http://x";"klik")'
