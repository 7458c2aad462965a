import datetime as dt

import pytest
from django.urls import reverse

from groups.models import Group, Meeting
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, group):
    response = client.get(reverse("groups:detail", args=[group.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_a_facilitator_sees_her_groups_only(login, facilitator, group, other_group):
    client = login(facilitator)
    response = client.get(reverse("groups:list"))
    assert group.name in response.text and other_group.name not in response.text
    assert client.get(reverse("groups:detail", args=[other_group.pk])).status_code == 404
    assert client.get(reverse("groups:members", args=[other_group.pk])).status_code == 404
    assert client.post(reverse("groups:meeting_create", args=[other_group.pk]), {}).status_code == 404


def test_a_manager_sees_her_programmes_groups_not_others(login, manager, group, other_programme):
    foreign = GroupFactory(programme=other_programme)
    client = login(manager)
    assert client.get(reverse("groups:detail", args=[group.pk])).status_code == 200
    assert client.get(reverse("groups:detail", args=[foreign.pk])).status_code == 404


def test_a_facilitator_may_not_change_a_groups_status(login, facilitator, group):
    response = login(facilitator).post(
        reverse("groups:status", args=[group.pk]), {"status": "independent", "on": "2026-01-01"}
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.status == "active"


def test_a_facilitator_creates_a_group_and_accompanies_it(login, facilitator, programme):
    from tests.beneficiaries.factories import business_type

    response = login(facilitator).post(
        reverse("groups:create"),
        {
            "name": "KUB Rendang Garegeh",
            "programme": programme.pk,
            "business_type": business_type("makanan").pk,
            "formed_on": "2025-10-01",
            "formation": "initiative",
        },
    )
    group = Group.objects.get(name="KUB Rendang Garegeh")
    assert response.status_code == 302 and response["Location"] == reverse("groups:members", args=[group.pk])
    assert list(group.facilitators.all()) == [facilitator]


def test_the_picker_finds_only_the_groups_programme(login, coordinator, group, programme, other_programme):
    mine = BeneficiaryFactory(programme=programme, full_name="Rahmawati Calon")
    BeneficiaryFactory(programme=other_programme, full_name="Rahmawati Asing")
    response = login(coordinator).get(reverse("groups:candidates", args=[group.pk]), {"q": "rahmawati"})
    assert [r["text"] for r in response.json()["results"]] == [mine.full_name]


def test_posting_another_programmes_woman_adds_nobody(login, coordinator, group, other_programme):
    stranger = BeneficiaryFactory(programme=other_programme)
    response = login(coordinator).post(
        reverse("groups:member_add", args=[group.pk]), {"beneficiaries": [stranger.pk], "joined_on": "2025-10-01"}
    )
    assert response.status_code == 302
    assert not group.memberships.filter(beneficiary=stranger).exists()


def test_adding_a_member_from_the_registry(login, coordinator, group, programme):
    new = BeneficiaryFactory(programme=programme)
    login(coordinator).post(
        reverse("groups:member_add", args=[group.pk]), {"beneficiaries": [new.pk], "joined_on": "2025-10-01"}
    )
    assert group.memberships.open().filter(beneficiary=new, joined_on=dt.date(2025, 10, 1)).exists()


def test_officers_form_explains_the_one_office_rule(login, facilitator, group, members):
    client = login(facilitator)
    response = client.post(
        reverse("groups:officers", args=[group.pk]),
        {"chair": members[0].pk, "treasurer": members[0].pk, "on": "2025-10-01"},
        follow=True,
    )
    assert "tidak dapat memegang dua jabatan" in response.text
    client.post(
        reverse("groups:officers", args=[group.pk]),
        {"chair": members[0].pk, "secretary": members[1].pk, "on": "2025-10-01"},
    )
    assert dict(group.memberships.open().exclude(role="member").values_list("role", "beneficiary_id")) == {
        "chair": members[0].pk,
        "secretary": members[1].pk,
    }


def test_recording_a_meeting_with_attendance(login, facilitator, group, members):
    response = login(facilitator).post(
        reverse("groups:meeting_create", args=[group.pk]),
        {
            "held_on": "2025-10-15",
            "place": "Rumah ketua",
            "topic": "Harga bersama",
            "attendees": [members[0].pk, members[2].pk],
            "decisions": "Harga Rp 60.000/kg",
            "next_meeting_on": "2025-11-15",
        },
    )
    meeting = Meeting.objects.get(group=group)
    assert response.status_code == 302
    assert set(meeting.attendees.all()) == {members[0], members[2]}


def test_a_meeting_form_with_errors_keeps_what_was_typed(login, facilitator, group, members):
    response = login(facilitator).post(
        reverse("groups:meeting_create", args=[group.pk]),
        {
            "held_on": "2025-10-15",
            "topic": "Harga bersama",
            "next_meeting_on": "2025-10-01",
            "attendees": [members[1].pk],
        },
    )
    assert response.status_code == 200
    assert 'value="Harga bersama"' in response.text
    assert f'value="{members[1].pk}"' in response.text and "checked" in response.text
    assert not Meeting.objects.exists()


def test_progress_page_shows_members_businesses_and_attendance(login, manager, group, members):
    BusinessFactory(beneficiary=members[0], status="running")
    meeting = MeetingFactory(group=group, held_on=dt.date(2025, 10, 15))
    meeting.attendees.set(members[:3])
    response = login(manager).get(reverse("groups:detail", args=[group.pk]))
    assert response.status_code == 200
    assert response.text.count('data-testid="member-row"') == 5
    assert members[0].full_name in response.text
    assert ">1/1<" in response.text and ">0/1<" in response.text  # attended / held since joining


def _grow(group, programme, n):
    for _ in range(n):
        b = BeneficiaryFactory(programme=programme)
        BusinessFactory(beneficiary=b)
        group.memberships.create(beneficiary=b, joined_on=dt.date(2025, 9, 1))
    meeting = MeetingFactory(group=group)
    meeting.attendees.set([m.beneficiary for m in group.memberships.all()])


@pytest.mark.parametrize("extra", [0, 45])
def test_progress_page_query_count_is_flat(login, manager, group, programme, extra, django_assert_max_num_queries):
    # 5 members, then 50: the page must not query per member
    _grow(group, programme, extra)
    client = login(manager)
    client.get(reverse("groups:detail", args=[group.pk]))  # warm caches (content types, session)
    with django_assert_max_num_queries(26):
        response = client.get(reverse("groups:detail", args=[group.pk]))
    assert response.text.count('data-testid="member-row"') == 5 + extra


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_is_flat(login, manager, programme, facilitator, count, django_assert_num_queries):
    for _ in range(count):
        GroupFactory(programme=programme, facilitators=[facilitator], members=[BeneficiaryFactory(programme=programme)])
    client = login(manager)
    client.get(reverse("groups:list"))
    # session, user, count, the filter form's programme / business type / facilitator choices,
    # the page of groups (members counted in it), their facilitators
    with django_assert_num_queries(8):
        response = client.get(reverse("groups:list"))
    assert response.status_code == 200
