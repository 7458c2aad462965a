"""Registry pages: the list, registration and editing, her page, enrolments, businesses and caseloads."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pekka.forms import errors_text
from pekka.permissions import (
    can_assign_caseload,
    can_edit_beneficiary,
    can_register_beneficiaries,
    can_review_duplicates,
    can_see_identifiers,
    require,
)
from pekka.widgets import picker_response

from ..duplicates import find_possible_duplicates
from ..filters import filtered_beneficiaries
from ..forms import (
    AssignForm,
    BeneficiaryForm,
    BusinessForm,
    BusinessStatusForm,
    EnrolForm,
    EnrolmentStatusForm,
    HouseholdForm,
    MemberFormSet,
    OnlinePresenceForm,
    PermitForm,
)
from ..history import change_log
from ..models import Beneficiary, Business, BusinessStatusChange, Enrolment, IdentifierAccess
from ..nik import mask_identifier
from ..services import (
    OutOfScopeConflict,
    add_business,
    assign_facilitator,
    change_business_status,
    change_enrolment_status,
    enrol,
    log_identifier_access,
    record_identifier_conflict,
    save_registration,
)


def beneficiary_list(request, *, mine=False):
    filterset, queryset = filtered_beneficiaries(request)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    assign_form = AssignForm(user=request.user) if can_assign_caseload(request.user) else None
    return render(
        request,
        "beneficiaries/beneficiary_list.html",
        {
            "filter": filterset,
            "page": page,
            "mine": mine,
            "assign_form": assign_form,
            "may_review_duplicates": can_review_duplicates(request.user),
            "filters_active": any(v for k, v in request.GET.items() if k not in {"page", "q", "sort"}),
            "export_query": request.GET.urlencode(),
        },
    )


def my_beneficiaries(request):
    """A facilitator's caseload: the list page, which for her shows only her own women."""
    if not request.user.is_facilitator:
        return redirect("beneficiaries:list")
    return beneficiary_list(request, mine=True)


def _registration_forms(request, *, beneficiary=None):
    data = request.POST if request.method == "POST" else None
    household = beneficiary.household if beneficiary else None
    return (
        BeneficiaryForm(data, instance=beneficiary, user=request.user, prefix="b"),
        HouseholdForm(data, instance=household, user=request.user, prefix="h"),
        MemberFormSet(data, instance=household, prefix="m"),
    )


def _render_registration(request, beneficiary_form, household_form, member_formset, **extra):
    return render(
        request,
        "beneficiaries/beneficiary_form.html",
        {
            "beneficiary_form": beneficiary_form,
            "household_form": household_form,
            "member_formset": member_formset,
            **extra,
        },
    )


def _all_valid(request, *forms) -> bool:
    """Validates every form (not just up to the first invalid one), so each form's conflict is known."""
    if request.method != "POST":
        return False
    results = [f.is_valid() for f in forms]
    return all(results)


def _record_conflicts(request, beneficiary_form, household_form, *, conflict=None, beneficiary=None):
    """Queues each NIK or KK found outside the user's scope for a coordinator (the page says whom to ask)."""
    data = beneficiary_form.cleaned_data if hasattr(beneficiary_form, "cleaned_data") else {}
    for found in (beneficiary_form.conflict, household_form.conflict, conflict):
        if found is not None:
            record_identifier_conflict(
                conflict=found,
                full_name=data.get("full_name") or request.POST.get(beneficiary_form.add_prefix("full_name"), ""),
                programme=data.get("programme"),
                beneficiary=beneficiary,
                by=request.user,
            )


def beneficiary_create(request):
    require(can_register_beneficiaries(request.user))
    beneficiary_form, household_form, member_formset = _registration_forms(request)
    duplicates = []
    conflict = None
    if _all_valid(request, beneficiary_form, household_form, member_formset):
        duplicates = find_possible_duplicates(
            nik=beneficiary_form.cleaned_data.get("nik", ""),
            kk_number=household_form.cleaned_data.get("kk_number", ""),
            full_name=beneficiary_form.cleaned_data["full_name"],
            birth_date=beneficiary_form.cleaned_data.get("birth_date"),
            village=household_form.cleaned_data["village"],
            queryset=Beneficiary.objects.visible_to(request.user),
        )
        if not duplicates or request.POST.get("confirm_new"):
            try:
                beneficiary = save_registration(
                    beneficiary_form=beneficiary_form,
                    household_form=household_form,
                    member_formset=member_formset,
                    programme=beneficiary_form.cleaned_data["programme"],
                    by=request.user,
                )
            except OutOfScopeConflict as exc:
                conflict = exc
                household_form.add_error("kk_number", exc)
            else:
                messages.success(request, _("%(name)s has been registered.") % {"name": beneficiary.full_name})
                return redirect("beneficiaries:detail", beneficiary.pk)
    if request.method == "POST":
        _record_conflicts(request, beneficiary_form, household_form, conflict=conflict)
    return _render_registration(request, beneficiary_form, household_form, member_formset, duplicates=duplicates)


