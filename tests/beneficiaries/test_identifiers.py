"""Identity numbers (issue 15, item 3): a role that may not see full NIK/KK numbers never receives them (forms,
history, search, messages); joining a household by KK stays within her scope; conflicts go to a coordinator's
page; every full number the Django admin shows is logged, and the log cannot be changed or deleted."""

import pytest
from django.urls import reverse

from beneficiaries.models import (
    Beneficiary,
    HouseholdMember,
    IdentifierAccess,
    IdentifierAccessLocked,
    IdentifierConflict,
)
from beneficiaries.nik import mask_identifier
from beneficiaries.services import log_identifier_access
from tests.beneficiaries.factories import BeneficiaryFactory, HouseholdMemberFactory
from tests.beneficiaries.test_views import registration

pytestmark = pytest.mark.django_db


def edit_data(woman, **overrides):
    """The edit form sent back as it was shown: NIK and KK masked, nothing else changed."""
    return registration(
        **{
            "b-full_name": woman.full_name,
            "b-nik": mask_identifier(woman.nik),
            "h-kk_number": mask_identifier(woman.household.kk_number),
            "h-address": woman.household.address,
            "m-TOTAL_FORMS": "0",
            **overrides,
        }
    )


# --- the edit form ------------------------------------------------------------------------------------------------


def test_facilitators_edit_form_holds_no_full_nik_or_kk(login, facilitator, beneficiary):
    html = login(facilitator).get(reverse("beneficiaries:edit", args=[beneficiary.pk])).content.decode()
    assert beneficiary.nik not in html
    assert beneficiary.household.kk_number not in html
    assert mask_identifier(beneficiary.nik) in html
    assert mask_identifier(beneficiary.household.kk_number) in html


def test_saving_the_edit_form_unchanged_keeps_the_numbers(login, facilitator, beneficiary):
    nik, kk = beneficiary.nik, beneficiary.household.kk_number
    response = login(facilitator).post(
        reverse("beneficiaries:edit", args=[beneficiary.pk]), edit_data(beneficiary, **{"b-phone": "081299990000"})
    )
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.nik, beneficiary.household.kk_number, beneficiary.phone) == (nik, kk, "+6281299990000")
    assert beneficiary.history.first().nik == nik


def test_leaving_the_numbers_out_keeps_them(login, facilitator, beneficiary):
    nik, kk = beneficiary.nik, beneficiary.household.kk_number
    data = edit_data(beneficiary)
    del data["b-nik"], data["h-kk_number"]
    assert login(facilitator).post(reverse("beneficiaries:edit", args=[beneficiary.pk]), data).status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.nik, beneficiary.household.kk_number) == (nik, kk)


def test_a_new_nik_is_typed_whole(login, facilitator, beneficiary):
    client = login(facilitator)
    url = reverse("beneficiaries:edit", args=[beneficiary.pk])
    nik = beneficiary.nik
    response = client.post(url, edit_data(beneficiary, **{"b-nik": "1375 **** **** 9999"}))
    assert response.status_code == 200
    assert "ketik nik lengkap" in response.content.decode().lower()
    beneficiary.refresh_from_db()
    assert beneficiary.nik == nik
    assert client.post(url, edit_data(beneficiary, **{"b-nik": "1375024508800099"})).status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.nik == "1375024508800099"


def test_an_unchanged_nik_is_not_checked_again_so_no_message_quotes_its_digits(login, facilitator, beneficiary):
    # Given a stored NIK whose date part disagrees with the birth date the facilitator now enters
    response = login(facilitator).post(
        reverse("beneficiaries:edit", args=[beneficiary.pk]), edit_data(beneficiary, **{"b-birth_date": "01/01/1979"})
    )
    assert response.status_code == 302
    assert beneficiary.nik[6:12] not in response.content.decode()


# --- history ------------------------------------------------------------------------------------------------------


