"""Display helpers shared by every template: rupiah, Indonesian dates and numbers."""

from django import template
from django.utils.formats import date_format

from pekka.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """3500000 → "Rp 3.500.000"."""
    return format_rupiah(value)


@register.filter
def titik(value) -> str:
    """An integer with "." between thousands, as written in Indonesia: 83762 → "83.762"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def tanggal(value) -> str:
    """dd/mm/yyyy, whatever the language."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def tanggal_panjang(value) -> str:
    """A written-out date in the current language: "Senin, 23 November 2026"."""
    return date_format(value, "l, j F Y") if value else ""


@register.filter
def get_item(mapping, key):
    """dict lookup with a variable key: {{ counts|get_item:code }}."""
    return mapping.get(key) if mapping else None


@register.filter
def category_colour(category: str) -> str:
    """Bootstrap colour of a programme or beneficiary category badge."""
    return {"pekka": "primary", "kpm": "success"}.get(category, "secondary")
