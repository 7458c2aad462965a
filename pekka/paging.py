"""Pagination for lists that can hold a million rows (visits at national size)."""

import hashlib

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

# A total at least this large is remembered, per query, for COUNT_SECONDS: paging through 1,050,000 visits then
# counts them once a minute rather than on every page (issue 9). Smaller totals are always exact, so a
# facilitator who has just saved a visit on a short list sees it counted at once; the rows are always live.
LARGE_COUNT = 1_000
COUNT_SECONDS = 60


def _count_cache():
    """The figures cache when the site has one (shared by every worker and app server), else the process's own."""
    return caches["figures"] if "figures" in settings.CACHES else cache


class LargeListPaginator(Paginator):
    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0
        key = "list-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        store = _count_cache()
        total = store.get(key)
        if total is None:
            total = super().count
            if total >= LARGE_COUNT:
                store.set(key, total, COUNT_SECONDS)
        return total
