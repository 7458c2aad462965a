"""Registry pages (being written)."""

from django.http import Http404


def beneficiary_list(request, *args, **kwargs):
    raise Http404


def my_beneficiaries(request, *args, **kwargs):
    raise Http404


def beneficiary_create(request, *args, **kwargs):
    raise Http404


def assign_caseload(request, *args, **kwargs):
    raise Http404


def beneficiary_detail(request, *args, **kwargs):
    raise Http404


def beneficiary_edit(request, *args, **kwargs):
    raise Http404


def reveal_identifiers(request, *args, **kwargs):
    raise Http404


def enrol_in_programme(request, *args, **kwargs):
    raise Http404


def enrolment_status(request, *args, **kwargs):
    raise Http404


def business_create(request, *args, **kwargs):
    raise Http404


def business_edit(request, *args, **kwargs):
    raise Http404


def business_status(request, *args, **kwargs):
    raise Http404


def permit_create(request, *args, **kwargs):
    raise Http404


def online_create(request, *args, **kwargs):
    raise Http404
