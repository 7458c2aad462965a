"""The one spreadsheet layer (``pekka/spreadsheets.py``): every import meets the same limits with the same messages,
and every export writes a cell that starts like a formula as text."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from beneficiaries import exports
from beneficiaries.importing.read import ImportFileError, parse_rows
from mentoring.importers import parse_monitoring_file
from mentoring.models import MonitoringReport
from pekka import spreadsheets
from pekka.dashboards.exports import report_workbook

FORMULA = '=HYPERLINK("http://contoh.invalid","klik")'


def both_imports_file(rows: int) -> bytes:
    """A CSV file both imports can read: a name for the beneficiary import, the figures for the monitoring one."""
    header = "nama,nik,tahun,triwulan,omset,aset,pekerja\n"
    return (header + "Siti,1375024508800012,2025,3,2000000,5000000,1\n" * rows).encode()


def beneficiary_import_refusal(data: bytes) -> str:
    """Why the beneficiary import refuses ``data``, as its upload check gives it."""
    with pytest.raises(ImportFileError) as refused:
        parse_rows(io.BytesIO(data), filename="daftar.csv", max_rows=spreadsheets.max_rows())
    return str(refused.value)


@pytest.mark.parametrize(
    ("setting", "limit", "says"), [("IMPORT_MAX_BYTES", 100, "0 MB"), ("IMPORT_MAX_ROWS", 2, " 2 ")]
)
def test_the_monitoring_import_refuses_what_the_beneficiary_import_refuses_with_the_same_message(
    settings, setting, limit, says
):
    setattr(settings, setting, limit)
    data = both_imports_file(3)  # three data rows, about 200 bytes

    results = parse_monitoring_file(SimpleUploadedFile("monev.csv", data, content_type="text/csv"))

    message = beneficiary_import_refusal(data)
    assert says in message
    assert [r.errors for r in results] == [[message]]


def test_within_the_limits_the_monitoring_rows_are_read(settings):
    settings.IMPORT_MAX_ROWS = 3
    results = parse_monitoring_file(SimpleUploadedFile("monev.csv", both_imports_file(3), content_type="text/csv"))
    assert [(r.line, r.year, r.quarter, r.errors) for r in results] == [(n, 2025, 3, []) for n in (2, 3, 4)]


def test_the_monitoring_page_says_why_a_file_is_too_big(login, coordinator, programme, settings):
    settings.IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("monev.csv", both_imports_file(3), content_type="text/csv")

    response = login(coordinator).post(
        reverse("mentoring:monitoring_import"), {"programme": programme.pk, "file": upload}
    )

    assert response.status_code == 200
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert escape(spreadsheets.too_big_message()) in response.content.decode()
    assert not MonitoringReport.objects.exists()


# --- exports ---


def csv_cell(data: bytes) -> str:
    """The first cell of the second row of a CSV export."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1][0]


def xlsx_cells(data: bytes) -> list:
    """Every filled cell of an XLSX export, opened with openpyxl."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]


def report_context() -> dict:
    """What the programme report's workbook is built from, with a formula in the narrative and in a table."""
    return {
        "scope": SimpleNamespace(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)),
        "programme": SimpleNamespace(name="PEKKA Agam", funder="Yayasan"),
        "narrative": SimpleNamespace(highlights=FORMULA, obstacles="", next_steps=""),
        "achievements": [],
        "outcomes": [],
        "status_mix": [],
        "permits": [],
        "turnover": [{"label": FORMULA, "value": 1_500_000, "count": 3}],
        "par_rows": [],
        "par_total": SimpleNamespace(label="Total", loans=0, outstanding=0, par1=0, par30=0),
    }


def _written(write) -> bytes:
    file = io.BytesIO()
    write(file)
    return file.getvalue()


@pytest.mark.parametrize(
    "write",
    [
        lambda file: spreadsheets.write_csv(file, [["nama"], [FORMULA]]),
        lambda file: exports.write_csv([[FORMULA]], file),
    ],
    ids=["write_csv", "beneficiary list"],
)
def test_csv_exports_prefix_a_formula_with_an_apostrophe(write):
    assert csv_cell(_written(write)) == f"'{FORMULA}"


@pytest.mark.parametrize(
    "write",
    [
        lambda file: spreadsheets.write_workbook(file, [spreadsheets.SheetSpec("Data", rows=[["nama"], [FORMULA]])]),
        lambda file: exports.write_xlsx([[FORMULA]], file),
    ],
    ids=["write_workbook", "beneficiary list"],
)
def test_xlsx_exports_keep_a_formula_as_quoted_text(write):
    cells = xlsx_cells(_written(write))
    (formula,) = [cell for cell in cells if cell.value == FORMULA]
    assert formula.data_type == "s" and formula.quotePrefix
    assert all(cell.data_type != "f" for cell in cells)


def test_the_programme_report_defuses_its_formulas():
    cells = xlsx_cells(report_workbook(report_context()))
    assert [cell.value for cell in cells if "HYPERLINK" in str(cell.value)] == [f"'{FORMULA}"] * 2
    assert all(cell.data_type != "f" for cell in cells)
