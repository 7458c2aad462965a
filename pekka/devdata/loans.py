"""Demo loans and grants. Dates follow the demo's calendar (``clock``): the cycles running now are counted
back from the day the demo was first built, so there are always instalments due this month, most paid, a few late.

- Citra Sari (seed 002): Telkom's partnership fund lends to the group. The 2006 cycle keeps the seed's dates (as
  written for a build in December 2026) although the demo programme starts in 2024 (history entered after the
  fact): proposal written and submitted by pendamping3 in January 2006, surveyed and decided by manajer2
  (maker-checker), disbursed on 3 February 2006 with amounts that vary per member, repaid monthly by the 5th
  from March 2006 to February 2007, mostly at the group's meeting (collection sheets), some late, one repayment
  recorded twice and reversed. Every loan of that cycle is repaid.
- The repaid money is lent on (a revolving cycle): eight members borrowed again four months before the build
  day; one pays about ten days late, the others at the group's collection.
- PEKKA Bukittinggi (seed 001: the women's first need is capital, and the city's women's empowerment office
  was asked to put the PEKKA groups first): the office's revolving fund lends to five members of each KUB five
  months before the build day, repaid by the 10th at a collection sheet the day before; one embroiderer stopped
  paying after her first instalment, one snack maker pays late.
- KPM Susukan (seed 004): each KPM received a Rp 3.500.000 capital grant from the Ministry of Social Affairs in
  November 2020 for the business she started with it; what became of it follows her business's status.
"""

import datetime as dt
import random

from django.utils import timezone

from beneficiaries.models import Beneficiary, Business, BusinessStatus
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

from .clock import DemoCalendar, demo_calendar
from .places import BUKITTINGGI, CITRA_SARI, SUSUKAN

FUND_NAME = "Dana Program Kemitraan Telkom"
FIRST_CYCLE = "Pinjaman Modal Kerja Kemitraan 2006"
REVOLVING_CYCLE = "Pinjaman Bergulir Kemitraan"
BUKITTINGGI_FUND = "Dana Bergulir DP3A Kota Bukittinggi"
BUKITTINGGI_CYCLE = "Pinjaman Modal Kelompok PEKKA"
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

# (member index, principal) of the revolving cycle; the seventh pays about ten days late.
REVOLVING = [
    (0, 2_000_000),
    (1, 1_500_000),
    (2, 2_000_000),
    (3, 1_000_000),
    (4, 1_500_000),
    (5, 1_500_000),
    (7, 1_000_000),
    (8, 1_500_000),
]
REVOLVING_LATE = {6: 9}  # position in REVOLVING → days after the due date she pays
# Principals of each KUB's five borrowers; the third (the smallest loan) is the one who pays late or stopped.
BUKITTINGGI_LOANS = (1_500_000, 2_000_000, 1_000_000, 2_500_000, 1_500_000)


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
    cal = demo_calendar()
    group, women = _citra_sari_women(programme)
    if len(women) >= len(CYCLE_2006):
        if not Proposal.objects.filter(product=first).exists():
            _cycle_2006(product=first, group=group, women=women, users=users, cal=cal)
        if not Proposal.objects.filter(product=revolving).exists():
            _revolving(product=revolving, group=group, women=women, users=users, cal=cal)
    _bukittinggi_cycle(programmes[BUKITTINGGI], users=users, cal=cal)
    _susukan_grants(programmes[SUSUKAN], users=users, cal=cal)
    loans = Loan.objects.filter(product__fund__programme__in=[programme, programmes[BUKITTINGGI]])
    return {
        "loans": loans.count(),
        "repayments": Repayment.objects.filter(loan__in=loans).count(),
        "capital_grants": CapitalGrant.objects.filter(source=GRANT_SOURCE).count(),
    }


def _propose(
    *, product, group, lines, users, written, decided, disbursed, notes=None, maker="pendamping3", checker="manajer2"
):
    """Proposal by the group's facilitator, decision by the programme's manager (never the same person),
    disbursement: the seed's steps."""
    maker, checker = users[maker], users[checker]
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


def _cycle_2006(*, product, group, women, users, cal: DemoCalendar):
    members = women[: len(CYCLE_2006)]
    lines = [(w, req, appr, use) for w, (req, appr, use, _note) in zip(members, CYCLE_2006, strict=True)]
    notes = {w.pk: note for w, (*_rest, note) in zip(members, CYCLE_2006, strict=True)}
    loans = _propose(
        product=product,
        group=group,
        lines=lines,
        users=users,
        written=cal.at(2006, 1, 9),
        decided=cal.at(2006, 1, 27, 14),
        disbursed=cal.date(2006, 2, 3),
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
                on=cal.date(2006, 5, 8),
            )