def test_history_on_her_page_is_masked_for_a_facilitator(login, facilitator, manager, beneficiary):
    old_nik, old_kk = beneficiary.nik, beneficiary.household.kk_number
    beneficiary.nik = "1375024508800099"
    beneficiary.save()
    beneficiary.household.kk_number = "1375020101990077"
    beneficiary.household.save()
    url = reverse("beneficiaries:detail", args=[beneficiary.pk])
    html = login(facilitator).get(url).content.decode()
    for number in (old_nik, "1375024508800099", old_kk, "1375020101990077"):
        assert number not in html, number
        assert mask_identifier(number) in html
    # The roles that may see them see them in the history after the logged reveal only.
    client = login(manager)
    assert old_nik not in client.get(url).content.decode()
    revealed = client.post(reverse("beneficiaries:reveal_identifiers", args=[beneficiary.pk])).content.decode()
    assert old_nik in revealed and old_kk in revealed
    assert IdentifierAccess.objects.filter(user=manager, beneficiary=beneficiary).count() == 1


# --- search -------------------------------------------------------------------------------------------------------


def names_found(client, url, query):
    return {name for name in ("Siti Aminah", "Rosmaini") if name in client.get(url, {"q": query}).content.decode()}


@pytest.mark.parametrize("url_name", ["beneficiaries:list", "beneficiaries:search"])
def test_facilitators_nik_search_is_an_exact_match_in_her_caseload(
    login, facilitator, beneficiary, other_beneficiary, url_name
):
    client, url = login(facilitator), reverse(url_name)
    assert names_found(client, url, beneficiary.nik[:6]) == set()
    assert names_found(client, url, beneficiary.nik[:15]) == set()
    assert names_found(client, url, beneficiary.household.kk_number[:10]) == set()
    assert names_found(client, url, beneficiary.nik) == {"Siti Aminah"}
    assert names_found(client, url, " ".join([beneficiary.nik[i : i + 4] for i in range(0, 16, 4)])) == {"Siti Aminah"}
    assert names_found(client, url, beneficiary.household.kk_number) == {"Siti Aminah"}
    assert names_found(client, url, other_beneficiary.nik) == set()


def test_facilitator_still_finds_by_part_of_the_phone(login, facilitator, beneficiary):
    beneficiary.phone = "+6281266009988"
    beneficiary.save()
    assert names_found(login(facilitator), reverse("beneficiaries:list"), "66009988") == {"Siti Aminah"}


def test_a_manager_keeps_searching_by_part_of_a_nik(login, manager, beneficiary, other_beneficiary):
    found = names_found(login(manager), reverse("beneficiaries:list"), beneficiary.nik[-6:])
    assert found == {"Siti Aminah"}


# --- uniqueness messages and conflicts ------------------------------------------------------------------------------


