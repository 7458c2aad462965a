"""Input shapes for mentoring. Forms validate and explain; mentoring/services.py writes."""

import datetime as dt
import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, Business, BusinessStatus, Channel, PermitKind
from groups.models import Membership
from pekka.money import RupiahField
from pekka.programmes.models import Programme
from pekka.regions.models import Region
from pekka.widgets import DateInput

from .models import INDIVIDUAL_TYPES, Aspect, ReviewKind, Training, VisitType
from .periods import Quarter, recent_quarters

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024

# The first bytes of the image formats phones produce: the upload's name and declared type are not trusted.
IMAGE_SIGNATURES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"))
HEIF_BRANDS = (b"heic", b"heix", b"heif", b"mif1", b"msf1")


def image_extension(head: bytes) -> str | None:
    """The file extension of a JPEG, PNG, GIF, WebP or HEIC/HEIF image from its first bytes; None if not one."""
    for signature, extension in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return ".heic"
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once: images only, each at most 5 MB, at most five."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)s photos per visit."), params={"n": MAX_PHOTOS})
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload.size > MAX_PHOTO_BYTES:
                raise ValidationError(
                    _("“%(name)s” is larger than 5 MB."), params={"name": upload.name}, code="too_large"
                )
            head = upload.read(16)
            upload.seek(0)
            extension = image_extension(head)
            if extension is None:
                raise ValidationError(_("“%(name)s” is not a photo."), params={"name": upload.name}, code="not_image")
            # Stored under a name of our making: the type served later follows the bytes, not what was uploaded.
            upload.name = f"foto{extension}"
            cleaned.append(upload)
        return cleaned


class ActionsField(forms.CharField):
    """What was done, one action per line: stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        text = super().clean(value)
        return [line.strip(" •-\t") for line in text.splitlines() if line.strip(" •-\t")]


def staff_choices(programmes):
    """Facilitators and coordinators who work in ``programmes``: who may be present at a visit or own a task."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=["facilitator", "coordinator"])
        .filter(programme_assignments__programme__in=programmes)
        .distinct()
    )


def staff_for(user, programmes):
    """The user herself and the staff of ``programmes``: the choices of "present" and "who does it"."""
    return get_user_model().objects.filter(Q(pk=user.pk) | Q(pk__in=staff_choices(programmes).values("pk")))


