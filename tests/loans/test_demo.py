import pytest
from django.core.management import call_command
from django.db.models import F

from loans.models import CapitalGrant, Instalment, Loan, Proposal, Repayment
from pekka.devdata.clock import demo_calendar
from pekka.devdata.loans import BUKITTINGGI_CYCLE, FIRST_CYCLE, GRANT_SOURCE, REVOLVING_CYCLE
from pekka.devdata.places import BUKITTINGGI

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def counts():
    return (Proposal.objects.count(), Loan.objects.count(), Repayment.objects.count(), CapitalGrant.objects.count())


def test_the_demo_loans_follow_the_seeds_and_are_built_once(demo_regions):
    call_command("seed_demo", "--password", "x")

    # Seed 002: proposal by the group's facilitator, decided by the funder's manager, disbursed 3 Feb 2006.
    proposal = Proposal.objects.get(product__name=FIRST_CYCLE)
    assert (proposal.submitted_by.username, proposal.decided_by.username) == ("pendamping3", "manajer2")
    cal = demo_calendar()
    assert proposal.disbursed_on == cal.date(2006, 2, 3) and proposal.group.name == "Citra Sari"
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

    # The revolving cycle: eight loans running today, some paid late; in Bukittinggi one borrower is behind.
    revolving = Loan.objects.filter(status="active", product__name=REVOLVING_CYCLE)
    assert revolving.count() == 8
    assert Instalment.objects.filter(loan__in=revolving, completed_on__gt=F("due_on")).exists()
    bukittinggi = Loan.objects.filter(status="active", product__name=BUKITTINGGI_CYCLE)
    assert bukittinggi.count() == 15 and {loan.group.programme.name for loan in bukittinggi} == {BUKITTINGGI}
    assert Instalment.objects.filter(loan__in=bukittinggi, due_on__lt=cal.today, completed_on__isnull=True)

    # Seed 004: each of the 22 KPM got Rp 3.500.000; the goats of one died.
    grants = CapitalGrant.objects.filter(source=GRANT_SOURCE)
    assert grants.count() == 22
    goats = grants.get(intended_use__contains="Rp 3.500.000")
    assert goats.amount == 3_500_000 and "Kambing mati" in goats.outcome

    before = counts()
    call_command("seed_demo", "--password", "x")
    assert counts() == before
