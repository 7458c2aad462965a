from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pekka.regions.widgets import RegionMultipleField
from pekka.widgets import DateInput

from .models import Programme

RULE_FIELDS = ("visit_interval_days", "decline_threshold_percent", "visit_edit_hours")


class ProgrammeForm(forms.ModelForm):
    areas = RegionMultipleField(
        label=_("Working areas"),
        required=False,
        help_text=_("Provinces, cities, districts or villages where the programme works."),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff"),
        queryset=get_user_model().objects.filter(is_active=True).exclude(role="admin"),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-enhance": "select"}),
        help_text=_("Managers, coordinators and facilitators who work in this programme."),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "short_name",
            "slug",
            "category",
            "funder",
            "partner",
            "start_date",
            "end_date",
            "description",
            "visit_interval_days",
            "decline_threshold_percent",
            "visit_edit_hours",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, may_assign_staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_assign_staff:
            # Only an administrator assigns staff (pekka.permissions.can_assign_programme_staff): no picker.
            del self.fields["staff"]
        if self.instance.pk:
            self.fields["areas"].initial = list(self.instance.areas.values_list("code", flat=True))
            if may_assign_staff:
                self.fields["staff"].initial = list(self.instance.staff.values_list("pk", flat=True))
        for name in RULE_FIELDS:  # an older form or a script may leave them out: keep the default
            self.fields[name].required = False
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(
                Column("short_name", css_class="col-md-4"),
                Column("slug", css_class="col-md-4"),
                Column("category", css_class="col-md-4"),
            ),
            Row(Column("funder", css_class="col-md-6"), Column("partner", css_class="col-md-6")),
            Row(Column("start_date", css_class="col-6"), Column("end_date", css_class="col-6")),
            "areas",
            *(["staff"] if may_assign_staff else []),
            "description",
            Fieldset(
                _("Mentoring rules"),
                Row(
                    Column("visit_interval_days", css_class="col-md-4"),
                    Column("decline_threshold_percent", css_class="col-md-4"),
                    Column("visit_edit_hours", css_class="col-md-4"),
                ),
            ),
            Submit("save", _("Save"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in RULE_FIELDS:
            if cleaned.get(name) is None:
                cleaned[name] = getattr(self.instance, name) or Programme._meta.get_field(name).default
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned
