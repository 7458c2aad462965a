from django.contrib import admin

from pekka.admin_base import ReadOnlyHistoryAdmin

from .models import Agreement, Group, Meeting, Membership


class MembershipInline(admin.TabularInline):
    """Memberships are the group's history: they end (``left_on``), they are never deleted."""

    model = Membership
    extra = 0
    can_delete = False
    autocomplete_fields = ["beneficiary"]
    fields = ["beneficiary", "role", "joined_on", "left_on", "leaving_reason"]


class AgreementInline(admin.TabularInline):
    """A replaced agreement ends (``ended_on``) and stays in the history."""

    model = Agreement
    extra = 0
    can_delete = False
    fields = ["kind", "subject", "unit", "amount", "agreed_on", "ended_on"]


@admin.register(Group)
class GroupAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "programme", "business_type", "village", "status", "formed_on"]
    list_filter = ["status", "programme", "business_type"]
    search_fields = ["name"]
    raw_id_fields = ["village"]
    filter_horizontal = ["facilitators"]
    inlines = [MembershipInline, AgreementInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["group", "held_on", "topic"]
    list_filter = ["group__programme"]
    search_fields = ["group__name", "topic"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["attendees"]

    def has_delete_permission(self, request, obj=None):
        """A meeting and its attendance are field records: corrected, never deleted."""
        return False
