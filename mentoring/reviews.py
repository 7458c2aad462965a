"""The coordinators' review list of field entries that landed although the world moved while the phone was
offline: finding out whether it moved (a woman reassigned after the form was made), opening an item, marking it seen.

``form_made_at`` comes from the phone. It decides only whether something happened after the form was made (so the
entry lands instead of being refused); it never sets a date of record or an amount, and a form older than
``OFFLINE_WINDOW`` or made in the future lands nothing that would be refused otherwise."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary

from .models import FieldReview

# How long a form may wait on a phone and still land for a woman who left the sender's caseload meanwhile.
OFFLINE_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True)
class Move:
    """A woman left a facilitator's caseload: to whom (None: to nobody) and when."""

    to_id: int | None
    at: dt.datetime


def made_at_is_credible(made_at: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """Whether a phone's "form made at" can be used at all: given, not in the future, within the offline window."""
    now = now or timezone.now()
    return made_at is not None and now - OFFLINE_WINDOW <= made_at <= now + dt.timedelta(minutes=5)


def moved_since(beneficiary: Beneficiary, user, made_at: dt.datetime | None) -> Move | None:
    """The move that took ``beneficiary`` out of ``user``'s caseload after ``made_at``, when she was in it then and
    is not now; None otherwise (she never was hers, or had left before the form was made). Read from the registry's
    change history."""
    if not made_at_is_credible(made_at) or beneficiary.facilitator_id == user.pk:
        return None
    history = list(
        beneficiary.history.order_by("history_date", "history_id").values_list("facilitator_id", "history_date")
    )
    then = [facilitator_id for facilitator_id, at in history if at <= made_at]
    if not then or then[-1] != user.pk:
        return None
    return next((Move(to_id=f, at=at) for f, at in history if at > made_at and f != user.pk), None)


def open_review(**fields) -> FieldReview:
    """Opens a review item; the same record with the same reason has one item, however often it is sent."""
    keys = {name: fields[name] for name in ("visit", "repayment", "status_change") if fields.get(name) is not None}
    if keys:
        existing = FieldReview.objects.filter(reason=fields["reason"], **keys).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return FieldReview.objects.create(**fields)
    except IntegrityError:
        return FieldReview.objects.get(reason=fields["reason"], **keys)


@transaction.atomic
def mark_review_seen(*, review: FieldReview, by) -> FieldReview:
    """Marks an item seen by ``by`` (once: seeing it again keeps the first reader)."""
    review = FieldReview.objects.select_for_update().get(pk=review.pk)
    if review.seen_at is None:
        review.seen_at, review.seen_by = timezone.now(), by
        review.save(update_fields=["seen_at", "seen_by"])
    return review
