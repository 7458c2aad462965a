"""Possible duplicates in the registry: finding them (while a record is entered, and on the review page), merging
two records of the same woman into one, and remembering pairs someone declared to be different people.

The signals, strongest first: the same NIK; the same family card (KK); a similar name with the same birth date
and village. Names are compared with rapidfuzz's ``token_sort_ratio`` on ``normalize_search``-folded names, so
"SITI AMINAH", "Siti Aminah" and "Aminah, Siti" score 100 and "Siti Aminnah" about 96.
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When, Window
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from simple_history.models import HistoricalChanges
from simple_history.utils import bulk_update_with_history

from pekka.text import normalize_search

from .models import Beneficiary, NotDuplicate
from .nik import clean_nik

NAME_THRESHOLD = 85

# What a merge copies from the removed record when the kept one has it blank.
FILLABLE_FIELDS = [
    "nik",
    "birth_place",
    "birth_date",
    "phone",
    "marital_status",
    "education",
    "consent_date",
    "facilitator",
    "household",
]

# simple_history's change reason is a varchar(100) unless the project asks for a text field.
CHANGE_REASON_LENGTH = 100


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing record that may be the woman being entered, and why."""

    beneficiary: Beneficiary
    reasons: list[str]


@dataclass(frozen=True)
class DuplicatePair:
    """Two stored records that may be the same woman (``first.pk < second.pk``), and why."""

    first: Beneficiary
    second: Beneficiary
    reasons: list[str]

    @property
    def both(self) -> tuple[Beneficiary, Beneficiary]:
        """(first, second), for templates that show the two the same way."""
        return self.first, self.second


def name_similarity(a: str, b: str) -> int:
    """0–100: how alike two names are, ignoring case, accents, punctuation and word order."""
    return round(fuzz.token_sort_ratio(normalize_search(a), normalize_search(b)))


def _similar_name_reason(score: int) -> str:
    """Why two records born the same day in the same village are paired."""
    return _("Similar name (%(score)s%%), same birth date and village") % {"score": score}


def _same_household_reason(household, score: int) -> str:
    """Why two records of one household are paired: by its KK when it has one."""
    if household.kk_number:
        return _("Same family card (KK), similar name (%(score)s%%)") % {"score": score}
    return _("Same household, similar name (%(score)s%%)") % {"score": score}


def find_possible_duplicates(
    *,
    nik: str = "",
    kk_number: str = "",
    full_name: str = "",
    birth_date=None,
    village=None,
    exclude_pk=None,
    queryset=None,
) -> list[DuplicateMatch]:
    """Records that may be the woman being entered: same NIK, same KK, or a similar name born the same day in the
    same village; strongest first, pairs already declared different left out.

    ``exclude_pk`` is the record being edited: it is left out, and the other beneficiaries of her own household
    count only with a similar name (sharing her KK is what household members do). Everything is fetched in one
    query (two when editing with a KK); names are only compared among the candidates born that day in that village.
    """
    nik, kk_number = clean_nik(nik), clean_nik(kk_number)
    village_pk = getattr(village, "pk", village)
    compare_names = bool(normalize_search(full_name) and birth_date and village_pk)
    conditions = Q()
    if nik:
        conditions |= Q(nik=nik)
    if kk_number:
        conditions |= Q(household__kk_number=kk_number)
    if compare_names:
        conditions |= Q(birth_date=birth_date, household__village=village_pk)
    if not conditions:
        return []

    candidates = (queryset if queryset is not None else Beneficiary.objects.all()).filter(conditions)
    own_household_pk = None
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk).exclude(
            Q(pk__in=NotDuplicate.objects.filter(first=exclude_pk).values("second"))
            | Q(pk__in=NotDuplicate.objects.filter(second=exclude_pk).values("first"))
        )
        if kk_number:
            own_household_pk = Beneficiary.objects.filter(pk=exclude_pk).values_list("household_id", flat=True).first()

    matches = []
    for candidate in candidates.select_related("household__village"):
        household = candidate.household
        reasons, strength = [], []
        if nik and candidate.nik == nik:
            reasons.append(_("Same NIK"))
            strength.append(300)
        if kk_number and household and household.kk_number == kk_number:
            if household.pk != own_household_pk:
                reasons.append(_("Same family card (KK)"))
                strength.append(200)
            elif (score := name_similarity(full_name, candidate.full_name)) >= NAME_THRESHOLD:
                reasons.append(_same_household_reason(household, score))
                strength.append(100 + score)
        if (
            compare_names
            and candidate.birth_date == birth_date
            and household
            and household.village_id == village_pk
            and (score := name_similarity(full_name, candidate.full_name)) >= NAME_THRESHOLD
        ):
            reasons.append(_similar_name_reason(score))
            strength.append(score)
        if reasons:
            matches.append((sum(strength), DuplicateMatch(beneficiary=candidate, reasons=reasons)))
    matches.sort(key=lambda item: (-item[0], item[1].beneficiary.full_name, item[1].beneficiary.pk))
    return [match for _strength, match in matches]


