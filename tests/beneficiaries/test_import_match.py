"""Checking import rows against the registry: regions, duplicates, matching registered women, what a row changes."""

import datetime as dt
import io

import pytest
from django.utils import translation

from beneficiaries.importing.match import match_rows
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import parse_rows
from beneficiaries.models import Business
from pekka.regions.models import Kind
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory, HouseholdFactory, business_type
from tests.regions.factories import RegionFactory, garegeh, region_chain

pytestmark = pytest.mark.django_db

NIK = "1375024508800012"
KK = "1375020101090003"


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids; the Indonesian catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture
def regions(db):
    """Garegeh and Campago Guguk Bulek in Mandiangin Koto Selayan (Kota Bukittinggi); two villages called
    Sukamaju, one in Kabupaten Semarang and one in Kota Semarang."""
    village = garegeh()
    RegionFactory(code="13.75.02.1005", name="Campago Guguk Bulek", level=4, parent=village.parent)
    *_, kab_district, kab_village = region_chain(
        ("33", "Jawa Tengah"), ("33.22", "Kabupaten Semarang"), ("33.22.13", "Bergas"), ("33.22.13.2001", "Sukamaju")
    )
    kab_district.parent.kind = Kind.KABUPATEN
    kab_district.parent.save()
    kota = RegionFactory(code="33.74", name="Kota Semarang", level=2, parent=kab_district.parent.parent)
    tembalang = RegionFactory(code="33.74.07", name="Tembalang", level=3, parent=kota)
    RegionFactory(code="33.74.07.1001", name="Sukamaju", level=4, parent=tembalang)
    business_type("sulaman")
    return village


def plan_of(text: str, programme):
    parsed = parse_rows(io.BytesIO(text.encode("utf-8")), filename="daftar.csv")
    return match_rows(parsed, programme=programme)


def rows_of(text, programme):
    return plan_of(text, programme).rows


@pytest.mark.parametrize(
    "village, district, regency",
    [
        ("Garegeh", "", ""),
        ("GAREGEH", "mandiangin koto selayan", "KOTA BUKITTINGGI"),
        ("  garegeh ", "Kec. Mandiangin  Koto Selayan", "Bukittinggi"),
        ("Kel. Garegeh", "", ""),
    ],
)
def test_village_found_whatever_the_case_spaces_and_prefixes(regions, programme, village, district, regency):
    (row,) = rows_of(f"nama;desa;kecamatan;kabupaten\nSiti;{village};{district};{regency}\n", programme)
    assert (row.errors, row.village_code) == ((), "13.75.02.1008")


def test_namesake_villages_need_the_kabupaten(regions, programme):
    (row,) = rows_of("nama;desa\nSiti;Sukamaju\n", programme)
    assert row.action == Action.INVALID
    message = row.messages()[0]
    assert "2 villages with this name" in message
    assert "Kec. Bergas, Kabupaten Semarang" in message and "Kec. Tembalang, Kota Semarang" in message
    assert "kecamatan and kabupaten" in message


@pytest.mark.parametrize("regency, expected", [("Kab. Semarang", "33.22.13.2001"), ("Kota Semarang", "33.74.07.1001")])
def test_the_kabupaten_column_tells_namesakes_apart(regions, programme, regency, expected):
    (row,) = rows_of(f"nama;desa;kabupaten\nSiti;Sukamaju;{regency}\n", programme)
    assert row.village_code == expected


def test_a_near_miss_is_suggested_not_guessed(regions, programme):
    (row,) = rows_of("nama;desa;kecamatan\nSiti;Cimpago Guguk Bulek;Mandiangin Koto Selayan\n", programme)
    assert row.village_code is None
    assert "Did you mean “Campago Guguk Bulek”" in row.messages()[0]


def test_unknown_kecamatan_is_said_so(regions, programme):
    (row,) = rows_of("nama;desa;kecamatan\nSiti;Garegehh;Mandiangin Baru\n", programme)
    assert "kecamatan" in row.errors[0].column and "no kecamatan" in row.errors[0].message


def test_village_in_another_kecamatan_than_given(regions, programme):
    (row,) = rows_of("nama;desa;kecamatan\nSiti;Sukamaju;Mandiangin Koto Selayan\n", programme)
    assert "it is in: Desa Sukamaju" in row.messages()[0] or "it is in: Kel. Sukamaju" in row.messages()[0]


def test_nik_of_an_unknown_kecamatan(regions, programme):
    (row,) = rows_of("nama;nik;desa\nSiti;9999024508800012;Garegeh\n", programme)
    assert "999902" in row.messages()[0]


