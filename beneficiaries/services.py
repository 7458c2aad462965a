"""Writes to the registry that carry rules. Views, imports and the demo all go through these."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pekka.permissions import is_admin

from .models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Enrolment,
    EnrolmentStatus,
    Household,
    IdentifierAccess,
    IdentifierConflict,
)


class OutOfScopeConflict(ValidationError):
    """A NIK or KK already on file for someone outside the user's scope: the message says whom to ask and names
    nobody; ``existing`` is the record holding it, for the conflict a coordinator resolves."""

    def __init__(self, *, kind: str, existing):
        self.kind, self.existing = kind, existing
        if kind == IdentifierConflict.Kind.NIK:
            message = _(
                "This number is already registered in another programme or caseload. "
                "Ask a coordinator or an admin to resolve it."
            )
        else:
            message = _(
                "This family card (KK) belongs to a household in another programme or caseload, so she cannot be "
                "added to it from here. A coordinator or an admin must link her to it."
            )
        super().__init__(message)


def household_within_scope(household: Household, user) -> bool:
    """Whether ``user`` may join someone to ``household``: every woman registered in it is one she may see anyway
    (a household nobody is registered in belongs to no scope: only an admin)."""
    if is_admin(user):
        return True
    women = Beneficiary.objects.filter(household=household)
    return women.exists() and not women.exclude(pk__in=Beneficiary.objects.visible_to(user).values("pk")).exists()


@transaction.atomic
def save_registration(*, beneficiary_form, household_form, member_formset, programme=None, enrolled_on=None, by):
    """Saves a beneficiary with her household and its members in one go; enrols her in ``programme`` if given.

    The forms must be valid. A new beneficiary registered by a facilitator joins that facilitator's caseload.
    A KK already on file joins her to that household only when its women are all within ``by``'s scope;
    otherwise nothing is saved and ``OutOfScopeConflict`` says a coordinator must link her.
    """
    household = household_form.save(commit=False)
    if household.pk is None and household.kk_number:
        # A family card already on file: she joins that household instead of creating a second one.
        existing = Household.objects.filter(kk_number=household.kk_number).first()
        if existing is not None:
            if not household_within_scope(existing, by):
                raise OutOfScopeConflict(kind=IdentifierConflict.Kind.KK, existing=existing)
            household = existing
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


def record_identifier_conflict(
    *, conflict: OutOfScopeConflict, full_name: str, programme=None, beneficiary=None, by
) -> IdentifierConflict:
    """Keeps a refused registration for a coordinator (or an admin) to resolve: who tried, for which programme,
    and which record holds the number. One open row per (who, record, existing record): a retry adds nothing."""
    existing = {
        "existing_beneficiary" if conflict.kind == IdentifierConflict.Kind.NIK else "existing_household": (
            conflict.existing
        )
    }
    programme_id = getattr(programme, "pk", None)
    if programme_id is None and beneficiary is not None:
        # An edit: the conflict goes to the coordinators of the programme she was first enrolled in.
        programme_id = beneficiary.enrolments.order_by("enrolled_on", "pk").values_list("programme", flat=True).first()
    found = (
        IdentifierConflict.objects.open()
        .filter(kind=conflict.kind, raised_by=by, beneficiary=beneficiary, **existing)
        .first()
    )
    if found is not None:
        return found
    return IdentifierConflict.objects.create(
        kind=conflict.kind,
        full_name=full_name[:150],
        programme_id=programme_id,
        beneficiary=beneficiary,
        raised_by=by,
        **existing,
    )


@transaction.atomic
def resolve_identifier_conflict(*, conflict: IdentifierConflict, resolution: str, by) -> IdentifierConflict:
    """Closes a conflict with what was done about it (enrolled her record in this programme, linked the household,
    a different person with a mistyped number, …); the note is required and a closed conflict stays closed."""
    conflict = IdentifierConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.resolved_at is not None:
        raise ValidationError(_("This conflict has already been resolved."))
    if not resolution.strip():
        raise ValidationError(_("Say how it was resolved."))
    conflict.resolution, conflict.resolved_by, conflict.resolved_at = resolution.strip()[:300], by, timezone.now()
    conflict.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return conflict
