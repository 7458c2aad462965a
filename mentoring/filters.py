"""Search and filters of the visit, follow-up and training lists."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pekka.programmes.models import Programme
from pekka.text import normalize_search
from pekka.widgets import DateInput

from .models import Aspect, FollowUp, Training, TrainingTopic, Visit, VisitType


def _staff(request):
    """Facilitators and coordinators of the user's programmes: who may have recorded a visit she sees."""
    return (
        get_user_model()
        .objects.filter(role__in=["facilitator", "coordinator"])
        .filter(programme_assignments__programme__in=Programme.objects.visible_to(request.user))
        .distinct()
    )


class VisitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name of the woman or group")}),
    )
    visit_type = django_filters.ChoiceFilter(label=_("Type"), choices=VisitType.choices)
    aspect = django_filters.ChoiceFilter(label=_("Aspect"), choices=Aspect.choices, method="filter_aspect")
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.none())
    author = django_filters.ModelChoiceFilter(label=_("Recorded by"), queryset=get_user_model().objects.none())
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="visited_on", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="visited_on", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Visit
        fields = ["q", "visit_type", "aspect", "programme", "author", "date_from", "date_to"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["programme"].queryset = Programme.objects.visible_to(request.user)
        self.filters["author"].queryset = _staff(request)

    def filter_search(self, queryset, name, value):
        for word in normalize_search(value).split():
            queryset = queryset.filter(Q(beneficiary__search_text__contains=word) | Q(group__name__icontains=word))
        return queryset

    def filter_aspect(self, queryset, name, value):
        return queryset.with_aspect(value)


class FollowUpFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))],
        method="filter_state",
        empty_label=_("All"),
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FollowUp._meta.get_field("source").choices)

    class Meta:
        model = FollowUp
        fields = ["state", "mine", "source"]

    def filter_state(self, queryset, name, value):
        from django.utils import timezone

        if value == "open":
            return queryset.open()
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.filter(done_on__isnull=False)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset


class TrainingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, place or trainer")}),
    )
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=TrainingTopic.choices)
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.none())

    class Meta:
        model = Training
        fields = ["q", "topic", "programme"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["programme"].queryset = Programme.objects.visible_to(request.user)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(place__icontains=word) | Q(trainer__icontains=word))
        return queryset
