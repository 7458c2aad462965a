from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Min, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Beneficiary, Business
from pekka.forms import errors_text
from pekka.permissions import (
    can_assign_group_facilitators,
    can_change_group_status,
    can_create_groups,
    can_edit_group,
    can_see_identifiers,
    require,
)
from pekka.widgets import picker_response

from .filters import filtered_groups
from .forms import (
    AddMembersForm,
    AgreementForm,
    GroupForm,
    GroupStatusForm,
    MeetingForm,
    OfficersForm,
    RemoveMemberForm,
)
from .models import Group, Meeting, Role
from .services import (
    add_agreement,
    add_members,
    change_group_status,
    eligible_members,
    record_meeting,
    remove_member,
    save_group,
    set_officers,
)

ROLE_ORDER = {Role.CHAIR: 0, Role.SECRETARY: 1, Role.TREASURER: 2, Role.MEMBER: 3}


def _visible_group(request, pk, *related):
    return get_object_or_404(Group.objects.visible_to(request.user).select_related("programme", *related), pk=pk)


def group_list(request):
    filterset, queryset = filtered_groups(request)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": filterset,
            "page": page,
            "may_create": can_create_groups(request.user),
            "filters_active": any(v for k, v in request.GET.items() if k not in {"page", "q", "sort"}),
        },
    )


def _refuse_facilitators_from(request) -> None:
    """A facilitator's form has no facilitator picker; a posted list is an attempt to choose them: 403."""
    if request.method == "POST" and "facilitators" in request.POST:
        require(can_assign_group_facilitators(request.user))


def group_create(request):
    require(can_create_groups(request.user))
    _refuse_facilitators_from(request)
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = save_group(
            group=form.save(commit=False), facilitators=form.cleaned_data.get("facilitators"), by=request.user
        )
        messages.success(request, _("Group “%(name)s” created. Now add its members.") % {"name": group.name})
        return redirect("groups:members", group.pk)
    return render(request, "groups/group_form.html", {"form": form})


def group_edit(request, pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    _refuse_facilitators_from(request)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        save_group(group=form.save(commit=False), facilitators=form.cleaned_data.get("facilitators"), by=request.user)
        messages.success(request, _("Group saved."))
        return redirect("groups:detail", group.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


def _member_rows(group, memberships):
    """One row per current member with her business, permits and meeting attendance (fixed number of queries)."""
    ids = [m.beneficiary_id for m in memberships]
    businesses = {}
    for business in (
        Business.objects.filter(beneficiary_id__in=ids)
        .select_related("business_type")
        .prefetch_related("permits", "online_presences")
        .order_by("pk")
    ):
        businesses.setdefault(business.beneficiary_id, []).append(business)
    meetings = list(group.meetings.order_by("held_on"))
    present = set(
        Meeting.attendees.through.objects.filter(meeting__group=group).values_list("meeting_id", "beneficiary_id")
    )
    figures = _mentoring_figures(group, ids)
    rows = []
    for m in memberships:
        own = businesses.get(m.beneficiary_id, [])
        main = next((b for b in own if b.business_type_id == group.business_type_id), own[0] if own else None)
        since = [mt for mt in meetings if mt.held_on >= m.member_since]
        rows.append(
            {
                "membership": m,
                "beneficiary": m.beneficiary,
                "business": main,
                "permits": [p for b in own for p in b.permits.all()],
                "online": [o for b in own for o in b.online_presences.all()],
                "meetings_held": len(since),
                "meetings_attended": sum(1 for mt in since if (mt.pk, m.beneficiary_id) in present),
                **figures.get(m.beneficiary_id, {}),
            }
        )
    return rows


def _mentoring_figures(group, beneficiary_ids) -> dict:
    """Turnover, trainings and visits per member, from the mentoring app (a fixed number of queries)."""
    from mentoring.panels import member_figures

    return member_figures(group=group, beneficiary_ids=beneficiary_ids)


def _app_sections(request, group) -> list[str]:
    from loans.panels import group_sections as loans_sections
    from mentoring.panels import group_sections as mentoring_sections

    return [*mentoring_sections(request, group), *loans_sections(request, group)]


def group_detail(request, pk):
    """The progress page: what a manager reads in a minute about one group."""
    group = _visible_group(request, pk, "business_type", "village")
    today = timezone.localdate()
    memberships = list(
        group.memberships.current(on=today)
        .select_related("beneficiary__household__village")
        .order_by("beneficiary__full_name")
    )
    first_joined = dict(
        group.memberships.filter(beneficiary_id__in=[m.beneficiary_id for m in memberships])
        .values("beneficiary_id")
        .annotate(first=Min("joined_on"))
        .values_list("beneficiary_id", "first")
    )
    for m in memberships:
        m.member_since = first_joined.get(
            m.beneficiary_id, m.joined_on
        )  # an officer row starts later than her membership
    memberships.sort(key=lambda m: (ROLE_ORDER[m.role], m.beneficiary.full_name))
    rows = _member_rows(group, memberships)
    meetings = list(group.meetings.prefetch_related("attendees")[:5])
    last_meeting = meetings[0] if meetings else None
    running = sum(1 for r in rows if r["business"] and r["business"].status == "running")
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "rows": rows,
            "officers": [r for r in rows if r["membership"].role != Role.MEMBER],
            "meetings": meetings,
            "meeting_count": group.meetings.count(),
            "last_meeting": last_meeting,
            "days_since_meeting": (today - last_meeting.held_on).days if last_meeting else None,
            "agreements": group.agreements.filter(ended_on__isnull=True).select_related("recorded_by"),
            "running": running,
            "permit_count": sum(len(r["permits"]) for r in rows),
            "online_count": sum(1 for r in rows if r["online"]),
            "may_edit": can_edit_group(request.user, group),
            "status_form": GroupStatusForm(group=group) if can_change_group_status(request.user, group) else None,
            "sections": _app_sections(request, group),
            "today": today,
        },
    )


