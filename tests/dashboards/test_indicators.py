"""Each indicator on hand-made data, with its period boundaries."""

import datetime as dt
from decimal import Decimal

import pytest

from beneficiaries.models import BusinessStatusChange, OnlinePresence, Permit
from loans.services import post_repayment
from pekka.dashboards.indicators import BY_CODE
from pekka.dashboards.scope import Scope
from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory
from tests.groups.factories import GroupFactory
from tests.loans.factories import FundFactory, LoanFactory, LoanProductFactory
from tests.mentoring.factories import (
    MonitoringReportFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


def value(code, programme, start, end, **extra):
    return BY_CODE[code].value(Scope((programme.pk,), start, end, **extra))


def test_women_trained_count_each_woman_once_and_respect_the_period(programme, facilitator):
    # Given two women at two ERT sessions (one woman at both) and one at a gender training, and a session on
    # 1 Jan 2026 that falls outside 2025
    a, b, c = (BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(3))
    ert1 = TrainingFactory(programme=programme, topic="household_economics", starts_on=D(2025, 3, 1))
    ert2 = TrainingFactory(programme=programme, topic="bookkeeping", starts_on=D(2025, 12, 31))
    late = TrainingFactory(programme=programme, topic="bookkeeping", starts_on=D(2026, 1, 1))
    gender = TrainingFactory(programme=programme, topic="gender", starts_on=D(2025, 6, 1))
    for training, woman in [(ert1, a), (ert2, a), (ert2, b), (late, c), (gender, c)]:
        TrainingAttendanceFactory(training=training, beneficiary=woman)
    # Then
    assert value("trained_ert", programme, D(2025, 1, 1), D(2025, 12, 31)) == 2
    assert value("trained_ert", programme, D(2026, 1, 1), D(2026, 3, 31)) == 1
    assert value("trained_gender", programme, D(2025, 1, 1), D(2025, 12, 31)) == 1
    assert value("trained_any", programme, D(2025, 1, 1), D(2026, 12, 31)) == 3


def test_a_candidate_is_not_counted_until_enrolled(programme):
    from tests.beneficiaries.factories import EnrolmentFactory

    EnrolmentFactory(programme=programme, status="candidate")
    BeneficiaryFactory(programme=programme)
    assert value("women_enrolled", programme, D(2025, 1, 1), D(2026, 12, 31)) == 1


def test_mentored_needs_three_visits_in_the_period_and_visits_count_every_visit(programme, facilitator):
    a, b = (BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(2))
    for day in (D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 31)):
        VisitFactory(beneficiary=a, visited_on=day)
    for day in (D(2025, 10, 1), D(2026, 1, 1)):
        VisitFactory(beneficiary=b, visited_on=day)
    assert value("mentored", programme, D(2025, 10, 1), D(2025, 12, 31)) == 1
    assert value("visits", programme, D(2025, 10, 1), D(2025, 12, 31)) == 4
    assert value("visits", programme, D(2026, 1, 1), D(2026, 1, 31)) == 1


def test_businesses_by_status_on_the_periods_last_day(programme, facilitator):
    woman = BeneficiaryFactory(programme=programme)
    business = BusinessFactory(beneficiary=woman, status="stopped", started_on=D(2024, 1, 1))
    BusinessStatusChange.objects.create(business=business, status="running", changed_on=D(2024, 1, 1))
    BusinessStatusChange.objects.create(
        business=business, status="stopped", changed_on=D(2025, 11, 15), reason="Ternak mati"
    )
    BusinessFactory(beneficiary=BeneficiaryFactory(programme=programme), status="running", started_on=D(2025, 1, 1))
    assert value("businesses_running", programme, D(2025, 1, 1), D(2025, 11, 14)) == 2
    assert value("businesses_running", programme, D(2025, 1, 1), D(2025, 11, 15)) == 1
    assert value("businesses_stopped", programme, D(2025, 1, 1), D(2025, 11, 15)) == 1


def test_permits_and_online_presence_count_from_their_date(programme):
    business = BusinessFactory(beneficiary=BeneficiaryFactory(programme=programme))
    Permit.objects.create(business=business, kind="nib", issued_on=D(2025, 9, 1))
    Permit.objects.create(business=business, kind="pirt", issued_on=D(2025, 12, 1))
    OnlinePresence.objects.create(business=business, channel="marketplace", since=D(2025, 10, 1))
    assert value("businesses_nib", programme, D(2025, 1, 1), D(2025, 9, 30)) == 1
    assert value("businesses_pirt", programme, D(2025, 1, 1), D(2025, 9, 30)) == 0
    assert value("businesses_online", programme, D(2025, 1, 1), D(2025, 9, 30)) == 0
    assert value("businesses_online", programme, D(2025, 1, 1), D(2025, 10, 1)) == 1


def test_groups_formed_in_the_period(programme):
    GroupFactory(programme=programme, formed_on=D(2025, 3, 31))
    GroupFactory(programme=programme, formed_on=D(2025, 4, 1))
    assert value("groups_formed", programme, D(2025, 4, 1), D(2025, 6, 30)) == 1


@pytest.fixture
def product(programme):
    return LoanProductFactory(fund=FundFactory(programme=programme))


def test_loans_disbursed_count_and_amount(programme, product):
    LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product, principal=1_500_000)
    LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product, principal=2_000_000)
    LoanFactory(
        beneficiary=BeneficiaryFactory(programme=programme),
        product=product,
        principal=900_000,
        disbursed_on=D(2026, 2, 1),
    )
    assert value("loans_disbursed", programme, D(2026, 1, 1), D(2026, 1, 31)) == 2
    assert value("loans_disbursed_amount", programme, D(2026, 1, 1), D(2026, 1, 31)) == Decimal(3_500_000)