def beneficiary_edit(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user).select_related("household"), pk=pk)
    require(can_edit_beneficiary(request.user, beneficiary))
    beneficiary_form, household_form, member_formset = _registration_forms(request, beneficiary=beneficiary)
    conflict = None
    if _all_valid(request, beneficiary_form, household_form, member_formset):
        try:
            save_registration(
                beneficiary_form=beneficiary_form,
                household_form=household_form,
                member_formset=member_formset,
                by=request.user,
            )
        except OutOfScopeConflict as exc:
            conflict = exc
            household_form.add_error("kk_number", exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": beneficiary.full_name})
            return redirect("beneficiaries:detail", beneficiary.pk)
    if request.method == "POST":
        _record_conflicts(request, beneficiary_form, household_form, conflict=conflict, beneficiary=beneficiary)
    return _render_registration(request, beneficiary_form, household_form, member_formset, beneficiary=beneficiary)


def _visible_beneficiary(request, pk):
    return get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)


def app_sections(request, beneficiary) -> list[str]:
    """Sections the other apps add to the page: groups, visits and trainings, loans and grants."""
    from groups.panels import beneficiary_sections as groups_sections
    from loans.panels import beneficiary_sections as loans_sections
    from mentoring.panels import beneficiary_sections as mentoring_sections

    return [
        *groups_sections(request, beneficiary),
        *mentoring_sections(request, beneficiary),
        *loans_sections(request, beneficiary),
    ]


def beneficiary_detail(request, pk, *, show_identifiers=False):
    beneficiary = get_object_or_404(
        Beneficiary.objects.visible_to(request.user)
        .select_related("household__village", "facilitator", "consent_recorded_by")
        .prefetch_related(
            "household__members",
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("programme")),
            Prefetch(
                "businesses",
                queryset=Business.objects.select_related("business_type").prefetch_related(
                    "permits",
                    "online_presences",
                    Prefetch("status_changes", queryset=BusinessStatusChange.objects.select_related("recorded_by")),
                ),
            ),
        ),
        pk=pk,
    )
    household = beneficiary.household
    kk = household.kk_number if household else ""
    may_edit = can_edit_beneficiary(request.user, beneficiary)
    return render(
        request,
        "beneficiaries/beneficiary_detail.html",
        {
            "b": beneficiary,
            "household": household,
            "members": household.members.all() if household else [],
            "dependant_count": sum(1 for m in household.members.all() if m.relationship != "head") if household else 0,
            "nik": beneficiary.nik if show_identifiers else mask_identifier(beneficiary.nik),
            "kk": kk if show_identifiers else mask_identifier(kk),
            "show_identifiers": show_identifiers,
            "may_reveal": can_see_identifiers(request.user) and not show_identifiers and (beneficiary.nik or kk),
            "may_edit": may_edit,
            "enrol_form": EnrolForm(user=request.user, beneficiary=beneficiary) if may_edit else None,
            "status_forms": {
                e.pk: EnrolmentStatusForm(enrolment=e, prefix=f"e{e.pk}") for e in beneficiary.enrolments.all()
            }
            if may_edit
            else {},
            "history": change_log(beneficiary, show_identifiers=show_identifiers),
            "sections": app_sections(request, beneficiary),
        },
    )


@require_POST
def reveal_identifiers(request, pk):
    """Shows her full NIK and KK to a role allowed to see them, and logs that it happened."""
    beneficiary = _visible_beneficiary(request, pk)
    require(can_see_identifiers(request.user))
    log_identifier_access(user=request.user, action=IdentifierAccess.Action.VIEW, beneficiary=beneficiary)
    return beneficiary_detail(request, pk, show_identifiers=True)


@require_POST
def enrol_in_programme(request, pk):
    beneficiary = _visible_beneficiary(request, pk)
    require(can_edit_beneficiary(request.user, beneficiary))
    form = EnrolForm(request.POST, user=request.user, beneficiary=beneficiary)
    if form.is_valid():
        enrol(beneficiary=beneficiary, **form.cleaned_data)
        messages.success(request, _("Enrolled in %(programme)s.") % {"programme": form.cleaned_data["programme"]})
    else:
        messages.error(request, _("Not enrolled: %(errors)s") % {"errors": errors_text(form)})
    return redirect("beneficiaries:detail", beneficiary.pk)


