"""What the loans app shows on other apps' pages. Each function renders one self-contained section (its own
queries, a fixed number of them) so the beneficiary page stays one template without knowing about loans."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from pekka.permissions import can_propose_loans, can_record_grants

from .arrears import bucket_of, dpd_of, mark_arrears, on_time_records, portfolio_at_risk, with_arrears
from .models import CapitalGrant, Loan, LoanProduct, LoanStatus, Proposal, ProposalStatus

ON_TIME_WINDOW_DAYS = 365


def beneficiary_sections(request, beneficiary) -> list[str]:
    """Her loans (balance and days late today) and capital grants. Three queries; nothing when she has neither
    and no programme of hers lends."""
    today = timezone.localdate()
    user = request.user
    loans = list(
        with_arrears(
            Loan.objects.visible_to(user).filter(beneficiary=beneficiary).select_related("product", "group"), today
        )
    )
    grants = list(CapitalGrant.objects.visible_to(user).filter(beneficiary=beneficiary).select_related("programme"))
    may_propose = (
        can_propose_loans(user)
        and LoanProduct.objects.filter(is_active=True, fund__programme__enrolments__beneficiary=beneficiary).exists()
    )
    if not loans and not grants and not may_propose:
        return []
    mark_arrears(loans, today)
    return [
        render_to_string(
            "loans/_beneficiary_loans.html",
            {
                "beneficiary": beneficiary,
                "loans": loans,
                "grants": grants,
                "may_propose": may_propose,
                "may_record_grant": can_record_grants(user),
            },
            request,
        )
    ]


def group_sections(request, group) -> list[str]:
    """The group's loan portfolio today (outstanding, PAR, status counts) and its repayment record (each
    member's balance, days late and on-time rate over the last twelve months). Five queries, whatever the size
    of the group."""
    today = timezone.localdate()
    loans = Loan.objects.visible_to(request.user).filter(group=group)
    counts = loans.aggregate(
        active=Count("pk", filter=Q(status=LoanStatus.ACTIVE)),
        closed=Count("pk", filter=Q(status=LoanStatus.CLOSED)),
        written_off=Count("pk", filter=Q(status=LoanStatus.WRITTEN_OFF)),
        disbursed=Sum("principal"),
    )
    if not any(counts.values()):
        proposals = Proposal.objects.filter(group=group).exclude(status=ProposalStatus.REJECTED).count()
        return [
            render_to_string(
                "loans/_group_portfolio.html",
                {"group": group, "counts": counts, "proposals": proposals, "empty": True},
                request,
            )
        ]
    _rows, total = portfolio_at_risk(loans, on=today, by="group")
    start = today - dt.timedelta(days=ON_TIME_WINDOW_DAYS)
    members = {r.key: r for r in on_time_records(loans, start=start, end=today)}
    group_record = next(iter(on_time_records(loans, start=start, end=today, per="group")), None)
    positions = {}
    for loan in with_arrears(loans.filter(status=LoanStatus.ACTIVE), today).values(
        "pk", "beneficiary_id", "beneficiary__full_name", "principal", "principal_repaid", "oldest_overdue_on"
    ):
        row = positions.setdefault(
            loan["beneficiary_id"],
            {"pk": loan["beneficiary_id"], "name": loan["beneficiary__full_name"], "outstanding": 0, "dpd": 0},
        )
        row["outstanding"] += loan["principal"] - loan["principal_repaid"]
        row["dpd"] = max(row["dpd"], dpd_of(loan["oldest_overdue_on"], today))
    for key, record in members.items():
        positions.setdefault(key, {"pk": key, "name": record.name, "outstanding": 0, "dpd": 0})
    rows = sorted(positions.values(), key=lambda r: r["name"].lower())
    for row in rows:
        row["record"] = members.get(row["pk"])
        row["bucket"] = bucket_of(row["dpd"])
    return [
        render_to_string(
            "loans/_group_portfolio.html",
            {
                "group": group,
                "counts": counts,
                "total": total,
                "rows": rows,
                "group_record": group_record,
                "start": start,
                "today": today,
            },
            request,
        )
    ]
