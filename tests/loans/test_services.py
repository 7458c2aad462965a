import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from loans.models import Instalment, Loan, Proposal, Repayment, RepaymentAllocation
from loans.services import (
    LineRequest,
    create_proposal,
    decide_proposal,
    disburse_loan,
    disburse_proposal,
    post_collection_sheet,
    post_repayment,
    reverse_repayment,
    write_off_loan,
)
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests match the services' refusals by their English msgids; the pages are tested in Indonesian."""
    with translation.override("en"):
        yield


FEB_5, MAR_5, APR_5 = dt.date(2026, 2, 5), dt.date(2026, 3, 5), dt.date(2026, 4, 5)


def pay(loan, amount, on, by, receipt=""):
    return post_repayment(loan=loan, amount=amount, paid_on=on, recorded_by=by, receipt_no=receipt)


def paid(loan):
    """[(number, interest paid, principal paid, completed on)] of the loan's instalments that got anything."""
    return [
        (i.number, i.interest_paid, i.principal_paid, i.completed_on)
        for i in loan.instalments.order_by("number")
        if i.total_paid
    ]


# --- disbursement and schedule ------------------------------------------------------------------------------


def test_a_disbursed_loan_has_its_schedule_from_the_product(loan):
    instalments = list(loan.instalments.all())
    assert len(instalments) == 10
    assert instalments[0].due_on == FEB_5 and instalments[-1].due_on == dt.date(2026, 11, 5)
    assert {(i.principal_due, i.interest_due, i.fee_due) for i in instalments} == {(100_000, 10_000, 0)}
    assert sum(i.principal_due for i in instalments) == loan.principal


def test_a_loan_takes_the_business_type_of_her_group(programme, product, beneficiary, manager):
    group = GroupFactory(programme=programme, members=[beneficiary])
    loan = disburse_loan(
        beneficiary=beneficiary,
        product=product,
        principal=500_000,
        disbursed_on=dt.date(2026, 1, 3),
        by=manager,
        group=group,
    )
    assert loan.business_type == group.business_type


# --- allocation -----------------------------------------------------------------------------------------------


def test_allocation_pays_fees_then_interest_then_principal(beneficiary, fund, manager):
    product = LoanProductFactory(fund=fund, admin_fee=5_000)
    loan = LoanFactory(beneficiary=beneficiary, product=product, created_by=manager)
    pay(loan, 12_000, FEB_5, manager)
    allocation = RepaymentAllocation.objects.get()
    assert (allocation.fee, allocation.interest, allocation.principal) == (5_000, 7_000, 0)
    pay(loan, 10_000, FEB_5, manager)
    first = loan.instalments.get(number=1)
    assert (first.fee_paid, first.interest_paid, first.principal_paid) == (5_000, 10_000, 7_000)


def test_allocation_completes_the_oldest_instalment_first(loan, manager):
    pay(loan, 160_000, FEB_5, manager)
    assert paid(loan) == [(1, 10_000, 100_000, FEB_5), (2, 10_000, 40_000, None)]


def test_an_overpayment_goes_to_the_next_instalments(loan, manager):
    pay(loan, 330_000, FEB_5, manager)
    assert paid(loan) == [(1, 10_000, 100_000, FEB_5), (2, 10_000, 100_000, FEB_5), (3, 10_000, 100_000, FEB_5)]


def test_paying_more_than_the_balance_is_refused_and_writes_nothing(loan, manager):
    pay(loan, 1_000_000, FEB_5, manager)
    with pytest.raises(ValidationError, match="Rp 100.000"):
        pay(loan, 100_001, MAR_5, manager)
    assert Repayment.objects.count() == 1
    assert sum(i.remaining for i in loan.instalments.all()) == 100_000


def test_paying_the_balance_closes_the_loan(loan, manager):
    pay(loan, 500_000, FEB_5, manager)
    pay(loan, 600_000, MAR_5, manager)
    loan.refresh_from_db()
    assert loan.status == "closed" and loan.closed_on == MAR_5


@pytest.mark.parametrize(
    ("amount", "on", "message"),
    [
        (0, FEB_5, "more than zero"),
        (-5, FEB_5, "more than zero"),
        (110_000, dt.date(2026, 1, 2), "before the loan"),
        (110_000, dt.date(2099, 1, 5), "future"),
    ],
)
def test_bad_repayments_are_refused(loan, manager, amount, on, message):
    with pytest.raises(ValidationError, match=message):
        pay(loan, amount, on, manager)


def test_a_back_dated_repayment_is_allocated_in_date_order(loan, manager):
    pay(loan, 110_000, MAR_5, manager)
    pay(loan, 55_000, FEB_5, manager)  # entered late: it was paid first
    assert paid(loan) == [(1, 10_000, 100_000, MAR_5), (2, 10_000, 45_000, None)]
    first = loan.instalments.get(number=1)
    assert [a.repayment.paid_on for a in first.allocations.order_by("repayment__paid_on")] == [FEB_5, MAR_5]


