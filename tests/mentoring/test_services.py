import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries.models import BusinessStatusChange, OnlinePresence, Permit
from groups.models import Meeting
from mentoring.models import FollowUp, MonitoringReport, TrainingAttendance, Visit
from mentoring.services import (
    FollowUpSpec,
    correct_visit,
    record_monitoring,
    record_visit,
    set_attendance,
)
from pekka.permissions import can_edit_visit
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory
from tests.mentoring.factories import TrainingFactory, VisitFactory

pytestmark = pytest.mark.django_db

VISIT_DAY = dt.date(2025, 10, 20)


def visit(beneficiary, author, **overrides):
    """record_visit with a fresh form id and the usual fields."""
    fields = {
        "client_uuid": uuid.uuid4(),
        "author": author,
        "beneficiary": beneficiary,
        "visited_on": VISIT_DAY,
        "aspects": ["marketing", "packaging"],
        "actions": ["Membuka toko di Shopee"],
    }
    return record_visit(**{**fields, **overrides})


# --- one visit per form id --------------------------------------------------------------------------------


def test_the_same_form_id_twice_records_one_visit(beneficiary, facilitator):
    form_id = uuid.uuid4()
    first, created = visit(beneficiary, facilitator, client_uuid=form_id)
    again, created_again = visit(beneficiary, facilitator, client_uuid=form_id, actions=["typed twice"])
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Visit.objects.count() == 1
    assert Visit.objects.get().actions == ["Membuka toko di Shopee"]


def test_a_form_id_reused_for_another_woman_is_refused(beneficiary, other_beneficiary, facilitator):
    form_id = uuid.uuid4()
    visit(beneficiary, facilitator, client_uuid=form_id)
    with pytest.raises(ValidationError):
        visit(other_beneficiary, facilitator, client_uuid=form_id)
    assert Visit.objects.count() == 1


def test_a_visit_keeps_its_programme_staff_and_follow_ups(beneficiary, facilitator, coordinator, programme):
    recorded, _ = visit(
        beneficiary,
        facilitator,
        facilitators=[facilitator, coordinator],
        follow_ups=[FollowUpSpec("Bawa contoh label", dt.date(2025, 10, 27), coordinator)],
        next_visit_on=dt.date(2025, 11, 3),
    )
    assert recorded.programme == programme
    assert set(recorded.facilitators.all()) == {facilitator, coordinator}
    task = FollowUp.objects.get()
    assert (task.visit, task.beneficiary, task.owner, task.due_on) == (
        recorded,
        beneficiary,
        coordinator,
        dt.date(2025, 10, 27),
    )
    assert task.source == "visit" and task.done_on is None


def test_the_author_is_present_when_nobody_is_ticked(beneficiary, facilitator):
    recorded, _ = visit(beneficiary, facilitator)
    assert list(recorded.facilitators.all()) == [facilitator]


def test_a_visit_in_the_future_is_refused(beneficiary, facilitator):
    with pytest.raises(ValidationError) as error:
        visit(beneficiary, facilitator, visited_on=timezone.localdate() + dt.timedelta(days=1))
    assert "visited_on" in error.value.error_dict
    assert not Visit.objects.exists()


# --- business changes reach the registry -------------------------------------------------------------------


def test_a_stopped_business_seen_on_a_visit_is_stopped_in_the_registry_with_history(beneficiary, facilitator):
    business = BusinessFactory(beneficiary=beneficiary, name="Ternak Puyuh")
    recorded, _ = visit(
        beneficiary, facilitator, business=business, business_status="stopped", business_note="Pakan terlalu mahal"
    )
    business.refresh_from_db()
    assert business.status == "stopped"
    change = business.status_changes.order_by("-pk").first()
    assert (change.status, change.changed_on, change.reason, change.recorded_by) == (
        "stopped",
        VISIT_DAY,
        "Pakan terlalu mahal",
        facilitator,
    )
    assert recorded.status_change == change
    assert recorded.business_status == "stopped"
    assert business.history.order_by("-history_date").first().status == "stopped"
    assert business.history.count() == 2  # created, then stopped


def test_an_unchanged_status_records_what_was_seen_and_changes_nothing(beneficiary, facilitator):
    business = BusinessFactory(beneficiary=beneficiary)
    recorded, _ = visit(beneficiary, facilitator, business=business)
    assert recorded.business_status == "running"
    assert recorded.status_change is None
    assert BusinessStatusChange.objects.filter(business=business).count() == 1


def test_a_permit_and_an_online_channel_from_a_visit_land_on_the_business(beneficiary, facilitator):
    business = BusinessFactory(beneficiary=beneficiary)
    recorded, _ = visit(
        beneficiary,
        facilitator,
        business=business,
        permit_kind="nib",
        permit_number="9120001234567",
        channel="marketplace",
        channel_address="Shopee: sulamanbunga",
    )
    permit = Permit.objects.get(business=business)
    assert (permit.kind, permit.number, permit.issued_on) == ("nib", "9120001234567", VISIT_DAY)
    assert permit.history.get().history_user == facilitator
    presence = OnlinePresence.objects.get(business=business)
    assert (presence.channel, presence.since) == ("marketplace", VISIT_DAY)
    assert (recorded.permit, recorded.online_presence) == (permit, presence)


