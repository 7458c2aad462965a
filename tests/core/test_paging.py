"""LargeListPaginator: large totals are counted once a minute per query, small ones always exactly."""

import pytest
from django.core.cache import cache

from beneficiaries.models import Beneficiary
from pekka import paging
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def total(queryset):
    return paging.LargeListPaginator(queryset.order_by("pk"), 25).count


def test_a_large_total_is_reused_for_the_same_query(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(paging, "LARGE_COUNT", 3)
    for _ in range(3):
        BeneficiaryFactory()
    assert total(Beneficiary.objects.all()) == 3
    BeneficiaryFactory()
    with django_assert_num_queries(0):  # counted a moment ago: not again
        assert total(Beneficiary.objects.all()) == 3
    # another query (a filter) is counted on its own
    assert total(Beneficiary.objects.filter(pk__gt=0)) == 4


def test_a_small_total_is_always_exact(monkeypatch):
    monkeypatch.setattr(paging, "LARGE_COUNT", 10)
    BeneficiaryFactory()
    assert total(Beneficiary.objects.all()) == 1
    BeneficiaryFactory()
    assert total(Beneficiary.objects.all()) == 2


def test_an_impossible_filter_counts_nothing():
    assert total(Beneficiary.objects.filter(pk__in=[])) == 0
