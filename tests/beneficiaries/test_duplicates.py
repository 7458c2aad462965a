import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from beneficiaries.duplicates import (
    find_duplicate_pairs,
    find_possible_duplicates,
    mark_not_duplicates,
    merge_beneficiaries,
    relations_to_beneficiary,
)
from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatusChange,
    Enrolment,
    Household,
    IdentifierAccess,
    NotDuplicate,
    OnlinePresence,
    Permit,
)
from tests.beneficiaries.factories import (
    BeneficiaryFactory,
    BusinessFactory,
    EnrolmentFactory,
    HouseholdFactory,
    synthetic_nik,
)
from tests.regions.factories import RegionFactory, garegeh

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 8, 5)  # the factories' birth date


def twin(name="SITI AMINNAH", **kwargs):
    """Another record born the same day in Garegeh, in a household of her own."""
    return BeneficiaryFactory(full_name=name, **kwargs)


def other_village():
    return RegionFactory(parent=garegeh().parent, name="Campago Ipuh")


# find_possible_duplicates: what the registration form checks


def test_same_nik_is_a_possible_duplicate(beneficiary):
    with override("en"):
        matches = find_possible_duplicates(nik=beneficiary.nik, full_name="Rahmawati", birth_date=dt.date(1990, 1, 1))
    assert [(m.beneficiary, m.reasons) for m in matches] == [(beneficiary, ["Same NIK"])]


def test_nik_typed_with_separators_still_matches(beneficiary):
    spaced = f"{beneficiary.nik[:6]} {beneficiary.nik[6:12]}.{beneficiary.nik[12:]}"
    assert [m.beneficiary for m in find_possible_duplicates(nik=spaced)] == [beneficiary]


def test_same_family_card_is_a_possible_duplicate_on_create(beneficiary):
    with override("en"):
        matches = find_possible_duplicates(kk_number=beneficiary.household.kk_number, full_name="Nurul Hidayah")
    assert [(m.beneficiary, m.reasons) for m in matches] == [(beneficiary, ["Same family card (KK)"])]


@pytest.mark.parametrize(
    "name, found",
    [
        ("Siti Aminah", True),
        ("SITI AMINAH", True),
        ("Siti Aminnah", True),
        ("Aminah, Siti", True),
        ("Sitti Aminah", True),
        ("Siti Rahmah", False),
        ("Rosmaini", False),
    ],
)
def test_similar_name_same_birth_date_and_village(beneficiary, name, found):
    matches = find_possible_duplicates(full_name=name, birth_date=BORN, village=garegeh())
    assert [m.beneficiary for m in matches] == ([beneficiary] if found else [])


def test_similar_name_reason_gives_the_score(beneficiary):
    with override("en"):
        [match] = find_possible_duplicates(full_name="Siti Aminnah", birth_date=BORN, village=garegeh().pk)
    assert match.reasons == ["Similar name (96%), same birth date and village"]


def test_similar_name_with_another_birth_date_or_village_is_not_a_duplicate(beneficiary):
    assert find_possible_duplicates(full_name="Siti Aminah", birth_date=dt.date(1980, 8, 6), village=garegeh()) == []
    assert find_possible_duplicates(full_name="Siti Aminah", birth_date=BORN, village=other_village()) == []
    assert find_possible_duplicates(full_name="Siti Aminah") == []


def test_strongest_match_first_and_reasons_combined(beneficiary):
    same_nik = twin("Rahmawati", nik=synthetic_nik(serial=9001))
    with override("en"):
        matches = find_possible_duplicates(
            nik=same_nik.nik, full_name="Siti Aminah", birth_date=BORN, village=garegeh()
        )
    assert [(m.beneficiary, m.reasons) for m in matches] == [
        (same_nik, ["Same NIK"]),
        (beneficiary, ["Similar name (100%), same birth date and village"]),
    ]


def test_editing_leaves_out_herself_and_household_members_with_other_names(beneficiary):
    daughter = BeneficiaryFactory(
        full_name="Nurul Hidayah", birth_date=dt.date(2001, 1, 1), household=beneficiary.household
    )
    kk = beneficiary.household.kk_number
    assert find_possible_duplicates(kk_number=kk, full_name="Nurul Hidayah", exclude_pk=daughter.pk) == []
    assert [m.beneficiary for m in find_possible_duplicates(kk_number=kk, full_name="Siti Aminah")] == [
        daughter,
        beneficiary,
    ]


