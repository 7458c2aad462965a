"""The facilitator's day: whom to visit today and this week, overdue follow-ups, and women not visited for
longer than their programme's visit interval. A coordinator sees the same for each facilitator of her team.

Each function runs a fixed number of queries whatever the caseload's size; the day's arithmetic is Python.
The coordinator's team summary only counts (light rows, no model instances); each facilitator's full day is its
own page, so a team of fifteen with 5,000 women costs one cheap query per list rather than 5,000 rendered rows.
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
# How many rows of each list the day shows before "show all": a phone screen's worth, and a page that stays
# light on a weak signal even with a caseload of several hundred women.
DAY_LIST_LIMIT = 20


@dataclass
class Day:
    """One facilitator's lists for ``today``."""

    facilitator: object
    today: dt.date
    due_today: list = field(default_factory=list)  # women and groups whose planned visit is today or overdue
    due_this_week: list = field(default_factory=list)  # planned for the rest of the week (to Sunday)
    follow_ups: list = field(default_factory=list)  # open tasks due today or before
    not_visited: list = field(default_factory=list)  # women not visited for longer than the interval
    limit: int | None = DAY_LIST_LIMIT  # rows shown per list; None: all of them

    def _shown(self, rows: list) -> list:
        return rows if self.limit is None else rows[: self.limit]

    @property
    def due_today_shown(self) -> list:
        return self._shown(self.due_today)

    @property
    def due_this_week_shown(self) -> list:
        return self._shown(self.due_this_week)

    @property
    def follow_ups_shown(self) -> list:
        return self._shown(self.follow_ups)

    @property
    def not_visited_shown(self) -> list:
        return self._shown(self.not_visited)

    @property
    def is_truncated(self) -> bool:
        return self.limit is not None and any(
            len(rows) > self.limit for rows in (self.due_today, self.due_this_week, self.follow_ups, self.not_visited)
        )

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


def _week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def _when_due(planned: dt.date | None, today: dt.date, week_end: dt.date) -> str | None:
    """ "today" when the planned visit is today or overdue, "week" when later this week, else None."""
    if planned and planned <= today:
        return "today"
    if planned and planned <= week_end:
        return "week"
    return None


def _is_not_visited(
    last_visit_on: dt.date | None, planned: dt.date | None, interval: int | None, today: dt.date, week_end: dt.date
) -> bool:
    """Not visited for longer than her interval (or never), and no visit planned before the week ends."""
    if planned and planned <= week_end:
        return False
    return last_visit_on is None or (today - last_visit_on).days >= (interval or DEFAULT_INTERVAL_DAYS)


def _fill(day: Day, women, groups, follow_ups) -> Day:
    """Sorts a facilitator's women, groups and tasks into the day's lists."""
    today = day.today
    week_end = _week_end(today)
    for subject in [*women, *groups]:
        when = _when_due(subject.planned_visit_on, today, week_end)
        if when == "today":
            day.due_today.append(subject)
        elif when == "week":
            day.due_this_week.append(subject)
    for woman in women:
        woman.days_since_visit = (today - woman.last_visit_on).days if woman.last_visit_on else None
        if _is_not_visited(woman.last_visit_on, woman.planned_visit_on, woman.interval_days, today, week_end):
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


def facilitator_day(user, *, today: dt.date | None = None, viewer=None, limit: int | None = DAY_LIST_LIMIT) -> Day:
    """A facilitator's day: her caseload and her groups (three queries and one for the women's businesses).
    ``viewer``, when someone else looks at it (her coordinator), narrows it to what the viewer may see."""
    today = today or timezone.localdate()
    viewer = viewer or user
    women = list(caseload_with_visits(Beneficiary.objects.visible_to(viewer).filter(facilitator=user)))
    groups = list(
        groups_with_visits(Group.objects.visible_to(viewer).filter(status__in=["forming", "active"], facilitators=user))
    )
    follow_ups = _open_follow_ups([user], today)
    if viewer != user:
        follow_ups = follow_ups.filter(
            Q(beneficiary__isnull=True) | Q(beneficiary__in=Beneficiary.objects.visible_to(viewer))
        )
    return _fill(Day(user, today, limit=limit), women, groups, follow_ups)


def team_of(user):
    """The facilitators of the programmes ``user`` may see."""
    return (
        get_user_model()
        .objects.facilitators()
        .filter(programme_assignments__programme__in=Programme.objects.visible_to(user))
        .distinct()
        .order_by("first_name", "username")
    )


@dataclass
class TeamRow:
    """What a coordinator's summary shows of one facilitator's day: counts only."""

    facilitator: object
    due_today: int = 0
    due_this_week: int = 0
    follow_ups: int = 0
    overdue_follow_ups: int = 0
    not_visited: int = 0


def team_summary(user, *, today: dt.date | None = None) -> list[TeamRow]:
    """A coordinator's team: for each facilitator of her programmes, how many women and groups are due today
    and this week, follow-ups due and women not visited, counted over the women and groups she may see. Four
    queries of light rows (no model instances), whatever the team's size."""
    today = today or timezone.localdate()
    week_end = _week_end(today)
    rows = {f.pk: TeamRow(f) for f in team_of(user)}
    women = (
        caseload_with_visits(Beneficiary.objects.visible_to(user).filter(facilitator__in=list(rows)))
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        # with her pk: caseload_with_visits is DISTINCT, and two women may share the other four values
        .values_list("pk", "facilitator_id", "last_visit_on", "planned_visit_on", "interval_days")
    )
    for _pk, facilitator_id, last_visit_on, planned, interval in women:
        row = rows[facilitator_id]
        when = _when_due(planned, today, week_end)
        row.due_today += when == "today"
        row.due_this_week += when == "week"
        row.not_visited += _is_not_visited(last_visit_on, planned, interval, today, week_end)
    groups = (
        groups_with_visits(
            Group.objects.visible_to(user).filter(status__in=["forming", "active"], facilitators__in=list(rows))
        )
        .order_by()
        .values_list("pk", "facilitators", "planned_visit_on")
    )
    for _pk, facilitator_id, planned in groups:
        if facilitator_id in rows:
            when = _when_due(planned, today, week_end)
            rows[facilitator_id].due_today += when == "today"
            rows[facilitator_id].due_this_week += when == "week"
    follow_ups = (
        FollowUp.objects.open()
        .filter(owner__in=list(rows), due_on__lte=today)
        .filter(Q(beneficiary__isnull=True) | Q(beneficiary__in=Beneficiary.objects.visible_to(user)))
        .values_list("pk", "owner_id", "due_on")
    )
    for _pk, owner_id, due_on in follow_ups:
        rows[owner_id].follow_ups += 1
        rows[owner_id].overdue_follow_ups += due_on < today
    return list(rows.values())
