"""The commit reuses the plan its check kept when nothing changed since the preview, and checks the file again
otherwise: a registered woman added meanwhile, a tampered plan, a purged upload."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from beneficiaries import tasks
from beneficiaries.importing import batches
from beneficiaries.importing.batches import PLAN_SUFFIX, check_batch, commit_batch, fingerprint
from beneficiaries.models import Beneficiary, Business, Enrolment, Household, ImportBatch, ImportStatus
from tests.beneficiaries.factories import BeneficiaryFactory, business_type, synthetic_nik
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

NIK = synthetic_nik(serial=7001)
OTHER_NIK = synthetic_nik(serial=7002)
LIST = (
    "nama;nik;no_kk;desa;jenis_usaha\n"
    f"Siti Aminah;{NIK};1375020101090003;Garegeh;sulaman\n"
    f"Rosmaini;{OTHER_NIK};1375020101090004;Garegeh;\n"
    "Yusnani;12345;;Garegeh;\n"
)


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def checked(admin, programme):
    garegeh()
    business_type("sulaman")
    batch = ImportBatch.objects.create(
        programme=programme,
        file=ContentFile(LIST.encode(), name="daftar.csv"),
        file_name="daftar.csv",
        uploaded_by=admin,
    )
    return check_batch(batch=batch)


def plan_path(batch) -> Path:
    return Path(f"{batch.file.path}{PLAN_SUFFIX}")


@pytest.fixture
def no_reading(monkeypatch):
    """Fails the test if the file is read and checked again."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(batches, "parse_rows", refuse)
    monkeypatch.setattr(batches, "match_rows", refuse)


def test_the_check_keeps_its_plan_signed_next_to_the_file(checked):
    assert checked.status == ImportStatus.CHECKED and (checked.new_count, checked.invalid_count) == (2, 1)
    data = plan_path(checked).read_bytes()
    assert data.startswith(b"pekka-import-plan-2\n")
    assert NIK.encode() not in data  # compressed, not plain text


def test_nothing_changed_the_commit_writes_the_kept_plan_without_reading_the_file(checked, admin, no_reading):
    Path(checked.file.path).write_text("nama\n")  # even a replaced file is not read

    batch = commit_batch(batch=checked, by=admin)

    assert batch.status == ImportStatus.COMMITTED and (batch.new_count, batch.invalid_count) == (2, 1)
    siti = Beneficiary.objects.get(nik=NIK)
    assert siti.full_name == "Siti Aminah" and siti.household.kk_number == "1375020101090003"
    assert set(Beneficiary.objects.values_list("nik", flat=True)) == {NIK, OTHER_NIK}
    assert Household.objects.count() == 2 and Enrolment.objects.filter(programme=batch.programme).count() == 2
    assert list(Business.objects.values_list("beneficiary__nik", flat=True)) == [NIK]
    assert siti.history.get().history_user == admin
    assert not plan_path(checked).exists()  # used once


def test_a_woman_registered_meanwhile_makes_the_commit_check_the_file_again(checked, admin, monkeypatch):
    BeneficiaryFactory(nik=NIK, full_name="Siti Aminah")  # registered by hand after the preview
    read = []
    monkeypatch.setattr(batches, "parse_rows", lambda *a, **k: read.append(1) or parse(*a, **k))

    batch = commit_batch(batch=checked, by=admin)

    assert read == [1]
    assert batch.status == ImportStatus.COMMITTED
    assert (batch.new_count, batch.update_count + batch.unchanged_count, batch.invalid_count) == (1, 1, 1)
    assert Beneficiary.objects.filter(nik=NIK).count() == 1


parse = batches.parse_rows


def test_an_edited_woman_changes_the_fingerprint(checked, programme):
    woman = BeneficiaryFactory(nik=synthetic_nik(serial=7003))
    before = fingerprint(programme=programme)
    woman.phone = "+6281266001234"
    woman.save()
    assert fingerprint(programme=programme) != before


def test_the_fingerprint_changes_with_the_day(programme, monkeypatch):
    before = fingerprint(programme=programme)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(batches.timezone, "localdate", lambda: tomorrow)
    assert fingerprint(programme=programme) != before


def test_a_tampered_plan_is_never_unpickled_and_the_file_is_checked_again(checked, admin, monkeypatch):
    path = plan_path(checked)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one byte of the compressed pickle
    path.write_bytes(bytes(data))
    monkeypatch.setattr(batches.pickle, "loads", lambda data: pytest.fail("unpickled a tampered plan"))

    batch = commit_batch(batch=checked, by=admin)

    assert batch.status == ImportStatus.COMMITTED and batch.new_count == 2
    assert set(Beneficiary.objects.values_list("nik", flat=True)) == {NIK, OTHER_NIK}


def test_a_plan_kept_for_another_batch_is_refused(checked, admin, programme, monkeypatch):
    other = ImportBatch.objects.create(
        programme=programme, file=ContentFile(b"nama\nSiti\n", name="lain.csv"), file_name="lain.csv", uploaded_by=admin
    )
    plan_path(other).write_bytes(plan_path(checked).read_bytes())  # same key, another batch's header
    monkeypatch.setattr(batches.pickle, "loads", lambda data: pytest.fail("unpickled another batch's plan"))

    assert batches._kept_plan(other) is None


def test_all_or_nothing_refuses_the_kept_plan_with_invalid_rows(checked, admin, no_reading):
    batch = commit_batch(batch=checked, by=admin, all_or_nothing=True)

    assert batch.status == ImportStatus.CHECKED and batch.message and not Beneficiary.objects.exists()
    assert commit_batch(batch=batch, by=admin).new_count == 2  # the plan is kept for a commit without the invalid rows


def test_purging_the_upload_deletes_the_kept_plan(checked):
    ImportBatch.objects.filter(pk=checked.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=400))
    path = plan_path(checked)
    assert path.exists()

    assert tasks.purge_import_files() == 1

    assert not path.exists()


def test_a_plan_kept_in_several_pieces_is_written_whole(admin, programme, monkeypatch):
    # Given a check that kept its plan's rows one per pickle
    monkeypatch.setattr(batches, "PLAN_CHUNK_ROWS", 1)
    garegeh()
    business_type("sulaman")
    batch = ImportBatch.objects.create(
        programme=programme,
        file=ContentFile(LIST.encode(), name="daftar.csv"),
        file_name="daftar.csv",
        uploaded_by=admin,
    )
    batch = check_batch(batch=batch)
    monkeypatch.setattr(batches, "parse_rows", lambda *a, **k: pytest.fail("the file was read again"))
    monkeypatch.setattr(batches, "match_rows", lambda *a, **k: pytest.fail("the file was checked again"))
    # When it is committed
    batch = commit_batch(batch=batch, by=admin)
    # Then the kept rows were written, none lost between the pieces
    assert (batch.status, batch.new_count, batch.invalid_count) == (ImportStatus.COMMITTED, 2, 1)
    assert set(Beneficiary.objects.values_list("nik", flat=True)) == {NIK, OTHER_NIK}
