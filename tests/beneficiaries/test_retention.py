"""Issue 15: an uploaded list holds full NIKs, so its file is deleted after the retention period; the import's row
stays as history and says so."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import ImportBatch, ImportStatus
from beneficiaries.tasks import purge_import_files, start_import
from tests.beneficiaries.factories import business_type
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

NIK = "1375024508800012"
LIST = f"nama;nik;desa\nSITI AMINAH;{NIK};Garegeh\nROSMAINI;12345;Garegeh\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def uploaded(admin, programme):
    """A checked upload (the tests run tasks at once) and the path of its file on disk."""
    garegeh()
    business_type("sulaman")
    batch = start_import(upload=SimpleUploadedFile("daftar.csv", LIST.encode()), programme=programme, by=admin)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and NIK in Path(batch.file.path).read_text()
    return batch, Path(batch.file.path)


def _age(batch, days):
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=days))


def test_a_file_older_than_the_retention_period_is_deleted_and_the_batch_stays(uploaded, settings):
    batch, path = uploaded
    counts = (batch.row_count, batch.new_count, batch.invalid_count)
    _age(batch, settings.IMPORT_FILE_RETENTION_DAYS + 1)
    assert purge_import_files() == 1
    batch.refresh_from_db()
    assert not path.exists()
    assert batch.file.name == ""
    assert (batch.row_count, batch.new_count, batch.invalid_count) == counts
    assert "90" in batch.message and batch.status == ImportStatus.FAILED  # checked, never imported: no longer can be
    assert NIK not in str(batch.report) and "SITI" not in str(batch.report)
    assert batch.report["counts"]


def test_a_younger_file_is_kept(uploaded, settings):
    batch, path = uploaded
    _age(batch, settings.IMPORT_FILE_RETENTION_DAYS - 1)
    assert purge_import_files() == 0
    assert path.exists()


def test_the_retention_period_is_a_setting(uploaded, settings):
    batch, path = uploaded
    settings.IMPORT_FILE_RETENTION_DAYS = 10
    _age(batch, 11)
    assert purge_import_files() == 1
    assert not path.exists()


def test_an_imported_batch_keeps_its_status_after_the_purge(uploaded):
    batch, path = uploaded
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTED)
    _age(batch, 91)
    purge_import_files()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and not path.exists()


def test_the_worker_purges_when_a_new_list_is_uploaded(uploaded, admin, programme):
    batch, path = uploaded
    _age(batch, 91)
    start_import(upload=SimpleUploadedFile("baru.csv", LIST.encode()), programme=programme, by=admin)
    assert not path.exists()
    assert ImportBatch.objects.exclude(file="").count() == 1


def test_the_command_purges_too(uploaded):
    batch, path = uploaded
    _age(batch, 91)
    call_command("purge_import_files")
    assert not path.exists()


def test_a_purged_batch_offers_no_error_file_and_cannot_be_imported(uploaded, login, admin):
    batch, _path = uploaded
    _age(batch, 91)
    purge_import_files()
    client = login(admin)
    assert client.get(reverse("beneficiaries:import_error_file", args=[batch.pk])).status_code == 404
    client.post(reverse("beneficiaries:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.new_count == 1
    assert client.get(reverse("beneficiaries:import_detail", args=[batch.pk])).status_code == 200


def test_a_purged_batch_has_no_original_file_to_download(uploaded, login, admin):
    batch, _path = uploaded
    _age(batch, 91)
    purge_import_files()
    client = login(admin)
    assert client.get(reverse("beneficiaries:import_file", args=[batch.pk])).status_code == 404
    assert (
        reverse("beneficiaries:import_file", args=[batch.pk])
        not in client.get(reverse("beneficiaries:import_detail", args=[batch.pk])).text
    )
