"""Capital grants: the list, recording one and updating what became of it."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pekka.permissions import can_record_grants, require

from ..forms import CapitalGrantForm
from ..models import CapitalGrant


def grant_list(request):
    grants = (
        CapitalGrant.objects.visible_to(request.user)
        .select_related("beneficiary__household__village", "programme")
        .order_by("-given_on", "beneficiary__full_name")
    )
    page = Paginator(grants, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/grant_list.html",
        {
            "page": page,
            "total": grants.aggregate(total=Sum("amount"))["total"],
            "may_record": can_record_grants(request.user),
        },
    )


def grant_create(request):
    require(can_record_grants(request.user))
    initial = {}
    if beneficiary_id := request.GET.get("beneficiary"):
        initial["beneficiary"] = beneficiary_id
    form = CapitalGrantForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        grant = form.save(commit=False)
        grant.recorded_by = request.user
        grant.save()
        messages.success(request, _("Capital grant recorded."))
        return redirect("beneficiaries:detail", grant.beneficiary_id)
    return render(request, "loans/grant_form.html", {"form": form})


def grant_edit(request, pk):
    grant = get_object_or_404(CapitalGrant.objects.visible_to(request.user), pk=pk)
    require(can_record_grants(request.user))
    form = CapitalGrantForm(request.POST or None, instance=grant, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Capital grant saved."))
        return redirect("beneficiaries:detail", grant.beneficiary_id)
    return render(request, "loans/grant_form.html", {"form": form, "grant": grant})