def find_duplicate_pairs(queryset) -> list[DuplicatePair]:
    """Pairs among ``queryset`` that may be the same woman: a similar name with the same birth date and village,
    or a similar name in the same household; pairs declared different are left out. Ordered by the first's name.

    Why not "same NIK" or "same KK" alone: a NIK is unique among stored records, so two records cannot share one;
    a KK number is unique to one household row, so two records with the same KK are two members of one household
    (mother and daughter are both often enrolled) and only a similar name makes them a possible duplicate.
    Within a household the birth date need not match, because a wrong birth date is a common reason for entering
    someone twice.

    One query finds the records that share a (birth date, village) or a household with another record in
    ``queryset`` (window counts, so the table is never loaded whole); names are compared within those groups only.
    """
    rows = list(
        queryset.select_related("household__village")
        .annotate(
            # A record without a birth date or a village gets a partition of its own (its pk), so it is never
            # counted with the others.
            day_and_village_count=Window(
                Count("pk"),
                partition_by=[
                    F("birth_date"),
                    F("household__village"),
                    Case(When(Q(birth_date__isnull=True) | Q(household__isnull=True), then=F("pk"))),
                ],
            ),
            household_count=Window(Count("pk"), partition_by=[F("household")]),
        )
        .filter(Q(day_and_village_count__gt=1) | Q(household_id__isnull=False, household_count__gt=1))
        .order_by("pk")
    )
    by_day_and_village, by_household = defaultdict(list), defaultdict(list)
    for beneficiary in rows:
        if beneficiary.day_and_village_count > 1 and beneficiary.birth_date and beneficiary.household_id:
            by_day_and_village[(beneficiary.birth_date, beneficiary.household.village_id)].append(beneficiary)
        if beneficiary.household_id and beneficiary.household_count > 1:
            by_household[beneficiary.household_id].append(beneficiary)

    reasons = defaultdict(list)
    found = {}
    for group in by_household.values():
        for first, second in combinations(group, 2):
            if (score := name_similarity(first.full_name, second.full_name)) >= NAME_THRESHOLD:
                reasons[(first.pk, second.pk)].append(_same_household_reason(first.household, score))
                found[(first.pk, second.pk)] = (first, second)
    for group in by_day_and_village.values():
        for first, second in combinations(group, 2):
            if (score := name_similarity(first.full_name, second.full_name)) >= NAME_THRESHOLD:
                reasons[(first.pk, second.pk)].append(_similar_name_reason(score))
                found[(first.pk, second.pk)] = (first, second)
    if not found:
        return []

    dismissed = set(NotDuplicate.objects.filter(first__in=queryset.values("pk")).values_list("first_id", "second_id"))
    pairs = [
        DuplicatePair(first=first, second=second, reasons=reasons[key])
        for key, (first, second) in found.items()
        if key not in dismissed
    ]
    pairs.sort(key=lambda pair: (pair.first.full_name, pair.first.pk, pair.second.pk))
    return pairs


def relations_to_beneficiary() -> list[models.ForeignObjectRel]:
    """Every foreign key in the project that points at a beneficiary, so a merge misses none.

    Walks ``get_fields(include_hidden=True)`` rather than ``_meta.related_objects``, which leaves out foreign keys
    declared with ``related_name="+"`` (and the hidden through tables of many-to-many fields). Leaves out
    simple_history's Historical* copies (history stays as it was) and NotDuplicate (decisions about a pair,
    handled by the merge itself).
    """
    return [
        relation
        for relation in Beneficiary._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
        and not issubclass(relation.related_model, HistoricalChanges)
        and relation.related_model is not NotDuplicate
    ]


def attached_counts(beneficiaries) -> dict[int, list[tuple[str, int]]]:
    """{beneficiary pk: [(what, how many), …]} for every kind of row attached to them: what a merge moves.

    One grouped query per kind of row, whatever the number of beneficiaries.
    """
    beneficiaries = list(beneficiaries)
    relations = relations_to_beneficiary()
    models_seen = [relation.related_model for relation in relations]
    counts = {beneficiary.pk: [] for beneficiary in beneficiaries}
    for relation in relations:
        model, field = relation.related_model, relation.field
        label = str(model._meta.verbose_name_plural)
        if models_seen.count(model) > 1:
            label = f"{label} ({field.verbose_name})"
        per_target = dict(
            model._default_manager.filter(**{f"{field.name}__in": beneficiaries})
            .order_by()
            .values(field.attname)
            .annotate(n=Count("pk"))
            .values_list(field.attname, "n")
        )
        for beneficiary in beneficiaries:
            counts[beneficiary.pk].append((label, per_target.get(getattr(beneficiary, field.target_field.attname), 0)))
    return counts


