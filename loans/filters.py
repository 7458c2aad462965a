"""The loan list's search and filters: status, arrears bucket (today), group, facilitator, programme."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from groups.models import Group
from pekka.filtering import apply_filters
from pekka.permissions import can_see_identifiers
from pekka.programmes.models import Programme
from pekka.widgets import RemoteSelect

from .arrears import BUCKETS, filter_bucket, with_arrears
from .models import Loan, LoanStatus


class LoanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Borrower's name, NIK or phone")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LoanStatus.choices)
    bucket = django_filters.ChoiceFilter(
        label=_("Days late"),
        choices=[(b.code, b.label) for b in BUCKETS]
        + [("par1", _("Any arrears (PAR1)")), ("par30", _("More than 30 days (PAR30)"))],
        method="filter_bucket",
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=Group.objects.none(), widget=RemoteSelect("groups:search")
    )
    facilitator = django_filters.ModelChoiceFilter(
        label=_("Facilitator"), queryset=get_user_model().objects.none(), field_name="beneficiary__facilitator"
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.none(), field_name="product__fund__programme"
    )

    class Meta:
        model = Loan
        fields = ["q", "status", "bucket", "group", "facilitator", "programme"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user
        programmes = Programme.objects.visible_to(user)
        self.filters["programme"].queryset = programmes
        self.filters["group"].queryset = Group.objects.visible_to(user).order_by("name")
        self.filters["facilitator"].queryset = (
            get_user_model().objects.facilitators().filter(programme_assignments__programme__in=programmes).distinct()
        )
        if user.is_facilitator:
            del self.filters["facilitator"]

    def filter_search(self, queryset, name, value):
        searched = Beneficiary.objects.search(value, partial_identifiers=can_see_identifiers(self.request.user))
        return queryset.filter(beneficiary__in=searched)

    def filter_bucket(self, queryset, name, value):
        return filter_bucket(queryset, value, timezone.localdate())


def loan_rows(user):
    """Loans visible to ``user`` with what a list row shows and today's arrears, in one query per page."""
    return with_arrears(
        Loan.objects.visible_to(user).select_related("beneficiary", "group", "product__fund__programme"),
        timezone.localdate(),
    )


def filtered_loans(request):
    """(filterset, queryset): the user's loans, filtered; a filter that cannot be applied matches nothing."""
    filterset = LoanFilter(request.GET or None, queryset=loan_rows(request.user), request=request)
    return filterset, apply_filters(filterset).order_by("-disbursed_on", "beneficiary__full_name", "pk")
