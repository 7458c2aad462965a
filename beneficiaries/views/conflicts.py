"""Registrations refused because their NIK or KK is on file outside the registrant's scope: the list a coordinator
works through, and one conflict with what she may know about it and a note that closes it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pekka.permissions import can_review_duplicates, require

from ..models import Beneficiary, IdentifierConflict
from ..services import household_within_scope, resolve_identifier_conflict


def conflict_list(request):
    """Open conflicts first, then the resolved ones, of the programmes the user works in."""
    require(can_review_duplicates(request.user))
    conflicts = (
        IdentifierConflict.objects.visible_to(request.user)
        .select_related("programme", "raised_by", "resolved_by")
        .order_by("-resolved_at", "-raised_at", "-pk")
    )
    if request.GET.get("all") != "1":
        conflicts = conflicts.open()
    page = Paginator(conflicts, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/conflict_list.html", {"page": page, "show_all": request.GET.get("all")})


def conflict_detail(request, pk):
    """One conflict: the existing record is named and linked only when the user may see it anyway; otherwise the
    page says to ask an admin. POST closes it with a note."""
    conflict = get_object_or_404(
        IdentifierConflict.objects.visible_to(request.user).select_related(
            "programme", "raised_by", "resolved_by", "beneficiary"
        ),
        pk=pk,
    )
    require(can_review_duplicates(request.user))
    if request.method == "POST":
        try:
            resolve_identifier_conflict(
                conflict=conflict, resolution=request.POST.get("resolution", ""), by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Conflict resolved."))
            return redirect("beneficiaries:conflicts")
    visible = Beneficiary.objects.visible_to(request.user)
    existing_women = []
    within_scope = False
    if conflict.existing_beneficiary_id:
        existing_women = list(visible.filter(pk=conflict.existing_beneficiary_id))
        within_scope = bool(existing_women)
    elif conflict.existing_household_id:
        within_scope = household_within_scope(conflict.existing_household, request.user)
        if within_scope:
            existing_women = list(visible.filter(household=conflict.existing_household_id))
    return render(
        request,
        "beneficiaries/conflict_detail.html",
        {"conflict": conflict, "existing_women": existing_women, "within_scope": within_scope},
    )
