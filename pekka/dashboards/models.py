from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pekka.permissions import programme_ids_visible_to


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Targets of the programmes the user works in (admins: all)."""
        ids = programme_ids_visible_to(user)
        return self if ids is None else self.filter(programme__in=ids)


class Target(models.Model):
    """What a programme promised its funder for one indicator, optionally for one area and one period. What was
    achieved is never stored: it is computed from the records (``pekka.dashboards.indicators``)."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    value = models.DecimalField(_("target"), max_digits=17, decimal_places=1)
    area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole programme."),
    )
    period_start = models.DateField(_("from"), null=True, blank=True, help_text=_("Empty: the programme's start."))
    period_end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: the programme's end."))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["programme", "indicator", "period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="target_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.indicator}: {self.value}"


class ProgrammeReport(models.Model):
    """The words a manager writes around the computed tables of a period report."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    highlights = models.TextField(_("highlights"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end"], name="one_report_per_programme_period"
            )
        ]

    def __str__(self):
        return f"{self.programme} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
