from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pekka.money import format_rupiah, to_rupiah


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3500000, Decimal(3500000)),
        ("3500000", Decimal(3500000)),
        ("3.500.000", Decimal(3500000)),
        ("Rp 3.500.000", Decimal(3500000)),
        ("Rp3.500.000,-".replace(",-", ""), Decimal(3500000)),
        ("1.250.000,50", Decimal(1250001)),  # half a rupiah rounds up
        ("1.250.000,49", Decimal(1250000)),
        (Decimal("999.5"), Decimal(1000)),
        (-15000, Decimal(-15000)),
    ],
)
def test_to_rupiah_reads_indonesian_amounts(value, expected):
    assert to_rupiah(value) == expected


def test_to_rupiah_refuses_floats():
    with pytest.raises(TypeError):
        to_rupiah(3500000.0)


def test_to_rupiah_rejects_text():
    with pytest.raises(ValidationError):
        to_rupiah("tiga juta")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3500000, "Rp 3.500.000"),
        (Decimal("1250000"), "Rp 1.250.000"),
        (0, "Rp 0"),
        (999, "Rp 999"),
        (-75000, "-Rp 75.000"),
        (None, ""),
    ],
)
def test_format_rupiah(value, expected):
    assert format_rupiah(value) == expected
