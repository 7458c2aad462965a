"""A list as a village office sends it (issue 16, ``messy.py``): a loosely spelled kecamatan and kelurahan are
suggestions grouped by value, free-text businesses never reject a row, a suggestion accepted once (an alias) maps
the next list by itself, and only the seven truly bad rows fail."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from beneficiaries.importing.commit import commit_import
from beneficiaries.importing.match import match_rows
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import parse_rows
from beneficiaries.models import Beneficiary, BusinessType, ImportAlias
from pekka.text import normalize_search
from tests.beneficiaries import messy

pytestmark = pytest.mark.django_db

REGION_FIELDS = {"province", "regency", "district", "village"}
BUKITTINGGI = [w for w in messy.WOMEN if w.row in messy.LOOSE_DISTRICT_ROWS]
SUSUKAN = [w for w in messy.WOMEN if w.row not in messy.LOOSE_DISTRICT_ROWS]
NEAR_MISS_ROWS = {row for rows in messy.NEAR_MISS_VILLAGE_ROWS.values() for row in rows}
GOOD = [w for w in messy.WOMEN if not w.fault]


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids."""
    with translation.override("en"):
        yield


@pytest.fixture
def regions(db):
    return messy.messy_regions()


def parse(text: str):
    return parse_rows(io.BytesIO(text.encode("utf-8")), filename="daftar.csv")


def plan_of(text: str, programme):
    return match_rows(parse(text), programme=programme)


def rows_by_number(plan) -> dict:
    return {row.number: row for row in plan.rows}


def of_field(problems, name: str) -> list:
    return [p for p in problems if p.field == name]


def accept_expected_aliases(by) -> None:
    from beneficiaries.importing.aliases import remember_alias

    for field, scope, typed, code in messy.EXPECTED_ALIASES:
        remember_alias(field=field, scope=scope, typed=typed, value=code, by=by)


def type_codes(row) -> list[str]:
    codes = dict(BusinessType.objects.values_list("pk", "code"))
    return [codes[type_id] for type_id, _name, _description in row.businesses]


def entry(group, name: str, default=None):
    """A field of a group_problems entry, whether it is a dict or an object."""
    return group.get(name, default) if isinstance(group, dict) else getattr(group, name, default)


# --- the list itself ---


def test_the_list_reads_as_52_rows_with_its_identifiers_and_dates_cleaned(regions):
    rows = rows_by_number(parse(messy.messy_list()))
    assert len(rows) == messy.ROWS == 52
    assert len(messy.LOOSE_DISTRICT_ROWS) == 30 and len(messy.BAD_ROWS) == 7
    for woman in messy.WOMEN:
        row = rows[woman.row]
        if woman.fault == "nik_15_digits":
            assert row.nik is None
        else:
            assert row.nik == woman.nik, woman.nik_typed
        assert row.kk_number == woman.kk
        if woman.fault != "date_31_02" and "nik_birth_date" not in woman.warnings:
            assert row.birth_date == woman.birth, woman.birth_typed
    # Only three of the faults can be seen in a row on its own; the other four need the registry or other rows.
    assert {number for number, row in rows.items() if row.errors} == {
        messy.row_number(4),
        messy.row_number(36),
        messy.row_number(40),
    }


def test_marital_status_and_education_in_loose_words_are_read(regions):
    rows = rows_by_number(parse(messy.messy_list()))
    for woman in messy.WOMEN:
        row = rows[woman.row]
        assert row.marital_status == messy.MARITAL_STATUS[woman.status], woman.status
        assert row.education == messy.EDUCATION[woman.education], woman.education


# --- before any alias ---


