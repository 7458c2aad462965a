"""Every write to a group that has rules: membership and officers, status, meetings and agreements."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary, Enrolment, EnrolmentStatus
from pekka.permissions import can_assign_group_facilitators, require

from .models import OFFICER_ROLES, Agreement, Group, GroupStatus, Meeting, Membership, Role

# Which statuses a group may move to from each status. Dissolving is possible from anywhere but the end.
NEXT_STATUSES = {
    GroupStatus.FORMING: [GroupStatus.ACTIVE, GroupStatus.DISSOLVED],
    GroupStatus.ACTIVE: [GroupStatus.INDEPENDENT, GroupStatus.DISSOLVED],
    GroupStatus.INDEPENDENT: [GroupStatus.ACTIVE, GroupStatus.DISSOLVED],
    GroupStatus.DISSOLVED: [],
}


def eligible_members(group: Group):
    """Beneficiaries who may join ``group``: enrolled in its programme and not dropped out."""
    enrolled = Enrolment.objects.filter(programme_id=group.programme_id).exclude(status=EnrolmentStatus.DROPPED_OUT)
    return Beneficiary.objects.filter(pk__in=enrolled.values("beneficiary_id"))


@transaction.atomic
def save_group(*, group: Group, facilitators=None, by) -> Group:
    """Saves a group and, unless ``facilitators`` is None, who accompanies it. Only coordinators, managers and
    admins choose facilitators (PermissionDenied otherwise); a facilitator who creates a group accompanies it."""
    if facilitators is not None:
        require(can_assign_group_facilitators(by))
    creating = group.pk is None
    group.save()
    if facilitators is not None:
        chosen = set(facilitators)
        if creating and by.is_facilitator:
            chosen.add(by)
        group.facilitators.set(chosen)
    elif creating and by.is_facilitator:
        group.facilitators.add(by)
    return group


@transaction.atomic
def change_group_status(*, group: Group, status: str, on: dt.date, reason: str = "", by) -> Group:
    """Moves a group along forming → active → independent; dissolving needs a reason and ends every membership."""
    if status not in NEXT_STATUSES[group.status]:
        raise ValidationError(
            _("A group that is “%(old)s” cannot become “%(new)s”.")
            % {"old": group.get_status_display(), "new": GroupStatus(status).label}
        )
    if status == GroupStatus.DISSOLVED and not reason.strip():
        raise ValidationError({"reason": _("Say why the group was dissolved.")})
    group.status, group.status_changed_on, group.status_reason = status, on, reason.strip()
    group.save(update_fields=["status", "status_changed_on", "status_reason", "updated_at"])
    if status == GroupStatus.DISSOLVED:
        Membership.objects.filter(group=group, left_on__isnull=True).update(
            left_on=on, leaving_reason=_("Group dissolved")
        )
    return group


@transaction.atomic
def add_members(*, group: Group, beneficiaries, joined_on: dt.date, by) -> list[Membership]:
    """Adds beneficiaries of the group's programme as plain members; those already in the group are skipped."""
    ids = {b.pk for b in beneficiaries}
    allowed = set(eligible_members(group).filter(pk__in=ids).values_list("pk", flat=True))
    refused = [b for b in beneficiaries if b.pk not in allowed]
    if refused:
        raise ValidationError(
            _("%(names)s cannot join: not enrolled in %(programme)s.")
            % {"names": ", ".join(b.full_name for b in refused), "programme": group.programme}
        )
    if joined_on < group.formed_on:
        raise ValidationError({"joined_on": _("Members cannot join before the group was formed.")})
    already = set(group.memberships.open().filter(beneficiary_id__in=ids).values_list("beneficiary_id", flat=True))
    return Membership.objects.bulk_create(
        [
            Membership(group=group, beneficiary=b, joined_on=joined_on, recorded_by=by)
            for b in beneficiaries
            if b.pk not in already
        ]
    )


@transaction.atomic
def remove_member(*, membership: Membership, left_on: dt.date, reason: str = "", by) -> Membership:
    """Ends a membership on ``left_on``; the row stays as history."""
    if membership.left_on is not None:
        raise ValidationError(_("She has already left this group."))
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before she joined.")})
    membership.left_on, membership.leaving_reason = left_on, reason.strip()
    membership.save(update_fields=["left_on", "leaving_reason"])
    return membership


