"""Committing an import: what is written (with history), blank cells, idempotence, all-or-nothing, error files."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import DatabaseError
from django.utils import translation

from beneficiaries.importing.batches import write_error_file
from beneficiaries.importing.columns import write_template
from beneficiaries.importing.commit import ImportRefused, commit_import
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import parse_rows
from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    Enrolment,
    Household,
    ImportBatch,
    ImportStatus,
)
from pekka import bulk
from tests.beneficiaries.factories import BeneficiaryFactory, HouseholdFactory, business_type
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

NIK = "1375024508800012"
KK = "1375020101090003"
HEADER = "nama;nik;no_kk;tanggal_lahir;desa;rt;telepon;jenis_usaha;nama_usaha;pendamping"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    garegeh()
    business_type("sulaman")
    business_type("makanan")


def parsed(text: str):
    return parse_rows(io.BytesIO(text.encode("utf-8")), filename="daftar.csv")


def commit(text, *, programme, by, **kwargs):
    return commit_import(parsed=parsed(text), programme=programme, by=by, reason="test", **kwargs)


def test_a_new_woman_is_written_with_household_enrolment_business_and_history(world, programme, admin, facilitator):
    plan = commit(
        f"{HEADER}\nSITI AMINAH;{NIK};{KK};05/08/1980;Garegeh;3;0812 6600 1234;sulaman;Sulaman Bunga;"
        f"{facilitator.username}\n",
        programme=programme,
        by=admin,
    )
    assert plan.counts[Action.NEW] == 1
    woman = Beneficiary.objects.select_related("household").get(nik=NIK)
    assert (woman.full_name, woman.birth_date, woman.phone, woman.sex, woman.category, woman.facilitator) == (
        "Siti Aminah",
        dt.date(1980, 8, 5),
        "+6281266001234",
        "P",
        "pekka",
        facilitator,
    )
    assert (woman.household.kk_number, woman.household.village_id, woman.household.rt) == (KK, "13.75.02.1008", "003")
    enrolment = Enrolment.objects.get(beneficiary=woman)
    assert (enrolment.programme, enrolment.status) == (programme, "candidate")
    business = Business.objects.get(beneficiary=woman)
    assert (business.business_type.code, business.name, business.status) == ("sulaman", "Sulaman Bunga", "running")
    assert BusinessStatusChange.objects.get(business=business).recorded_by == admin
    for record in (woman, woman.household, enrolment, business):
        (history,) = record.history.all()
        assert (history.history_type, history.history_user, history.history_change_reason) == ("+", admin, "test")
    # The search column is what Beneficiary.save would have written.
    search_text = woman.search_text
    woman.save()
    woman.refresh_from_db()
    assert woman.search_text == search_text
    assert Beneficiary.objects.search("aminah 6600").get() == woman


def test_history_is_the_same_when_the_keys_are_not_one_block(world, programme, admin, monkeypatch):
    # Given another session took keys from the sequences while the import reserved its own (so they come back as
    # a list, not a range, and the history rows go through Python rather than INSERT … SELECT)
    reserve = bulk._allocate_ids
    monkeypatch.setattr(bulk, "_allocate_ids", lambda model, count: list(reserve(model, count)))
    # When two women are imported
    commit(
        f"{HEADER}\nSITI AMINAH;{NIK};{KK};05/08/1980;Garegeh;3;;sulaman;;\n"
        "RAHMAWATI;1375024101850007;;01/01/1985;Garegeh;4;;makanan;;\n",
        programme=programme,
        by=admin,
    )
    # Then each record has its one "created" history row, by the admin, with the women's values
    assert sorted(Beneficiary.history.values_list("full_name", "history_type", "history_user_id")) == [
        ("Rahmawati", "+", admin.pk),
        ("Siti Aminah", "+", admin.pk),
    ]
    assert Household.history.count() == Enrolment.history.count() == Business.history.count() == 2


def test_update_changes_the_filled_cells_and_blank_cells_erase_nothing(world, programme, admin):
    woman = BeneficiaryFactory(
        nik=NIK, full_name="Siti Aminah", phone="+6281200000001", birth_place="Agam", education="sd"
    )
    commit(
        f"nama;nik;telepon;tempat_lahir;pendidikan\nSiti Aminah;{NIK};0812-6600-1234;;\n", programme=programme, by=admin
    )
    woman.refresh_from_db()
    assert (woman.phone, woman.birth_place, woman.education) == ("+6281266001234", "Agam", "sd")
    assert "6281266001234" in woman.search_text
    latest = woman.history.first()
    assert (latest.history_type, latest.phone, latest.history_user) == ("~", "+6281266001234", admin)
    assert Enrolment.objects.filter(beneficiary=woman, programme=programme).exists()


def test_reimporting_the_same_file_changes_nothing(world, programme, admin):
    text = f"{HEADER}\nSiti Aminah;{NIK};{KK};05/08/1980;Garegeh;3;08126600 1234;sulaman;;\nRosmaini;;;;Garegeh;;;;;\n"
    first = commit(text, programme=programme, by=admin)
    assert first.counts[Action.NEW] == 2
    counts = {model: model.history.count() for model in (Beneficiary, Household, Enrolment, Business)}
    again = commit(text, programme=programme, by=admin)
    # Rosmaini has neither NIK nor KK: she cannot be recognised, so she is new again; Siti is unchanged.
    assert (again.counts[Action.UNCHANGED], again.counts[Action.NEW]) == (1, 1)
    assert Beneficiary.objects.filter(nik=NIK).count() == 1
    assert Business.history.count() == counts[Business]
    assert Household.history.filter(kk_number=KK).count() == 1


def test_women_sharing_a_family_card_share_the_household(world, programme, admin):
    commit(f"{HEADER}\nSiti;{NIK};{KK};;Garegeh;3;;;;\nPutri;;{KK};;;;;;;\n", programme=programme, by=admin)
    (household,) = Household.objects.all()
    assert sorted(household.beneficiaries.values_list("full_name", flat=True)) == ["Putri", "Siti"]


def test_existing_family_card_is_joined(world, programme, admin):
    household = HouseholdFactory(kk_number=KK)
    commit(f"nama;no_kk\nPutri;{KK}\n", programme=programme, by=admin)
    assert Beneficiary.objects.get(full_name="Putri").household == household


def test_invalid_rows_are_left_out(world, programme, admin):
    plan = commit(f"nama;nik;desa\nSiti;{NIK};Garegeh\nRosmaini;123;Garegeh\n", programme=programme, by=admin)
    assert plan.counts[Action.INVALID] == 1
    assert list(Beneficiary.objects.values_list("full_name", flat=True)) == ["Siti"]


def test_all_or_nothing_refuses_when_a_row_is_invalid(world, programme, admin):
    with pytest.raises(ImportRefused):
        commit(
            f"nama;nik;desa\nSiti;{NIK};Garegeh\nRosmaini;123;Garegeh\n",
            programme=programme,
            by=admin,
            all_or_nothing=True,
        )
    assert not Beneficiary.objects.exists() and not Household.objects.exists()


def test_a_database_error_midway_writes_nothing(world, programme, admin, monkeypatch):
    real_insert = bulk.Writer.insert

    def failing_insert(writer, model, *args, **kwargs):
        if model is Enrolment:  # households and women are already written by now
            raise DatabaseError("disk full")
        return real_insert(writer, model, *args, **kwargs)

    monkeypatch.setattr(bulk.Writer, "insert", failing_insert)
    with pytest.raises(DatabaseError):
        commit(f"{HEADER}\nSiti;{NIK};{KK};;Garegeh;;;sulaman;;\n", programme=programme, by=admin)
    assert not Beneficiary.objects.exists()
    assert not Household.objects.exists()
    assert not Beneficiary.history.exists() and not Household.history.exists()


def test_new_ids_follow_rows_made_elsewhere(world, programme, admin):
    before = BeneficiaryFactory(nik="")
    before_pk = before.pk
    before.delete()  # the next id must not reuse a deleted one (history rows still point at it)
    commit("nama;desa\nSiti;Garegeh\n", programme=programme, by=admin)
    assert Beneficiary.objects.get().pk > before_pk
    after = BeneficiaryFactory(nik="")
    assert after.pk > Beneficiary.objects.get(full_name="Siti").pk


def _batch_with(text: str, programme, admin, *, name="daftar.csv") -> ImportBatch:
    from django.core.files.base import ContentFile

    from beneficiaries.importing.batches import check_batch

    batch = ImportBatch.objects.create(
        programme=programme, file=ContentFile(text.encode(), name=name), file_name=name, uploaded_by=admin
    )
    return check_batch(batch=batch)


def test_error_file_has_the_original_rows_an_error_column_and_no_formulas(world, programme, admin):
    batch = _batch_with(
        f'nama;nik;alamat;desa\nSiti;{NIK};Jl. Melati;Garegeh\n"=HYPERLINK(""http://x"")";123;@SUM(A1);Garegeh\n',
        programme,
        admin,
    )
    assert batch.status == ImportStatus.CHECKED and batch.invalid_count == 1
    buffer = io.BytesIO()
    write_error_file(batch=batch, file=buffer, only_invalid=False)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Errors", "nama", "nik", "alamat", "desa"]
    assert rows[1] == [None, "Siti", NIK, "Jl. Melati", "Garegeh"]
    assert rows[2][1:] == ['=HYPERLINK("http://x")', "123", "@SUM(A1)", "Garegeh"]
    # The check ran as a background task, which speaks the site's language (Indonesian) whatever this test's is
    assert "Baris 3, kolom “nik” (“123”)" in rows[2][0]
    formula = sheet.cell(row=3, column=2)
    assert formula.data_type == "s" and formula.quotePrefix  # shown as text, kept as text when edited
    buffer = io.BytesIO()
    write_error_file(batch=batch, file=buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.max_row == 2  # the header and the invalid row


def test_error_file_can_be_uploaded_again(world, programme, admin):
    batch = _batch_with("nama;nik;desa\nSiti;123;Garegeh\n", programme, admin)
    buffer = io.BytesIO()
    write_error_file(batch=batch, file=buffer)
    buffer.seek(0)
    again = parse_rows(buffer, filename="daftar-kesalahan.xlsx")
    assert again.columns.unknown == [] and again.rows[0].full_name == "Siti"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_reads_back_without_rows_or_unknown_columns(fmt):
    buffer = io.BytesIO()
    write_template(buffer, fmt=fmt)
    buffer.seek(0)
    result = parse_rows(buffer, filename=f"templat.{fmt}")
    assert (result.rows, result.columns.unknown, result.skipped_rows) == ([], [], 1)
    assert len(result.columns.index) >= 18


def test_commit_queries_do_not_grow_with_rows(world, programme, admin, django_assert_max_num_queries):
    def text(count):
        lines = [f"Siti {i};13750245088{i:05d};13750201010{i:05d};;Garegeh;3;;sulaman;;" for i in range(1, count + 1)]
        return HEADER + "\n" + "\n".join(lines) + "\n"

    with django_assert_max_num_queries(40) as small:
        commit(text(5), programme=programme, by=admin)
    Beneficiary.objects.all().delete()
    with django_assert_max_num_queries(40) as large:
        commit(text(50).replace("Siti", "Sri"), programme=programme, by=admin)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_rows_are_written_the_same_in_several_pieces_of_copy_text(world, programme, admin, monkeypatch):
    # Given COPY text made two rows at a time (PostgreSQL; SQLite writes rows without it)
    monkeypatch.setattr(bulk, "COPY_CHUNK_ROWS", 2)
    niks = [f"137502450880{serial:04d}" for serial in range(12, 17)]
    # When five women are imported
    commit(
        HEADER + "".join(f"\nWANITA {n};{nik};;05/08/1980;Garegeh;{n};;sulaman;;" for n, nik in enumerate(niks)),
        programme=programme,
        by=admin,
    )
    # Then every one is written whole, with her household, enrolment, business and history
    assert sorted(Beneficiary.objects.values_list("nik", "full_name", "birth_date", "household__rt")) == [
        (nik, f"Wanita {n}", dt.date(1980, 8, 5), f"{n:03d}") for n, nik in enumerate(niks)
    ]
    assert Enrolment.objects.count() == Business.objects.count() == BusinessStatusChange.objects.count() == 5
    assert Beneficiary.history.count() == Household.history.count() == 5
