"""The schedule is a pure function: no database, table-driven."""

import datetime as dt
from decimal import Decimal

import numpy_financial as npf
import pytest

from loans.schedule import (
    ANNUITY,
    EQUAL_PRINCIPAL,
    FLAT,
    INTEREST_FREE,
    METHODS,
    add_months,
    build_schedule,
    first_due_date,
)

MARCH_5 = dt.date(2006, 3, 5)


def schedule(**overrides):
    terms = {
        "principal": 1_000_000,
        "annual_rate": 12,
        "method": FLAT,
        "months": 10,
        "first_due": MARCH_5,
    }
    terms.update(overrides)
    return build_schedule(**terms)


# (principal, annual rate %, months, grace months)
DECLINING_CASES = [
    (1_000_000, 12, 10, 0),
    (2_500_000, 18, 12, 0),
    (3_500_000, 24, 24, 0),
    (750_000, Decimal("9.5"), 6, 0),
    (1_234_567, 15, 36, 0),
    (5_000_000, 12, 12, 3),
    (999_999, 30, 18, 1),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("principal", "rate", "months", "grace"), DECLINING_CASES)
def test_principal_parts_add_up_to_the_principal_exactly_in_whole_rupiah(method, principal, rate, months, grace):
    lines = schedule(principal=principal, annual_rate=rate, method=method, months=months, grace_months=grace)
    assert sum(line.principal for line in lines) == principal
    for line in lines:
        for amount in (line.principal, line.interest, line.fee):
            assert isinstance(amount, Decimal) and amount == amount.to_integral_value() and amount >= 0


@pytest.mark.parametrize(("principal", "rate", "months", "grace"), DECLINING_CASES)
def test_annuity_agrees_with_numpy_financial_within_one_rupiah_before_the_last_instalment(
    principal, rate, months, grace
):
    lines = schedule(principal=principal, annual_rate=rate, method=ANNUITY, months=months, grace_months=grace)
    repaying = lines[grace:]
    r, n = float(rate) / 1200, months - grace  # numpy-financial works in floats; the schedule never does
    payment = -npf.pmt(r, n, principal)
    for period, line in enumerate(repaying[:-1], start=1):
        assert abs(float(line.interest) + float(line.principal) - payment) <= 0.5 + 1e-9
        assert abs(float(line.interest) - -npf.ipmt(r, period, n, principal)) <= 1
        assert abs(float(line.principal) - -npf.ppmt(r, period, n, principal)) <= 1
    # Equal instalments but the last, which takes the rounding remainder.
    assert len({line.total for line in repaying[:-1]}) == 1
    assert abs(repaying[-1].total - repaying[0].total) <= n


@pytest.mark.parametrize(("principal", "rate", "months", "grace"), DECLINING_CASES)
def test_equal_principal_interest_is_on_the_declining_balance(principal, rate, months, grace):
    lines = schedule(principal=principal, annual_rate=rate, method=EQUAL_PRINCIPAL, months=months, grace_months=grace)
    share = Decimal(principal) / (months - grace)
    r = Decimal(rate) / 1200
    for period, line in enumerate(lines[grace:]):
        exact_balance = principal - share * period
        assert abs(line.interest - exact_balance * r) <= 1
        # numpy-financial's ipmt for one period on the balance outstanding agrees too.
        assert abs(float(line.interest) - -npf.ipmt(float(r), 1, 1, float(exact_balance))) <= 1
    assert len({line.principal for line in lines[grace:-1]}) == 1


def test_flat_interest_is_on_the_original_principal_every_month():
    lines = schedule(principal=1_000_000, annual_rate=12, method=FLAT, months=10)
    assert [line.principal for line in lines] == [100_000] * 10
    assert [line.interest for line in lines] == [10_000] * 10
    assert {line.total for line in lines} == {110_000}


