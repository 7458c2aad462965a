"""Trainings: the list, planning and editing, the training's page, and the fast attendance checklist."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from groups.models import Group, Membership
from pekka.filtering import apply_filters
from pekka.permissions import can_manage_trainings, can_record_visit, require
from pekka.regions.models import Region

from ..filters import TrainingFilter
from ..forms import AttendanceFilterForm, TrainingForm
from ..models import Training
from ..services import set_attendance


def training_list(request):
    queryset = (
        Training.objects.visible_to(request.user)
        .select_related("programme")
        .annotate(attendee_count=Count("attendance", distinct=True))
    )
    filterset = TrainingFilter(request.GET or None, queryset=queryset, request=request)
    trainings = apply_filters(filterset)
    page = Paginator(trainings.order_by("-starts_on", "pk"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/training_list.html",
        {"filter": filterset, "page": page, "may_manage": can_manage_trainings(request.user)},
    )


def training_create(request):
    require(can_manage_trainings(request.user))
    form = TrainingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        training = form.save(commit=False)
        training.created_by = request.user
        training.save()
        messages.success(request, _("Training saved. Now tick who attended."))
        return redirect("mentoring:training_attendance", training.pk)
    return render(request, "mentoring/training_form.html", {"form": form})


def _visible_training(request, pk):
    return get_object_or_404(Training.objects.visible_to(request.user).select_related("programme"), pk=pk)


def training_edit(request, pk):
    training = _visible_training(request, pk)
    require(can_manage_trainings(request.user))
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Training saved."))
        return redirect("mentoring:training_detail", training.pk)
    return render(request, "mentoring/training_form.html", {"form": form, "training": training})


def training_detail(request, pk):
    training = _visible_training(request, pk)
    # Facilitators see the names of their own caseload; everybody sees how many attended in all.
    attendees = (
        Beneficiary.objects.visible_to(request.user)
        .filter(training_attendance__training=training)
        .select_related("household__village", "facilitator")
        .order_by("full_name")
    )
    return render(
        request,
        "mentoring/training_detail.html",
        {
            "training": training,
            "attendees": attendees,
            "total": training.attendance.count(),
            "may_manage": can_manage_trainings(request.user),
        },
    )


def training_attendance(request, pk):
    """A checklist of the programme's women the user may see, narrowed to a group's members or a village;
    saving changes only the women on the list."""
    training = _visible_training(request, pk)
    require(can_record_visit(request.user, training))
    people = Beneficiary.objects.visible_to(request.user).filter(enrolments__programme=training.programme_id).distinct()
    chooser = AttendanceFilterForm(
        request.GET or None,
        groups=Group.objects.visible_to(request.user).filter(programme=training.programme_id),
        villages=Region.objects.filter(pk__in=people.values("household__village")).order_by("name"),
    )
    scope = people
    if chooser.is_bound and chooser.is_valid():
        if group := chooser.cleaned_data.get("group"):
            scope = scope.filter(pk__in=Membership.objects.current().filter(group=group).values("beneficiary_id"))
        if village := chooser.cleaned_data.get("village"):
            scope = scope.filter(household__village=village)
    if request.method == "POST":
        present = scope.filter(pk__in=[v for v in request.POST.getlist("present") if v.isdigit()])
        added, removed = set_attendance(training=training, present=present, scope=scope, by=request.user)
        messages.success(
            request, _("Attendance saved: %(added)s added, %(removed)s removed.") % {"added": added, "removed": removed}
        )
        return redirect(request.get_full_path())
    present_ids = set(training.attendance.values_list("beneficiary_id", flat=True))
    rows = list(scope.select_related("household__village").order_by("full_name", "pk"))
    return render(
        request,
        "mentoring/training_attendance.html",
        {"training": training, "chooser": chooser, "rows": rows, "present_ids": present_ids},
    )