class FormMadeAtField(forms.DateTimeField):
    """When the form was made: filled when it is shown (ISO time, kept with the phone's draft and outbox entry),
    sent back hidden. Optional, and a value that is not a time counts as none: it only tells whether the world
    moved while the form waited (``mentoring.reviews``), so it can never make a form fail."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", timezone.now)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None

    def prepare_value(self, value):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).isoformat(timespec="seconds")
        return value

    def read(self, data) -> dt.datetime | None:
        """The time a posted form carries, before (or without) validating the rest of it."""
        return self.to_python(data.get("form_made_at"))


class VisitFormBase(forms.Form):
    """What every visit records; the beneficiary and group forms add their parts."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    form_made_at = FormMadeAtField()
    visited_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    aspects = forms.MultipleChoiceField(
        label=_("Aspects covered"), choices=Aspect.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    obstacles = forms.CharField(
        label=_("Obstacles (kendala)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competition = forms.CharField(label=_("Competition"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    actions = ActionsField(
        label=_("What was done"),
        required=False,
        help_text=_("One per line, e.g. “Opened a Shopee shop”, “Designed a label”."),
    )
    next_visit_on = forms.DateField(label=_("Next visit"), widget=DateInput(), required=False)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Staff present"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(label=_("Other notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("Photos"), help_text=_("Optional: up to 5 photos, 5 MB each."))

    def __init__(self, *args, user, programmes, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_uuid", uuid.uuid4())
        kwargs["initial"].setdefault("facilitators", [user.pk])
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["facilitators"].queryset = staff_for(user, programmes)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        day, following = cleaned.get("visited_on"), cleaned.get("next_visit_on")
        if day and following and following < day:
            self.add_error("next_visit_on", _("The next visit cannot be before this one."))
        return cleaned


class HomeVisitForm(VisitFormBase):
    """A visit to one woman, with what it changes on her business."""

    visit_type = forms.ChoiceField(
        label=_("Type"), choices=[(t.value, t.label) for t in INDIVIDUAL_TYPES], initial=VisitType.HOME_VISIT
    )
    business = forms.ModelChoiceField(
        label=_("Business"), queryset=Business.objects.none(), required=False, empty_label=_("— none —")
    )
    business_status = forms.ChoiceField(
        label=_("Business status now"),
        choices=[("", _("— as before —")), *BusinessStatus.choices],
        required=False,
        help_text=_("Pick a status only if it changed; the business record is updated."),
    )
    business_note = forms.CharField(
        label=_("How the business looked"),
        max_length=200,
        required=False,
        help_text=_("A short note; the reason when it is paused or stopped."),
    )
    permit_kind = forms.ChoiceField(
        label=_("Permit obtained"), choices=[("", _("— none —")), *PermitKind.choices], required=False
    )
    permit_number = forms.CharField(label=_("Permit number"), max_length=60, required=False)
    channel = forms.ChoiceField(
        label=_("Online channel opened"), choices=[("", _("— none —")), *Channel.choices], required=False
    )
    channel_address = forms.CharField(label=_("Link or account name"), max_length=200, required=False)

    field_order = ["client_uuid", "form_made_at", "visit_type", "visited_on"]

    def __init__(self, *args, beneficiary: Beneficiary, **kwargs):
        programmes = Programme.objects.filter(enrolments__beneficiary=beneficiary)
        super().__init__(*args, programmes=programmes, **kwargs)
        businesses = beneficiary.businesses.select_related("business_type")
        self.fields["business"].queryset = businesses
        if not self.is_bound:
            running = [b for b in businesses if b.status == BusinessStatus.RUNNING] or list(businesses)
            if running:
                self.fields["business"].initial = running[0].pk

    def clean(self):
        cleaned = super().clean()
        business = cleaned.get("business")
        changes = cleaned.get("business_status") or cleaned.get("permit_kind") or cleaned.get("channel")
        if changes and business is None:
            self.add_error("business", _("Choose the business these changes are for."))
        return cleaned


class GroupSessionForm(VisitFormBase):
    """A session with a group: attendance is taken from the group's current members."""

    attendees = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=Beneficiary.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = ["client_uuid", "form_made_at", "visited_on", "attendees"]

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, programmes=Programme.objects.filter(pk=group.programme_id), **kwargs)
        self.group = group
        # Members of the group on the day of the session (today when the form opens).
        self.fields["attendees"].queryset = Beneficiary.objects.filter(
            pk__in=Membership.objects.current().filter(group=group).values("beneficiary_id")
        ).order_by("full_name")

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("visited_on")
        if day and cleaned.get("attendees"):
            members = set(
                Membership.objects.current(on=day).filter(group=self.group).values_list("beneficiary_id", flat=True)
            )
            strangers = [b.full_name for b in cleaned["attendees"] if b.pk not in members]
            if strangers:
                self.add_error(
                    "attendees",
                    _("Not members of the group on that day: %(names)s.") % {"names": ", ".join(strangers)},
                )
        return cleaned


class FollowUpForm(forms.Form):
    """A task typed on the visit form; a row left empty is ignored."""

    description = forms.CharField(label=_("Follow-up task"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput(), required=False)
    owner = forms.ModelChoiceField(label=_("Who does it"), queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args, user, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = owners
        self.fields["owner"].initial = user.pk
        self.fields["owner"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description", "").strip():
            if not cleaned.get("due_on"):
                self.add_error("due_on", _("When should it be done?"))
            if not cleaned.get("owner"):
                cleaned["owner"] = self.user  # nobody chosen: the one who typed it
        return cleaned


class BaseFollowUpFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, owners, **kwargs):
        self.user, self.owners = user, owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user, "owners": self.owners}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            user=self.user,
            owners=self.owners,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def tasks(self) -> list[dict]:
        """The rows with a task typed in."""
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("description", "").strip()]


FollowUpFormSet = forms.formset_factory(FollowUpForm, formset=BaseFollowUpFormSet, extra=1, max_num=10)


def follow_up_formset(data=None, *, user, programmes):
    return FollowUpFormSet(data, prefix="fu", user=user, owners=staff_for(user, programmes))


class VisitEditForm(forms.Form):
    """Correcting a visit: its text, dates and aspects. The registry changes it made are corrected on the
    business's own page."""

    visit_type = forms.ChoiceField(label=_("Type"), choices=[(t.value, t.label) for t in INDIVIDUAL_TYPES])
    visited_on = forms.DateField(label=_("Date"), widget=DateInput())
    aspects = forms.MultipleChoiceField(
        label=_("Aspects covered"), choices=Aspect.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    business_note = forms.CharField(label=_("How the business looked"), max_length=200, required=False)
    obstacles = forms.CharField(
        label=_("Obstacles (kendala)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competition = forms.CharField(label=_("Competition"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    actions = ActionsField(label=_("What was done"), required=False, help_text=_("One per line."))
    next_visit_on = forms.DateField(label=_("Next visit"), widget=DateInput(), required=False)
    notes = forms.CharField(label=_("Other notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Staff present"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=Beneficiary.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(label=_("Why it is corrected"), max_length=100, required=False)

    def __init__(self, *args, visit, user, correcting: bool, **kwargs):
        initial = {
            **{name: getattr(visit, name) for name in ("visit_type", "visited_on", "aspects", "next_visit_on")},
            **{name: getattr(visit, name) for name in ("business_note", "obstacles", "competition", "notes")},
            "actions": visit.actions,
            "facilitators": [u.pk for u in visit.facilitators.all()],
        }
        if visit.meeting_id:
            initial["attendees"] = [b.pk for b in visit.meeting.attendees.all()]
        super().__init__(*args, initial=initial, **kwargs)
        programmes = Programme.objects.filter(pk=visit.programme_id)
        self.fields["facilitators"].queryset = staff_for(visit.author, programmes)
        if visit.is_group_session:
            del self.fields["visit_type"], self.fields["business_note"]
            self.fields["attendees"].queryset = Beneficiary.objects.filter(
                Q(pk__in=Membership.objects.filter(group=visit.group_id).values("beneficiary_id"))
            ).order_by("full_name")
        else:
            del self.fields["attendees"]
        self.correcting = correcting
        if correcting:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Kept in the visit's history with your name.")
        else:
            del self.fields["reason"]

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class FollowUpCreateForm(forms.Form):
    description = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    owner = forms.ModelChoiceField(label=_("Who does it"), queryset=get_user_model().objects.none())


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["programme", "topic", "title", "starts_on", "ends_on", "place", "trainer", "notes"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.visible_to(user)
        self.fields["programme"].queryset = programmes
        if not self.instance.pk and programmes.count() == 1:
            self.fields["programme"].initial = programmes.first()
        self.helper = FormHelper()
        self.helper.form_tag = False


class AttendanceFilterForm(forms.Form):
    """Which women the checklist shows: a group's members or a village's women (else everybody in scope)."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=None, required=False, empty_label=_("— all —"))
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Region.objects.none(), required=False, empty_label=_("— all —")
    )

    def __init__(self, *args, groups, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["village"].queryset = villages


def quarter_choices(today=None) -> list[tuple[str, str]]:
    return [(f"{q.year}-{q.quarter}", str(q)) for q in recent_quarters(today or timezone.localdate(), 8)]


def parse_quarter(value: str) -> Quarter | None:
    """ "2025-3" → Quarter(2025, 3); anything else → None."""
    try:
        year, quarter = (int(part) for part in value.split("-"))
    except (AttributeError, ValueError):
        return None
    return Quarter(year, quarter) if 1 <= quarter <= 4 and 2000 <= year <= 2100 else None


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()

    def period(self) -> Quarter | None:
        return parse_quarter(self.cleaned_data.get("quarter", "")) if self.is_valid() else None


class MonitoringRowForm(forms.Form):
    """One woman's figures on the group screen; a row left empty is skipped."""

    beneficiary = forms.IntegerField(widget=forms.HiddenInput)
    business = forms.ModelChoiceField(
        label=_("Business"), queryset=Business.objects.none(), required=False, empty_label=_("— none —")
    )
    turnover = RupiahField(label=_("Monthly turnover (Rp)"), required=False)
    assets = RupiahField(label=_("Assets (Rp)"), required=False)
    workers = forms.IntegerField(
        label=_("Workers"), min_value=0, max_value=999, required=False, widget=forms.NumberInput(attrs={"min": 0})
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)

    def __init__(self, *args, businesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Business.objects.filter(pk__in=[b.pk for b in businesses])
        # The choices come from the prefetched businesses, not one query per row.
        self.fields["business"].choices = [("", _("— none —")), *((b.pk, str(b)) for b in businesses)]
        self.fields["business"].widget.attrs["class"] = "form-select"

    def is_filled(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) not in (None, "") for name in ("turnover", "assets", "workers"))

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) not in (None, "") for name in ("turnover", "assets", "workers")):
            for name in ("turnover", "assets", "workers"):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Fill in all three figures (0 if none)."))
        return cleaned


class MonitoringForm(forms.Form):
    """One woman's figures for a quarter (women who are in no group)."""

    quarter = forms.ChoiceField(label=_("Quarter"), choices=())
    business = forms.ModelChoiceField(
        label=_("Business"), queryset=Business.objects.none(), required=False, empty_label=_("— none —")
    )
    turnover = RupiahField(label=_("Monthly turnover (Rp)"))
    assets = RupiahField(label=_("Assets (Rp)"))
    workers = forms.IntegerField(label=_("Workers"), min_value=0, max_value=999, initial=0)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()
        businesses = beneficiary.businesses.select_related("business_type")
        self.fields["business"].queryset = businesses
        if not self.is_bound and businesses:
            self.fields["business"].initial = businesses[0].pk
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_quarter(self):
        period = parse_quarter(self.cleaned_data["quarter"])
        if period is None:
            raise ValidationError(_("Choose a quarter."))
        return period


class MonitoringImportForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_("Columns: nik, year, quarter, turnover, assets, workers, notes (optional)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReviewFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("open", _("Open")), ("seen", _("Seen")), ("all", _("All"))],
        required=False,
    )
    kind = forms.ChoiceField(label=_("What landed"), choices=[("", _("All")), *ReviewKind.choices], required=False)
