"""Loan pages: the list with totals, a loan with its schedule and payments, the printable statement, recording
and reversing repayments, writing off, and a group's collection sheet."""

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.models import Group, Membership
from pekka.money import ZERO, format_rupiah
from pekka.permissions import (
    can_post_repayment,
    can_reverse_repayment,
    can_review_field_entries,
    can_write_off_loan,
    require,
)

from ..arrears import bucket_of, days_past_due, mark_arrears
from ..filters import filtered_loans
from ..forms import CollectionSheetForm, RepaymentForm, ReversalForm, WriteOffForm
from ..models import Instalment, Loan, LoanStatus, Repayment, RepaymentAllocation
from ..services import loan_credit, post_collection_sheet, post_repayment, reverse_repayment, write_off_loan


def loan_list(request):
    filterset, queryset = filtered_loans(request)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    mark_arrears(page, timezone.localdate())
    outstanding = F("principal") - F("principal_repaid")
    totals = queryset.order_by().aggregate(
        count=Count("pk"),
        disbursed=Sum("principal"),
        outstanding=Sum(outstanding, filter=Q(status=LoanStatus.ACTIVE)),
        in_arrears=Sum(outstanding, filter=Q(status=LoanStatus.ACTIVE, oldest_overdue_on__isnull=False)),
    )
    return render(
        request,
        "loans/loan_list.html",
        {
            "filter": filterset,
            "page": page,
            "totals": totals,
            "filters_active": any(v for k, v in request.GET.items() if k not in {"page", "q"}),
            "may_review": can_review_field_entries(request.user),
        },
    )


def _visible_loan(request, pk):
    return get_object_or_404(
        Loan.objects.visible_to(request.user).select_related(
            "beneficiary__facilitator", "group", "product__fund__programme", "written_off_by", "business_type"
        ),
        pk=pk,
    )


def _loan_context(request, loan) -> dict:
    """What the loan page and its statement show: schedule, payments and balances today."""
    today = timezone.localdate()
    instalments = list(loan.instalments.all())
    repayments = list(
        loan.repayments.select_related("recorded_by", "reverses")
        .prefetch_related(Prefetch("allocations", queryset=RepaymentAllocation.objects.select_related("instalment")))
        .order_by("paid_on", "pk")
    )
    reversed_ids = {r.reverses_id for r in repayments if r.reverses_id}
    for repayment in repayments:
        repayment.is_reversed = repayment.pk in reversed_ids
    for instalment in instalments:
        instalment.late = instalment.due_on < today and (
            instalment.completed_on is None or instalment.completed_on > instalment.due_on
        )
    dpd = days_past_due(instalments, today) if loan.status == LoanStatus.ACTIVE else 0
    due_now = sum((i.remaining for i in instalments if i.due_on <= today), ZERO)
    return {
        "loan": loan,
        "instalments": instalments,
        "repayments": repayments,
        "today": today,
        "dpd": dpd,
        "bucket": bucket_of(dpd),
        "totals": {
            "due": sum((i.total_due for i in instalments), ZERO),
            "paid": sum((i.total_paid for i in instalments), ZERO),
            "balance": sum((i.remaining for i in instalments), ZERO),
            "principal_outstanding": sum((i.principal_due - i.principal_paid for i in instalments), ZERO),
            "due_now": due_now,
        },
        "next_due": next((i for i in instalments if i.remaining > 0), None),
        "credit": loan_credit(loan) if any(r.beyond_balance for r in repayments) else ZERO,
    }


def loan_detail(request, pk):
    loan = _visible_loan(request, pk)
    context = _loan_context(request, loan)
    context.update(
        {
            "may_pay": loan.status == LoanStatus.ACTIVE and can_post_repayment(request.user, loan),
            "may_reverse": loan.status != LoanStatus.WRITTEN_OFF and can_reverse_repayment(request.user, loan),
            "may_write_off": loan.status == LoanStatus.ACTIVE and can_write_off_loan(request.user, loan),
        }
    )
    return render(request, "loans/loan_detail.html", context)


def loan_statement(request, pk):
    """The printable statement for the borrower: schedule, payments and balance on one page."""
    loan = _visible_loan(request, pk)
    return render(request, "loans/loan_statement.html", _loan_context(request, loan))


def repayment_create(request, pk):
    loan = _visible_loan(request, pk)
    require(can_post_repayment(request.user, loan))
    context = _loan_context(request, loan)
    form = RepaymentForm(request.POST or None, initial={"amount": context["totals"]["due_now"] or None})
    if request.method == "POST" and form.is_valid():
        try:
            post_repayment(loan=loan, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Repayment of %(amount)s recorded.") % {"amount": format_rupiah(form.cleaned_data["amount"])}
            )
            return redirect("loans:detail", loan.pk)
    return render(request, "loans/repayment_form.html", {**context, "form": form})


