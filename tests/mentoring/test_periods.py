import datetime as dt
from decimal import Decimal

import pytest

from mentoring.periods import Quarter, declines, recent_quarters


@pytest.mark.parametrize(
    ("day", "quarter", "start", "end"),
    [
        (dt.date(2025, 1, 1), Quarter(2025, 1), dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (dt.date(2025, 8, 17), Quarter(2025, 3), dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 12, 31), Quarter(2025, 4), dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ],
)
def test_quarter_of_a_day(day, quarter, start, end):
    assert Quarter.of(day) == quarter
    assert (quarter.start, quarter.end) == (start, end)


def test_quarters_turn_over_the_year():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert recent_quarters(dt.date(2026, 2, 1), 3) == [Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3)]
    assert str(Quarter(2025, 3)) == "2025 Q3"


FIGURES = {"turnover": 2_000_000, "assets": 5_000_000, "workers": 2}


@pytest.mark.parametrize(
    ("after", "threshold", "expected"),
    [
        ({}, 20, []),
        ({"turnover": 1_600_000}, 20, []),  # exactly the threshold
        ({"turnover": 1_599_999}, 20, ["turnover"]),
        ({"turnover": 1_500_000}, 30, []),
        ({"assets": 0}, 20, ["assets"]),
        ({"workers": 1}, 20, ["workers"]),
        ({"turnover": 0, "assets": 1_000_000, "workers": 0}, 20, ["turnover", "assets", "workers"]),
        ({"turnover": 9_000_000}, 20, []),
    ],
)
def test_declines(after, threshold, expected):
    found = declines(before=FIGURES, after={**FIGURES, **after}, threshold_percent=threshold)
    assert [d.figure for d in found] == expected


def test_a_figure_that_was_zero_cannot_fall():
    assert declines(before={**FIGURES, "workers": 0}, after={**FIGURES, "workers": 0}, threshold_percent=20) == []


def test_a_decline_says_how_much():
    (decline,) = declines(before=FIGURES, after={**FIGURES, "turnover": 500_000}, threshold_percent=20)
    assert (decline.before, decline.after, decline.percent) == (Decimal(2_000_000), Decimal(500_000), 75)
