import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from beneficiaries.exports import export_columns
from beneficiaries.models import BusinessStatus, EnrolmentStatus, IdentifierAccess
from beneficiaries.nik import mask_identifier
from pekka.spreadsheets import defuse_formula
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory

pytestmark = pytest.mark.django_db

BOM = "\ufeff"


def export_url(fmt="csv"):
    """The export link for ``fmt``."""
    return reverse("beneficiaries:export", args=[fmt])


def csv_rows(response) -> list[list[str]]:
    """The CSV download parsed back, header first."""
    text = response.getvalue().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def xlsx_sheet(response):
    """The XLSX download's sheet, opened with openpyxl."""
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def by_name(rows) -> dict[str, list]:
    """Data rows keyed by the name column."""
    return {row[0]: row for row in rows[1:]}


def indonesian(*labels) -> list[str]:
    """Labels as the export writes them: in Indonesian, the users' language."""
    with translation.override("id"):
        return [str(label) for label in labels]


def test_anonymous_is_sent_to_login(client):
    response = client.get(export_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_format_is_404(login, facilitator):
    assert login(facilitator).get(export_url("pdf")).status_code == 404


def test_csv_has_every_column_of_each_visible_beneficiary(login, facilitator, beneficiary, programme):
    business = BusinessFactory(beneficiary=beneficiary)
    beneficiary.phone = "+6281266001234"
    beneficiary.save()

    response = login(facilitator).get(export_url("csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="penerima-manfaat-{today:%Y%m%d}.csv"'
    rows = csv_rows(response)
    with translation.override("id"):
        assert rows[0] == export_columns()
    female, widowed, pekka, active, running, embroidery = indonesian(
        beneficiary.get_sex_display(),
        beneficiary.get_marital_status_display(),
        beneficiary.get_category_display(),
        EnrolmentStatus.ACTIVE.label,
        BusinessStatus.RUNNING.label,
        business.business_type,
    )
    household = beneficiary.household
    assert rows[1:] == [
        [
            "Siti Aminah",
            mask_identifier(beneficiary.nik),
            mask_identifier(household.kk_number),
            female,
            "Bukittinggi",
            "05/08/1980",
            widowed,
            "",
            "+6281266001234",
            pekka,
            "Garegeh",
            "Mandiangin Koto Selayan",
            "Kota Bukittinggi",
            "002",
            "001",
            household.address,
            f"{programme} ({active})",
            str(facilitator),
            f"{embroidery} ({running})",
            f"{today:%d/%m/%Y}",
        ]
    ]


def test_xlsx_is_a_workbook_with_a_bold_frozen_header_and_identifiers_as_text(login, manager, beneficiary):
    beneficiary.phone = "+6281266001234"
    beneficiary.save()

    response = login(manager).get(export_url("xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith(f'penerima-manfaat-{timezone.localdate():%Y%m%d}.xlsx"')
    sheet = xlsx_sheet(response)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    with translation.override("id"):
        assert rows[0] == export_columns()
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 20
    name, nik, kk = sheet[2][0:3]
    phone = sheet[2][8]
    assert name.value == "Siti Aminah"
    # Text cells: Excel keeps all 16 digits instead of showing 1.37502E+15.
    assert (nik.value, nik.data_type) == (beneficiary.nik, "s")
    assert (kk.value, kk.data_type) == (beneficiary.household.kk_number, "s")
    assert (phone.value, phone.data_type) == ("+6281266001234", "s")


def test_facilitator_gets_her_caseload_with_masked_identifiers_and_nothing_is_logged(
    login, facilitator, beneficiary, other_beneficiary
):
    rows = by_name(csv_rows(login(facilitator).get(export_url("csv"))))

    assert set(rows) == {"Siti Aminah"}  # not Rosmaini, the other facilitator's
    assert rows["Siti Aminah"][1] == mask_identifier(beneficiary.nik)
    assert "****" in rows["Siti Aminah"][1]
    assert not IdentifierAccess.objects.exists()


def test_manager_gets_her_programmes_with_full_identifiers_and_the_export_is_logged(
    login, manager, beneficiary, other_beneficiary, foreign_beneficiary
):
    rows = by_name(csv_rows(login(manager).get(export_url("csv"), {"sort": "name"})))

    assert set(rows) == {"Siti Aminah", "Rosmaini"}  # not Sumiyati, in another programme
    assert rows["Siti Aminah"][1:3] == [beneficiary.nik, beneficiary.household.kk_number]
    access = IdentifierAccess.objects.get()
    assert (access.user, access.action, access.row_count, access.detail) == (manager, "export", 2, "sort=name")


def test_xlsx_export_by_a_manager_is_logged_too(login, manager, beneficiary):
    login(manager).get(export_url("xlsx"))
    assert IdentifierAccess.objects.get().row_count == 1


def test_export_applies_the_list_filters(login, manager, beneficiary, other_beneficiary):
    rows = by_name(csv_rows(login(manager).get(export_url("csv"), {"q": "siti"})))

    assert set(rows) == {"Siti Aminah"}
    assert IdentifierAccess.objects.get().detail == "q=siti"


def test_export_keeps_the_list_order(login, manager, programme):
    for name in ("Yusnidar", "Asnidar", "Nurhayati"):
        BeneficiaryFactory(full_name=name, programme=programme)

    rows = csv_rows(login(manager).get(export_url("csv")))

    assert [row[0] for row in rows[1:]] == ["Asnidar", "Nurhayati", "Yusnidar"]


def test_formulas_are_defused_in_csv_and_stored_as_text_in_xlsx(login, manager, beneficiary):
    beneficiary.full_name = '=HYPERLINK("http://contoh.invalid","klik")'
    beneficiary.birth_place = "@SUM(A1)"
    beneficiary.phone = "+6281266001234"
    beneficiary.save()
    household = beneficiary.household
    household.address = "-2+3+cmd|' /C calc'!A0"
    household.save()
    client = login(manager)

    (row,) = csv_rows(client.get(export_url("csv")))[1:]
    assert row[0] == '\'=HYPERLINK("http://contoh.invalid","klik")'
    assert row[4] == "'@SUM(A1)"
    assert row[8] == "+6281266001234"
    assert row[15] == "'-2+3+cmd|' /C calc'!A0"

    name = xlsx_sheet(client.get(export_url("xlsx")))["A2"]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://contoh.invalid","klik")', "s")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("", ""),
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+A1", "'+A1"),
        ("-A1*2", "'-A1*2"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        # Phones and plain numbers have no letters or operators: nothing to run, so they stay readable.
        ("+6281266001234", "+6281266001234"),
        ("+62 812-6600-1234", "+62 812-6600-1234"),
        ("-", "-"),
        ("-5", "-5"),
    ],
)
def test_defuse_formula(value, written):
    assert defuse_formula(value) == written


@pytest.mark.parametrize("count", [5, 50])
def test_export_query_count_stays_flat(login, manager, programme, count, django_assert_num_queries):
    for _ in range(count):
        BusinessFactory(beneficiary=BeneficiaryFactory(programme=programme))
    client = login(manager)

    # 1 session, 2 user, 3 beneficiaries with household, village, kecamatan, kabupaten and facilitator (the
    # manager's programmes as a subquery), 4 their enrolments with programmes, 5 their businesses with types,
    # 6 the identifier-access log row.
    with django_assert_num_queries(6):
        response = client.get(export_url("csv"))

    assert len(csv_rows(response)) == count + 1
