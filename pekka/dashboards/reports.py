"""Manager dashboard, indicator drill-down, team workload and the programme report."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Func, IntegerField, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary, Enrolment
from pekka.permissions import can_edit_programme, can_see_reports, require
from pekka.programmes.models import Programme

from . import figures
from .exports import report_workbook
from .forms import NarrativeForm, TargetFormSet
from .indicators import BY_CODE, INDICATORS
from .models import ProgrammeReport, Target
from .scope import Scope, ScopeForm, scope_query

RECORD_TEMPLATES = {
    "women": "dashboards/_records_women.html",
    "visits": "dashboards/_records_visits.html",
    "businesses": "dashboards/_records_businesses.html",
    "groups": "dashboards/_records_groups.html",
    "loans": "dashboards/_records_loans.html",
    "monitoring": "dashboards/_records_monitoring.html",
}
RECORD_RELATED = {
    "women": (["household__village", "facilitator"], []),
    "visits": (["beneficiary", "group", "author"], []),
    "businesses": (["beneficiary", "business_type"], []),
    "groups": (["programme", "business_type", "village"], []),
    "loans": (["beneficiary", "group", "product"], []),
    "monitoring": (["beneficiary", "business"], []),
}


def _scope_form(request, **kwargs) -> ScopeForm:
    return ScopeForm(request.GET or None, user=request.user, **kwargs)


def dashboard(request):
    """The manager's dashboard: headline figures, charts, targets and the group progress table."""
    require(can_see_reports(request.user))
    form = _scope_form(request, default_period="lifetime")
    scope = form.scope()
    today = timezone.localdate()
    sort = request.GET.get("sort", "-meeting")
    groups_page = Paginator(figures.group_progress(scope, sort), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for group in groups_page:
        group.light = figures.traffic_light(group, today=min(today, scope.end))
        group.days_since_meeting = (scope.end - group.last_meeting).days if group.last_meeting else None
    query = scope_query(scope)
    return render(
        request,
        "dashboards/manager_dashboard.html",
        {
            "form": form,
            "scope": scope,
            "query": query,
            "cards": figures.cached("headline", scope, figures.headline),
            "visits_chart": figures.cached("visits_per_month", scope, figures.visits_per_month),
            "turnover_chart": figures.cached("turnover_trend", scope, figures.turnover_trend),
            "status_chart": figures.cached("status_mix", scope, figures.status_mix),
            "par_chart": figures.cached("par_trend", scope, figures.par_trend),
            "achievements": figures.achievements(scope),
            "groups_page": groups_page,
            "sort": sort,
            "programmes": form.fields["programme"].queryset,
        },
    )


def indicator_records(request, code):
    """The rows behind one number: the list a dashboard figure links to. Its length is the figure."""
    require(can_see_reports(request.user) or request.user.is_facilitator)
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    form = _scope_form(request)
    scope = form.scope()
    select, prefetch = RECORD_RELATED[indicator.kind]
    records = indicator.records(scope).select_related(*select).prefetch_related(*prefetch)
    if not records.query.order_by:
        records = records.order_by("pk")
    page = Paginator(records, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/indicator_records.html",
        {
            "indicator": indicator,
            "value": indicator.value(scope) if indicator.unit != "count" else page.paginator.count,
            "page": page,
            "scope": scope,
            "form": form,
            "records_template": RECORD_TEMPLATES[indicator.kind],
            "back_query": scope_query(scope),
        },
    )


def team(request):
    """A coordinator's view of her team's workload: caseloads, visits per month, overdue follow-ups, silence."""
    require(can_see_reports(request.user))
    from mentoring.models import FollowUp, Visit

    form = _scope_form(request, default_period="quarter")
    scope = form.scope()
    today = timezone.localdate()
    months = figures.month_starts(min(scope.end, today), 3)
    # Her caseload within these programmes, counted in a subquery so the staff join cannot multiply it.
    caseload = (
        Beneficiary.objects.filter(
            facilitator=OuterRef("pk"),
            pk__in=Enrolment.objects.filter(programme__in=scope.programme_ids).values("beneficiary_id"),
        )
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    facilitators = []
    if "facilitator" in form.fields:
        facilitators = list(
            form.fields["facilitator"]
            .queryset.filter(programme_assignments__programme__in=scope.programme_ids)
            .distinct()
            .annotate(caseload_count=Subquery(caseload, output_field=IntegerField()))
            .order_by("first_name", "username")
        )
    ids = [f.pk for f in facilitators]
    visits = Visit.objects.filter(author_id__in=ids, programme_id__in=scope.programme_ids)
    per_month = {
        (row["author_id"], row["month"]): row["n"]
        for row in visits.filter(visited_on__gte=months[0], visited_on__lte=figures.month_end(months[-1]))
        .annotate(month=figures.TruncMonth("visited_on"))
        .values("author_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    last_visit = dict(visits.values("author_id").annotate(last=Max("visited_on")).values_list("author_id", "last"))
    overdue = dict(
        FollowUp.objects.filter(owner_id__in=ids, done_on__isnull=True, due_on__lt=today)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    rows = []
    for f in facilitators:
        last = last_visit.get(f.pk)
        rows.append(
            {
                "user": f,
                "caseload": f.caseload_count,
                "months": [per_month.get((f.pk, _month_key(m)), 0) for m in months],
                "overdue": overdue.get(f.pk, 0),
                "last_visit": last,
                "silent": last is None or (today - last).days > 7,
                "caseload_url": f"{_url('beneficiaries:list')}?facilitator={f.pk}",
                "visits_url": f"{_url('dashboards:indicator', 'visits')}?{scope_query(scope, facilitator=f.pk)}",
            }
        )
    return render(
        request,
        "dashboards/team.html",
        {"form": form, "scope": scope, "rows": rows, "months": months, "today": today},
    )


def _month_key(first: dt.date):
    return first


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _report_context(request, programme):
    form = ScopeForm(
        request.GET or {"programme": programme.pk, "period": "lifetime"}, user=request.user, default_period="lifetime"
    )
    form.fields["programme"].queryset = Programme.objects.filter(pk=programme.pk)
    scope = form.scope()
    scope = Scope((programme.pk,), scope.start, scope.end, scope.area, scope.business_type, scope.facilitator)
    narrative = ProgrammeReport.objects.filter(
        programme=programme, period_start=scope.start, period_end=scope.end
    ).first()
    from loans.arrears import portfolio_at_risk

    from .indicators import loans as scope_loans

    par_rows, par_total = figures.cached(
        "par_by_group", scope, lambda scope: portfolio_at_risk(scope_loans(scope), on=scope.end, by="group")
    )
    outcome_codes = [
        "women_enrolled",
        "businesses_running",
        "businesses_paused",
        "businesses_stopped",
        "businesses_online",
        "turnover_growth",
        "loans_disbursed",
        "loans_disbursed_amount",
        "loans_outstanding",
        "repayment_rate",
        "par1",
        "par30",
    ]
    values = figures.cached("outcomes", scope, lambda scope: {c: BY_CODE[c].value(scope) for c in outcome_codes})
    outcomes = [
        {"indicator": BY_CODE[c], "value": values[c], "url": figures.drill_url(c, scope)} for c in outcome_codes
    ]
    return {
        "programme": programme,
        "form": form,
        "scope": scope,
        "achievements": figures.achievements(scope),
        "outcomes": outcomes,
        "status_mix": figures.cached("status_mix", scope, figures.status_mix),
        "permits": figures.cached("permits_table", scope, figures.permits_table),
        "turnover": figures.cached("turnover_trend", scope, figures.turnover_trend, 4),
        "par_rows": par_rows,
        "par_total": par_total,
        "narrative": narrative,
        "today": timezone.localdate(),
    }


def programme_report(request, pk):
    """The period report a manager sends her funder: printable (A4), with her narrative."""
    require(can_see_reports(request.user))
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    context = _report_context(request, programme)
    scope = context["scope"]
    may_write = can_edit_programme(request.user, programme)
    narrative_form = NarrativeForm(request.POST or None, instance=context["narrative"]) if may_write else None
    if request.method == "POST":
        require(may_write)
        if narrative_form.is_valid():
            report = narrative_form.save(commit=False)
            report.programme, report.period_start, report.period_end = programme, scope.start, scope.end
            report.updated_by = request.user
            report.save()
            messages.success(request, _("Report text saved."))
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    context.update(
        {
            "narrative_form": narrative_form,
            "query": request.GET.urlencode() or f"programme={programme.pk}&period=lifetime",
        }
    )
    return render(request, "dashboards/programme_report.html", context)


def programme_report_xlsx(request, pk):
    require(can_see_reports(request.user))
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    context = _report_context(request, programme)
    content = report_workbook(context)
    scope = context["scope"]
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"laporan-{programme.slug}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def targets(request, pk):
    """A programme's targets: one row per indicator (and area/period when it differs)."""
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    require(can_edit_programme(request.user, programme))
    formset = TargetFormSet(
        request.POST or None, queryset=Target.objects.filter(programme=programme).select_related("area"), prefix="t"
    )
    if request.method == "POST" and formset.is_valid():
        for target in formset.save(commit=False):
            target.programme = programme
            target.save()
        for target in formset.deleted_objects:
            target.delete()
        messages.success(request, _("Targets saved."))
        return redirect("dashboards:report", programme.pk)
    return render(
        request, "dashboards/targets.html", {"programme": programme, "formset": formset, "indicators": INDICATORS}
    )