def test_duplicates_inside_the_file_are_errors_for_both_rows(regions, programme):
    rows = rows_of(
        f"nama;nik;no_kk;tanggal_lahir;desa\n"
        f"Siti;{NIK};;;Garegeh\n"
        f"Rosmaini;{NIK};;;Garegeh\n"
        f"Yusnani;;{KK};01/02/1970;Garegeh\n"
        f"YUSNANI;;{KK};01/02/1970;Garegeh\n",
        programme,
    )
    assert [row.action for row in rows] == [Action.INVALID] * 4
    assert "also in row 3" in rows[0].messages()[0] and "also in row 2" in rows[1].messages()[0]
    assert "also in row 5" in rows[2].messages()[0] and "also in row 4" in rows[3].messages()[0]


def test_new_row_is_planned_with_its_household_enrolment_and_business(regions, programme):
    plan = plan_of(f"nama;nik;no_kk;desa;rt;jenis_usaha\nSITI;{NIK};{KK};Garegeh;3;Sulaman\n", programme)
    (row,) = plan.rows
    assert row.action == Action.NEW
    assert [(h.kk_number, h.village_id, h.rt) for h in plan.new_households] == [(KK, "13.75.02.1008", "003")]
    assert plan.enrol == [row.number]
    assert plan.new_business == [(row.number, business_type("sulaman").pk, "", "Sulaman")]


def test_a_new_woman_needs_a_village(regions, programme):
    (row,) = rows_of(f"nama;nik\nSiti;{NIK}\n", programme)
    assert row.action == Action.INVALID and "needs a village" in row.messages()[0]


def test_update_by_nik_changes_only_the_filled_cells(regions, programme):
    woman = BeneficiaryFactory(
        nik=NIK, full_name="Siti Aminah", phone="+6281200000001", birth_place="Agam", programme=programme
    )
    (row,) = rows_of(f"nama;nik;telepon;tempat_lahir;pendidikan\nSITI AMINAH;{NIK};0812-6600-1234;;SMP\n", programme)
    assert row.action == Action.UPDATE and row.beneficiary_id == woman.pk
    assert row.changes == [("Education", "", "Junior high (SMP)"), ("Phone", "+6281200000001", "+6281266001234")]


def test_update_by_kk_name_and_birth_date_sets_her_nik(regions, programme):
    household = HouseholdFactory(kk_number=KK)
    woman = BeneficiaryFactory(
        nik="", full_name="Yusnani", birth_date=dt.date(1980, 8, 5), household=household, programme=programme
    )
    (row,) = rows_of(f"nama;nik;no_kk;tanggal_lahir\nYUSNANI;{NIK};{KK};05/08/1980\n", programme)
    assert (row.action, row.beneficiary_id, row.changes) == (Action.UPDATE, woman.pk, [("NIK", "", NIK)])


def test_same_row_again_is_unchanged(regions, programme, facilitator):
    household = HouseholdFactory(kk_number=KK, rt="003")
    BeneficiaryFactory(nik=NIK, full_name="Siti Aminah", household=household, programme=programme)
    (row,) = rows_of(f"nama;nik;no_kk;desa;rt\nSiti Aminah;{NIK};{KK};Garegeh;3\n", programme)
    assert (row.action, row.changes) == (Action.UNCHANGED, ())


def test_not_yet_in_the_programme_or_without_that_business_is_an_update(regions, programme, other_programme):
    woman = BeneficiaryFactory(nik=NIK, full_name="Siti Aminah", programme=other_programme)
    BusinessFactory(beneficiary=woman, business_type=business_type("makanan"))
    (row,) = rows_of(f"nama;nik;jenis_usaha\nSiti Aminah;{NIK};sulaman\n", programme)
    assert row.action == Action.UPDATE
    assert [what for what, _old, _new in row.changes] == ["Programme", "Business"]
    assert Business.objects.count() == 1  # nothing written by a check


def test_a_nik_on_file_under_another_name_is_refused(regions, programme):
    BeneficiaryFactory(nik=NIK, full_name="Rosmaini", programme=programme)
    (row,) = rows_of(f"nama;nik\nSulastri Wahyuningsih;{NIK}\n", programme)
    assert row.action == Action.INVALID and "belongs to Rosmaini" in row.messages()[0]


