"""Reports: portfolio at risk (PAR1, PAR30) as of any date by programme, group, facilitator or business type,
and the on-time payers of a period."""

from django.shortcuts import render
from django.utils import timezone

from ..arrears import BUCKETS, DIMENSION_LABELS, on_time_records, portfolio_at_risk
from ..forms import PeriodForm, ReportForm, last_quarter
from ..models import Loan

# The loan list's filter for each breakdown, so a row's figures link to its loans.
LIST_FILTER = {"programme": "programme", "group": "group", "facilitator": "facilitator", "business_type": None}


def par_report(request):
    today = timezone.localdate()
    form = ReportForm(request.GET or None, user=request.user, initial={"on": today, "by": "group"})
    on, by, programme = today, "group", None
    if form.is_valid():
        on = min(form.cleaned_data["on"] or today, today)
        by = form.cleaned_data["by"] or "group"
        programme = form.cleaned_data["programme"]
    loans = Loan.objects.visible_to(request.user)
    if programme:
        loans = loans.filter(product__fund__programme=programme)
    rows, total = portfolio_at_risk(loans, on=on, by=by)
    return render(
        request,
        "loans/par_report.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "on": on,
            "by": by,
            "by_label": DIMENSION_LABELS[by],
            "buckets": BUCKETS,
            "list_filter": LIST_FILTER[by] if on == today else None,
            "is_today": on == today,
            "programme": programme,
        },
    )


def on_time_report(request):
    """Who paid every instalment of the period on time (the rewards list), and each member's and group's rate."""
    start, end = last_quarter(timezone.localdate())
    form = PeriodForm(request.GET or None, user=request.user, initial={"start": start, "end": end})
    programme = None
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        programme = form.cleaned_data["programme"]
    loans = Loan.objects.visible_to(request.user)
    if programme:
        loans = loans.filter(product__fund__programme=programme)
    members = on_time_records(loans, start=start, end=end)
    return render(
        request,
        "loans/on_time_report.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "payers": [r for r in members if r.counted and not r.late],
            "members": members,
            "groups": on_time_records(loans, start=start, end=end, per="group"),
        },
    )