def test_repayment_rate_and_par_on_a_hand_computed_portfolio(programme, product, admin):
    # Given three loans of Rp 1.000.000 (flat 12%, instalments of Rp 110.000 due on the 5th from 5 Feb 2026):
    # A pays every instalment on time, B paid February only, C never paid.
    a, b, c = (LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product) for _ in range(3))
    for month in (2, 3, 4):
        post_repayment(loan=a, amount=110_000, paid_on=D(2026, month, 5), recorded_by=admin)
    post_repayment(loan=b, amount=110_000, paid_on=D(2026, 2, 5), recorded_by=admin)
    on = D(2026, 4, 10)
    # Then on 10 April: C is 64 days late (since 5 Feb) with 1.000.000 outstanding; B is 36 days late (5 March)
    # with 900.000; A current with 700.000. PAR30 = (1.000.000 + 900.000) / 2.600.000 = 73,1 %.
    assert value("par30", programme, D(2026, 1, 1), on) == Decimal("73.1")
    assert value("par1", programme, D(2026, 1, 1), on) == Decimal("73.1")
    # On 10 March only C is over 30 days late: 1.000.000 / (800.000 + 900.000 + 1.000.000) = 37,0 %
    assert value("par30", programme, D(2026, 1, 1), D(2026, 3, 10)) == Decimal("37.0")
    # Due Feb–Apr: 9 instalments of 110.000 = 990.000; collected 4 × 110.000 = 440.000 → 44,4 %
    assert value("repayment_rate", programme, D(2026, 2, 1), D(2026, 4, 30)) == Decimal("44.4")
    assert BY_CODE["par30"].records(Scope((programme.pk,), D(2026, 1, 1), on)).count() == 2


def test_turnover_growth_averages_each_womans_change(programme):
    a, b = (BeneficiaryFactory(programme=programme) for _ in range(2))
    MonitoringReportFactory(beneficiary=a, year=2025, quarter=1, turnover=1_000_000)
    MonitoringReportFactory(beneficiary=a, year=2025, quarter=4, turnover=1_500_000)  # +50 %
    MonitoringReportFactory(beneficiary=b, year=2025, quarter=2, turnover=2_000_000)
    MonitoringReportFactory(beneficiary=b, year=2025, quarter=3, turnover=1_800_000)  # −10 %
    assert value("turnover_growth", programme, D(2025, 1, 1), D(2025, 12, 31)) == Decimal("20.0")
    # Q4 alone has one report per woman at most: no change to average
    assert value("turnover_growth", programme, D(2025, 10, 1), D(2025, 12, 31)) is None


def test_area_filter_limits_women_to_the_region(programme):
    from tests.beneficiaries.factories import HouseholdFactory
    from tests.regions.factories import RegionFactory, garegeh

    village = garegeh()
    elsewhere = RegionFactory(code="13.75.02.1001", name="Campago Ipuh", level=4, parent=village.parent)
    BeneficiaryFactory(programme=programme)
    BeneficiaryFactory(programme=programme, household=HouseholdFactory(village=elsewhere))
    assert value("women_enrolled", programme, D(2025, 1, 1), D(2026, 12, 31), area=village) == 1
    assert value("women_enrolled", programme, D(2025, 1, 1), D(2026, 12, 31), area=village.parent) == 2


def test_the_par_trend_is_the_par30_indicator_at_each_month_end(programme, product, admin):
    # Given the portfolio above, and a fourth woman enrolled on 15 March whose loan (disbursed in January, as an
    # imported record can be) only counts from her enrolment
    from pekka.dashboards.figures import par_trend

    a, b, c = (LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product) for _ in range(3))
    for month in (2, 3, 4):
        post_repayment(loan=a, amount=110_000, paid_on=D(2026, month, 5), recorded_by=admin)
    post_repayment(loan=b, amount=110_000, paid_on=D(2026, 2, 5), recorded_by=admin)
    late = BeneficiaryFactory(programme=programme)
    late.enrolments.update(enrolled_on=D(2026, 3, 15))
    LoanFactory(beneficiary=late, product=product)
    scope = Scope((programme.pk,), D(2025, 11, 1), D(2026, 4, 10))
    # When the trend of six months is computed (three queries for all of them)
    trend = par_trend(scope)
    # Then each month's point is what the PAR30 indicator says for the period ending that day
    ends = [D(2025, 11, 30), D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 10)]
    assert [point["value"] for point in trend] == [
        BY_CODE["par30"].value(scope.with_period(scope.start, end)) for end in ends
    ]
    # … and by hand: nothing outstanding before January; nobody over 30 days late until March; on 31 March C and
    # the late one (both due since 5 Feb, her loan counted since 15 March) are 54 days late with 1.000.000 each,
    # of 800.000 (A) + 900.000 (B) + 2 × 1.000.000 outstanding: 54,1 %
    assert [point["value"] for point in trend][:4] == [None, None, Decimal("0.0"), Decimal("0.0")]
    assert trend[4]["value"] == Decimal("54.1")
    assert trend[5]["value"] == value("par30", programme, D(2025, 11, 1), D(2026, 4, 10))


def test_the_par_trend_takes_the_same_queries_for_one_loan_or_many(programme, product, django_assert_num_queries):
    from pekka.dashboards.figures import par_trend

    LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product)
    scope = Scope((programme.pk,), D(2026, 1, 1), D(2026, 6, 30))
    with django_assert_num_queries(3):
        par_trend(scope)
    for _ in range(5):
        LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product)
    with django_assert_num_queries(3):
        par_trend(scope)
