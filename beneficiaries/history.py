"""A beneficiary's change log: every recorded change to her profile, household, members, enrolments and
businesses, newest first, each with who made it and which fields changed from what to what."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from pekka.programmes.models import Programme
from pekka.regions.models import Region

from .models import Beneficiary, Business, BusinessType, Enrolment, Household, HouseholdMember, OnlinePresence, Permit
from .nik import mask_identifier

PER_SOURCE = 200
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "search_text", "household", "beneficiary", "business"}
IDENTIFIER_FIELDS = {"nik", "kk_number"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    when: dt.datetime
    who: object
    subject: str
    action: str  # "+" created, "~" changed, "-" deleted
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def change_log(beneficiary: Beneficiary, *, limit: int = 50, show_identifiers: bool = False) -> list[ChangeEntry]:
    """Her history across the registry, newest first; one query per kind of record, whatever the length.

    NIK and KK numbers are masked, old and new, unless ``show_identifiers`` (a logged reveal)."""
    business_ids = list(beneficiary.businesses.values_list("pk", flat=True))
    sources = [
        (Beneficiary.history.filter(id=beneficiary.pk), lambda r: _("Profile")),
        (Enrolment.history.filter(beneficiary_id=beneficiary.pk), lambda r: _("Programme")),
        (Business.history.filter(beneficiary_id=beneficiary.pk), lambda r: _("Business: %(name)s") % {"name": r.name}),
        (Permit.history.filter(business_id__in=business_ids), lambda r: _("Permit")),
        (OnlinePresence.history.filter(business_id__in=business_ids), lambda r: _("Online presence")),
    ]
    if beneficiary.household_id:
        sources += [
            (Household.history.filter(id=beneficiary.household_id), lambda r: _("Household")),
            (
                HouseholdMember.history.filter(household_id=beneficiary.household_id),
                lambda r: _("Household member: %(name)s") % {"name": r.name},
            ),
        ]
    entries: list[ChangeEntry] = []
    for queryset, subject in sources:
        records = list(queryset.select_related("history_user").order_by("-history_date")[:PER_SOURCE])
        records.reverse()
        labels = _ForeignKeyLabels(queryset.model, records)
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            entries.append(
                ChangeEntry(
                    when=record.history_date,
                    who=record.history_user,
                    subject=subject(record),
                    action=record.history_type,
                    reason=record.history_change_reason or "",
                    changes=_diff(before, record, labels, show_identifiers=show_identifiers)
                    if before is not None and record.history_type == "~"
                    else [],
                )
            )
            previous[record.id] = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return [e for e in entries if e.action != "~" or e.changes or e.reason][:limit]


class _ForeignKeyLabels:
    """Names for the foreign keys that appear in a batch of history rows, fetched once per related model."""

    TARGETS = {
        Region: lambda r: r.path,
        Programme: str,
        BusinessType: str,
        get_user_model(): str,
    }

    def __init__(self, history_model, records):
        self.labels: dict[tuple[type, object], str] = {}
        for f in _tracked_fields(history_model):
            if not f.is_relation:
                continue
            target = _target_model(f)
            ids = {getattr(r, f.attname) for r in records} - {None}
            if target in self.TARGETS and ids:
                for obj in target.objects.filter(pk__in=ids):
                    self.labels[(target, obj.pk)] = self.TARGETS[target](obj)

    def label(self, f, value) -> str:
        if value is None or value == "":
            return "—"
        return self.labels.get((_target_model(f), value), str(value))


def _target_model(f):
    return f.related_model if f.related_model else None


def _tracked_fields(history_model):
    return [f for f in history_model.instance_type._meta.concrete_fields if f.name not in HIDDEN_FIELDS]


def _display(f, value, labels: _ForeignKeyLabels) -> str:
    if f.is_relation:
        return labels.label(f, value)
    if value is None or value == "":
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _diff(before, after, labels: _ForeignKeyLabels, *, show_identifiers: bool) -> list[FieldChange]:
    changes = []
    for f in _tracked_fields(type(after)):
        old, new = getattr(before, f.attname), getattr(after, f.attname)
        if old != new:
            if f.name in IDENTIFIER_FIELDS and not show_identifiers:
                old, new = mask_identifier(old or ""), mask_identifier(new or "")
            changes.append(
                FieldChange(label=str(f.verbose_name), old=_display(f, old, labels), new=_display(f, new, labels))
            )
    return changes


__all__ = ["ChangeEntry", "FieldChange", "change_log"]
