"""Every write to loans that carries a rule: proposals (maker → checker → disbursement), repayments and their
allocation, reversals, write-offs.

Allocation: a repayment pays penalties, then fees, then interest, then principal of the oldest instalment
first; what is left goes to the next instalments (paying ahead pays their scheduled interest too: there is no
rebate). The allocations of a loan are derived data: after any posting or reversal they are recomputed from the
standing repayments (neither reversals nor reversed) in date order, so a back-dated repayment or a reversal
leaves the same allocations as if the history had been entered in order. Every posting locks the loan row
(``select_for_update``) first, so two people posting for the same loan at once are serialised and lose nothing.

Money is posted once. Every form that posts money (a repayment, a collection sheet, a disbursement) is made with a
key, a UUID in a hidden input, and its service takes it as ``client_uuid``: the same key again returns what the
first post recorded and writes nothing; the same key with other values is refused. Where the key is kept:

- a repayment form: on the repayment (``Repayment.client_uuid``, unique);
- a collection sheet: on a ``CollectionSheet`` row of its own (unique), which each of its repayments points at
  (one per loan): the sheet is what was sent, so it keeps the key even when it recorded nothing;
- a disbursement: on the proposal it paid out (``Proposal.disbursement_uuid``, unique), whose loans are the result.

The key is optional for callers that are not forms (the demo and scale data, imports, tests): they cannot send
the same thing twice by accident, and the forms always pass one (``loans.forms._Keyed``).

Money received in the field is a fact. A repayment or collection sheet made offline may arrive after the loan
moved: when the form (its ``form_made_at``) is older than what happened, the money is recorded anyway, once, and the
coordinators' review list (``mentoring.FieldReview``) says what happened meanwhile:

- the loan was written off: the repayment is a recovery (allocated to the schedule as ever; the loan stays written
  off, and the fund gets the principal back);
- a repayment was reversed: the payment is allocated as any other;
- other payments were recorded meanwhile and the balance is smaller than the money: the repayment is recorded in
  full (``beyond_balance``) and what exceeds the balance stays unallocated, the borrower's credit (``loan_credit``).

Without a ``form_made_at`` older than the change, the old refusals stand.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership
from mentoring.models import ReviewKind, ReviewReason
from mentoring.reviews import made_at_is_credible, open_review
from pekka.money import ZERO, format_rupiah, to_rupiah

from .models import (
    CollectionSheet,
    Fund,
    Instalment,
    Loan,
    LoanStatus,
    Proposal,
    ProposalLine,
    ProposalStatus,
    Repayment,
    RepaymentAllocation,
)

# Allocation order within an instalment.
PARTS = ("penalty", "fee", "interest", "principal")


def _form_sent_with_other_values() -> ValidationError:
    return ValidationError(
        _(
            "This form was already sent with different values. Nothing new was saved: "
            "open the form again to record another payment."
        ),
        code="key_reused",
    )


# --- proposals ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """What one member asks for in a proposal."""

    beneficiary: object
    amount_requested: Decimal
    purpose: str = ""


@transaction.atomic
def create_proposal(
    *,
    product,
    purpose: str,
    lines: list[LineRequest],
    by,
    group=None,
    beneficiary=None,
    submit: bool = False,
    at: dt.datetime | None = None,
) -> Proposal:
    """Writes a proposal for a group's current members or for one woman (a draft, or submitted at once).

    ``at`` is when it was written (now by default; earlier when a paper proposal is entered after the fact).
    """
    if (group is None) == (beneficiary is None):
        raise ValidationError(_("A proposal is for a group or for one woman."))
    lines = [line for line in lines if to_rupiah(line.amount_requested or 0)]
    if not lines:
        raise ValidationError(_("Ask for an amount for at least one member."))
    if any(to_rupiah(line.amount_requested) < 0 for line in lines):
        raise ValidationError(_("Amounts must be more than zero."))
    if not product.is_active:
        raise ValidationError(_("This loan product is no longer offered."))
    if group is not None:
        if group.programme_id != product.fund.programme_id:
            raise ValidationError(_("This product's fund belongs to another programme."))
        members = set(Membership.objects.current().filter(group=group).values_list("beneficiary_id", flat=True))
        outsiders = [line.beneficiary.full_name for line in lines if line.beneficiary.pk not in members]
        if outsiders:
            raise ValidationError(_("Not a current member of the group: %(names)s.") % {"names": ", ".join(outsiders)})
    elif [line.beneficiary.pk for line in lines] != [beneficiary.pk]:
        raise ValidationError(_("A woman's own proposal has one line, for her."))
    proposal = Proposal.objects.create(
        group=group,
        beneficiary=beneficiary,
        product=product,
        purpose=purpose.strip(),
        created_by=by,
        created_at=at or timezone.now(),
    )
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=proposal,
            beneficiary=line.beneficiary,
            amount_requested=to_rupiah(line.amount_requested),
            purpose=line.purpose.strip(),
        )
        for line in lines
    )
    if submit:
        proposal = submit_proposal(proposal=proposal, by=by, at=at)
    return proposal


@transaction.atomic
def submit_proposal(*, proposal: Proposal, by, at: dt.datetime | None = None) -> Proposal:
    """Sends a draft to the funder; whoever submits it may not decide it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    at = at or timezone.now()
    if at < proposal.created_at:
        raise ValidationError(_("A proposal cannot be submitted before it was written."))
    proposal.status, proposal.submitted_by, proposal.submitted_at = ProposalStatus.SUBMITTED, by, at
    proposal.save(update_fields=["status", "submitted_by", "submitted_at"])
    return proposal


