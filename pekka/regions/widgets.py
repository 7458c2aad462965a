from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .models import Region


class RegionPickerMixin:
    """Renders only the selected regions as <option>s; static/js/region-picker.js searches the rest on demand.

    Listing 90,000 villages in a <select> would make every form unusable on a phone.
    """

    def __init__(self, attrs=None, *, level: int | None = None):
        picker_attrs = {
            "data-region-picker": reverse_lazy("regions:search"),
            "data-placeholder": _("Type a village, district or city name…"),
        }
        if level:
            picker_attrs["data-level"] = str(level)
        super().__init__({**picker_attrs, **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        codes = [v for v in value if v]
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not codes, 0, attrs=attrs))
        for code in codes:
            region = regions.get(str(code))
            if region is not None:
                option = self.create_option(name, region.code, region.path, True, len(options), attrs=attrs)
                option["attrs"]["data-label"] = region.label
                options.append(option)
        return [(None, options, 0)]


class RegionSelect(RegionPickerMixin, forms.Select):
    pass


class RegionSelectMultiple(RegionPickerMixin, forms.SelectMultiple):
    pass


class RegionField(forms.ModelChoiceField):
    """Pick one region, optionally only of one level (villages for an address)."""

    def __init__(self, *, level: int | None = None, **kwargs):
        queryset = Region.objects.all() if level is None else Region.objects.filter(level=level)
        kwargs.setdefault("widget", RegionSelect(level=level))
        super().__init__(queryset=queryset, **kwargs)


class RegionMultipleField(forms.ModelMultipleChoiceField):
    """Pick several regions of any level (a programme's working areas)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", RegionSelectMultiple())
        super().__init__(queryset=Region.objects.all(), **kwargs)
