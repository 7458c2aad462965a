"""The demo is a programme at work on the day it is built, whatever that day: groups met in the last weeks,
visits in every month of the last year, loans running with this month's instalments, monitoring up to the last
closed quarter, and the group table mostly green."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from groups.models import Group, Meeting
from loans.arrears import portfolio_at_risk
from loans.models import Instalment, Loan, LoanStatus
from mentoring.models import MonitoringReport, Visit
from mentoring.periods import Quarter
from pekka.accounts.models import Role, User
from pekka.dashboards import figures
from pekka.dashboards.scope import Scope
from pekka.devdata.clock import DemoCalendar, add_months, demo_calendar
from pekka.devdata.places import BUKITTINGGI, CITRA_SARI, SUSUKAN
from pekka.programmes.models import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize(
    ("written", "months", "built"),
    [
        (dt.date(2006, 2, 3), 0, dt.date(2006, 2, 3)),
        (dt.date(2006, 2, 3), 5, dt.date(2006, 7, 3)),
        (dt.date(2025, 10, 31), 4, dt.date(2026, 2, 28)),  # the month's last day when the day does not exist
        (dt.date(2025, 1, 15), -13, dt.date(2023, 12, 15)),
    ],
)
def test_a_written_date_moves_by_whole_months(written, months, built):
    assert add_months(written, months) == built


def test_the_calendar_moves_the_stories_to_the_build_month():
    cal = DemoCalendar(today=dt.date(2027, 3, 20))
    assert cal.months == 3
    assert cal.date(2025, 10, 10) == dt.date(2026, 1, 10)  # Susukan's first monitoring
    assert cal.months_back(4, day=3) == dt.date(2026, 11, 3)


def _build(on: dt.date) -> DemoCalendar:
    """The demo as if first built on ``on``: its first user was created that day."""
    User.objects.create(
        username="admin", role=Role.ADMIN, date_joined=timezone.make_aware(dt.datetime.combine(on, dt.time(8)))
    )
    call_command("seed_demo", "--password", "x")
    cal = demo_calendar()
    assert cal.today == on
    return cal


@pytest.mark.parametrize("days_ago", [0, 137])
def test_built_on_any_day_the_demo_is_a_programme_at_work(demo_regions, days_ago):
    cal = _build(timezone.localdate() - dt.timedelta(days=days_ago))
    today = cal.today

    # Visits in every one of the last twelve months, this one included once the current round has started.
    months = {
        (d.year, d.month) for d in Visit.objects.filter(visited_on__lte=today).values_list("visited_on", flat=True)
    }
    for back in range(1, 12):
        month = add_months(today.replace(day=1), -back)
        assert (month.year, month.month) in months, month
    assert not Visit.objects.filter(visited_on__gt=today).exists()

    # Every group met in the last few weeks, and every month of the last year.
    for group in Group.objects.all():
        held = list(Meeting.objects.filter(group=group).values_list("held_on", flat=True))
        assert today - dt.timedelta(days=30) <= max(held) <= today, group
        met = {(d.year, d.month) for d in held}
        for back in range(1, 12):
            month = add_months(today.replace(day=1), -back)
            assert (month.year, month.month) in met, (group, month)

    # Each programme that lends has a cycle running now: instalments due this month, most paid, a few late.
    for name in (BUKITTINGGI, CITRA_SARI):
        programme = Programme.objects.get(name=name)
        running = Loan.objects.filter(product__fund__programme=programme, status=LoanStatus.ACTIVE)
        this_month = Instalment.objects.filter(
            loan__in=running, due_on__year=today.year, due_on__month=today.month
        ).count()
        assert this_month == running.count() >= 5, name
        due = Instalment.objects.filter(loan__in=running, due_on__lt=today)
        paid = due.filter(completed_on__isnull=False)
        assert paid.count() >= 0.8 * due.count() > 0, name
        assert paid.filter(completed_on__gt=F("due_on")).exists(), name
        _rows, total = portfolio_at_risk(running, on=today, by="programme")
        assert total.outstanding > 0 and total.par30 < 20, (name, total.par30)
    # PAR small but not zero: in Bukittinggi an embroiderer stopped paying after her first instalment.
    _rows, total = portfolio_at_risk(
        Loan.objects.filter(product__fund__programme__name=BUKITTINGGI), on=today, by="programme"
    )
    assert 0 < total.par30 < 20
    manager_programmes = Programme.objects.filter(name__in=[BUKITTINGGI, SUSUKAN])
    _rows, total = portfolio_at_risk(
        Loan.objects.filter(product__fund__programme__in=manager_programmes), on=today, by="programme"
    )
    assert total.outstanding > 0 and total.par30 > 0

    # Monitoring up to the last closed quarter, four quarters of it.
    last_closed = Quarter.of(today).previous()
    bukittinggi = Programme.objects.get(name=BUKITTINGGI)
    quarters = set(MonitoringReport.objects.filter(programme=bukittinggi).values_list("year", "quarter"))
    assert max(quarters) == tuple(last_closed) and len(quarters) == 4

    # The group table as the manager sees it on that day: mostly green, none red.
    programmes = Programme.objects.filter(name__in=[BUKITTINGGI, CITRA_SARI])
    scope = Scope(tuple(programmes.values_list("pk", flat=True)), min(p.start_date for p in programmes), today)
    lights = [figures.traffic_light(group, today=today) for group in figures.group_progress(scope)]
    assert "red" not in lights
    assert lights.count("green") > len(lights) / 2, lights
