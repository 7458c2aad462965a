"""Mentoring (pendampingan): visits to a woman or a group, the follow-up tasks they leave, trainings with their
attendance, and the quarterly business monitoring (monev) whose declines open follow-ups by themselves.

A group session is a visit of type ``group_session`` linked to a ``groups.Meeting``, which holds its attendance.
Changes a visit makes to a business (status, permit, online channel) are rows of the registry, linked from the
visit, so the business's record and history are the one place they live.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models import Beneficiary, BusinessStatus
from groups.models import Group
from pekka.money import format_rupiah, money_field
from pekka.permissions import is_admin, programme_ids_visible_to


class VisitType(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    GROUP_SESSION = "group_session", _("Group session")
    PHONE_CALL = "phone_call", _("Phone call")
    SITE_VISIT = "site_visit", _("Business-site visit")


# The types a visit to one woman can have; a group session is logged from the group.
INDIVIDUAL_TYPES = (VisitType.HOME_VISIT, VisitType.PHONE_CALL, VisitType.SITE_VISIT)


class Aspect(models.TextChoices):
    PRODUCTION = "production", _("Production")
    PACKAGING = "packaging", _("Packaging")
    MARKETING = "marketing", _("Marketing (incl. online)")
    LEGALITY = "legality", _("Legality / permits")
    BOOKKEEPING = "bookkeeping", _("Bookkeeping")
    MOTIVATION = "motivation", _("Motivation")
    CAPITAL = "capital", _("Capital")
    OTHER = "other", _("Other")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A facilitator sees the visits to her caseload and to the groups she accompanies; the other roles the
        visits to the women and groups they may see."""
        if is_admin(user):
            return self
        return self.filter(
            Q(beneficiary__in=Beneficiary.objects.visible_ids(user)) | Q(group__in=Group.objects.visible_to(user))
        )

    def with_aspect(self, aspect: str):
        """Visits that covered ``aspect``. The aspects are a JSON list of codes; matching the quoted code in its
        text works the same on SQLite and PostgreSQL (no code is part of another)."""
        return self.filter(aspects__icontains=f'"{aspect}"')


class Visit(models.Model):
    """One mentoring contact: a home visit, phone call or business-site visit to a woman, or a group session."""

    # Made by the browser when the form opens and kept in its draft: the same visit sent twice is saved once.
    client_uuid = models.UUIDField(_("form id"), unique=True, editable=False)
    visit_type = models.CharField(_("type"), max_length=20, choices=VisitType.choices, default=VisitType.HOME_VISIT)
    visited_on = models.DateField(_("date"), default=timezone.localdate)
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="visits", null=True, blank=True
    )
    meeting = models.OneToOneField(
        "groups.Meeting",
        verbose_name=_("meeting (attendance)"),
        on_delete=models.SET_NULL,
        related_name="visit",
        null=True,
        blank=True,
    )
    # The programme whose rules (edit window, visit interval) apply; reports count visits per programme.
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="visits_recorded",
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff present"), blank=True, related_name="visits_present"
    )
    aspects = models.JSONField(_("aspects covered"), default=list, blank=True)
    business = models.ForeignKey(
        "beneficiaries.Business",
        verbose_name=_("business"),
        on_delete=models.SET_NULL,
        related_name="visits",
        null=True,
        blank=True,
    )
    business_status = models.CharField(
        _("business status seen"), max_length=10, choices=BusinessStatus.choices, blank=True
    )
    business_note = models.CharField(_("how the business looked"), max_length=200, blank=True)
    obstacles = models.TextField(_("obstacles (kendala)"), blank=True)
    competition = models.TextField(_("competition"), blank=True)
    actions = models.JSONField(_("what was done"), default=list, blank=True)
    notes = models.TextField(_("other notes"), blank=True)
    next_visit_on = models.DateField(_("next visit"), null=True, blank=True)
    # What the visit changed on the registry's business record.
    status_change = models.OneToOneField(
        "beneficiaries.BusinessStatusChange",
        verbose_name=_("status change made"),
        on_delete=models.SET_NULL,
        related_name="visit",
        null=True,
        blank=True,
    )
    permit = models.ForeignKey(
        "beneficiaries.Permit",
        verbose_name=_("permit recorded"),
        on_delete=models.SET_NULL,
        related_name="visits",
        null=True,
        blank=True,
    )
    online_presence = models.ForeignKey(
        "beneficiaries.OnlinePresence",
        verbose_name=_("online channel recorded"),
        on_delete=models.SET_NULL,
        related_name="visits",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[facilitators])
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visit_type="group_session", group__isnull=False, beneficiary__isnull=True))
                | (~Q(visit_type="group_session") & Q(group__isnull=True, beneficiary__isnull=False)),
                name="visit_to_a_woman_or_a_group",
            )
        ]
        indexes = [
            models.Index(fields=["beneficiary", "-visited_on"]),
            models.Index(fields=["group", "-visited_on"]),
            models.Index(fields=["author", "-visited_on"]),
            # Dashboards count a programme's visits in a period.
            models.Index(fields=["programme", "visited_on"]),
            # The visit list's order: its first page without sorting a million visits.
            models.Index(fields=["-visited_on", "-id"], name="visit_newest_first"),
        ]

    def __str__(self):
        return f"{self.get_visit_type_display()} — {self.subject} ({self.visited_on:%d/%m/%Y})"

    @property
    def subject(self):
        """Who was visited: the woman or the group."""
        return self.beneficiary if self.beneficiary_id else self.group

    @property
    def is_group_session(self) -> bool:
        return self.visit_type == VisitType.GROUP_SESSION

    def aspect_labels(self) -> list[str]:
        labels = dict(Aspect.choices)
        return [labels.get(code, code) for code in self.aspects]

    def edit_deadline(self) -> dt.datetime:
        """Until when the author may edit: the programme's edit window after she recorded it."""
        hours = self.programme.visit_edit_hours if self.programme_id else 48
        return self.created_at + dt.timedelta(hours=hours)


