import datetime as dt

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, Business, Enrolment, Household, IdentifierAccess
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory, business_type, synthetic_nik
from tests.regions.factories import RegionFactory, garegeh

pytestmark = pytest.mark.django_db


def registration(**overrides):
    """A complete, valid registration POST for a woman in Garegeh."""
    village = garegeh()
    data = {
        "b-full_name": "NURHAYATI",
        "b-nik": "1375 0245 0880 0099",
        "b-sex": "P",
        "b-birth_place": "Bukittinggi",
        "b-birth_date": "05/08/1980",
        "b-marital_status": "widowed",
        "b-education": "sd",
        "b-phone": "0812-6600-1234",
        "b-category": "pekka",
        "b-consent_date": "2026-11-20",
        "h-village": village.code,
        "h-rt": "2",
        "h-rw": "1",
        "h-address": "Jorong Garegeh",
        "h-kk_number": "1375020101990001",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "20",
        "m-0-name": "Rizki",
        "m-0-relationship": "child",
        "m-0-sex": "L",
        "m-0-birth_year": "2012",
        "m-0-activity": "in_school",
        "m-1-name": "",
    }
    data.update(overrides)
    return data


# --- visibility ---------------------------------------------------------------------------------------------


def test_facilitator_list_shows_only_her_caseload(login, facilitator, beneficiary, other_beneficiary):
    html = login(facilitator).get(reverse("beneficiaries:list")).content.decode()
    assert "Siti Aminah" in html
    assert "Rosmaini" not in html


def test_manager_sees_her_programmes_not_others(login, manager, beneficiary, other_beneficiary, foreign_beneficiary):
    html = login(manager).get(reverse("beneficiaries:list")).content.decode()
    assert "Siti Aminah" in html and "Rosmaini" in html
    assert "Sumiyati" not in html


@pytest.mark.parametrize("url_name", ["beneficiaries:detail", "beneficiaries:edit"])
def test_another_facilitators_beneficiary_is_a_404(login, facilitator, other_beneficiary, url_name):
    assert login(facilitator).get(reverse(url_name, args=[other_beneficiary.pk])).status_code == 404


def test_another_programmes_beneficiary_is_a_404_for_a_manager(login, manager, foreign_beneficiary):
    assert login(manager).get(reverse("beneficiaries:detail", args=[foreign_beneficiary.pk])).status_code == 404


def test_editing_another_facilitators_beneficiary_changes_nothing(login, facilitator, other_beneficiary):
    response = login(facilitator).post(reverse("beneficiaries:edit", args=[other_beneficiary.pk]), registration())
    assert response.status_code == 404
    other_beneficiary.refresh_from_db()
    assert other_beneficiary.full_name == "Rosmaini"


