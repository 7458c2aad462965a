from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pekka.permissions import programme_ids_visible_to


class Category(models.TextChoices):
    PEKKA = "pekka", _("PEKKA (women heads of household)")
    KPM = "kpm", _("KPM (social assistance beneficiary families)")
    OTHER = "other", _("Other")


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every programme; everybody else the programmes they are assigned to."""
        ids = programme_ids_visible_to(user)
        return self if ids is None else self.filter(pk__in=ids)

    def running_on(self, day):
        """Programmes whose period includes ``day`` (an open end counts as running)."""
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Programme(models.Model):
    """An empowerment programme: who funds it, when it runs, where it works and who works in it.

    Indicator targets (the reports issue) will hang off a programme as their own rows.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("Shown in lists and filters, e.g. “PEKKA BKT”."),
    )
    slug = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        blank=True,
        help_text=_("Short code for the command line and file names, e.g. “pekka-bukittinggi”."),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.PEKKA)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    partner = models.CharField(_("implementing partner"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    areas = models.ManyToManyField(
        "regions.Region", verbose_name=_("working areas"), blank=True, related_name="programmes"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        through="ProgrammeStaff",
        related_name="programmes",
        blank=True,
    )
    # Mentoring and monitoring rules differ per funder, so they are programme settings.
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit interval (days)"),
        default=30,
        help_text=_("A beneficiary not visited for this many days is listed on her facilitator's day."),
    )
    decline_threshold_percent = models.PositiveSmallIntegerField(
        _("decline threshold (%)"),
        default=20,
        help_text=_(
            "A quarterly turnover, assets or workers figure that falls by more than this opens a follow-up task."
        ),
    )
    visit_edit_hours = models.PositiveSmallIntegerField(
        _("visit edit window (hours)"),
        default=48,
        help_text=_("How long the author may edit a visit; after that only a coordinator corrects it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_programme_slug(self.short_name or self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def category_short(self) -> str:
        """ "PEKKA", "KPM" or "Lainnya": the badge in lists."""
        return self.get_category_display() if self.category == Category.OTHER else self.category.upper()

    def is_running(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ProgrammeStaff(models.Model):
    """A staff member assigned to a programme. Her role (manager, coordinator, facilitator) is her user role."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="programme_assignments",
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="one_assignment_per_user")]

    def __str__(self):
        return f"{self.user} — {self.programme}"


def unique_programme_slug(text: str, *, exclude_pk=None) -> str:
    """A slug from ``text`` that no other programme uses (``-2``, ``-3``… appended on a clash)."""
    base = slugify(text)[:55] or "program"
    slug, n = base, 1
    while Programme.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