# --- never edited, never deleted; reversals ---------------------------------------------------------------------


def test_a_repayment_cannot_be_edited_or_deleted(loan, manager):
    repayment = pay(loan, 110_000, FEB_5, manager)
    repayment.amount = 1
    with pytest.raises(ValidationError):
        repayment.save()
    with pytest.raises(ValidationError):
        repayment.delete()
    with pytest.raises(ValidationError):
        Repayment.objects.filter(pk=repayment.pk).update(amount=1)
    with pytest.raises(ValidationError):
        Repayment.objects.all().delete()
    assert Repayment.objects.get().amount == 110_000


def test_the_database_refuses_to_change_a_repayment(loan, manager):
    repayment = pay(loan, 110_000, FEB_5, manager)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE loans_repayment SET amount = 1 WHERE id = %s", [repayment.pk])
    assert Repayment.objects.get().amount == 110_000


def test_a_reversal_adds_a_compensating_row_and_reallocates(loan, manager, coordinator):
    pay(loan, 110_000, FEB_5, manager, receipt="K-001")
    wrong = pay(loan, 110_000, MAR_5, manager, receipt="K-002")
    pay(loan, 110_000, APR_5, manager, receipt="K-003")
    reversal = reverse_repayment(repayment=wrong, reason="Dicatat dua kali", by=coordinator)
    assert (reversal.amount, reversal.reverses, reversal.recorded_by) == (-110_000, wrong, coordinator)
    assert reversal.reversal_reason == "Dicatat dua kali"
    assert Repayment.objects.count() == 4  # nothing deleted
    wrong.refresh_from_db()
    assert wrong.amount == 110_000
    # The April payment now pays the second instalment; the third is unpaid again.
    assert paid(loan) == [(1, 10_000, 100_000, FEB_5), (2, 10_000, 100_000, APR_5)]
    assert not RepaymentAllocation.objects.filter(repayment__in=[wrong, reversal]).exists()


def test_reversing_a_payment_reopens_a_repaid_loan(loan, manager, coordinator):
    last = pay(loan, 1_100_000, FEB_5, manager)
    reverse_repayment(repayment=last, reason="Cek kosong", by=coordinator)
    loan.refresh_from_db()
    assert loan.status == "active" and loan.closed_on is None
    assert sum(i.remaining for i in loan.instalments.all()) == 1_100_000


def test_a_repayment_is_reversed_once_and_a_reversal_never(loan, manager, coordinator):
    repayment = pay(loan, 110_000, FEB_5, manager)
    with pytest.raises(ValidationError, match="why"):
        reverse_repayment(repayment=repayment, reason=" ", by=coordinator)
    reversal = reverse_repayment(repayment=repayment, reason="Salah pinjaman", by=coordinator)
    with pytest.raises(ValidationError, match="already"):
        reverse_repayment(repayment=repayment, reason="Lagi", by=coordinator)
    with pytest.raises(ValidationError, match="cannot be reversed"):
        reverse_repayment(repayment=reversal, reason="Lagi", by=coordinator)


# --- collection sheet -----------------------------------------------------------------------------------------


def test_a_collection_sheet_posts_every_row_or_none(programme, product, beneficiary, other_beneficiary, facilitator):
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[beneficiary, other_beneficiary])
    siti = LoanFactory(beneficiary=beneficiary, product=product, group=group)
    ros = LoanFactory(beneficiary=other_beneficiary, product=product, group=group)
    with pytest.raises(ValidationError) as refused:
        post_collection_sheet(
            group=group,
            paid_on=FEB_5,
            payments=[(siti, 110_000, "A1"), (ros, 5_000_000, "A2")],
            recorded_by=facilitator,
        )
    assert list(refused.value.message_dict) == [str(ros.pk)]
    assert not Repayment.objects.exists()

    repayments = post_collection_sheet(
        group=group,
        paid_on=FEB_5,
        payments=[
            (siti, 110_000, "A1"),
            (ros, 0, ""),
        ],
        recorded_by=facilitator,
    )
    assert [(r.loan, r.amount, r.receipt_no) for r in repayments] == [(siti, 110_000, "A1")]


def test_a_collection_sheet_refuses_a_loan_of_someone_outside_the_group(programme, product, beneficiary, facilitator):
    group = GroupFactory(programme=programme, members=[])
    loan = LoanFactory(beneficiary=beneficiary, product=product)
    with pytest.raises(ValidationError):
        post_collection_sheet(group=group, paid_on=FEB_5, payments=[(loan, 110_000, "")], recorded_by=facilitator)


# --- write-off ------------------------------------------------------------------------------------------------


def test_write_off_needs_a_reason_and_stops_repayments(loan, manager):
    with pytest.raises(ValidationError, match="why"):
        write_off_loan(loan=loan, reason="", on=dt.date(2026, 9, 1), by=manager)
    write_off_loan(loan=loan, reason="Usaha tutup, pindah ke luar kota", on=dt.date(2026, 9, 1), by=manager)
    loan.refresh_from_db()
    assert (loan.status, loan.written_off_by, loan.written_off_on) == ("written_off", manager, dt.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="written off"):
        pay(loan, 110_000, dt.date(2026, 9, 5), manager)


