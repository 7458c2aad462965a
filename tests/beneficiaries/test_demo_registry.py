from collections import Counter

import pytest

from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    Enrolment,
    Household,
    HouseholdMember,
    OnlinePresence,
    Permit,
)
from beneficiaries.nik import check_nik
from pekka.devdata.places import BUKITTINGGI, CITRA_SARI, SUSUKAN
from pekka.devdata.registry import demo_people, seed_registry
from pekka.devdata.staff import seed_programmes, seed_users
from tests.regions.factories import RegionFactory, region_chain

pytestmark = pytest.mark.django_db

# The demo programmes' villages with their real names and parents (seeds 000/001, 002, 004).
AREAS = [
    (
        ("13", "Sumatera Barat"),
        ("13.75", "Kota Bukittinggi"),
        ("13.75.02", "Mandiangin Koto Selayan"),
        [("13.75.02.1008", "Garegeh"), ("13.75.02.1007", "Koto Selayan"), ("13.75.02.1001", "Campago Guguk Bulek")],
    ),
    (
        ("33", "Jawa Tengah"),
        ("33.22", "Kabupaten Semarang"),
        ("33.22.03", "Susukan"),
        [
            ("33.22.03.2003", "Tawang"),
            ("33.22.03.2002", "Timpik"),
            ("33.22.03.2011", "Koripan"),
            ("33.22.03.2008", "Gentan"),
            ("33.22.03.2010", "Ngasinan"),
            ("33.22.03.2004", "Bakalrejo"),
        ],
    ),
    (
        ("32", "Jawa Barat"),
        ("32.11", "Kabupaten Sumedang"),
        ("32.11.07", "Conggeang"),
        [("32.11.07.2011", "Narimbang")],
    ),
]


@pytest.fixture
def demo():
    """The regions, then the demo's staff, programmes and registry."""
    for province, regency, district, villages in AREAS:
        for village in villages:
            region_chain(province, regency, district, village)
    region_chain(("35", "Jawa Timur"), ("35.14", "Kabupaten Pasuruan"))
    for code in ("35.14.09", "35.14.10", "35.14.11"):  # seed 003's areas, which the registry does not use
        RegionFactory(code=code, name=f"Kecamatan {code}", level=3, parent_id="35.14")
    # Only the steps this test is about: users, programmes and the registry (the full seed_demo also builds
    # groups, visits, loans and seed 003's 500 women, which take far longer and are tested in their apps).
    users = seed_users(password="x")
    seed_registry(programmes=seed_programmes(users=users), users=users)


def enrolled_in(programme_name):
    """Beneficiaries enrolled in the demo programme of that name."""
    return Beneficiary.objects.filter(enrolments__programme__name=programme_name)


def snapshot() -> dict[str, int]:
    """How many rows, and history rows, each registry table holds."""
    models = [Household, HouseholdMember, Beneficiary, Enrolment, Business, Permit, OnlinePresence]
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"{model.__name__} history": model.history.count() for model in models}
    counts["BusinessStatusChange"] = BusinessStatusChange.objects.count()
    return counts


def test_a_second_run_changes_nothing(demo):
    before = snapshot()

    users = seed_users(password="x")
    seed_registry(programmes=seed_programmes(users=users), users=users)

    assert snapshot() == before
    assert before["Beneficiary"] == 62


def test_the_draw_is_the_same_every_time():
    assert demo_people() == demo_people()


def test_bukittinggi_has_ten_pekka_women_per_kelurahan_and_ten_per_kind_of_business(demo):
    women = enrolled_in(BUKITTINGGI)

    assert women.count() == 30
    assert set(women.values_list("category", "sex").distinct()) == {("pekka", "P")}
    assert Counter(women.values_list("household__village__name", flat=True)) == {
        "Garegeh": 10,
        "Koto Selayan": 10,
        "Campago Guguk Bulek": 10,
    }
    kinds = Business.objects.filter(beneficiary__in=women).values_list("business_type__code", flat=True)
    assert Counter(kinds) == {"sulaman": 10, "aksesoris": 10, "makanan": 10}
    marital = Counter(women.values_list("marital_status", flat=True))
    assert marital["widowed"] + marital["divorced"] >= 20
    assert set(marital) <= {"widowed", "divorced", "husband_away", "husband_unable"}
    statuses = Counter(Enrolment.objects.filter(programme__name=BUKITTINGGI).values_list("status", flat=True))
    assert statuses["active"] > 20
    assert statuses["verified"] > 0 and statuses["candidate"] > 0


