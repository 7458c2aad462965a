"""Her world, offline: the field page a facilitator starts from, and the list of pages her phone keeps so that she
can work without a signal (static/js/offline.js fetches them into the service worker's page cache).

What a phone keeps is exactly what she may open online: her own caseload and the groups she accompanies, through
the same ``visible_to`` every page starts from, and the pages themselves mask identity numbers for her role.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beneficiaries.models import Beneficiary
from groups.models import Group, GroupStatus, Membership
from pekka.permissions import is_admin
from pekka.text import normalize_search


def field_caseload(user):
    """The women and groups a user works with in the field: those assigned to her (``facilitator``, the groups she
    accompanies) among those she may see. Administrators have no caseload of their own: nothing."""
    if is_admin(user):
        return Beneficiary.objects.none(), Group.objects.none()
    memberships = Membership.objects.open().select_related("group").order_by("group__name")
    women = (
        Beneficiary.objects.visible_to(user)
        .filter(facilitator=user)
        .select_related("household__village")
        .prefetch_related(Prefetch("group_memberships", queryset=memberships, to_attr="open_memberships"))
        .order_by("full_name", "pk")
    )
    groups = (
        Group.objects.visible_to(user)
        .filter(facilitators=user)
        .exclude(status=GroupStatus.DISSOLVED)
        .select_related("village")
        .order_by("name", "pk")
    )
    return women, groups


def _village(woman) -> str:
    household = woman.household
    return household.village.name if household and household.village_id else ""


def index_entry(woman) -> dict:
    """What the field page's search needs of a woman: her name, village and groups. Never an identity number."""
    groups = [m.group.name for m in woman.open_memberships]
    return {
        "id": woman.pk,
        "name": woman.full_name,
        "village": _village(woman),
        "groups": groups,
        "url": reverse("beneficiaries:detail", args=[woman.pk]),
        "search": normalize_search(" ".join([woman.full_name, _village(woman), *groups])),
    }


def offline_urls(women: list, groups: list) -> list[str]:
    """The pages her phone keeps: her day, her field page (every woman of hers, searchable offline), her caseload
    list's first page, her follow-ups; each woman's page and visit form; each group's page, members, session form,
    collection sheet and meeting form. The caseload list's further pages (``?page=N``) are not kept: the field page
    finds any woman of hers offline, and each of them would cost the copy a page's download."""
    urls = [reverse("home"), reverse("field_home"), reverse("beneficiaries:mine"), reverse("mentoring:followup_list")]
    for woman in women:
        urls += [reverse("beneficiaries:detail", args=[woman.pk]), reverse("mentoring:visit_create", args=[woman.pk])]
    for group in groups:
        urls += [
            reverse("groups:detail", args=[group.pk]),
            reverse("groups:members", args=[group.pk]),
            reverse("mentoring:group_session_create", args=[group.pk]),
            reverse("loans:collection_sheet", kwargs={"group_pk": group.pk}),
            reverse("groups:meeting_create", args=[group.pk]),  # the meeting's attendance, taken offline too
        ]
    return urls


@require_GET
@never_cache
def offline_copy(request):
    """/lapangan/siap.json: what her phone fetches to prepare her offline copy, and the search index of her women."""
    women, groups = field_caseload(request.user)
    women, groups = list(women), list(groups)
    return JsonResponse(
        {
            "user": request.user.pk,
            "generated_at": timezone.now().isoformat(),
            "women": len(women),
            "groups": len(groups),
            "urls": offline_urls(women, groups),
            "index": [index_entry(woman) for woman in women],
        }
    )


@require_GET
def field_home(request):
    """/lapangan/: her field page, the app's start page: the offline copy's state, her groups, and her women with a
    search that works without a signal (static/js/offline.js filters the list on the phone)."""
    women, groups = field_caseload(request.user)
    return render(
        request,
        "dashboards/field_home.html",
        {"women": [index_entry(woman) for woman in women], "groups": groups},
    )
