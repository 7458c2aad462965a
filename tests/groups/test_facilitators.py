"""Issue 15: who accompanies a group decides who sees its members, so coordinators, managers and admins choose its
facilitators, from the programme's own staff; a facilitator who forms a group still accompanies it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from groups.forms import GroupForm
from groups.services import save_group
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import business_type

pytestmark = pytest.mark.django_db


def _edit_data(group, **extra):
    return {
        "name": group.name,
        "programme": group.programme_id,
        "business_type": group.business_type_id,
        "formed_on": group.formed_on.isoformat(),
        "formation": group.formation,
        **extra,
    }


def test_a_facilitator_posting_the_groups_facilitators_is_refused(login, facilitator, other_facilitator, group):
    response = login(facilitator).post(
        reverse("groups:edit", args=[group.pk]),
        _edit_data(group, name="Diubah", facilitators=[facilitator.pk, other_facilitator.pk]),
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name != "Diubah"
    assert list(group.facilitators.all()) == [facilitator]


def test_a_facilitator_edits_her_group_without_touching_its_facilitators(login, facilitator, group):
    client = login(facilitator)
    assert 'name="facilitators"' not in client.get(reverse("groups:edit", args=[group.pk])).content.decode()
    response = client.post(reverse("groups:edit", args=[group.pk]), _edit_data(group, name="KUB Baru"))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "KUB Baru"
    assert list(group.facilitators.all()) == [facilitator]


def test_a_facilitator_may_not_name_others_when_she_forms_a_group(login, facilitator, other_facilitator, programme):
    data = {
        "name": "KUB Rendang",
        "programme": programme.pk,
        "business_type": business_type("makanan").pk,
        "formed_on": "2025-10-01",
        "formation": "initiative",
        "facilitators": [other_facilitator.pk],
    }
    assert login(facilitator).post(reverse("groups:create"), data).status_code == 403
    assert not programme.groups.filter(name="KUB Rendang").exists()


@pytest.mark.parametrize("role", ["coordinator", "manager", "admin"])
def test_coordinators_managers_and_admins_choose_the_facilitators(request, login, role, other_facilitator, group):
    user = request.getfixturevalue(role)
    response = login(user).post(
        reverse("groups:edit", args=[group.pk]), _edit_data(group, facilitators=[other_facilitator.pk])
    )
    assert response.status_code == 302
    assert list(group.facilitators.all()) == [other_facilitator]


def test_the_picker_lists_only_the_groups_programme_staff(coordinator, facilitator, other_facilitator, group):
    elsewhere = UserFactory(role="facilitator", first_name="Lain")
    from tests.programmes.factories import ProgrammeFactory

    # The coordinator works in a second programme too, whose facilitator is not staff of the group's programme.
    ProgrammeFactory(staff=[coordinator, elsewhere])
    form = GroupForm(instance=group, user=coordinator)
    assert set(form.fields["facilitators"].queryset) == {facilitator, other_facilitator}


def test_the_service_refuses_facilitators_chosen_by_a_facilitator(facilitator, other_facilitator, group):
    with pytest.raises(PermissionDenied):
        save_group(group=group, facilitators=[other_facilitator], by=facilitator)
    assert list(group.facilitators.all()) == [facilitator]
