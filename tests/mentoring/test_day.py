import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.day import DAY_LIST_LIMIT, facilitator_day, team_summary
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


def test_the_coordinator_sees_each_facilitator_of_her_team_counted(
    caseload, coordinator, facilitator, other_facilitator, beneficiary, other_beneficiary, foreign_beneficiary
):
    FollowUpFactory(beneficiary=caseload["today"], owner=facilitator, due_on=MONDAY - dt.timedelta(1))
    FollowUpFactory(beneficiary=caseload["today"], owner=facilitator, due_on=MONDAY)
    FollowUpFactory(beneficiary=caseload["today"], owner=facilitator, due_on=MONDAY + dt.timedelta(1))
    rows = {row.facilitator: row for row in team_summary(coordinator, today=MONDAY)}
    assert set(rows) == {facilitator, other_facilitator}
    mine = rows[facilitator]
    # the same sorting as her own day: Elvi and Asnidar today, Fitriani Thursday, three not visited
    assert (mine.due_today, mine.due_this_week, mine.not_visited) == (2, 1, 3)
    assert (mine.follow_ups, mine.overdue_follow_ups) == (2, 1)
    assert rows[other_facilitator].not_visited == 1  # Rosmaini; Sumiyati is another programme's


def test_the_team_summary_agrees_with_each_facilitators_day(caseload, coordinator, facilitator):
    GroupFactory(programme=caseload["today"].enrolments.get().programme, facilitators=[facilitator])
    row = next(r for r in team_summary(coordinator, today=MONDAY) if r.facilitator == facilitator)
    day = facilitator_day(facilitator, today=MONDAY, viewer=coordinator)
    assert row.due_today == len(day.due_today)
    assert row.due_this_week == len(day.due_this_week)
    assert row.not_visited == len(day.not_visited) == 2  # Yenni and Nurlela; the group is due nowhere


def test_the_coordinator_opens_a_facilitators_day(login, caseload, coordinator, facilitator):
    html = login(coordinator).get(reverse("mentoring:facilitator_day", args=[facilitator.pk])).content.decode()
    assert "Elvi" in html and "Nurlela" in html
    assert reverse("mentoring:visit_create", args=[caseload["never"].pk]) in html


def test_another_programmes_coordinator_gets_a_404_for_the_day(login, facilitator, other_programme):
    from pekka.accounts.models import Role
    from tests.accounts.factories import UserFactory

    stranger = UserFactory(username="koordinator2", role=Role.COORDINATOR)
    other_programme.assignments.create(user=stranger)
    response = login(stranger).get(reverse("mentoring:facilitator_day", args=[facilitator.pk]))
    assert response.status_code == 404


def test_a_facilitator_cannot_open_a_colleagues_day(login, facilitator, other_facilitator, programme):
    response = login(facilitator).get(reverse("mentoring:facilitator_day", args=[other_facilitator.pk]))
    assert response.status_code == 404
    own = login(facilitator).get(reverse("mentoring:facilitator_day", args=[facilitator.pk]))
    assert own.status_code == 302 and own.url == reverse("home")


def test_a_long_list_shows_its_first_rows_and_a_link_to_all(login, facilitator, programme):
    for i in range(DAY_LIST_LIMIT + 5):
        woman(programme, facilitator, f"Ibu {i:02d}")  # never visited: all on "not visited"
    client = login(facilitator)
    html = client.get(reverse("home")).content.decode()
    assert "Ibu 00" in html and f"Ibu {DAY_LIST_LIMIT - 1:02d}" in html
    assert f"Ibu {DAY_LIST_LIMIT:02d}" not in html
    assert 'data-testid="day-show-all"' in html
    everyone = client.get(reverse("home") + "?semua=1").content.decode()
    assert f"Ibu {DAY_LIST_LIMIT + 4:02d}" in everyone and 'data-testid="day-show-all"' not in everyone


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
    assert str(facilitator) in html and "1 belum dikunjungi" in html  # Nurlela, counted
    assert reverse("mentoring:facilitator_day", args=[facilitator.pk]) in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_coordinators_home_takes_a_fixed_number_of_queries(
    login, coordinator, facilitator, programme, rows, django_assert_num_queries
):
    GroupFactory(programme=programme, facilitators=[facilitator])
    for i in range(rows):
        woman(programme, facilitator, f"Ibu {i}", last_visit=timezone.localdate() - dt.timedelta(days=i))
    client = login(coordinator)
    # 1 session, 2 user, 3 team, 4 caseload counts, 5 groups, 6 follow-ups, 7 programmes with staff counts,
    # 8 their staff
    with django_assert_num_queries(8):
        client.get(reverse("home"))
