"""Writes to the registry that carry rules. Views, imports and the demo all go through these."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Enrolment,
    EnrolmentStatus,
    Household,
    IdentifierAccess,
)


@transaction.atomic
def save_registration(*, beneficiary_form, household_form, member_formset, programme=None, enrolled_on=None, by):
    """Saves a beneficiary with her household and its members in one go; enrols her in ``programme`` if given.

    The forms must be valid. A new beneficiary registered by a facilitator joins that facilitator's caseload.
    """
    household = household_form.save(commit=False)
    if household.pk is None and household.kk_number:
        # A family card already on file: she joins that household instead of creating a second one.
        household = Household.objects.filter(kk_number=household.kk_number).first() or household
    household.save()
    member_formset.instance = household
    member_formset.save()
    beneficiary = beneficiary_form.save(commit=False)
    beneficiary.household = household
    if beneficiary.pk is None and beneficiary.facilitator_id is None and by.is_facilitator:
        beneficiary.facilitator = by
    if beneficiary.consent_date and beneficiary.consent_recorded_by_id is None:
        beneficiary.consent_recorded_by = by
    beneficiary.save()
    if programme is not None:
        enrol(beneficiary=beneficiary, programme=programme, enrolled_on=enrolled_on or timezone.localdate())
    return beneficiary


def enrol(*, beneficiary: Beneficiary, programme, enrolled_on: dt.date) -> Enrolment:
    """Enrols a beneficiary in a programme as a candidate; enrolling twice returns the existing enrolment."""
    enrolment, _created = Enrolment.objects.get_or_create(
        beneficiary=beneficiary,
        programme=programme,
        defaults={"enrolled_on": enrolled_on, "status_changed_on": enrolled_on},
    )
    return enrolment


# Where an enrolment may go next: forward through the pipeline, or out with a reason.
NEXT_STATUSES = {
    EnrolmentStatus.CANDIDATE: {EnrolmentStatus.VERIFIED, EnrolmentStatus.DROPPED_OUT},
    EnrolmentStatus.VERIFIED: {EnrolmentStatus.ACTIVE, EnrolmentStatus.DROPPED_OUT},
    EnrolmentStatus.ACTIVE: {EnrolmentStatus.GRADUATED, EnrolmentStatus.DROPPED_OUT},
    EnrolmentStatus.GRADUATED: set(),
    EnrolmentStatus.DROPPED_OUT: {EnrolmentStatus.ACTIVE},  # she came back
}


@transaction.atomic
def change_enrolment_status(*, enrolment: Enrolment, status: str, on: dt.date, reason: str = "") -> Enrolment:
    """Moves an enrolment along candidate → verified → active → graduated; dropping out needs a reason."""
    if status not in NEXT_STATUSES[enrolment.status]:
        raise ValidationError(
            _("An enrolment cannot go from “%(old)s” to “%(new)s”.")
            % {"old": enrolment.get_status_display(), "new": EnrolmentStatus(status).label}
        )
    if status == EnrolmentStatus.DROPPED_OUT and not reason.strip():
        raise ValidationError(_("Say why she dropped out."))
    if on < enrolment.enrolled_on:
        raise ValidationError(_("The date cannot be before the enrolment date."))
    enrolment.status, enrolment.status_changed_on, enrolment.status_reason = status, on, reason.strip()
    enrolment.save()
    return enrolment


@transaction.atomic
def add_business(*, beneficiary: Beneficiary, form, by) -> Business:
    """Registers a running business and the first entry of its status history."""
    business = form.save(commit=False)
    business.beneficiary = beneficiary
    business.status = BusinessStatus.RUNNING
    business.save()
    BusinessStatusChange.objects.create(
        business=business,
        status=BusinessStatus.RUNNING,
        changed_on=business.started_on or timezone.localdate(),
        recorded_by=by,
    )
    return business


@transaction.atomic
def change_business_status(*, business: Business, status: str, on: dt.date, reason: str = "", by) -> Business:
    """Records that a business is running, paused or stopped from ``on``; pausing or stopping needs a reason.

    The business's current status is the change with the latest date, so a late-entered older change keeps it.
    """
    if status != BusinessStatus.RUNNING and not reason.strip():
        raise ValidationError(_("Say why the business is paused or stopped."))
    if on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    BusinessStatusChange.objects.create(
        business=business, status=status, changed_on=on, reason=reason.strip(), recorded_by=by
    )
    latest = business.status_changes.order_by("-changed_on", "-pk").values_list("status", flat=True).first()
    if latest != business.status:
        business.status = latest
        business.save(update_fields=["status"])
    return business


@transaction.atomic
def assign_facilitator(*, beneficiaries, facilitator, by) -> int:
    """Puts the given beneficiaries in ``facilitator``'s caseload (None takes them out of any caseload).

    The facilitator must work in a programme each beneficiary is enrolled in. Returns how many moved.
    """
    beneficiaries = list(beneficiaries)
    if facilitator is not None:
        if not facilitator.is_facilitator or not facilitator.is_active:
            raise ValidationError(_("%(name)s is not an active facilitator.") % {"name": facilitator})
        facilitator_programmes = set(facilitator.programme_assignments.values_list("programme_id", flat=True))
        enrolled = {}
        for beneficiary_id, programme_id in Enrolment.objects.filter(beneficiary__in=beneficiaries).values_list(
            "beneficiary_id", "programme_id"
        ):
            enrolled.setdefault(beneficiary_id, set()).add(programme_id)
        outside = [b for b in beneficiaries if not enrolled.get(b.pk, set()) & facilitator_programmes]
        if outside:
            raise ValidationError(
                _("%(name)s does not work in the programme of: %(people)s.")
                % {"name": facilitator, "people": ", ".join(b.full_name for b in outside[:5])}
            )
    moved = [b for b in beneficiaries if b.facilitator_id != (facilitator.pk if facilitator else None)]
    now = timezone.now()
    for beneficiary in moved:
        beneficiary.facilitator, beneficiary.updated_at = facilitator, now
    # One batched UPDATE and one batched history insert, however many women are selected.
    bulk_update_with_history(
        moved,
        Beneficiary,
        ["facilitator", "updated_at"],
        default_user=by,
        default_change_reason=f"caseload assigned by {by.username}",
    )
    return len(moved)


def log_identifier_access(*, user, action: str, beneficiary=None, row_count: int = 1, detail: str = "") -> None:
    """Keeps a row for every time someone saw or exported full NIK/KK numbers."""
    IdentifierAccess.objects.create(
        user=user, action=action, beneficiary=beneficiary, row_count=row_count, detail=detail[:300]
    )
