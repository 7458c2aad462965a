"""Money is whole rupiah: never a float, stored as a 0-place decimal, shown as ``Rp 3.500.000``.

Percentages live here too: nearly every one the programmes report is a share of money (portfolio at risk,
repayment rate, turnover), and all of them follow the same arithmetic as the amounts: ``Decimal``, never a float,
rounded half up.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Zero rupiah: where every sum of amounts starts (``sum(..., ZERO)``, ``Coalesce(..., ZERO)``).
ZERO = Decimal(0)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """A model field for an amount in whole rupiah (up to 999 trillion)."""
    kwargs.setdefault("max_digits", 15)
    kwargs.setdefault("decimal_places", 0)
    return models.DecimalField(verbose_name, **kwargs)


def to_rupiah(value) -> Decimal:
    """Turns an int, a Decimal or a string ("3.500.000", "Rp 3.500.000", "3500000") into whole rupiah.

    Floats are refused: they cannot hold money exactly. Fractions of a rupiah round half up.
    """
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass an int, a Decimal or a string.")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = str(value).strip().lower().replace("rp", "").replace(" ", "")
        # Indonesian writing: "." groups thousands, "," starts the (ignored) fraction.
        text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("“%(value)s” is not an amount in rupiah."), params={"value": value}) from exc
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_rupiah(value) -> str:
    """``Rp 3.500.000``; negative amounts as ``-Rp 3.500.000``; empty for None."""
    if value is None or value == "":
        return ""
    amount = to_rupiah(value)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.0f}".replace(",", ".")
    return f"{sign}Rp {grouped}"


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal, half up; None when there is no whole (zero or None):
    a share of nothing is no percentage. A caller that shows 0 there says so itself."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
