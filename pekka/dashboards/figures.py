"""The figures the dashboards and the programme report show, each one or a few grouped queries whatever the
size of the data (no loops over rows in Python except where a docstring says so)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.urls import reverse
from django.utils.translation import get_language

from beneficiaries.models import Business, BusinessStatus, Permit, PermitKind
from groups.models import Meeting, Membership
from loans.models import Instalment, RepaymentAllocation
from mentoring.models import MonitoringReport, Visit
from pekka.money import ZERO, percent

from . import indicators
from .indicators import BY_CODE
from .models import Target
from .scope import Scope, scope_query

MONEY = DecimalField(max_digits=17, decimal_places=0)


# Computed dashboard and report figures are reused for a few minutes when a cache named "figures" is configured
# (settings.CACHES; docs/deploy.md: a database cache, shared by every app server). At national size the live
# figures take seconds (portfolio at risk over 50,000 loans at six month-ends, counts over a million visits); a
# dashboard a few minutes old is fine, and every drill-down list stays live. Without that cache (development,
# tests) everything is computed on each request.
FIGURES_CACHE = "figures"


def cached(name: str, scope: Scope, compute, *args):
    """``compute(scope, *args)``, reused by everyone asking for the same scope while the figures cache keeps it."""
    if FIGURES_CACHE not in settings.CACHES:
        return compute(scope, *args)
    key = ":".join(
        str(part)
        for part in (
            name,
            ",".join(map(str, sorted(scope.programme_ids))),
            scope.start,
            scope.end,
            getattr(scope.area, "pk", ""),
            getattr(scope.business_type, "pk", ""),
            getattr(scope.facilitator, "pk", ""),
            get_language(),
            *args,
        )
    )
    return caches[FIGURES_CACHE].get_or_set(key, lambda: compute(scope, *args))


def drill_url(code: str, scope: Scope, **overrides) -> str:
    return f"{reverse('dashboards:indicator', args=[code])}?{scope_query(scope, **overrides)}"


@dataclass
class Achievement:
    target: Target
    indicator: indicators.Indicator
    start: dt.date
    end: dt.date
    value: object
    url: str

    @property
    def percent(self) -> Decimal | None:
        if self.indicator.unit == "percent" or self.value is None:
            return None
        return percent(self.value, self.target.value)

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.indicator.higher_is_better:
            return Decimal(self.value) >= self.target.value
        return Decimal(self.value) <= self.target.value


def achievements(scope: Scope) -> list[Achievement]:
    """Targets vs achieved. Each target is measured over its own period (default: its programme's lifetime) cut
    to the chosen period, and over its own area when it has one. One query per target."""
    rows = []
    targets = Target.objects.filter(programme_id__in=scope.programme_ids).select_related("programme", "area")
    for target in targets.order_by("programme__name", "pk"):
        indicator = BY_CODE.get(target.indicator)
        if indicator is None:
            continue
        programme = target.programme
        start = max(d for d in (target.period_start or programme.start_date, programme.start_date, scope.start))
        end_limits = [scope.end, target.period_end, programme.end_date]
        end = min(d for d in end_limits if d is not None)
        sub = Scope(
            programme_ids=(programme.pk,),
            start=start,
            end=max(end, start),
            area=target.area or scope.area,
            business_type=scope.business_type,
            facilitator=scope.facilitator,
        )
        value = indicator.value(sub) if end >= start else 0
        rows.append(Achievement(target, indicator, start, end, value, drill_url(indicator.code, sub)))
    return rows


def headline(scope: Scope) -> list[dict]:
    """The dashboard's cards: value, label and the drill-down link of each."""
    cards = []
    for code in (
        "women_enrolled",
        "visits",
        "trained_any",
        "businesses_running",
        "loans_outstanding",
        "par30",
    ):
        indicator = BY_CODE[code]
        cards.append(
            {
                "code": code,
                "label": indicator.label,
                "unit": indicator.unit,
                "value": indicator.value(scope),
                "url": drill_url(code, scope),
            }
        )
    return cards


def month_starts(end: dt.date, months: int) -> list[dt.date]:
    first = end.replace(day=1)
    out = []
    for _ in range(months):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def visits_per_month(scope: Scope, months: int = 12) -> list[dict]:
    """Visits per month for the months up to the period's end. One grouped query."""
    firsts = month_starts(scope.end, months)
    wide = scope.with_period(firsts[0], scope.end)
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in indicators.BY_CODE["visits"]
        .records(wide)
        .annotate(month=TruncMonth("visited_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        {
            "label": first.strftime("%m/%Y"),
            "value": counts.get(first, 0),
            "url": drill_url("visits", scope.with_period(first, min(month_end(first), scope.end))),
        }
        for first in firsts
    ]


def turnover_trend(scope: Scope, quarters: int = 6) -> list[dict]:
    """Average monthly turnover of the monitored businesses per quarter (one grouped query)."""
    ly, lq = scope.end.year, (scope.end.month - 1) // 3 + 1
    keys = []
    y, q = ly, lq
    for _ in range(quarters):
        keys.append((y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    keys.reverse()
    fy, fq = keys[0]
    rows = (
        MonitoringReport.objects.filter(beneficiary__in=indicators.women(scope), programme_id__in=scope.programme_ids)
        .filter(Q(year__gt=fy) | Q(year=fy, quarter__gte=fq))
        .filter(Q(year__lt=ly) | Q(year=ly, quarter__lte=lq))
        .values("year", "quarter")
        .annotate(avg=Avg("turnover"), n=Count("pk"))
        .order_by()
    )
    found = {(r["year"], r["quarter"]): r for r in rows}
    return [
        {
            "label": f"Q{q}/{y}",
            "value": round(found[(y, q)]["avg"]) if (y, q) in found else None,
            "count": found[(y, q)]["n"] if (y, q) in found else 0,
        }
        for y, q in keys
    ]


def status_mix(scope: Scope) -> list[dict]:
    """Businesses by status on the period's end (three counts, each the drill-down's list)."""
    out = []
    for status in BusinessStatus:
        code = f"businesses_{status.value}"
        out.append(
            {
                "status": status.value,
                "label": status.label,
                "value": BY_CODE[code].value(scope),
                "url": drill_url(code, scope),
            }
        )
    return out


def par_trend(scope: Scope, months: int = 6) -> list[dict]:
    """PAR30 at the end of each of the last months: each the value of the PAR30 indicator for the period ending
    that day (``women`` counts a woman from her enrolment), computed together in three queries
    (``loans.arrears.par_series``) rather than a portfolio pass per month."""
    from loans.arrears import par_series

    firsts = month_starts(scope.end, months)
    ends = [min(month_end(first), scope.end) for first in firsts]
    first_enrolled = (
        indicators.enrolments(scope)
        .filter(beneficiary=OuterRef("beneficiary"))
        .order_by("enrolled_on")
        .values("enrolled_on")[:1]
    )
    loans = indicators.loans(scope).annotate(counted_from=Subquery(first_enrolled))
    totals = par_series(loans, ends, counted_from="counted_from")
    out = []
    for first, end in zip(firsts, ends, strict=True):
        total = totals[end]
        out.append(
            {
                "label": first.strftime("%m/%Y"),
                "value": total.par30 if total.outstanding else None,
                "url": drill_url("par30", scope.with_period(scope.start, end)),
            }
        )
    return out


def permits_table(scope: Scope) -> list[dict]:
    """Businesses with each kind of permit by the period's end (one grouped query)."""
    counts = dict(
        Permit.objects.filter(business__in=indicators._businesses(scope))
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=scope.end))
        .values("kind")
        .annotate(n=Count("business", distinct=True))
        .values_list("kind", "n")
    )
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "value": counts.get(kind.value, 0),
            "url": drill_url(f"businesses_{kind.value}", scope) if f"businesses_{kind.value}" in BY_CODE else "",
        }
        for kind in PermitKind
    ]


