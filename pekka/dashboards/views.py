from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone

from mentoring.day import DAY_LIST_LIMIT, facilitator_day, team_summary
from pekka.accounts.models import Role
from pekka.programmes.models import Programme, ProgrammeStaff
from pekka.regions.models import Region


def home(request):
    """Each role lands on what it needs first; later modules add their cards to the role's template."""
    user = request.user
    today = timezone.localdate()
    programmes = (
        Programme.objects.visible_to(user)
        .running_on(today)
        .annotate(staff_count=Count("assignments", distinct=True))
        .prefetch_related(
            Prefetch("assignments", queryset=ProgrammeStaff.objects.select_related("user").order_by("user__role"))
        )
    )
    context = {"today": today, "programmes": programmes}
    if user.is_admin:
        context["users_by_role"] = dict(
            get_user_model().objects.filter(is_active=True).values_list("role").annotate(n=Count("pk"))
        )
        context["roles"] = Role.choices
        context["programme_count"] = Programme.objects.count()
        context["region_count"] = Region.objects.filter(level=4).count()
        template = "dashboards/home_admin.html"
    elif user.is_facilitator:
        limit = None if request.GET.get("semua") else DAY_LIST_LIMIT
        context["day"] = facilitator_day(user, today=today, limit=limit)
        template = "dashboards/home_facilitator.html"
    elif user.is_coordinator:
        context["team"] = team_summary(user, today=today)
        template = "dashboards/home_coordinator.html"
    else:
        # A manager lands on her programmes' dashboard: the figures are what she came for.
        from .reports import dashboard

        return dashboard(request)
    return render(request, template, context)
