"""Programme indicators, computed from the records (never typed in).

Every indicator answers two questions for a ``Scope`` (programmes, period, and optional area, business type and
facilitator): ``records(scope)`` — the rows behind the number, which the drill-down page lists — and
``value(scope)`` — the number itself, computed in the database from those same rows, so the figure a manager clicks
and the length of the list she lands on can never disagree.

Speed: each value is one aggregate query (PAR and the repayment rate a few). They are computed live; the scale
benchmark decides whether summary tables are needed, and none are so far.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, Business, BusinessStatusChange, Enrolment, EnrolmentStatus
from groups.models import Group
from loans.models import Instalment, Loan, RepaymentAllocation
from mentoring.models import INDIVIDUAL_TYPES, MonitoringReport, TrainingAttendance, TrainingTopic, Visit
from pekka.money import ZERO, percent

from .scope import Scope

# A woman counts as mentored once she has had this many individual visits in the period.
MENTORED_MIN_VISITS = 3


def enrolments(scope: Scope) -> QuerySet:
    """The enrolments that put a woman in the scope: in its programmes, not as a mere candidate, not dropped out
    before the period (``women`` adds: enrolled by the period's end)."""
    enrolled = Enrolment.objects.filter(programme_id__in=scope.programme_ids).exclude(status=EnrolmentStatus.CANDIDATE)
    return enrolled.exclude(status=EnrolmentStatus.DROPPED_OUT, status_changed_on__lt=scope.start)


def women(scope: Scope) -> QuerySet:
    """Beneficiaries enrolled (not as mere candidates, not dropped out before the period) in the scope."""
    enrolled = enrolments(scope).filter(enrolled_on__lte=scope.end)
    qs = Beneficiary.objects.filter(pk__in=enrolled.values("beneficiary_id"))
    if scope.area is not None:
        qs = qs.filter(_in_area("household__village", scope.area))
    if scope.business_type is not None:
        qs = qs.filter(pk__in=Business.objects.filter(business_type=scope.business_type).values("beneficiary_id"))
    if scope.facilitator is not None:
        qs = qs.filter(facilitator=scope.facilitator)
    return qs


def _in_area(path: str, region) -> Q:
    if region.level == 4:
        return Q(**{path: region})
    return Q(**{f"{path}__code__startswith": f"{region.code}."})


def groups(scope: Scope) -> QuerySet:
    qs = Group.objects.filter(programme_id__in=scope.programme_ids)
    if scope.area is not None:
        qs = qs.filter(_in_area("village", scope.area))
    if scope.business_type is not None:
        qs = qs.filter(business_type=scope.business_type)
    if scope.facilitator is not None:
        qs = qs.filter(facilitators=scope.facilitator)
    return qs


def loans(scope: Scope) -> QuerySet:
    return Loan.objects.filter(product__fund__programme_id__in=scope.programme_ids, beneficiary__in=women(scope))


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    kind: str  # what records() lists: women, visits, businesses, groups, loans, monitoring
    unit: str = "count"  # count, rupiah or percent
    compute: Callable | None = None  # for non-count indicators: scope -> value
    records_of: Callable | None = None
    help: str = ""
    higher_is_better: bool = True
    params: dict = field(default_factory=dict)

    def records(self, scope: Scope) -> QuerySet:
        return self.records_of(scope)

    def value(self, scope: Scope):
        if self.compute is not None:
            return self.compute(scope)
        return self.records(scope).count()


# --- records ------------------------------------------------------------------------------------------------------


def _trained(topics):
    def records(scope: Scope) -> QuerySet:
        attended = TrainingAttendance.objects.filter(
            training__programme_id__in=scope.programme_ids,
            training__starts_on__gte=scope.start,
            training__starts_on__lte=scope.end,
        )
        if topics:
            attended = attended.filter(training__topic__in=topics)
        return women(scope).filter(pk__in=attended.values("beneficiary_id"))

    return records


def _visits(scope: Scope) -> QuerySet:
    in_period = Visit.objects.filter(
        programme_id__in=scope.programme_ids, visited_on__gte=scope.start, visited_on__lte=scope.end
    )
    if scope.area is None and scope.business_type is None and scope.facilitator is None:
        return in_period
    return in_period.filter(Q(beneficiary__in=women(scope)) | Q(group__in=groups(scope)))


def _mentored(scope: Scope) -> QuerySet:
    counted = (
        Visit.objects.filter(
            programme_id__in=scope.programme_ids,
            visited_on__gte=scope.start,
            visited_on__lte=scope.end,
            visit_type__in=INDIVIDUAL_TYPES,
            beneficiary__isnull=False,
        )
        .values("beneficiary_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MENTORED_MIN_VISITS)
        .values("beneficiary_id")
    )
    return women(scope).filter(pk__in=counted)


def _businesses(scope: Scope) -> QuerySet:
    qs = Business.objects.filter(beneficiary__in=women(scope))
    if scope.business_type is not None:
        qs = qs.filter(business_type=scope.business_type)
    return qs


def _with_permit(kind: str):
    def records(scope: Scope) -> QuerySet:
        return (
            _businesses(scope)
            .filter(Q(permits__kind=kind), Q(permits__issued_on__isnull=True) | Q(permits__issued_on__lte=scope.end))
            .distinct()
        )

    return records


def _online(scope: Scope) -> QuerySet:
    return (
        _businesses(scope)
        .filter(
            Q(online_presences__isnull=False),
            Q(online_presences__since__isnull=True) | Q(online_presences__since__lte=scope.end),
        )
        .distinct()
    )


def _groups_formed(scope: Scope) -> QuerySet:
    return groups(scope).filter(formed_on__gte=scope.start, formed_on__lte=scope.end)


def _disbursed(scope: Scope) -> QuerySet:
    return loans(scope).filter(disbursed_on__gte=scope.start, disbursed_on__lte=scope.end)


def _disbursed_amount(scope: Scope) -> Decimal:
    return _disbursed(scope).aggregate(total=Coalesce(Sum("principal"), ZERO))["total"]


def _due_loans(scope: Scope) -> QuerySet:
    """Loans with an instalment due in the period (the repayment rate's rows)."""
    due = Instalment.objects.filter(due_on__gte=scope.start, due_on__lte=scope.end)
    return loans(scope).filter(pk__in=due.values("loan_id"))


def _repayment_rate(scope: Scope) -> Decimal | None:
    """What was collected on the instalments due in the period, by the period's end, over what they asked for."""
    due = Instalment.objects.filter(
        loan__in=loans(scope).exclude(written_off_on__lte=scope.start), due_on__gte=scope.start, due_on__lte=scope.end
    )
    asked = due.aggregate(
        total=Coalesce(Sum(F("principal_due") + F("interest_due") + F("fee_due") + F("penalty_due")), ZERO)
    )["total"]
    paid = RepaymentAllocation.objects.filter(instalment__in=due, repayment__paid_on__lte=scope.end).aggregate(
        total=Coalesce(Sum(F("principal") + F("interest") + F("fee") + F("penalty")), ZERO)
    )["total"]
    return percent(paid, asked)


def _at_risk(days: int):
    """Loans with principal outstanding at the period's end whose oldest unpaid instalment is late by at least
    ``days`` (PAR1: one day or more; PAR30: more than 30 days, as ``loans.arrears`` counts them)."""

    def records(scope: Scope) -> QuerySet:
        from loans.arrears import in_portfolio, with_arrears

        late_since = scope.end - dt.timedelta(days=days if days == 1 else days + 1)
        return (
            with_arrears(in_portfolio(loans(scope), scope.end), scope.end)
            .filter(principal__gt=F("principal_repaid"), oldest_overdue_on__lte=late_since)
            .order_by("oldest_overdue_on", "pk")
        )

    return records


def _par(days: int):
    def compute(scope: Scope) -> Decimal | None:
        from loans.arrears import portfolio_at_risk

        _rows, total = portfolio_at_risk(loans(scope), on=scope.end, by="programme")
        if not total.outstanding:
            return None
        return total.par1 if days == 1 else total.par30

    return compute


def _monitored(scope: Scope) -> QuerySet:
    return MonitoringReport.objects.filter(beneficiary__in=women(scope), programme_id__in=scope.programme_ids).filter(
        _quarters_between(scope.start, scope.end)
    )


def _quarters_between(start: dt.date, end: dt.date) -> Q:
    """Reports of the quarters that overlap [start, end]."""
    fy, fq = start.year, (start.month - 1) // 3 + 1
    ly, lq = end.year, (end.month - 1) // 3 + 1
    return (Q(year__gt=fy) | Q(year=fy, quarter__gte=fq)) & (Q(year__lt=ly) | Q(year=ly, quarter__lte=lq))


def _turnover_growth(scope: Scope) -> Decimal | None:
    """Average, over the women with at least two quarterly reports in the period, of the change in monthly turnover
    from her first report to her last, in percent (a first turnover of zero has no percentage and is left out).
    One query; the averaging is over one row per report, streamed."""
    rows = _monitored(scope).order_by("beneficiary_id", "year", "quarter").values_list("beneficiary_id", "turnover")
    first: dict[int, Decimal] = {}
    last: dict[int, Decimal] = {}
    reports: dict[int, int] = {}
    for beneficiary_id, turnover in rows.iterator(chunk_size=5000):
        first.setdefault(beneficiary_id, turnover)
        last[beneficiary_id] = turnover
        reports[beneficiary_id] = reports.get(beneficiary_id, 0) + 1
    changes = [(last[b] - first[b]) * 100 / first[b] for b in first if first[b] and reports[b] >= 2]
    if not changes:
        return None
    return (sum(changes) / len(changes)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _outstanding_book(scope: Scope) -> QuerySet:
    """Loans with principal outstanding at the period's end."""
    from loans.arrears import in_portfolio, with_arrears

    return (
        with_arrears(in_portfolio(loans(scope), scope.end), scope.end)
        .filter(principal__gt=F("principal_repaid"))
        .order_by("disbursed_on", "pk")
    )


def _outstanding_amount(scope: Scope) -> Decimal:
    return _outstanding_book(scope).aggregate(total=Coalesce(Sum(F("principal") - F("principal_repaid")), ZERO))[
        "total"
    ]


def _with_status(status: str):
    def records(scope: Scope) -> QuerySet:
        started = Q(started_on__isnull=True) | Q(started_on__lte=scope.end)
        if scope.end >= timezone.localdate():
            # A status change cannot be dated in the future (change_business_status refuses it), so on a period
            # ending today or later the status then is the status column: no subquery per business.
            changed = Exists(BusinessStatusChange.objects.filter(business=OuterRef("pk")))
            return _businesses(scope).filter(Q(status=status) & (started | changed))
        status_then = (
            BusinessStatusChange.objects.filter(business=OuterRef("pk"), changed_on__lte=scope.end)
            .order_by("-changed_on", "-pk")
            .values("status")[:1]
        )
        return (
            _businesses(scope)
            .annotate(status_then=Subquery(status_then))
            .filter(Q(status_then=status) | (Q(status_then__isnull=True) & Q(status=status) & started))
        )

    return records


# --- the catalogue --------------------------------------------------------------------------------------------------

T = TrainingTopic
INDICATORS = [
    Indicator(
        "trained_ert",
        _("Women trained in household economics, management and bookkeeping"),
        "women",
        records_of=_trained([T.HOUSEHOLD_ECONOMICS, T.BOOKKEEPING]),
        help=_("Distinct women who attended an ERT or management and bookkeeping training in the period."),
    ),
    Indicator("trained_gender", _("Women trained in gender"), "women", records_of=_trained([T.GENDER])),
    Indicator(
        "trained_lkm", _("Women trained on micro-finance institutions (LKM)"), "women", records_of=_trained([T.LKM])
    ),
    Indicator("trained_packaging", _("Women trained in packaging"), "women", records_of=_trained([T.PACKAGING])),
    Indicator(
        "trained_digital", _("Women trained in digital marketing"), "women", records_of=_trained([T.DIGITAL_MARKETING])
    ),
    Indicator(
        "trained_legality", _("Women trained on legality and permits"), "women", records_of=_trained([T.LEGALITY])
    ),
    Indicator("trained_any", _("Women trained (any topic)"), "women", records_of=_trained(None)),
    Indicator(
        "mentored",
        _("Women mentored (at least %(n)d visits)") % {"n": MENTORED_MIN_VISITS},
        "women",
        records_of=_mentored,
    ),
    Indicator("visits", _("Visits made"), "visits", records_of=_visits),
    Indicator("businesses_running", _("Businesses running"), "businesses", records_of=_with_status("running")),
    Indicator("businesses_nib", _("Businesses with an NIB"), "businesses", records_of=_with_permit("nib")),
    Indicator("businesses_pirt", _("Businesses with a PIRT permit"), "businesses", records_of=_with_permit("pirt")),
    Indicator(
        "businesses_halal", _("Businesses with a halal certificate"), "businesses", records_of=_with_permit("halal")
    ),
    Indicator("businesses_online", _("Businesses selling online"), "businesses", records_of=_online),
    Indicator("groups_formed", _("Groups formed"), "groups", records_of=_groups_formed),
    Indicator("loans_disbursed", _("Loans disbursed"), "loans", records_of=_disbursed),
    Indicator(
        "loans_disbursed_amount",
        _("Amount disbursed"),
        "loans",
        unit="rupiah",
        compute=_disbursed_amount,
        records_of=_disbursed,
    ),
    Indicator(
        "repayment_rate",
        _("Repayment rate"),
        "loans",
        unit="percent",
        compute=_repayment_rate,
        records_of=_due_loans,
        help=_("Collected by the end of the period on the instalments due in it, over what they asked for."),
    ),
    Indicator(
        "par30",
        _("Portfolio at risk over 30 days (PAR30)"),
        "loans",
        unit="percent",
        compute=_par(30),
        records_of=_at_risk(30),
        higher_is_better=False,
        help=_("Outstanding principal of loans more than 30 days late, over all outstanding principal."),
    ),
    Indicator(
        "turnover_growth",
        _("Average turnover growth"),
        "monitoring",
        unit="percent",
        compute=_turnover_growth,
        records_of=_monitored,
        help=_("Change in monthly turnover from each woman's first to her last quarterly report in the period."),
    ),
]
INDICATORS += [
    Indicator("women_enrolled", _("Women in the programme"), "women", records_of=women),
    Indicator("businesses_paused", _("Businesses paused"), "businesses", records_of=_with_status("paused")),
    Indicator(
        "businesses_stopped",
        _("Businesses stopped"),
        "businesses",
        records_of=_with_status("stopped"),
        higher_is_better=False,
    ),
    Indicator(
        "loans_outstanding",
        _("Loans outstanding"),
        "loans",
        unit="rupiah",
        compute=_outstanding_amount,
        records_of=_outstanding_book,
    ),
    Indicator(
        "par1",
        _("Portfolio at risk, 1 day or more (PAR1)"),
        "loans",
        unit="percent",
        compute=_par(1),
        records_of=_at_risk(1),
        higher_is_better=False,
    ),
]
BY_CODE = {i.code: i for i in INDICATORS}