# --- the group progress table ------------------------------------------------------------------------------------

GROUP_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "members": ("member_count", "name"),
    "-members": ("-member_count", "name"),
    "running": ("running_count", "name"),
    "-running": ("-running_count", "name"),
    "visits": ("visits_90", "name"),
    "-visits": ("-visits_90", "name"),
    "meeting": (F("last_meeting").desc(nulls_last=True), "name"),  # fewest days since the last meeting first
    "-meeting": (F("last_meeting").asc(nulls_first=True), "name"),
    "repayment": (F("repayment_rate").asc(nulls_last=True), "name"),
    "-repayment": (F("repayment_rate").desc(nulls_last=True), "name"),
    "turnover": (F("turnover_change").asc(nulls_last=True), "name"),
    "-turnover": (F("turnover_change").desc(nulls_last=True), "name"),
}


def _previous_quarter(y: int, q: int) -> tuple[int, int]:
    return (y, q - 1) if q > 1 else (y - 1, 4)


def group_progress(scope: Scope, sort: str = "name"):
    """Groups of the scope annotated with what the manager's table shows. Every figure is a correlated subquery,
    so a page of 25 groups costs one query however many members, visits or loans they have.

    Turnover change compares the members' total monthly turnover in the latest quarter with reports (by the
    period's end) with the quarter before; the repayment rate is what was collected by the period's end on the
    group's instalments due in the period; visits are the group's sessions plus home visits to its current members
    in the 90 days to the end."""
    end = scope.end
    current_members = Membership.objects.filter(group=OuterRef("pk"), joined_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=end)
    )
    # Used one level deeper (inside the Business, Visit and MonitoringReport subqueries), so the group is two out.
    member_ids = (
        Membership.objects.filter(group=OuterRef(OuterRef("pk")), joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .values("beneficiary_id")
    )

    # COUNT/SUM as plain functions (not Django aggregates) keep the subquery free of GROUP BY: one row each.
    def count_of(qs):
        counted = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    def sum_of(qs, expression):
        expression = F(expression) if isinstance(expression, str) else expression
        return Subquery(
            qs.order_by().annotate(total=Func(expression, function="SUM")).values("total"), output_field=MONEY
        )

    status_then = (
        indicators.BusinessStatusChange.objects.filter(business=OuterRef("pk"), changed_on__lte=end)
        .order_by("-changed_on", "-pk")
        .values("status")[:1]
    )
    running = (
        Business.objects.filter(beneficiary_id__in=member_ids)
        .annotate(status_then=Subquery(status_then))
        .filter(Q(status_then="running") | Q(status_then__isnull=True, status="running"))
    )
    since = end - dt.timedelta(days=90)
    # Two counts added up, not one OR: "group = x OR beneficiary in (...)" cannot use an index and read every
    # visit once per group (a second per row with a million visits); a visit is either a group session or a visit
    # to one woman (a database constraint), so the sum counts each once.
    in_window = Visit.objects.filter(visited_on__gt=since, visited_on__lte=end)
    group_sessions = in_window.filter(group=OuterRef("pk"))
    member_visits = in_window.filter(beneficiary_id__in=member_ids)
    # The latest quarter the programmes have reports for (by the period's end), against the quarter before it:
    # monitoring is entered after a quarter closes, so the current quarter is usually still empty.
    ly, lq = end.year, (end.month - 1) // 3 + 1
    latest = (
        MonitoringReport.objects.filter(programme_id__in=scope.programme_ids)
        .filter(Q(year__lt=ly) | Q(year=ly, quarter__lte=lq))
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    if latest:
        ly, lq = latest
    py, pq = _previous_quarter(ly, lq)
    turnover_now = sum_of(
        MonitoringReport.objects.filter(beneficiary_id__in=member_ids, year=ly, quarter=lq), "turnover"
    )
    turnover_before = sum_of(
        MonitoringReport.objects.filter(beneficiary_id__in=member_ids, year=py, quarter=pq), "turnover"
    )
    due = Instalment.objects.filter(loan__group=OuterRef("pk"), due_on__gte=scope.start, due_on__lte=end)
    asked = sum_of(due, F("principal_due") + F("interest_due") + F("fee_due") + F("penalty_due"))
    collected = sum_of(
        RepaymentAllocation.objects.filter(
            instalment__loan__group=OuterRef("pk"),
            instalment__due_on__gte=scope.start,
            instalment__due_on__lte=end,
            repayment__paid_on__lte=end,
        ),
        F("principal") + F("interest") + F("fee") + F("penalty"),
    )
    last_meeting = (
        Meeting.objects.filter(group=OuterRef("pk"), held_on__lte=end).order_by("-held_on").values("held_on")[:1]
    )
    percent_of = DecimalField(max_digits=9, decimal_places=1)
    qs = (
        indicators.groups(scope)
        .select_related("programme", "business_type", "village")
        .annotate(
            member_count=count_of(current_members),
            running_count=count_of(running),
            visits_90=count_of(group_sessions) + count_of(member_visits),
            last_meeting=Subquery(last_meeting),
            turnover_now=turnover_now,
            turnover_before=turnover_before,
            asked=asked,
            collected=Coalesce(collected, Value(ZERO), output_field=MONEY),
        )
        .annotate(
            turnover_change=ExpressionWrapper(
                (F("turnover_now") - F("turnover_before")) * 100 / NullIf(F("turnover_before"), Value(ZERO)),
                output_field=percent_of,
            ),
            repayment_rate=ExpressionWrapper(
                F("collected") * 100 / NullIf(F("asked"), Value(ZERO)), output_field=percent_of
            ),
        )
    )
    return qs.order_by(*GROUP_SORTS.get(sort, GROUP_SORTS["name"]))


def traffic_light(group, *, today: dt.date) -> str:
    """red / amber / green for a row of ``group_progress``: red when the group has not met for 60 days, fewer
    than half its members' businesses run, or it repaid less than 80% of what was due; amber at 30 days, 95%, or
    a fall in turnover."""
    days = (today - group.last_meeting).days if group.last_meeting else None
    running_share = group.running_count / group.member_count if group.member_count else 0
    rate = group.repayment_rate
    if days is None or days > 60 or running_share < 0.5 or (rate is not None and rate < 80):
        return "red"
    if (
        days > 30
        or (rate is not None and rate < 95)
        or (group.turnover_change is not None and group.turnover_change < 0)
    ):
        return "amber"
    return "green"
