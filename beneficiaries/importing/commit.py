"""Importing beneficiary lists: the write. ``commit_import`` writes what ``match.match_rows`` plans, in one
transaction: every valid row or, if anything fails, nothing, with the history rows of each (``pekka.bulk``).
``commit_plan`` writes a plan matched earlier (the upload's check, kept by ``batches``).
"""

from django.db import transaction
from django.utils import timezone

from pekka import bulk

from ..models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Category,
    Enrolment,
    EnrolmentStatus,
    Household,
    Sex,
    search_text_of,
)
from .match import match_rows
from .plan import BENEFICIARY_FIELDS, Action, ImportPlan
from .read import ParsedFile


class ImportRefused(Exception):
    """The import was asked to be all-or-nothing and some rows are invalid: nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__("rows are invalid")
        self.plan = plan


def commit_import(*, parsed: ParsedFile, programme, by, all_or_nothing: bool = False, reason: str = "") -> ImportPlan:
    """Writes the valid rows of ``parsed`` to the registry in one transaction, all of them or none: households,
    women (created, or updated with the cells the file fills in), enrolments in ``programme`` and businesses, each
    with its history row by ``by``. Rows are matched again inside the transaction, so the plan is the database's
    state at the time of writing. With ``all_or_nothing``, one invalid row refuses the lot (ImportRefused)."""
    with transaction.atomic():
        plan = match_rows(parsed, programme=programme)
        return commit_plan(plan=plan, by=by, all_or_nothing=all_or_nothing, reason=reason)


def commit_plan(*, plan: ImportPlan, by, all_or_nothing: bool = False, reason: str = "") -> ImportPlan:
    """Writes an already matched plan (``match.match_rows``) in one transaction, as ``commit_import`` does. The caller
    vouches that the registry has not changed since the plan was made (``batches.commit_batch`` compares a
    fingerprint of it); with ``all_or_nothing``, one invalid row refuses the lot (ImportRefused)."""
    with transaction.atomic():
        if all_or_nothing and plan.counts[Action.INVALID]:
            raise ImportRefused(plan)
        _write(plan, by=by, reason=reason)
    return plan


_WOMAN_COLUMNS = [
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "education",
    "phone",
    "category",
    "household_id",
    "facilitator_id",
    "search_text",
    "created_at",
    "updated_at",
]


def _write(plan: ImportPlan, *, by, reason: str) -> None:
    now = timezone.now()
    today = timezone.localdate()
    stamp = bulk.HistoryStamp(date=now, user_id=by.pk if by else None, reason=reason[:100] or None)
    rows = {row.number: row for row in plan.rows}
    category = plan.programme.category if plan.programme.category in Category.values else Category.PEKKA
    with bulk.Writer(history=stamp) as writer:
        # Households first: the keys of new ones are known before anything is written, so women can point at them.
        ids = writer.insert(
            Household,
            ["kk_number", "village_id", "rt", "rw", "address", "created_at", "updated_at"],
            [(h.kk_number, h.village_id, h.rt, h.rw, h.address, now, now) for h in plan.new_households],
        )
        for household, pk in zip(plan.new_households, ids, strict=True):
            household.id = pk
        changed = [plan.households[pk] for pk in plan.changed_households]
        for household in changed:
            household.updated_at = now
        fields = sorted(set().union(*plan.changed_households.values())) if changed else []
        writer.update(Household, changed, [*fields, "updated_at"])

        new_rows = [row for row in plan.rows if row.action == Action.NEW]
        ids = writer.insert(Beneficiary, _WOMAN_COLUMNS, [_new_woman(row, plan, now, category) for row in new_rows])
        for row, pk in zip(new_rows, ids, strict=True):
            row.beneficiary_id = pk
        updated = _changed_women(plan, now)
        writer.update(
            Beneficiary, updated, [*BENEFICIARY_FIELDS, "household_id", "facilitator_id", "search_text", "updated_at"]
        )

        # Enrolments in the programme, and businesses with the first entry of their status history.
        writer.insert(
            Enrolment,
            ["beneficiary_id", "programme_id", "enrolled_on", "status", "status_changed_on", "status_reason"],
            [
                (rows[number].beneficiary_id, plan.programme.pk, today, EnrolmentStatus.CANDIDATE, today, "")
                for number in plan.enrol
            ],
        )
        ids = writer.insert(
            Business,
            ["beneficiary_id", "business_type_id", "name", "description", "status", "created_at"],
            [
                (rows[number].beneficiary_id, type_id, name, description, BusinessStatus.RUNNING, now)
                for number, type_id, name, description in plan.new_business
            ],
        )
        writer.insert(
            BusinessStatusChange,
            ["business_id", "status", "changed_on", "reason", "recorded_by_id", "recorded_at"],
            [(pk, BusinessStatus.RUNNING, today, "", stamp.user_id, now) for pk in ids],
            history=False,
            returning=False,
        )
    kk_changed = {pk for pk, fields in plan.changed_households.items() if "kk_number" in fields}
    if kk_changed:
        _refresh_search_text(kk_changed, exclude={w.id for w in updated})


def _new_woman(row, plan: ImportPlan, now, category: str) -> tuple:
    """A new woman's values, in the order of _WOMAN_COLUMNS; ``category`` unless the row gives hers."""
    household = plan.household_of[row.number]
    phone = row.phone or ""
    return (
        row.nik or "",
        row.full_name,
        row.birth_place or "",
        row.birth_date,
        row.sex or Sex.FEMALE,
        row.marital_status or "",
        row.education or "",
        phone,
        row.category or category,
        household.id,
        row.facilitator_id,
        search_text_of(full_name=row.full_name, nik=row.nik or "", kk_number=household.kk_number, phone=phone),
        now,
        now,
    )


def _changed_women(plan: ImportPlan, now) -> list:
    """The registered women the rows change, with the household they are now in and their search text."""
    row_of = {row.beneficiary_id: row for row in plan.rows if row.action == Action.UPDATE}
    updated = []
    for pk in plan.changed_women:
        woman = plan.women[pk]
        household = plan.household_of.get(row_of[pk].number)
        if household is not None:
            woman.household_id = household.id
        kk_number = household.kk_number if household is not None else ""
        woman.search_text = search_text_of(
            full_name=woman.full_name, nik=woman.nik, kk_number=kk_number, phone=woman.phone
        )
        woman.updated_at = now
        updated.append(woman)
    return updated


def _refresh_search_text(household_ids: set[int], *, exclude: set[int]) -> None:
    """Other women of households whose family card number changed: their search text has the KK in it."""
    others = list(
        Beneficiary.objects.filter(household_id__in=household_ids).exclude(pk__in=exclude).select_related("household")
    )
    for woman in others:
        woman.search_text = search_text_of(
            full_name=woman.full_name, nik=woman.nik, kk_number=woman.household.kk_number, phone=woman.phone
        )
    Beneficiary.objects.bulk_update(others, ["search_text"], batch_size=1000)