@pytest.mark.parametrize("whose", ["foreign_beneficiary", "other_beneficiary"])
def test_a_nik_registered_outside_her_scope_names_nobody(login, facilitator, programme, request, whose):
    existing = request.getfixturevalue(whose)
    response = login(facilitator).post(
        reverse("beneficiaries:create"), registration(**{"b-programme": programme.pk, "b-nik": existing.nik})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hubungi koordinator atau admin" in html
    assert existing.full_name not in html and f"#{existing.pk})" not in html
    assert Beneficiary.objects.filter(nik="1375024508800099").count() == 0
    conflict = IdentifierConflict.objects.get()
    assert (conflict.kind, conflict.existing_beneficiary, conflict.raised_by, conflict.programme) == (
        "nik",
        existing,
        facilitator,
        programme,
    )


def test_a_nik_in_her_own_scope_still_says_which_record(login, coordinator, programme, other_beneficiary):
    response = login(coordinator).post(
        reverse("beneficiaries:create"), registration(**{"b-programme": programme.pk, "b-nik": other_beneficiary.nik})
    )
    assert f"#{other_beneficiary.pk})" in response.content.decode()
    assert not IdentifierConflict.objects.exists()


@pytest.mark.parametrize("whose", ["foreign_beneficiary", "other_beneficiary"])
def test_a_kk_of_a_household_outside_her_scope_is_not_joined(login, facilitator, programme, request, whose):
    existing = request.getfixturevalue(whose)
    HouseholdMemberFactory(household=existing.household, name="Andi")
    data = registration(**{"b-programme": programme.pk, "h-kk_number": existing.household.kk_number})
    response = login(facilitator).post(reverse("beneficiaries:create"), {**data, "confirm_new": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Koordinator atau admin harus menautkannya" in html
    assert existing.full_name not in html and "Andi" not in html
    assert not Beneficiary.objects.filter(nik="1375024508800099").exists()
    assert list(HouseholdMember.objects.filter(household=existing.household).values_list("name", flat=True)) == ["Andi"]
    conflict = IdentifierConflict.objects.get()
    assert (conflict.kind, conflict.existing_household, conflict.full_name) == ("kk", existing.household, "Nurhayati")


def test_a_coordinator_joins_a_household_of_her_programme(login, coordinator, programme, other_beneficiary):
    data = registration(**{"b-programme": programme.pk, "h-kk_number": other_beneficiary.household.kk_number})
    response = login(coordinator).post(reverse("beneficiaries:create"), {**data, "confirm_new": "1"})
    assert response.status_code == 302
    assert Beneficiary.objects.get(nik="1375024508800099").household == other_beneficiary.household


def test_editing_her_kk_to_one_outside_her_scope_names_nobody(login, facilitator, beneficiary, foreign_beneficiary):
    kk = beneficiary.household.kk_number
    response = login(facilitator).post(
        reverse("beneficiaries:edit", args=[beneficiary.pk]),
        edit_data(beneficiary, **{"h-kk_number": foreign_beneficiary.household.kk_number}),
    )
    assert response.status_code == 200
    assert "koordinator atau admin" in response.content.decode().lower()
    beneficiary.refresh_from_db()
    assert beneficiary.household.kk_number == kk
    assert IdentifierConflict.objects.get().beneficiary == beneficiary


@pytest.fixture
def conflicts(facilitator, programme, other_programme, foreign_beneficiary):
    """One conflict raised in the cast's programme (over a woman of another programme), one in the other."""
    ours = IdentifierConflict.objects.create(
        kind="nik", programme=programme, full_name="Nurhayati", existing_beneficiary=foreign_beneficiary,
        raised_by=facilitator,
    )  # fmt: skip
    theirs = IdentifierConflict.objects.create(
        kind="nik", programme=other_programme, full_name="Warsini", raised_by=other_programme.staff.first()
    )
    return ours, theirs


def test_conflict_pages_are_not_for_facilitators(login, facilitator, conflicts):
    client = login(facilitator)
    assert client.get(reverse("beneficiaries:conflicts")).status_code == 403
    assert client.get(reverse("beneficiaries:conflict_detail", args=[conflicts[0].pk])).status_code == 403


def test_a_coordinator_sees_her_programmes_conflicts_only(login, coordinator, conflicts):
    ours, theirs = conflicts
    client = login(coordinator)
    html = client.get(reverse("beneficiaries:conflicts")).content.decode()
    assert "Nurhayati" in html and "Warsini" not in html
    assert client.get(reverse("beneficiaries:conflict_detail", args=[theirs.pk])).status_code == 404
    detail = client.get(reverse("beneficiaries:conflict_detail", args=[ours.pk])).content.decode()
    assert "Sumiyati" not in detail  # the existing record is in a programme she does not work in
    assert "Minta admin" in detail


def test_an_admin_sees_who_holds_the_number(login, admin, conflicts):
    html = login(admin).get(reverse("beneficiaries:conflict_detail", args=[conflicts[0].pk])).content.decode()
    assert "Sumiyati" in html


def test_a_coordinator_resolves_a_conflict_with_a_note(login, coordinator, conflicts):
    ours = conflicts[0]
    client = login(coordinator)
    url = reverse("beneficiaries:conflict_detail", args=[ours.pk])
    client.post(url, {"resolution": "  "})
    ours.refresh_from_db()
    assert ours.resolved_at is None
    assert client.post(url, {"resolution": "Salah ketik NIK; sudah diperbaiki"}).status_code == 302
    ours.refresh_from_db()
    assert (ours.resolved_by, ours.resolution) == (coordinator, "Salah ketik NIK; sudah diperbaiki")
    assert "Nurhayati" not in client.get(reverse("beneficiaries:conflicts")).content.decode()


def test_anonymous_goes_to_login_from_the_conflicts(client):
    response = client.get(reverse("beneficiaries:conflicts"))
    assert response.status_code == 302 and "/akun/masuk/" in response.url


# --- the Django admin and the access log ------------------------------------------------------------------------------


def test_admin_change_pages_log_the_full_numbers_they_show(login, admin, beneficiary):
    client = login(admin)
    response = client.get(reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk]))
    assert response.status_code == 200 and beneficiary.nik in response.content.decode()
    log = IdentifierAccess.objects.get()
    assert (log.user, log.action, log.beneficiary) == (admin, "view", beneficiary)
    household = beneficiary.household
    assert client.get(reverse("admin:beneficiaries_household_change", args=[household.pk])).status_code == 200
    assert IdentifierAccess.objects.filter(beneficiary=beneficiary, detail__contains="household").count() == 1


def test_admin_lists_mask_the_numbers(login, admin, beneficiary):
    client = login(admin)
    html = client.get(reverse("admin:beneficiaries_beneficiary_changelist")).content.decode()
    assert beneficiary.nik not in html and mask_identifier(beneficiary.nik) in html
    html = client.get(reverse("admin:beneficiaries_household_changelist")).content.decode()
    assert beneficiary.household.kk_number not in html
    assert not IdentifierAccess.objects.exists()


def test_the_access_log_cannot_be_changed_or_deleted_in_the_admin(login, admin, beneficiary):
    log_identifier_access(user=admin, action="view", beneficiary=beneficiary)
    row = IdentifierAccess.objects.get()
    client = login(admin)
    change = reverse("admin:beneficiaries_identifieraccess_change", args=[row.pk])
    assert client.post(change, {"action": "export", "row_count": 99}).status_code == 403
    delete = reverse("admin:beneficiaries_identifieraccess_delete", args=[row.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:beneficiaries_identifieraccess_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert client.get(reverse("admin:beneficiaries_identifieraccess_add")).status_code == 403
    row.refresh_from_db()
    assert (row.action, row.row_count) == ("view", 1)


def test_the_access_log_model_refuses_changes_and_deletes(admin, beneficiary):
    log_identifier_access(user=admin, action="view", beneficiary=beneficiary)
    row = IdentifierAccess.objects.get()
    row.detail = "tidak pernah"
    with pytest.raises(IdentifierAccessLocked):
        row.save()
    with pytest.raises(IdentifierAccessLocked):
        row.delete()
    with pytest.raises(IdentifierAccessLocked):
        IdentifierAccess.objects.all().delete()
    assert IdentifierAccess.objects.get().detail == ""


def test_a_log_row_outlives_the_woman_it_names(admin, programme):
    woman = BeneficiaryFactory(programme=programme)
    log_identifier_access(user=admin, action="view", beneficiary=woman)
    woman.enrolments.all().delete()
    woman.delete()
    assert IdentifierAccess.objects.get().beneficiary is None


def test_downloading_an_uploaded_list_is_logged_as_an_export(login, admin, programme, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from beneficiaries.models import ImportBatch
    from tests.beneficiaries.factories import business_type
    from tests.regions.factories import garegeh

    settings.MEDIA_ROOT = tmp_path
    garegeh()
    business_type("sulaman")
    client = login(admin)
    text = "nama;nik;desa\nSITI AMINAH;1375024508800012;Garegeh\nROSMAINI;12345;Garegeh\n"
    client.post(
        reverse("beneficiaries:import_create"),
        {"programme": programme.pk, "file": SimpleUploadedFile("daftar.csv", text.encode())},
    )
    batch = ImportBatch.objects.get()
    for name in ("import_file", "import_error_file"):
        b"".join(client.get(reverse(f"beneficiaries:{name}", args=[batch.pk])).streaming_content)
    assert sorted(IdentifierAccess.objects.values_list("action", "detail")) == [
        ("export", f"import #{batch.pk} error file"),
        ("export", f"import #{batch.pk} original file"),
    ]
