import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary
from mentoring.models import FollowUp, MonitoringReport, Training, Visit
from pekka.devdata.clock import demo_calendar
from pekka.devdata.places import BUKITTINGGI, SUSUKAN

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def counts():
    return (
        Visit.objects.count(),
        FollowUp.objects.count(),
        Training.objects.count(),
        Training.attendees.through.objects.count(),
        MonitoringReport.objects.count(),
    )


def test_the_demo_mentoring_follows_the_seeds_and_is_built_once(demo_regions):
    call_command("seed_demo", "--password", "demo-uji-123")

    # Seed 004: 22 KPM, 11 visits each from the first monitoring on 10 October to the expo in December.
    cal = demo_calendar()
    kpm = Beneficiary.objects.filter(enrolments__programme__name=SUSUKAN)
    assert kpm.count() == 22
    for woman in kpm:
        visits = woman.visits.order_by("visited_on")
        assert visits.count() == 11, woman
        assert visits.first().visited_on == cal.date(2025, 10, 10)
        assert visits.last().visited_on.month == cal.date(2025, 12, 19).month
    assert not FollowUp.objects.filter(beneficiary__in=kpm, done_on__isnull=True).exists()
    # The visits that saw a business stop, a permit or a shop opened record that registry change.
    susukan = Visit.objects.filter(programme__name=SUSUKAN)
    assert susukan.filter(status_change__status="stopped").count() >= 5
    assert susukan.filter(permit__kind="nib").exists()
    assert susukan.filter(online_presence__channel="marketplace").exists()

    # The last four closed quarters of monitoring for the Bukittinggi groups' 30 members; every decline has its
    # follow-up.
    reports = MonitoringReport.objects.filter(programme__name=BUKITTINGGI)
    assert reports.count() == 30 * 4
    flagged = reports.filter(flagged=True)
    assert flagged.exists()
    assert FollowUp.objects.filter(source="monitoring", monitoring_report__in=flagged).count() == flagged.count()
    assert Training.objects.filter(programme__name=BUKITTINGGI, topic="gender").get().attendees.exists()

    before = counts()
    call_command("seed_demo", "--password", "demo-uji-123")
    assert counts() == before
