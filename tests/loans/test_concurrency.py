"""Two people posting for the same loan at the same moment: the loan row lock serialises them. The same form sent
twice at once (a double tap, a phone retrying) records once; two disbursements from one fund at once cannot both
spend the same capital: the fund row lock serialises them."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from loans.models import CollectionSheet, Loan, Repayment, RepaymentAllocation
from loans.services import (
    LineRequest,
    create_proposal,
    decide_proposal,
    disburse_proposal,
    post_collection_sheet,
    post_repayment,
)
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite's in-memory test database is not shared between threads, "
        "and SQLite serialises writers with a whole-database lock anyway",
    ),
]


def post_at_once(loan, amounts, user):
    """Posts each amount from its own thread and connection, all released together; returns the outcomes."""
    barrier = threading.Barrier(len(amounts))
    outcomes = [None] * len(amounts)

    def post(index, amount):
        try:
            barrier.wait()
            outcomes[index] = post_repayment(
                loan=loan, amount=amount, paid_on=dt.date(2026, 2, 5), recorded_by=user, receipt_no=f"T{index}"
            )
        except ValidationError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, amount)) for i, amount in enumerate(amounts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_simultaneous_repayments_are_both_allocated(beneficiary, product, manager):
    loan = LoanFactory(beneficiary=beneficiary, product=product, created_by=manager)
    for _ in range(3):  # a few rounds: a lost update would show in one of them
        outcomes = post_at_once(loan, [110_000, 110_000, 110_000], manager)
        assert all(isinstance(o, Repayment) for o in outcomes)
    assert Repayment.objects.filter(loan=loan).count() == 9
    allocated = sum(a.total for a in RepaymentAllocation.objects.filter(repayment__loan=loan))
    assert allocated == 990_000
    assert sum(i.total_paid for i in loan.instalments.all()) == 990_000
    assert loan.instalments.filter(completed_on__isnull=False).count() == 9


def test_simultaneous_repayments_beyond_the_balance_let_exactly_one_through(beneficiary, product, manager):
    loan = LoanFactory(beneficiary=beneficiary, product=product, created_by=manager)
    outcomes = post_at_once(loan, [600_000, 600_000], manager)  # the balance is 1.100.000
    assert sorted(type(o).__name__ for o in outcomes) == ["Repayment", "ValidationError"]
    assert sum(i.total_paid for i in loan.instalments.all()) == 600_000


def at_once(*calls):
    """Runs each call from its own thread and connection, all released together; returns results or refusals."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            with translation.override("en"):
                outcomes[index] = call()
        except ValidationError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_same_repayment_form_sent_twice_at_once_records_one_repayment(beneficiary, product, facilitator):
    loan = LoanFactory(beneficiary=beneficiary, product=product, created_by=facilitator)
    for _ in range(3):
        key = uuid.uuid4()

        def send(key=key):
            return post_repayment(
                loan=loan, amount=110_000, paid_on=dt.date(2026, 2, 5), recorded_by=facilitator, client_uuid=key
            )

        first, second = at_once(send, send)
        assert isinstance(first, Repayment) and isinstance(second, Repayment) and first.pk == second.pk
    assert Repayment.objects.filter(loan=loan).count() == 3
    assert sum(i.total_paid for i in loan.instalments.all()) == 330_000


def test_the_same_collection_sheet_sent_twice_at_once_is_counted_once(
    programme, product, beneficiary, other_beneficiary, facilitator
):
    group = GroupFactory(programme=programme, facilitators=[facilitator], members=[beneficiary, other_beneficiary])
    loans = [
        LoanFactory(beneficiary=woman, product=product, group=group, created_by=facilitator)
        for woman in (beneficiary, other_beneficiary)
    ]
    key = uuid.uuid4()

    def send():
        return post_collection_sheet(
            group=group,
            paid_on=dt.date(2026, 2, 5),
            payments=[(loan, 110_000, f"CS-{i}") for i, loan in enumerate(loans)],
            recorded_by=facilitator,
            client_uuid=key,
        )

    first, second = at_once(send, send)
    assert sorted(r.pk for r in first) == sorted(r.pk for r in second)
    assert CollectionSheet.objects.count() == 1 and Repayment.objects.count() == 2
    assert sum(i.total_paid for loan in loans for i in loan.instalments.all()) == 220_000


def test_two_disbursements_from_a_fund_that_affords_one_let_exactly_one_through(
    programme, fund, product, beneficiary, other_beneficiary, facilitator, manager, admin
):
    fund.capital = 1_500_000
    fund.save()
    proposals = []
    for woman in (beneficiary, other_beneficiary):
        proposal = create_proposal(
            beneficiary=woman,
            product=product,
            purpose="Modal kerja",
            lines=[LineRequest(woman, 1_000_000)],
            by=facilitator,
            submit=True,
        )
        line = proposal.lines.get()
        proposals.append(decide_proposal(proposal=proposal, approve=True, amounts={line.pk: 1_000_000}, by=manager))
    today = timezone.localdate()
    outcomes = at_once(
        *(
            lambda proposal=proposal: disburse_proposal(proposal=proposal, on=today, by=admin, client_uuid=uuid.uuid4())
            for proposal in proposals
        )
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["ValidationError", "list"]
    refusal = next(o for o in outcomes if isinstance(o, ValidationError))
    assert "The fund has Rp 500.000 available, less than the Rp 1.000.000 approved." in refusal.messages
    assert Loan.objects.filter(product__fund=fund).count() == 1
    fund.refresh_from_db()
    assert fund.available() == 500_000