def test_editing_flags_a_household_member_with_a_similar_name(beneficiary):
    again = BeneficiaryFactory(full_name="Siti Aminah", birth_date=dt.date(1981, 2, 3), household=beneficiary.household)
    with override("en"):
        matches = find_possible_duplicates(
            kk_number=beneficiary.household.kk_number,
            full_name=again.full_name,
            birth_date=again.birth_date,
            village=garegeh(),
            exclude_pk=again.pk,
        )
    assert [(m.beneficiary, m.reasons) for m in matches] == [
        (beneficiary, ["Same family card (KK), similar name (100%)"])
    ]


def test_dismissed_pair_is_not_suggested_again(admin, beneficiary):
    other = twin("SITI AMINAH")
    check = {"full_name": other.full_name, "birth_date": BORN, "village": garegeh(), "exclude_pk": other.pk}
    assert [m.beneficiary for m in find_possible_duplicates(**check)] == [beneficiary]
    mark_not_duplicates(first=other, second=beneficiary, by=admin)
    assert find_possible_duplicates(**check) == []


def test_possible_duplicates_stay_within_the_given_queryset(facilitator, beneficiary, foreign_beneficiary):
    mine = Beneficiary.objects.visible_to(facilitator)
    assert find_possible_duplicates(nik=foreign_beneficiary.nik, queryset=mine) == []
    assert [m.beneficiary for m in find_possible_duplicates(nik=beneficiary.nik, queryset=mine)] == [beneficiary]


def test_nothing_to_compare_returns_nothing_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_possible_duplicates() == []


# find_duplicate_pairs: the review page


def test_pairs_by_similar_name_same_birth_date_and_village(beneficiary, other_beneficiary):
    second = twin()
    twin("Siti Aminah", birth_date=dt.date(1981, 8, 5))
    twin("Siti Aminah", household=HouseholdFactory(village=other_village()))
    with override("en"):
        pairs = find_duplicate_pairs(Beneficiary.objects.all())
    assert [(p.first, p.second, p.reasons) for p in pairs] == [
        (beneficiary, second, ["Similar name (96%), same birth date and village"])
    ]


def test_pairs_in_one_household_need_a_similar_name(beneficiary):
    again = BeneficiaryFactory(full_name="Siti Aminah", birth_date=dt.date(1981, 2, 3), household=beneficiary.household)
    BeneficiaryFactory(full_name="Nurul Hidayah", birth_date=BORN, household=beneficiary.household)
    with override("en"):
        pairs = find_duplicate_pairs(Beneficiary.objects.all())
    assert [(p.first, p.second, p.reasons) for p in pairs] == [
        (beneficiary, again, ["Same family card (KK), similar name (100%)"])
    ]


def test_pair_on_both_counts_lists_both_reasons(beneficiary):
    again = BeneficiaryFactory(full_name="siti aminah", household=beneficiary.household)
    with override("en"):
        [pair] = find_duplicate_pairs(Beneficiary.objects.all())
    assert (pair.first, pair.second) == (beneficiary, again)
    assert pair.reasons == [
        "Same family card (KK), similar name (100%)",
        "Similar name (100%), same birth date and village",
    ]


def test_records_without_birth_date_are_not_paired_by_village(beneficiary):
    twin("Siti Aminah", birth_date=None)
    twin("Siti Aminah", birth_date=None)
    assert find_duplicate_pairs(Beneficiary.objects.all()) == []


def test_dismissed_pair_is_not_listed_again(admin, beneficiary):
    second = twin()
    third = twin("Siti Amina")
    assert len(find_duplicate_pairs(Beneficiary.objects.all())) == 3
    mark_not_duplicates(first=third, second=beneficiary, by=admin)
    pairs = find_duplicate_pairs(Beneficiary.objects.all())
    assert {(p.first, p.second) for p in pairs} == {(beneficiary, second), (second, third)}


def test_pairs_only_among_the_given_records(manager, admin, beneficiary, foreign_beneficiary):
    foreign_twin = twin("SUMIYATI", programme=foreign_beneficiary.enrolments.get().programme)
    assert find_duplicate_pairs(Beneficiary.objects.visible_to(manager)) == []
    pairs = find_duplicate_pairs(Beneficiary.objects.visible_to(admin))
    assert [(p.first, p.second) for p in pairs] == [(foreign_beneficiary, foreign_twin)]


