"""manage.py import_beneficiaries: the same check and commit as the pages, with exit codes."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from beneficiaries.models import Beneficiary, ImportBatch, ImportStatus
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

NIK = "1375024508800012"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def files(tmp_path, db):
    garegeh()
    good = tmp_path / "baik.csv"
    good.write_text(f"nama;nik;desa\nSiti Aminah;{NIK};Garegeh\nRosmaini;;Garegeh\n", encoding="utf-8")
    mixed = tmp_path / "campur.csv"
    mixed.write_text(f"nama;nik;desa\nSiti Aminah;{NIK};Garegeh\nYusnani;123;Garegeh\n", encoding="utf-8")
    return good, mixed


def run(*args):
    out = io.StringIO()
    call_command("import_beneficiaries", *map(str, args), stdout=out)
    return out.getvalue()


def test_import_prints_the_counts_and_exits_zero(files, programme, admin):
    good, _mixed = files
    output = run(good, "--programme", programme.slug, "--user", admin.username)
    assert "2 rows: 2 new, 0 updates, 0 unchanged, 0 invalid." in output
    assert Beneficiary.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.uploaded_by, batch.committed_by, batch.file_name) == (
        ImportStatus.COMMITTED,
        admin,
        admin,
        "baik.csv",
    )
    woman = Beneficiary.objects.get(nik=NIK)
    assert woman.history.get().history_user == admin


def test_same_file_again_says_nothing_changes(files, programme):
    good, _mixed = files
    run(good, "--programme", programme.slug)
    output = run(good, "--programme", programme.slug)
    # Rosmaini has no NIK or KK: she cannot be recognised, so she counts as new again.
    assert "1 unchanged" in output


def test_invalid_rows_are_printed_and_exit_one(files, programme):
    _good, mixed = files
    with pytest.raises(CommandError) as failed:
        run(mixed, "--programme", programme.slug)
    assert failed.value.returncode == 1
    assert list(Beneficiary.objects.values_list("full_name", flat=True)) == ["Siti Aminah"]


def test_invalid_rows_are_listed(files, programme, capsys):
    _good, mixed = files
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_beneficiaries", str(mixed), "--programme", programme.slug, stdout=out)
    assert "Row 3, column “nik” (“123”)" in out.getvalue()


def test_all_or_nothing_writes_nothing(files, programme):
    _good, mixed = files
    with pytest.raises(CommandError) as failed:
        run(mixed, "--programme", programme.slug, "--all-or-nothing")
    assert failed.value.returncode == 1
    assert not Beneficiary.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.CHECKED


def test_dry_run_writes_nothing(files, programme):
    good, _mixed = files
    output = run(good, "--programme", programme.slug, "--dry-run")
    assert "2 new" in output and "Dry run" in output
    assert not Beneficiary.objects.exists() and not ImportBatch.objects.exists()


def test_dry_run_with_invalid_rows_exits_one(files, programme):
    _good, mixed = files
    with pytest.raises(CommandError) as failed:
        run(mixed, "--programme", programme.slug, "--dry-run")
    assert failed.value.returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv", "--programme", "{slug}"],
        ["{good}", "--programme", "no-such-programme"],
        ["{good}", "--programme", "{slug}", "--user", "nobody"],
        ["{broken}", "--programme", "{slug}"],
    ],
)
def test_unusable_input_exits_two(files, programme, tmp_path, args):
    good, _mixed = files
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04not a workbook")
    with pytest.raises(CommandError) as failed:
        run(*(a.format(slug=programme.slug, good=good, broken=broken) for a in args))
    assert failed.value.returncode == 2
    assert not Beneficiary.objects.exists()


def test_sheet_option(tmp_path, programme, db):
    import openpyxl

    garegeh()
    workbook = openpyxl.Workbook()
    workbook.active.title = "Rekap"
    sheet = workbook.create_sheet("Data")
    sheet.append(["nama", "desa"])
    sheet.append(["Siti", "Garegeh"])
    path = tmp_path / "daftar.xlsx"
    workbook.save(path)
    assert "1 new" in run(path, "--programme", programme.slug, "--sheet", "Data", "--dry-run")
