"""What the mentoring app shows on other apps' pages. Each function renders one self-contained section (its own
queries, a fixed number of them) so the beneficiary page stays one template without knowing about mentoring."""

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import Meeting, Membership
from pekka.permissions import can_record_monitoring, can_record_visit

from .models import FollowUp, MonitoringReport, Training, Visit
from .periods import Quarter

TIMELINE_LENGTH = 8


def _quarter_totals(reports) -> list[dict]:
    """Turnover, assets and workers summed per quarter (a woman may report on two businesses), oldest first."""
    totals: dict[tuple[int, int], dict] = {}
    for report in reports:
        row = totals.setdefault(
            (report.year, report.quarter),
            {"label": report.period_label, "turnover": 0, "assets": 0, "workers": 0, "flagged": False},
        )
        row["turnover"] += int(report.turnover)
        row["assets"] += int(report.assets)
        row["workers"] += report.workers
        row["flagged"] = row["flagged"] or report.flagged
    return [totals[key] for key in sorted(totals)]


def beneficiary_sections(request, beneficiary) -> list[str]:
    """Her visits (home visits and the group sessions she attended), trainings, monitoring and open follow-ups:
    five queries whatever their number."""
    # Her sessions' meetings are read first: an OR through the attendance join makes PostgreSQL scan every visit
    # (1.1 s at a million visits), while two indexed conditions on the visit row take milliseconds.
    her_meetings = list(
        Meeting.attendees.through.objects.filter(beneficiary=beneficiary).values_list("meeting_id", flat=True)
    )
    visits = Visit.objects.filter(Q(beneficiary=beneficiary) | Q(meeting_id__in=her_meetings))
    timeline = list(visits.select_related("author", "group").order_by("-visited_on", "-pk")[:TIMELINE_LENGTH])
    visit_count = visits.count()
    trainings = list(
        Training.objects.filter(attendance__beneficiary=beneficiary).select_related("programme").order_by("-starts_on")
    )
    reports = list(
        MonitoringReport.objects.filter(beneficiary=beneficiary)
        .select_related("business")
        .order_by("year", "quarter", "pk")
    )
    follow_ups = list(
        FollowUp.objects.open().filter(beneficiary=beneficiary).select_related("owner").order_by("due_on", "pk")
    )
    quarters = _quarter_totals(reports)
    chart = {
        "labels": [q["label"] for q in quarters],
        "turnover": [q["turnover"] for q in quarters],
        "assets": [q["assets"] for q in quarters],
        "names": {"turnover": _("Monthly turnover"), "assets": _("Assets")},
    }
    context = {
        "b": beneficiary,
        "timeline": timeline,
        "visit_count": visit_count,
        "trainings": trainings,
        "reports": reports,
        "quarters": quarters,
        "chart": chart,
        "chart_id": f"monitoring-series-{beneficiary.pk}",
        "follow_ups": follow_ups,
        "may_visit": can_record_visit(request.user, beneficiary),
        "may_monitor": can_record_monitoring(request.user),
    }
    return [
        render_to_string(f"mentoring/_beneficiary_{name}.html", context, request=request)
        for name in ("visits", "followups", "trainings", "monitoring")
    ]


def group_sections(request, group) -> list[str]:
    """The group's sessions, its members' trainings and its quarterly figures: three queries."""
    members = Membership.objects.current().filter(group=group).values("beneficiary_id")
    sessions = list(
        Visit.objects.filter(group=group)
        .select_related("author", "meeting")
        .annotate(present=Count("meeting__attendees"))
        .order_by("-visited_on", "-pk")[:5]
    )
    trainings = list(
        Training.objects.filter(attendance__beneficiary__in=members)
        .annotate(members_present=Count("attendance", filter=Q(attendance__beneficiary__in=members)))
        .order_by("-starts_on")[:8]
    )
    quarters = list(
        MonitoringReport.objects.filter(beneficiary__in=members)
        .values("year", "quarter")
        .annotate(
            turnover=Sum("turnover"),
            assets=Sum("assets"),
            workers=Sum("workers"),
            reports=Count("pk"),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
        .order_by("-year", "-quarter")[:4]
    )
    for row in quarters:
        row["label"] = str(Quarter(row["year"], row["quarter"]))
    context = {
        "group": group,
        "sessions": sessions,
        "trainings": trainings,
        "quarters": quarters,
        "may_visit": can_record_visit(request.user, group),
        "may_monitor": can_record_monitoring(request.user),
    }
    return [render_to_string("mentoring/_group_sections.html", context, request=request)]


def member_figures(*, group, beneficiary_ids) -> dict[int, dict]:
    """Per member of a group: her latest monthly turnover and its change on the quarter before, how many
    trainings she attended and how many visits she had (home visits and sessions). Three queries."""
    figures: dict[int, dict] = {pk: {"trainings": 0, "visits": 0} for pk in beneficiary_ids}
    by_woman: dict[int, dict[tuple[int, int], int]] = {}
    for beneficiary_id, year, quarter, turnover in MonitoringReport.objects.filter(
        beneficiary_id__in=beneficiary_ids
    ).values_list("beneficiary_id", "year", "quarter", "turnover"):
        quarters = by_woman.setdefault(beneficiary_id, {})
        quarters[(year, quarter)] = quarters.get((year, quarter), 0) + int(turnover)
    for beneficiary_id, quarters in by_woman.items():
        latest = max(quarters)
        previous = quarters.get(tuple(Quarter(*latest).previous()))
        figures[beneficiary_id].update(
            {
                "turnover": quarters[latest],
                "turnover_change": round((quarters[latest] - previous) * 100 / previous) if previous else None,
                "turnover_url": reverse("beneficiaries:detail", args=[beneficiary_id]) + "#monitoring",
            }
        )
    for beneficiary_id, count in (
        Training.attendees.through.objects.filter(beneficiary_id__in=beneficiary_ids)
        .values("beneficiary_id")
        .annotate(n=Count("pk"))
        .values_list("beneficiary_id", "n")
    ):
        figures[beneficiary_id]["trainings"] = count
        figures[beneficiary_id]["trainings_url"] = reverse("beneficiaries:detail", args=[beneficiary_id]) + "#trainings"
    # Her own visits and the sessions she attended, as two queries: one OR through the attendance join would scan
    # every visit. A visit is either to one woman or to a group, so the two sets never overlap.
    counts: dict[int, set] = {}
    own = Visit.objects.filter(beneficiary_id__in=beneficiary_ids).values_list("beneficiary_id", "pk")
    attended = Meeting.attendees.through.objects.filter(
        beneficiary_id__in=beneficiary_ids, meeting__visit__isnull=False
    ).values_list("beneficiary_id", "meeting__visit")
    for beneficiary_id, visit_id in [*own, *attended]:
        counts.setdefault(beneficiary_id, set()).add(visit_id)
    for beneficiary_id, ids in counts.items():
        figures[beneficiary_id]["visits"] = len(ids)
        figures[beneficiary_id]["visits_url"] = reverse("beneficiaries:detail", args=[beneficiary_id]) + "#visits"
    return figures
