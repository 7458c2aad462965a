"""Issue 15: who works in a programme decides what she sees, so only an administrator assigns its staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pekka.programmes.forms import ProgrammeForm
from pekka.programmes.services import save_programme
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _edit_data(programme, **extra):
    return {
        "name": programme.name,
        "category": programme.category,
        "start_date": programme.start_date.isoformat(),
        **extra,
    }


def test_a_manager_posting_a_staff_change_is_refused_and_nothing_changes(login, manager, facilitator, programme):
    stranger = UserFactory(role="facilitator", first_name="Orang Luar")
    before = set(programme.staff.all())
    response = login(manager).post(
        reverse("programmes:edit", args=[programme.pk]),
        _edit_data(programme, name="Dinamai Ulang", staff=[manager.pk, stranger.pk]),
    )
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.name == "PEKKA Bukittinggi"
    assert set(programme.staff.all()) == before


def test_a_managers_form_has_no_staff_picker(login, manager, programme):
    html = login(manager).get(reverse("programmes:edit", args=[programme.pk])).content.decode()
    assert 'name="name"' in html
    assert 'name="staff"' not in html


def test_an_admin_assigns_staff(login, admin, manager, facilitator, programme):
    response = login(admin).post(
        reverse("programmes:edit", args=[programme.pk]), _edit_data(programme, staff=[manager.pk, facilitator.pk])
    )
    assert response.status_code == 302
    assert set(programme.staff.all()) == {manager, facilitator}


def test_the_service_refuses_a_staff_change_from_a_manager(manager, facilitator, programme):
    form = ProgrammeForm(_edit_data(programme, staff=[facilitator.pk]), instance=programme, may_assign_staff=True)
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        save_programme(form=form, by=manager)
    assert programme.staff.count() == 4
