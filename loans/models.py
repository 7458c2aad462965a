"""Loans and capital grants: funds and their products, proposals (maker → checker → disbursement), loans with
their schedules, repayments with their allocation to instalments, and non-repayable capital grants.

Money is whole rupiah. Repayments are never edited or deleted: a mistake is reversed by a compensating row and
the loan's allocations are recomputed from the repayments that stand (``loans.services``).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from groups.models import Group
from pekka.money import ZERO, money_field
from pekka.permissions import is_admin, programme_ids_visible_to

from . import schedule


class InterestMethod(models.TextChoices):
    FLAT = schedule.FLAT, _("Flat")
    ANNUITY = schedule.ANNUITY, _("Declining balance, equal instalments")
    EQUAL_PRINCIPAL = schedule.EQUAL_PRINCIPAL, _("Declining balance, equal principal")
    INTEREST_FREE = schedule.INTEREST_FREE, _("Interest-free with a one-off admin fee")


class FundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The funds of the programmes a user works in (all for admins)."""
        ids = programme_ids_visible_to(user)
        return self if ids is None else self.filter(programme__in=ids)


class Fund(models.Model):
    """Money lent on to women: a funder's capital (e.g. a state company's partnership programme), revolving as
    it is repaid."""

    name = models.CharField(_("name"), max_length=150)
    funder = models.CharField(_("funder"), max_length=200)
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="funds"
    )
    capital = money_field(_("capital (Rp)"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="fund_name_unique_in_programme"),
            models.CheckConstraint(condition=Q(capital__gte=0), name="fund_capital_not_negative"),
        ]

    def __str__(self):
        return self.name

    def available(self) -> Decimal:
        """Capital not lent out: capital − principal disbursed + principal repaid (written-off principal is lost)."""
        lent = Loan.objects.filter(product__fund=self).aggregate(s=Sum("principal"))["s"] or ZERO
        repaid = Instalment.objects.filter(loan__product__fund=self).aggregate(s=Sum("principal_paid"))["s"] or ZERO
        return self.capital - lent + repaid


class LoanProduct(models.Model):
    """A fund's terms for its loans."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=150)
    method = models.CharField(_("interest method"), max_length=20, choices=InterestMethod.choices)
    annual_rate = models.DecimalField(
        _("annual interest rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    repayment_day = models.PositiveSmallIntegerField(
        _("repayment day of the month"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Instalments fall due on this day of each month (1–28)."),
    )
    grace_months = models.PositiveSmallIntegerField(
        _("grace months"), default=0, help_text=_("The first months repay interest only, no principal.")
    )
    tolerance_days = models.PositiveSmallIntegerField(
        _("days of tolerance"),
        default=0,
        help_text=_("An instalment paid this many days after its due date still counts as on time."),
    )
    admin_fee = money_field(_("admin fee (Rp)"), default=0, help_text=_("Charged once, with the first instalment."))
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["fund", "name"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="product_name_unique_in_fund"),
            models.CheckConstraint(condition=Q(grace_months__lt=F("term_months")), name="grace_shorter_than_term"),
            models.CheckConstraint(
                condition=~Q(method="interest_free") | Q(annual_rate=0), name="interest_free_has_no_rate"
            ),
            models.CheckConstraint(condition=Q(admin_fee__gte=0), name="admin_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(repayment_day__gte=1, repayment_day__lte=28), name="repayment_day_in_every_month"
            ),
        ]

    def __str__(self):
        return self.name

    def schedule_for(self, *, principal, disbursed_on: dt.date) -> list[schedule.Instalment]:
        """The instalments this product's terms give a loan of ``principal`` disbursed on ``disbursed_on``."""
        return schedule.build_schedule(
            principal=principal,
            annual_rate=self.annual_rate,
            method=self.method,
            months=self.term_months,
            first_due=schedule.first_due_date(disbursed_on, self.repayment_day),
            grace_months=self.grace_months,
            admin_fee=self.admin_fee,
        )

    def clean(self):
        if self.method == InterestMethod.INTEREST_FREE and self.annual_rate:
            raise ValidationError({"annual_rate": _("An interest-free product has no interest rate.")})
        if self.term_months and self.grace_months >= self.term_months:
            raise ValidationError({"grace_months": _("The grace period must be shorter than the term.")})


