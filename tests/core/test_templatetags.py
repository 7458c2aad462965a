import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load pekka %}" + source).render(Context(context))


def test_rupiah_filter():
    assert render("{{ amount|rupiah }}", amount=3500000) == "Rp 3.500.000"


def test_titik_groups_thousands_with_dots():
    assert render("{{ n|titik }}", n=83762) == "83.762"


@pytest.mark.parametrize("language", ["id", "en"])
def test_short_dates_are_dd_mm_yyyy_in_both_languages(language):
    with translation.override(language):
        assert render("{{ d|tanggal }}", d=dt.date(2021, 10, 5)) == "05/10/2021"
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2021, 10, 5)) == "05/10/2021"


def test_long_date_in_indonesian():
    with translation.override("id"):
        assert render("{{ d|tanggal_panjang }}", d=dt.date(2026, 11, 23)) == "Senin, 23 November 2026"
        assert render("{{ d|tanggal_panjang }}", d=dt.date(2021, 10, 10)) == "Minggu, 10 Oktober 2021"


def test_long_date_in_english():
    with translation.override("en"):
        assert render("{{ d|tanggal_panjang }}", d=dt.date(2026, 11, 23)) == "Monday, 23 November 2026"
