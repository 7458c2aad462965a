"""Demo loans and grants.

- Citra Sari (seed 002): Telkom's partnership fund lends to the group. The 2006 cycle keeps the seed's dates
  although the demo programme starts in 2024 (history entered after the fact): proposal written and submitted
  by pendamping3 in January 2006, surveyed and decided by manajer2 (maker-checker), disbursed on 3 February 2006
  with amounts that vary per member, repaid monthly by the 5th from March 2006 to February 2007, mostly at the
  group's meeting (collection sheets), some late, one repayment recorded twice and reversed. Every loan of that
  cycle is repaid.
- The repaid money is lent on (a revolving cycle): four members borrow again in August 2026, so today's lists
  and portfolio-at-risk report have loans running, one of them behind.
- KPM Susukan (seed 004): each KPM received a Rp 3.500.000 capital grant from the Ministry of Social Affairs in
  November 2020 for the business she started with it; what became of it follows her business's status.
"""

import datetime as dt
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary, Business
from groups.models import Group, Membership
from loans.models import CapitalGrant, Fund, Loan, LoanProduct, Proposal, Repayment
from loans.services import (
    LineRequest,
    create_proposal,
    decide_proposal,
    disburse_proposal,
    post_collection_sheet,
    post_repayment,
    reverse_repayment,
)

from .places import CITRA_SARI, SUSUKAN

FUND_NAME = "Dana Program Kemitraan Telkom"
FIRST_CYCLE = "Pinjaman Modal Kerja Kemitraan 2006"
REVOLVING_CYCLE = "Pinjaman Bergulir 2026"
GRANT_SOURCE = "Kementerian Sosial RI (Program Kewirausahaan Sosial)"
GRANT_AMOUNT = 3_500_000

# (requested, approved, use of the money, survey note), one per member in membership order.
CYCLE_2006 = [
    (3_000_000, 2_500_000, "Beli melinjo satu musim", "Produksi 3 kg/hari, pemasaran ke pengepul Conggeang"),
    (2_500_000, 2_500_000, "Beli melinjo dan kayu bakar", "Usaha lancar, pembukuan sederhana sudah ada"),
    (2_000_000, 2_000_000, "Alat penumbuk dan wajan", "Alat lama rusak; produksi bisa naik dua kali"),
    (3_000_000, 2_000_000, "Beli melinjo", "Usaha baru dua tahun; diberi pinjaman lebih kecil dulu"),
    (1_500_000, 1_500_000, "Kemasan plastik dan label", "Ingin masuk toko oleh-oleh"),
    (2_000_000, 1_500_000, "Beli melinjo", "Sebagian modal untuk kebutuhan rumah tangga: diingatkan"),
    (2_500_000, 2_000_000, "Beli melinjo dan tampah", "Penjualan tidak tentu; perlu pendampingan pencatatan"),
    (1_000_000, 1_000_000, "Kayu bakar dan minyak", "Usaha kecil, tekun"),
    (2_000_000, 1_750_000, "Beli melinjo", "Memasok warung di tiga desa"),
    (1_500_000, 1_250_000, "Kemasan", "Baru bergabung, usaha berjalan"),
]
LATE_PAYER, SKIPS_JULY, RECORDED_TWICE = 6, 7, 3

# (member index, principal) of the revolving cycle, and how each pays: on time, late, or stopping.
CYCLE_2026 = [(0, 2_000_000), (2, 2_000_000), (5, 1_500_000), (8, 1_500_000)]