def test_anonymous_is_sent_to_login(client, beneficiary):
    response = client.get(reverse("beneficiaries:detail", args=[beneficiary.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response.url


# --- search, filters, list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["siti", "AMINAH", "amin", "siti amin"])
def test_search_by_part_of_the_name_any_case(login, manager, beneficiary, other_beneficiary, query):
    html = login(manager).get(reverse("beneficiaries:list"), {"q": query}).content.decode()
    assert "Siti Aminah" in html and "Rosmaini" not in html


def test_search_ignores_accents(login, manager, programme):
    BeneficiaryFactory(full_name="Désy Ratnasari", programme=programme)
    assert "Désy Ratnasari" in login(manager).get(reverse("beneficiaries:list"), {"q": "desy"}).content.decode()


def test_search_by_nik_kk_and_phone(login, manager, beneficiary, other_beneficiary):
    beneficiary.phone = "+6281266009988"
    beneficiary.save()
    client = login(manager)
    for query in [beneficiary.nik, beneficiary.household.kk_number, "081266009988"[1:], "66009988"]:
        html = client.get(reverse("beneficiaries:list"), {"q": query}).content.decode()
        assert "Siti Aminah" in html and "Rosmaini" not in html, query


def test_filters_by_status_facilitator_and_business_type(login, manager, beneficiary, other_beneficiary, facilitator):
    BusinessFactory(beneficiary=other_beneficiary, business_type=business_type("makanan"))
    Enrolment.objects.filter(beneficiary=other_beneficiary).update(status="verified")
    client = login(manager)
    only = lambda params: [  # noqa: E731
        name
        for name in ("Siti Aminah", "Rosmaini")
        if name in client.get(reverse("beneficiaries:list"), params).content.decode()
    ]
    assert only({"status": "verified"}) == ["Rosmaini"]
    assert only({"facilitator": facilitator.pk}) == ["Siti Aminah"]
    assert only({"business_type": business_type("makanan").pk}) == ["Rosmaini"]
    assert only({"area": "13.75"}) == ["Siti Aminah", "Rosmaini"]
    koto_selayan = RegionFactory(code="13.75.02.1007", name="Koto Selayan", level=4, parent=garegeh().parent)
    assert only({"area": koto_selayan.code}) == []


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_flat(login, manager, programme, django_assert_num_queries, rows):
    for _ in range(rows):
        BusinessFactory(beneficiary=BeneficiaryFactory(programme=programme))
    client = login(manager)
    # 1 session, 2 user, 3 paginator count; the filter form's choices: 4 programmes, 5 facilitators,
    # 6 business types; 7 the page of beneficiaries with household, village and facilitator,
    # 8 their enrolments with programmes, 9 their businesses with types, 10 the assign bar's facilitators
    with django_assert_num_queries(10):
        response = client.get(reverse("beneficiaries:list"))
    assert response.status_code == 200


# --- registration ---------------------------------------------------------------------------------------------


def test_facilitator_registers_a_woman_into_her_own_caseload(login, facilitator, programme):
    response = login(facilitator).post(reverse("beneficiaries:create"), registration(**{"b-programme": programme.pk}))
    woman = Beneficiary.objects.get(nik="1375024508800099")
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:detail", args=[woman.pk])
    assert woman.full_name == "Nurhayati"  # typed in capitals, stored in title case
    assert woman.phone == "+6281266001234"
    assert woman.facilitator == facilitator
    assert woman.consent_recorded_by == facilitator
    assert woman.household.kk_number == "1375020101990001"
    assert woman.household.rt == "002"
    assert [m.name for m in woman.household.members.all()] == ["Rizki"]
    assert woman.enrolments.get().status == "candidate"


def test_registration_with_an_impossible_nik_is_refused_and_keeps_what_was_typed(login, facilitator, programme):
    response = login(facilitator).post(
        reverse("beneficiaries:create"), registration(**{"b-programme": programme.pk, "b-nik": "9999991308800012"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "bukan kode kecamatan" in html
    assert 'value="NURHAYATI"' in html and 'value="Jorong Garegeh"' in html
    assert not Beneficiary.objects.exists() and not Household.objects.exists()


def test_nik_mismatch_needs_confirmation_then_saves(login, facilitator, programme):
    client = login(facilitator)
    data = registration(**{"b-programme": programme.pk, "b-sex": "L"})  # a woman's NIK, sex entered as male
    response = client.post(reverse("beneficiaries:create"), data)
    assert response.status_code == 200
    assert "NIK ini milik perempuan" in response.content.decode()
    assert not Beneficiary.objects.exists()
    response = client.post(reverse("beneficiaries:create"), {**data, "b-confirm_nik": "on"})
    assert response.status_code == 302
    assert Beneficiary.objects.get().nik_warnings_confirmed is True


def test_same_nik_twice_is_refused(login, facilitator, programme, beneficiary):
    response = login(facilitator).post(
        reverse("beneficiaries:create"), registration(**{"b-programme": programme.pk, "b-nik": beneficiary.nik})
    )
    assert response.status_code == 200
    assert "sudah terdaftar" in response.content.decode()
    assert Beneficiary.objects.count() == 1


def test_bad_phone_and_future_birth_date_are_explained(login, facilitator, programme):
    response = login(facilitator).post(
        reverse("beneficiaries:create"),
        registration(**{"b-programme": programme.pk, "b-phone": "12", "b-birth_date": "01/01/2999", "b-nik": ""}),
    )
    html = response.content.decode()
    assert "bukan nomor telepon Indonesia" in html
    assert "tidak boleh di masa depan" in html
    assert not Beneficiary.objects.exists()


def test_possible_duplicate_is_shown_before_saving(login, facilitator, programme, beneficiary):
    data = registration(**{"b-programme": programme.pk, "b-full_name": "SITI AMINAH", "b-nik": "", "h-kk_number": ""})
    client = login(facilitator)
    response = client.post(reverse("beneficiaries:create"), data)
    assert response.status_code == 200
    assert "possible-duplicates" in response.content.decode()
    assert Beneficiary.objects.count() == 1
    response = client.post(reverse("beneficiaries:create"), {**data, "confirm_new": "1"})
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_existing_kk_joins_that_household(login, facilitator, programme, beneficiary):
    data = registration(**{"b-programme": programme.pk, "h-kk_number": beneficiary.household.kk_number})
    client = login(facilitator)
    first = client.post(reverse("beneficiaries:create"), data)
    assert "possible-duplicates" in first.content.decode()  # a KK on file is worth a second look
    assert client.post(reverse("beneficiaries:create"), {**data, "confirm_new": "1"}).status_code == 302
    assert Beneficiary.objects.get(nik="1375024508800099").household == beneficiary.household


def test_edit_saves_changes_and_history_records_who(login, facilitator, beneficiary):
    client = login(facilitator)
    data = registration(
        **{
            "b-full_name": "Siti Aminah Putri",
            "b-nik": beneficiary.nik,
            "h-kk_number": beneficiary.household.kk_number,
            "m-TOTAL_FORMS": "1",
        }
    )
    response = client.post(reverse("beneficiaries:edit", args=[beneficiary.pk]), data)
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.full_name == "Siti Aminah Putri"
    latest = beneficiary.history.first()
    assert latest.history_user == facilitator
    html = client.get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert "Siti Aminah Putri" in html and "Nofrianti" in html


# --- detail, privacy ----------------------------------------------------------------------------------------------


def test_detail_shows_profile_household_business_and_masks_identifiers(login, facilitator, beneficiary):
    BusinessFactory(beneficiary=beneficiary, name="Sulaman Bunga Tanjung")
    html = login(facilitator).get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert "Siti Aminah" in html and "Sulaman Bunga Tanjung" in html and "Kel. Garegeh" in html
    assert beneficiary.nik not in html
    assert f"{beneficiary.nik[:4]} **** **** {beneficiary.nik[-4:]}" in html
    assert "Tampilkan NIK" not in html  # facilitators cannot reveal


def test_facilitator_may_not_reveal_identifiers(login, facilitator, beneficiary):
    response = login(facilitator).post(reverse("beneficiaries:reveal_identifiers", args=[beneficiary.pk]))
    assert response.status_code == 403
    assert not IdentifierAccess.objects.exists()


def test_manager_reveals_identifiers_and_it_is_logged(login, manager, beneficiary):
    response = login(manager).post(reverse("beneficiaries:reveal_identifiers", args=[beneficiary.pk]))
    assert response.status_code == 200
    assert beneficiary.nik in response.content.decode()
    log = IdentifierAccess.objects.get()
    assert (log.user, log.action, log.beneficiary) == (manager, "view", beneficiary)


# --- enrolment, business, caseload ---------------------------------------------------------------------------------


def test_enrolment_status_change_and_refused_jump(login, facilitator, beneficiary):
    enrolment = beneficiary.enrolments.get()
    url = reverse("beneficiaries:enrolment_status", args=[beneficiary.pk, enrolment.pk])
    client = login(facilitator)
    client.post(url, {f"e{enrolment.pk}-status": "dropped_out", f"e{enrolment.pk}-on": "2026-11-01"})
    enrolment.refresh_from_db()
    assert enrolment.status == "active"  # no reason given: refused
    client.post(url, {f"e{enrolment.pk}-status": "graduated", f"e{enrolment.pk}-on": "2026-11-01"})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.status_changed_on) == ("graduated", dt.date(2026, 11, 1))


def test_add_business_then_stop_it_with_a_reason(login, facilitator, beneficiary):
    client = login(facilitator)
    client.post(
        reverse("beneficiaries:business_create", args=[beneficiary.pk]),
        {"business_type": business_type("ternak").pk, "name": "Kambing", "started_on": "2021-01-10"},
    )
    business = Business.objects.get(beneficiary=beneficiary)
    url = reverse("beneficiaries:business_status", args=[business.pk])
    response = client.post(url, {"status": "stopped", "changed_on": "2021-11-15", "reason": ""})
    assert response.status_code == 200 and "alasan" in response.content.decode().lower()
    client.post(url, {"status": "stopped", "changed_on": "2021-11-15", "reason": "Ternak mati"})
    business.refresh_from_db()
    assert business.status == "stopped"
    assert [(s.status, s.reason) for s in business.status_changes.all()] == [
        ("stopped", "Ternak mati"),
        ("running", ""),
    ]


def test_permit_once_per_kind(login, facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary)
    client = login(facilitator)
    url = reverse("beneficiaries:permit_create", args=[business.pk])
    assert client.post(url, {"kind": "nib", "number": "9120001234567"}).status_code == 302
    response = client.post(url, {"kind": "nib", "number": "9120009999999"})
    assert response.status_code == 200
    assert business.permits.count() == 1


def test_coordinator_assigns_in_bulk(
    login, coordinator, facilitator, other_facilitator, beneficiary, other_beneficiary
):
    response = login(coordinator).post(
        reverse("beneficiaries:assign"),
        {"beneficiaries": [beneficiary.pk, other_beneficiary.pk], "facilitator": other_facilitator.pk},
    )
    assert response.status_code == 302
    assert set(Beneficiary.objects.filter(facilitator=other_facilitator)) == {beneficiary, other_beneficiary}


def test_facilitator_may_not_assign(login, facilitator, other_beneficiary):
    response = login(facilitator).post(
        reverse("beneficiaries:assign"), {"beneficiaries": [other_beneficiary.pk], "facilitator": facilitator.pk}
    )
    assert response.status_code == 403
    other_beneficiary.refresh_from_db()
    assert other_beneficiary.facilitator.username == "pendamping2"


def test_assigning_to_a_facilitator_outside_her_programme_is_refused(login, coordinator, beneficiary, other_programme):
    outsider = other_programme.staff.get(role="facilitator")
    login(coordinator).post(
        reverse("beneficiaries:assign"), {"beneficiaries": [beneficiary.pk], "facilitator": outsider.pk}
    )
    beneficiary.refresh_from_db()
    assert beneficiary.facilitator.username == "pendamping1"


def test_my_beneficiaries_page(login, facilitator, beneficiary, other_beneficiary):
    html = login(facilitator).get(reverse("beneficiaries:mine")).content.decode()
    assert "Penerima manfaat dampingan saya" in html or "Dampingan saya" in html
    assert "Siti Aminah" in html and "Rosmaini" not in html


def test_synthetic_nik_helper_is_valid():
    assert synthetic_nik(birth_date=dt.date(1980, 8, 5)) == "1375024508800001"
