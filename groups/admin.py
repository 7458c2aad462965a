from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, Group, Meeting, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["beneficiary"]
    fields = ["beneficiary", "role", "joined_on", "left_on", "leaving_reason"]


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0
    fields = ["kind", "subject", "unit", "amount", "agreed_on", "ended_on"]


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "business_type", "village", "status", "formed_on"]
    list_filter = ["status", "programme", "business_type"]
    search_fields = ["name"]
    raw_id_fields = ["village"]
    filter_horizontal = ["facilitators"]
    inlines = [MembershipInline, AgreementInline]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["group", "held_on", "topic"]
    list_filter = ["group__programme"]
    search_fields = ["group__name", "topic"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["attendees"]
