"""Money is whole rupiah: never a float, stored as a 0-place decimal, shown as ``Rp 3.500.000``.

Percentages live here too: nearly every one the programmes report is a share of money (portfolio at risk,
repayment rate, turnover), and all of them follow the same arithmetic as the amounts: ``Decimal``, never a float,
rounded half up.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Zero rupiah: where every sum of amounts starts (``sum(..., ZERO)``, ``Coalesce(..., ZERO)``).
ZERO = Decimal(0)

# The largest amount a ``money_field()`` holds (15 digits): anything bigger is a typing mistake, not money.
MAX_RUPIAH = Decimal(10**15 - 1)

# What is left of a written amount once "Rp", spaces and thousands dots are gone: digits, an optional sign and an
# optional fraction. No exponent ("1e5"), no "nan" or "Infinity": Decimal would read them, a person never means them.
_WRITTEN_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]*)?")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """A model field for an amount in whole rupiah (up to 999 trillion)."""
    kwargs.setdefault("max_digits", 15)
    kwargs.setdefault("decimal_places", 0)
    return models.DecimalField(verbose_name, **kwargs)


def to_rupiah(value) -> Decimal:
    """Turns an int, a Decimal or a string ("3.500.000", "Rp 3.500.000", "3500000") into whole rupiah.

    Floats are refused: they cannot hold money exactly. Fractions of a rupiah round half up. Refused with a
    ValidationError: text that is not written digits (words, exponents such as "1e5", "nan", "Infinity"), a Decimal
    that is not a finite number, and amounts beyond ``MAX_RUPIAH``. Negative amounts are read (a reversal is one);
    a form field refuses them (``RupiahField``).
    """
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass an int, a Decimal or a string.")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = str(value).strip().lower().replace("rp", "").replace(" ", "")
        # Indonesian writing: "." groups thousands, "," starts the (ignored) fraction.
        text = text.replace(".", "").replace(",", ".")
        if not _WRITTEN_AMOUNT.fullmatch(text):
            raise ValidationError(_("“%(value)s” is not an amount in rupiah."), code="invalid", params={"value": value})
        amount = Decimal(text)
    if not amount.is_finite():
        raise ValidationError(_("“%(value)s” is not an amount in rupiah."), params={"value": value})
    if abs(amount) > MAX_RUPIAH:
        raise ValidationError(_("The amount is too large."), code="too_large")
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def grouped(value) -> str:
    """110000 → "110.000": how an amount is written in an input box."""
    return f"{int(value):,}".replace(",", ".")


class RupiahField(forms.CharField):
    """A form field for an amount in whole rupiah typed as on paper: "150000", "150.000" or "Rp 150.000".

    Every money form uses it, so every one refuses the same things with a message: text that is not an amount
    (including "nan", "Infinity" and exponents such as "1e40"), amounts too large to store, and negatives (or less
    than ``min_value``). A ModelForm gets it for a ``money_field()`` with ``field_classes``.
    """

    def __init__(self, *, min_value=ZERO, max_digits=None, decimal_places=None, **kwargs):
        # max_digits and decimal_places come from a money_field() in a ModelForm: whole rupiah, at most 15 digits.
        self.min_value = min_value
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "text-end"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return to_rupiah(value)
        except ValidationError as exc:
            if exc.code == "too_large":
                raise
            raise ValidationError(_("Enter an amount in rupiah, e.g. 150.000.")) from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0 <= self.min_value:
            raise ValidationError(_("The amount cannot be negative."))
        if value < self.min_value:
            raise ValidationError(_("The amount must be at least %(min)s.") % {"min": grouped(self.min_value)})

    def prepare_value(self, value):
        whole = isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()
        if isinstance(value, int) or whole:
            return grouped(value)
        return value


def format_rupiah(value) -> str:
    """``Rp 3.500.000``; negative amounts as ``-Rp 3.500.000``; empty for None."""
    if value is None or value == "":
        return ""
    amount = to_rupiah(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {grouped(abs(amount))}"


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal, half up; None when there is no whole (zero or None):
    a share of nothing is no percentage. A caller that shows 0 there says so itself."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
