from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pekka.money import money_field
from pekka.permissions import is_admin, programme_ids_visible_to


class GroupStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    INDEPENDENT = "independent", _("Independent / graduated")
    DISSOLVED = "dissolved", _("Dissolved")


class Formation(models.TextChoices):
    INITIATIVE = "initiative", _("Members' own initiative")
    FACILITATED = "facilitated", _("Formed with a facilitator")


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see all; facilitators the groups they accompany; managers and coordinators their programmes'."""
        if is_admin(user):
            return self
        if user.is_facilitator:
            return self.filter(pk__in=Group.facilitators.through.objects.filter(user=user).values("group_id"))
        return self.filter(programme__in=programme_ids_visible_to(user))


class Group(models.Model):
    """A joint business group (Kelompok Usaha Bersama, KUB) of beneficiaries in one programme."""

    name = models.CharField(_("name"), max_length=150)
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="groups"
    )
    business_type = models.ForeignKey(
        "beneficiaries.BusinessType",
        verbose_name=_("business type"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="groups",
        null=True,
        blank=True,
    )
    formed_on = models.DateField(_("formed on"), default=timezone.localdate)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitators"), blank=True, related_name="accompanied_groups"
    )
    status = models.CharField(_("status"), max_length=12, choices=GroupStatus.choices, default=GroupStatus.FORMING)
    status_changed_on = models.DateField(_("status since"), default=timezone.localdate)
    status_reason = models.CharField(
        _("reason"), max_length=200, blank=True, help_text=_("Required when a group is dissolved.")
    )
    formation = models.CharField(
        _("how it was formed"), max_length=12, choices=Formation.choices, default=Formation.FACILITATED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("business group")
        verbose_name_plural = _("business groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="group_name_unique_in_programme"),
            models.CheckConstraint(
                condition=~Q(status="dissolved") | ~Q(status_reason=""),
                name="dissolved_group_has_reason",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair (ketua)")
    SECRETARY = "secretary", _("Secretary (sekretaris)")
    TREASURER = "treasurer", _("Treasurer (bendahara)")
    MEMBER = "member", _("Member")


OFFICER_ROLES = (Role.CHAIR, Role.SECRETARY, Role.TREASURER)


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships running on ``on`` (today by default): joined by then and not yet left."""
        day = on or timezone.localdate()
        return self.filter(Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gt=day))

    def open(self):
        """Memberships that have not ended (the database's notion of "active")."""
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    """One stretch of a beneficiary's membership in one role. A change of role closes the row and opens another,
    so the rows are the group's history of members and officers."""

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="memberships")
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("from"), default=timezone.localdate)
    left_on = models.DateField(_("until"), null=True, blank=True)
    leaving_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "role"],
                condition=Q(left_on__isnull=True) & ~Q(role="member"),
                name="one_open_officer_per_role",
                violation_error_message=_("This group already has someone in that role."),
            ),
            models.UniqueConstraint(
                fields=["group", "beneficiary"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_member",
                violation_error_message=_("She is already a member of this group."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_leaves_after_joining",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.group} ({self.get_role_display()})"

    @property
    def is_officer(self) -> bool:
        return self.role != Role.MEMBER


class AgreementKind(models.TextChoices):
    PRICE = "price", _("Selling price")
    PRODUCTION = "production", _("Production rule")
    DUES = "dues", _("Dues")
    OTHER = "other", _("Other")


class Agreement(models.Model):
    """Something the members agreed together, e.g. a shared selling price per product and unit, kept with its
    date. A new agreement on the same thing ends the old one (``ended_on``) instead of overwriting it."""

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=12, choices=AgreementKind.choices, default=AgreementKind.PRICE)
    subject = models.CharField(_("product or subject"), max_length=150, help_text=_("e.g. “Emping melinjo”"))
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. “kg”, “piece”, “month”"))
    amount = money_field(_("amount (Rp)"), null=True, blank=True)
    description = models.TextField(_("details"), blank=True)
    agreed_on = models.DateField(_("agreed on"), default=timezone.localdate)
    ended_on = models.DateField(_("replaced on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["kind", "subject", "-agreed_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="agreement_amount_not_negative")]

    def __str__(self):
        return self.subject


class Meeting(models.Model):
    """A gathering of a group's members with attendance. Decided once for the whole product: facilitator-led
    group sessions (mentoring) are meetings too, linked from their visit, so attendance lives only here."""

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"), default=timezone.localdate)
    place = models.CharField(_("place"), max_length=150, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    decisions = models.TextField(_("decisions"), blank=True)
    next_meeting_on = models.DateField(_("next meeting"), null=True, blank=True)
    attendees = models.ManyToManyField(
        "beneficiaries.Beneficiary", verbose_name=_("members present"), blank=True, related_name="meetings_attended"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The key of the meeting form that recorded it (made when the form is shown, kept by the phone's outbox): the
    # same form sent again is recorded once. Meetings made by a group session's visit carry the visit's key instead.
    client_uuid = models.UUIDField(_("form id"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["client_uuid"], name="meeting_form_used_once")]

    def __str__(self):
        return f"{self.group} — {self.held_on:%d/%m/%Y}"
