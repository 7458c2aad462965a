"""Form widgets shared by the apps."""

from django import forms
from django.http import JsonResponse
from django.urls import reverse

PICKER_RESULTS = 20
PICKER_MIN_QUERY = 2  # characters typed before the picker asks


class DateInput(forms.DateInput):
    """The phone's own date picker; the value travels as yyyy-mm-dd and is shown by the browser's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RemoteSelect(forms.Select):
    """A select for a long list (every group of a national programme, every woman): the page carries only the chosen
    option, and the browser asks ``url_name`` (JSON ``{"results": [{"id", "text", "parents"}]}``) for matches as
    she types (static/js/pekka.js). Validation is the field's own: a posted id must still be in its queryset."""

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-remote-search"] = reverse(self.url_name)
        return attrs

    def optgroups(self, name, value, attrs=None):
        field = getattr(self.choices, "field", None)
        if field is not None:  # a ModelChoiceField: fetch the chosen rows only
            chosen = [v for v in value if v not in ("", None)]
            rows = field.queryset.filter(pk__in=chosen) if chosen else []
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            self.choices = empty + [(field.prepare_value(row), field.label_from_instance(row)) for row in rows]
        return super().optgroups(name, value, attrs)


def picker_response(request, find, describe) -> JsonResponse:
    """The JSON a ``RemoteSelect`` asks for: the first matches of ``find(query)`` (a queryset already limited to
    what the user may see), each as ``describe(row)`` → (text, parents); nothing for a query of one character."""
    query = request.GET.get("q", "").strip()
    rows = find(query)[:PICKER_RESULTS] if len(query) >= PICKER_MIN_QUERY else []
    results = []
    for row in rows:
        text, parents = describe(row)
        results.append({"id": row.pk, "text": text, "parents": parents})
    return JsonResponse({"results": results})
