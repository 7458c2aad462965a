import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, BusinessType
from pekka.money import RupiahField
from pekka.permissions import can_assign_group_facilitators
from pekka.programmes.models import Programme
from pekka.regions.widgets import RegionField
from pekka.widgets import DateInput

from .models import OFFICER_ROLES, Agreement, Group, GroupStatus, Meeting, Role
from .services import NEXT_STATUSES, eligible_members


class GroupForm(forms.ModelForm):
    village = RegionField(level=4, label=_("Village"), required=False)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-enhance": "select"}),
        help_text=_("Facilitators of the programme who accompany this group."),
    )

    class Meta:
        model = Group
        fields = ["name", "programme", "business_type", "village", "formed_on", "formation", "notes"]
        widgets = {"formed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)
        self.fields["business_type"].queryset = BusinessType.objects.filter(is_active=True)
        may_assign = can_assign_group_facilitators(user)
        if not may_assign:
            # Who accompanies a group decides who sees its members: not a facilitator's choice (she who forms a
            # group accompanies it, groups.services.save_group).
            del self.fields["facilitators"]
        else:
            # The programme's own facilitators only: the group's programme once it has one, else those of the
            # programmes she may see (clean() then checks them against the programme chosen).
            programmes = (
                Programme.objects.filter(pk=self.instance.programme_id)
                if self.instance.pk
                else Programme.objects.visible_to(user)
            )
            self.fields["facilitators"].queryset = (
                get_user_model()
                .objects.facilitators()
                .filter(programme_assignments__programme__in=programmes)
                .distinct()
                .order_by("first_name", "last_name", "pk")
            )
        if self.instance.pk:
            if may_assign:
                self.fields["facilitators"].initial = list(self.instance.facilitators.values_list("pk", flat=True))
            if self.instance.memberships.exists():
                # Members were chosen from this programme: moving the group would strand them.
                self.fields["programme"].disabled = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(Column("programme", css_class="col-md-6"), Column("business_type", css_class="col-md-6")),
            "village",
            Row(Column("formed_on", css_class="col-md-6"), Column("formation", css_class="col-md-6")),
            *(["facilitators"] if may_assign else []),
            "notes",
            Submit("save", _("Save"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        for user in cleaned.get("facilitators") or []:
            if programme and not programme.staff.filter(pk=user.pk).exists():
                self.add_error("facilitators", _("%(name)s does not work in this programme.") % {"name": user})
        return cleaned


class SearchedBeneficiaries(forms.SelectMultiple):
    """Renders only the chosen women as options; the picker (static/js/pekka.js, remote mode) searches the rest,
    so a programme with thousands of women does not put thousands of options on a phone."""

    def optgroups(self, name, value, attrs=None):
        ids = [v for v in value if v]
        chosen = Beneficiary.objects.filter(pk__in=[i for i in ids if str(i).isdigit()])
        options = [self.create_option(name, b.pk, b.full_name, True, i, attrs=attrs) for i, b in enumerate(chosen)]
        return [(None, options, 0)]


class AddMembersForm(forms.Form):
    beneficiaries = forms.ModelMultipleChoiceField(
        label=_("Add members"),
        queryset=Beneficiary.objects.none(),
        widget=SearchedBeneficiaries,
        help_text=_("Only women enrolled in the group's programme can be found."),
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, group, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker searches the same set on the server (groups:candidates); a posted id outside it is refused.
        self.fields["beneficiaries"].queryset = eligible_members(group) & Beneficiary.objects.visible_to(user)
        self.fields["beneficiaries"].widget.attrs.update(
            {
                "data-region-picker": reverse("groups:candidates", args=[group.pk]),
                "data-placeholder": _("Type a name or NIK…"),
                "data-no-results": _("Nobody of this programme matches."),
            }
        )


class RemoveMemberForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class OfficersForm(forms.Form):
    """One form for the three offices; each choice is among the current members."""

    chair = forms.ModelChoiceField(label=Role.CHAIR.label, queryset=Beneficiary.objects.none(), required=False)
    secretary = forms.ModelChoiceField(label=Role.SECRETARY.label, queryset=Beneficiary.objects.none(), required=False)
    treasurer = forms.ModelChoiceField(label=Role.TREASURER.label, queryset=Beneficiary.objects.none(), required=False)
    on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        members = Beneficiary.objects.filter(pk__in=group.memberships.open().values("beneficiary_id")).order_by(
            "full_name"
        )
        holders = {m.role: m.beneficiary_id for m in group.memberships.open() if m.role != Role.MEMBER}
        for role in OFFICER_ROLES:
            self.fields[role].queryset = members
            self.fields[role].initial = holders.get(role)
            self.fields[role].empty_label = _("— vacant —")

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(role) for role in OFFICER_ROLES if cleaned.get(role)]
        if len({b.pk for b in chosen}) != len(chosen):
            raise forms.ValidationError(_("One person cannot hold two offices at once."))
        return cleaned


class GroupStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in NEXT_STATUSES[GroupStatus(group.status)]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == GroupStatus.DISSOLVED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the group was dissolved."))
        return cleaned


class MeetingForm(forms.ModelForm):
    # Made when the form is shown and kept by the phone's outbox: the same meeting sent twice is recorded once.
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=Beneficiary.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "place", "topic", "attendees", "decisions", "next_meeting_on"]
        widgets = {
            "held_on": DateInput(),
            "next_meeting_on": DateInput(),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, group, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        # Everybody who was a member at some point: whether she was a member *on the day* is the service's rule.
        self.fields["attendees"].queryset = Beneficiary.objects.filter(
            pk__in=group.memberships.values("beneficiary_id")
        ).order_by("full_name")


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["kind", "subject", "unit", "amount", "agreed_on", "description"]
        field_classes = {"amount": RupiahField}
        widgets = {"agreed_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"inputmode": "numeric", "step": "1", "min": "0"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("subject", css_class="col-md-8")),
            Row(
                Column("amount", css_class="col-6 col-md-4"),
                Column("unit", css_class="col-6 col-md-4"),
                Column("agreed_on", css_class="col-md-4"),
            ),
            "description",
            Submit("save", _("Save agreement"), css_class="btn-primary"),
        )
