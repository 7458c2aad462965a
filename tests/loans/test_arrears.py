import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from loans.arrears import (
    bucket_of,
    days_past_due,
    dpd_of,
    filter_bucket,
    in_portfolio,
    on_time_payers,
    on_time_records,
    portfolio_at_risk,
    with_arrears,
)
from loans.models import Loan
from loans.services import post_repayment, write_off_loan
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory, business_type
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def pay(loan, amount, on, by):
    return post_repayment(loan=loan, amount=amount, paid_on=on, recorded_by=by)


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [(0, "current"), (1, "1_30"), (30, "1_30"), (31, "31_60"), (60, "31_60"), (61, "61_90"), (90, "61_90")]
    + [(91, "over_90"), (400, "over_90")],
)
def test_buckets(dpd, bucket):
    assert bucket_of(dpd).code == bucket


# Siti's loan: 110.000 due on the 5th from 5 Feb 2026. She pays February on time, March only on 10 April.
@pytest.mark.parametrize(
    ("on", "dpd", "bucket", "outstanding"),
    [
        (dt.date(2026, 2, 4), 0, "current", 1_000_000),
        (dt.date(2026, 3, 5), 0, "current", 900_000),  # due today is not yet past due
        (dt.date(2026, 3, 6), 1, "1_30", 900_000),
        (dt.date(2026, 4, 4), 30, "1_30", 900_000),
        (dt.date(2026, 4, 5), 31, "31_60", 900_000),
        (dt.date(2026, 4, 9), 35, "31_60", 900_000),
        (dt.date(2026, 4, 10), 5, "1_30", 800_000),  # March paid: April's instalment is now the oldest unpaid
    ],
)
def test_days_past_due_bucket_and_outstanding_principal_on_chosen_dates(loan, manager, on, dpd, bucket, outstanding):
    pay(loan, 110_000, dt.date(2026, 2, 5), manager)
    pay(loan, 110_000, dt.date(2026, 4, 10), manager)
    row = with_arrears(Loan.objects.all(), on).get()
    assert dpd_of(row.oldest_overdue_on, on) == dpd == days_past_due(loan.instalments.all(), on)
    assert bucket_of(dpd).code == bucket
    assert row.principal - row.principal_repaid == outstanding
    assert list(filter_bucket(with_arrears(Loan.objects.all(), on), bucket, on)) == [loan]


def test_today_reads_the_paid_columns_and_agrees_with_the_allocations(loan, manager):
    pay(loan, 250_000, dt.date(2026, 2, 5), manager)
    today = timezone.localdate()
    now, before = (
        with_arrears(Loan.objects.all(), today).get(),
        with_arrears(Loan.objects.all(), today - dt.timedelta(1)).get(),
    )
    assert now.principal_repaid == before.principal_repaid == 220_000  # 100 + 100 + (30 − 10 interest)


@pytest.fixture
def portfolio(programme, product, fund, facilitator, other_facilitator, manager):
    """Six loans of Rp 1.000.000 (110.000 a month from 5 Feb 2026), seen on 20 June 2026:

    A Siti (group 1, facilitator 1): paid to June → 500.000 outstanding, current
    B Ros (group 1, facilitator 2): paid to April → 700.000 outstanding, 46 days late
    C Yati (group 2, facilitator 1): paid to May → 600.000 outstanding, 15 days late
    D written off on 1 June; E disbursed in July; F repaid in full: none of them counts.
    """
    people = {
        name: BeneficiaryFactory(full_name=name, programme=programme, facilitator=who)
        for name, who in [("Siti", facilitator), ("Ros", other_facilitator), ("Yati", facilitator)]
        + [("Dewi", facilitator), ("Eka", facilitator), ("Fitri", facilitator)]
    }
    BusinessFactory(beneficiary=people["Yati"], business_type=business_type("makanan"))
    one = GroupFactory(name="KUB Satu", programme=programme, members=[people["Siti"], people["Ros"]])
    two = GroupFactory(name="KUB Dua", programme=programme, members=[people["Yati"]])
    loans = {
        "A": LoanFactory(beneficiary=people["Siti"], product=product, group=one),
        "B": LoanFactory(beneficiary=people["Ros"], product=product, group=one),
        "C": LoanFactory(beneficiary=people["Yati"], product=product, group=two),
        "D": LoanFactory(beneficiary=people["Dewi"], product=product, group=two),
        "E": LoanFactory(beneficiary=people["Eka"], product=product, disbursed_on=dt.date(2026, 7, 1)),
        "F": LoanFactory(beneficiary=people["Fitri"], product=product),
    }
    feb = dt.date(2026, 2, 5)
    pay(loans["A"], 5 * 110_000, feb, manager)
    pay(loans["B"], 3 * 110_000, feb, manager)
    pay(loans["C"], 4 * 110_000, feb, manager)
    write_off_loan(loan=loans["D"], reason="Pindah", on=dt.date(2026, 6, 1), by=manager)
    pay(loans["F"], 1_100_000, feb, manager)
    return loans


JUNE_20 = dt.date(2026, 6, 20)


