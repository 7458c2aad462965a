"""The facilitator's day: whom to visit today and this week, overdue follow-ups, and women not visited for
longer than their programme's visit interval. A coordinator sees the same for each facilitator of her team.

Each function runs a fixed number of queries whatever the caseload's size; the day's arithmetic is Python.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from beneficiaries.models import Beneficiary, Business, EnrolmentStatus
from groups.models import Group
from pekka.programmes.models import Programme

from .models import FollowUp, Visit

# Enrolments that still call for visits.
VISITED_STATUSES = (EnrolmentStatus.CANDIDATE, EnrolmentStatus.VERIFIED, EnrolmentStatus.ACTIVE)
DEFAULT_INTERVAL_DAYS = 30


@dataclass
class Day:
    """One facilitator's lists for ``today``."""

    facilitator: object
    today: dt.date
    due_today: list = field(default_factory=list)  # women and groups whose planned visit is today or overdue
    due_this_week: list = field(default_factory=list)  # planned for the rest of the week (to Sunday)
    follow_ups: list = field(default_factory=list)  # open tasks due today or before
    not_visited: list = field(default_factory=list)  # women not visited for longer than the interval

    @property
    def is_empty(self) -> bool:
        return not (self.due_today or self.due_this_week or self.follow_ups or self.not_visited)

    @property
    def overdue_follow_up_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.due_on < self.today)


def _latest_visit(field_name: str, **match):
    return Subquery(
        Visit.objects.filter(**match).order_by("-visited_on", "-pk").values(field_name)[:1],
    )


def caseload_with_visits(beneficiaries):
    """Annotates each woman with her last visit's date, the next visit it planned, and the shortest visit
    interval of the programmes she is still in; her businesses come along for the list's one-line summary."""
    return (
        beneficiaries.filter(enrolments__status__in=VISITED_STATUSES)
        .distinct()
        .annotate(
            last_visit_on=_latest_visit("visited_on", beneficiary=OuterRef("pk")),
            planned_visit_on=_latest_visit("next_visit_on", beneficiary=OuterRef("pk")),
            interval_days=Subquery(
                Programme.objects.filter(
                    enrolments__beneficiary=OuterRef("pk"), enrolments__status__in=VISITED_STATUSES
                )
                .order_by()
                .values("enrolments__beneficiary")
                .annotate(days=Min("visit_interval_days"))
                .values("days")[:1]
            ),
        )
        .select_related("household__village")
        .prefetch_related(Prefetch("businesses", queryset=Business.objects.select_related("business_type")))
        .order_by("full_name", "pk")
    )


def groups_with_visits(groups):
    """Annotates each group with its last session and the next one that session planned."""
    return groups.annotate(
        last_visit_on=_latest_visit("visited_on", group=OuterRef("pk")),
        planned_visit_on=_latest_visit("next_visit_on", group=OuterRef("pk")),
    ).order_by("name")


def _fill(day: Day, women, groups, follow_ups) -> Day:
    """Sorts a facilitator's women, groups and tasks into the day's lists."""
    today = day.today
    week_end = today + dt.timedelta(days=6 - today.weekday())
    for subject in [*women, *groups]:
        planned = subject.planned_visit_on
        if planned and planned <= today:
            day.due_today.append(subject)
        elif planned and planned <= week_end:
            day.due_this_week.append(subject)
    for woman in women:
        interval = woman.interval_days or DEFAULT_INTERVAL_DAYS
        woman.days_since_visit = (today - woman.last_visit_on).days if woman.last_visit_on else None
        planned_soon = woman.planned_visit_on and woman.planned_visit_on <= week_end
        if not planned_soon and (woman.days_since_visit is None or woman.days_since_visit >= interval):
            day.not_visited.append(woman)
    day.due_today.sort(key=lambda s: (s.planned_visit_on, str(s)))
    day.due_this_week.sort(key=lambda s: (s.planned_visit_on, str(s)))
    # Never visited first, then the longest wait.
    day.not_visited.sort(key=lambda w: (w.days_since_visit is not None, -(w.days_since_visit or 0), w.full_name))
    day.follow_ups = list(follow_ups)
    return day


def _open_follow_ups(owners, today):
    return (
        FollowUp.objects.open()
        .filter(owner__in=owners, due_on__lte=today)
        .select_related("beneficiary", "group", "owner")
        .order_by("due_on", "pk")
    )


def facilitator_day(user, *, today: dt.date | None = None) -> Day:
    """A facilitator's day: her caseload and her groups (three queries and one for the women's businesses)."""
    today = today or timezone.localdate()
    women = list(caseload_with_visits(Beneficiary.objects.filter(facilitator=user)))
    groups = list(groups_with_visits(Group.objects.visible_to(user).filter(status__in=["forming", "active"])))
    return _fill(Day(user, today), women, groups, _open_follow_ups([user], today))


def team_days(user, *, today: dt.date | None = None) -> list[Day]:
    """A coordinator's team: one day per facilitator of her programmes, for the women and groups she may see."""
    today = today or timezone.localdate()
    team = list(
        get_user_model()
        .objects.facilitators()
        .filter(programme_assignments__programme__in=Programme.objects.visible_to(user))
        .distinct()
        .order_by("first_name", "username")
    )
    women = list(caseload_with_visits(Beneficiary.objects.visible_to(user).filter(facilitator__in=team)))
    groups = list(
        groups_with_visits(
            Group.objects.visible_to(user)
            .filter(status__in=["forming", "active"])
            .filter(Q(facilitators__in=team))
            .distinct()
        ).prefetch_related("facilitators")
    )
    follow_ups = list(_open_follow_ups(team, today).filter(Q(beneficiary__isnull=True) | Q(beneficiary__in=women)))
    days = []
    for facilitator in team:
        days.append(
            _fill(
                Day(facilitator, today),
                [w for w in women if w.facilitator_id == facilitator.pk],
                [g for g in groups if facilitator in g.facilitators.all()],
                [f for f in follow_ups if f.owner_id == facilitator.pk],
            )
        )
    return days