def test_mark_not_duplicates_stores_the_pair_in_order_once(coordinator, beneficiary, other_beneficiary):
    high, low = sorted([beneficiary, other_beneficiary], key=lambda b: -b.pk)
    decision = mark_not_duplicates(first=high, second=low, by=coordinator)
    assert (decision.first, decision.second, decision.decided_by) == (low, high, coordinator)
    assert mark_not_duplicates(first=low, second=high, by=coordinator) == decision
    assert NotDuplicate.objects.count() == 1
    with pytest.raises(ValidationError):
        mark_not_duplicates(first=low, second=low, by=coordinator)


# merge_beneficiaries


def attached_rows():
    """Every row that hangs off a beneficiary, directly or through her businesses."""
    return {
        "enrolments": set(Enrolment.objects.values_list("pk", "beneficiary_id", "programme_id", "status")),
        "businesses": set(Business.objects.values_list("pk", "name")),
        "status_changes": set(BusinessStatusChange.objects.values_list("pk", "business_id", "status")),
        "permits": set(Permit.objects.values_list("pk", "business_id", "kind")),
        "online": set(OnlinePresence.objects.values_list("pk", "business_id", "channel")),
        "identifier_access": set(IdentifierAccess.objects.values_list("pk", flat=True)),
    }


def test_merge_moves_everything_attached_and_deletes_the_other(
    admin, programme, other_programme, beneficiary, other_beneficiary
):
    keep = beneficiary
    keep_enrolment = keep.enrolments.get()
    keep_business = BusinessFactory(beneficiary=keep, name="Sulaman Bunga")
    remove = twin(programme=None)
    clashing = EnrolmentFactory(beneficiary=remove, programme=programme, status="verified")
    moved_enrolment = EnrolmentFactory(beneficiary=remove, programme=other_programme, status="active")
    kue = BusinessFactory(beneficiary=remove, name="Kue Bawang")
    kerupuk = BusinessFactory(beneficiary=remove, name="Kerupuk Sanjai")
    BusinessStatusChange.objects.create(
        business=kerupuk, status="paused", changed_on=dt.date(2025, 9, 1), reason="Ibu sakit"
    )
    Permit.objects.create(business=kue, kind="pirt", number="2061375010123-29")
    Permit.objects.create(business=kue, kind="halal", number="ID13110000123450925")
    OnlinePresence.objects.create(business=kerupuk, channel="whatsapp", address="0812-6600-1234")
    access = IdentifierAccess.objects.create(user=admin, action="view", beneficiary=remove)
    NotDuplicate.objects.create(first=other_beneficiary, second=remove)
    remove_pk, remove_household = remove.pk, remove.household
    before = attached_rows()

    merged = merge_beneficiaries(keep=keep, remove=remove, by=admin)

    assert merged == keep
    assert not Beneficiary.objects.filter(pk=remove_pk).exists()
    after = attached_rows()
    # The enrolment in the programme both were in is the only row that goes: keep's stays as it was.
    assert after["enrolments"] == before["enrolments"] - {
        (clashing.pk, remove_pk, programme.pk, "verified"),
        (moved_enrolment.pk, remove_pk, other_programme.pk, "active"),
    } | {(moved_enrolment.pk, keep.pk, other_programme.pk, "active")}
    assert set(keep.enrolments.values_list("pk", "programme", "status")) == {
        (keep_enrolment.pk, programme.pk, "active"),
        (moved_enrolment.pk, other_programme.pk, "active"),
    }
    for kind in ("businesses", "status_changes", "permits", "online", "identifier_access"):
        assert after[kind] == before[kind], kind
    assert set(keep.businesses.values_list("pk", flat=True)) == {keep_business.pk, kue.pk, kerupuk.pk}
    assert Business.objects.get(pk=kerupuk.pk).status_changes.count() == 2
    access.refresh_from_db()
    assert access.beneficiary == keep
    assert not NotDuplicate.objects.exists()
    assert Household.objects.filter(pk=remove_household.pk).exists()  # only the record goes, not her household
    keep.refresh_from_db()
    assert keep.household_id != remove_household.pk


def test_merge_leaves_history_behind(admin, programme, other_programme, beneficiary):
    remove = twin(programme=None)
    EnrolmentFactory(beneficiary=remove, programme=programme)
    moved = EnrolmentFactory(beneficiary=remove, programme=other_programme)
    remove_pk = remove.pk
    merge_beneficiaries(keep=beneficiary, remove=remove, by=admin)
    latest = beneficiary.history.latest()
    assert latest.history_user == admin
    assert latest.history_change_reason == f"merged #{remove_pk}; kept own enrolment {programme}"
    gone = Beneficiary.history.filter(id=remove_pk).latest()
    assert (gone.history_type, gone.full_name, gone.history_change_reason) == (
        "-",
        "SITI AMINNAH",
        f"merged into #{beneficiary.pk}",
    )
    moved_history = moved.history.latest()
    assert (moved_history.beneficiary_id, moved_history.history_user) == (beneficiary.pk, admin)