def test_par_on_a_hand_computed_portfolio(portfolio):
    assert set(in_portfolio(Loan.objects.all(), JUNE_20)) == {portfolio[k] for k in "ABCF"}
    rows, total = portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="group")
    assert (total.loans, total.outstanding, total.at_risk_1, total.at_risk_30) == (3, 1_800_000, 1_300_000, 700_000)
    assert (total.par1, total.par30) == (Decimal("72.2"), Decimal("38.9"))
    assert total.by_bucket == {"current": 500_000, "1_30": 600_000, "31_60": 700_000, "61_90": 0, "over_90": 0}
    assert [(r.label, r.outstanding, r.par1, r.par30) for r in rows] == [
        ("KUB Dua", 600_000, Decimal("100.0"), Decimal("0.0")),
        ("KUB Satu", 1_200_000, Decimal("58.3"), Decimal("58.3")),
    ]


def test_par_by_facilitator_programme_and_business_type(portfolio, facilitator, other_facilitator, programme):
    rows, _ = portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="facilitator")
    assert {r.key: (r.outstanding, r.par1, r.par30) for r in rows} == {
        facilitator.pk: (1_100_000, Decimal("54.5"), Decimal("0.0")),
        other_facilitator.pk: (700_000, Decimal("100.0"), Decimal("100.0")),
    }
    rows, _ = portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="programme")
    assert [(r.key, r.par1, r.par30) for r in rows] == [(programme.pk, Decimal("72.2"), Decimal("38.9"))]
    rows, _ = portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="business_type")
    # Group loans take the group's type (sulaman); nobody else here has a loan outside a group.
    assert [(r.label, r.outstanding) for r in rows] == [("Sulaman / bordir", 1_800_000)]


def test_par_is_one_query_whatever_the_size(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="facilitator")


def test_par_earlier_in_the_year_uses_what_was_paid_by_then(portfolio, manager):
    pay(portfolio["B"], 110_000, dt.date(2026, 6, 25), manager)  # after 20 June: not known then
    _, total = portfolio_at_risk(Loan.objects.all(), on=JUNE_20, by="group")
    assert total.at_risk_30 == 700_000


# --- on time ---------------------------------------------------------------------------------------------------


@pytest.fixture
def payers(programme, fund, manager):
    """Instalments due 5 Feb, 5 Mar, 5 Apr 2026 with three days of tolerance."""
    product = LoanProductFactory(fund=fund, tolerance_days=3)
    group = GroupFactory(name="KUB Emping", programme=programme)
    loans = {}
    for name in ("Siti", "Ros", "Yati", "Wati", "Lina"):
        woman = BeneficiaryFactory(full_name=name, programme=programme)
        if name != "Wati":  # Wati has no loan
            loans[name] = LoanFactory(beneficiary=woman, product=product, group=group if name in "SitiRos" else None)
    for name, dates in {
        "Siti": [(2, 5), (3, 8), (4, 5)],  # March paid within the tolerance
        "Ros": [(2, 5), (3, 10), (4, 5)],  # March late
        "Lina": [(2, 5)],  # stopped paying
    }.items():
        for month, day in dates:
            pay(loans[name], 110_000, dt.date(2026, month, day), manager)
    pay(loans["Yati"], 330_000, dt.date(2026, 2, 1), manager)  # paid three months ahead
    return loans


FEB_1, APR_30 = dt.date(2026, 2, 1), dt.date(2026, 4, 30)


def test_the_on_time_payers_list_for_a_period(payers):
    assert [r.name for r in on_time_payers(Loan.objects.all(), start=FEB_1, end=APR_30)] == ["Siti", "Yati"]


def test_on_time_rate_per_member_and_per_group(payers):
    records = on_time_records(Loan.objects.all(), start=FEB_1, end=APR_30)
    assert {r.name: (r.on_time, r.late, r.rate) for r in records} == {
        "Siti": (3, 0, Decimal("100.0")),
        "Ros": (2, 1, Decimal("66.7")),
        "Yati": (3, 0, Decimal("100.0")),
        "Lina": (1, 2, Decimal("33.3")),
    }
    groups = on_time_records(Loan.objects.all(), start=FEB_1, end=APR_30, per="group")
    assert [(r.name, r.on_time, r.late, r.rate) for r in groups] == [("KUB Emping", 5, 1, Decimal("83.3"))]


def test_an_instalment_within_its_tolerance_is_not_yet_late(payers):
    records = on_time_records(Loan.objects.all(), start=FEB_1, end=APR_30, on=dt.date(2026, 3, 7))
    assert {r.name: (r.on_time, r.late) for r in records}["Lina"] == (1, 0)
    # Ros (paid 10 March) and Siti (8 March) are still within March's tolerance on the 7th: not late yet.
    early = on_time_payers(Loan.objects.all(), start=FEB_1, end=APR_30, on=dt.date(2026, 3, 7))
    assert [r.name for r in early] == ["Lina", "Ros", "Siti", "Yati"]


def test_par_series_gives_each_dates_portfolio_at_risk_in_three_queries(portfolio, django_assert_num_queries):
    from loans.arrears import par_series

    dates = [dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2026, 5, 31), JUNE_20, dt.date(2026, 7, 31)]
    with django_assert_num_queries(3):
        totals = par_series(Loan.objects.all(), dates)
    for on in dates:
        _, expected = portfolio_at_risk(Loan.objects.all(), on=on, by="programme")
        got = totals[on]
        assert (got.loans, got.outstanding, got.at_risk_1, got.at_risk_30, got.by_bucket) == (
            expected.loans,
            expected.outstanding,
            expected.at_risk_1,
            expected.at_risk_30,
            expected.by_bucket,
        ), on
    assert (totals[JUNE_20].outstanding, totals[JUNE_20].at_risk_30) == (1_800_000, 700_000)  # as by hand above
