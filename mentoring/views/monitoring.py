"""Quarterly monitoring (monev): the groups to report on, one screen for a whole group's quarter, one woman's
figures, and the spreadsheet import."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Beneficiary, Business, BusinessStatus
from groups.models import Group, Membership
from pekka.permissions import can_import_monitoring, can_record_monitoring, require

from ..forms import MonitoringForm, MonitoringImportForm, MonitoringRowForm, parse_quarter, quarter_choices
from ..importers import parse_monitoring_file
from ..models import MonitoringReport
from ..periods import Quarter
from ..services import import_monitoring, programme_for, record_monitoring
from .common import add_service_errors


def monitoring_index(request):
    """Where monitoring starts: each group's screen for the current quarter, and the latest declines."""
    today = timezone.localdate()
    groups = (
        Group.objects.visible_to(request.user)
        .filter(status__in=["forming", "active", "independent"])
        .select_related("programme", "village")
        .order_by("programme__name", "name")
    )
    flagged = (
        MonitoringReport.objects.visible_to(request.user)
        .filter(flagged=True)
        .select_related("beneficiary", "business", "programme")
        .order_by("-year", "-quarter", "beneficiary__full_name")[:20]
    )
    return render(
        request,
        "mentoring/monitoring_index.html",
        {
            "groups": groups,
            "flagged": flagged,
            "quarter": Quarter.of(today),
            "quarter_value": f"{today.year}-{Quarter.of(today).quarter}",
            "may_import": can_import_monitoring(request.user),
        },
    )


class BaseRowFormSet(forms.BaseFormSet):
    """One row per woman; each row's business choices are her own businesses (the woman a sent row names, so a
    member who joined or left in between does not shift the rows)."""

    def __init__(self, *args, women, **kwargs):
        self.women = {w.pk: w for w in women}
        super().__init__(*args, **kwargs)

    def woman(self, index):
        if self.is_bound:
            value = self.data.get(self.add_prefix(f"{index}-beneficiary"), "")
        else:
            value = self.initial[index]["beneficiary"] if index < len(self.initial or []) else ""
        return self.women.get(int(value)) if str(value).isdigit() else None

    def get_form_kwargs(self, index):
        woman = self.woman(index)
        return {"businesses": list(woman.businesses.all()) if woman else []}


RowFormSet = forms.formset_factory(MonitoringRowForm, formset=BaseRowFormSet, extra=0)


def _default_business(woman, group, report):
    """Which of her businesses the group's row is about: the one reported already, else the group's trade."""
    if report is not None:
        return report.business_id
    businesses = list(woman.businesses.all())
    for business in businesses:
        if business.business_type_id == group.business_type_id and business.status == BusinessStatus.RUNNING:
            return business.pk
    return businesses[0].pk if businesses else None


def monitoring_group(request, group_pk):
    """The fast way: every current member of a group on one screen for one quarter; empty rows are skipped."""
    group = get_object_or_404(Group.objects.visible_to(request.user).select_related("programme"), pk=group_pk)
    require(can_record_monitoring(request.user))
    today = timezone.localdate()
    period = parse_quarter(request.GET.get("quarter", "")) or Quarter.of(today)
    if period.start > today:
        period = Quarter.of(today)
    members = list(
        Beneficiary.objects.visible_to(request.user)
        .filter(
            pk__in=Membership.objects.current(on=min(period.end, today)).filter(group=group).values("beneficiary_id")
        )
        .prefetch_related(Prefetch("businesses", queryset=Business.objects.select_related("business_type")))
        .order_by("full_name", "pk")
    )
    reports = MonitoringReport.objects.filter(beneficiary__in=members)
    current = {r.beneficiary_id: r for r in reports.filter(year=period.year, quarter=period.quarter)}
    before = period.previous()
    previous = {r.beneficiary_id: r for r in reports.filter(year=before.year, quarter=before.quarter)}
    initial = []
    for woman in members:
        report = current.get(woman.pk)
        initial.append(
            {
                "beneficiary": woman.pk,
                "business": _default_business(woman, group, report),
                **({"turnover": report.turnover, "assets": report.assets, "workers": report.workers} if report else {}),
                "notes": report.notes if report else "",
            }
        )
    data = request.POST if request.method == "POST" else None
    formset = RowFormSet(data, initial=initial, prefix="m", women=members)
    if data is not None and formset.is_valid():
        saved = _save_rows(request, formset, members=members, group=group, period=period)
        if saved is not None:
            flagged = sum(1 for r in saved if r.flagged)
            messages.success(
                request,
                ngettext("%(n)s report saved.", "%(n)s reports saved.", len(saved)) % {"n": len(saved)}
                + (" " + ngettext("%(k)s decline flagged.", "%(k)s declines flagged.", flagged) % {"k": flagged})
                * bool(flagged),
            )
            return redirect(
                f"{reverse('mentoring:monitoring_group', args=[group.pk])}?quarter={period.year}-{period.quarter}"
            )
    rows = [
        (woman, form, current.get(woman.pk), previous.get(woman.pk))
        for index, form in enumerate(formset.forms)
        if (woman := formset.woman(index)) is not None
    ]
    return render(
        request,
        "mentoring/monitoring_group.html",
        {
            "group": group,
            "formset": formset,
            "rows": rows,
            "period": period,
            "period_value": f"{period.year}-{period.quarter}",
            "quarters": quarter_choices(today),
        },
    )