def test_a_permit_she_already_has_refuses_the_whole_visit(beneficiary, facilitator):
    business = BusinessFactory(beneficiary=beneficiary)
    Permit.objects.create(business=business, kind="nib")
    with pytest.raises(ValidationError) as error:
        visit(
            beneficiary,
            facilitator,
            business=business,
            permit_kind="nib",
            business_status="paused",
            business_note="Sakit",
        )
    assert "permit_kind" in error.value.error_dict
    business.refresh_from_db()
    assert business.status == "running"
    assert not Visit.objects.exists()


def test_pausing_without_a_reason_is_refused(beneficiary, facilitator):
    business = BusinessFactory(beneficiary=beneficiary)
    with pytest.raises(ValidationError) as error:
        visit(beneficiary, facilitator, business=business, business_status="paused")
    assert "business_note" in error.value.error_dict


def test_another_womans_business_is_refused(beneficiary, other_beneficiary, facilitator):
    with pytest.raises(ValidationError):
        visit(beneficiary, facilitator, business=BusinessFactory(beneficiary=other_beneficiary), channel="whatsapp")


# --- group sessions ------------------------------------------------------------------------------------------


def test_a_group_session_saves_the_attendance_as_the_groups_meeting(programme, facilitator):
    members = [BeneficiaryFactory(programme=programme) for _ in range(3)]
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=members)
    session, _ = record_visit(
        client_uuid=uuid.uuid4(),
        author=facilitator,
        group=group,
        visit_type="group_session",
        visited_on=VISIT_DAY,
        aspects=["bookkeeping"],
        actions=["Latihan buku kas"],
        attendees=members[:2],
    )
    meeting = Meeting.objects.get()
    assert session.meeting == meeting
    assert (meeting.group, meeting.held_on, meeting.recorded_by) == (group, VISIT_DAY, facilitator)
    assert set(meeting.attendees.all()) == set(members[:2])
    assert "Pembukuan" in meeting.topic or "Bookkeeping" in meeting.topic
    assert session.programme == programme


def test_a_group_session_refuses_someone_not_in_the_group(programme, facilitator, beneficiary):
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[BeneficiaryFactory()])
    with pytest.raises(ValidationError):
        record_visit(
            client_uuid=uuid.uuid4(),
            author=facilitator,
            group=group,
            visit_type="group_session",
            visited_on=VISIT_DAY,
            attendees=[beneficiary],
        )
    assert not Meeting.objects.exists() and not Visit.objects.exists()


# --- corrections and the edit window -----------------------------------------------------------------------


def test_the_author_edits_within_the_window_only(beneficiary, facilitator, programme):
    recorded = VisitFactory(beneficiary=beneficiary, author=facilitator)
    created = recorded.created_at
    assert can_edit_visit(facilitator, recorded, now=created + dt.timedelta(hours=47))
    assert not can_edit_visit(facilitator, recorded, now=created + dt.timedelta(hours=49))
    programme.visit_edit_hours = 72
    programme.save()
    recorded.refresh_from_db()
    assert can_edit_visit(facilitator, recorded, now=created + dt.timedelta(hours=71))


def test_after_the_window_a_coordinator_corrects_but_another_facilitator_never(
    beneficiary, facilitator, other_facilitator, coordinator, manager
):
    recorded = VisitFactory(beneficiary=beneficiary, author=facilitator)
    later = recorded.created_at + dt.timedelta(days=30)
    assert can_edit_visit(coordinator, recorded, now=later)
    assert can_edit_visit(manager, recorded, now=later)
    assert not can_edit_visit(other_facilitator, recorded, now=recorded.created_at)


def test_a_correction_is_kept_in_history_with_who_and_why(beneficiary, facilitator, coordinator):
    recorded, _ = visit(beneficiary, facilitator)
    correct_visit(visit=recorded, by=coordinator, reason="Tanggal salah ketik", visited_on=dt.date(2025, 10, 21))
    recorded.refresh_from_db()
    assert recorded.visited_on == dt.date(2025, 10, 21)
    latest, first = recorded.history.order_by("-history_date")[:2]
    assert (latest.history_user, latest.history_change_reason) == (coordinator, "Tanggal salah ketik")
    assert first.visited_on == VISIT_DAY and first.history_user == facilitator


# --- trainings -----------------------------------------------------------------------------------------------