@require_POST
def enrolment_status(request, pk, enrolment_pk):
    beneficiary = _visible_beneficiary(request, pk)
    require(can_edit_beneficiary(request.user, beneficiary))
    enrolment = get_object_or_404(beneficiary.enrolments, pk=enrolment_pk)
    form = EnrolmentStatusForm(request.POST, enrolment=enrolment, prefix=f"e{enrolment.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        change_enrolment_status(enrolment=enrolment, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _("Status not changed: %(errors)s") % {"errors": " ".join(exc.messages)})
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": enrolment.get_status_display()})
    return redirect("beneficiaries:detail", beneficiary.pk)


def business_create(request, pk):
    beneficiary = _visible_beneficiary(request, pk)
    require(can_edit_beneficiary(request.user, beneficiary))
    form = BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        add_business(beneficiary=beneficiary, form=form, by=request.user)
        messages.success(request, _("Business added."))
        return redirect("beneficiaries:detail", beneficiary.pk)
    return render(request, "beneficiaries/business_form.html", {"b": beneficiary, "form": form})


def _visible_business(request, business_pk):
    return get_object_or_404(
        Business.objects.filter(beneficiary__in=Beneficiary.objects.visible_to(request.user)).select_related(
            "beneficiary", "business_type"
        ),
        pk=business_pk,
    )


def business_edit(request, business_pk):
    business = _visible_business(request, business_pk)
    require(can_edit_beneficiary(request.user, business.beneficiary))
    form = BusinessForm(request.POST or None, instance=business)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Business saved."))
        return redirect("beneficiaries:detail", business.beneficiary_id)
    return render(
        request, "beneficiaries/business_form.html", {"b": business.beneficiary, "business": business, "form": form}
    )


def business_status(request, business_pk):
    business = _visible_business(request, business_pk)
    require(can_edit_beneficiary(request.user, business.beneficiary))
    form = BusinessStatusForm(request.POST or None, initial={"status": business.status})
    if request.method == "POST" and form.is_valid():
        try:
            change_business_status(
                business=business,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["changed_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Business status recorded."))
            return redirect("beneficiaries:detail", business.beneficiary_id)
    return render(
        request,
        "beneficiaries/business_small_form.html",
        {"b": business.beneficiary, "business": business, "form": form, "title": _("Business status")},
    )


def _business_part(request, business_pk, form_class, title, **form_kwargs):
    business = _visible_business(request, business_pk)
    require(can_edit_beneficiary(request.user, business.beneficiary))
    if form_class is PermitForm:
        form_kwargs["business"] = business
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        part = form.save(commit=False)
        part.business = business
        part.save()
        messages.success(request, _("Saved."))
        return redirect(reverse("beneficiaries:detail", args=[business.beneficiary_id]) + f"#business-{business.pk}")
    return render(
        request,
        "beneficiaries/business_small_form.html",
        {"b": business.beneficiary, "business": business, "form": form, "title": title},
    )


def permit_create(request, business_pk):
    return _business_part(request, business_pk, PermitForm, _("Add a permit"))


def online_create(request, business_pk):
    return _business_part(request, business_pk, OnlinePresenceForm, _("Add online presence"))


@require_POST
def assign_caseload(request):
    """Bulk (re)assignment from the list: the selected women go to the chosen facilitator."""
    require(can_assign_caseload(request.user))
    form = AssignForm(request.POST, user=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("beneficiaries:list")
    if not form.is_valid():
        messages.error(request, _("Select at least one beneficiary and a facilitator."))
        return redirect(back)
    try:
        moved = assign_facilitator(
            beneficiaries=form.cleaned_data["beneficiaries"],
            facilitator=form.cleaned_data["facilitator"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        who = form.cleaned_data["facilitator"] or _("nobody")
        messages.success(
            request,
            ngettext("%(n)s beneficiary assigned to %(who)s.", "%(n)s beneficiaries assigned to %(who)s.", moved)
            % {"n": moved, "who": who},
        )
    return redirect(back)


def beneficiary_search(request):
    """JSON for long pickers of women (``pekka.widgets.RemoteSelect``): ?q=siti → the first 20 she may see."""
    return picker_response(
        request,
        lambda query: (
            Beneficiary.objects.visible_to(request.user)
            .search(query, partial_identifiers=can_see_identifiers(request.user))
            .select_related("household__village")
            .order_by("full_name", "pk")
        ),
        lambda w: (w.full_name, w.household.village.name if w.household else ""),
    )
