"""Quarters for the monitoring (monev): pure helpers, no database."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple


class Quarter(NamedTuple):
    year: int
    quarter: int

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next().start
        return following - dt.timedelta(days=1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def __str__(self):
        return f"{self.year} Q{self.quarter}"


def recent_quarters(today: dt.date, count: int = 6) -> list[Quarter]:
    """The quarter of ``today`` and the ``count - 1`` before it, newest first: the choices of a monitoring form."""
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


class Decline(NamedTuple):
    """One figure that fell by more than the threshold between two quarters."""

    figure: str  # "turnover", "assets" or "workers"
    before: Decimal
    after: Decimal
    percent: int  # how much it fell, rounded down


def declines(*, before: dict, after: dict, threshold_percent: int) -> list[Decline]:
    """The figures (turnover, assets, workers) that fell by more than ``threshold_percent`` from ``before`` to
    ``after``. A figure that was zero before cannot fall; an equal fall to the threshold is not a decline."""
    found = []
    for figure in ("turnover", "assets", "workers"):
        old, new = Decimal(before[figure] or 0), Decimal(after[figure] or 0)
        if old <= 0 or new >= old:
            continue
        fall = (old - new) * 100 / old
        if fall > threshold_percent:
            found.append(Decline(figure, old, new, int(fall)))
    return found
