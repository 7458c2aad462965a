"""Arrears, portfolio at risk and on-time payment, as of any date.

Definitions (decided here, once):

- **Days past due (DPD)** on a date: days since the due date of the loan's oldest instalment not fully paid by
  then (0 when none is overdue). An instalment is fully paid by a date when its ``completed_on`` is on or before
  it: allocation runs in payment-date order, so that is exactly when its payments reached its total. DPD counts
  from the due date itself, without the product's tolerance days, as Fineract's arrears ageing does: the
  tolerance only decides whether a payment counts as *on time* (rewards), not whether money is at risk.
- **Buckets**: current (0), 1–30, 31–60, 61–90, over 90 days.
- **Outstanding principal** on a date: principal disbursed less the principal allocated from repayments paid on
  or before that date. A reversed repayment never counted, whatever the date (the history as known today).
- **Portfolio** on a date: loans disbursed by then and not written off by then, with principal outstanding.
- **PAR1 / PAR30**: outstanding principal of the loans with DPD ≥ 1 (any arrears) / DPD > 30, divided by the
  outstanding principal of the portfolio, in percent. So PAR1 is every bucket but "current" and PAR30 the
  buckets from 31–60 up.
- **On time**: an instalment fully paid no later than its due date plus the product's tolerance days. Counted
  once its outcome is known on the reference date: paid, or its tolerance has run out unpaid.

Every figure for many loans is computed in one query (correlated subqueries on indexed columns) and summed in
Python, so a report costs the same number of queries for 50 loans or 50,000.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pekka.money import ZERO, percent

from .models import Instalment, LoanStatus, RepaymentAllocation


@dataclass(frozen=True)
class Bucket:
    code: str
    label: str
    low: int
    high: int | None  # None: no upper limit
    badge: str  # Bootstrap classes, so the bucket shows the same on other apps' pages


BUCKETS = [
    Bucket("current", _("Current"), 0, 0, "text-bg-success"),
    Bucket("1_30", _("1–30 days"), 1, 30, "text-bg-warning"),
    Bucket("31_60", _("31–60 days"), 31, 60, "bg-warning-subtle text-danger-emphasis border border-danger"),
    Bucket("61_90", _("61–90 days"), 61, 90, "text-bg-danger"),
    Bucket("over_90", _("Over 90 days"), 91, None, "text-bg-dark"),
]
BUCKETS_BY_CODE = {b.code: b for b in BUCKETS}


def bucket_of(dpd: int) -> Bucket:
    """The delinquency bucket of a number of days past due."""
    for bucket in BUCKETS:
        if dpd >= bucket.low and (bucket.high is None or dpd <= bucket.high):
            return bucket
    raise ValueError(f"negative days past due: {dpd}")


def days_past_due(instalments, on: dt.date) -> int:
    """DPD on ``on`` from a loan's instalments (objects with ``due_on`` and ``completed_on``)."""
    overdue = [i.due_on for i in instalments if i.due_on < on and (i.completed_on is None or i.completed_on > on)]
    return (on - min(overdue)).days if overdue else 0


# --- queries ----------------------------------------------------------------------------------------------------


def in_portfolio(loans, on: dt.date):
    """Loans disbursed by ``on`` and not written off by then."""
    return loans.filter(disbursed_on__lte=on).exclude(written_off_on__lte=on)


def with_arrears(loans, on: dt.date):
    """Annotates ``oldest_overdue_on`` (due date of the oldest instalment not fully paid on ``on``, or None) and
    ``outstanding_principal`` (as of ``on``). Past dates sum the allocations of repayments paid by then; today
    or later reads the instalments' paid columns, which hold the same figure without the join."""
    oldest_overdue = (
        Instalment.objects.filter(loan=OuterRef("pk"), due_on__lt=on)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=on))
        .order_by("due_on")
        .values("due_on")[:1]
    )
    if on >= timezone.localdate():
        repaid = (
            Instalment.objects.filter(loan=OuterRef("pk"))
            .order_by()  # the default ordering would join the loan table into every subquery
            .values("loan")
            .annotate(total=Sum("principal_paid"))
            .values("total")
        )
    else:
        repaid = (
            RepaymentAllocation.objects.filter(instalment__loan=OuterRef("pk"), repayment__paid_on__lte=on)
            .order_by()
            .values("instalment__loan")
            .annotate(total=Sum("principal"))
            .values("total")
        )
    money = DecimalField(max_digits=15, decimal_places=0)
    return loans.annotate(
        oldest_overdue_on=Subquery(oldest_overdue),
        principal_repaid=Coalesce(Subquery(repaid, output_field=money), Value(ZERO), output_field=money),
    )


# Wider bands for the list's filter, matching PAR1 and PAR30.
AT_RISK = {"par1": 1, "par30": 31}


