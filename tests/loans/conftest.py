"""The loans cast: a fund and a product in the cast's programme, a loan for the facilitator's beneficiary, and a group
of two members with a loan each."""

import pytest

from tests.groups.factories import GroupFactory
from tests.loans.factories import FundFactory, LoanFactory, LoanProductFactory


@pytest.fixture
def fund(programme):
    return FundFactory(name="Dana Bergulir PEKKA", programme=programme)


@pytest.fixture
def product(fund):
    """Flat 12% a year over 10 months, due on the 5th."""
    return LoanProductFactory(fund=fund, name="Modal Kerja 10 bulan")


@pytest.fixture
def loan(beneficiary, product, manager):
    """Siti Aminah's Rp 1.000.000: ten instalments of Rp 110.000 (100.000 principal, 10.000 interest) due on the
    5th from 5 Feb 2026."""
    return LoanFactory(beneficiary=beneficiary, product=product, created_by=manager)


@pytest.fixture
def group(programme, facilitator, beneficiary, other_beneficiary):
    """The facilitator's group, with her own Siti and the other facilitator's Rosmaini."""
    return GroupFactory(
        name="KUB Emping", programme=programme, facilitators=[facilitator], members=[beneficiary, other_beneficiary]
    )


@pytest.fixture
def group_loans(group, product, beneficiary, other_beneficiary, manager):
    """Siti's Rp 1.000.000 and Rosmaini's Rp 2.000.000 (instalments of 110.000 and 220.000)."""
    return [
        LoanFactory(beneficiary=beneficiary, product=product, group=group, principal=1_000_000, created_by=manager),
        LoanFactory(
            beneficiary=other_beneficiary, product=product, group=group, principal=2_000_000, created_by=manager
        ),
    ]
