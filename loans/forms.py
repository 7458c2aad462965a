"""Input shapes for loans. Forms validate and explain; loans/services.py writes."""

import datetime as dt
import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from mentoring.forms import FormMadeAtField
from pekka.money import RupiahField
from pekka.programmes.models import Programme
from pekka.widgets import DateInput, RemoteSelect

from .arrears import DIMENSION_LABELS
from .models import CapitalGrant, LoanProduct


class _Keyed(forms.Form):
    """A form that posts money carries a key made when it is shown (a hidden UUID): the service records what the
    same key sends once, so a double tap or a phone retrying on a slow line posts nothing twice. It carries when it
    was made too (``form_made_at``), so that money sent from a phone that was offline lands when the loan moved
    meanwhile."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)
    form_made_at = FormMadeAtField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("client_uuid") is None:
            # A hidden field's error would show nowhere: say it for the whole form.
            self.errors.pop("client_uuid", None)
            raise ValidationError(_("This form is out of date: open it again and enter it once more."))
        return cleaned


class _Helper:
    def _no_tag(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RepaymentForm(_Helper, _Keyed):
    amount = RupiahField(label=_("Amount paid (Rp)"), min_value=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), initial=timezone.localdate)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()


class ReversalForm(_Helper, forms.Form):
    reason = forms.CharField(
        label=_("Why is this repayment reversed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The repayment stays on record; a reversal row cancels it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()


class WriteOffForm(_Helper, forms.Form):
    on = forms.DateField(label=_("Written off on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()


class ProposalForm(_Helper, forms.Form):
    """A proposal's terms and, for each member, the amount she asks for and what for (0 or empty: not in it)."""

    product = forms.ModelChoiceField(label=_("Loan product"), queryset=LoanProduct.objects.none())
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, products, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()
        self.fields["product"].queryset = products
        only = list(products[:2])
        if len(only) == 1:
            self.fields["product"].initial = only[0]
        self.members = list(members)
        for member in self.members:
            self.fields[f"amount_{member.pk}"] = RupiahField(label=_("Amount (Rp)"), required=False, min_value=0)
            self.fields[f"purpose_{member.pk}"] = forms.CharField(
                label=_("Use of the money"), required=False, max_length=250
            )

    def rows(self):
        """(member, amount field, purpose field) for the template."""
        return [(m, self[f"amount_{m.pk}"], self[f"purpose_{m.pk}"]) for m in self.members]

    def lines(self):
        from .services import LineRequest

        return [
            LineRequest(m, self.cleaned_data[f"amount_{m.pk}"], self.cleaned_data[f"purpose_{m.pk}"])
            for m in self.members
            if self.cleaned_data.get(f"amount_{m.pk}")
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(f"amount_{m.pk}") for m in self.members):
            raise ValidationError(_("Ask for an amount for at least one member."))
        return cleaned


class DecisionForm(_Helper, forms.Form):
    """The funder's decision: an approved amount and a survey note per member, or a rejection with a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    reason = forms.CharField(label=_("Reason for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"approved_{line.pk}"] = RupiahField(
                label=_("Approved (Rp)"), required=False, min_value=0, initial=line.amount_requested
            )
            self.fields[f"survey_{line.pk}"] = forms.CharField(
                label=_("Survey and interview note"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=line.survey_note,
            )

    def rows(self):
        return [(line, self[f"approved_{line.pk}"], self[f"survey_{line.pk}"]) for line in self.lines]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the proposal is rejected."))
        return cleaned

    def amounts(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"approved_{line.pk}") or 0 for line in self.lines}

    def survey_notes(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"survey_{line.pk}", "") for line in self.lines}


class DisburseForm(_Helper, _Keyed):
    disbursed_on = forms.DateField(label=_("Disbursed on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._no_tag()


class CollectionSheetForm(_Keyed):
    """One group meeting: for each active loan of the members, what she paid (prefilled with what is due)."""

    paid_on = forms.DateField(label=_("Meeting date"), widget=DateInput())

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet_rows = rows
        for row in rows:
            loan = row.loan
            self.fields[f"amount_{loan.pk}"] = RupiahField(
                label=_("Paid (Rp)"), required=False, min_value=0, initial=row.due or None
            )
            self.fields[f"receipt_{loan.pk}"] = forms.CharField(label=_("Receipt"), required=False, max_length=40)

    def rows(self):
        return [(row, self[f"amount_{row.loan.pk}"], self[f"receipt_{row.loan.pk}"]) for row in self.sheet_rows]

    def payments(self):
        return [
            (
                row.loan,
                self.cleaned_data.get(f"amount_{row.loan.pk}") or 0,
                self.cleaned_data.get(f"receipt_{row.loan.pk}", ""),
            )
            for row in self.sheet_rows
        ]


class CapitalGrantForm(forms.ModelForm):
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1)

    class Meta:
        model = CapitalGrant
        fields = [
            "beneficiary",
            "programme",
            "source",
            "given_on",
            "amount",
            "intended_use",
            "outcome",
            "outcome_updated_on",
        ]
        widgets = {
            "given_on": DateInput(),
            "outcome_updated_on": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "beneficiary": RemoteSelect("beneficiaries:search"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = Beneficiary.objects.visible_to(user).order_by("full_name")
        self.fields["programme"].queryset = Programme.objects.visible_to(user)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        beneficiary, programme = cleaned.get("beneficiary"), cleaned.get("programme")
        if beneficiary and programme and not beneficiary.enrolments.filter(programme=programme).exists():
            self.add_error("programme", _("She is not enrolled in this programme."))
        given_on = cleaned.get("given_on")
        if given_on and given_on > timezone.localdate():
            self.add_error("given_on", _("The date cannot be in the future."))
        return cleaned


class ReportForm(forms.Form):
    """The as-of date and breakdown of the portfolio-at-risk report."""

    on = forms.DateField(label=_("As of"), widget=DateInput(), required=False)
    by = forms.ChoiceField(label=_("By"), choices=list(DIMENSION_LABELS.items()), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)


class PeriodForm(forms.Form):
    """A period for the on-time payers list (the last full quarter by default)."""

    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The period ends before it starts."))
        return cleaned


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before ``today``."""
    first_of_this = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_this - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end
