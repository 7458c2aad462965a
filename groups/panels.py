"""What the groups app shows on other apps' pages."""

from django.template.loader import render_to_string

from .models import Group, Membership


def beneficiary_sections(request, beneficiary) -> list[str]:
    """The groups she belongs or belonged to, with her roles over time (one query)."""
    memberships = list(
        Membership.objects.filter(beneficiary=beneficiary, group__in=Group.objects.visible_to(request.user))
        .select_related("group__business_type")
        .order_by("group__name", "joined_on")
    )
    if not memberships:
        return []
    return [
        render_to_string(
            "groups/_beneficiary_groups.html", {"memberships": memberships, "beneficiary": beneficiary}, request
        )
    ]
