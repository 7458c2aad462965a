"""Proposal pages: write (for a group's current members or one woman), submit, decide (maker-checker) and
disburse."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Beneficiary
from groups.models import Group, Membership
from pekka.permissions import can_decide_proposal, can_disburse_proposal, can_propose_loans, require

from ..forms import DecisionForm, DisburseForm, ProposalForm
from ..models import LoanProduct, Proposal, ProposalStatus
from ..services import create_proposal, decide_proposal, disburse_proposal, submit_proposal


def proposal_list(request):
    proposals = (
        Proposal.objects.visible_to(request.user)
        .select_related("group", "beneficiary", "product__fund__programme", "submitted_by", "decided_by")
        .annotate(
            line_count=Count("lines"), requested=Sum("lines__amount_requested"), approved=Sum("lines__amount_approved")
        )
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/proposal_list.html",
        {
            "page": page,
            "statuses": ProposalStatus.choices,
            "status": status,
            "may_propose": can_propose_loans(request.user),
        },
    )


def _products_for(programme_ids):
    return LoanProduct.objects.filter(is_active=True, fund__programme__in=programme_ids).select_related("fund")


def proposal_create(request):
    """``?group=<id>``: a line for each current member; ``?beneficiary=<id>``: one woman's own proposal."""
    require(can_propose_loans(request.user))
    group = beneficiary = None
    if group_id := request.GET.get("group"):
        group = get_object_or_404(Group.objects.visible_to(request.user), pk=group_id)
        members = [
            m.beneficiary
            for m in Membership.objects.current()
            .filter(group=group)
            .select_related("beneficiary")
            .order_by("beneficiary__full_name")
        ]
        programme_ids = [group.programme_id]
    elif beneficiary_id := request.GET.get("beneficiary"):
        beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=beneficiary_id)
        members = [beneficiary]
        programme_ids = list(beneficiary.enrolments.values_list("programme_id", flat=True))
    else:
        groups = Group.objects.visible_to(request.user).filter(status__in=["forming", "active"]).order_by("name")
        return render(request, "loans/proposal_start.html", {"groups": groups})
    form = ProposalForm(request.POST or None, products=_products_for(programme_ids), members=members)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = create_proposal(
                group=group,
                beneficiary=beneficiary,
                product=form.cleaned_data["product"],
                purpose=form.cleaned_data["purpose"],
                lines=form.lines(),
                by=request.user,
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if proposal.status == ProposalStatus.SUBMITTED:
                messages.success(request, _("Proposal submitted. Someone else now decides it."))
            else:
                messages.success(request, _("Proposal saved as a draft."))
            return redirect("loans:proposal_detail", proposal.pk)
    return render(request, "loans/proposal_form.html", {"form": form, "group": group, "beneficiary": beneficiary})


def _visible_proposal(request, pk):
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related(
            "group",
            "beneficiary",
            "product__fund__programme",
            "created_by",
            "submitted_by",
            "decided_by",
            "disbursed_by",
        ),
        pk=pk,
    )


def _lines(proposal):
    return list(proposal.lines.select_related("beneficiary", "loan"))


def proposal_detail(request, pk):
    proposal = _visible_proposal(request, pk)
    lines = _lines(proposal)
    return render(
        request,
        "loans/proposal_detail.html",
        {
            "proposal": proposal,
            "lines": lines,
            "requested": sum(line.amount_requested for line in lines),
            "approved": sum(line.amount_approved or 0 for line in lines),
            "may_submit": proposal.status == ProposalStatus.DRAFT,
            "may_decide": proposal.status == ProposalStatus.SUBMITTED
            and request.user.pk != proposal.created_by_id
            and can_decide_proposal(request.user, proposal),
            "maker_cannot_decide": proposal.status == ProposalStatus.SUBMITTED
            and request.user.pk in (proposal.created_by_id, proposal.submitted_by_id),
            "may_disburse": proposal.status == ProposalStatus.APPROVED
            and can_disburse_proposal(request.user, proposal),
        },
    )


@require_POST
def proposal_submit(request, pk):
    proposal = _visible_proposal(request, pk)
    require(can_propose_loans(request.user))
    try:
        submit_proposal(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Proposal submitted. Someone else now decides it."))
    return redirect("loans:proposal_detail", proposal.pk)


def proposal_decide(request, pk):
    proposal = _visible_proposal(request, pk)
    # Maker-checker: whoever wrote or submitted it never decides it (the service and the database refuse it too).
    require(request.user.pk != proposal.created_by_id and can_decide_proposal(request.user, proposal))
    if proposal.status != ProposalStatus.SUBMITTED:
        messages.error(request, _("Only a submitted proposal can be decided."))
        return redirect("loans:proposal_detail", proposal.pk)
    lines = _lines(proposal)
    form = DecisionForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decide_proposal(
                proposal=proposal,
                approve=approve,
                amounts=form.amounts(),
                survey_notes=form.survey_notes(),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Proposal approved.") if approve else _("Proposal rejected."))
            return redirect("loans:proposal_detail", proposal.pk)
    return render(request, "loans/proposal_decide.html", {"proposal": proposal, "form": form})


def proposal_disburse(request, pk):
    proposal = _visible_proposal(request, pk)
    require(can_disburse_proposal(request.user, proposal))
    lines = [line for line in _lines(proposal) if line.amount_approved]
    form = DisburseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loans = disburse_proposal(
                proposal=proposal,
                on=form.cleaned_data["disbursed_on"],
                by=request.user,
                client_uuid=form.cleaned_data["client_uuid"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Disbursed: %(n)s loans with their schedules.") % {"n": len(loans)})
            return redirect("loans:proposal_detail", proposal.pk)
    return render(
        request,
        "loans/proposal_disburse.html",
        {
            "proposal": proposal,
            "lines": lines,
            "total": sum(line.amount_approved for line in lines),
            "available": proposal.product.fund.available(),
            "form": form,
        },
    )
