"""One facilitator's day as her coordinator (or a manager, or an admin) sees it: the coordinator's home page only
counts, and links here for the lists."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ..day import DAY_LIST_LIMIT, facilitator_day, team_of


def facilitator_day_view(request, user_pk):
    if request.user.pk == user_pk:
        return redirect("home")
    if request.user.is_facilitator:  # another facilitator's day is not hers to see
        raise Http404
    facilitator = get_object_or_404(team_of(request.user), pk=user_pk)  # a facilitator's team is empty: 404
    today = timezone.localdate()
    day = facilitator_day(
        facilitator, today=today, viewer=request.user, limit=None if request.GET.get("semua") else DAY_LIST_LIMIT
    )
    return render(request, "mentoring/facilitator_day.html", {"day": day, "today": today})