def filter_bucket(loans, code: str, on: dt.date):
    """Loans (annotated by ``with_arrears``) in the bucket ``code`` on ``on``; ``par1``/``par30``: every loan
    counted at risk by PAR1/PAR30."""
    if code in AT_RISK:
        return loans.filter(oldest_overdue_on__lte=on - dt.timedelta(days=AT_RISK[code]))
    bucket = BUCKETS_BY_CODE[code]
    if bucket.code == "current":
        return loans.filter(oldest_overdue_on__isnull=True)
    condition = Q(oldest_overdue_on__lte=on - dt.timedelta(days=bucket.low))
    if bucket.high is not None:
        condition &= Q(oldest_overdue_on__gte=on - dt.timedelta(days=bucket.high))
    return loans.filter(condition)


def dpd_of(oldest_overdue_on: dt.date | None, on: dt.date) -> int:
    return (on - oldest_overdue_on).days if oldest_overdue_on else 0


def mark_arrears(loans, on: dt.date) -> None:
    """Sets ``dpd``, ``bucket`` and ``outstanding`` (principal) on each of ``loans`` (annotated by ``with_arrears``),
    as a list row shows them; a loan that is no longer active is late by no days."""
    for loan in loans:
        loan.dpd = dpd_of(loan.oldest_overdue_on, on) if loan.status == LoanStatus.ACTIVE else 0
        loan.bucket = bucket_of(loan.dpd)
        loan.outstanding = loan.principal - loan.principal_repaid


# --- portfolio at risk ------------------------------------------------------------------------------------------

# How a portfolio is broken down: (id field, label fields).
DIMENSIONS = {
    "programme": (
        "product__fund__programme_id",
        ("product__fund__programme__short_name", "product__fund__programme__name"),
    ),
    "group": ("group_id", ("group__name",)),
    "facilitator": (
        "beneficiary__facilitator_id",
        (
            "beneficiary__facilitator__first_name",
            "beneficiary__facilitator__last_name",
            "beneficiary__facilitator__username",
        ),
    ),
    "business_type": ("business_type_id", ("business_type__name",)),
}
DIMENSION_LABELS = {
    "programme": _("Programme"),
    "group": _("Group"),
    "facilitator": _("Facilitator"),
    "business_type": _("Business type"),
}


@dataclass
class ParRow:
    """One line of a portfolio-at-risk report."""

    key: object
    label: str
    loans: int = 0
    outstanding: Decimal = ZERO
    at_risk_1: Decimal = ZERO
    at_risk_30: Decimal = ZERO
    by_bucket: dict = field(default_factory=lambda: {b.code: ZERO for b in BUCKETS})

    # An empty portfolio has nothing at risk: the report shows 0.0 there, not a blank.
    @property
    def par1(self) -> Decimal:
        return percent(self.at_risk_1, self.outstanding) if self.outstanding else Decimal("0.0")

    @property
    def par30(self) -> Decimal:
        return percent(self.at_risk_30, self.outstanding) if self.outstanding else Decimal("0.0")

    def add(self, outstanding: Decimal, dpd: int) -> None:
        self.loans += 1
        self.outstanding += outstanding
        self.by_bucket[bucket_of(dpd).code] += outstanding
        if dpd >= 1:
            self.at_risk_1 += outstanding
        if dpd > 30:
            self.at_risk_30 += outstanding


def _label(values: dict, fields: tuple[str, ...], dimension: str) -> str:
    if dimension == "facilitator":
        name = f"{values[fields[0]] or ''} {values[fields[1]] or ''}".strip()
        return name or values[fields[2]] or str(_("No facilitator"))
    if dimension == "programme":
        return values[fields[0]] or values[fields[1]]
    return values[fields[0]] or str({"group": _("No group (individual loans)")}.get(dimension, _("Not recorded")))


def portfolio_at_risk(loans, *, on: dt.date, by: str) -> tuple[list[ParRow], ParRow]:
    """PAR1 and PAR30 of ``loans`` on ``on``, one row per programme, group, facilitator or business type, and
    the total. One query."""
    key_field, label_fields = DIMENSIONS[by]
    rows: dict[object, ParRow] = {}
    total = ParRow(key=None, label=str(_("Total")))
    for values in with_arrears(in_portfolio(loans, on), on).values(
        "principal", "principal_repaid", "oldest_overdue_on", key_field, *label_fields
    ):
        outstanding = values["principal"] - values["principal_repaid"]
        if outstanding <= 0:
            continue
        dpd = dpd_of(values["oldest_overdue_on"], on)
        key = values[key_field]
        if key not in rows:
            rows[key] = ParRow(key=key, label=_label(values, label_fields, by))
        rows[key].add(outstanding, dpd)
        total.add(outstanding, dpd)
    return sorted(rows.values(), key=lambda row: str(row.label).lower()), total