# --- proposals: maker-checker -----------------------------------------------------------------------------------


@pytest.fixture
def group_proposal(programme, product, beneficiary, other_beneficiary, facilitator):
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[beneficiary, other_beneficiary])
    return create_proposal(
        group=group,
        product=product,
        purpose="Modal kerja",
        lines=[
            LineRequest(beneficiary, 2_000_000, "Beli melinjo"),
            LineRequest(other_beneficiary, 1_500_000, "Alat penumbuk"),
        ],
        by=facilitator,
        submit=True,
    )


def test_a_group_proposal_is_submitted_with_a_line_per_member(group_proposal, facilitator):
    assert group_proposal.status == "submitted" and group_proposal.submitted_by == facilitator
    assert sorted(line.amount_requested for line in group_proposal.lines.all()) == [1_500_000, 2_000_000]


def test_a_proposal_only_for_current_members(programme, product, beneficiary, foreign_beneficiary, facilitator):
    group = GroupFactory(programme=programme, members=[beneficiary])
    with pytest.raises(ValidationError, match="Sumiyati"):
        create_proposal(
            group=group,
            product=product,
            purpose="x",
            lines=[LineRequest(foreign_beneficiary, 1_000_000)],
            by=facilitator,
        )


def test_the_person_who_submitted_cannot_decide(group_proposal, facilitator):
    with pytest.raises(PermissionDenied):
        decide_proposal(proposal=group_proposal, approve=True, amounts={}, by=facilitator)
    group_proposal.refresh_from_db()
    assert group_proposal.status == "submitted" and group_proposal.decided_by is None


def test_the_database_refuses_a_decider_who_submitted(group_proposal, facilitator):
    with pytest.raises(DatabaseError), transaction.atomic():
        Proposal.objects.filter(pk=group_proposal.pk).update(decided_by=facilitator)


def test_approval_sets_an_amount_per_member_and_disbursement_makes_the_loans(group_proposal, manager, beneficiary):
    first, second = group_proposal.lines.order_by("pk")
    decide_proposal(
        proposal=group_proposal,
        approve=True,
        amounts={first.pk: "1.750.000", second.pk: 1_000_000},
        survey_notes={first.pk: "Usaha berjalan, 2 kg per hari"},
        by=manager,
    )
    group_proposal.refresh_from_db()
    assert group_proposal.status == "approved" and group_proposal.decided_by == manager
    first.refresh_from_db()
    assert first.amount_approved == 1_750_000 and first.survey_note == "Usaha berjalan, 2 kg per hari"

    loans = disburse_proposal(proposal=group_proposal, on=dt.date.today(), by=manager)
    assert sorted(loan.principal for loan in loans) == [1_000_000, 1_750_000]
    assert {loan.group for loan in loans} == {group_proposal.group}
    group_proposal.refresh_from_db()
    assert group_proposal.status == "disbursed" and group_proposal.disbursed_by == manager
    assert Instalment.objects.filter(loan__in=loans).count() == 20


def test_a_member_approved_for_nothing_gets_no_loan(group_proposal, manager):
    first, second = group_proposal.lines.order_by("pk")
    decide_proposal(proposal=group_proposal, approve=True, amounts={first.pk: 1_000_000, second.pk: 0}, by=manager)
    loans = disburse_proposal(proposal=group_proposal, on=dt.date.today(), by=manager)
    assert [loan.beneficiary_id for loan in loans] == [first.beneficiary_id]


def test_rejection_needs_a_reason(group_proposal, manager):
    with pytest.raises(ValidationError, match="why"):
        decide_proposal(proposal=group_proposal, approve=False, by=manager)
    decide_proposal(proposal=group_proposal, approve=False, reason="Kelompok belum 6 bulan", by=manager)
    group_proposal.refresh_from_db()
    assert group_proposal.status == "rejected"
    with pytest.raises(ValidationError):
        disburse_proposal(proposal=group_proposal, on=dt.date.today(), by=manager)


def test_disbursement_cannot_exceed_what_the_fund_has_available(group_proposal, manager, fund):
    fund.capital = 2_000_000
    fund.save()
    first, second = group_proposal.lines.order_by("pk")
    decide_proposal(
        proposal=group_proposal, approve=True, amounts={first.pk: 1_500_000, second.pk: 1_000_000}, by=manager
    )
    with pytest.raises(ValidationError, match="available"):
        disburse_proposal(proposal=group_proposal, on=dt.date.today(), by=manager)
    assert not Loan.objects.exists()


def test_repaid_principal_is_available_again(fund, loan, manager):
    fund.capital = 1_000_000
    fund.save()
    assert fund.available() == 0
    pay(loan, 330_000, FEB_5, manager)
    assert fund.available() == Decimal(300_000)
