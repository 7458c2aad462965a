"""Visit pages: the phone-first visit form (a woman or a group), the visit, its correction, the list, photos."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from beneficiaries.models import Beneficiary
from groups.models import Group
from pekka.filtering import apply_filters
from pekka.paging import LargeListPaginator
from pekka.permissions import (
    can_complete_follow_up,
    can_edit_visit,
    can_record_visit,
    can_review_field_entries,
    require,
)
from pekka.programmes.models import Programme

from ..filters import VisitFilter
from ..forms import FormMadeAtField, GroupSessionForm, HomeVisitForm, VisitEditForm, follow_up_formset
from ..models import Visit, VisitPhoto, VisitType
from ..reviews import moved_since
from ..services import FollowUpSpec, correct_visit, record_visit
from .common import add_service_errors

# The form fields record_visit takes as they are.
COMMON_FIELDS = ("visited_on", "aspects", "obstacles", "competition", "actions", "next_visit_on", "notes")
HOME_FIELDS = (
    *COMMON_FIELDS,
    "visit_type",
    "business",
    "business_status",
    "business_note",
    "permit_kind",
    "permit_number",
    "channel",
    "channel_address",
)


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


def _already_recorded(request, **subject) -> Visit | None:
    """The visit a form with this id already made for the same woman or group (a double tap, a retry after a
    timeout), if the user sees it. The same id for someone else goes on to the service, which refuses it."""
    client_uuid = _uuid_or_none(request.POST.get("client_uuid"))
    if client_uuid is None:
        return None
    return Visit.objects.visible_to(request.user).filter(client_uuid=client_uuid, **subject).first()


def _answer_repeat(request, visit: Visit):
    if not Visit.objects.visible_to(request.user).filter(pk=visit.pk).exists():
        return _answer_landed(request)
    messages.info(request, _("This visit was already recorded; here it is."))
    return redirect("mentoring:visit_detail", visit.pk)


def _answer_landed(request):
    """A visit kept for a woman who left the author's caseload while the form waited: she no longer sees it."""
    messages.info(
        request,
        _("Visit recorded. She is no longer in your caseload, so your coordinator will review it."),
    )
    return redirect("mentoring:visit_list")


def _visit_subject(request, pk) -> Beneficiary:
    """The woman a visit form is for: one the user sees; or, for a posted form, one who was in the facilitator's
    caseload when the form was made and was reassigned since (the visit is a fact: it lands, and is reviewed)."""
    visible = Beneficiary.objects.visible_to(request.user).select_related("household__village")
    woman = visible.filter(pk=pk).first()
    if woman is not None:
        return woman
    if request.method == "POST" and request.user.is_facilitator:
        woman = Beneficiary.objects.select_related("household__village").filter(pk=pk).first()
        if woman is not None and moved_since(woman, request.user, FormMadeAtField().read(request.POST)):
            return woman
    raise Http404


def _save(request, form, follow_ups, **subject):
    """Hands a valid form to record_visit; returns the redirect, or None with the service's errors on the form."""
    data = form.cleaned_data
    names = HOME_FIELDS if "beneficiary" in subject else (*COMMON_FIELDS, "attendees")
    try:
        visit, created = record_visit(
            client_uuid=data["client_uuid"],
            author=request.user,
            facilitators=data["facilitators"],
            follow_ups=[FollowUpSpec(t["description"], t["due_on"], t["owner"]) for t in follow_ups.tasks()],
            photos=data["photos"],
            form_made_at=data["form_made_at"],
            **{name: data[name] for name in names},
            **subject,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    if not created:
        return _answer_repeat(request, visit)
    if not Visit.objects.visible_to(request.user).filter(pk=visit.pk).exists():
        return _answer_landed(request)
    messages.success(request, _("Visit recorded."))
    return redirect("mentoring:visit_detail", visit.pk)


@never_cache
def visit_create(request, beneficiary_pk):
    """A visit to one woman. The form carries a browser-made id, so sending it twice records one visit."""
    beneficiary = _visit_subject(request, beneficiary_pk)
    require(can_record_visit(request.user, beneficiary))
    if request.method == "POST" and (repeated := _already_recorded(request, beneficiary=beneficiary)):
        return _answer_repeat(request, repeated)
    programmes = Programme.objects.filter(enrolments__beneficiary=beneficiary)
    data = request.POST if request.method == "POST" else None
    form = HomeVisitForm(data, request.FILES or None, user=request.user, beneficiary=beneficiary)
    follow_ups = follow_up_formset(data, user=request.user, programmes=programmes)
    valid = data is not None and form.is_valid() and follow_ups.is_valid()
    if valid and (response := _save(request, form, follow_ups, beneficiary=beneficiary)):
        return response
    last = beneficiary.visits.order_by("-visited_on", "-pk").only("visited_on", "next_visit_on").first()
    return render(
        request,
        "mentoring/visit_form.html",
        {
            "form": form,
            "follow_ups": follow_ups,
            "beneficiary": beneficiary,
            "subject": beneficiary,
            "last_visit": last,
            "draft_key": f"visit:beneficiary:{beneficiary.pk}",
        },
    )


@never_cache
def group_session_create(request, group_pk):
    """A session with a group; its attendance is saved as the group's meeting."""
    group = get_object_or_404(Group.objects.visible_to(request.user).select_related("programme"), pk=group_pk)
    require(can_record_visit(request.user, group))
    if request.method == "POST" and (repeated := _already_recorded(request, group=group)):
        return _answer_repeat(request, repeated)
    data = request.POST if request.method == "POST" else None
    form = GroupSessionForm(data, request.FILES or None, user=request.user, group=group)
    follow_ups = follow_up_formset(data, user=request.user, programmes=Programme.objects.filter(pk=group.programme_id))
    valid = data is not None and form.is_valid() and follow_ups.is_valid()
    if valid and (response := _save(request, form, follow_ups, group=group, visit_type=VisitType.GROUP_SESSION)):
        return response
    return render(
        request,
        "mentoring/visit_form.html",
        {
            "form": form,
            "follow_ups": follow_ups,
            "group": group,
            "subject": group,
            "draft_key": f"visit:group:{group.pk}",
        },
    )


def _visible_visit(request, pk, queryset=None):
    queryset = Visit.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(request.user), pk=pk)


