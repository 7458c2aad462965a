"""The import pages: who may use them, upload → check → preview → commit, the history, the files."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from beneficiaries.models import Beneficiary, ImportBatch, ImportStatus
from tests.beneficiaries.factories import business_type
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

NIK = "1375024508800012"
GOOD_AND_BAD = (
    "nama;nik;desa;telepon;catatan\n"
    f"SITI AMINAH;{NIK};Garegeh;0812 6600 1234;baru\n"
    "ROSMAINI;12345;Garegeh;;\n"
    "Yusnani;;Garegeh;;\n"
)


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and messages are checked in English, the msgids; the Indonesian catalogue translates them."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    garegeh()
    business_type("sulaman")


def upload(client, programme, text=GOOD_AND_BAD, *, name="daftar.csv", **extra):
    file = SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)
    return client.post(reverse("beneficiaries:import_create"), {"programme": programme.pk, "file": file, **extra})


def batch_url(name, batch, **kwargs):
    return reverse(f"beneficiaries:{name}", args=[batch.pk], **kwargs)


@pytest.fixture
def checked(world, login, admin, programme):
    upload(login(admin), programme)
    return ImportBatch.objects.get()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("beneficiaries:import_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["facilitator", "manager", "coordinator"])
def test_only_admins_reach_the_import_pages(request, login, role, checked):
    client = login(request.getfixturevalue(role))
    for url in [
        reverse("beneficiaries:import_list"),
        reverse("beneficiaries:import_create"),
        reverse("beneficiaries:import_template", args=["xlsx"]),
        batch_url("import_detail", checked),
        batch_url("import_progress", checked),
        batch_url("import_file", checked),
        batch_url("import_error_file", checked),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(batch_url("import_commit", checked)).status_code == 403
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CHECKED


def test_unknown_import_is_404(login, admin):
    assert login(admin).get(reverse("beneficiaries:import_detail", args=[999])).status_code == 404


def test_upload_checks_in_the_background_and_shows_the_preview(world, login, admin, programme):
    client = login(admin)
    response = upload(client, programme)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch_url("import_detail", batch)
    assert (batch.status, batch.uploaded_by, batch.file_name) == (ImportStatus.CHECKED, admin, "daftar.csv")
    assert (batch.row_count, batch.new_count, batch.invalid_count) == (3, 2, 1)
    page = client.get(response.url).content.decode()
    assert "catatan" in page  # the unknown column is reported
    assert "Row 3, column “nik” (“12345”)" in page
    assert "Siti Aminah" in page
    assert not Beneficiary.objects.exists()  # nothing written before the commit


def test_commit_writes_the_valid_rows(checked, login, admin, programme):
    response = login(admin).post(batch_url("import_commit", checked))
    assert response.status_code == 302
    checked.refresh_from_db()
    assert (checked.status, checked.committed_by, checked.new_count) == (ImportStatus.COMMITTED, admin, 2)
    assert sorted(Beneficiary.objects.values_list("full_name", flat=True)) == ["Siti Aminah", "Yusnani"]
    assert set(Beneficiary.objects.values_list("enrolments__programme", flat=True)) == {programme.pk}
    page = login(admin).get(batch_url("import_detail", checked)).content.decode()
    assert "Imported: 2 new" in page


def test_all_or_nothing_commit_is_refused_when_a_row_is_invalid(checked, login, admin):
    response = login(admin).post(batch_url("import_commit", checked), {"all_or_nothing": "on"}, follow=True)
    assert "Nothing was imported" in response.content.decode()
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CHECKED and not Beneficiary.objects.exists()


def test_committing_twice_does_nothing_more(checked, login, admin):
    client = login(admin)
    client.post(batch_url("import_commit", checked))
    response = client.post(batch_url("import_commit", checked), follow=True)
    assert "not waiting to be imported" in response.content.decode()
    assert Beneficiary.objects.count() == 2


def test_reuploading_the_same_file_says_nothing_changes(world, login, admin, programme):
    client = login(admin)
    text = f"nama;nik;desa\nSiti Aminah;{NIK};Garegeh\n"
    upload(client, programme, text)
    client.post(batch_url("import_commit", ImportBatch.objects.get()))
    upload(client, programme, text)
    again = ImportBatch.objects.order_by("-pk").first()
    assert (again.unchanged_count, again.new_count, again.update_count) == (1, 0, 0)
    page = client.get(batch_url("import_detail", again)).content.decode()
    assert "importing this file changes nothing" in page


def test_progress_polls_until_done_then_reloads(checked, login, admin):
    client = login(admin)
    ImportBatch.objects.filter(pk=checked.pk).update(status=ImportStatus.CHECKING, progress=40)
    response = client.get(batch_url("import_progress", checked), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    ImportBatch.objects.filter(pk=checked.pk).update(status=ImportStatus.CHECKED, progress=100)
    response = client.get(batch_url("import_progress", checked), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Refresh"] == "true"
    assert client.get(batch_url("import_progress", checked)).status_code == 302


def test_error_file_download(checked, login, admin):
    response = login(admin).get(batch_url("import_error_file", checked))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="daftar-errors.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    response.close()
    assert [cell.value for cell in sheet[2]][1:3] == ["ROSMAINI", "12345"]


def test_original_file_download(checked, login, admin):
    response = login(admin).get(batch_url("import_file", checked))
    assert b"".join(response.streaming_content).decode() == GOOD_AND_BAD
    response.close()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download(login, admin, fmt):
    response = login(admin).get(reverse("beneficiaries:import_template", args=[fmt]))
    response.close()
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_corrupt_workbook_is_explained_not_a_500(world, login, admin, programme):
    client = login(admin)
    upload(client, programme, b"PK\x03\x04broken", name="daftar.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and "damaged" in batch.message
    assert "damaged" in client.get(batch_url("import_detail", batch)).content.decode()


def test_too_big_a_file_is_refused(world, login, admin, programme, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(login(admin), programme, "nama\n" + "Siti\n" * 50)
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_too_many_rows_are_refused(world, login, admin, programme, settings):
    settings.IMPORT_MAX_ROWS = 2
    upload(login(admin), programme, "nama;desa\n" + "Siti;Garegeh\n" * 3)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and "more than 2 rows" in batch.message


def test_another_sheet_can_be_checked(world, login, admin, programme):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Rekap"
    workbook.active.append(["Total", 3])
    data = workbook.create_sheet("Data")
    data.append(["nama", "desa"])
    data.append(["Siti", "Garegeh"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(admin)
    upload(client, programme, buffer.getvalue(), name="daftar.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and "also has: Data" in batch.message  # no names on "Rekap"
    assert "Check another sheet" in client.get(batch_url("import_detail", batch)).content.decode()
    client.post(batch_url("import_recheck", batch), {"sheet": "Data"})
    batch.refresh_from_db()
    assert (batch.status, batch.sheet, batch.new_count) == (ImportStatus.CHECKED, "Data", 1)
    upload(client, programme, buffer.getvalue(), name="daftar.xlsx", sheet="data")
    assert ImportBatch.objects.order_by("-pk").first().new_count == 1


@pytest.mark.parametrize("count", [5, 50])
def test_history_query_count_is_flat(login, admin, programme, count, django_assert_num_queries):
    ImportBatch.objects.bulk_create(
        [
            ImportBatch(programme=programme, file=f"imports/{i}.csv", file_name=f"{i}.csv", uploaded_by=admin)
            for i in range(count)
        ]
    )
    client = login(admin)
    # session, user, count of imports, one page of imports with their programme and uploader
    with django_assert_num_queries(4):
        response = client.get(reverse("beneficiaries:import_list"))
    assert response.status_code == 200