def _collect(*, group, loans, by, today, late=None, stops=(), stops_after=1):
    """Each instalment due so far collected on a sheet the day before it is due (the group's collection), except:
    ``late`` ({loan: days}) loans pay their instalment alone that many days after it was due (once that day has
    come); ``stops`` loans pay their first ``stops_after`` instalments and nothing after."""
    late = late or {}
    ordered = sorted(loans, key=lambda loan: loan.pk)
    for instalment in ordered[0].instalments.order_by("number"):
        number, due_on = instalment.number, instalment.due_on
        sheet_day = due_on - dt.timedelta(days=1)
        if sheet_day > today:
            break
        payers = [loan for loan in ordered if loan not in late and (loan not in stops or number <= stops_after)]
        _pay_sheet(
            group,
            sheet_day,
            [(loan, _remaining(loan, number), f"CS/{due_on:%y%m}/{i + 1:02d}") for i, loan in enumerate(payers)],
            by,
        )
        for loan, days in late.items():
            paid_on = due_on + dt.timedelta(days=days)
            if paid_on <= today:
                post_repayment(loan=loan, amount=_remaining(loan, number), paid_on=paid_on, recorded_by=by)


def _revolving(*, product, group, women, users, cal: DemoCalendar):
    """Citra Sari's repaid money lent again to eight members, four months before the build day."""
    disbursed = cal.months_back(4, day=3)
    lines = [(women[i], amount, amount, "Modal kerja bergulir") for i, amount in REVOLVING]
    loans = _propose(
        product=product,
        group=group,
        lines=lines,
        users=users,
        written=_moment(disbursed - dt.timedelta(days=21)),
        decided=_moment(disbursed - dt.timedelta(days=10), hour=14),
        disbursed=disbursed,
    )
    ordered = [loans[women[i].pk] for i, _amount in REVOLVING]
    _collect(
        group=group,
        loans=ordered,
        by=users["pendamping3"],
        today=cal.today,
        late={ordered[position]: days for position, days in REVOLVING_LATE.items()},
    )


def _bukittinggi_cycle(programme, *, users, cal: DemoCalendar):
    """The women's empowerment office's revolving fund: five members of each KUB borrow five months before the
    build day; in KUB Sulaman one stops after her first instalment, in KUB Makanan one pays late."""
    from .groups import KUB_MAKANAN, KUB_SULAMAN

    fund, _ = Fund.objects.get_or_create(
        programme=programme,
        name=BUKITTINGGI_FUND,
        defaults={
            "funder": "Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kota Bukittinggi",
            "capital": 60_000_000,
            "notes": "Modal bergulir untuk kelompok usaha PEKKA; angsuran kembali ke dana untuk kelompok berikutnya.",
        },
    )
    product, _ = LoanProduct.objects.get_or_create(
        fund=fund,
        name=BUKITTINGGI_CYCLE,
        defaults={"method": "flat", "annual_rate": 6, "term_months": 10, "repayment_day": 10, "tolerance_days": 3},
    )
    if Proposal.objects.filter(product=product).exists():
        return
    disbursed = cal.months_back(5, day=12)
    for group in Group.objects.filter(programme=programme).prefetch_related("facilitators").order_by("name"):
        paused = Business.objects.filter(status=BusinessStatus.PAUSED).values("beneficiary_id")
        members = [
            m.beneficiary
            for m in Membership.objects.current(on=disbursed)
            .filter(group=group)
            .exclude(beneficiary__in=paused)
            .select_related("beneficiary")
            .order_by("beneficiary_id")
        ][: len(BUKITTINGGI_LOANS)]
        maker = group.facilitators.order_by("username").first()
        if maker is None or len(members) < len(BUKITTINGGI_LOANS):
            continue
        use = "Modal bahan baku kelompok"
        lines = [(woman, amount, amount, use) for woman, amount in zip(members, BUKITTINGGI_LOANS, strict=True)]
        loans = _propose(
            product=product,
            group=group,
            lines=lines,
            users=users,
            written=_moment(disbursed - dt.timedelta(days=24)),
            decided=_moment(disbursed - dt.timedelta(days=8), hour=14),
            disbursed=disbursed,
            maker=maker.username,
            checker="manajer",
        )
        ordered = [loans[woman.pk] for woman in members]
        _collect(
            group=group,
            loans=ordered,
            by=maker,
            today=cal.today,
            late={ordered[2]: 9} if group.name == KUB_MAKANAN else None,
            stops=[ordered[2]] if group.name == KUB_SULAMAN else [],
            stops_after=1,
        )


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _susukan_grants(programme, *, users, cal: DemoCalendar):
    """A Rp 3.500.000 grant for each Susukan KPM, for the business she started with it (seed 004)."""
    women = Beneficiary.objects.filter(enrolments__programme=programme).exclude(capital_grants__source=GRANT_SOURCE)
    businesses = {}
    for business in (
        Business.objects.filter(beneficiary__in=women)
        .prefetch_related("status_changes")
        .order_by("beneficiary_id", "-started_on", "pk")
    ):
        funded = business.started_on and business.started_on.year == cal.date(2020, 11, 16).year
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
                given_on=cal.date(2020, 11, 16),
                amount=GRANT_AMOUNT,
                intended_use=(business.description or business.name) if business else "Modal usaha",
                outcome=_outcome(business),
                outcome_updated_on=cal.date(2025, 12, 15) if business else None,
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
