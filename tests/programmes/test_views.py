import datetime as dt

import pytest
from django.urls import reverse

from pekka.programmes.models import Programme
from tests.programmes.factories import ProgrammeFactory
from tests.regions.factories import garegeh

pytestmark = pytest.mark.django_db


def test_facilitator_sees_only_her_programmes(login, facilitator, programme, other_programme):
    html = login(facilitator).get(reverse("programmes:list")).content.decode()
    assert "PEKKA Bukittinggi" in html
    assert "KPM Susukan" not in html


def test_admin_sees_every_programme(login, admin, programme, other_programme):
    html = login(admin).get(reverse("programmes:list")).content.decode()
    assert "PEKKA Bukittinggi" in html
    assert "KPM Susukan" in html


def test_list_search_and_category_filter(login, admin, programme, other_programme):
    client = login(admin)
    html = client.get(reverse("programmes:list"), {"q": "susukan"}).content.decode()
    assert "KPM Susukan" in html and "PEKKA Bukittinggi" not in html
    other_programme.category = "kpm"
    other_programme.save()
    html = client.get(reverse("programmes:list"), {"category": "kpm"}).content.decode()
    assert "KPM Susukan" in html and "PEKKA Bukittinggi" not in html


def test_another_programme_is_a_404_not_a_403(login, facilitator, manager, programme, other_programme):
    for user in (facilitator, manager):
        client = login(user)
        assert client.get(reverse("programmes:detail", args=[other_programme.pk])).status_code == 404
        assert client.get(reverse("programmes:edit", args=[other_programme.pk])).status_code == 404


def test_detail_shows_areas_and_staff(login, facilitator, programme):
    programme.areas.add(garegeh())
    html = login(facilitator).get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "Kel. Garegeh" in html
    assert "Nofrianti" in html


def test_facilitator_may_not_create_or_edit(login, facilitator, programme):
    client = login(facilitator)
    assert client.get(reverse("programmes:create")).status_code == 403
    assert client.post(reverse("programmes:edit", args=[programme.pk]), {"name": "X"}).status_code == 403
    programme.refresh_from_db()
    assert programme.name == "PEKKA Bukittinggi"


def test_manager_edits_her_programme(login, manager, programme, facilitator):
    village = garegeh()
    response = login(manager).post(
        reverse("programmes:edit", args=[programme.pk]),
        {
            "name": "PEKKA Bukittinggi 2026",
            "short_name": "PEKKA BKT",
            "category": "pekka",
            "start_date": "2025-07-01",
            "end_date": "2027-06-30",
            "areas": [village.code],
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "PEKKA Bukittinggi 2026"
    assert list(programme.areas.values_list("code", flat=True)) == ["13.75.02.1008"]
    assert programme.staff.count() == 4  # issue 15: a manager no longer assigns staff (tests/programmes/test_staff.py)


def test_admin_creates_a_programme_with_areas_and_staff(login, admin, manager, facilitator):
    village = garegeh()
    response = login(admin).post(
        reverse("programmes:create"),
        {
            "name": "Kemitraan Citra Sari",
            "category": "other",
            "funder": "Program Kemitraan PT Telkom",
            "start_date": "01/02/2024",  # the Indonesian way of writing a date is accepted too
            "areas": [village.code],
            "staff": [manager.pk, facilitator.pk],
        },
    )
    programme = Programme.objects.get(name="Kemitraan Citra Sari")
    assert response.status_code == 302
    assert response.url == reverse("programmes:detail", args=[programme.pk])
    assert programme.start_date == dt.date(2024, 2, 1)
    assert programme.end_date is None
    assert set(programme.staff.all()) == {manager, facilitator}
    assert programme.areas.get().code == "13.75.02.1008"


def test_bad_input_is_explained_and_nothing_is_written(login, admin):
    response = login(admin).post(
        reverse("programmes:create"),
        {
            "name": "Program Salah",
            "category": "pekka",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
            "areas": ["99.99.99.9999"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in html
    assert "Perbaiki isian yang ditandai merah" in html
    assert 'value="Program Salah"' in html  # what was typed is still there
    assert not Programme.objects.filter(name="Program Salah").exists()


def test_edit_form_shows_the_selected_area_only(login, admin, programme):
    programme.areas.add(garegeh())
    html = login(admin).get(reverse("programmes:edit", args=[programme.pk])).content.decode()
    assert 'value="13.75.02.1008" data-label="Kel. Garegeh" selected' in html or (
        'value="13.75.02.1008"' in html and "selected" in html
    )
    assert html.count("<option") < 10  # never the whole region list


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_flat(login, admin, django_assert_num_queries, rows):
    ProgrammeFactory.create_batch(rows)
    client = login(admin)
    # 1 session, 2 user, 3 count for the paginator, 4 the page of programmes with their counts
    with django_assert_num_queries(4):
        response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
