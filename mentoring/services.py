"""Writes to mentoring that carry rules: recording and correcting visits (with the business changes and the
group meeting they make), follow-ups, training attendance and the quarterly monitoring with its decline check."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    EnrolmentStatus,
    OnlinePresence,
    Permit,
)
from beneficiaries.services import change_business_status
from groups.models import Group, Meeting, Membership
from pekka.money import format_rupiah

from .models import (
    Aspect,
    FollowUp,
    FollowUpSource,
    MonitoringReport,
    ReviewKind,
    ReviewReason,
    Training,
    TrainingAttendance,
    Visit,
    VisitPhoto,
    VisitType,
)
from .periods import Quarter, declines
from .reviews import moved_since, open_review

# How long a follow-up opened by a monitoring decline gives the facilitator.
DECLINE_FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class FollowUpSpec:
    """A task typed on the visit form."""

    description: str
    due_on: dt.date
    owner: object


def programme_for(beneficiary: Beneficiary, user=None):
    """The programme whose rules apply to a visit to her: her latest active enrolment (in one of ``user``'s
    programmes when given), else her latest enrolment of any status; None when she is enrolled nowhere."""
    enrolments = sorted(
        beneficiary.enrolments.select_related("programme"),
        key=lambda e: (e.status == EnrolmentStatus.ACTIVE, e.enrolled_on, e.pk),
        reverse=True,
    )
    if user is not None and not user.is_admin:
        mine = set(user.programme_assignments.values_list("programme_id", flat=True))
        enrolments = [e for e in enrolments if e.programme_id in mine] or enrolments
    return enrolments[0].programme if enrolments else None


def record_visit(
    *,
    client_uuid: uuid.UUID,
    author,
    visited_on: dt.date,
    visit_type: str = VisitType.HOME_VISIT,
    beneficiary: Beneficiary | None = None,
    group: Group | None = None,
    facilitators: Iterable = (),
    aspects: Iterable[str] = (),
    business: Business | None = None,
    business_status: str = "",
    business_note: str = "",
    obstacles: str = "",
    competition: str = "",
    actions: Iterable[str] = (),
    notes: str = "",
    next_visit_on: dt.date | None = None,
    permit_kind: str = "",
    permit_number: str = "",
    channel: str = "",
    channel_address: str = "",
    follow_ups: Iterable[FollowUpSpec] = (),
    attendees: Iterable[Beneficiary] = (),
    photos: Iterable = (),
    form_made_at: dt.datetime | None = None,
) -> tuple[Visit, bool]:
    """Records a visit once per ``client_uuid``: sending the same form again returns the visit already saved and
    ``False``. Everything the visit writes (the visit, the business's new status, permit or online channel, the
    follow-ups, a group session's meeting with its attendance) is saved together or not at all.

    A visit is a fact and is kept when the world moved while the phone was offline; the coordinators' review list
    then says what happened: a woman reassigned away from the author after ``form_made_at`` (the view lets such a
    visit in, ``reviews.moved_since``), or a business status seen that is older than the latest one on record
    (it goes into the history at its date; the current status stays)."""
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return _same_visit(existing, beneficiary=beneficiary, group=group), False
    try:
        with transaction.atomic():
            visit = _create_visit(
                client_uuid=client_uuid,
                author=author,
                visited_on=visited_on,
                visit_type=visit_type,
                beneficiary=beneficiary,
                group=group,
                facilitators=list(facilitators),
                aspects=list(aspects),
                business=business,
                business_status=business_status,
                business_note=business_note.strip(),
                obstacles=obstacles,
                competition=competition,
                actions=[a.strip() for a in actions if a.strip()],
                notes=notes,
                next_visit_on=next_visit_on,
                permit_kind=permit_kind,
                permit_number=permit_number,
                channel=channel,
                channel_address=channel_address,
                follow_ups=list(follow_ups),
                attendees=list(attendees),
                photos=list(photos),
                form_made_at=form_made_at,
            )
    except IntegrityError:
        # Two copies of the same form arrived together: the other one won the unique client_uuid.
        existing = Visit.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return _same_visit(existing, beneficiary=beneficiary, group=group), False
    return visit, True


def _same_visit(visit: Visit, *, beneficiary, group) -> Visit:
    """The visit a repeated form id points at, provided it is about the same woman or group."""
    if (beneficiary is not None and visit.beneficiary_id != beneficiary.pk) or (
        group is not None and visit.group_id != group.pk
    ):
        raise ValidationError(_("This form was already used for another visit. Open a new visit form."))
    return visit


def _create_visit(
    *,
    author,
    visited_on,
    visit_type,
    beneficiary,
    group,
    facilitators,
    aspects,
    business,
    business_status,
    business_note,
    actions,
    next_visit_on,
    permit_kind,
    permit_number,
    channel,
    channel_address,
    follow_ups,
    attendees,
    photos,
    form_made_at,
    **fields,
) -> Visit:
    _check_visit(
        visited_on=visited_on,
        visit_type=visit_type,
        beneficiary=beneficiary,
        group=group,
        aspects=aspects,
        business=business,
        business_status=business_status,
        business_note=business_note,
        next_visit_on=next_visit_on,
        permit_kind=permit_kind,
        channel=channel,
    )
    registry_status = _status_on(business, visited_on) if business is not None else ""
    if business is not None and not business_status:
        business_status = registry_status  # nothing new seen: the status the registry had that day
    visit = Visit(
        author=author,
        visited_on=visited_on,
        visit_type=visit_type,
        beneficiary=beneficiary,
        group=group,
        programme=group.programme if group else programme_for(beneficiary, author),
        aspects=aspects,
        business=business,
        business_status=business_status,
        business_note=business_note,
        actions=actions,
        next_visit_on=next_visit_on,
        **fields,
    )
    visit._history_user = author
    if business is not None:
        if business_status != registry_status:
            visit.status_change = _record_status(business, business_status, visited_on, business_note, author)
        visit.permit = _record_permit(business, permit_kind, permit_number, visited_on, author)
        visit.online_presence = _record_channel(business, channel, channel_address, visited_on, author)
    if group is not None:
        visit.meeting = _record_meeting(
            group=group,
            visited_on=visited_on,
            aspects=aspects,
            actions=actions,
            next_visit_on=next_visit_on,
            attendees=attendees,
            author=author,
        )
    visit.save()
    visit.facilitators.set(facilitators or [author])
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                visit=visit,
                beneficiary=beneficiary,
                group=group,
                description=spec.description.strip(),
                due_on=spec.due_on,
                owner=spec.owner,
                source=FollowUpSource.VISIT,
            )
            for spec in follow_ups
        ]
    )
    for photo in photos:
        VisitPhoto.objects.create(visit=visit, image=photo)
    _review_what_moved(visit, form_made_at)
    return visit


def _review_what_moved(visit: Visit, form_made_at) -> None:
    """Opens the review items of a visit that landed although the world moved (see ``record_visit``)."""
    common = {
        "kind": ReviewKind.VISIT,
        "visit": visit,
        "author": visit.author,
        "programme": visit.programme,
        "beneficiary": visit.beneficiary,
        "group": visit.group,
        "form_made_at": form_made_at,
    }
    woman = visit.beneficiary
    if woman is not None and visit.author.is_facilitator and woman.facilitator_id != visit.author_id:
        move = moved_since(woman, visit.author, form_made_at)
        if move is not None:
            open_review(
                reason=ReviewReason.REASSIGNED,
                moved_to_id=move.to_id,
                happened_on=timezone.localdate(move.at),
                **common,
            )
    if visit.status_change is not None:
        later = (
            visit.business.status_changes.filter(changed_on__gt=visit.visited_on).order_by("-changed_on", "-pk").first()
        )
        if later is not None:
            open_review(
                reason=ReviewReason.LATER_STATUS,
                status_change=visit.status_change,
                happened_on=later.changed_on,
                detail=later.status,
                **{**common, "kind": ReviewKind.BUSINESS_STATUS},
            )


def _check_visit(
    *,
    visited_on,
    visit_type,
    beneficiary,
    group,
    aspects,
    business,
    business_status,
    business_note,
    next_visit_on,
    permit_kind,
    channel,
) -> None:
    """The rules of a visit that no single form field can check."""
    errors = {}
    if (group is None) == (beneficiary is None):
        raise ValidationError(_("A visit is to one woman or to one group."))
    if (visit_type == VisitType.GROUP_SESSION) != (group is not None):
        errors["visit_type"] = _("A group session is recorded for a group; other visits for one woman.")
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("The date cannot be in the future.")
    if next_visit_on and next_visit_on < visited_on:
        errors["next_visit_on"] = _("The next visit cannot be before this one.")
    if unknown := set(aspects) - set(Aspect.values):
        errors["aspects"] = _("Unknown aspect: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    if business is None:
        if business_status or permit_kind or channel:
            errors["business"] = _("Choose the business these changes are for.")
    else:
        if beneficiary is None or business.beneficiary_id != beneficiary.pk:
            errors["business"] = _("This business is not hers.")
        changing = business_status and business_status != _status_on(business, visited_on)
        if changing and business_status != BusinessStatus.RUNNING and not business_note:
            errors["business_note"] = _("Say why the business is paused or stopped.")
        if permit_kind and Permit.objects.filter(business=business, kind=permit_kind).exists():
            errors["permit_kind"] = _("This business already has this permit.")
    if errors:
        raise ValidationError(errors)


def _status_on(business: Business, day: dt.date) -> str:
    """The business's status on ``day`` by its history (a visit may be entered days later)."""
    change = business.status_changes.filter(changed_on__lte=day).order_by("-changed_on", "-pk").first()
    return change.status if change else business.status


def _record_status(business, status, on, note, author) -> BusinessStatusChange:
    """Writes the new status the visit saw to the registry's history of the business."""
    change_business_status(business=business, status=status, on=on, reason=note, by=author)
    return business.status_changes.order_by("-pk").first()


def _record_permit(business, kind, number, on, author) -> Permit | None:
    if not kind:
        return None
    permit = Permit(business=business, kind=kind, number=number.strip(), issued_on=on)
    permit._history_user = author
    permit.save()
    return permit


def _record_channel(business, channel, address, on, author) -> OnlinePresence | None:
    if not channel:
        return None
    presence = OnlinePresence(business=business, channel=channel, address=address.strip(), since=on)
    presence._history_user = author
    presence.save()
    return presence


def _record_meeting(*, group, visited_on, aspects, actions, next_visit_on, attendees, author) -> Meeting:
    """The group meeting that holds a group session's attendance; only the group's members that day count."""
    members = set(
        Membership.objects.current(on=visited_on).filter(group=group).values_list("beneficiary_id", flat=True)
    )
    strangers = [a for a in attendees if a.pk not in members]
    if strangers:
        raise ValidationError(
            {"attendees": _("Not members of the group: %(names)s.") % {"names": ", ".join(map(str, strangers))}}
        )
    labels = dict(Aspect.choices)
    topic = _("Mentoring session")
    if aspects:
        topic = f"{topic}: {', '.join(str(labels[a]) for a in aspects)}"
    meeting = Meeting(
        group=group,
        held_on=visited_on,
        topic=topic[:200],
        decisions="\n".join(actions),
        next_meeting_on=next_visit_on,
        recorded_by=author,
    )
    meeting._history_user = author
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


# The fields a correction may change; the registry changes a visit made stay on the registry's own pages.
EDITABLE_FIELDS = (
    "visit_type",
    "visited_on",
    "aspects",
    "business_note",
    "obstacles",
    "competition",
    "actions",
    "notes",
    "next_visit_on",
)


@transaction.atomic
def correct_visit(*, visit: Visit, by, reason: str = "", facilitators=None, attendees=None, **changes) -> Visit:
    """Edits a visit (the author within the edit window, a coordinator afterwards: the view checks who); the
    history keeps the old values, who changed them and why."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    for name, value in changes.items():
        setattr(visit, name, value)
    if "actions" in changes:
        visit.actions = [a.strip() for a in visit.actions if a.strip()]
    if visit.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The date cannot be in the future.")})
    if visit.next_visit_on and visit.next_visit_on < visit.visited_on:
        raise ValidationError({"next_visit_on": _("The next visit cannot be before this one.")})
    visit._history_user = by
    visit._change_reason = reason.strip()[:100] or None
    visit.save()
    if facilitators is not None:
        visit.facilitators.set(facilitators)
    if visit.meeting_id:
        meeting = visit.meeting
        meeting.held_on, meeting.next_meeting_on = visit.visited_on, visit.next_visit_on
        meeting.decisions = "\n".join(visit.actions)
        meeting._history_user = by
        meeting.save()
        if attendees is not None:
            meeting.attendees.set(attendees)
    return visit


@transaction.atomic
def add_follow_up(
    *, description: str, due_on: dt.date, owner, beneficiary=None, group=None, visit=None, by
) -> FollowUp:
    """Opens a task for ``owner`` about a woman or a group."""
    if beneficiary is None and group is None:
        raise ValidationError(_("A follow-up is about a woman or a group."))
    return FollowUp.objects.create(
        description=description.strip(),
        due_on=due_on,
        owner=owner,
        beneficiary=beneficiary,
        group=group,
        visit=visit,
        source=FollowUpSource.VISIT if visit else FollowUpSource.OTHER,
    )


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, on: dt.date | None = None, by) -> FollowUp:
    """Marks a task done (doing it twice keeps the first date)."""
    if follow_up.done_on is None:
        follow_up.done_on, follow_up.done_by = on or timezone.localdate(), by
        follow_up._history_user = by
        follow_up.save()
    return follow_up


@transaction.atomic
def reopen_follow_up(*, follow_up: FollowUp, by) -> FollowUp:
    """Undoes "done" (a tap by mistake)."""
    follow_up.done_on = follow_up.done_by = None
    follow_up._history_user = by
    follow_up.save()
    return follow_up


@transaction.atomic
def set_attendance(*, training: Training, present: Iterable[Beneficiary], scope, by) -> tuple[int, int]:
    """Makes the attendance of the women in ``scope`` (the checklist she was shown) exactly ``present``; the
    attendance of women outside it is left alone. Returns (added, removed)."""
    scope_ids = set(scope.values_list("pk", flat=True))
    wanted = {b.pk for b in present} & scope_ids
    current = set(training.attendance.filter(beneficiary_id__in=scope_ids).values_list("beneficiary_id", flat=True))
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, beneficiary_id=pk, recorded_by=by) for pk in wanted - current]
    )
    removed, _deleted = training.attendance.filter(beneficiary_id__in=current - wanted).delete()
    return len(wanted - current), removed


def record_monitoring(
    *,
    beneficiary: Beneficiary,
    programme,
    year: int,
    quarter: int,
    assets,
    turnover,
    workers: int,
    business: Business | None = None,
    notes: str = "",
    by,
) -> MonitoringReport:
    """Saves (or corrects) one woman's figures for a quarter, then compares them with the quarter before: a fall
    of turnover, assets or workers by more than the programme's threshold flags the report and opens a
    follow-up for her facilitator. The quarter after, if already entered, is compared again."""
    if business is not None and business.beneficiary_id != beneficiary.pk:
        raise ValidationError({"business": _("This business is not hers.")})
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    if Quarter(year, quarter).start > timezone.localdate():
        raise ValidationError(_("This quarter has not started yet."))
    with transaction.atomic():
        report, _created = MonitoringReport.objects.update_or_create(
            beneficiary=beneficiary,
            business=business,
            year=year,
            quarter=quarter,
            defaults={
                "programme": programme,
                "assets": assets,
                "turnover": turnover,
                "workers": workers,
                "notes": notes,
                "recorded_by": by,
            },
        )
        _check_decline(report, by=by)
        following = Quarter(year, quarter).next()
        later = MonitoringReport.objects.filter(
            beneficiary=beneficiary, business=business, year=following.year, quarter=following.quarter
        ).first()
        if later is not None:
            _check_decline(later, by=by)
    return report


FIGURE_LABELS = {
    "turnover": gettext_lazy("Turnover"),
    "assets": gettext_lazy("Assets"),
    "workers": gettext_lazy("Workers"),
}


def _check_decline(report: MonitoringReport, *, by) -> None:
    """Flags ``report`` and opens one follow-up when it fell against the quarter before; unflags it (and closes
    the automatic follow-up) when a correction removes the fall."""
    before = Quarter(report.year, report.quarter).previous()
    previous = MonitoringReport.objects.filter(
        beneficiary=report.beneficiary_id, business=report.business_id, year=before.year, quarter=before.quarter
    ).first()
    found = []
    if previous is not None:
        found = declines(
            before={"turnover": previous.turnover, "assets": previous.assets, "workers": previous.workers},
            after={"turnover": report.turnover, "assets": report.assets, "workers": report.workers},
            threshold_percent=report.programme.decline_threshold_percent,
        )
    reason = "; ".join(_describe(d) for d in found)[:300]
    if report.flagged != bool(found) or report.flag_reason != reason:
        report.flagged, report.flag_reason = bool(found), reason
        report._history_user = by
        report.save(update_fields=["flagged", "flag_reason", "updated_at"])
    automatic = report.follow_ups.filter(source=FollowUpSource.MONITORING)
    if found:
        if not automatic.open().exists():
            beneficiary = report.beneficiary
            FollowUp.objects.create(
                monitoring_report=report,
                beneficiary=beneficiary,
                description=(
                    _("Visit: her business fell in %(period)s (%(reason)s)")
                    % {"period": report.period_label, "reason": reason}
                )[:300],
                due_on=timezone.localdate() + dt.timedelta(days=DECLINE_FOLLOW_UP_DAYS),
                owner=beneficiary.facilitator or by,
                source=FollowUpSource.MONITORING,
            )
    else:
        for follow_up in automatic.open():
            complete_follow_up(follow_up=follow_up, by=by)


def _describe(decline) -> str:
    if decline.figure == "workers":
        before, after = int(decline.before), int(decline.after)
    else:
        before, after = format_rupiah(decline.before), format_rupiah(decline.after)
    return f"{FIGURE_LABELS[decline.figure]} −{decline.percent}%: {before} → {after}"


@transaction.atomic
def import_monitoring(*, rows, programme, beneficiaries, by) -> int:
    """Saves checked spreadsheet rows (``importers.parse_monitoring_file``) for women of ``programme`` found by
    NIK among ``beneficiaries`` (what the importer may see): all rows or none. A row is about her first running
    business (her first business if none runs). Returns how many reports were saved."""
    women = {
        b.nik: b
        for b in beneficiaries.filter(nik__in=[r.nik for r in rows], enrolments__programme=programme)
        .prefetch_related("businesses")
        .distinct()
    }
    unknown = [f"{r.line}: {r.nik}" for r in rows if r.nik not in women]
    if unknown:
        raise ValidationError(
            _("No woman of this programme that you may see has these NIKs (line: NIK): %(rows)s.")
            % {"rows": "; ".join(unknown[:10])}
        )
    for row in rows:
        woman = women[row.nik]
        businesses = list(woman.businesses.all())
        running = [b for b in businesses if b.status == BusinessStatus.RUNNING] or businesses
        record_monitoring(
            beneficiary=woman,
            business=running[0] if running else None,
            programme=programme,
            year=row.year,
            quarter=row.quarter,
            turnover=row.turnover,
            assets=row.assets,
            workers=row.workers,
            notes=row.notes,
            by=by,
        )
    return len(rows)
