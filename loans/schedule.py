"""Repayment schedules: a pure function from a loan's terms to its instalments, in whole rupiah.

Rules (the reference is Apache Fineract, kept to what the programmes use):

- Four methods. *Flat*: interest on the original principal every month. *Annuity* (declining balance, equal
  instalments): the instalment is ``pmt`` rounded to the rupiah, interest is the outstanding balance times the
  monthly rate (annual rate ÷ 12), principal is the rest. *Equal principal* (declining balance): the same
  principal every month, interest on the outstanding balance. *Interest-free*: no interest whatever the rate;
  the product's one-off admin fee is its only charge.
- The admin fee (any method may have one) is due with the first instalment, so the allocation order (fees
  before interest and principal) collects it first.
- Grace months are a grace on principal, as in Fineract: the first ``grace_months`` instalments carry interest
  only, and the principal is repaid over the remaining months. On an interest-free loan a grace month asks for
  nothing, so it is no instalment (except the first when it carries the admin fee).
- Every amount is whole rupiah (``Decimal`` with no places). Equal shares (flat and equal-principal
  principal, flat interest) are rounded down and the remainder goes to the last instalment; interest on a
  balance and the annuity payment round half up, and the last instalment repays whatever balance is left. So
  the principal parts add up to the principal exactly.
- Due dates fall on the repayment day of each month; the first is the first repayment day at least
  ``MIN_DAYS_TO_FIRST_DUE`` days after disbursement (``first_due_date``). Interest is a whole month's for every
  instalment, including the first, whatever the number of days since disbursement.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from pekka.money import ZERO, to_rupiah

FLAT = "flat"
ANNUITY = "annuity"
EQUAL_PRINCIPAL = "equal_principal"
INTEREST_FREE = "interest_free"
METHODS = (FLAT, ANNUITY, EQUAL_PRINCIPAL, INTEREST_FREE)

MIN_DAYS_TO_FIRST_DUE = 28


@dataclass(frozen=True)
class Instalment:
    """One line of a schedule: what is due on ``due_on``."""

    number: int
    due_on: dt.date
    principal: Decimal
    interest: Decimal
    fee: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fee


def add_months(day: dt.date, months: int, *, on_day: int | None = None) -> dt.date:
    """The date ``months`` months after ``day``, on ``on_day`` of that month (clamped to the month's end)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(on_day or day.day, last))


def first_due_date(disbursed_on: dt.date, repayment_day: int) -> dt.date:
    """The first repayment day at least ``MIN_DAYS_TO_FIRST_DUE`` days after disbursement.

    Disbursed on 3 Feb 2006 with repayment on the 5th: first due 5 Mar 2006 (30 days later), not 5 Feb.
    """
    candidate = add_months(disbursed_on, 0, on_day=repayment_day)
    while (candidate - disbursed_on).days < MIN_DAYS_TO_FIRST_DUE:
        candidate = add_months(candidate, 1, on_day=repayment_day)
    return candidate


def annuity_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    """The exact (unrounded) equal instalment that repays ``principal`` over ``months`` at ``monthly_rate``."""
    if monthly_rate == 0:
        return principal / months
    return principal * monthly_rate / (1 - (1 + monthly_rate) ** -months)


def build_schedule(
    *,
    principal,
    annual_rate,
    method: str,
    months: int,
    first_due: dt.date,
    grace_months: int = 0,
    admin_fee=0,
) -> list[Instalment]:
    """The instalments of a loan of ``principal`` rupiah at ``annual_rate`` percent a year over ``months`` months.

    ``principal``, ``annual_rate`` and ``admin_fee`` are ints, Decimals or strings, never floats.
    """
    for name, value in (("principal", principal), ("annual_rate", annual_rate), ("admin_fee", admin_fee)):
        if isinstance(value, float):
            raise TypeError(f"{name} must not be a float")
    # Decimal() first: a string here is a plain number ("25000.5"), not a rupiah amount written out ("25.000").
    principal, rate, fee = Decimal(principal), Decimal(annual_rate), to_rupiah(Decimal(admin_fee))
    if method not in METHODS:
        raise ValueError(f"unknown interest method {method!r}")
    if principal <= 0 or principal != to_rupiah(principal):
        raise ValueError("principal must be a positive whole number of rupiah")
    if months < 1 or not 0 <= grace_months < months:
        raise ValueError("the term must be at least one month and longer than the grace period")
    if rate < 0 or fee < 0:
        raise ValueError("the rate and the fee cannot be negative")
    if method == INTEREST_FREE:
        rate = ZERO
    monthly_rate = rate / 1200
    if method == ANNUITY:
        principals, interests = _annuity_parts(principal, monthly_rate, months, grace_months)
    else:
        principals = [ZERO] * grace_months + _equal_shares(principal, months - grace_months)
        interests = _interest_parts(principal, monthly_rate, method, principals)
    lines = [
        (add_months(first_due, n, on_day=first_due.day), principals[n], interests[n], fee if n == 0 else ZERO)
        for n in range(months)
    ]
    # An interest-free grace month asks for nothing: it is no instalment at all.
    lines = [line for line in lines if line[1] or line[2] or line[3]]
    return [
        Instalment(number=n, due_on=due_on, principal=principal, interest=interest, fee=fee)
        for n, (due_on, principal, interest, fee) in enumerate(lines, start=1)
    ]


def _equal_shares(amount: Decimal, count: int) -> list[Decimal]:
    """``count`` equal shares of ``amount`` rounded down to the rupiah, the last one taking the remainder (so it
    is never smaller than the others, and never negative)."""
    share = (amount / count).quantize(Decimal(1), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [amount - share * (count - 1)]


def _annuity_parts(principal: Decimal, monthly_rate: Decimal, months: int, grace_months: int):
    """Equal instalments: interest on the balance, principal the rounded payment less the interest; the last
    instalment repays whatever balance is left. Grace months carry the interest alone."""
    payment = to_rupiah(annuity_payment(principal, monthly_rate, months - grace_months))
    balance, principals, interests = principal, [], []
    for n in range(months):
        interest = to_rupiah(balance * monthly_rate)
        if n < grace_months:
            part = ZERO
        elif n == months - 1:
            part = balance
        else:
            part = min(payment - interest, balance)
        principals.append(part)
        interests.append(interest)
        balance -= part
    return principals, interests


def _interest_parts(principal: Decimal, monthly_rate: Decimal, method: str, principals: list[Decimal]) -> list:
    """Interest per instalment: flat on the original principal (the remainder of the total on the last one), or
    on the balance outstanding before the instalment for the declining-balance methods."""
    months = len(principals)
    if method == FLAT:
        return _equal_shares(to_rupiah(principal * monthly_rate * months), months)
    balance, interests = principal, []
    for part in principals:
        interests.append(to_rupiah(balance * monthly_rate))
        balance -= part
    return interests
