import datetime as dt

import factory

from loans.models import CapitalGrant, Fund, Loan, LoanProduct, Proposal, ProposalLine
from loans.services import disburse_loan
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.programmes.factories import ProgrammeFactory


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Dana Bergulir {n}")
    funder = "Program Kemitraan PT Telkom (PKBL)"
    programme = factory.SubFactory(ProgrammeFactory)
    capital = 1_000_000_000


class LoanProductFactory(factory.django.DjangoModelFactory):
    """Flat 12% a year over 10 months, due on the 5th, no grace, no tolerance, no fee."""

    class Meta:
        model = LoanProduct

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Pinjaman Modal Kerja {n}")
    method = "flat"
    annual_rate = 12
    term_months = 10
    repayment_day = 5
    grace_months = 0
    tolerance_days = 0
    admin_fee = 0


class LoanFactory(factory.django.DjangoModelFactory):
    """A loan disbursed through the service, so it has its schedule. Rp 1.000.000 flat 12% over 10 months,
    disbursed 3 Jan 2026: instalments of Rp 110.000 due on the 5th from 5 Feb to 5 Nov 2026."""

    class Meta:
        model = Loan

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    product = factory.SubFactory(LoanProductFactory)
    principal = 1_000_000
    disbursed_on = dt.date(2026, 1, 3)
    created_by = factory.SubFactory(UserFactory)
    group = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return disburse_loan(
            beneficiary=kwargs["beneficiary"],
            product=kwargs["product"],
            principal=kwargs["principal"],
            disbursed_on=kwargs["disbursed_on"],
            by=kwargs["created_by"],
            group=kwargs["group"],
        )


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    product = factory.SubFactory(LoanProductFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    purpose = "Modal kerja emping melinjo"
    created_by = factory.SubFactory(UserFactory)


class ProposalLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalLine

    proposal = factory.SubFactory(ProposalFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    amount_requested = 1_000_000
    purpose = "Beli melinjo"


class CapitalGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapitalGrant

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    source = "Kementerian Sosial RI"
    given_on = dt.date(2020, 11, 20)
    amount = 3_500_000
    intended_use = "Membeli kambing"
    recorded_by = factory.SubFactory(UserFactory)


def balance(loan) -> int:
    """What is still to pay on a loan, in whole rupiah."""
    return sum(i.remaining for i in loan.instalments.all())