def test_attendance_changes_only_the_women_on_the_checklist(programme, facilitator, beneficiary, other_beneficiary):
    training = TrainingFactory(programme=programme)
    TrainingAttendance.objects.create(training=training, beneficiary=other_beneficiary)
    mine = BeneficiaryFactory(programme=programme, facilitator=facilitator)
    from beneficiaries.models import Beneficiary

    added, removed = set_attendance(
        training=training, present=[beneficiary], scope=Beneficiary.objects.visible_to(facilitator), by=facilitator
    )
    assert (added, removed) == (1, 0)
    assert set(training.attendees.all()) == {beneficiary, other_beneficiary}
    added, removed = set_attendance(
        training=training, present=[mine], scope=Beneficiary.objects.visible_to(facilitator), by=facilitator
    )
    assert (added, removed) == (1, 1)
    assert set(training.attendees.all()) == {mine, other_beneficiary}


# --- monitoring ----------------------------------------------------------------------------------------------


def monitor(beneficiary, programme, by, *, quarter, turnover, assets=5_000_000, workers=2, year=2025, **extra):
    return record_monitoring(
        beneficiary=beneficiary,
        programme=programme,
        year=year,
        quarter=quarter,
        turnover=Decimal(turnover),
        assets=Decimal(assets),
        workers=workers,
        by=by,
        **extra,
    )


def test_a_turnover_fall_beyond_the_threshold_flags_and_opens_a_follow_up(
    beneficiary, programme, coordinator, facilitator
):
    business = BusinessFactory(beneficiary=beneficiary)
    monitor(beneficiary, programme, coordinator, quarter=2, turnover=2_000_000, business=business)
    report = monitor(beneficiary, programme, coordinator, quarter=3, turnover=1_500_000, business=business)
    assert report.flagged
    assert "25%" in report.flag_reason
    task = FollowUp.objects.get()
    assert (task.owner, task.beneficiary, task.monitoring_report, task.source) == (
        facilitator,
        beneficiary,
        report,
        "monitoring",
    )


@pytest.mark.parametrize(
    "after",
    [
        {"turnover": 1_600_000},  # exactly the 20% threshold: not more than it
        {"turnover": 2_500_000},  # grew
        {"turnover": 1_700_000, "assets": 4_500_000, "workers": 2},  # small falls only
    ],
)
def test_no_follow_up_without_a_decline(beneficiary, programme, facilitator, after):
    monitor(beneficiary, programme, facilitator, quarter=2, turnover=2_000_000)
    report = monitor(beneficiary, programme, facilitator, quarter=3, **after)
    assert not report.flagged and report.flag_reason == ""
    assert not FollowUp.objects.exists()


def test_the_first_quarter_has_nothing_to_fall_from(beneficiary, programme, facilitator):
    report = monitor(beneficiary, programme, facilitator, quarter=3, turnover=0, assets=0, workers=0)
    assert not report.flagged and not FollowUp.objects.exists()


def test_assets_or_workers_falling_also_count_and_the_threshold_is_the_programmes(beneficiary, programme, facilitator):
    programme.decline_threshold_percent = 40
    programme.save()
    monitor(beneficiary, programme, facilitator, quarter=2, turnover=2_000_000, workers=3)
    report = monitor(beneficiary, programme, facilitator, quarter=3, turnover=1_500_000, workers=1)
    assert report.flagged
    assert "66%" in report.flag_reason  # workers 3 → 1
    assert "25%" not in report.flag_reason  # turnover fell less than the programme's 40%


def test_correcting_the_figures_unflags_and_closes_the_automatic_follow_up(beneficiary, programme, facilitator):
    monitor(beneficiary, programme, facilitator, quarter=2, turnover=2_000_000)
    monitor(beneficiary, programme, facilitator, quarter=3, turnover=1_000_000)
    monitor(beneficiary, programme, facilitator, quarter=3, turnover=1_000_000)  # saved again: still one task
    assert FollowUp.objects.open().count() == 1
    report = monitor(beneficiary, programme, facilitator, quarter=3, turnover=1_900_000)
    assert not report.flagged
    assert FollowUp.objects.open().count() == 0
    assert MonitoringReport.objects.count() == 2


def test_entering_an_earlier_quarter_late_checks_the_one_after_it(beneficiary, programme, facilitator):
    later = monitor(beneficiary, programme, facilitator, quarter=4, turnover=1_000_000)
    assert not later.flagged
    monitor(beneficiary, programme, facilitator, quarter=3, turnover=2_000_000)
    later.refresh_from_db()
    assert later.flagged
    assert FollowUp.objects.get().monitoring_report == later


def test_the_quarter_turns_over_the_year(beneficiary, programme, facilitator):
    monitor(beneficiary, programme, facilitator, year=2025, quarter=4, turnover=2_000_000)
    report = monitor(beneficiary, programme, facilitator, year=2026, quarter=1, turnover=500_000)
    assert report.flagged


def test_a_quarter_not_yet_started_is_refused(beneficiary, programme, facilitator):
    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError):
        monitor(beneficiary, programme, facilitator, year=next_year, quarter=1, turnover=1)