def _unique_field_sets(model, field) -> list[tuple[tuple[str, ...], Q | None]]:
    """The unique constraints of ``model`` that include ``field``: (field names, condition or None)."""
    sets = [((field.name,), None)] if field.unique else []
    sets += [(tuple(names), None) for names in model._meta.unique_together]
    sets += [
        (tuple(constraint.fields), constraint.condition)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return [(names, condition) for names, condition in sets if field.name in names]


def _has_history(model) -> bool:
    """Whether django-simple-history keeps the history of ``model``."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def _move_related(relation, *, keep: Beneficiary, remove: Beneficiary, by) -> list[str]:
    """Points every row of one relation at ``keep`` instead of ``remove``; returns what had to be dropped.

    A row that would break a unique constraint because ``keep`` already has its twin (an enrolment in the same
    programme) is deleted and ``keep``'s kept; its history keeps it. Models with history get a history entry for
    the move.
    """
    model, field = relation.related_model, relation.field
    manager = model._default_manager
    rows = manager.filter(**{field.name: remove})
    dropped = []
    for names, condition in _unique_field_sets(model, field):
        others = [name for name in names if name != field.name]
        twins = manager.filter(condition or Q(), **{field.name: keep}, **{name: OuterRef(name) for name in others})
        related = [name for name in others if model._meta.get_field(name).is_relation]
        for row in rows.filter(condition or Q()).filter(Exists(twins)).select_related(*related):
            described = ", ".join(str(getattr(row, name)) for name in others)
            dropped.append(f"{model._meta.model_name} {described}".strip())
            # Deleted one by one so that each deletion's history says who and why.
            row._history_user = by
            row._change_reason = f"merged into #{keep.pk}, which has one already"[:CHANGE_REASON_LENGTH]
            row.delete()

    target = getattr(keep, field.target_field.attname)
    if _has_history(model):
        moved = list(rows)
        for row in moved:
            setattr(row, field.attname, target)
        if moved:
            bulk_update_with_history(
                moved,
                model,
                [field.name],
                default_user=by,
                default_change_reason=f"moved from #{remove.pk} (merged into #{keep.pk})",
            )
    else:
        rows.update(**{field.attname: target})
    return dropped


def _fill_blanks(*, keep: Beneficiary, remove: Beneficiary) -> None:
    """Gives ``keep`` each detail it lacks and ``remove`` has; what ``keep`` already has stays."""
    for name in FILLABLE_FIELDS:
        attname = Beneficiary._meta.get_field(name).attname
        if getattr(keep, attname) in (None, "") and getattr(remove, attname) not in (None, ""):
            setattr(keep, attname, getattr(remove, attname))
            if name == "nik":
                keep.nik_warnings_confirmed = remove.nik_warnings_confirmed
            elif name == "consent_date":
                keep.consent_recorded_by_id = remove.consent_recorded_by_id


@transaction.atomic
def merge_beneficiaries(*, keep: Beneficiary, remove: Beneficiary, by) -> Beneficiary:
    """Makes ``keep`` the one record of a woman entered twice: everything attached to ``remove`` moves to
    ``keep``, ``keep``'s blank details are filled from ``remove``, then ``remove`` is deleted (its history stays).

    Where ``keep`` already has the twin of a row (an enrolment in the same programme), ``keep``'s stays and
    ``remove``'s is dropped, as the change reason says. ``keep``'s household stays (``remove``'s is taken only if
    ``keep`` has none); decisions that ``remove`` is not a duplicate of someone are deleted.
    """
    if keep.pk == remove.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    locked = {
        beneficiary.pk: beneficiary
        for beneficiary in Beneficiary.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the two records no longer exists."))
    keep, remove = locked[keep.pk], locked[remove.pk]

    NotDuplicate.objects.filter(Q(first=remove) | Q(second=remove)).delete()
    dropped = []
    for relation in relations_to_beneficiary():
        dropped += _move_related(relation, keep=keep, remove=remove, by=by)
    _fill_blanks(keep=keep, remove=remove)

    removed_pk = remove.pk
    remove._history_user = by
    remove._change_reason = f"merged into #{keep.pk}"
    remove.delete()

    reason = f"merged #{removed_pk}"
    if dropped:
        reason += f"; kept own {'; '.join(dropped)}"
    keep._history_user = by
    keep._change_reason = reason[: CHANGE_REASON_LENGTH - 1] + "…" if len(reason) > CHANGE_REASON_LENGTH else reason
    keep.save()
    return keep


def mark_not_duplicates(*, first: Beneficiary, second: Beneficiary, by) -> NotDuplicate:
    """Records that two records are different women, so duplicate checks stop pairing them; asking twice is fine."""
    if first.pk == second.pk:
        raise ValidationError(_("A record cannot be compared with itself."))
    low, high = sorted([first, second], key=lambda beneficiary: beneficiary.pk)
    decision, _created = NotDuplicate.objects.get_or_create(first=low, second=high, defaults={"decided_by": by})
    return decision