def visit_detail(request, pk):
    visit = _visible_visit(
        request,
        pk,
        Visit.objects.select_related(
            "beneficiary__household__village",
            "group",
            "author",
            "programme",
            "business__business_type",
            "status_change",
            "permit",
            "online_presence",
            "meeting",
        ).prefetch_related("facilitators", "photos", "follow_ups__owner", "meeting__attendees"),
    )
    follow_ups = list(visit.follow_ups.all())
    for follow_up in follow_ups:
        follow_up.beneficiary = visit.beneficiary  # already loaded: the permission check needs her facilitator
        follow_up.may_complete = can_complete_follow_up(request.user, follow_up)
    return render(
        request,
        "mentoring/visit_detail.html",
        {
            "visit": visit,
            "follow_ups": follow_ups,
            "may_edit": can_edit_visit(request.user, visit),
            "in_window": visit.author_id == request.user.pk and timezone.now() <= visit.edit_deadline(),
            "history": _history(visit),
            "confirmed": _uuid_or_none(request.GET.get("confirmed")),
        },
    )


def _shown(value, names: dict) -> str:
    if isinstance(value, list):
        # A many-to-many change lists rows like {"visit": 1, "user": 7}: show the people.
        return ", ".join(names.get(v.get("user"), "?") if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


def _history(visit: Visit, limit: int = 10) -> list[dict]:
    """The visit's changes, newest first: who, when, why, and each field's old and new value. Saving the visit
    and then its staff makes two records at creation; a record that changed nothing visible is left out."""
    records = list(visit.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    diffs = [
        record.diff_against(before, excluded_fields=["updated_at"]).changes if before is not None else []
        for record, before in zip(records, [*records[1:], None], strict=True)
    ]
    user_ids = {
        row.get("user")
        for changes in diffs
        for change in changes
        for value in (change.old, change.new)
        if isinstance(value, list)
        for row in value
        if isinstance(row, dict)
    }
    names = {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    entries = []
    for record, changes in zip(records, diffs, strict=True):
        shown = [
            {
                "label": Visit._meta.get_field(change.field).verbose_name,
                "old": _shown(change.old, names),
                "new": _shown(change.new, names),
            }
            for change in changes
        ]
        if record.history_type != "~" or shown or record.history_change_reason:
            entries.append({"record": record, "changes": shown})
    return entries[:limit]


def visit_edit(request, pk):
    """The author edits within the programme's edit window; afterwards a coordinator corrects, with a reason."""
    visit = _visible_visit(
        request, pk, Visit.objects.select_related("beneficiary", "group", "programme", "meeting", "author")
    )
    require(can_edit_visit(request.user, visit))
    correcting = not (visit.author_id == request.user.pk and timezone.now() <= visit.edit_deadline())
    form = VisitEditForm(request.POST or None, visit=visit, user=request.user, correcting=correcting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        facilitators = data.pop("facilitators")
        attendees = data.pop("attendees", None)
        try:
            correct_visit(
                visit=visit, by=request.user, reason=reason, facilitators=facilitators, attendees=attendees, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Visit corrected.") if correcting else _("Visit saved."))
            url = reverse("mentoring:visit_detail", args=[visit.pk])
            if token := _uuid_or_none(request.POST.get("draft_token")):
                url += f"?confirmed={token}"  # the page tells the phone to drop this edit's draft
            return redirect(url)
    return render(
        request,
        "mentoring/visit_edit.html",
        {
            "visit": visit,
            "form": form,
            "correcting": correcting,
            "draft_key": f"visit:edit:{visit.pk}",
            "draft_token": _uuid_or_none(request.POST.get("draft_token")) or uuid.uuid4(),
        },
    )


def visit_list(request):
    queryset = Visit.objects.visible_to(request.user).select_related(
        "beneficiary__household__village", "group", "author", "programme"
    )
    filterset = VisitFilter(request.GET or None, queryset=queryset, request=request)
    visits = apply_filters(filterset)
    page = LargeListPaginator(visits.order_by("-visited_on", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mentoring/visit_list.html",
        {
            "filter": filterset,
            "page": page,
            "filters_active": any(v for k, v in request.GET.items() if k not in {"page", "q"}),
            "may_review": can_review_field_entries(request.user),
        },
    )


def visit_photo(request, pk):
    """A visit's photo, served only to those who may see the visit."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit"), pk=pk)
    if not Visit.objects.visible_to(request.user).filter(pk=photo.visit_id).exists():
        raise Http404
    try:
        return FileResponse(photo.image.open("rb"))
    except FileNotFoundError as exc:
        raise Http404 from exc
