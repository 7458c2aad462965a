from django import forms
from django.utils.translation import gettext_lazy as _

from pekka.regions.widgets import RegionField
from pekka.widgets import DateInput

from .indicators import INDICATORS
from .models import ProgrammeReport, Target


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ProgrammeReport
        fields = ["highlights", "obstacles", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=[(i.code, i.label) for i in INDICATORS])
    area = RegionField(label=_("Area"), required=False)

    class Meta:
        model = Target
        fields = ["indicator", "value", "area", "period_start", "period_end", "notes"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "min": "0", "step": "any"})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        return cleaned


TargetFormSet = forms.modelformset_factory(Target, form=TargetForm, extra=3, can_delete=True)
