import pytest
from django.urls import reverse

from pekka.regions.models import Region
from pekka.regions.services import load_regions
from pekka.text import normalize_search
from tests.regions.factories import garegeh, region_chain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Garegeh", "garegeh"),
        ("  KOTO  Selayan ", "koto selayan"),
        ("Kel. Campago-Guguk", "kel campago guguk"),
    ],
)
def test_normalize_search(text, expected):
    assert normalize_search(text) == expected


def test_search_finds_a_village_by_part_of_its_name_with_its_parents():
    garegeh()
    [result] = Region.objects.search("gareg")
    assert result.code == "13.75.02.1008"
    assert result.path == "Garegeh, Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat"


def test_search_words_can_name_a_parent():
    garegeh()
    region_chain(
        ("32", "Jawa Barat"),
        ("32.11", "Kabupaten Sumedang"),
        ("32.11.07", "Conggeang"),
        ("32.11.07.2011", "Garegeh"),
    )  # a namesake elsewhere
    assert [r.code for r in Region.objects.search("garegeh bukittinggi")] == ["13.75.02.1008"]


def test_search_ranks_exact_names_first_then_larger_regions():
    region_chain(
        ("33", "Jawa Tengah"),
        ("33.22", "Kabupaten Semarang"),
        ("33.22.03", "Susukan"),
        ("33.22.03.2006", "Susukan"),
    )
    region_chain(
        ("33", "Jawa Tengah"),
        ("33.22", "Kabupaten Semarang"),
        ("33.22.03", "Susukan"),
        ("33.22.03.2007", "Susukan Lor"),
    )
    assert [r.code for r in Region.objects.search("susukan")] == [
        "33.22.03",
        "33.22.03.2006",
        "33.22.03.2007",
    ]
    assert [r.code for r in Region.objects.search("susukan", level=4)] == ["33.22.03.2006", "33.22.03.2007"]


def test_search_endpoint_returns_label_and_parents(login, facilitator):
    garegeh()
    data = login(facilitator).get(reverse("regions:search"), {"q": "Garegeh", "level": "4"}).json()
    assert data["results"] == [
        {
            "id": "13.75.02.1008",
            "text": "Garegeh, Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat",
            "label": "Kel. Garegeh",
            "parents": "Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat",
            "level": 4,
        }
    ]


def test_search_endpoint_with_an_empty_query_returns_nothing(login, facilitator):
    garegeh()
    assert login(facilitator).get(reverse("regions:search"), {"q": " "}).json() == {"results": []}


@pytest.mark.slow
def test_loading_the_official_list_is_complete_idempotent_and_searchable(django_assert_max_num_queries):
    first = load_regions()
    assert first.created == first.total
    counts = {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}

    again = load_regions()
    assert (again.created, again.updated) == (0, 0)

    # Any village in the country, by name, with its parents.
    found = {r.code: r.path for r in Region.objects.search("Garegeh", level=4)}
    assert found == {"13.75.02.1008": "Garegeh, Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat"}
    assert "32.11.07.2011" in {r.code for r in Region.objects.search("narimbang conggeang")}
    assert Region.objects.get(code="33.22.03.2002").parent.name == "Susukan"
    assert Region.objects.get(code="13.75.02.1001").name == "Campago Guguk Bulek"
