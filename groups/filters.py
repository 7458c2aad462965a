"""The group list's search and filters."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import BusinessType
from pekka.filtering import apply_filters
from pekka.programmes.models import Programme
from pekka.regions.models import Region
from pekka.regions.widgets import RegionSelect

from .models import Group, GroupStatus


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        field_name="name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Group name")}),
    )
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.none())
    area = django_filters.ModelChoiceFilter(
        label=_("Area"), queryset=Region.objects.all(), method="filter_area", widget=RegionSelect()
    )
    business_type = django_filters.ModelChoiceFilter(
        label=_("Business type"), queryset=BusinessType.objects.filter(is_active=True)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GroupStatus.choices)
    facilitator = django_filters.ModelChoiceFilter(
        label=_("Facilitator"), queryset=get_user_model().objects.none(), field_name="facilitators"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("name", "name"), ("formed_on", "formed"), ("member_count", "members")],
        field_labels={"name": _("Name"), "formed": _("Date formed"), "members": _("Members")},
    )

    class Meta:
        model = Group
        fields = ["q", "programme", "area", "business_type", "status", "facilitator"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        visible_programmes = Programme.objects.visible_to(request.user)
        self.filters["programme"].queryset = visible_programmes
        self.filters["facilitator"].queryset = (
            get_user_model()
            .objects.facilitators()
            .filter(programme_assignments__programme__in=visible_programmes)
            .distinct()
        )
        if request.user.is_facilitator:
            del self.filters["facilitator"]

    def filter_area(self, queryset, name, region):
        if region.level == 4:
            return queryset.filter(village=region)
        return queryset.filter(village__code__startswith=f"{region.code}.")


def group_rows(user):
    """The groups a user sees, with what the list shows in a fixed number of queries."""
    today = timezone.localdate()
    current = Q(memberships__joined_on__lte=today) & (
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
    )
    return (
        Group.objects.visible_to(user)
        .select_related("programme", "business_type", "village")
        .prefetch_related("facilitators")
        .annotate(member_count=Count("memberships", filter=current, distinct=True))
        .order_by("name", "pk")
    )


def filtered_groups(request):
    """(filterset, queryset): an unusable filter matches no group rather than all of them."""
    filterset = GroupFilter(request.GET or None, queryset=group_rows(request.user), request=request)
    return filterset, apply_filters(filterset)