def group_members(request, pk):
    """Members and officers: add from the registry, remove, change officers, see who held what when."""
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    today = timezone.localdate()
    history = list(
        group.memberships.select_related("beneficiary", "recorded_by").order_by("-left_on", "beneficiary__full_name")
    )
    current = sorted(
        [m for m in history if m.joined_on <= today and (m.left_on is None or m.left_on > today)],
        key=lambda m: (ROLE_ORDER[m.role], m.beneficiary.full_name),
    )
    return render(
        request,
        "groups/group_members.html",
        {
            "group": group,
            "current": current,
            "history": sorted(history, key=lambda m: (m.beneficiary.full_name, m.joined_on)),
            "add_form": AddMembersForm(group=group, user=request.user),
            "officers_form": OfficersForm(group=group),
            "remove_form": RemoveMemberForm(),
        },
    )


def member_candidates(request, pk):
    """JSON for the member picker: women of the group's programme the user may see, not yet in the group."""
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    query = request.GET.get("q", "")
    people = (
        (eligible_members(group) & Beneficiary.objects.visible_to(request.user))
        .exclude(pk__in=group.memberships.open().values("beneficiary_id"))
        .search(query, partial_identifiers=can_see_identifiers(request.user))
        .select_related("household__village")
        .order_by("full_name")[:20]
    )
    results = [
        {
            "id": b.pk,
            "text": b.full_name,
            "parents": b.household.village.name if b.household and b.household.village else "",
        }
        for b in people
    ]
    return JsonResponse({"results": results})