def test_the_loose_kecamatan_is_a_suggestion_on_each_row_and_its_villages_are_still_read(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    for woman in BUKITTINGGI:
        row = rows[woman.row]
        [problem] = of_field(row.errors, "district")
        assert problem.column == "Kecamatan"
        assert problem.value == woman.district
        assert problem.scope == messy.LOOSE_DISTRICT_SCOPE
        code, label = problem.suggestions[0]
        assert code == messy.DISTRICT_CODE
        assert messy.DISTRICT_NAME in label
        if woman.fault or woman.row in NEAR_MISS_ROWS:
            continue
        # Nothing else is wrong with these rows: the kelurahan is read even though the kecamatan is not settled.
        assert row.errors == [problem], [p.message for p in row.errors]
        assert row.village_code == woman.village_code
        assert row.action == Action.INVALID


def test_near_miss_kelurahan_are_suggestions_with_the_official_code(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    for typed, (code, name) in messy.LOOSE_VILLAGES.items():
        assert len(messy.NEAR_MISS_VILLAGE_ROWS[typed]) == 6
        for number in messy.NEAR_MISS_VILLAGE_ROWS[typed]:
            row = rows[number]
            [problem] = of_field(row.errors, "village")
            assert problem.column == "Kelurahan/Desa"
            assert normalize_search(typed) in normalize_search(problem.value)
            assert problem.scope == messy.LOOSE_VILLAGE_SCOPE
            assert problem.suggestions[0][0] == code
            assert name in problem.suggestions[0][1]
            assert row.village_code is None  # a near miss is never taken silently
            assert {p.field for p in row.errors} == {"district", "village"}


def test_names_behind_prefixes_case_and_old_spellings_are_the_official_ones(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    seen = set()
    for woman in messy.WOMEN:
        if woman.village in messy.READ_AS_OFFICIAL:  # bad rows too: their fault is elsewhere
            row = rows[woman.row]
            assert row.village_code == messy.READ_AS_OFFICIAL[woman.village], woman.village
            assert not of_field(row.errors, "village"), woman.village
            seen.add(woman.village)
    assert seen == set(messy.READ_AS_OFFICIAL)


def test_the_namesake_desa_is_read_from_its_kecamatan(regions, programme):
    """Susukan is a desa of Kecamatan Susukan and a kelurahan of Ungaran Timur, both in Kabupaten Semarang."""
    [woman] = [w for w in messy.WOMEN if w.village == "Susukan"]
    row = rows_by_number(plan_of(messy.messy_list(), programme))[woman.row]
    assert row.village_code == "33.22.03.2006"
    assert row.errors == ()


def test_regencies_as_people_write_them_are_no_problem(regions, programme):
    """ "Bukittinggi", "Kota Bukit Tinggi", "KAB SEMARANG", and "semarang" where only the kabupaten has Susukan."""
    plan = plan_of(messy.messy_list(), programme)
    for row in plan.rows:
        assert not of_field(row.errors, "regency"), [p.message for p in row.errors]
        assert not of_field(row.errors, "province")
        assert not [p for p in row.errors if p.column == "Kabupaten/Kota"]


def test_every_susukan_row_but_the_bad_ones_is_valid(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    for woman in SUSUKAN:
        if not woman.fault:
            row = rows[woman.row]
            assert row.errors == (), (woman.no, [p.describe(row.number) for p in row.errors])
            assert row.action == Action.NEW
            assert row.village_code == woman.village_code


def test_no_row_is_rejected_for_its_business_which_is_kept_as_typed(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    for woman in messy.WOMEN:
        row = rows[woman.row]
        assert not of_field(row.errors, "business_type"), woman.business
        assert not [p for p in row.errors if p.column == "Jenis Usaha"], woman.business
        if not woman.business:
            assert row.businesses == ()
            continue
        assert row.businesses, woman.business
        for _type_id, _name, description in row.businesses:
            assert description and description.strip().casefold() in woman.business.casefold(), woman.business
        if woman.business in messy.BUSINESS_TYPES:
            assert type_codes(row) == list(messy.BUSINESS_TYPES[woman.business]), woman.business


def test_two_businesses_in_one_cell_are_two_businesses(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    [anyaman] = [w for w in messy.WOMEN if w.business == "anyaman + kambing"]
    [(_t1, _n1, first), (_t2, _n2, second)] = rows[anyaman.row].businesses
    assert "anyaman" in first.lower() and "kambing" in second.lower()
    assert type_codes(rows[anyaman.row]) == ["anyaman", "ternak"]


def test_a_cell_with_one_clear_business_keeps_the_rest_in_the_description(regions, programme):
    """ "kiosk + herbal": a kiosk for certain; "herbal" is no type, but it is not lost."""
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    for typed, code in messy.BUSINESS_FIRST_TYPE.items():
        [woman] = [w for w in messy.WOMEN if w.business == typed]
        row = rows[woman.row]
        assert row.errors == () or {p.field for p in row.errors} <= REGION_FIELDS
        assert type_codes(row)[0] == code
        assert "herbal" in " ".join(description for _t, _n, description in row.businesses).lower()


def test_an_unknown_business_is_other_with_a_warning(regions, programme):
    row = rows_by_number(plan_of(messy.messy_list(), programme))[messy.UNKNOWN_BUSINESS_ROW]
    assert row.errors == ()
    assert type_codes(row) == ["lainnya"]
    assert row.businesses[0][2] == messy.UNKNOWN_BUSINESS  # the text as typed is her business's description
    [warning] = of_field(row.warnings, "business_type")
    assert warning.value == messy.UNKNOWN_BUSINESS


def test_a_nik_that_disagrees_with_the_birth_date_is_a_warning(regions, programme):
    row = rows_by_number(plan_of(messy.messy_list(), programme))[messy.NIK_DATE_WARNING_ROW]
    assert not [p for p in row.errors if p.column == "NIK"]
    assert any("05/08/80" in w.message and "15/08/1980" in w.message for w in row.warnings)


def _bad_row_checks():
    def nik_15(row):
        return any(p.column == "NIK" and "16 digits" in p.message and "15" in p.message for p in row.errors)

    def nik_twice(row):
        twin = {messy.row_number(12): messy.row_number(18), messy.row_number(18): messy.row_number(12)}[row.number]
        return any("same NIK" in p.message and str(twin) in p.message for p in row.errors)

    def date_31_02(row):
        return any(p.column == "Tgl Lahir" and p.value == "31/02/1975" and "date" in p.message for p in row.errors)

    def no_name(row):
        return any(p.column == "NAMA" and "name" in p.message.lower() for p in row.errors)

    def nik_province_99(row):
        words = ("province", "district", "kecamatan")
        return any(
            p.column == "NIK" and "99" in p.message and any(w in p.message.lower() for w in words) for p in row.errors
        )

    def village_missing(row):
        return any(
            p.field == "village" and p.value == messy.MISSING_VILLAGE and "village" in p.message.lower()
            for p in row.errors
        )

    return {
        "nik_15_digits": nik_15,
        "nik_twice": nik_twice,
        "date_31_02": date_31_02,
        "no_name": no_name,
        "nik_province_99": nik_province_99,
        "village_missing": village_missing,
    }


def test_the_seven_bad_rows_are_invalid_for_their_own_reason(regions, programme):
    rows = rows_by_number(plan_of(messy.messy_list(), programme))
    checks = _bad_row_checks()
    for number, fault in messy.BAD_ROWS.items():
        row = rows[number]
        assert row.action == Action.INVALID
        assert checks[fault](row), (fault, [p.describe(number) for p in row.errors])


# --- grouped by value ---


def test_problems_are_grouped_by_value_with_their_row_counts_and_suggestions(regions, programme):
    from beneficiaries.importing.review import group_problems

    groups = group_problems(plan_of(messy.messy_list(), programme))
    districts = [g for g in groups if entry(g, "field") == "district"]
    [district] = districts  # "Kec. …", capitals and lower case are one value
    assert entry(district, "scope") == messy.LOOSE_DISTRICT_SCOPE
    assert normalize_search(entry(district, "value")).endswith(normalize_search(messy.LOOSE_DISTRICT))
    assert entry(district, "rows") == 30
    assert entry(district, "suggestions")[0][0] == messy.DISTRICT_CODE
    villages = [g for g in groups if entry(g, "field") == "village"]
    for typed, (code, _name) in messy.LOOSE_VILLAGES.items():
        [group] = [g for g in villages if normalize_search(typed) in normalize_search(entry(g, "value"))]
        assert entry(group, "scope") == messy.LOOSE_VILLAGE_SCOPE
        assert entry(group, "rows") == len(messy.NEAR_MISS_VILLAGE_ROWS[typed]) == 6
        assert entry(group, "suggestions")[0][0] == code
    [missing] = [g for g in villages if entry(g, "value") == messy.MISSING_VILLAGE]
    assert entry(missing, "rows") == 1
    assert len(villages) == 3
    # A business type never blocks a row: if it is grouped at all, it is as a warning.
    assert all(entry(g, "severity", "warning") == "warning" for g in groups if entry(g, "field") == "business_type")


# --- after accepting ---


def test_after_accepting_the_suggestions_the_45_women_import_with_their_businesses(regions, programme, admin):
    accept_expected_aliases(admin)
    assert ImportAlias.objects.filter(created_by=admin).count() == len(messy.EXPECTED_ALIASES)
    plan = plan_of(messy.messy_list(), programme)
    invalid = {row.number for row in plan.rows if row.action == Action.INVALID}
    assert invalid == set(messy.BAD_ROWS), {n: [p.message for p in rows_by_number(plan)[n].errors] for n in invalid}
    assert plan.counts[Action.NEW] == messy.VALID_AFTER_ALIASES == 45

    committed = commit_import(parsed=parse(messy.messy_list()), programme=programme, by=admin)
    assert committed.counts[Action.NEW] == 45
    assert Beneficiary.objects.count() == 45
    for woman in GOOD:
        registered = Beneficiary.objects.select_related("household").get(full_name=woman.full_name)
        assert registered.nik == woman.nik
        assert registered.household.village_id == woman.village_code
        assert registered.household.kk_number == woman.kk
        businesses = list(registered.businesses.select_related("business_type").order_by("pk"))
        assert bool(businesses) == bool(woman.business), woman.business
        for business in businesses:
            assert business.description and business.description.casefold() in woman.business.casefold()
        if woman.business in messy.BUSINESS_TYPES:
            assert [b.business_type.code for b in businesses] == list(messy.BUSINESS_TYPES[woman.business])
    for woman in messy.WOMEN:
        if woman.fault and woman.name:
            assert not Beneficiary.objects.filter(full_name=woman.full_name).exists(), woman.name
    assert not Beneficiary.objects.filter(nik__startswith="99").exists()
    warned = Beneficiary.objects.get(nik=messy.WOMEN[6].nik)  # No 7: imported with the birth date as typed
    assert warned.birth_date.isoformat() == "1980-08-15"


def test_a_second_list_from_the_same_office_maps_itself(regions, programme, admin):
    accept_expected_aliases(admin)
    plan = plan_of(messy.second_list(), programme)
    assert plan.counts[Action.NEW] == messy.SECOND_LIST_ROWS
    for row in plan.rows:
        assert row.errors == (), [p.describe(row.number) for p in row.errors]
        assert not [p for p in row.warnings if p.field in REGION_FIELDS]
        assert row.village_code


def test_an_alias_of_a_kelurahan_holds_only_under_its_kecamatan(regions, programme, admin):
    """ "Koto Selayang" means Koto Selayan under Mandiangin Koto Selayan, not in another kecamatan."""
    accept_expected_aliases(admin)
    text = messy.messy_list().replace(
        ";Mandiangin Koto Selayang;Koto Selayang;", ";Aur Birugo Tigo Baleh;Koto Selayang;"
    )
    rows = rows_by_number(plan_of(text, programme))
    moved = [n for n in messy.NEAR_MISS_VILLAGE_ROWS["Koto Selayang"] if rows[n].district == "Aur Birugo Tigo Baleh"]
    assert moved
    for number in moved:
        assert rows[number].village_code is None
        assert of_field(rows[number].errors, "village")


# --- the command line ---


@pytest.fixture
def command_env(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def write(directory, name: str, text: str):
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args) -> tuple[str, int]:
    """The command's output and exit code (0 when it returned)."""
    out = io.StringIO()
    try:
        call_command("import_beneficiaries", *map(str, args), stdout=out)
    except CommandError as failed:
        return out.getvalue(), failed.returncode
    return out.getvalue(), 0


def test_dry_run_lists_each_problem_value_once_with_its_rows_and_suggestion(regions, programme, command_env):
    path = write(command_env, "daftar.csv", messy.messy_list())
    output, code = run(path, "--programme", programme.slug, "--dry-run")
    assert code == 1
    mentions = [m.start() for m in re.finditer(r"mandiangin koto selayang\b", output, re.IGNORECASE)]
    # Once, as a group, and not once per row; at most the three bad Bukittinggi rows may show it again among their
    # own problems.
    bad_here = [n for n in messy.BAD_ROWS if n in messy.LOOSE_DISTRICT_ROWS]
    assert 1 <= len(mentions) <= 1 + len(bad_here), output
    near = output[mentions[0] : mentions[0] + 300]
    assert re.search(r"\b30\b", near), near
    assert messy.DISTRICT_CODE in near, near
    assert "13.75.02.1001" in output and "13.75.02.1007" in output
    assert Beneficiary.objects.count() == 0 and ImportAlias.objects.count() == 0


def test_accept_suggestions_records_the_aliases_and_imports_the_45(regions, programme, admin, command_env):
    path = write(command_env, "daftar.csv", messy.messy_list())
    _output, code = run(path, "--programme", programme.slug, "--accept-suggestions", "--user", admin.username)
    assert code == 1  # the seven bad rows are still invalid
    alias = ImportAlias.objects.get(field="district", value=messy.DISTRICT_CODE)
    assert (alias.scope, alias.created_by) == (messy.LOOSE_DISTRICT_SCOPE, admin)
    for _typed, (village, _name) in messy.LOOSE_VILLAGES.items():
        assert ImportAlias.objects.filter(field="village", value=village, created_by=admin).exists()
    assert Beneficiary.objects.count() == 45


def test_a_mapping_file_in_indonesian_maps_the_list(regions, programme, admin, command_env):
    path = write(command_env, "daftar.csv", messy.messy_list())
    mapping = write(
        command_env,
        "pemetaan.csv",
        "kolom;nilai;kode\n"
        "kecamatan;Mandiangin Koto Selayang;13.75.02\n"
        "desa;Cimpago Guguk Bulek;13.75.02.1001\n"
        "desa;Koto Selayang;13.75.02.1007\n",
    )
    _output, code = run(path, "--programme", programme.slug, "--mapping", mapping, "--user", admin.username)
    assert code == 1
    assert Beneficiary.objects.count() == 45
    assert ImportAlias.objects.filter(field="district", value="13.75.02", created_by=admin).exists()


def test_a_mapping_file_in_english_maps_what_it_names(regions, programme, admin, command_env):
    path = write(command_env, "daftar.csv", messy.messy_list())
    mapping = write(command_env, "mapping.csv", "field,value,code\ndistrict,Mandiangin Koto Selayang,13.75.02\n")
    _output, code = run(path, "--programme", programme.slug, "--mapping", mapping, "--user", admin.username)
    assert code == 1
    # The kelurahan near misses are not in the mapping: their twelve rows still wait.
    assert Beneficiary.objects.count() == 45 - len(NEAR_MISS_ROWS) == 33


def test_the_suggestions_file_is_a_mapping_file_to_edit(regions, programme, admin, command_env):
    path = write(command_env, "daftar.csv", messy.messy_list())
    suggestions = command_env / "peta.csv"
    output, code = run(path, "--programme", programme.slug, "--dry-run", "--suggestions-file", suggestions)
    assert code == 1 and not ImportAlias.objects.exists()
    lines = suggestions.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("kolom;wilayah;nilai;kode")
    assert f"district;{messy.LOOSE_DISTRICT_SCOPE};{messy.LOOSE_DISTRICT};{messy.DISTRICT_CODE};30;" in "\n".join(lines)
    # Read back as it was written: a value left without a code (the village that does not exist) is not mapped.
    output, code = run(path, "--programme", programme.slug, "--mapping", suggestions, "--user", admin.username)
    assert Beneficiary.objects.count() == 45, output
    assert not ImportAlias.objects.filter(typed="Jatimulyo").exists()


@pytest.mark.parametrize(
    "mapping, says",
    [
        ("kolom;nilai;kode\nnama;Mandiangin Koto Selayang;13.75.02\n", "not a column that can be mapped"),
        ("kolom;nilai;kode\nkecamatan;Mandiangin Koto Selayang;99.99.99\n", "not a region of that level"),
        ("nilai;kode\nMandiangin Koto Selayang;13.75.02\n", "needs the columns kolom, nilai and kode"),
    ],
)
def test_a_wrong_mapping_file_is_explained_and_nothing_is_written(
    regions, programme, admin, command_env, mapping, says
):
    path = write(command_env, "daftar.csv", messy.messy_list())
    wrong = write(command_env, "peta.csv", mapping)
    with pytest.raises(CommandError, match=says) as refused, translation.override("en"):
        call_command(
            "import_beneficiaries", path, "--programme", programme.slug, "--mapping", wrong, stdout=io.StringIO()
        )
    assert refused.value.returncode == 2
    assert not ImportAlias.objects.exists() and Beneficiary.objects.count() == 0
