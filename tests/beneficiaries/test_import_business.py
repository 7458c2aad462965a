"""Business cells as typed by hand ("anyaman + kambing", "kiosk + herbal"), choices and facilitators not understood:
kept with a warning, suggestions and aliases, never a business type that refuses the row."""

import importlib
import io

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from beneficiaries.importing.business import BusinessReader, read_business, split_pieces
from beneficiaries.importing.check import Problem, RowResult
from beneficiaries.importing.columns import ColumnMap
from beneficiaries.importing.commit import commit_import
from beneficiaries.importing.match import _resolve_choices, _resolve_facilitators, match_rows
from beneficiaries.importing.plan import Action
from beneficiaries.importing.read import parse_rows
from beneficiaries.models import Business, BusinessStatusChange, BusinessType
from pekka.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory, business_type
from tests.regions.factories import garegeh

NIK = "1375024508800012"
STARTING_TYPES = importlib.import_module("beneficiaries.migrations.0002_business_types").TYPES
TYPES = [
    BusinessType(pk=pk, code=code, name=name, name_en=name_en, position=pk * 10)
    for pk, (code, name, name_en) in enumerate(STARTING_TYPES, start=1)
]
CODE = {t.pk: t.code for t in TYPES}


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids; the Indonesian catalogue translates them."""
    with translation.override("en"):
        yield


def read(text, types=TYPES, aliases=None):
    """(code, description) per business, and (value, suggested codes) per warning."""
    codes = {t.pk: t.code for t in types}
    reading = read_business(text, types, aliases or {})
    return (
        [(codes[type_id], description) for type_id, description in reading.parts],
        [(w.value, [code for code, _label in w.suggestions]) for w in reading.warnings],
    )


# --- reading a cell (no database) ---


@pytest.mark.parametrize(
    "text, businesses",
    [
        ("accessories", [("aksesoris", "accessories")]),
        ("cooked food", [("makanan", "cooked food")]),
        ("goats", [("ternak", "goats")]),
        ("sulamn", [("sulaman", "sulamn")]),  # a typo
        ("kambig", [("ternak", "kambig")]),
        ("Sulaman / bordir", [("sulaman", "Sulaman / bordir")]),  # one type's own name
        ("SULAMAN", [("sulaman", "SULAMAN")]),
        ("Embroidery", [("sulaman", "Embroidery")]),
        ("Aksesoris dan suvenir", [("aksesoris", "Aksesoris dan suvenir")]),  # "dan" inside a type's name
        ("Makanan ringan / olahan pangan", [("makanan", "Makanan ringan / olahan pangan")]),
        ("Toko aksesoris / dekorasi", [("aksesoris", "Toko aksesoris / dekorasi")]),  # a shop of accessories
        ("toko", [("warung", "toko")]),
        ("kiosk", [("warung", "kiosk")]),
        ("jualan kue keliling", [("makanan", "jualan kue keliling")]),  # a word inside a phrase
        ("warung makan", [("makanan", "warung makan")]),  # a food stall, not a daily-needs kiosk
        ("jasa jahit", [("menjahit", "jasa jahit")]),
        ("pijat refleksi", [("jasa", "pijat refleksi")]),
        ("jamu", [("makanan", "jamu")]),
        ("lele", [("ternak", "lele")]),
        ("lain-lain", [("lainnya", "lain-lain")]),
        ("anyaman + kambing", [("anyaman", "anyaman"), ("ternak", "kambing")]),
        (
            "Tampir(Anyaman Bambu) dan ternak Kambing",
            [("anyaman", "Tampir(Anyaman Bambu)"), ("ternak", "ternak Kambing")],
        ),
        (
            "Menjual masakan matang keliling (utama) dan kios sembako",
            [("makanan", "Menjual masakan matang keliling (utama)"), ("warung", "kios sembako")],
        ),
        ("kue, keripik & kambing", [("makanan", "kue, keripik"), ("ternak", "kambing")]),  # same type: one business
        ("kue dan keripik", [("makanan", "kue dan keripik")]),
        ("kue (basah, kering)", [("makanan", "kue (basah, kering)")]),  # never cut inside brackets
        ("  anyaman   +kambing ", [("anyaman", "anyaman"), ("ternak", "kambing")]),
    ],
)
def test_a_clear_cell_is_read_without_a_warning(text, businesses):
    assert read(text) == (businesses, [])


@pytest.mark.parametrize(
    "text, businesses, warnings",
    [
        # Nothing clear: Other, the text kept, the closest types offered.
        ("pabrik pesawat", [("lainnya", "pabrik pesawat")], [("pabrik pesawat", [])]),
        ("herbal", [("lainnya", "herbal")], [("herbal", ["makanan"])]),
        ("ikan", [("lainnya", "ikan")], [("ikan", ["ternak", "makanan"])]),
        ("salom", [("lainnya", "salom")], [("salom", ["jasa"])]),  # too far for a typo, close enough to suggest
        ("jahit atau bordir", [("lainnya", "jahit atau bordir")], [("jahit atau bordir", ["sulaman", "menjahit"])]),
        ("herbal + obat", [("lainnya", "herbal + obat")], [("herbal + obat", ["makanan"])]),
        # One part clear, one not: one business of the clear type, described by the whole cell.
        ("kiosk + herbal", [("warung", "kiosk + herbal")], [("herbal", ["makanan"])]),
        (
            "Warung Kelontong dan obat herbal",
            [("warung", "Warung Kelontong dan obat herbal")],
            [("obat herbal", ["makanan"])],
        ),
        ("herbal + kambing", [("ternak", "herbal + kambing")], [("herbal", ["makanan"])]),
        (
            "kue + herbal + kambing",
            [("makanan", "kue + herbal"), ("ternak", "kambing")],
            [("herbal", [])],  # makanan is where it was kept
        ),
    ],
)
def test_what_is_not_clear_is_kept_with_a_warning(text, businesses, warnings):
    assert read(text) == (businesses, warnings)


def test_the_warnings_say_what_was_done():
    (whole,) = read_business("pabrik pesawat", TYPES).warnings
    assert "kept as the business's description and its type set to Other" in whole.message
    (part,) = read_business("kiosk + herbal", TYPES).warnings
    assert "kept in the description “kiosk + herbal” of the business of type Daily-needs kiosk" in part.message
    assert part.suggestions == (("makanan", "Snacks and food"),)


def test_an_alias_confirmed_earlier_wins():
    aliases = {
        ("business_type", "", "obat herbal"): "makanan",
        ("business_type", "", "toko"): "aksesoris",
        ("business_type", "", "pabrik pesawat"): "jasa",
        ("business_type", "", "kue"): "no-such-type",  # ignored
        ("village", "13.75.02", "kue"): "13.75.02.1008",  # another field
    }
    assert read("Warung Kelontong dan obat herbal", aliases=aliases) == (
        [("warung", "Warung Kelontong"), ("makanan", "obat herbal")],
        [],
    )
    assert read("toko", aliases=aliases) == ([("aksesoris", "toko")], [])
    assert read("Pabrik  PESAWAT", aliases=aliases) == ([("jasa", "Pabrik PESAWAT")], [])
    assert read("kue", aliases=aliases) == ([("makanan", "kue")], [])


def test_a_type_added_in_the_admin_is_read_by_its_names():
    types = [*TYPES, BusinessType(pk=99, code="perikanan", name="Perikanan", name_en="Fisheries", position=95)]
    assert read("Perikanan", types) == ([("perikanan", "Perikanan")], [])
    assert read("fisheries", types) == ([("perikanan", "fisheries")], [])
    assert read("usaha perikanan darat", types) == ([("perikanan", "usaha perikanan darat")], [])


def test_without_an_other_type_an_unclear_cell_has_no_business():
    types = [t for t in TYPES if t.code != "lainnya"]
    reading = read_business("pabrik pesawat", types)
    assert reading.parts == []
    assert "is not a business type. Use one of: sulaman" in reading.warnings[0].message
    assert read("kiosk + herbal", types)[0] == [("warung", "kiosk + herbal")]


def test_an_empty_cell_has_no_business():
    assert read("") == ([], [])
    assert read("   ") == ([], [])


def test_pieces_are_cut_at_separators_outside_brackets():
    text = "a + b & c, d; e / f dan g and h (i, j) serta k"
    assert [text[a:b] for a, b in split_pieces(text)] == ["a", "b", "c", "d", "e", "f", "g", "h (i, j)", "k"]
    assert split_pieces("Sedan bandar") == [(0, 12)]  # "dan" only as a word


# --- properties ---

PIECES = st.sampled_from(
    [
        "anyaman",
        "kambing",
        "Sulaman / bordir",
        "kue",
        "herbal",
        "toko",
        "sulamn",
        " + ",
        " dan ",
        ", ",
        " / ",
        "&",
        "(",
        ")",
        "  ",
        "ß",
        "é",
        "ﬁ",
        "İ",
        "\u00a0",
        "\x00",
        "s",
    ]
)
cells = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=8).map("".join))
READER = BusinessReader(TYPES, {("business_type", "", "herbal"): "makanan"})


@settings(max_examples=300, deadline=None)
@given(cells)
def test_reading_any_text_keeps_it_and_gives_a_valid_type(text):
    reading = READER.read(text)
    typed = " ".join(text.split())
    if not typed:
        assert reading.parts == [] and reading.warnings == []
        return
    assert reading.parts, "a filled cell always has a business"
    type_ids = [type_id for type_id, _description in reading.parts]
    assert set(type_ids) <= set(CODE) and len(type_ids) == len(set(type_ids))
    if len(reading.parts) == 1:
        assert reading.parts[0][1] == typed
    for _type_id, description in reading.parts:
        assert description and description in typed
    for warning in reading.warnings:
        assert len(warning.suggestions) <= 3 and {code for code, _ in warning.suggestions} <= set(CODE.values())


CHOICE_HEADERS = ["jenis_kelamin", "status_perkawinan", "pendidikan", "kategori"]
CHOICE_COLUMNS = ColumnMap(
    index={"sex": 0, "marital_status": 1, "education": 2, "category": 3}, headers=CHOICE_HEADERS, unknown=[]
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CHOICE_HEADERS), st.text(max_size=30))
def test_suggesting_a_choice_for_any_text_never_fails(header, value):
    row = RowResult(number=2, errors=[Problem(header, value, "is not understood.")])
    _resolve_choices([row], CHOICE_COLUMNS, {})
    (problem,) = row.errors
    assert problem.field and len(problem.suggestions) <= 3
    assert all(isinstance(choice, str) and isinstance(label, str) for choice, label in problem.suggestions)


# --- choices ---


def checked(text: str):
    return parse_rows(io.BytesIO(text.encode("utf-8")), filename="daftar.csv")


def test_a_choice_not_understood_gets_suggestions():
    parsed = checked("nama;status_perkawinan;pendidikan;jenis_kelamin\nSiti;Cerai Mti;SMP sederajad;perempuann\n")
    (row,) = parsed.rows
    _resolve_choices(parsed.rows, parsed.columns, {})
    by_field = {p.field: p for p in row.errors}
    assert by_field["marital_status"].suggestions[0] == ("widowed", "Widowed")
    assert by_field["marital_status"].value == "Cerai Mti" and "is not understood" in by_field["marital_status"].message
    assert by_field["education"].suggestions[0] == ("smp", "Junior high (SMP)")
    assert by_field["sex"].suggestions == (("P", "Female"),)


def test_janda_is_offered_as_widowed_or_divorced():
    parsed = checked("nama;status_perkawinan\nSiti;Janda\n")
    _resolve_choices(parsed.rows, parsed.columns, {})
    (problem,) = parsed.rows[0].errors
    assert "widowed or divorced" in problem.message
    assert [choice for choice, _label in problem.suggestions][:2] == ["widowed", "divorced"]


def test_an_alias_settles_a_choice():
    parsed = checked("nama;status_perkawinan;kategori\nSiti;Cerai Mti;kpm ok\nPutri;Cerai Mti;kpm ok\n")
    aliases = {("marital_status", "", "cerai mti"): "widowed", ("category", "", "kpm ok"): "not-a-choice"}
    _resolve_choices(parsed.rows, parsed.columns, aliases)
    for row in parsed.rows:
        assert row.marital_status == "widowed"
        assert [p.field for p in row.errors] == ["category"]  # an alias to no choice is not applied


# --- against the registry ---


@pytest.fixture
def world(db):
    garegeh()
    for code in ("anyaman", "ternak", "lainnya", "warung", "makanan"):
        business_type(code)


def commit(text, *, programme, by):
    return commit_import(parsed=checked(text), programme=programme, by=by, reason="test")


@pytest.mark.django_db
def test_two_businesses_in_one_cell_are_both_created_with_their_descriptions(world, programme, admin):
    plan = commit(
        f"nama;nik;desa;jenis_usaha;nama_usaha\nSiti Aminah;{NIK};Garegeh;anyaman + kambing;Tampir Bu Siti\n",
        programme=programme,
        by=admin,
    )
    (row,) = plan.rows
    assert (row.action, row.warnings) == (Action.NEW, ())
    businesses = Business.objects.filter(beneficiary__nik=NIK).select_related("business_type").order_by("pk")
    assert [(b.business_type.code, b.name, b.description, b.status) for b in businesses] == [
        ("anyaman", "Tampir Bu Siti", "anyaman", "running"),
        ("ternak", "", "kambing", "running"),
    ]
    assert BusinessStatusChange.objects.filter(business__in=businesses, recorded_by=admin).count() == 2


@pytest.mark.django_db
def test_an_unknown_business_imports_as_other_with_a_warning(world, programme, admin):
    plan = commit(
        f"nama;nik;desa;jenis_usaha\nSiti Aminah;{NIK};Garegeh;pabrik pesawat\n", programme=programme, by=admin
    )
    (row,) = plan.rows
    assert row.action == Action.NEW and row.ok
    (warning,) = row.warnings
    assert (warning.column, warning.value, warning.field, warning.scope) == (
        "jenis_usaha",
        "pabrik pesawat",
        "business_type",
        "",
    )
    assert "type set to Other" in warning.describe(row.number)
    business = Business.objects.select_related("business_type").get(beneficiary__nik=NIK)
    assert (business.business_type.code, business.description) == ("lainnya", "pabrik pesawat")


@pytest.mark.django_db
def test_a_registered_woman_gets_only_the_businesses_she_lacks(world, programme, admin):
    woman = BeneficiaryFactory(nik=NIK, full_name="Siti Aminah", programme=programme)
    BusinessFactory(beneficiary=woman, business_type=business_type("anyaman"))
    plan = match_rows(
        checked(f"nama;nik;jenis_usaha\nSiti Aminah;{NIK};Anyaman, kambing & bebek\n"), programme=programme
    )
    (row,) = plan.rows
    assert row.action == Action.UPDATE
    assert row.changes == [("Business", "", "kambing & bebek")]
    assert plan.new_business == [(row.number, business_type("ternak").pk, "", "kambing & bebek")]
    commit_import(parsed=plan.parsed, programme=programme, by=admin)
    assert sorted(woman.businesses.values_list("business_type__code", flat=True)) == ["anyaman", "ternak"]


@pytest.mark.django_db
def test_a_choice_error_names_its_field_in_a_match(world, programme):
    plan = match_rows(checked("nama;desa;status_perkawinan\nSiti;Garegeh;Cerai Mti\n"), programme=programme)
    (row,) = plan.rows
    assert row.action == Action.INVALID
    (problem,) = row.errors
    assert (problem.field, problem.suggestions[0]) == ("marital_status", ("widowed", "Widowed"))


# --- facilitators ---


def facilitator_rows(values: list[str], programme, aliases=None):
    parsed = checked("nama;pendamping\n" + "".join(f"Siti;{value}\n" for value in values))
    _resolve_facilitators(parsed.rows, parsed.columns, programme, aliases or {})
    return parsed.rows


@pytest.mark.django_db
def test_a_facilitator_by_her_full_or_first_name(programme, facilitator):
    full_name = f"{facilitator.first_name} {facilitator.last_name}"
    rows = facilitator_rows(
        [full_name.upper(), f"  {facilitator.first_name.lower()} ", facilitator.username], programme
    )
    assert [(row.facilitator_id, row.errors) for row in rows] == [(facilitator.pk, ())] * 3


@pytest.mark.django_db
def test_a_first_name_two_facilitators_share_needs_the_user_name(programme, facilitator):
    namesake = UserFactory(username="pendamping9", first_name=facilitator.first_name, role=Role.FACILITATOR)
    programme.assignments.create(user=namesake)
    (row,) = facilitator_rows([facilitator.first_name], programme)
    (problem,) = row.errors
    assert "More than one facilitator" in problem.message
    assert {username for username, _label in problem.suggestions} == {facilitator.username, namesake.username}


@pytest.mark.django_db
def test_an_unknown_facilitator_gets_the_closest_of_the_programme(programme, facilitator, other_facilitator):
    (row,) = facilitator_rows(["Nofriati"], programme)
    (problem,) = row.errors
    assert "no user" in problem.message and problem.field == "facilitator"
    assert problem.suggestions[0] == (
        facilitator.username,
        f"{facilitator.first_name} {facilitator.last_name} ({facilitator.username})",
    )


@pytest.mark.django_db
def test_an_alias_names_a_facilitator(programme, facilitator, other_facilitator):
    aliases = {("facilitator", "", "bu nofri"): facilitator.username}
    (row,) = facilitator_rows(["Bu Nofri"], programme, aliases)
    assert (row.facilitator_id, row.errors) == (facilitator.pk, ())


@pytest.mark.django_db
def test_a_namesake_outside_the_programme_is_not_taken(programme, other_programme, facilitator):
    outsider = other_programme.staff.get(role="facilitator")
    (row,) = facilitator_rows([outsider.get_full_name()], programme)
    assert row.facilitator_id != outsider.pk
