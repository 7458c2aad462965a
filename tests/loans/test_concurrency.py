"""Two people posting for the same loan at the same moment: the loan row lock serialises them."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from loans.models import Repayment, RepaymentAllocation
from loans.services import post_repayment
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
