"""Possible duplicates: list, side-by-side comparison, merge and dismiss (being written)."""

from django.http import Http404


def duplicate_list(request):
    raise Http404


def duplicate_compare(request, first, second):
    raise Http404


def duplicate_merge(request, first, second):
    raise Http404


def duplicate_dismiss(request, first, second):
    raise Http404