def visit_photo_path(instance, filename: str) -> str:
    return f"kunjungan/{timezone.localdate():%Y/%m}/{instance.visit_id}-{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=visit_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class FollowUpSource(models.TextChoices):
    VISIT = "visit", _("Visit")
    MONITORING = "monitoring", _("Monitoring (decline)")
    OTHER = "other", _("Other")


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Her own tasks, and the tasks about the women and groups she may see."""
        if is_admin(user):
            return self
        return self.filter(
            Q(owner=user)
            | Q(beneficiary__in=Beneficiary.objects.visible_ids(user))
            | Q(group__in=Group.objects.visible_to(user))
        )

    def open(self):
        """Tasks not yet done."""
        return self.filter(done_on__isnull=True)

    def overdue(self, on=None):
        """Open tasks whose due date has passed."""
        return self.open().filter(due_on__lt=on or timezone.localdate())


class FollowUp(models.Model):
    """A task left by a visit or opened by a monitoring decline: what to do, by when, and who does it."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="follow_ups", null=True, blank=True
    )
    monitoring_report = models.ForeignKey(
        "MonitoringReport",
        verbose_name=_("monitoring report"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="follow_ups", null=True, blank=True
    )
    description = models.CharField(_("task"), max_length=300)
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    source = models.CharField(_("source"), max_length=12, choices=FollowUpSource.choices, default=FollowUpSource.VISIT)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["done_on", "due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]

    def __str__(self):
        return self.description

    @property
    def subject(self):
        return self.beneficiary if self.beneficiary_id else self.group

    def is_overdue(self, on=None) -> bool:
        return self.done_on is None and self.due_on < (on or timezone.localdate())


class TrainingTopic(models.TextChoices):
    HOUSEHOLD_ECONOMICS = "household_economics", _("Household economics (ERT)")
    BOOKKEEPING = "bookkeeping", _("Management and bookkeeping")
    GENDER = "gender", _("Gender")
    LKM = "lkm", _("Role of micro-finance institutions (LKM)")
    PACKAGING = "packaging", _("Packaging")
    DIGITAL_MARKETING = "digital_marketing", _("Digital marketing")
    LEGALITY = "legality", _("Legality / permits")
    OTHER = "other", _("Other")


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trainings of the programmes the user works in (admins: all)."""
        ids = programme_ids_visible_to(user)
        return self if ids is None else self.filter(programme__in=ids)


class Training(models.Model):
    """A training event of a programme, with its attendance by beneficiary."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="trainings"
    )
    topic = models.CharField(_("topic"), max_length=30, choices=TrainingTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Leave empty for a one-day training."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    attendees = models.ManyToManyField(
        Beneficiary,
        verbose_name=_("attendees"),
        through="TrainingAttendance",
        related_name="trainings_attended",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.PROTECT, related_name="attendance"
    )
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="training_attendance"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "beneficiary"], name="attends_a_training_once"),
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.training}"


class MonitoringQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The reports of the women the user may see."""
        if is_admin(user):
            return self
        return self.filter(beneficiary__in=Beneficiary.objects.visible_ids(user))


class MonitoringReport(models.Model):
    """A quarterly monitoring (monev) of one woman's business: assets, monthly turnover (omset) and workers."""

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    business = models.ForeignKey(
        "beneficiaries.Business",
        verbose_name=_("business"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
        null=True,
        blank=True,
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    assets = money_field(_("assets (Rp)"))
    turnover = money_field(_("monthly turnover (Rp)"))
    workers = models.PositiveSmallIntegerField(_("workers"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    flagged = models.BooleanField(_("decline flagged"), default=False)
    flag_reason = models.CharField(_("decline"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = MonitoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["beneficiary", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "business", "year", "quarter"],
                condition=Q(business__isnull=False),
                name="one_report_per_business_quarter",
            ),
            models.UniqueConstraint(
                fields=["beneficiary", "year", "quarter"],
                condition=Q(business__isnull=True),
                name="one_report_per_woman_quarter_without_business",
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
            models.CheckConstraint(condition=Q(assets__gte=0, turnover__gte=0), name="monitoring_amounts_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "quarter"])]

    def __str__(self):
        return f"{self.beneficiary} — {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}"


class ReviewKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    REPAYMENT = "repayment", _("Repayment")
    BUSINESS_STATUS = "business_status", _("Business status")


class ReviewReason(models.TextChoices):
    REASSIGNED = "reassigned", _("She was reassigned")
    LOAN_REPAID = "loan_repaid", _("The loan was paid meanwhile")
    REPAYMENT_REVERSED = "repayment_reversed", _("A repayment was reversed")
    WRITTEN_OFF = "written_off", _("The loan was written off")
    LATER_STATUS = "later_status", _("A later business status is on record")


class FieldReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every item; managers and coordinators their programmes'; a facilitator none (her entries
        landed; reviewing them is her coordinator's work)."""
        if is_admin(user):
            return self
        if user.is_facilitator:
            return self.none()
        return self.filter(programme__in=programme_ids_visible_to(user))

    def open(self):
        """Items nobody has marked seen yet."""
        return self.filter(seen_at__isnull=True)


class FieldReview(models.Model):
    """Something sent from the field that landed although the world moved while the phone was offline (she was
    reassigned, the loan was paid, reversed or written off, a later business status was recorded): the entry is a
    fact and is kept; this row tells her coordinator what happened meanwhile, until someone marks it seen.

    It lives in mentoring, the app of field work, and loans writes it too (loans may import mentoring; mentoring
    never imports loans, so the loan columns name their models by string)."""

    kind = models.CharField(_("what landed"), max_length=20, choices=ReviewKind.choices)
    reason = models.CharField(_("what happened meanwhile"), max_length=20, choices=ReviewReason.choices)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="field_reviews",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="field_reviews",
        null=True,
        blank=True,
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="field_reviews", null=True, blank=True
    )
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="field_reviews",
        null=True,
        blank=True,
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="field_reviews", null=True, blank=True
    )
    repayment = models.ForeignKey(
        "loans.Repayment",
        verbose_name=_("repayment"),
        on_delete=models.PROTECT,
        related_name="field_reviews",
        null=True,
        blank=True,
    )
    status_change = models.ForeignKey(
        "beneficiaries.BusinessStatusChange",
        verbose_name=_("business status change"),
        on_delete=models.PROTECT,
        related_name="field_reviews",
        null=True,
        blank=True,
    )
    # Sent by the phone; trusted only to tell whether the world moved after it, never for money or dates of record.
    form_made_at = models.DateTimeField(_("form made at"), null=True, blank=True)
    happened_on = models.DateField(_("happened on"), null=True, blank=True)
    moved_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("now with"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    amount = money_field(_("amount (Rp)"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("landed at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = FieldReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("field review item")
        verbose_name_plural = _("field review items")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "reason"], condition=Q(visit__isnull=False), name="one_review_per_visit_reason"
            ),
            models.UniqueConstraint(
                fields=["repayment", "reason"],
                condition=Q(repayment__isnull=False),
                name="one_review_per_repayment_reason",
            ),
            models.UniqueConstraint(
                fields=["status_change", "reason"],
                condition=Q(status_change__isnull=False),
                name="one_review_per_status_change_reason",
            ),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True, seen_by__isnull=True)
                | Q(seen_at__isnull=False, seen_by__isnull=False),
                name="seen_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["programme", "seen_at", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_reason_display()}"

    @property
    def subject(self):
        """Whom the entry is about: the woman, else the group."""
        return self.beneficiary if self.beneficiary_id else self.group

    def describe(self) -> str:
        """What happened meanwhile, in the reader's language."""
        day = f"{self.happened_on:%d/%m/%Y}" if self.happened_on else "—"
        amount = format_rupiah(self.amount) if self.amount is not None else ""
        if self.reason == ReviewReason.REASSIGNED:
            if self.moved_to_id is None:
                return _("Taken out of her caseload on %(date)s.") % {"date": day}
            return _("Reassigned to %(name)s on %(date)s.") % {"name": self.moved_to, "date": day}
        if self.reason == ReviewReason.LOAN_REPAID:
            return _("Repaid in full on %(date)s before this payment arrived; %(amount)s is kept as credit.") % {
                "date": day,
                "amount": amount,
            }
        if self.reason == ReviewReason.REPAYMENT_REVERSED:
            return _("A repayment of %(amount)s was reversed on %(date)s: %(reason)s") % {
                "amount": amount,
                "date": day,
                "reason": self.detail,
            }
        if self.reason == ReviewReason.WRITTEN_OFF:
            return _("Written off on %(date)s; this payment is recorded as a recovery.") % {"date": day}
        status = BusinessStatus(self.detail).label if self.detail in BusinessStatus.values else self.detail
        return _("A later status is on record (%(status)s from %(date)s); the current status is unchanged.") % {
            "status": status,
            "date": day,
        }