def test_merge_fills_blank_fields_and_keeps_the_rest(admin, facilitator, programme):
    keep = BeneficiaryFactory(
        full_name="Siti Aminah",
        nik="",
        birth_place="",
        phone="",
        education="",
        marital_status="widowed",
        household=None,
        programme=programme,
    )
    remove = BeneficiaryFactory(
        full_name="Siti Aminnah",
        phone="0812-6677-8899",
        education="sd",
        birth_place="Agam",
        marital_status="divorced",
        facilitator=facilitator,
        consent_date=dt.date(2025, 8, 1),
        consent_recorded_by=facilitator,
        nik_warnings_confirmed=True,
    )
    nik, household = remove.nik, remove.household

    merge_beneficiaries(keep=keep, remove=remove, by=admin)

    keep.refresh_from_db()
    assert (keep.nik, keep.nik_warnings_confirmed, keep.phone, keep.education, keep.birth_place) == (
        nik,
        True,
        "0812-6677-8899",
        "sd",
        "Agam",
    )
    assert (keep.household, keep.facilitator, keep.consent_date, keep.consent_recorded_by) == (
        household,
        facilitator,
        dt.date(2025, 8, 1),
        facilitator,
    )
    assert (keep.full_name, keep.marital_status) == ("Siti Aminah", "widowed")
    assert household.kk_number in keep.search_text


def test_a_record_cannot_be_merged_with_itself(admin, beneficiary):
    with pytest.raises(ValidationError):
        merge_beneficiaries(keep=beneficiary, remove=Beneficiary.objects.get(pk=beneficiary.pk), by=admin)
    assert Beneficiary.objects.filter(pk=beneficiary.pk).exists()


def test_relations_walked_by_merge_include_hidden_ones_but_not_history():
    walked = {(r.related_model.__name__, r.field.name) for r in relations_to_beneficiary()}
    assert {("Enrolment", "beneficiary"), ("Business", "beneficiary"), ("IdentifierAccess", "beneficiary")} <= walked
    assert not any(name.startswith("Historical") or name == "NotDuplicate" for name, _field in walked)


