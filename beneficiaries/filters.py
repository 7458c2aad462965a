"""The beneficiary list's search, filters and sorting, shared by the list page and its CSV/XLSX export."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from pekka.filtering import apply_filters
from pekka.permissions import can_see_identifiers
from pekka.programmes.models import Programme
from pekka.regions.models import Region
from pekka.regions.widgets import RegionSelect

from .models import Beneficiary, Business, BusinessType, Category, Enrolment, EnrolmentStatus


class BeneficiaryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, NIK, KK or phone")}),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.none(), method="filter_enrolment"
    )
    status = django_filters.ChoiceFilter(
        label=_("Enrolment status"), choices=EnrolmentStatus.choices, method="filter_enrolment"
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"), queryset=Region.objects.all(), method="filter_area", widget=RegionSelect()
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    facilitator = django_filters.ModelChoiceFilter(label=_("Facilitator"), queryset=get_user_model().objects.none())
    business_type = django_filters.ModelChoiceFilter(
        label=_("Business type"), queryset=BusinessType.objects.filter(is_active=True), method="filter_business_type"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("full_name", "name"), ("created_at", "created"), ("household__village__name", "village")],
        field_labels={"name": _("Name"), "created": _("Date registered"), "village": _("Village")},
    )

    class Meta:
        model = Beneficiary
        fields = ["q", "programme", "status", "area", "category", "facilitator", "business_type"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user
        visible_programmes = Programme.objects.visible_to(user)
        self.filters["programme"].queryset = visible_programmes
        self.filters["facilitator"].queryset = (
            get_user_model()
            .objects.facilitators()
            .filter(programme_assignments__programme__in=visible_programmes)
            .distinct()
        )
        if user.is_facilitator:
            del self.filters["facilitator"]  # her list is her caseload already

    def filter_search(self, queryset, name, value):
        # Part of a NIK or KK finds someone only for the roles that may see full numbers.
        return queryset.search(value, partial_identifiers=can_see_identifiers(self.request.user))

    def filter_enrolment(self, queryset, name, value):
        # Programme and status apply to the same enrolment: "active in PEKKA Bukittinggi".
        enrolments = Enrolment.objects.all()
        if programme := self.form.cleaned_data.get("programme"):
            enrolments = enrolments.filter(programme=programme)
        if status := self.form.cleaned_data.get("status"):
            enrolments = enrolments.filter(status=status)
        return queryset.filter(pk__in=enrolments.values("beneficiary_id"))

    def filter_area(self, queryset, name, region):
        if region.level == 4:
            return queryset.filter(household__village=region)
        return queryset.filter(household__village__code__startswith=f"{region.code}.")

    def filter_business_type(self, queryset, name, value):
        return queryset.filter(pk__in=Business.objects.filter(business_type=value).values("beneficiary_id"))


def beneficiary_rows(user):
    """Beneficiaries visible to ``user`` with everything a list row shows, fetched in a fixed number of queries."""
    return (
        Beneficiary.objects.visible_to(user)
        .select_related("household__village", "facilitator")
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("programme").order_by("programme_id")),
            Prefetch("businesses", queryset=Business.objects.select_related("business_type")),
        )
    )


def filtered_beneficiaries(request):
    """(filterset, queryset) for the list page and the export: the user's beneficiaries, filtered and sorted."""
    filterset = BeneficiaryFilter(request.GET or None, queryset=beneficiary_rows(request.user), request=request)
    queryset = apply_filters(filterset)
    if not request.GET.get("sort"):
        queryset = queryset.order_by("full_name", "pk")
    return filterset, queryset