def _save_rows(request, formset, *, members, group, period) -> list | None:
    """Saves every filled row in one go; a refused row puts its error on the row and saves nothing."""
    by_pk = {w.pk: w for w in members}
    saved = []
    try:
        with transaction.atomic():
            for form in formset.forms:
                if not form.is_filled():
                    continue
                data = form.cleaned_data
                woman = by_pk.get(data["beneficiary"])
                if woman is None:
                    continue  # not on this screen: a tampered row
                try:
                    saved.append(
                        record_monitoring(
                            beneficiary=woman,
                            business=data["business"],
                            programme=group.programme,
                            year=period.year,
                            quarter=period.quarter,
                            turnover=data["turnover"],
                            assets=data["assets"],
                            workers=data["workers"],
                            notes=data["notes"],
                            by=request.user,
                        )
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    raise
    except ValidationError:
        return None
    return saved


def monitoring_create(request, beneficiary_pk):
    """One woman's figures for a quarter (for women in no group, or a correction)."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=beneficiary_pk)
    require(can_record_monitoring(request.user))
    today = timezone.localdate()
    form = MonitoringForm(
        request.POST or None, beneficiary=beneficiary, initial={"quarter": f"{today.year}-{Quarter.of(today).quarter}"}
    )
    programme = programme_for(beneficiary, request.user)
    if programme is None:
        form.add_error(None, _("She is not enrolled in a programme."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        period = data["quarter"]
        try:
            report = record_monitoring(
                beneficiary=beneficiary,
                business=data["business"],
                programme=programme,
                year=period.year,
                quarter=period.quarter,
                turnover=data["turnover"],
                assets=data["assets"],
                workers=data["workers"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if report.flagged:
                messages.warning(request, _("Saved. Decline flagged: %(reason)s") % {"reason": report.flag_reason})
            else:
                messages.success(request, _("Monitoring saved."))
            return redirect(reverse("beneficiaries:detail", args=[beneficiary.pk]) + "#monitoring")
    return render(request, "mentoring/monitoring_form.html", {"form": form, "beneficiary": beneficiary})


def monitoring_import(request):
    """A CSV or Excel file of figures by NIK: checked row by row first, saved only when every row is right."""
    require(can_import_monitoring(request.user))
    form = MonitoringImportForm(request.POST or None, request.FILES or None, user=request.user)
    results = None
    if request.method == "POST" and form.is_valid():
        results = parse_monitoring_file(form.cleaned_data["file"])
        if results and all(r.ok for r in results):
            try:
                count = import_monitoring(
                    rows=results,
                    programme=form.cleaned_data["programme"],
                    beneficiaries=Beneficiary.objects.visible_to(request.user),
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, ngettext("%(n)s report imported.", "%(n)s reports imported.", count) % {"n": count}
                )
                return redirect("mentoring:monitoring_index")
    return render(request, "mentoring/monitoring_import.html", {"form": form, "results": results})