def test_two_rows_about_one_registered_woman(regions, programme):
    household = HouseholdFactory(kk_number=KK)
    BeneficiaryFactory(nik=NIK, full_name="Yusnani", birth_date=dt.date(1980, 8, 5), household=household)
    rows = rows_of(f"nama;nik;no_kk;tanggal_lahir\nYusnani;{NIK};;\nYusnani;;{KK};05/08/1980\n", programme)
    assert [row.action for row in rows] == [Action.INVALID, Action.INVALID]
    assert "same registered woman" in rows[0].messages()[0]


def test_facilitator_must_work_in_the_programme(regions, programme, facilitator, manager, other_programme):
    outsider = other_programme.staff.get(role="facilitator")
    rows = rows_of(
        "nama;desa;pendamping\n"
        f"Siti;Garegeh;{facilitator.username.upper()}\n"
        f"Rosmaini;Garegeh;{outsider.username}\n"
        f"Yusnani;Garegeh;{manager.username}\n"
        "Sulastri;Garegeh;nobody\n",
        programme,
    )
    assert rows[0].facilitator_id == facilitator.pk and rows[0].action == Action.NEW
    assert [
        next(part for part in ("does not work in", "not an active facilitator", "no user") if part in row.messages()[0])
        for row in rows[1:]
    ] == ["does not work in", "not an active facilitator", "no user"]


def test_unknown_business_type_imports_as_other_with_a_warning(regions, programme):
    (row,) = rows_of("nama;desa;jenis_usaha\nSiti;Garegeh;pabrik pesawat\n", programme)
    assert row.action == Action.NEW
    assert row.businesses == ((business_type("lainnya").pk, "", "pabrik pesawat"),)
    assert "type set to Other" in row.warnings[0].message


def test_women_sharing_a_new_family_card_share_one_household(regions, programme):
    plan = plan_of(f"nama;no_kk;desa;rt\nSiti;{KK};Garegeh;3\nPutri;{KK};Garegeh;\n", programme)
    assert len(plan.new_households) == 1
    assert plan.household_of[2] is plan.household_of[3]


def test_match_queries_do_not_grow_with_rows(regions, programme, facilitator, django_assert_max_num_queries):
    def text(count):
        lines = [
            f"Siti {i};13750245088{i:05d};13750201010{i:05d};05/08/1980;Garegeh;Mandiangin Koto Selayan;3;sulaman;"
            f"{facilitator.username}"
            for i in range(1, count + 1)
        ]
        return "nama;nik;no_kk;tanggal_lahir;desa;kecamatan;rt;jenis_usaha;pendamping\n" + "\n".join(lines) + "\n"

    small, large = (parse_rows(io.BytesIO(text(n).encode()), filename="x.csv") for n in (5, 50))
    # The aliases; kecamatan codes of the NIKs; the region matcher's three (provinces to kecamatan, the villages of
    # the kecamatan named, villages named anywhere); facilitators; their programme staff; business types; women by
    # NIK; households by KK; women in those households; village names.
    with django_assert_max_num_queries(12):
        match_rows(small, programme=programme)
    with django_assert_max_num_queries(12):
        plan = match_rows(large, programme=programme)
    assert plan.counts[Action.NEW] == 50


@pytest.mark.slow
def test_the_field_reports_loose_village_names_against_the_whole_region_list(programme):
    from django.core.management import call_command

    call_command("load_regions", verbosity=0)
    rows = rows_of(
        "nama;desa;kecamatan;kabupaten\n"
        "Siti;Garegeh;Mandiangin Koto Selayan;Kota Bukittinggi\n"
        "Rosmaini;Cimpago Guguk Bulek;Mandiangin Koto Selayan;Bukittinggi\n"
        "Yusnani;Koto Selayang;Mandiangin Koto Selayan;Bukittinggi\n"
        "Sri;Sukamaju;;\n",
        programme,
    )
    assert rows[0].village_code == "13.75.02.1008"
    assert "Did you mean “Campago Guguk Bulek”" in rows[1].messages()[0]
    assert "Did you mean “Koto Selayan”" in rows[2].messages()[0]
    assert "villages with this name" in rows[3].messages()[0]


def test_a_registered_woman_without_household_is_updated_without_one(regions, programme):
    woman = BeneficiaryFactory(nik=NIK, full_name="Siti Aminah", household=None, programme=programme)
    (row,) = rows_of(f"nama;nik;pendidikan\nSiti Aminah;{NIK};SMP\n", programme)
    assert (row.action, row.beneficiary_id) == (Action.UPDATE, woman.pk)
    (row,) = rows_of(f"nama;nik;no_kk\nSiti Aminah;{NIK};{KK}\n", programme)
    assert "new household needs a village" in row.messages()[0]
