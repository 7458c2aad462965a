"""The loans cast: a fund and a product in the cast's programme, and a loan for the facilitator's beneficiary."""

import pytest

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
