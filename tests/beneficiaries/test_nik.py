import datetime as dt

import pytest

from beneficiaries.nik import check_nik, clean_nik, mask_identifier
from tests.beneficiaries.factories import synthetic_nik
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 8, 5)


@pytest.fixture(autouse=True)
def mandiangin():
    garegeh()  # makes 13.75.02 (Kecamatan Mandiangin Koto Selayan) a known district


def test_valid_nik_of_a_woman():
    result = check_nik("1375024508800012", birth_date=BORN, sex="P")
    assert result.ok and result.warnings == []
    assert (result.birth_date, result.sex, result.district_code) == (BORN, "P", "13.75.02")


@pytest.mark.parametrize(
    "typed", ["1375 0245 0880 0012", "1375-0245-0880-0012", "'1375024508800012", "1375.0245.0880.0012"]
)
def test_spaces_dashes_and_apostrophes_are_ignored(typed):
    assert clean_nik(typed) == "1375024508800012"
    assert check_nik(typed, birth_date=BORN, sex="P").ok


@pytest.mark.parametrize("wrong", ["137502450880001", "13750245088000123", "13750245088O0012", ""])
def test_wrong_length_or_letters_is_an_error(wrong):
    result = check_nik(wrong)
    assert not result.ok
    assert "16" in result.errors[0]


def test_unknown_district_is_an_error():
    result = check_nik("9999014508800012")
    assert not result.ok
    assert any("999901" in e for e in result.errors)


@pytest.mark.parametrize("date_part", ["753180", "451380", "000880"])  # 35th, 13th month, day 0
def test_impossible_birth_date_is_an_error(date_part):
    result = check_nik(f"137502{date_part}0012")
    assert not result.ok
    assert any(date_part in e for e in result.errors)


def test_serial_0000_is_an_error():
    assert not check_nik("1375024508800000").ok


def test_sex_mismatch_is_a_warning_not_an_error():
    male_nik = synthetic_nik(birth_date=BORN, female=False)  # day without +40
    result = check_nik(male_nik, birth_date=BORN, sex="P")
    assert result.ok
    assert len(result.warnings) == 1 and "+ 40" in result.warnings[0]


def test_birth_date_mismatch_is_a_warning():
    result = check_nik("1375024508800012", birth_date=dt.date(1980, 8, 6), sex="P")
    assert result.ok
    assert result.warnings == ["NIK menunjukkan tanggal lahir 05/08/80, tetapi tanggal lahir yang diisi 06/08/1980."]


def test_century_is_not_a_mismatch():
    # 1980 or 2080: the NIK only knows "80"; the form's four-digit year decides.
    assert check_nik("1375024508800012", birth_date=dt.date(1980, 8, 5), sex="P").warnings == []


@pytest.mark.parametrize(
    ("value", "masked"),
    [("1375024508800012", "1375 **** **** 0012"), ("", ""), ("12345", "*2345")],
)
def test_mask_identifier(value, masked):
    assert mask_identifier(value) == masked
