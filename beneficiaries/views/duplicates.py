"""Possible duplicates: the review list, a side-by-side comparison, merging two records and dismissing a pair."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pekka.permissions import can_merge_beneficiaries, can_review_duplicates, can_see_identifiers, require

from ..duplicates import attached_counts, find_duplicate_pairs, mark_not_duplicates, merge_beneficiaries
from ..filters import beneficiary_rows
from ..models import Beneficiary, IdentifierAccess, NotDuplicate
from ..nik import mask_identifier
from ..services import log_identifier_access


def _pair_or_404(queryset, first: int, second: int) -> tuple[Beneficiary, Beneficiary]:
    """Both records of a pair from ``queryset`` in one query, or 404 if either is not in it."""
    if first == second:
        raise Http404
    found = {beneficiary.pk: beneficiary for beneficiary in queryset.filter(pk__in=[first, second])}
    if len(found) != 2:
        raise Http404
    return found[first], found[second]


def _facts(beneficiary: Beneficiary) -> dict:
    """The values the comparison puts side by side, in a form that can be compared for equality."""
    household = beneficiary.household
    return {
        "full_name": beneficiary.full_name,
        "nik": beneficiary.nik,
        "kk": household.kk_number if household else "",
        "birth_place": beneficiary.birth_place,
        "birth_date": beneficiary.birth_date,
        "sex": beneficiary.sex,
        "marital_status": beneficiary.marital_status,
        "phone": beneficiary.phone,
        "village": household.village_id if household else None,
        "rt_rw": household.rt_rw if household else "",
        "programmes": sorted((e.programme_id, e.status) for e in beneficiary.enrolments.all()),
        "businesses": sorted((b.business_type_id, b.name, b.status) for b in beneficiary.businesses.all()),
        "facilitator": beneficiary.facilitator_id,
    }


def duplicate_list(request):
    require(can_review_duplicates(request.user))
    pairs = find_duplicate_pairs(Beneficiary.objects.visible_to(request.user))
    page = Paginator(pairs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/duplicate_list.html", {"page": page})


def duplicate_compare(request, first, second):
    left, right = _pair_or_404(beneficiary_rows(request.user), first, second)
    require(can_review_duplicates(request.user))
    show_identifiers = can_see_identifiers(request.user)
    counts = attached_counts([left, right])
    records = []
    for side, beneficiary in (("left", left), ("right", right)):
        kk = beneficiary.household.kk_number if beneficiary.household else ""
        records.append(
            {
                "side": side,
                "beneficiary": beneficiary,
                "nik": beneficiary.nik if show_identifiers else mask_identifier(beneficiary.nik),
                "kk": kk if show_identifiers else mask_identifier(kk),
                "counts": counts[beneficiary.pk],
            }
        )
        if show_identifiers and (beneficiary.nik or kk):
            log_identifier_access(
                user=request.user,
                action=IdentifierAccess.Action.VIEW,
                beneficiary=beneficiary,
                detail=f"duplicate comparison #{left.pk} / #{right.pk}",
            )
    left_facts, right_facts = _facts(left), _facts(right)
    low, high = sorted([left.pk, right.pk])
    return render(
        request,
        "beneficiaries/duplicate_compare.html",
        {
            "left": left,
            "right": right,
            "records": records,
            "differs": {key for key, value in left_facts.items() if right_facts[key] != value},
            "dismissed": NotDuplicate.objects.filter(first=low, second=high).exists(),
            "can_merge": can_merge_beneficiaries(request.user),
        },
    )


@require_POST
def duplicate_merge(request, first, second):
    pair = _pair_or_404(Beneficiary.objects.visible_to(request.user), first, second)
    require(can_merge_beneficiaries(request.user))
    keep_pk = request.POST.get("keep", "")
    if keep_pk not in (str(first), str(second)):
        messages.error(request, _("Choose which record to keep."))
        return redirect("beneficiaries:duplicate_compare", first, second)
    keep, remove = pair if keep_pk == str(first) else pair[::-1]
    try:
        merge_beneficiaries(keep=keep, remove=remove, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("beneficiaries:duplicate_compare", first, second)
    messages.success(
        request,
        _("“%(removed)s” was merged into “%(kept)s”; everything attached to it is now on this record.")
        % {"removed": remove.full_name, "kept": keep.full_name},
    )
    return redirect("beneficiaries:detail", keep.pk)


@require_POST
def duplicate_dismiss(request, first, second):
    left, right = _pair_or_404(Beneficiary.objects.visible_to(request.user), first, second)
    require(can_review_duplicates(request.user))
    mark_not_duplicates(first=left, second=right, by=request.user)
    messages.success(
        request,
        _("“%(first)s” and “%(second)s” are marked as different people.")
        % {"first": left.full_name, "second": right.full_name},
    )
    return redirect("beneficiaries:duplicates")