def test_every_household_has_a_kk_and_one_to_four_members(demo):
    households = Household.objects.with_dependant_count()

    assert households.count() == 62
    assert all(len(h.kk_number) == 16 and h.kk_number.isdigit() for h in households)
    assert all(1 <= h.dependant_count <= 4 for h in households)
    assert HouseholdMember.objects.filter(relationship="child", activity="in_school").exists()
    assert HouseholdMember.objects.filter(relationship="parent").exists()


def test_susukan_has_22_kpm_in_six_villages_some_of_whose_businesses_stopped(demo):
    kpm = enrolled_in(SUSUKAN)

    assert kpm.count() == 22
    assert set(kpm.values_list("category", flat=True)) == {"kpm"}
    assert set(kpm.values_list("household__village__name", flat=True)) == {
        "Tawang",
        "Timpik",
        "Koripan",
        "Gentan",
        "Ngasinan",
        "Bakalrejo",
    }
    businesses = Business.objects.filter(beneficiary__in=kpm)
    stopped = businesses.filter(status="stopped")
    assert stopped.count() >= 3
    reasons = " ".join(
        BusinessStatusChange.objects.filter(business__in=stopped, status="stopped").values_list("reason", flat=True)
    )
    for reason in ("Kambing mati", "sakit", "buruh tani"):
        assert reason in reasons
    assert businesses.filter(status="paused").count() == 1
    assert {"ternak", "warung", "makanan", "jasa", "anyaman"} <= set(
        businesses.values_list("business_type__code", flat=True)
    )
    assert {"nib", "pirt"} <= set(Permit.objects.filter(business__in=businesses).values_list("kind", flat=True))
    channels = set(OnlinePresence.objects.filter(business__in=businesses).values_list("channel", flat=True))
    assert {"whatsapp", "google_maps"} <= channels


def test_a_business_status_is_its_latest_change_and_every_stop_followed_running(demo):
    for business in Business.objects.prefetch_related("status_changes"):
        changes = list(business.status_changes.all())  # newest first
        assert business.status == changes[0].status
        assert changes[-1].status == "running"
        assert all(c.reason for c in changes if c.status != "running")


def test_citra_sari_is_ten_emping_makers_in_narimbang(demo):
    members = enrolled_in(CITRA_SARI)

    assert members.count() == 10
    assert set(members.values_list("household__village__name", flat=True)) == {"Narimbang"}
    businesses = Business.objects.filter(beneficiary__in=members)
    assert set(businesses.values_list("business_type__code", flat=True)) == {"makanan"}
    assert all(name.startswith("Emping Melinjo") for name in businesses.values_list("name", flat=True))


def test_every_nik_is_well_formed_and_matches_birth_date_sex_and_kecamatan(demo):
    beneficiaries = Beneficiary.objects.select_related("household__village")

    for b in beneficiaries:
        check = check_nik(b.nik, birth_date=b.birth_date, sex=b.sex)
        assert (b.nik, check.errors, check.warnings) == (b.nik, [], [])
        assert check.district_code == b.household.village.parent_id
        assert b.household.kk_number[:6] == b.nik[:6]
    assert beneficiaries.filter(sex="L").exists()  # KPM men: their NIK day has no +40


def test_names_are_unique_and_phones_indonesian(demo):
    names = list(Beneficiary.objects.values_list("full_name", flat=True))
    phones = [p for p in Beneficiary.objects.values_list("phone", flat=True) if p]

    assert len(names) == len(set(names)) == 62
    assert phones and all(p.startswith("+628") and p[1:].isdigit() for p in phones)


def test_caseloads(demo):
    caseload = {
        username: Counter(
            Enrolment.objects.filter(beneficiary__facilitator__username=username).values_list(
                "programme__name", flat=True
            )
        )
        for username in ("pendamping1", "pendamping2", "pendamping3")
    }

    assert caseload == {
        "pendamping1": {BUKITTINGGI: 15},
        "pendamping2": {BUKITTINGGI: 15},
        "pendamping3": {SUSUKAN: 22, CITRA_SARI: 10},
    }
    assert not Beneficiary.objects.filter(facilitator__isnull=True).exists()
