"""CSV/XLSX export of the filtered beneficiary list (being written)."""

from django.http import Http404


def beneficiary_export(request, fmt):
    raise Http404
