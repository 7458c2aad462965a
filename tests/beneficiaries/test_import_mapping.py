"""Settling a value once for every row: the preview's grouped values, accepting a suggestion or choosing another,
the alias it leaves for the next list, and the check again without a new upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from beneficiaries.importing.aliases import alias_key, load_aliases, remember_alias
from beneficiaries.models import Beneficiary, ImportAlias, ImportBatch, ImportStatus
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

# Three women whose marital status is typed with a slip ("cerai mt"), one whose education is "sltp" (understood).
LIST = (
    "nama;status_perkawinan;pendidikan;desa\n"
    "Siti Aminah;janda cerai mt;SD;Garegeh\n"
    "Rosmaini;Janda Cerai Mt;sltp;Garegeh\n"
    "Yusnani;JANDA CERAI MT;;Garegeh\n"
)


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def upload(client, programme, text=LIST, name="daftar.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"))
    client.post(reverse("beneficiaries:import_create"), {"programme": programme.pk, "file": file})
    return ImportBatch.objects.latest("pk")


@pytest.fixture
def checked(db, login, admin, programme):
    garegeh()
    client = login(admin)
    return client, upload(client, programme)


def marital_group(batch):
    groups = [g for g in batch.report["groups"] if g["field"] == "marital_status"]
    assert len(groups) == 1, batch.report["groups"]
    return groups[0]


def test_the_preview_shows_a_misspelt_value_once_with_its_rows_and_suggestion(checked):
    client, batch = checked
    assert (batch.status, batch.invalid_count) == (ImportStatus.CHECKED, 3)
    group = marital_group(batch)
    assert (group["rows"], group["row_numbers"], group["severity"]) == (3, [2, 3, 4], "error")
    assert group["suggestions"][0][0] == "widowed"
    page = client.get(reverse("beneficiaries:import_detail", args=[batch.pk])).content.decode()
    assert page.count("cerai mt") >= 1
    assert "Use for all 3 rows" in page


def test_accepting_a_suggestion_remembers_it_and_checks_the_file_again(checked, admin):
    client, batch = checked
    group = marital_group(batch)
    response = client.post(
        reverse("beneficiaries:import_map", args=[batch.pk]),
        {"field": "marital_status", "scope": "", "typed": group["value"], "value": "widowed"},
    )
    assert response.status_code == 302
    alias = ImportAlias.objects.get()
    assert (alias.field, alias.key, alias.value, alias.created_by, alias.batch) == (
        "marital_status",
        "janda cerai mt",
        "widowed",
        admin,
        batch,
    )
    batch.refresh_from_db()
    assert (batch.status, batch.invalid_count, batch.new_count) == (ImportStatus.CHECKED, 0, 3)
    assert batch.report["groups"] == []


def test_the_next_list_from_the_same_office_maps_itself(checked, programme):
    client, batch = checked
    client.post(reverse("beneficiaries:import_map", args=[batch.pk]), {"semua": "1"})
    later = upload(client, programme, LIST.replace("Siti Aminah", "Nurhayati"), name="bulan-depan.csv")
    assert (later.invalid_count, later.new_count) == (0, 3)
    client.post(reverse("beneficiaries:import_commit", args=[later.pk]))
    assert set(Beneficiary.objects.values_list("marital_status", flat=True)) == {"widowed"}


def test_choosing_another_value_than_the_suggestion(checked):
    client, batch = checked
    group = marital_group(batch)
    client.post(
        reverse("beneficiaries:import_map", args=[batch.pk]),
        {"field": "marital_status", "scope": "", "typed": group["value"], "value": "divorced"},
    )
    assert load_aliases()[("marital_status", "", "janda cerai mt")] == "divorced"


def test_a_value_that_does_not_exist_is_refused_with_a_message_and_nothing_changes(checked):
    client, batch = checked
    group = marital_group(batch)
    response = client.post(
        reverse("beneficiaries:import_map", args=[batch.pk]),
        {"field": "marital_status", "scope": "", "typed": group["value"], "value": "bigamous"},
        follow=True,
    )
    assert "is not one of the choices" in response.content.decode()
    assert not ImportAlias.objects.exists()
    batch.refresh_from_db()
    assert batch.invalid_count == 3


def test_only_values_the_check_asked_about_can_be_mapped_here(checked):
    client, batch = checked
    response = client.post(
        reverse("beneficiaries:import_map", args=[batch.pk]),
        {"field": "marital_status", "scope": "", "typed": "something else", "value": "widowed"},
    )
    assert response.status_code == 404
    assert not ImportAlias.objects.exists()


def test_a_committed_file_is_not_mapped_again(checked):
    client, batch = checked
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTED)
    response = client.post(reverse("beneficiaries:import_map", args=[batch.pk]), {"semua": "1"}, follow=True)
    assert "not waiting to be imported" in response.content.decode()
    assert not ImportAlias.objects.exists()


def test_remember_alias_folds_the_key_and_a_new_meaning_replaces_the_old(admin):
    first = remember_alias(field="education", scope="", typed="  Tamat SLTP ", value="smp", by=admin)
    assert first.key == alias_key("education", "tamat sltp") == "tamat sltp"
    again = remember_alias(field="education", scope="", typed="TAMAT SLTP", value="sma", by=admin)
    assert again.pk == first.pk and again.value == "sma"
    assert ImportAlias.objects.count() == 1


def test_the_aliases_are_kept_in_the_admin(client, admin):
    remember_alias(field="education", scope="", typed="tamat sltp", value="smp", by=admin)
    client.force_login(admin)
    page = client.get(reverse("admin:beneficiaries_importalias_changelist"))
    assert page.status_code == 200
    assert "tamat sltp" in page.content.decode()


def test_an_official_name_is_never_mapped_to_another_region(admin):
    from django.core.exceptions import ValidationError

    from tests.regions.factories import RegionFactory

    village = garegeh()
    other = RegionFactory(code="13.75.01", name="Guguak Panjang", level=3, parent=village.parent.parent)
    with pytest.raises(ValidationError, match="official name"):
        remember_alias(field="district", scope="13.75", typed="Guguak Panjang", value=village.parent.code, by=admin)
    assert other.code != village.parent.code
    assert not ImportAlias.objects.exists()


def test_the_error_file_carries_the_suggestions_and_the_spreadsheets_row_numbers(db, login, admin, programme):
    import io

    import openpyxl

    from tests.beneficiaries import messy

    messy.messy_regions()
    client = login(admin)
    batch = upload(client, programme, messy.messy_list(), name="daftar.csv")
    response = client.get(reverse("beneficiaries:import_error_file", args=[batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    response.close()
    by_no = {row[1]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}  # column B is the list's "No"
    first = by_no["1"] if "1" in by_no else by_no[1]
    # No 1 is on the spreadsheet's row 3 (a title line, then the header).
    assert first.startswith(f"Row {messy.row_number(1)}, column “Kecamatan” (“{messy.LOOSE_DISTRICT}”)")
    assert f"({messy.DISTRICT_CODE})" in first