def repayment_reverse(request, pk):
    repayment = get_object_or_404(
        Repayment.objects.visible_to(request.user).select_related("loan__beneficiary", "loan__product__fund"), pk=pk
    )
    loan = repayment.loan
    require(can_reverse_repayment(request.user, loan))
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reverse_repayment(repayment=repayment, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Repayment reversed; the loan's balance has been recomputed."))
            return redirect("loans:detail", loan.pk)
    return render(request, "loans/repayment_reverse.html", {"loan": loan, "repayment": repayment, "form": form})


def loan_write_off(request, pk):
    loan = _visible_loan(request, pk)
    require(can_write_off_loan(request.user, loan))
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            write_off_loan(loan=loan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Loan written off."))
            return redirect("loans:detail", loan.pk)
    return render(request, "loans/loan_write_off.html", {**_loan_context(request, loan), "form": form})


# --- collection sheet -----------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    loan: Loan
    due: Decimal
    overdue: Decimal
    balance: Decimal


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def collection_rows(group: Group, on: dt.date, *, user, sheet_key=None, posted_ids=()) -> list[SheetRow]:
    """Each active loan of the group's current members with what is due by the end of the meeting's month
    (this month's instalment and any arrears) and the balance. Three queries.

    ``sheet_key``: a sheet sent again keeps the rows it had, also of the loans it repaid in full (no longer active),
    so that the same sheet compares equal and is recorded once. ``posted_ids``: the loans a posted sheet has a row
    for keep it though they were repaid or written off since the sheet was made (the service decides)."""
    members = Membership.objects.current(on=on).filter(group=group).values("beneficiary_id")
    active = Q(status=LoanStatus.ACTIVE)
    if sheet_key is not None:
        active |= Q(pk__in=Repayment.objects.filter(sheet__client_uuid=sheet_key).values("loan_id"))
    if posted_ids:
        active |= Q(pk__in=list(posted_ids))
    loans = (
        Loan.objects.visible_to(user)
        .filter(active, beneficiary__in=members, disbursed_on__lte=on)
        .select_related("beneficiary", "product")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("beneficiary__full_name", "disbursed_on", "pk")
    )
    month_end = _end_of_month(on)
    rows = []
    for loan in loans:
        instalments = list(loan.instalments.all())
        rows.append(
            SheetRow(
                loan=loan,
                due=sum((i.remaining for i in instalments if i.due_on <= month_end), ZERO),
                overdue=sum((i.remaining for i in instalments if i.due_on < on), ZERO),
                balance=sum((i.remaining for i in instalments), ZERO),
            )
        )
    return rows


def _posted_loan_ids(data) -> list[int]:
    """The loans a posted sheet has an amount for (``amount_<loan id>``, not empty)."""
    if data is None:
        return []
    return [
        int(name.removeprefix("amount_"))
        for name, value in data.items()
        if name.startswith("amount_") and name.removeprefix("amount_").isdigit() and value.strip() not in ("", "0")
    ]


def _sheet_key(data) -> uuid.UUID | None:
    """The key a posted sheet was made with, if it is one."""
    try:
        return uuid.UUID(data["client_uuid"]) if data is not None else None
    except (KeyError, ValueError):
        return None


def collection_sheet(request, group_pk):
    """The monthly meeting's screen: each member's amount due prefilled; what she paid is saved for all at once."""
    group = get_object_or_404(Group.objects.visible_to(request.user).select_related("programme"), pk=group_pk)
    # Whoever sees the group (a facilitator: the groups she accompanies) records its meeting's payments.
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    on = today
    chosen = (data or request.GET).get("paid_on")
    if chosen:
        try:
            on = min(dt.date.fromisoformat(chosen), today)
        except ValueError:
            on = today
    rows = collection_rows(group, on, user=request.user, sheet_key=_sheet_key(data), posted_ids=_posted_loan_ids(data))
    form = CollectionSheetForm(data, rows=rows, initial={"paid_on": on})
    if data is not None and form.is_valid():
        payments = [p for p in form.payments() if p[1]]
        try:
            repayments = post_collection_sheet(
                group=group,
                paid_on=form.cleaned_data["paid_on"],
                payments=payments,
                recorded_by=request.user,
                client_uuid=form.cleaned_data["client_uuid"],
                form_made_at=form.cleaned_data["form_made_at"],
            )
        except ValidationError as exc:
            # Each row's reasons by loan id, or one for the whole sheet (its key sent with other values).
            by_loan = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for loan_id, errors in by_loan.items():
                field = f"amount_{loan_id}"
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            total = sum((r.amount for r in repayments), ZERO)
            messages.success(
                request,
                ngettext(
                    "%(n)s payment recorded, %(total)s in all.",
                    "%(n)s payments recorded, %(total)s in all.",
                    len(repayments),
                )
                % {"n": len(repayments), "total": format_rupiah(total)},
            )
            return redirect(
                reverse("loans:collection_sheet", args=[group.pk]) + f"?paid_on={form.cleaned_data['paid_on']:%Y-%m-%d}"
            )
    return render(
        request,
        "loans/collection_sheet.html",
        {
            "group": group,
            "form": form,
            "on": on,
            "totals": {
                "due": sum((r.due for r in rows), ZERO),
                "balance": sum((r.balance for r in rows), ZERO),
            },
        },
    )
