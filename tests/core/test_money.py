from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pekka.money import RupiahField, format_rupiah, to_rupiah


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


@pytest.mark.parametrize(
    "value",
    ["nan", "NaN", "-nan", "sNaN", "Infinity", "-Infinity", "inf", "1e40", "1E5", "1e-3", "Rp 1e5", "+5", "5-", ""],
)
def test_to_rupiah_refuses_what_a_person_never_means_as_money(value):
    """Decimal reads these; as money they are typing mistakes or probes, and used to raise a server error."""
    with pytest.raises(ValidationError):
        to_rupiah(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1e40")])
def test_to_rupiah_refuses_decimals_that_are_not_money(value):
    with pytest.raises(ValidationError):
        to_rupiah(value)


def test_to_rupiah_refuses_more_than_a_money_field_holds():
    assert to_rupiah("999.999.999.999.999") == Decimal(999_999_999_999_999)
    with pytest.raises(ValidationError):
        to_rupiah("1.000.000.000.000.000")
    with pytest.raises(ValidationError):
        to_rupiah("1" + "0" * 40)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("nan", "Enter an amount in rupiah"),
        ("NaN", "Enter an amount in rupiah"),
        ("Infinity", "Enter an amount in rupiah"),
        ("inf", "Enter an amount in rupiah"),
        ("1e40", "Enter an amount in rupiah"),
        ("1E5", "Enter an amount in rupiah"),
        ("-5", "cannot be negative"),
        ("-Rp 5.000", "cannot be negative"),
        ("1" + "0" * 20, "too large"),
    ],
)
def test_the_rupiah_field_refuses_with_a_message(typed, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        RupiahField().clean(typed)


def test_the_rupiah_field_reads_amounts_as_written():
    assert RupiahField().clean("Rp 150.000") == Decimal(150_000)
    assert RupiahField(required=False).clean("") is None
    with translation.override("en"), pytest.raises(ValidationError, match="at least 1"):
        RupiahField(min_value=1).clean("0")


def _agreement_form(amount):
    from groups.forms import AgreementForm

    return AgreementForm({"kind": "price", "subject": "Emping", "unit": "kg", "amount": amount}), "amount"


def _monitoring_row_form(amount):
    from mentoring.forms import MonitoringRowForm

    return MonitoringRowForm({"beneficiary": 1, "turnover": amount, "assets": "0", "workers": "0"}), "turnover"


@pytest.mark.django_db
@pytest.mark.parametrize("make", [_agreement_form, _monitoring_row_form])
@pytest.mark.parametrize("typed", ["nan", "Infinity", "1e40", "1E5", "-5"])
def test_every_money_form_refuses_what_is_not_an_amount(make, typed):
    """The groups' agreements and the mentoring figures too, not only the loans' forms: a message, never an error."""
    form, field = make(typed)
    assert not form.is_valid()
    assert form.errors[field]
