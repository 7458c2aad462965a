from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pekka.permissions import can_assign_programme_staff, can_edit_programme, can_manage_programmes, require

from .forms import ProgrammeForm
from .models import Category, Programme, ProgrammeStaff
from .services import save_programme


def programme_list(request):
    programmes = (
        Programme.objects.visible_to(request.user)
        .annotate(staff_count=Count("assignments", distinct=True), area_count=Count("areas", distinct=True))
        .order_by("-start_date", "name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        programmes = programmes.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(funder__icontains=query)
        )
    category = request.GET.get("category", "")
    if category in Category.values:
        programmes = programmes.filter(category=category)
    page = Paginator(programmes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_list.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": Category.choices,
            "can_create": can_manage_programmes(request.user),
        },
    )


def programme_detail(request, pk):
    programme = get_object_or_404(
        Programme.objects.visible_to(request.user).prefetch_related(
            Prefetch("assignments", queryset=ProgrammeStaff.objects.select_related("user").order_by("user__role")),
            "areas",
        ),
        pk=pk,
    )
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "can_edit": can_edit_programme(request.user, programme)},
    )


def programme_create(request):
    require(can_manage_programmes(request.user))
    form = ProgrammeForm(request.POST or None, may_assign_staff=can_assign_programme_staff(request.user))
    if request.method == "POST" and form.is_valid():
        programme = save_programme(form=form, by=request.user)
        messages.success(request, _("Programme “%(name)s” created.") % {"name": programme.name})
        return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form})


def programme_edit(request, pk):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    require(can_edit_programme(request.user, programme))
    may_assign_staff = can_assign_programme_staff(request.user)
    if request.method == "POST" and "staff" in request.POST:
        # A manager's form has no staff picker; a posted staff list is an attempt to assign people: refused.
        require(may_assign_staff)
    form = ProgrammeForm(request.POST or None, instance=programme, may_assign_staff=may_assign_staff)
    if request.method == "POST" and form.is_valid():
        save_programme(form=form, by=request.user)
        messages.success(request, _("Programme “%(name)s” saved.") % {"name": programme.name})
        return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})