def par_series(loans, dates: list[dt.date], *, counted_from: str | None = None) -> dict[dt.date, ParRow]:
    """The portfolio-at-risk total of ``loans`` on each of ``dates`` (a trend), in three queries whatever the number
    of dates: the loans, then per loan and date the oldest instalment overdue and the principal repaid (conditional
    aggregates, one column per date). Each total equals ``portfolio_at_risk(loans, on=date, by=...)[1]``.
    ``counted_from`` names a date annotation of ``loans``: a loan counts on a date only from that day on (a
    dashboard counts a woman's loans once she is enrolled)."""
    dates = sorted(set(dates))
    totals = {on: ParRow(key=None, label=str(_("Total"))) for on in dates}
    if not dates:
        return totals
    first, last = dates[0], dates[-1]
    book = loans.filter(disbursed_on__lte=last).exclude(written_off_on__lte=first).order_by()
    columns = ["pk", "principal", "disbursed_on", "written_off_on", *([counted_from] if counted_from else [])]
    rows = list(book.values_list(*columns))
    if not rows:
        return totals
    ids = book.values("pk")
    not_paid_by = {
        f"d{n}": Min("due_on", filter=Q(due_on__lt=on) & (Q(completed_on__isnull=True) | Q(completed_on__gt=on)))
        for n, on in enumerate(dates)
    }
    overdue = {
        values.pop("loan_id"): values
        for values in Instalment.objects.filter(loan__in=ids, due_on__lt=last)
        .exclude(completed_on__lt=first)
        .order_by()
        .values("loan_id")
        .annotate(**not_paid_by)
    }
    paid_by = {
        f"r{n}": Sum("principal", filter=Q(repayment__paid_on__lte=on), default=ZERO) for n, on in enumerate(dates)
    }
    repaid = {
        values.pop("repayment__loan_id"): values
        for values in RepaymentAllocation.objects.filter(repayment__loan__in=ids, repayment__paid_on__lte=last)
        .order_by()
        .values("repayment__loan_id")
        .annotate(**paid_by)
    }
    for pk, principal, disbursed_on, written_off_on, *since in rows:
        late, paid = overdue.get(pk, {}), repaid.get(pk, {})
        for n, on in enumerate(dates):
            if disbursed_on > on or (written_off_on is not None and written_off_on <= on):
                continue
            if since and (since[0] is None or since[0] > on):
                continue
            outstanding = principal - (paid.get(f"r{n}") or ZERO)
            if outstanding <= 0:
                continue
            totals[on].add(outstanding, dpd_of(late.get(f"d{n}"), on))
    return totals


# --- on time ---------------------------------------------------------------------------------------------------


@dataclass
class OnTimeRecord:
    """How one woman (or one group) paid the instalments due in a period."""

    key: object
    name: str
    group_name: str = ""
    on_time: int = 0
    late: int = 0

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> Decimal:
        # No instalment decided yet: the rate reads 0.0, not a blank.
        return percent(self.on_time, self.counted) if self.counted else Decimal("0.0")


def _instalment_outcomes(loans, start: dt.date, end: dt.date, on: dt.date):
    """(values, on_time) for each instalment of ``loans`` due in [start, end] whose outcome is known on ``on``."""
    rows = Instalment.objects.filter(loan__in=loans, due_on__gte=start, due_on__lte=min(end, on)).values(
        "due_on",
        "completed_on",
        "loan__product__tolerance_days",
        "loan__beneficiary_id",
        "loan__beneficiary__full_name",
        "loan__group_id",
        "loan__group__name",
    )
    for row in rows:
        deadline = row["due_on"] + dt.timedelta(days=row["loan__product__tolerance_days"])
        paid = row["completed_on"] is not None and row["completed_on"] <= on
        if paid and row["completed_on"] <= deadline:
            yield row, True
        elif (paid and row["completed_on"] > deadline) or deadline < on:
            yield row, False
        # otherwise still within its tolerance and unpaid: not decided yet


def on_time_records(loans, *, start: dt.date, end: dt.date, on: dt.date | None = None, per: str = "member"):
    """On-time counts and rate per member (``per="member"``) or per group for the instalments of ``loans`` due
    from ``start`` to ``end``, as known on ``on`` (today by default). One query."""
    on = on or timezone.localdate()
    records: dict[object, OnTimeRecord] = {}
    for row, on_time in _instalment_outcomes(loans, start, end, on):
        if per == "group":
            key, name, group_name = row["loan__group_id"], row["loan__group__name"], ""
            if key is None:
                continue
        else:
            key, name = row["loan__beneficiary_id"], row["loan__beneficiary__full_name"]
            group_name = row["loan__group__name"] or ""
        record = records.setdefault(key, OnTimeRecord(key=key, name=name, group_name=group_name))
        if on_time:
            record.on_time += 1
        else:
            record.late += 1
    return sorted(records.values(), key=lambda r: r.name.lower())


def on_time_payers(loans, *, start: dt.date, end: dt.date, on: dt.date | None = None) -> list[OnTimeRecord]:
    """The women who paid every instalment due in the period by its due date (plus tolerance): the list the
    programmes use for rewards such as exhibition invitations."""
    return [r for r in on_time_records(loans, start=start, end=end, on=on) if r.counted and not r.late]
