"""Follow-up tasks: the list with a one-tap "done", and adding a task for a woman."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Beneficiary
from pekka.filtering import apply_filters
from pekka.paging import LargeListPaginator
from pekka.permissions import can_complete_follow_up, can_record_visit, require
from pekka.programmes.models import Programme

from ..filters import FollowUpFilter
from ..forms import FollowUpCreateForm, staff_for
from ..models import FollowUp
from ..services import add_follow_up, complete_follow_up, reopen_follow_up


def followup_list(request):
    data = request.GET.copy()
    data.setdefault("state", "open")  # what is still to do, unless she asks for another list
    queryset = FollowUp.objects.visible_to(request.user).select_related(
        "beneficiary", "group", "owner", "visit", "monitoring_report"
    )
    filterset = FollowUpFilter(data, queryset=queryset, request=request)
    follow_ups = apply_filters(filterset)  # always bound: "open" is the default list
    page = LargeListPaginator(follow_ups.order_by("done_on", "due_on", "pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for follow_up in page:
        follow_up.may_complete = can_complete_follow_up(request.user, follow_up)
    return render(
        request, "mentoring/followup_list.html", {"filter": filterset, "page": page, "today": timezone.localdate()}
    )


def _back(request, default):
    back = request.POST.get("next", "")
    return back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else default


# A follow-up ticked off on a phone without a signal is sent later with the day she tapped it; a day older than this
# (or before the follow-up existed, or in the future) is not believed, and the day it arrives counts instead.
OFFLINE_DONE_DAYS = 30


def _done_on(request, follow_up) -> dt.date:
    today = timezone.localdate()
    try:
        day = parse_date(request.POST.get("done_on") or "")
    except ValueError:  # shaped like a date, but not one (2026-02-31)
        day = None
    earliest = max(today - dt.timedelta(days=OFFLINE_DONE_DAYS), timezone.localdate(follow_up.created_at))
    return day if day is not None and earliest <= day <= today else today


@require_POST
def followup_done(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user).select_related("beneficiary"), pk=pk)
    require(can_complete_follow_up(request.user, follow_up))
    if request.POST.get("undo"):
        reopen_follow_up(follow_up=follow_up, by=request.user)
        messages.info(request, _("Marked as not done."))
    else:
        complete_follow_up(follow_up=follow_up, on=_done_on(request, follow_up), by=request.user)
        messages.success(request, _("Done: %(task)s") % {"task": follow_up.description})
    return redirect(_back(request, reverse("mentoring:followup_list")))


def followup_create(request, beneficiary_pk):
    """A task about a woman without a visit (a call to make, a document to bring)."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=beneficiary_pk)
    require(can_record_visit(request.user, beneficiary))
    form = FollowUpCreateForm(request.POST or None, initial={"owner": request.user.pk})
    programmes = Programme.objects.filter(enrolments__beneficiary=beneficiary)
    form.fields["owner"].queryset = staff_for(request.user, programmes)
    if request.method == "POST" and form.is_valid():
        add_follow_up(beneficiary=beneficiary, by=request.user, **form.cleaned_data)
        messages.success(request, _("Follow-up added."))
        return redirect("beneficiaries:detail", beneficiary.pk)
    return render(request, "mentoring/followup_form.html", {"form": form, "beneficiary": beneficiary})
