"""The demo's calendar: every date of the demo is relative to the day it was first built.

The stories are written with the dates they would have if the demo were first built in December 2026
(``AUTHORED``): the Bukittinggi programme started in July 2025, the Susukan mentoring ran from October to December
2025, Citra Sari's first loans were disbursed on 3 February 2006. Built in another month, every such date moves by
the same whole number of months, so each story keeps its shape (instalments due by the 5th, weekly visits, the
seeds' amounts) and a newcomer always sees a programme at work. What happens "now" (the last meetings, this
month's instalments, the visits due today) is counted from the build day itself.

The build day is the day the demo's first user was created, so building again on a later day finds the same
dates and changes nothing. Dates of birth and the KK's issue date are identity facts written into the synthetic
NIK and KK numbers; they are not moved, so a person keeps her numbers whenever the demo is built.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

AUTHORED = dt.date(2026, 12, 1)
FIRST_USER = "admin"  # the first of the demo staff (staff.DEMO_USERS); its creation dates the demo


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, on the same day of the month or the month's last day (31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class DemoCalendar:
    """The build day and the shift that moves the stories' written dates to it."""

    today: dt.date

    @property
    def months(self) -> int:
        return (self.today.year - AUTHORED.year) * 12 + self.today.month - AUTHORED.month

    def on(self, written: dt.date) -> dt.date:
        """A story's date as written (for a build in December 2026), moved to this build's calendar."""
        return add_months(written, self.months)

    def date(self, year: int, month: int, day: int) -> dt.date:
        return self.on(dt.date(year, month, day))

    def at(self, year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
        """A story's moment, as an aware datetime in the site's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.date(year, month, day), dt.time(hour)))

    def months_back(self, months: int, *, day: int) -> dt.date:
        """The ``day`` of the month ``months`` before the build day's month (0: this month)."""
        return add_months(self.today.replace(day=1), -months).replace(day=day)


def demo_calendar() -> DemoCalendar:
    """The calendar of this database's demo: built on the day its first user was created, or today."""
    joined = get_user_model().objects.filter(username=FIRST_USER).values_list("date_joined", flat=True).first()
    return DemoCalendar(today=timezone.localdate(joined) if joined else timezone.localdate())
