"""A meeting's attendance is keyed like every field form (issue 17): the same form sent twice records one meeting;
its key sent with other values is refused and records nothing."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(programme, facilitator, beneficiary, other_beneficiary):
    return GroupFactory(
        name="KUB Emping", programme=programme, facilitators=[facilitator], members=[beneficiary, other_beneficiary]
    )


def meeting_post(beneficiary, **overrides):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "held_on": timezone.localdate().isoformat(),
        "topic": "Arisan dan setoran",
        "attendees": [str(beneficiary.pk)],
    }
    data.update(overrides)
    return data


def test_the_meeting_form_carries_a_fresh_key(login, facilitator, group):
    page = login(facilitator).get(reverse("groups:meeting_create", args=[group.pk]))
    assert uuid.UUID(str(page.context["form"]["client_uuid"].value()))


def test_the_same_meeting_sent_twice_is_recorded_once(login, facilitator, group, beneficiary):
    client, url = login(facilitator), reverse("groups:meeting_create", args=[group.pk])
    data = meeting_post(beneficiary)
    first, again = client.post(url, data), client.post(url, data)
    meeting = Meeting.objects.get()
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert first.url == reverse("groups:meeting_detail", args=[group.pk, meeting.pk])
    assert str(meeting.client_uuid) == data["client_uuid"]
    assert list(meeting.attendees.values_list("pk", flat=True)) == [beneficiary.pk]


def test_the_same_meeting_key_with_other_attendance_is_refused(
    login, facilitator, group, beneficiary, other_beneficiary
):
    client, url = login(facilitator), reverse("groups:meeting_create", args=[group.pk])
    data = meeting_post(beneficiary)
    client.post(url, data)
    response = client.post(url, {**data, "attendees": [str(beneficiary.pk), str(other_beneficiary.pk)]})
    assert response.status_code == 200
    assert "Formulir ini sudah dikirim dengan isi yang berbeda" in response.content.decode()
    meeting = Meeting.objects.get()
    assert list(meeting.attendees.values_list("pk", flat=True)) == [beneficiary.pk]