# Views


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(reverse("beneficiaries:duplicates"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_facilitator_may_not_review_duplicates(login, facilitator, beneficiary):
    second = twin(facilitator=facilitator, programme=beneficiary.enrolments.get().programme)
    client = login(facilitator)
    assert client.get(reverse("beneficiaries:duplicates")).status_code == 403
    assert client.get(reverse("beneficiaries:duplicate_compare", args=[beneficiary.pk, second.pk])).status_code == 403
    assert client.post(reverse("beneficiaries:duplicate_dismiss", args=[beneficiary.pk, second.pk])).status_code == 403
    assert not NotDuplicate.objects.exists()


def test_list_shows_the_pairs_in_scope(login, manager, programme, beneficiary, foreign_beneficiary):
    twin(programme=programme)
    twin("SUMIYATI", programme=foreign_beneficiary.enrolments.get().programme)
    response = login(manager).get(reverse("beneficiaries:duplicates"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siti Aminah" in html and "SITI AMINNAH" in html
    assert "Sumiyati" not in html and "SUMIYATI" not in html
    assert [(p.first.full_name, p.second.full_name) for p in response.context["page"]] == [
        ("Siti Aminah", "SITI AMINNAH")
    ]


@pytest.mark.parametrize("pairs", [5, 50])
def test_list_query_budget_stays_flat(login, admin, django_assert_num_queries, pairs):
    for i in range(pairs):
        born = BORN + dt.timedelta(days=i)
        BeneficiaryFactory(full_name=f"Siti Aminah {i}", birth_date=born)
        BeneficiaryFactory(full_name=f"SITI AMINAH {i}", birth_date=born)
    client = login(admin)
    # session, user, the beneficiaries sharing a birth date and village or a household, the dismissed pairs
    with django_assert_num_queries(4):
        response = client.get(reverse("beneficiaries:duplicates"))
    assert response.context["page"].paginator.count == pairs


def test_compare_shows_both_records_side_by_side(login, admin, programme, beneficiary):
    second = twin(phone="0812-1111-2222")
    BusinessFactory(beneficiary=second, name="Kue Bawang")
    url = reverse("beneficiaries:duplicate_compare", args=[beneficiary.pk, second.pk])
    response = login(admin).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Siti Aminah", "SITI AMINNAH", beneficiary.nik, second.nik, "0812-1111-2222", "Kue Bawang"):
        assert text in html
    assert str(programme) in html
    assert "05/08/1980" in html
    assert html.count(reverse("beneficiaries:duplicate_merge", args=[beneficiary.pk, second.pk])) == 2
    assert reverse("beneficiaries:duplicate_dismiss", args=[beneficiary.pk, second.pk]) in html
    # admins see full numbers, and that is logged for the privacy audit
    assert set(IdentifierAccess.objects.values_list("user", "beneficiary")) == {
        (admin.pk, beneficiary.pk),
        (admin.pk, second.pk),
    }


def test_compare_has_no_merge_buttons_for_a_manager(login, manager, programme, beneficiary):
    second = twin(programme=programme)
    html = login(manager).get(reverse("beneficiaries:duplicate_compare", args=[second.pk, beneficiary.pk])).content
    assert reverse("beneficiaries:duplicate_merge", args=[second.pk, beneficiary.pk]) not in html.decode()
    assert reverse("beneficiaries:duplicate_dismiss", args=[second.pk, beneficiary.pk]) in html.decode()


def test_compare_out_of_scope_is_a_404(login, manager, coordinator, beneficiary, foreign_beneficiary):
    url = reverse("beneficiaries:duplicate_compare", args=[beneficiary.pk, foreign_beneficiary.pk])
    for user in (manager, coordinator):
        assert login(user).get(url).status_code == 404
    same = reverse("beneficiaries:duplicate_compare", args=[beneficiary.pk, beneficiary.pk])
    assert login(manager).get(same).status_code == 404


def test_admin_merges_from_the_compare_page(login, admin, programme, beneficiary):
    second = twin(programme=programme)
    BusinessFactory(beneficiary=beneficiary, name="Sulaman Bunga")
    url = reverse("beneficiaries:duplicate_merge", args=[beneficiary.pk, second.pk])
    response = login(admin).post(url, {"keep": second.pk})
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:detail", args=[second.pk])
    assert not Beneficiary.objects.filter(pk=beneficiary.pk).exists()
    assert list(second.businesses.values_list("name", flat=True)) == ["Sulaman Bunga"]
    assert list(second.enrolments.values_list("programme__name", flat=True)) == ["PEKKA Bukittinggi"]


def test_merge_is_admin_only(login, manager, programme, beneficiary):
    second = twin(programme=programme)
    url = reverse("beneficiaries:duplicate_merge", args=[beneficiary.pk, second.pk])
    assert login(manager).post(url, {"keep": beneficiary.pk}).status_code == 403
    assert Beneficiary.objects.filter(pk__in=[beneficiary.pk, second.pk]).count() == 2


def test_merge_out_of_scope_is_a_404(login, coordinator, beneficiary, foreign_beneficiary):
    url = reverse("beneficiaries:duplicate_merge", args=[beneficiary.pk, foreign_beneficiary.pk])
    assert login(coordinator).post(url, {"keep": beneficiary.pk}).status_code == 404
    assert Beneficiary.objects.filter(pk__in=[beneficiary.pk, foreign_beneficiary.pk]).count() == 2


def test_merge_needs_a_post_and_one_of_the_two(login, admin, beneficiary, other_beneficiary):
    client = login(admin)
    url = reverse("beneficiaries:duplicate_merge", args=[beneficiary.pk, other_beneficiary.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"keep": "999999"})
    assert response.url == reverse("beneficiaries:duplicate_compare", args=[beneficiary.pk, other_beneficiary.pk])
    assert Beneficiary.objects.filter(pk__in=[beneficiary.pk, other_beneficiary.pk]).count() == 2


def test_coordinator_marks_a_pair_as_not_duplicates(login, coordinator, programme, beneficiary):
    second = twin(programme=programme)
    client = login(coordinator)
    response = client.post(reverse("beneficiaries:duplicate_dismiss", args=[second.pk, beneficiary.pk]))
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:duplicates")
    decision = NotDuplicate.objects.get()
    assert (decision.first, decision.second, decision.decided_by) == (beneficiary, second, coordinator)
    assert list(client.get(reverse("beneficiaries:duplicates")).context["page"]) == []


def test_dismiss_out_of_scope_is_a_404(login, manager, beneficiary, foreign_beneficiary):
    url = reverse("beneficiaries:duplicate_dismiss", args=[beneficiary.pk, foreign_beneficiary.pk])
    assert login(manager).post(url).status_code == 404
    assert not NotDuplicate.objects.exists()