@transaction.atomic
def decide_proposal(
    *,
    proposal: Proposal,
    approve: bool,
    by,
    amounts: dict | None = None,
    survey_notes: dict | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Proposal:
    """Approves an amount per member (0 declines her) or rejects the whole proposal with a reason.

    ``amounts`` and ``survey_notes`` are keyed by proposal line id. Maker-checker: whoever wrote or submitted the
    proposal may not decide it (PermissionDenied; the database refuses it too).
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if by.pk in (proposal.created_by_id, proposal.submitted_by_id):
        raise PermissionDenied(_("Whoever wrote or submitted a proposal cannot decide it."))
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can be decided."))
    at = at or timezone.now()
    if at < proposal.submitted_at:
        raise ValidationError(_("A proposal cannot be decided before it was submitted."))
    lines = list(proposal.lines.all())
    for line in lines:
        if survey_notes and line.pk in survey_notes:
            line.survey_note = (survey_notes[line.pk] or "").strip()
    if approve:
        amounts = {key: to_rupiah(value or 0) for key, value in (amounts or {}).items()}
        if any(amount < 0 for amount in amounts.values()):
            raise ValidationError(_("An approved amount cannot be negative."))
        for line in lines:
            line.amount_approved = amounts.get(line.pk, ZERO)
        if not any(line.amount_approved for line in lines):
            raise ValidationError(_("Approve an amount for at least one member, or reject the proposal."))
        proposal.status = ProposalStatus.APPROVED
    else:
        if not reason.strip():
            raise ValidationError(_("Say why the proposal is rejected."))
        proposal.status, proposal.rejection_reason = ProposalStatus.REJECTED, reason.strip()
    ProposalLine.objects.bulk_update(lines, ["survey_note", "amount_approved"])
    proposal.decided_by, proposal.decided_at = by, at
    proposal.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def disburse_proposal(*, proposal: Proposal, on: dt.date, by, client_uuid: uuid.UUID | None = None) -> list[Loan]:
    """Pays out an approved proposal on ``on``: one loan, with its schedule, per member approved for an amount.

    Refused when the fund has less available than the total approved. The fund's row is locked while the capital
    is counted, so two disbursements from one fund at once are serialised: the second counts the first's loans.
    ``client_uuid``, the disbursement form's key, is kept on the proposal: the same form sent again returns its
    loans; the same key on another proposal or with another date is refused.
    """
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("product__fund", "group").get(pk=proposal.pk)
    )
    if client_uuid is not None:
        if proposal.disbursement_uuid == client_uuid:
            if proposal.disbursed_on != on:
                raise _form_sent_with_other_values()
            return list(Loan.objects.filter(proposal_line__proposal=proposal).order_by("pk"))
        if Proposal.objects.filter(disbursement_uuid=client_uuid).exists():
            raise _form_sent_with_other_values()
    if proposal.status != ProposalStatus.APPROVED:
        raise ValidationError(_("Only an approved proposal can be disbursed."))
    if on > timezone.localdate():
        raise ValidationError(_("The disbursement date cannot be in the future."))
    if on < timezone.localdate(proposal.decided_at):
        raise ValidationError(_("The disbursement date cannot be before the decision."))
    lines = [line for line in proposal.lines.select_related("beneficiary") if line.amount_approved]
    total = sum((line.amount_approved for line in lines), ZERO)
    available = Fund.objects.select_for_update().get(pk=proposal.product.fund_id).available()
    if total > available:
        raise ValidationError(
            _("The fund has %(available)s available, less than the %(total)s approved.")
            % {"available": format_rupiah(available), "total": format_rupiah(total)}
        )
    loans = [
        disburse_loan(
            beneficiary=line.beneficiary,
            product=proposal.product,
            principal=line.amount_approved,
            disbursed_on=on,
            by=by,
            group=proposal.group,
            proposal_line=line,
        )
        for line in lines
    ]
    proposal.status, proposal.disbursement_uuid = ProposalStatus.DISBURSED, client_uuid
    proposal.disbursed_on, proposal.disbursed_by, proposal.disbursed_at = on, by, timezone.now()
    proposal.save(update_fields=["status", "disbursed_on", "disbursed_by", "disbursed_at", "disbursement_uuid"])
    return loans


@transaction.atomic
def disburse_loan(
    *, beneficiary, product, principal, disbursed_on: dt.date, by, group=None, proposal_line=None
) -> Loan:
    """Creates a loan and its schedule from the product's terms; the first instalment falls on the product's
    repayment day at least four weeks after disbursement."""
    principal = to_rupiah(principal)
    business_type_id = group.business_type_id if group is not None else None
    if business_type_id is None:
        business = beneficiary.businesses.order_by("started_on", "pk").first()
        business_type_id = business.business_type_id if business else None
    loan = Loan.objects.create(
        beneficiary=beneficiary,
        group=group,
        product=product,
        proposal_line=proposal_line,
        business_type_id=business_type_id,
        principal=principal,
        disbursed_on=disbursed_on,
        created_by=by,
    )
    lines = product.schedule_for(principal=principal, disbursed_on=disbursed_on)
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=line.number,
            due_on=line.due_on,
            principal_due=line.principal,
            interest_due=line.interest,
            fee_due=line.fee,
        )
        for line in lines
    )
    return loan


# --- repayments -----------------------------------------------------------------------------------------------


def _locked(loan: Loan) -> Loan:
    """Re-reads the loan with its row locked until the transaction ends."""
    return Loan.objects.select_for_update().get(pk=loan.pk)


def _outstanding(instalments) -> Decimal:
    return sum((i.remaining for i in instalments), ZERO)


def post_repayment(
    *,
    loan: Loan,
    amount,
    paid_on: dt.date,
    recorded_by,
    receipt_no: str = "",
    client_uuid: uuid.UUID | None = None,
    form_made_at: dt.datetime | None = None,
) -> Repayment:
    """Records money a borrower paid and allocates it (penalty, fees, interest, principal; oldest instalment
    first; the rest to the next instalments). Paying more than the loan's balance, or into a written-off loan, is
    refused, unless the loan moved after ``form_made_at`` (see the module's docstring).

    ``client_uuid`` is the repayment form's key: the same key again returns the repayment it recorded (even once
    the loan is repaid); the same key with another loan, amount, date or receipt is refused.
    """
    try:
        with transaction.atomic():
            return _post_repayment(
                loan=loan,
                amount=amount,
                paid_on=paid_on,
                recorded_by=recorded_by,
                receipt_no=receipt_no,
                client_uuid=client_uuid,
                form_made_at=form_made_at,
            )
    except IntegrityError:
        # The same key reached another loan's lock at the same moment; the other post won the unique key.
        first = Repayment.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if first is None:
            raise
        return _same_repayment(first, loan=loan, amount=amount, paid_on=paid_on, receipt_no=receipt_no)


def _same_repayment(first: Repayment, *, loan, amount, paid_on, receipt_no) -> Repayment:
    """The repayment a repeated key recorded, provided the form sent the same values again."""
    if (first.loan_id, first.amount, first.paid_on, first.receipt_no) != (
        loan.pk,
        to_rupiah(amount),
        paid_on,
        receipt_no.strip(),
    ):
        raise _form_sent_with_other_values()
    return first


def _post_repayment(
    *, loan, amount, paid_on, recorded_by, receipt_no, client_uuid, sheet=None, form_made_at=None
) -> Repayment:
    loan = _locked(loan)
    amount = to_rupiah(amount)
    if client_uuid is not None:
        # Read after the lock: a post with the same key that held it first has committed by now.
        first = Repayment.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            return _same_repayment(first, loan=loan, amount=amount, paid_on=paid_on, receipt_no=receipt_no)
    moved = _moved_since(loan, form_made_at)
    if loan.status == LoanStatus.WRITTEN_OFF and not moved.written_off:
        raise ValidationError(_("This loan has been written off."))
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    if paid_on > timezone.localdate():
        raise ValidationError(_("The payment date cannot be in the future."))
    if paid_on < loan.disbursed_on:
        raise ValidationError(_("The payment date cannot be before the loan was disbursed."))
    instalments = list(loan.instalments.order_by("number"))
    balance = _outstanding(instalments)
    beyond = amount > balance
    if beyond and not moved.paid:
        raise ValidationError(
            _("%(amount)s is more than the balance of %(balance)s.")
            % {"amount": format_rupiah(amount), "balance": format_rupiah(balance)}
        )
    closed_on = loan.closed_on
    repayment = Repayment.objects.create(
        loan=loan,
        paid_on=paid_on,
        amount=amount,
        receipt_no=receipt_no.strip(),
        recorded_by=recorded_by,
        client_uuid=client_uuid,
        sheet=sheet,
        beyond_balance=beyond,
    )
    _reallocate(loan, instalments)
    _review_what_moved(
        repayment, moved, form_made_at=form_made_at, credit=amount - balance if beyond else None, closed_on=closed_on
    )
    return repayment


@dataclass(frozen=True)
class _Moved:
    """What happened to a loan after a field form was made."""

    written_off: bool = False
    paid: bool = False  # other repayments were recorded since
    reversal: Repayment | None = None  # the latest reversal recorded since


def _moved_since(loan: Loan, form_made_at) -> _Moved:
    """What happened to the (locked) loan after ``form_made_at``; nothing when the phone's time is missing or not
    credible. The write-off has a date only: written off on the day the form was made or later counts."""
    if not made_at_is_credible(form_made_at):
        return _Moved()
    since = loan.repayments.filter(recorded_at__gt=form_made_at)
    return _Moved(
        written_off=loan.status == LoanStatus.WRITTEN_OFF and loan.written_off_on >= timezone.localdate(form_made_at),
        paid=since.filter(reverses__isnull=True).exists(),
        reversal=since.filter(reverses__isnull=False).order_by("-recorded_at", "-pk").first(),
    )


def _review_what_moved(repayment: Repayment, moved: _Moved, *, form_made_at, credit, closed_on) -> None:
    """Opens the review items of money that landed although the loan moved."""
    loan = repayment.loan
    common = {
        "kind": ReviewKind.REPAYMENT,
        "repayment": repayment,
        "loan": loan,
        "author": repayment.recorded_by,
        "programme_id": loan.product.fund.programme_id,
        "beneficiary": loan.beneficiary,
        "group": repayment.sheet.group if repayment.sheet_id else loan.group,
        "form_made_at": form_made_at,
    }
    if loan.status == LoanStatus.WRITTEN_OFF:
        open_review(
            reason=ReviewReason.WRITTEN_OFF,
            happened_on=loan.written_off_on,
            detail=loan.write_off_reason[:200],
            **common,
        )
    if moved.reversal is not None:
        open_review(
            reason=ReviewReason.REPAYMENT_REVERSED,
            happened_on=moved.reversal.paid_on,
            amount=-moved.reversal.amount,
            detail=moved.reversal.reversal_reason[:200],
            **common,
        )
    if credit is not None:
        open_review(reason=ReviewReason.LOAN_REPAID, happened_on=closed_on or loan.closed_on, amount=credit, **common)


def loan_credit(loan: Loan) -> Decimal:
    """Money received for the loan that no instalment took (a field payment that arrived after it was paid)."""
    received = loan.repayments.standing().aggregate(s=Sum("amount"))["s"] or ZERO
    allocated = RepaymentAllocation.objects.filter(repayment__loan=loan).aggregate(
        s=Sum(F("penalty") + F("fee") + F("interest") + F("principal"))
    )["s"]
    return received - (allocated or ZERO)


def post_collection_sheet(
    *,
    group,
    paid_on: dt.date,
    payments: list[tuple[Loan, object, str]],
    recorded_by,
    client_uuid: uuid.UUID | None = None,
    form_made_at: dt.datetime | None = None,
) -> list[Repayment]:
    """Records a group meeting's payments (loan, amount, receipt number) all at once: every one or none. A loan
    that moved after ``form_made_at`` takes its payment as ``post_repayment`` says.

    Zero amounts are skipped. Refused as a whole, with each row's reason keyed ``"<loan id>"``, when any row is
    refused. With ``client_uuid`` (the sheet form's key) the sheet is kept as a ``CollectionSheet`` row under that
    key, written first so that two copies sent at once queue on its unique key: the same sheet again returns the
    repayments it recorded; the same key for another group, date or payments is refused.
    """
    payments = [(loan, to_rupiah(amount), (receipt or "").strip()) for loan, amount, receipt in payments if amount]
    try:
        with transaction.atomic():
            return _post_collection_sheet(
                group=group,
                paid_on=paid_on,
                payments=payments,
                recorded_by=recorded_by,
                client_uuid=client_uuid,
                form_made_at=form_made_at,
            )
    except IntegrityError:
        first = CollectionSheet.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if first is None:
            raise
        return _same_sheet(first, group=group, paid_on=paid_on, payments=payments)


def _same_sheet(sheet: CollectionSheet, *, group, paid_on, payments) -> list[Repayment]:
    """The repayments a repeated sheet key recorded, provided the sheet sent the same payments again."""
    repayments = list(sheet.repayments.order_by("pk"))
    sent = sorted((loan.pk, amount, receipt_no) for loan, amount, receipt_no in payments)
    recorded = sorted((r.loan_id, r.amount, r.receipt_no) for r in repayments)
    if (sheet.group_id, sheet.paid_on, recorded) != (group.pk, paid_on, sent):
        raise _form_sent_with_other_values()
    return repayments


def _post_collection_sheet(*, group, paid_on, payments, recorded_by, client_uuid, form_made_at) -> list[Repayment]:
    sheet = None
    if client_uuid is not None:
        first = CollectionSheet.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            return _same_sheet(first, group=group, paid_on=paid_on, payments=payments)
        sheet = CollectionSheet.objects.create(
            client_uuid=client_uuid, group=group, paid_on=paid_on, recorded_by=recorded_by
        )
    members = set(Membership.objects.current(on=paid_on).filter(group=group).values_list("beneficiary_id", flat=True))
    repayments, errors = [], {}
    for loan, amount, receipt_no in payments:
        if loan.group_id != group.pk and loan.beneficiary_id not in members:
            errors[str(loan.pk)] = [_("This loan is not a member's of the group.")]
            continue
        try:
            with transaction.atomic():
                repayments.append(
                    _post_repayment(
                        loan=loan,
                        amount=amount,
                        paid_on=paid_on,
                        recorded_by=recorded_by,
                        receipt_no=receipt_no,
                        client_uuid=None,
                        sheet=sheet,
                        form_made_at=form_made_at,
                    )
                )
        except ValidationError as exc:
            errors[str(loan.pk)] = exc.messages
    if errors:
        raise ValidationError(errors)
    return repayments


@transaction.atomic
def reverse_repayment(*, repayment: Repayment, reason: str, by, on: dt.date | None = None) -> Repayment:
    """Cancels a repayment with a compensating row (the negative amount, the reason, who and when) and
    recomputes the loan's allocations without it. The original row stays as it was."""
    loan = _locked(repayment.loan)
    repayment = Repayment.objects.get(pk=repayment.pk)
    if repayment.is_reversal:
        raise ValidationError(_("A reversal cannot be reversed."))
    if Repayment.objects.filter(reverses=repayment).exists():
        raise ValidationError(_("This repayment has already been reversed."))
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise ValidationError(_("This loan has been written off."))
    if not reason.strip():
        raise ValidationError(_("Say why the repayment is reversed."))
    reversal = Repayment.objects.create(
        loan=loan,
        paid_on=on or timezone.localdate(),
        amount=-repayment.amount,
        receipt_no=repayment.receipt_no,
        recorded_by=by,
        reverses=repayment,
        reversal_reason=reason.strip(),
    )
    _reallocate(loan, list(loan.instalments.order_by("number")))
    return reversal


def _reallocate(loan: Loan, instalments: list[Instalment]) -> None:
    """Recomputes every allocation of the (locked) loan from its standing repayments in date order, then its
    instalments' paid parts, and closes or reopens the loan."""
    for instalment in instalments:
        for part in PARTS:
            setattr(instalment, f"{part}_paid", ZERO)
        instalment.completed_on = None
    allocations = []
    standing = list(loan.repayments.standing().order_by("paid_on", "pk"))
    # Money accepted beyond the balance stays unallocated (credit); for any other loan a remainder is an error.
    credit_allowed = any(r.beyond_balance for r in standing)
    for repayment in standing:
        allocations.extend(allocate_repayment(repayment, instalments, credit_allowed=credit_allowed))
    RepaymentAllocation.objects.filter(repayment__loan=loan).delete()
    RepaymentAllocation.objects.bulk_create(allocations)
    Instalment.objects.bulk_update(instalments, [*(f"{part}_paid" for part in PARTS), "completed_on"])
    paid_up = _outstanding(instalments) == 0
    if paid_up and loan.status == LoanStatus.ACTIVE:
        loan.status, loan.closed_on = LoanStatus.CLOSED, max(i.completed_on for i in instalments)
        loan.save(update_fields=["status", "closed_on"])
    elif not paid_up and loan.status == LoanStatus.CLOSED:
        loan.status, loan.closed_on = LoanStatus.ACTIVE, None
        loan.save(update_fields=["status", "closed_on"])


def allocate_repayment(
    repayment: Repayment, instalments: list[Instalment], *, credit_allowed: bool = False
) -> list[RepaymentAllocation]:
    """Spreads one repayment over the instalments (updated in place), oldest first, part by part; what no
    instalment takes is an error unless ``credit_allowed`` (the loan took money beyond its balance)."""
    left, allocations = repayment.amount, []
    for instalment in instalments:
        if not left:
            break
        taken = {}
        for part in PARTS:
            owed = getattr(instalment, f"{part}_due") - getattr(instalment, f"{part}_paid")
            take = min(owed, left)
            if take > 0:
                setattr(instalment, f"{part}_paid", getattr(instalment, f"{part}_paid") + take)
                taken[part] = take
                left -= take
        if taken:
            allocations.append(RepaymentAllocation(repayment=repayment, instalment=instalment, **taken))
            if instalment.remaining == 0:
                instalment.completed_on = repayment.paid_on
    if left and not credit_allowed:
        # The balance check on posting makes this impossible; a failure here means the data is inconsistent.
        raise ValidationError(_("The repayments are more than the loan's balance."))
    return allocations


@transaction.atomic
def write_off_loan(*, loan: Loan, reason: str, on: dt.date, by) -> Loan:
    """Takes an unrecoverable loan out of the portfolio, with the reason, who and when."""
    loan = _locked(loan)
    if loan.status != LoanStatus.ACTIVE:
        raise ValidationError(_("Only an active loan can be written off."))
    if not reason.strip():
        raise ValidationError(_("Say why the loan is written off."))
    if on > timezone.localdate() or on < loan.disbursed_on:
        raise ValidationError(_("The date must be between the disbursement and today."))
    loan.status, loan.written_off_on, loan.written_off_by, loan.write_off_reason = (
        LoanStatus.WRITTEN_OFF,
        on,
        by,
        reason.strip(),
    )
    loan.save(update_fields=["status", "written_off_on", "written_off_by", "write_off_reason"])
    return loan
