"""How every list applies its django-filter FilterSet."""


def apply_filters(filterset):
    """The rows a list shows: all of them when nothing was asked, the filtered ones when every filter is usable,
    and none when a filter cannot be applied (a programme she may not see, a region that does not exist) —
    showing or exporting everything instead would surprise her."""
    if not filterset.is_bound:
        return filterset.queryset
    if filterset.is_valid():
        return filterset.qs
    return filterset.queryset.none()
