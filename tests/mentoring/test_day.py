import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.day import facilitator_day, team_days
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory
from tests.mentoring.factories import FollowUpFactory, VisitFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 11, 17)


def woman(programme, facilitator, name, *, last_visit=None, planned=None):
    """A woman of the caseload, visited on ``last_visit`` with the next visit planned for ``planned``."""
    beneficiary = BeneficiaryFactory(full_name=name, programme=programme, facilitator=facilitator)
    if last_visit:
        VisitFactory(beneficiary=beneficiary, author=facilitator, visited_on=last_visit, next_visit_on=planned)
    return beneficiary


@pytest.fixture
def caseload(programme, facilitator):
    """A week in the life of a caseload, seen on Monday 17 November 2025 (visit interval 30 days)."""
    return {
        "today": woman(programme, facilitator, "Asnidar", last_visit=MONDAY - dt.timedelta(days=7), planned=MONDAY),
        "missed": woman(
            programme,
            facilitator,
            "Elvi",
            last_visit=MONDAY - dt.timedelta(days=20),
            planned=MONDAY - dt.timedelta(days=3),
        ),
        "thursday": woman(
            programme,
            facilitator,
            "Fitriani",
            last_visit=MONDAY - dt.timedelta(days=10),
            planned=MONDAY + dt.timedelta(days=3),
        ),
        "next_week": woman(
            programme,
            facilitator,
            "Hasnah",
            last_visit=MONDAY - dt.timedelta(days=2),
            planned=MONDAY + dt.timedelta(days=8),
        ),
        "long_ago": woman(programme, facilitator, "Nurlela", last_visit=MONDAY - dt.timedelta(days=45)),
        "never": woman(programme, facilitator, "Yenni"),
        "recent": woman(programme, facilitator, "Zuraida", last_visit=MONDAY - dt.timedelta(days=5)),
    }


def names(subjects):
    return [getattr(s, "full_name", None) or s.name for s in subjects]


def test_the_day_sorts_her_caseload(caseload, facilitator, beneficiary, other_beneficiary):
    day = facilitator_day(facilitator, today=MONDAY)
    assert names(day.due_today) == ["Elvi", "Asnidar"]  # the missed one first
    assert names(day.due_this_week) == ["Fitriani"]
    # never visited first, then the longest wait; Siti Aminah (the cast's) was never visited either
    assert names(day.not_visited) == ["Siti Aminah", "Yenni", "Nurlela"]
    assert "Rosmaini" not in names(day.not_visited)  # another facilitator's woman


def test_the_interval_is_the_programmes(caseload, facilitator, programme):
    programme.visit_interval_days = 60
    programme.save()
    day = facilitator_day(facilitator, today=MONDAY)
    assert "Nurlela" not in names(day.not_visited)


def test_overdue_and_todays_follow_ups_are_listed_not_later_or_done_ones(facilitator, beneficiary, other_facilitator):
    FollowUpFactory(
        beneficiary=beneficiary, owner=facilitator, description="Terlambat", due_on=MONDAY - dt.timedelta(1)
    )
    FollowUpFactory(beneficiary=beneficiary, owner=facilitator, description="Hari ini", due_on=MONDAY)
    FollowUpFactory(beneficiary=beneficiary, owner=facilitator, description="Besok", due_on=MONDAY + dt.timedelta(1))
    FollowUpFactory(
        beneficiary=beneficiary,
        owner=facilitator,
        description="Selesai",
        due_on=MONDAY - dt.timedelta(5),
        done_on=MONDAY - dt.timedelta(1),
    )
    FollowUpFactory(beneficiary=beneficiary, owner=other_facilitator, description="Orang lain", due_on=MONDAY)
    day = facilitator_day(facilitator, today=MONDAY)
    assert [f.description for f in day.follow_ups] == ["Terlambat", "Hari ini"]
    assert day.overdue_follow_up_count == 1


def test_a_group_session_due_is_on_the_day(programme, facilitator):
    group = GroupFactory(programme=programme, facilitators=[facilitator], name="KUB Sulaman")
    VisitFactory(
        beneficiary=None,
        group=group,
        visit_type="group_session",
        author=facilitator,
        programme=programme,
        visited_on=MONDAY - dt.timedelta(days=14),
        next_visit_on=MONDAY,
    )
    assert names(facilitator_day(facilitator, today=MONDAY).due_today) == ["KUB Sulaman"]


def test_the_day_takes_a_fixed_number_of_queries(programme, facilitator, django_assert_num_queries):
    for i in range(20):
        woman(programme, facilitator, f"Ibu {i}", last_visit=MONDAY - dt.timedelta(days=i * 3), planned=MONDAY)
    # caseload with last and planned visits, their businesses, groups, follow-ups
    with django_assert_num_queries(4):
        facilitator_day(facilitator, today=MONDAY)


def test_the_coordinator_sees_each_facilitator_of_her_team(
    caseload, coordinator, facilitator, other_facilitator, other_beneficiary, foreign_beneficiary
):
    days = {day.facilitator: day for day in team_days(coordinator, today=MONDAY)}
    assert set(days) == {facilitator, other_facilitator}
    assert names(days[facilitator].due_today) == ["Elvi", "Asnidar"]
    assert names(days[other_facilitator].not_visited) == ["Rosmaini"]


def test_the_facilitators_home_page_is_her_day(login, facilitator, programme):
    today = timezone.localdate()
    woman(programme, facilitator, "Asnidar", last_visit=today - dt.timedelta(days=7), planned=today)
    nurlela = woman(programme, facilitator, "Nurlela")
    html = login(facilitator).get(reverse("home")).content.decode()
    assert "Asnidar" in html and "Nurlela" in html
    assert reverse("mentoring:visit_create", args=[nurlela.pk]) in html


def test_the_coordinators_home_page_lists_her_team(login, coordinator, facilitator, programme):
    woman(programme, facilitator, "Nurlela")
    response = login(coordinator).get(reverse("home"))
    assert response.templates[0].name == "dashboards/home_coordinator.html"
    html = response.content.decode()
    assert str(facilitator) in html and "Nurlela" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_coordinators_home_takes_a_fixed_number_of_queries(
    login, coordinator, facilitator, programme, rows, django_assert_num_queries
):
    GroupFactory(programme=programme, facilitators=[facilitator])
    for i in range(rows):
        woman(programme, facilitator, f"Ibu {i}", last_visit=timezone.localdate() - dt.timedelta(days=i))
    client = login(coordinator)
    # 1 session, 2 user, 3 team, 4 caseload, 5 businesses, 6 groups, 7 their facilitators, 8 follow-ups,
    # 9 programmes with staff counts, 10 their staff
    with django_assert_num_queries(10):
        client.get(reverse("home"))