@transaction.atomic
def set_officers(*, group: Group, officers: dict[str, Beneficiary | None], on: dt.date, by) -> None:
    """Sets the chair, secretary and treasurer from ``on`` in one step. Everyone whose role changes has her row
    closed on ``on`` and a new one opened with the new role, so the rows keep who held which office when.
    ``officers`` maps a role to a current member (or None to leave the office empty)."""
    open_rows = {
        m.beneficiary_id: m for m in group.memberships.open().select_for_update().select_related("beneficiary")
    }
    chosen = {role: b for role, b in officers.items() if b is not None}
    people = [b.pk for b in chosen.values()]
    if len(people) != len(set(people)):
        raise ValidationError(_("One person cannot hold two offices at once."))
    for role, beneficiary in chosen.items():
        if beneficiary.pk not in open_rows:
            raise ValidationError(
                _("%(name)s is not a member of this group, so she cannot be %(role)s.")
                % {"name": beneficiary.full_name, "role": Role(role).label}
            )
    wanted = {m.beneficiary_id: Role.MEMBER for m in open_rows.values()}
    for role in OFFICER_ROLES:
        if role in officers:
            if role in chosen:
                wanted[chosen[role].pk] = role
        else:  # an office not mentioned keeps its holder
            for m in open_rows.values():
                if m.role == role:
                    wanted[m.beneficiary_id] = role
    changing = [m for m in open_rows.values() if m.role != wanted[m.beneficiary_id]]
    for m in changing:
        if on < m.joined_on:
            raise ValidationError(
                {
                    "on": _("%(name)s's current role started on %(date)s; choose that date or later.")
                    % {"name": m.beneficiary.full_name, "date": m.joined_on.strftime("%d/%m/%Y")}
                }
            )
    # Close first, then open: the database allows one open row per office and per member. A row that started
    # on the same day would close with zero length and tell nothing, so it is replaced instead.
    same_day = [m.pk for m in changing if m.joined_on == on]
    Membership.objects.filter(pk__in=same_day).delete()
    closing = [m for m in changing if m.joined_on < on]
    for m in closing:
        m.left_on = on
        m.leaving_reason = _("Role changed")
    Membership.objects.bulk_update(closing, ["left_on", "leaving_reason"])
    Membership.objects.bulk_create(
        [
            Membership(
                group=group,
                beneficiary_id=m.beneficiary_id,
                role=wanted[m.beneficiary_id],
                joined_on=on,
                recorded_by=by,
            )
            for m in changing
        ]
    )


def record_meeting(
    *,
    group: Group,
    held_on: dt.date,
    topic: str,
    attendees,
    by,
    place: str = "",
    decisions: str = "",
    next_meeting_on: dt.date | None = None,
    client_uuid: uuid.UUID | None = None,
) -> Meeting:
    """Records a group meeting; only people who were members on that day can be marked present.

    ``client_uuid`` is the meeting form's key: the same form sent again (a double tap, the phone's outbox retrying)
    returns the meeting it recorded; the same key with another group, date, topic or attendance is refused."""
    attendees = list(attendees)
    fields = {
        "held_on": held_on,
        "topic": topic,
        "place": place,
        "decisions": decisions,
        "next_meeting_on": next_meeting_on,
    }
    if client_uuid is not None and (first := Meeting.objects.filter(client_uuid=client_uuid).first()):
        return _same_meeting(first, group=group, attendees=attendees, **fields)
    try:
        with transaction.atomic():
            return _record_meeting(group=group, attendees=attendees, by=by, client_uuid=client_uuid, **fields)
    except IntegrityError:
        # Two copies of the same form arrived together: the other one won the unique key.
        first = Meeting.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if first is None:
            raise
        return _same_meeting(first, group=group, attendees=attendees, **fields)


def _same_meeting(meeting: Meeting, *, group, attendees, **fields) -> Meeting:
    """The meeting a repeated key recorded, provided the form sent the same values again."""
    recorded = {name: getattr(meeting, name) for name in fields}
    present = set(meeting.attendees.values_list("pk", flat=True))
    if meeting.group_id != group.pk or recorded != fields or present != {b.pk for b in attendees}:
        raise ValidationError(
            _(
                "This form was already sent with different values. Nothing new was saved: "
                "open the form again to record another meeting."
            ),
            code="key_reused",
        )
    return meeting


def _record_meeting(*, group, held_on, attendees, by, client_uuid, next_meeting_on, **fields) -> Meeting:
    if next_meeting_on and next_meeting_on <= held_on:
        raise ValidationError({"next_meeting_on": _("The next meeting must be after this one.")})
    members_then = set(group.memberships.current(on=held_on).values_list("beneficiary_id", flat=True))
    strangers = [b for b in attendees if b.pk not in members_then]
    if strangers:
        raise ValidationError(
            {
                "attendees": _("%(names)s were not members on that day.")
                % {"names": ", ".join(b.full_name for b in strangers)}
            }
        )
    meeting = Meeting.objects.create(
        group=group,
        held_on=held_on,
        next_meeting_on=next_meeting_on,
        recorded_by=by,
        client_uuid=client_uuid,
        **fields,
    )
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def add_agreement(
    *, group: Group, kind: str, subject: str, agreed_on: dt.date, by, unit: str = "", amount=None, description: str = ""
) -> Agreement:
    """Records what the members agreed; an earlier agreement on the same subject ends on this one's date."""
    Agreement.objects.filter(group=group, kind=kind, subject__iexact=subject.strip(), ended_on__isnull=True).filter(
        agreed_on__lte=agreed_on
    ).update(ended_on=agreed_on)
    return Agreement.objects.create(
        group=group,
        kind=kind,
        subject=subject.strip(),
        unit=unit.strip(),
        amount=amount,
        description=description,
        agreed_on=agreed_on,
        recorded_by=by,
    )
