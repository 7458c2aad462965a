import datetime as dt

import pytest
from django.core.management import call_command

from loans.models import CapitalGrant, Instalment, Loan, Proposal, Repayment
from pekka.devdata.loans import FIRST_CYCLE, GRANT_SOURCE

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def counts():
    return (Proposal.objects.count(), Loan.objects.count(), Repayment.objects.count(), CapitalGrant.objects.count())


def test_the_demo_loans_follow_the_seeds_and_are_built_once(demo_regions):
    call_command("seed_demo", "--password", "x")

    # Seed 002: proposal by the group's facilitator, decided by the funder's manager, disbursed 3 Feb 2006.
    proposal = Proposal.objects.get(product__name=FIRST_CYCLE)
    assert (proposal.submitted_by.username, proposal.decided_by.username) == ("pendamping3", "manajer2")
    assert proposal.disbursed_on == dt.date(2006, 2, 3) and proposal.group.name == "Citra Sari"
    loans = Loan.objects.filter(product__name=FIRST_CYCLE)
    assert loans.count() == 10
    assert len({loan.principal for loan in loans}) > 1  # amounts vary per member
    assert {loan.status for loan in loans} == {"closed"}
    instalments = list(Instalment.objects.filter(loan__in=loans))
    assert {i.due_on.day for i in instalments} == {5}  # due by the 5th
    late = [i for i in instalments if i.completed_on > i.due_on]
    assert 0 < len(late) < len(instalments) / 5  # some late, most on time
    reversal = Repayment.objects.get(reverses__isnull=False)
    assert reversal.amount == -reversal.reverses.amount and reversal.loan.product.name == FIRST_CYCLE

    # The revolving cycle: four loans running today, at least one behind.
    active = Loan.objects.filter(status="active")
    assert active.count() == 4
    assert Instalment.objects.filter(loan__in=active, due_on__lt=dt.date(2026, 11, 23), completed_on__isnull=True)

    # Seed 004: each of the 22 KPM got Rp 3.500.000; the goats of one died.
    grants = CapitalGrant.objects.filter(source=GRANT_SOURCE)
    assert grants.count() == 22
    goats = grants.get(intended_use__contains="Rp 3.500.000")
    assert goats.amount == 3_500_000 and "Kambing mati" in goats.outcome

    before = counts()
    call_command("seed_demo", "--password", "x")
    assert counts() == before
