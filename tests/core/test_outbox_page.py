"""The outbox: its page, the forms it catches, and what the server does when the phone sends a form again."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting
from loans.models import CollectionSheet, Repayment
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory
from tests.mentoring.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

OUTBOX = "/lapangan/kotak-keluar/"


def test_the_outbox_page_needs_a_login(client):
    response = client.get(OUTBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["admin", "manager", "coordinator", "facilitator"])
def test_every_role_has_an_outbox_page_filled_on_the_phone(login, request, programme, role):
    response = login(request.getfixturevalue(role)).get(reverse("outbox"))
    assert response.status_code == 200
    assert reverse("outbox") == OUTBOX
    page = response.text
    assert "data-outbox-page" in page and "data-outbox-list" in page
    assert "Kotak keluar" in page and "Kirim sekarang" in page
    assert "Penyimpanan tetap" in page and "Terakhir dikirim" in page
    assert 'data-testid="outbox-entry"' not in page  # the entries are the phone's, not the server's


def test_every_page_names_its_user_and_carries_the_badge_and_the_logout_warning(login, facilitator, programme):
    page = login(facilitator).get(reverse("home")).text
    assert f'<meta name="pekka-user" content="{facilitator.pk}">' in page
    assert "data-outbox-count" in page and 'id="outbox-logout"' in page
    assert re.search(r'<form method="post" action="/akun/keluar/" data-logout>', page)
    assert "vendor/idb/umd.js" in page and "js/outbox.js" in page


def test_the_login_page_names_no_user(client):
    assert '<meta name="pekka-user" content="">' in client.get(reverse("accounts:login")).text


def _form_tag(page: str, kind: str) -> str:
    match = re.search(rf'<form[^>]*data-outbox="{kind}"[^>]*>', page, re.S)
    assert match, f"no form with data-outbox={kind}"
    return match.group(0)


def test_the_visit_form_carries_its_key_and_a_label(login, facilitator, programme):
    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    page = login(facilitator).get(reverse("mentoring:visit_create", args=[siti.pk])).text
    assert 'data-outbox-label="Kunjungan · Siti Aminah"' in _form_tag(page, "visit")
    key = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', page)
    assert key and uuid.UUID(key.group(1))


@pytest.fixture
def group(programme, facilitator):
    members = [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(2)]
    return GroupFactory(name="KUB Emping", programme=programme, facilitators=[facilitator], members=members)


def test_the_collection_sheet_carries_its_key(login, facilitator, group, manager, programme):
    member = group.memberships.first().beneficiary
    LoanFactory(beneficiary=member, product=LoanProductFactory(fund__programme=programme), group=group)
    page = login(facilitator).get(reverse("loans:collection_sheet", args=[group.pk])).text
    assert "Lembar setoran · KUB Emping" in _form_tag(page, "collection")
    assert re.search(r'name="client_uuid" value="[0-9a-f-]{36}"', page)


def test_the_meeting_form_is_caught_by_the_outbox(login, facilitator, group):
    page = login(facilitator).get(reverse("groups:meeting_create", args=[group.pk])).text
    assert 'data-outbox-label="Pertemuan · KUB Emping"' in _form_tag(page, "attendance")


def test_the_follow_up_done_forms_are_caught_by_the_outbox(login, facilitator, beneficiary):
    FollowUpFactory(beneficiary=beneficiary, owner=facilitator, description="Bawa contoh label")
    client = login(facilitator)
    # Their key is made on the phone when the page is shown (the server's "done" is the same done twice).
    listed = client.get(reverse("mentoring:followup_list")).text
    assert "Tindak lanjut selesai · Bawa contoh label" in _form_tag(listed, "followup")
    detail = client.get(reverse("beneficiaries:detail", args=[beneficiary.pk])).text
    assert "data-outbox-inline" in _form_tag(detail, "followup")


def test_a_follow_up_done_sent_twice_is_done_once(login, facilitator, beneficiary):
    task = FollowUpFactory(beneficiary=beneficiary, owner=facilitator)
    client = login(facilitator)
    sent = {"client_uuid": str(uuid.uuid4()), "next": reverse("mentoring:followup_list")}
    first = client.post(reverse("mentoring:followup_done", args=[task.pk]), sent, HTTP_X_PEKKA_OUTBOX="1")
    versions = task.history.count()
    again = client.post(reverse("mentoring:followup_done", args=[task.pk]), sent, HTTP_X_PEKKA_OUTBOX="1")
    assert first.status_code == again.status_code == 302  # a redirect: the outbox reads both as sent
    assert first["Location"] == again["Location"] == reverse("mentoring:followup_list")
    task.refresh_from_db()
    assert task.done_on == timezone.localdate() and task.done_by == facilitator
    assert task.history.count() == versions  # the replay changed nothing


def test_a_meeting_sent_twice_with_its_key_is_recorded_once(login, facilitator, group):
    members = [m.beneficiary for m in group.memberships.order_by("pk")]
    client = login(facilitator)
    sent = {
        "client_uuid": str(uuid.uuid4()),
        "held_on": "2025-10-15",
        "topic": "Harga bersama",
        "attendees": [members[0].pk],
    }
    first = client.post(reverse("groups:meeting_create", args=[group.pk]), sent)
    again = client.post(reverse("groups:meeting_create", args=[group.pk]), sent)
    meeting = Meeting.objects.get(group=group)  # the one row
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == reverse("groups:meeting_detail", args=[group.pk, meeting.pk])
    assert list(meeting.attendees.all()) == [members[0]]


def test_a_collection_sheet_sent_twice_is_posted_once(login, facilitator, group, programme):
    member = group.memberships.first().beneficiary
    loan = LoanFactory(
        beneficiary=member, product=LoanProductFactory(fund__programme=programme), group=group, principal=1_000_000
    )
    client = login(facilitator)
    sent = {"paid_on": "2026-02-05", f"amount_{loan.pk}": "110.000", "client_uuid": str(uuid.uuid4())}
    for _ in range(2):
        assert client.post(reverse("loans:collection_sheet", args=[group.pk]), sent).status_code == 302
    assert CollectionSheet.objects.count() == 1
    assert [(r.loan, r.amount, r.paid_on) for r in Repayment.objects.all()] == [(loan, 110_000, dt.date(2026, 2, 5))]


def test_a_follow_up_ticked_off_offline_is_done_the_day_she_tapped_it(login, facilitator, beneficiary):
    import datetime as dt

    from mentoring.models import FollowUp

    today = timezone.localdate()
    task = FollowUpFactory(beneficiary=beneficiary, owner=facilitator)
    FollowUp.objects.filter(pk=task.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    client = login(facilitator)
    url = reverse("mentoring:followup_done", args=[task.pk])
    listed = client.get(reverse("mentoring:followup_list")).text
    assert 'name="done_on" data-outbox-today' in listed  # the phone fills it in when she taps "done"
    client.post(url, {"done_on": (today - dt.timedelta(days=3)).isoformat()})
    task.refresh_from_db()
    assert task.done_on == today - dt.timedelta(days=3)


@pytest.mark.parametrize("days_ago", [-1, 11, 40])
def test_a_done_day_in_the_future_or_before_the_follow_up_existed_counts_as_today(
    login, facilitator, beneficiary, days_ago
):
    import datetime as dt

    from mentoring.models import FollowUp

    today = timezone.localdate()
    task = FollowUpFactory(beneficiary=beneficiary, owner=facilitator)
    FollowUp.objects.filter(pk=task.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    login(facilitator).post(
        reverse("mentoring:followup_done", args=[task.pk]),
        {"done_on": (today - dt.timedelta(days=days_ago)).isoformat()},
    )
    task.refresh_from_db()
    assert task.done_on == today
