"""The coordinators' review list: field entries that landed although the world moved while the phone was offline,
each with what happened meanwhile and links to its records, and "mark seen"."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pekka.permissions import can_review_field_entries, require

from ..forms import ReviewFilterForm
from ..models import FieldReview
from ..reviews import mark_review_seen


def review_list(request):
    """Open items first by default; filtered by state and kind, newest first, a page at a time."""
    require(can_review_field_entries(request.user))
    chooser = ReviewFilterForm(request.GET or None)
    state, kind = "open", ""
    if chooser.is_bound and chooser.is_valid():
        state, kind = chooser.cleaned_data["state"] or "open", chooser.cleaned_data["kind"]
    items = FieldReview.objects.visible_to(request.user).select_related(
        "programme",
        "author",
        "beneficiary",
        "group",
        "loan",
        "visit",
        "repayment",
        "status_change",
        "moved_to",
        "seen_by",
    )
    if state == "open":
        items = items.open()
    elif state == "seen":
        items = items.filter(seen_at__isnull=False)
    if kind:
        items = items.filter(kind=kind)
    page = Paginator(items.order_by("-created_at", "-pk"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mentoring/review_list.html", {"page": page, "chooser": chooser, "state": state})


@require_POST
def review_seen(request, pk):
    """Marks one item seen ("Tandai sudah dilihat") and goes back to the list it was on."""
    require(can_review_field_entries(request.user))
    review = get_object_or_404(FieldReview.objects.visible_to(request.user), pk=pk)
    mark_review_seen(review=review, by=request.user)
    messages.success(request, _("Marked as seen."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("mentoring:review_list")
    return redirect(back)
