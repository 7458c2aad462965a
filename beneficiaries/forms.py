"""Input shapes for the registry. Forms validate and explain; beneficiaries/services.py writes."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lokal import parse_phone

from pekka.programmes.models import Programme
from pekka.regions.models import Level
from pekka.regions.widgets import RegionField
from pekka.widgets import DateInput

from .models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessType,
    Enrolment,
    EnrolmentStatus,
    Household,
    HouseholdMember,
    IdentifierConflict,
    OnlinePresence,
    Permit,
)
from .nik import check_nik, clean_nik, mask_identifier
from .services import OutOfScopeConflict, household_within_scope


def kept_identifier(data, name: str, typed: str, stored: str, *, message) -> str:
    """An identifier field of an edit form, which shows the stored number masked: the masked value sent back (or
    the field left out) keeps ``stored``; anything else with a ``*`` in it is refused with ``message``, since a
    new number is typed whole."""
    if name not in data:
        return stored
    if "*" in typed:
        if stored and typed == clean_nik(mask_identifier(stored)):
            return stored
        raise forms.ValidationError(message)
    return typed


def tidy_name(value: str) -> str:
    """Collapses spaces; a name typed in capitals ("SITI AMINAH") becomes "Siti Aminah"."""
    value = re.sub(r"\s+", " ", value or "").strip()
    return value.title() if value.isupper() else value


class NoFormTagMixin:
    """Several forms share one <form> on the page; crispy renders only their fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class BeneficiaryForm(NoFormTagMixin, forms.ModelForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), help_text=_("She is enrolled as a candidate.")
    )
    # Typed NIKs carry spaces and dashes; the model's 16-digit limit applies after clean_nik strips them.
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        help_text=_("16 digits from the KTP or KK. Leave empty if she has none yet."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm_nik = forms.BooleanField(
        label=_("I checked the KTP: the NIK is right even though it does not match"), required=False
    )

    class Meta:
        model = Beneficiary
        fields = [
            "full_name",
            "nik",
            "sex",
            "birth_place",
            "birth_date",
            "marital_status",
            "education",
            "phone",
            "category",
            "facilitator",
            "consent_date",
        ]
        widgets = {
            "birth_date": DateInput(),
            "consent_date": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812…"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        programmes = Programme.objects.visible_to(user)
        if self.instance.pk:
            del self.fields["programme"]  # enrolments are managed on her page
        else:
            self.fields["programme"].queryset = programmes
            if programmes.count() == 1:
                self.fields["programme"].initial = programmes.first()
        if user.is_facilitator:
            del self.fields["facilitator"]  # she registers into her own caseload
        else:
            self.fields["facilitator"].queryset = (
                get_user_model()
                .objects.facilitators()
                .filter(programme_assignments__programme__in=programmes)
                .distinct()
            )
        self.fields["consent_date"].help_text = _("The day she agreed to her data being recorded.")
        if self.instance.nik:
            # Nobody gets the full number back in the form: who may see it reveals it on her page (logged).
            self.initial["nik"] = mask_identifier(self.instance.nik)
        self.nik_warnings: list[str] = []
        self.conflict: OutOfScopeConflict | None = None
        if not (self.data and self._nik_needs_confirmation()):
            del self.fields["confirm_nik"]

    def _nik_needs_confirmation(self) -> bool:
        """Shows the confirmation box only when the submitted NIK disagrees with the birth date or sex."""
        nik = clean_nik(self.data.get(self.add_prefix("nik"), ""))
        if not nik or "*" in nik or (self.instance.pk and nik == self.instance.nik):
            return False
        birth_date = self.fields["birth_date"].widget.value_from_datadict(self.data, self.files, "birth_date")
        try:
            birth_date = self.fields["birth_date"].clean(birth_date)
        except forms.ValidationError:
            birth_date = None
        result = check_nik(nik, birth_date=birth_date, sex=self.data.get(self.add_prefix("sex")))
        return result.ok and bool(result.warnings)

    def clean_full_name(self):
        return tidy_name(self.cleaned_data["full_name"])

    def clean_nik(self):
        return kept_identifier(
            self.data,
            self.add_prefix("nik"),
            clean_nik(self.cleaned_data.get("nik", "")),
            self.instance.nik,
            message=_("Type the whole NIK (16 digits), or leave the masked number as it is."),
        )

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        info = parse_phone(phone)
        if not info.valid:
            raise forms.ValidationError(_("“%(phone)s” is not an Indonesian phone number."), params={"phone": phone})
        return info.e164

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return birth_date

    def clean(self):
        cleaned = super().clean()
        nik = cleaned.get("nik")
        # A number left as it was is not checked again: its messages would quote digits the form did not show.
        if nik and not (self.instance.pk and nik == self.instance.nik):
            result = check_nik(nik, birth_date=cleaned.get("birth_date"), sex=cleaned.get("sex"))
            for error in result.errors:
                self.add_error("nik", error)
            if result.ok and result.warnings:
                self.nik_warnings = result.warnings
                if not cleaned.get("confirm_nik"):
                    for warning in result.warnings:
                        self.add_error("nik", warning)
                    if "confirm_nik" in self.fields:
                        self.add_error("confirm_nik", _("Check the KTP, then tick this box to keep the NIK."))
                else:
                    self.instance.nik_warnings_confirmed = True
            elif result.ok:
                self.instance.nik_warnings_confirmed = False
            clash = Beneficiary.objects.filter(nik=nik).exclude(pk=self.instance.pk).first()
            if clash is not None and Beneficiary.objects.visible_to(self.user).filter(pk=clash.pk).exists():
                self.add_error("nik", _("This NIK is already registered (record #%(pk)s).") % {"pk": clash.pk})
            elif clash is not None:
                # Someone she may not see: say whom to ask, name nobody.
                self.conflict = OutOfScopeConflict(kind=IdentifierConflict.Kind.NIK, existing=clash)
                self.add_error("nik", self.conflict)
        return cleaned


class HouseholdForm(NoFormTagMixin, forms.ModelForm):
    village = RegionField(level=Level.VILLAGE, label=_("Village (desa/kelurahan)"))
    kk_number = forms.CharField(
        label=_("Family card number (KK)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Household
        fields = ["kk_number", "village", "rt", "rw", "address"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.conflict: OutOfScopeConflict | None = None
        if self.instance.kk_number:
            self.initial["kk_number"] = mask_identifier(self.instance.kk_number)

    def clean_kk_number(self):
        kk = kept_identifier(
            self.data,
            self.add_prefix("kk_number"),
            clean_nik(self.cleaned_data.get("kk_number", "")),
            self.instance.kk_number,
            message=_("Type the whole family card (KK) number (16 digits), or leave the masked number as it is."),
        )
        if kk and not re.fullmatch(r"\d{16}", kk):
            raise forms.ValidationError(_("A family card (KK) number has exactly 16 digits."))
        if kk and self.instance.pk and kk != self.instance.kk_number:
            other = Household.objects.filter(kk_number=kk).exclude(pk=self.instance.pk).first()
            if other is not None and household_within_scope(other, self.user):
                raise forms.ValidationError(_("This KK number belongs to another household already on file."))
            if other is not None:
                self.conflict = OutOfScopeConflict(kind=IdentifierConflict.Kind.KK, existing=other)
                raise self.conflict
        return kk

    def _clean_rt_rw(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("Only digits, e.g. 003."))
        return value.zfill(3) if value else ""

    def clean_rt(self):
        return self._clean_rt_rw("rt")

    def clean_rw(self):
        return self._clean_rt_rw("rw")

    def _get_validation_exclusions(self):
        # A KK already on file is not an error on registration: the woman joins that household
        # (services.save_registration); clean_kk_number refuses it when editing.
        exclude = super()._get_validation_exclusions()
        exclude.add("kk_number")
        return exclude


class MemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relationship", "sex", "birth_date", "birth_year", "activity"]
        widgets = {"birth_date": DateInput()}

    def clean_name(self):
        return tidy_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("birth_year")
        if year and not 1900 <= year <= timezone.localdate().year:
            self.add_error("birth_year", _("Enter a year between 1900 and this year."))
        return cleaned


MemberFormSet = forms.inlineformset_factory(
    Household, HouseholdMember, form=MemberForm, extra=1, can_delete=True, max_num=20
)


class BusinessForm(forms.ModelForm):
    class Meta:
        model = Business
        fields = ["business_type", "name", "description", "started_on"]
        widgets = {"started_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_type"].queryset = BusinessType.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.form_tag = False


class BusinessStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=BusinessStatus.choices)
    changed_on = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, help_text=_("Needed when paused or stopped.")
    )


class PermitForm(forms.ModelForm):
    class Meta:
        model = Permit
        fields = ["kind", "number", "issued_on"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.business = business

    def validate_unique(self):
        super().validate_unique()
        kind = self.cleaned_data.get("kind")
        if kind and Permit.objects.filter(business=self.instance.business, kind=kind).exists():
            self.add_error("kind", _("This business already has this permit."))


class OnlinePresenceForm(forms.ModelForm):
    class Meta:
        model = OnlinePresence
        fields = ["channel", "address", "since"]
        widgets = {"since": DateInput()}


class EnrolForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    enrolled_on = forms.DateField(label=_("Enrolled on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, user, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user).exclude(
            pk__in=beneficiary.enrolments.values("programme_id")
        )


class EnrolmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=EnrolmentStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import NEXT_STATUSES

        allowed = NEXT_STATUSES[enrolment.status]
        self.fields["status"].choices = [(v, label) for v, label in EnrolmentStatus.choices if v in allowed]


class AssignForm(forms.Form):
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=get_user_model().objects.none(), required=False, empty_label=_("— nobody —")
    )
    beneficiaries = forms.ModelMultipleChoiceField(queryset=Beneficiary.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiaries"].queryset = Beneficiary.objects.visible_to(user)
        self.fields["facilitator"].queryset = (
            get_user_model()
            .objects.facilitators()
            .filter(programme_assignments__programme__in=Programme.objects.visible_to(user))
            .distinct()
        )