def _at(year, month, day, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def _citra_sari_women(programme) -> tuple[Group | None, list[Beneficiary]]:
    """The group (from groups.demo) and its members; without the group, the programme's women."""
    from .groups import CITRA_SARI_GROUP

    group = Group.objects.filter(programme=programme, name=CITRA_SARI_GROUP).first()
    if group is not None:
        members = [
            m.beneficiary
            for m in Membership.objects.current()
            .filter(group=group)
            .select_related("beneficiary")
            .order_by("beneficiary_id")
        ]
        return group, members
    return None, list(Beneficiary.objects.filter(enrolments__programme=programme).order_by("pk"))


def seed_loans(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo loans records (idempotent: running again changes nothing)."""
    programme = programmes[CITRA_SARI]
    fund, _ = Fund.objects.get_or_create(
        programme=programme,
        name=FUND_NAME,
        defaults={
            "funder": "Program Kemitraan PT Telkom (PKBL)",
            "capital": 50_000_000,
            "notes": "Dana bergulir: angsuran yang kembali dipinjamkan lagi kepada usaha kecil lainnya.",
        },
    )
    first, _ = LoanProduct.objects.get_or_create(
        fund=fund,
        name=FIRST_CYCLE,
        defaults={"method": "flat", "annual_rate": 6, "term_months": 12, "repayment_day": 5},
    )
    revolving, _ = LoanProduct.objects.get_or_create(
        fund=fund,
        name=REVOLVING_CYCLE,
        defaults={"method": "flat", "annual_rate": 6, "term_months": 10, "repayment_day": 5, "tolerance_days": 2},
    )
    group, women = _citra_sari_women(programme)
    if len(women) >= len(CYCLE_2006):
        if not Proposal.objects.filter(product=first).exists():
            _cycle_2006(product=first, group=group, women=women, users=users)
        if not Proposal.objects.filter(product=revolving).exists():
            _cycle_2026(product=revolving, group=group, women=women, users=users)
    _susukan_grants(programmes[SUSUKAN], users=users)
    loans = Loan.objects.filter(product__fund=fund)
    return {
        "loans": loans.count(),
        "repayments": Repayment.objects.filter(loan__in=loans).count(),
        "capital_grants": CapitalGrant.objects.filter(source=GRANT_SOURCE).count(),
    }


def _propose(*, product, group, lines, users, written, decided, disbursed, notes=None):
    """Proposal by pendamping3, decision by manajer2 (never the same person), disbursement: the seed's steps."""
    maker, checker = users["pendamping3"], users["manajer2"]
    requests = [LineRequest(woman, requested, use) for woman, requested, _approved, use in lines]
    if group is not None:
        proposals = [
            create_proposal(
                group=group,
                product=product,
                purpose="Pinjaman modal kerja anggota kelompok perajin emping melinjo",
                lines=requests,
                by=maker,
                submit=True,
                at=written,
            )
        ]
    else:
        proposals = [
            create_proposal(
                beneficiary=line.beneficiary,
                product=product,
                purpose=line.purpose,
                lines=[line],
                by=maker,
                submit=True,
                at=written,
            )
            for line in requests
        ]
    approved = {woman.pk: amount for woman, _requested, amount, _use in lines}
    loans = []
    for proposal in proposals:
        proposal_lines = list(proposal.lines.all())
        decide_proposal(
            proposal=proposal,
            approve=True,
            amounts={line.pk: approved[line.beneficiary_id] for line in proposal_lines},
            survey_notes={line.pk: (notes or {}).get(line.beneficiary_id, "") for line in proposal_lines},
            by=checker,
            at=decided,
        )
        loans.extend(disburse_proposal(proposal=proposal, on=disbursed, by=checker))
    return {loan.beneficiary_id: loan for loan in loans}


def _remaining(loan, number) -> int:
    instalment = loan.instalments.get(number=number)
    return instalment.remaining


def _pay_sheet(group, on, payments, by):
    """One monthly meeting: a collection sheet for the group, or one posting each without the group."""
    if group is not None:
        post_collection_sheet(group=group, paid_on=on, payments=payments, recorded_by=by)
    else:
        for loan, amount, receipt in payments:
            post_repayment(loan=loan, amount=amount, paid_on=on, recorded_by=by, receipt_no=receipt)


def _cycle_2006(*, product, group, women, users):
    members = women[: len(CYCLE_2006)]
    lines = [(w, req, appr, use) for w, (req, appr, use, _note) in zip(members, CYCLE_2006, strict=True)]
    notes = {w.pk: note for w, (*_rest, note) in zip(members, CYCLE_2006, strict=True)}
    loans = _propose(
        product=product,
        group=group,
        lines=lines,
        users=users,
        written=_at(2006, 1, 9),
        decided=_at(2006, 1, 27, 14),
        disbursed=dt.date(2006, 2, 3),
        notes=notes,
    )
    facilitator, manager = users["pendamping3"], users["manajer2"]
    rng = random.Random(2006)
    ordered = [loans[w.pk] for w in members]
    for number in range(1, product.term_months + 1):
        due_on = ordered[0].instalments.get(number=number).due_on
        meeting = due_on - dt.timedelta(days=2)
        at_meeting, later = [], []
        for index, loan in enumerate(ordered):
            receipt = f"CS/{due_on:%y%m}/{index + 1:02d}"
            if index == SKIPS_JULY and number == 5:
                continue  # July missed: paid with August's instalment
            amount = _remaining(loan, number)
            if index == SKIPS_JULY and number == 6:
                amount += _remaining(loan, 5)
            if index == LATE_PAYER and number in (4, 5, 9):
                later.append((loan, amount, receipt, due_on + dt.timedelta(days=rng.choice((7, 9, 13)))))
            else:
                at_meeting.append((loan, amount, receipt))
        _pay_sheet(group, meeting, at_meeting, facilitator)
        for loan, amount, receipt, paid_on in later:
            post_repayment(loan=loan, amount=amount, paid_on=paid_on, recorded_by=facilitator, receipt_no=receipt)
        if number == 3:
            # The May sheet was entered again by mistake for one member: the duplicate is reversed.
            loan = ordered[RECORDED_TWICE]
            duplicate = post_repayment(
                loan=loan,
                amount=_remaining(loan, 4),
                paid_on=meeting,
                recorded_by=facilitator,
                receipt_no=f"CS/{due_on:%y%m}/{RECORDED_TWICE + 1:02d}",
            )
            reverse_repayment(
                repayment=duplicate,
                reason="Tercatat dua kali: kuitansi yang sama sudah masuk di lembar setoran",
                by=manager,
                on=dt.date(2006, 5, 8),
            )


def _cycle_2026(*, product, group, women, users):
    lines = [(women[i], amount, amount, "Modal kerja bergulir") for i, amount in CYCLE_2026]
    loans = _propose(
        product=product,
        group=group,
        lines=lines,
        users=users,
        written=_at(2026, 7, 13),
        decided=_at(2026, 7, 24, 14),
        disbursed=dt.date(2026, 8, 3),
    )
    facilitator = users["pendamping3"]
    today = timezone.localdate()
    ordered = [loans[women[i].pk] for i, _amount in CYCLE_2026]
    on_time, late, stopping = ordered[:2], ordered[2], ordered[3]
    for number, (meeting, late_day) in enumerate(
        [(dt.date(2026, 9, 3), None), (dt.date(2026, 10, 3), dt.date(2026, 10, 14)), (dt.date(2026, 11, 3), None)],
        start=1,
    ):
        if meeting > today:
            break
        payers = on_time + ([late, stopping] if number == 1 else [])
        _pay_sheet(
            group,
            meeting,
            [(loan, _remaining(loan, number), f"CS/{meeting:%y%m}/{i + 1:02d}") for i, loan in enumerate(payers)],
            facilitator,
        )
        if late_day and late_day <= today:
            post_repayment(loan=late, amount=_remaining(late, number), paid_on=late_day, recorded_by=facilitator)


def _susukan_grants(programme, *, users):
    """A Rp 3.500.000 grant for each Susukan KPM, for the business she started with it (seed 004)."""
    women = Beneficiary.objects.filter(enrolments__programme=programme).exclude(capital_grants__source=GRANT_SOURCE)
    businesses = {}
    for business in (
        Business.objects.filter(beneficiary__in=women)
        .prefetch_related("status_changes")
        .order_by("beneficiary_id", "-started_on", "pk")
    ):
        funded = business.started_on and business.started_on.year == 2020
        if business.beneficiary_id not in businesses or (funded and not businesses[business.beneficiary_id][1]):
            businesses[business.beneficiary_id] = (business, funded)
    grants = []
    for woman in women:
        business, _funded = businesses.get(woman.pk, (None, False))
        grants.append(
            CapitalGrant(
                beneficiary=woman,
                programme=programme,
                source=GRANT_SOURCE,
                given_on=dt.date(2020, 11, 16),
                amount=GRANT_AMOUNT,
                intended_use=(business.description or business.name) if business else "Modal usaha",
                outcome=_outcome(business),
                outcome_updated_on=dt.date(2025, 12, 15) if business else None,
                recorded_by=users["koordinator"],
            )
        )
    CapitalGrant.objects.bulk_create(grants)


def _outcome(business) -> str:
    if business is None:
        return ""
    latest = max(business.status_changes.all(), key=lambda c: (c.changed_on, c.pk), default=None)
    if latest is None or latest.status == "running":
        return f"Usaha berjalan: {business.name}."
    state = "berhenti" if latest.status == "stopped" else "berhenti sementara"
    return f"Usaha {state} sejak {latest.changed_on:%d/%m/%Y}: {latest.reason}."
