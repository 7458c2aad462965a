"""What a figure is about (``Scope``: programmes, period, and optional area, business type and facilitator) and
the filters every dashboard and report shares to choose it, limited to what the user may see."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import BusinessType
from pekka.programmes.models import Programme
from pekka.regions.models import Region
from pekka.regions.widgets import RegionSelect
from pekka.widgets import DateInput

PERIODS = [
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("last_quarter", _("Last quarter")),
    ("lifetime", _("Programme lifetime")),
    ("custom", _("Custom dates")),
]


@dataclass(frozen=True)
class Scope:
    """What a figure is about. ``programme_ids`` are already limited to what the user may see."""

    programme_ids: tuple[int, ...]
    start: dt.date
    end: dt.date
    area: object = None  # a Region of any level
    business_type: object = None
    facilitator: object = None

    def with_period(self, start: dt.date, end: dt.date) -> "Scope":
        return Scope(self.programme_ids, start, end, self.area, self.business_type, self.facilitator)


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)) - dt.timedelta(
        days=1
    )
    return start, end


def period_bounds(period: str, *, today: dt.date, programmes) -> tuple[dt.date, dt.date]:
    """The dates of a named period. "Today" is Jakarta's date, so a month turns at local midnight."""
    if period == "month":
        start = today.replace(day=1)
        return start, (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if period == "quarter":
        return quarter_bounds(today)
    if period == "last_quarter":
        return quarter_bounds(quarter_bounds(today)[0] - dt.timedelta(days=1))
    if period == "year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    # The lifetime so far: a programme that runs on is reported up to today, not up to its planned end.
    starts = [p.start_date for p in programmes]
    ends = [min(p.end_date or today, today) for p in programmes]
    return (min(starts) if starts else today.replace(month=1, day=1)), (max(ends) if ends else today)


class ScopeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("All my programmes")
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    area = forms.ModelChoiceField(label=_("Area"), queryset=Region.objects.all(), required=False, widget=RegionSelect())
    business_type = forms.ModelChoiceField(
        label=_("Business type"), queryset=BusinessType.objects.filter(is_active=True), required=False
    )
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, data=None, *, user, default_period="quarter", **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.default_period = default_period
        self.fields["period"].initial = default_period
        visible = Programme.objects.visible_to(user)
        self.fields["programme"].queryset = visible
        self.fields["facilitator"].queryset = (
            get_user_model().objects.facilitators().filter(programme_assignments__programme__in=visible).distinct()
        )
        if user.is_facilitator:
            del self.fields["facilitator"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned

    def scope(self) -> Scope:
        """The scope the filters describe; unusable filters fall back to the defaults (all programmes, this
        quarter) rather than to everything."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        visible = self.fields["programme"].queryset
        programmes = [data["programme"]] if data.get("programme") else list(visible)
        today = timezone.localdate()
        period = data.get("period") or self.default_period
        if period == "custom" or data.get("start") or data.get("end"):
            default_start, default_end = period_bounds(self.default_period, today=today, programmes=programmes)
            start, end = data.get("start") or default_start, data.get("end") or default_end
        else:
            start, end = period_bounds(period, today=today, programmes=programmes)
        facilitator = data.get("facilitator")
        if self.user.is_facilitator:
            facilitator = self.user
        return Scope(
            programme_ids=tuple(p.pk for p in programmes),
            start=start,
            end=end,
            area=data.get("area"),
            business_type=data.get("business_type"),
            facilitator=facilitator,
        )


def scope_query(scope: Scope, **overrides) -> str:
    """The query string that reproduces ``scope`` on another page (the drill-down links)."""
    params = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if len(scope.programme_ids) == 1:
        params["programme"] = scope.programme_ids[0]
    if scope.area is not None:
        params["area"] = scope.area.pk
    if scope.business_type is not None:
        params["business_type"] = scope.business_type.pk
    if scope.facilitator is not None:
        params["facilitator"] = scope.facilitator.pk
    params.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in overrides.items()})
    return urlencode(params)
