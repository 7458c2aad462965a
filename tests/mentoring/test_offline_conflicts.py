"""Field entries made offline land when the world moved meanwhile (issue 17): a visit to a woman reassigned after
the form was made is kept and reviewed; a visit to a woman she never had, or after she left, is still refused; a
business status older than the latest goes into the history without changing the current one. The coordinators'
review list: scope, filters, "mark seen", a flat query budget. A follow-up ticked twice and training attendance
saved twice change nothing the second time."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from beneficiaries.models import BusinessStatus, BusinessStatusChange
from beneficiaries.services import assign_facilitator, change_business_status
from mentoring.models import FieldReview, FollowUp, ReviewKind, ReviewReason, TrainingAttendance, Visit
from mentoring.reviews import mark_review_seen
from mentoring.services import record_visit
from tests.beneficiaries.factories import BusinessFactory
from tests.mentoring.factories import FollowUpFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def visit_post(made_at, **overrides):
    """A home-visit POST as the phone's outbox sends it: the form's key and when the form was made."""
    data = {
        "client_uuid": str(uuid.uuid4()),
        "form_made_at": made_at.isoformat(),
        "visit_type": "home_visit",
        "visited_on": "2025-10-20",
        "aspects": ["marketing"],
        "actions": "Membuka toko di Shopee",
        "fu-TOTAL_FORMS": "0",
        "fu-INITIAL_FORMS": "0",
        "fu-MIN_NUM_FORMS": "0",
        "fu-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


def create_url(beneficiary):
    return reverse("mentoring:visit_create", args=[beneficiary.pk])


# --- a visit to a woman reassigned while the phone was offline ------------------------------------------------


def test_a_visit_made_before_she_was_reassigned_lands_and_is_reviewed(
    login, facilitator, other_facilitator, coordinator, beneficiary
):
    made_at = timezone.now()
    assign_facilitator(beneficiaries=[beneficiary], facilitator=other_facilitator, by=coordinator)
    client = login(facilitator)
    data = visit_post(made_at)
    first, again = client.post(create_url(beneficiary), data), client.post(create_url(beneficiary), data)
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("mentoring:visit_list")
    visit = Visit.objects.get()
    assert (visit.beneficiary, visit.author, str(visit.client_uuid)) == (beneficiary, facilitator, data["client_uuid"])
    review = FieldReview.objects.get()
    assert (review.kind, review.reason, review.visit, review.author, review.moved_to) == (
        ReviewKind.VISIT,
        ReviewReason.REASSIGNED,
        visit,
        facilitator,
        other_facilitator,
    )
    assert review.programme == visit.programme and review.beneficiary == beneficiary
    today = f"{timezone.localdate():%d/%m/%Y}"
    with translation.override("en"):
        assert review.describe() == f"Reassigned to {other_facilitator} on {today}."
    with translation.override("id"):
        assert review.describe() == f"Dipindahkan ke {other_facilitator} pada {today}."


def test_a_visit_to_a_woman_she_never_had_is_still_refused(login, facilitator, other_beneficiary):
    response = login(facilitator).post(create_url(other_beneficiary), visit_post(timezone.now()))
    assert response.status_code == 404
    assert not Visit.objects.exists() and not FieldReview.objects.exists()


def test_a_visit_whose_form_was_made_after_the_reassignment_is_refused(
    login, facilitator, other_facilitator, coordinator, beneficiary
):
    assign_facilitator(beneficiaries=[beneficiary], facilitator=other_facilitator, by=coordinator)
    response = login(facilitator).post(create_url(beneficiary), visit_post(timezone.now()))
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_visit_without_the_form_time_is_refused_after_a_reassignment(
    login, facilitator, other_facilitator, coordinator, beneficiary
):
    assign_facilitator(beneficiaries=[beneficiary], facilitator=other_facilitator, by=coordinator)
    data = visit_post(timezone.now())
    del data["form_made_at"]
    assert login(facilitator).post(create_url(beneficiary), data).status_code == 404


def test_a_visit_form_older_than_the_offline_window_does_not_land(
    login, facilitator, other_facilitator, coordinator, beneficiary
):
    assign_facilitator(beneficiaries=[beneficiary], facilitator=other_facilitator, by=coordinator)
    old = timezone.now() - dt.timedelta(days=31)
    assert login(facilitator).post(create_url(beneficiary), visit_post(old)).status_code == 404


def test_the_same_visit_key_for_another_woman_is_a_conflict_not_a_second_visit(login, facilitator, beneficiary):
    from tests.beneficiaries.factories import BeneficiaryFactory

    second = BeneficiaryFactory(programme=beneficiary.enrolments.get().programme, facilitator=facilitator)
    client = login(facilitator)
    data = visit_post(timezone.now())
    assert client.post(create_url(beneficiary), data).status_code == 302
    response = client.post(create_url(second), data)
    assert response.status_code == 200
    assert "Formulir ini sudah dipakai untuk kunjungan lain" in response.content.decode()
    assert Visit.objects.count() == 1


def test_a_visit_in_her_own_caseload_opens_no_review(login, facilitator, beneficiary):
    assert login(facilitator).post(create_url(beneficiary), visit_post(timezone.now())).status_code == 302
    assert Visit.objects.count() == 1 and not FieldReview.objects.exists()


# --- a business status older than the latest on record ----------------------------------------------------------


def test_an_older_business_status_goes_into_the_history_and_keeps_the_current_one(facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary)  # running
    change_business_status(
        business=business, status=BusinessStatus.RUNNING, on=dt.date(2025, 11, 1), reason="", by=facilitator
    )
    visit, created = record_visit(
        client_uuid=uuid.uuid4(),
        author=facilitator,
        beneficiary=beneficiary,
        visited_on=dt.date(2025, 10, 20),
        business=business,
        business_status=BusinessStatus.PAUSED,
        business_note="Kambing sakit",
        form_made_at=timezone.now(),
    )
    business.refresh_from_db()
    assert created and business.status == BusinessStatus.RUNNING
    paused = BusinessStatusChange.objects.get(business=business, status=BusinessStatus.PAUSED)
    assert (paused.changed_on, paused.reason, visit.status_change) == (dt.date(2025, 10, 20), "Kambing sakit", paused)
    review = FieldReview.objects.get()
    assert (review.kind, review.reason, review.status_change, review.visit) == (
        ReviewKind.BUSINESS_STATUS,
        ReviewReason.LATER_STATUS,
        paused,
        visit,
    )
    with translation.override("en"):
        assert review.describe() == (
            "A later status is on record (Running from 01/11/2025); the current status is unchanged."
        )


def test_a_newer_business_status_becomes_current_without_a_review(facilitator, beneficiary):
    business = BusinessFactory(beneficiary=beneficiary)
    record_visit(
        client_uuid=uuid.uuid4(),
        author=facilitator,
        beneficiary=beneficiary,
        visited_on=timezone.localdate(),
        business=business,
        business_status=BusinessStatus.STOPPED,
        business_note="Jadi buruh tani",
    )
    business.refresh_from_db()
    assert business.status == BusinessStatus.STOPPED and not FieldReview.objects.exists()


# --- the review list ---------------------------------------------------------------------------------------------


def _review(programme, author, beneficiary, **fields):
    return FieldReview.objects.create(
        kind=fields.pop("kind", ReviewKind.VISIT),
        reason=fields.pop("reason", ReviewReason.REASSIGNED),
        programme=programme,
        author=author,
        beneficiary=beneficiary,
        **fields,
    )


LIST = reverse("mentoring:review_list")


def test_the_review_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/akun/masuk/" in response.url


def test_facilitators_may_not_open_the_review_list(login, facilitator, programme, beneficiary):
    item = _review(programme, facilitator, beneficiary)
    client = login(facilitator)
    assert client.get(LIST).status_code == 403
    assert client.post(reverse("mentoring:review_seen", args=[item.pk])).status_code == 403


def test_coordinators_see_their_programmes_items_only(
    login, coordinator, facilitator, programme, beneficiary, other_programme, foreign_beneficiary
):
    mine = _review(programme, facilitator, beneficiary)
    foreign = _review(other_programme, facilitator, foreign_beneficiary)
    client = login(coordinator)
    page = client.get(LIST)
    assert [item.pk for item in page.context["page"]] == [mine.pk]
    assert client.post(reverse("mentoring:review_seen", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.seen_at is None


def test_marking_an_item_seen_keeps_who_and_moves_it_to_the_seen_list(
    login, coordinator, manager, facilitator, programme, beneficiary
):
    item = _review(programme, facilitator, beneficiary)
    client = login(coordinator)
    response = client.post(reverse("mentoring:review_seen", args=[item.pk]), {"next": f"{LIST}?state=open"})
    assert response.status_code == 302 and response.url == f"{LIST}?state=open"
    item.refresh_from_db()
    assert item.seen_by == coordinator and item.seen_at is not None
    mark_review_seen(review=item, by=manager)  # seeing it again keeps the first reader
    item.refresh_from_db()
    assert item.seen_by == coordinator
    assert list(client.get(LIST).context["page"]) == []
    assert [i.pk for i in client.get(LIST, {"state": "seen"}).context["page"]] == [item.pk]


def test_the_review_list_filters_by_kind(login, manager, facilitator, programme, beneficiary):
    visit_item = _review(programme, facilitator, beneficiary)
    _review(programme, facilitator, beneficiary, kind=ReviewKind.REPAYMENT, reason=ReviewReason.WRITTEN_OFF)
    page = login(manager).get(LIST, {"kind": "visit"}).context["page"]
    assert [i.pk for i in page] == [visit_item.pk]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_review_list_query_budget_stays_flat(rows, login, coordinator, facilitator, programme, beneficiary):
    for _ in range(rows):
        _review(programme, facilitator, beneficiary)
    client = login(coordinator)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    # session, user, the user's programme assignments inside visible_to's subquery is one query with the page:
    # 1 session, 2 user, 3 count of the items, 4 the page of items with everything they show (one join).
    assert len(queries) == 4, [q["sql"][:80] for q in queries.captured_queries]


# --- follow-ups and training attendance sent twice ----------------------------------------------------------------


def test_a_follow_up_ticked_twice_keeps_the_first_and_answers_the_same(login, facilitator, beneficiary):
    follow_up = FollowUpFactory(beneficiary=beneficiary, owner=facilitator)
    client, url = login(facilitator), reverse("mentoring:followup_done", args=[follow_up.pk])
    first, again = client.post(url), client.post(url)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    follow_up.refresh_from_db()
    assert (follow_up.done_on, follow_up.done_by) == (timezone.localdate(), facilitator)
    assert FollowUp.history.filter(id=follow_up.pk, done_on__isnull=False).count() == 1


def test_training_attendance_saved_twice_is_recorded_once(login, facilitator, programme, beneficiary):
    training = TrainingFactory(programme=programme)
    client, url = login(facilitator), reverse("mentoring:training_attendance", args=[training.pk])
    data = {"present": [str(beneficiary.pk)]}
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert list(TrainingAttendance.objects.values_list("beneficiary", flat=True)) == [beneficiary.pk]