@require_POST
def member_add(request, pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    form = AddMembersForm(request.POST, group=group, user=request.user)
    if form.is_valid():
        try:
            added = add_members(
                group=group,
                beneficiaries=list(form.cleaned_data["beneficiaries"]),
                joined_on=form.cleaned_data["joined_on"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)d member(s) added.") % {"n": len(added)})
    else:
        messages.error(request, _("Nobody was added: %(errors)s") % {"errors": errors_text(form)})
    return redirect("groups:members", group.pk)


@require_POST
def member_remove(request, pk, membership_pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    membership = get_object_or_404(group.memberships.select_related("beneficiary"), pk=membership_pk)
    form = RemoveMemberForm(request.POST)
    if form.is_valid():
        try:
            remove_member(
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s left the group.") % {"name": membership.beneficiary.full_name})
    else:
        messages.error(request, errors_text(form))
    return redirect("groups:members", group.pk)


@require_POST
def officers_set(request, pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    form = OfficersForm(request.POST, group=group)
    if form.is_valid():
        try:
            set_officers(
                group=group,
                officers={role: form.cleaned_data[role] for role in ("chair", "secretary", "treasurer")},
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Officers saved."))
    else:
        messages.error(request, errors_text(form))
    return redirect("groups:members", group.pk)


@require_POST
def group_status(request, pk):
    group = _visible_group(request, pk)
    require(can_change_group_status(request.user, group))
    form = GroupStatusForm(request.POST, group=group)
    if form.is_valid():
        try:
            change_group_status(
                group=group,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, errors_text(form))
    return redirect("groups:detail", group.pk)


def meeting_create(request, pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    form = MeetingForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = data["client_uuid"]
        repeated = key is not None and Meeting.objects.filter(client_uuid=key).exists()
        try:
            meeting = record_meeting(
                group=group,
                held_on=data["held_on"],
                topic=data["topic"],
                place=data["place"],
                decisions=data["decisions"],
                next_meeting_on=data["next_meeting_on"],
                attendees=list(data["attendees"]),
                by=request.user,
                client_uuid=key,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if repeated:
                messages.info(request, _("This meeting was already recorded; here it is."))
                return redirect("groups:meeting_detail", group.pk, meeting.pk)
            messages.success(
                request,
                _("Meeting recorded: %(n)d of %(total)d members present.")
                % {"n": meeting.attendees.count(), "total": group.memberships.current(on=meeting.held_on).count()},
            )
            return redirect("groups:meeting_detail", group.pk, meeting.pk)
    members_today = set(group.memberships.current().values_list("beneficiary_id", flat=True))
    return render(request, "groups/meeting_form.html", {"group": group, "form": form, "members_today": members_today})


def meeting_detail(request, pk, meeting_pk):
    group = _visible_group(request, pk)
    meeting = get_object_or_404(
        group.meetings.select_related("recorded_by").prefetch_related(
            Prefetch("attendees", queryset=Beneficiary.objects.order_by("full_name"))
        ),
        pk=meeting_pk,
    )
    members_then = list(
        group.memberships.current(on=meeting.held_on).select_related("beneficiary").order_by("beneficiary__full_name")
    )
    present = {b.pk for b in meeting.attendees.all()}
    return render(
        request,
        "groups/meeting_detail.html",
        {
            "group": group,
            "meeting": meeting,
            "absent": [m.beneficiary for m in members_then if m.beneficiary_id not in present],
            "member_count": len(members_then),
        },
    )


def meeting_list(request, pk):
    group = _visible_group(request, pk)
    meetings = group.meetings.prefetch_related("attendees").select_related("recorded_by")
    page = Paginator(meetings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "groups/meeting_list.html", {"group": group, "page": page})


def agreement_create(request, pk):
    group = _visible_group(request, pk)
    require(can_edit_group(request.user, group))
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        add_agreement(group=group, by=request.user, **form.cleaned_data)
        messages.success(request, _("Agreement recorded."))
        return redirect("groups:agreements", group.pk)
    agreements = group.agreements.select_related("recorded_by").order_by("kind", "subject", "-agreed_on")
    return render(request, "groups/agreement_list.html", {"group": group, "form": form, "agreements": agreements})


def group_search(request):
    """JSON for long pickers of groups (``pekka.widgets.RemoteSelect``): ?q=sulaman → the first 20 she may see."""
    return picker_response(
        request,
        lambda query: (
            Group.objects.visible_to(request.user)
            .filter(name__icontains=query)
            .select_related("village", "programme")
            .order_by("name", "pk")
        ),
        lambda g: (g.name, f"{g.village.name} · {g.programme.short_name or g.programme.name}"),
    )