def test_flat_rounding_remainders_go_to_the_last_instalment():
    lines = schedule(principal=1_000_000, annual_rate=10, method=FLAT, months=3)
    # interest 1.000.000 × 10% × 3/12 = 25.000 → 8.333 + 8.333 + 8.334; principal 333.333 ×2 + 333.334
    assert [line.principal for line in lines] == [333_333, 333_333, 333_334]
    assert [line.interest for line in lines] == [8_333, 8_333, 8_334]


def test_interest_free_charges_only_the_admin_fee_once():
    lines = schedule(principal=3_000_000, annual_rate=12, method=INTEREST_FREE, months=6, admin_fee=25_000)
    assert [line.interest for line in lines] == [0] * 6
    assert [line.fee for line in lines] == [25_000, 0, 0, 0, 0, 0]
    assert [line.principal for line in lines] == [500_000] * 6


def test_interest_free_grace_months_without_a_fee_are_no_instalments():
    lines = schedule(principal=600_000, method=INTEREST_FREE, months=6, grace_months=2)
    assert [(line.number, line.due_on, line.principal) for line in lines] == [
        (1, dt.date(2006, 5, 5), 150_000),
        (2, dt.date(2006, 6, 5), 150_000),
        (3, dt.date(2006, 7, 5), 150_000),
        (4, dt.date(2006, 8, 5), 150_000),
    ]


@pytest.mark.parametrize("method", [FLAT, ANNUITY, EQUAL_PRINCIPAL])
def test_grace_months_carry_interest_only(method):
    lines = schedule(principal=1_200_000, annual_rate=12, method=method, months=12, grace_months=2)
    assert [(line.principal, line.interest) for line in lines[:2]] == [(0, 12_000), (0, 12_000)]
    assert lines[2].principal > 0
    assert len(lines) == 12


def test_admin_fee_is_due_with_the_first_instalment_whatever_the_method():
    lines = schedule(method=ANNUITY, admin_fee=10_000)
    assert [line.fee for line in lines] == [10_000] + [0] * 9


def test_due_dates_fall_on_the_repayment_day_of_each_month():
    lines = schedule(months=12, first_due=dt.date(2006, 3, 5))
    assert [line.due_on for line in lines][:3] == [dt.date(2006, 3, 5), dt.date(2006, 4, 5), dt.date(2006, 5, 5)]
    assert lines[-1].due_on == dt.date(2007, 2, 5)
    assert [line.number for line in lines] == list(range(1, 13))


@pytest.mark.parametrize(
    ("disbursed_on", "repayment_day", "first_due"),
    [
        (dt.date(2006, 2, 3), 5, dt.date(2006, 3, 5)),  # seed 002: disbursed 3 Feb, due by the 5th
        (dt.date(2006, 2, 20), 5, dt.date(2006, 4, 5)),  # 5 Mar is only 13 days away
        (dt.date(2006, 1, 31), 28, dt.date(2006, 2, 28)),
        (dt.date(2006, 12, 1), 5, dt.date(2007, 1, 5)),
    ],
)
def test_first_due_date_is_the_first_repayment_day_four_weeks_after_disbursement(
    disbursed_on, repayment_day, first_due
):
    assert first_due_date(disbursed_on, repayment_day) == first_due


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2006, 1, 31), 1) == dt.date(2006, 2, 28)
    assert add_months(dt.date(2006, 11, 5), 3, on_day=5) == dt.date(2007, 2, 5)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"principal": 1000.5}, TypeError),
        ({"annual_rate": 12.0}, TypeError),
        ({"principal": 0}, ValueError),
        ({"principal": Decimal("1000.50")}, ValueError),
        ({"months": 0}, ValueError),
        ({"months": 3, "grace_months": 3}, ValueError),
        ({"method": "balloon"}, ValueError),
        ({"annual_rate": -1}, ValueError),
    ],
)
def test_bad_terms_are_refused(overrides, error):
    with pytest.raises(error):
        schedule(**overrides)