def _scoped(queryset, user, *, programme_path: str, beneficiary_path: str | None, group_path: str | None):
    """Rows a user may see: admins all; facilitators those of her caseload or of the groups she accompanies;
    managers and coordinators those of their programmes or of women they can see."""
    if is_admin(user):
        return queryset
    condition = Q()
    if beneficiary_path:
        condition |= Q(**{f"{beneficiary_path}__in": Beneficiary.objects.visible_ids(user)})
    if user.is_facilitator:
        if group_path:
            condition |= Q(**{f"{group_path}__in": Group.objects.visible_to(user)})
    else:
        condition |= _on_own_column(queryset.model, programme_path, programme_ids_visible_to(user))
    return queryset.filter(condition)


def _on_own_column(model, path: str, values) -> Q:
    """``path__in=values`` as a subquery on the row's own foreign key ("product__fund__programme" becomes
    ``product_id IN (SELECT id FROM product WHERE fund__programme IN …)``): PostgreSQL then filters the table before
    any join, instead of joining every loan to every borrower first (issue 9: a manager's loan list, 1.4 s → 0.17 s)."""
    first, _, rest = path.partition("__")
    if not rest:
        return Q(**{f"{path}__in": values})
    related = model._meta.get_field(first).related_model
    return Q(**{f"{first}__in": related.objects.filter(**{f"{rest}__in": values}).values("pk")})


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Proposals of the groups or women a user may see (and, for staff, of their programmes' funds)."""
        return _scoped(
            self,
            user,
            programme_path="product__fund__programme",
            beneficiary_path="beneficiary",
            group_path="group",
        )


class Proposal(models.Model):
    """A request for loans, by a group for its members or by one woman: draft → submitted → approved or
    rejected → disbursed. The person who decides is never the person who wrote it nor the one who submitted it
    (maker-checker)."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="loan_proposals", null=True, blank=True
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="loan_proposals",
        null=True,
        blank=True,
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="proposals"
    )
    purpose = models.TextField(_("purpose"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disbursed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    disbursed_at = models.DateTimeField(_("disbursement recorded at"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    # The key of the disbursement form that paid it out: the same form sent again returns these loans.
    disbursement_uuid = models.UUIDField(_("disbursement form id"), null=True, blank=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan proposal")
        verbose_name_plural = _("loan proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=True, beneficiary__isnull=False)
                | Q(group__isnull=False, beneficiary__isnull=True),
                name="proposal_for_a_group_or_a_woman",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("submitted_by")),
                name="decider_is_not_submitter",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("created_by")),
                name="decider_is_not_maker",
            ),
            models.UniqueConstraint(fields=["disbursement_uuid"], name="disbursement_form_used_once"),
        ]

    def __str__(self):
        return f"{self.applicant} — {self.product}"

    @property
    def applicant(self):
        return self.group or self.beneficiary

    @property
    def programme_id(self):
        return self.product.fund.programme_id


class ProposalLine(models.Model):
    """One member's part of a proposal: what she asks for, the funder's survey of her, what is approved."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="lines")
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("member"), on_delete=models.PROTECT, related_name="loan_proposal_lines"
    )
    amount_requested = money_field(_("amount requested (Rp)"))
    purpose = models.CharField(_("use of the money"), max_length=250, blank=True)
    survey_note = models.TextField(_("survey and interview note"), blank=True)
    amount_approved = money_field(
        _("amount approved (Rp)"), null=True, blank=True, help_text=_("0 declines this member.")
    )

    class Meta:
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "beneficiary"], name="one_line_per_member"),
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="requested_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gte=0), name="approved_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary}: {self.amount_requested}"


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


class LoanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Loans of the women a user may see, of the groups a facilitator accompanies, and (for managers and
        coordinators) of their programmes' funds."""
        return _scoped(
            self,
            user,
            programme_path="product__fund__programme",
            beneficiary_path="beneficiary",
            group_path="group",
        )


class Loan(models.Model):
    """Money lent to one woman, with its schedule (``instalments``) and repayments."""

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="loans", null=True, blank=True
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("loan product"), on_delete=models.PROTECT, related_name="loans"
    )
    proposal_line = models.OneToOneField(
        ProposalLine,
        verbose_name=_("proposal line"),
        on_delete=models.PROTECT,
        related_name="loan",
        null=True,
        blank=True,
    )
    # What the money went into, for portfolio-at-risk by business type: the group's type, or her business's.
    business_type = models.ForeignKey(
        "beneficiaries.BusinessType",
        verbose_name=_("business type"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    principal = money_field(_("principal (Rp)"))
    disbursed_on = models.DateField(_("disbursed on"))
    status = models.CharField(_("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.ACTIVE)
    closed_on = models.DateField(_("repaid on"), null=True, blank=True)
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written off by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    write_off_reason = models.TextField(_("reason for writing off"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-disbursed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=~Q(status="written_off") | (Q(written_off_on__isnull=False) & ~Q(write_off_reason="")),
                name="write_off_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="closed_loan_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "disbursed_on"])]

    def __str__(self):
        return f"{self.beneficiary} — {self.disbursed_on:%d/%m/%Y}"

    @property
    def programme_id(self):
        return self.product.fund.programme_id


class Instalment(models.Model):
    """One line of a loan's schedule. The ``*_paid`` columns and ``completed_on`` are kept by the allocation of
    repayments (``loans.services``), never typed."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal_due = money_field(_("principal"))
    interest_due = money_field(_("interest"), default=0)
    fee_due = money_field(_("fees"), default=0)
    penalty_due = money_field(_("penalty"), default=0)
    principal_paid = money_field(_("principal paid"), default=0)
    interest_paid = money_field(_("interest paid"), default=0)
    fee_paid = money_field(_("fees paid"), default=0)
    penalty_paid = money_field(_("penalty paid"), default=0)
    completed_on = models.DateField(_("fully paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="one_instalment_number_per_loan"),
            models.CheckConstraint(
                condition=Q(principal_paid__lte=F("principal_due"))
                & Q(interest_paid__lte=F("interest_due"))
                & Q(fee_paid__lte=F("fee_due"))
                & Q(penalty_paid__lte=F("penalty_due")),
                name="instalment_not_overpaid",
            ),
        ]
        indexes = [models.Index(fields=["loan", "due_on"])]

    def __str__(self):
        return f"#{self.number} {self.due_on:%d/%m/%Y}"

    @property
    def total_due(self):
        return self.principal_due + self.interest_due + self.fee_due + self.penalty_due

    @property
    def total_paid(self):
        return self.principal_paid + self.interest_paid + self.fee_paid + self.penalty_paid

    @property
    def remaining(self):
        return self.total_due - self.total_paid


class RepaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(loan__in=Loan.objects.visible_to(user))

    def standing(self):
        """Repayments that count: not reversals, and not reversed."""
        return self.filter(reverses__isnull=True, reversal__isnull=True)

    def update(self, **kwargs):
        raise ValidationError(_("Repayments are never changed: reverse one instead."))

    def delete(self):
        raise ValidationError(_("Repayments are never deleted: reverse one instead."))


class CollectionSheet(models.Model):
    """One group meeting's collection sheet as it was sent: the key its form was made with, and (``repayments``)
    the payments it recorded. The same sheet sent twice is recorded once."""

    client_uuid = models.UUIDField(_("form id"), unique=True, editable=False)
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="collection_sheets"
    )
    paid_on = models.DateField(_("meeting date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("collection sheet")
        verbose_name_plural = _("collection sheets")
        ordering = ["-paid_on", "-pk"]

    def __str__(self):
        return f"{self.group} {self.paid_on:%d/%m/%Y}"


class Repayment(models.Model):
    """Money a borrower paid, as received. Never edited or deleted (save refuses an update, and the database
    refuses one too): a mistake is corrected by a reversal, a row with the negative amount pointing at it.

    A repayment typed on its own form keeps that form's key (``client_uuid``); one from a collection sheet points
    at the sheet, which keeps the key (``sheet``). Either way the same form sent twice records one row."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("paid on"))
    amount = money_field(_("amount (Rp)"))
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        related_name="reversal",
        null=True,
        blank=True,
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)
    client_uuid = models.UUIDField(_("form id"), null=True, blank=True, editable=False)
    sheet = models.ForeignKey(
        CollectionSheet,
        verbose_name=_("collection sheet"),
        on_delete=models.PROTECT,
        related_name="repayments",
        null=True,
        blank=True,
    )
    # Money received in the field for a loan that was paid meanwhile (``loans.services``): recorded in full, what
    # exceeds the balance stays unallocated as the borrower's credit, for a coordinator to refund or apply.
    beyond_balance = models.BooleanField(_("accepted beyond the balance"), default=False, editable=False)

    objects = RepaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0, reversal_reason="")
                | (Q(reverses__isnull=False, amount__lt=0) & ~Q(reversal_reason="")),
                name="repayment_or_reversal_with_reason",
            ),
            models.UniqueConstraint(fields=["client_uuid"], name="repayment_form_used_once"),
            models.UniqueConstraint(fields=["sheet", "loan"], name="one_payment_per_loan_on_a_sheet"),
        ]
        indexes = [models.Index(fields=["loan", "paid_on"])]

    def __str__(self):
        return f"{self.paid_on:%d/%m/%Y} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Repayments are never changed: reverse one instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Repayments are never deleted: reverse one instead."))

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class RepaymentAllocation(models.Model):
    """How much of a repayment went to which instalment, part by part. Derived: recomputed from the standing
    repayments in date order whenever the order or the set of repayments changes."""

    repayment = models.ForeignKey(
        Repayment, verbose_name=_("repayment"), on_delete=models.CASCADE, related_name="allocations"
    )
    instalment = models.ForeignKey(
        Instalment, verbose_name=_("instalment"), on_delete=models.CASCADE, related_name="allocations"
    )
    penalty = money_field(_("penalty"), default=0)
    fee = money_field(_("fees"), default=0)
    interest = money_field(_("interest"), default=0)
    principal = money_field(_("principal"), default=0)

    class Meta:
        verbose_name = _("repayment allocation")
        verbose_name_plural = _("repayment allocations")
        ordering = ["repayment", "instalment"]
        constraints = [
            models.UniqueConstraint(fields=["repayment", "instalment"], name="one_allocation_per_instalment"),
            models.CheckConstraint(
                condition=Q(penalty__gte=0, fee__gte=0, interest__gte=0, principal__gte=0),
                name="allocation_parts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.repayment} → {self.instalment}"

    @property
    def total(self):
        return self.penalty + self.fee + self.interest + self.principal


class GrantQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Grants of the women a user may see (and, for staff, of their programmes)."""
        return _scoped(self, user, programme_path="programme", beneficiary_path="beneficiary", group_path=None)


class CapitalGrant(models.Model):
    """Non-repayable capital given to a woman (seed 004: Rp 3.500.000 to a KPM to buy goats), and what became of
    it. Mentoring visits may link to it."""

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="capital_grants"
    )
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="capital_grants"
    )
    source = models.CharField(_("source"), max_length=200, help_text=_("Who gave the money, e.g. a ministry."))
    given_on = models.DateField(_("given on"))
    amount = money_field(_("amount (Rp)"))
    intended_use = models.CharField(_("intended use"), max_length=250)
    outcome = models.TextField(_("what became of it"), blank=True)
    outcome_updated_on = models.DateField(_("outcome as of"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("capital grant")
        verbose_name_plural = _("capital grants")
        ordering = ["-given_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive")]

    def __str__(self):
        return f"{self.beneficiary} — {self.given_on:%d/%m/%Y}"
